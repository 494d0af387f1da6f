'use client';

import type { PollerState } from '../lib/refresh';
import { Countdown } from './countdown';
import { RefreshControl } from './refresh-control';
import { ThemeToggle } from './theme-toggle';

export type Connection = 'connecting' | 'connected' | 'unreachable';

const DOT: Record<Connection, string> = { connecting: 'warn', connected: 'ok', unreachable: 'bad' };

export function Header(props: {
  gatewayLabel: string;
  version: string | null;
  connection: Connection;
  seconds: number | null;
  onSeconds: (seconds: number) => void;
  poller: PollerState | null;
  updatedAt: number | null;
  onRefreshNow: () => void;
}) {
  return (
    <header className="topbar">
      <div className="brand">
        <h1>smsim monitor</h1>
        <span className="conn" data-testid="connection">
          <span className={`dot ${DOT[props.connection]}`} aria-hidden="true" />
          {props.connection} · <span className="mono">{props.gatewayLabel}</span>
          {props.version ? ` · gateway ${props.version}` : null}
        </span>
      </div>
      <div className="toolbar">
        {props.seconds !== null ? <RefreshControl seconds={props.seconds} onChange={props.onSeconds} /> : null}
        <Countdown state={props.poller} updatedAt={props.updatedAt} />
        <button type="button" onClick={props.onRefreshNow} disabled={!props.poller || props.poller.inFlight}>
          Refresh now
        </button>
        <ThemeToggle />
      </div>
    </header>
  );
}
