import {
  failureRatio,
  formatAgo,
  formatClock,
  formatCount,
  formatPercent,
  formatRate,
  formatSeconds,
  formatTiming,
} from '../lib/format';
import type { SenderFigures } from '../lib/types';
import { Panel } from './panel';

/** Live senders first, then by id (so one program's threads sit together). */
export function sortSenders(senders: SenderFigures[]): SenderFigures[] {
  return [...senders].sort((a, b) => Number(b.alive) - Number(a.alive) || a.sender_id.localeCompare(b.sender_id));
}

function Status({ sender }: { sender: SenderFigures }) {
  if (sender.alive) {
    return (
      <>
        <span className="badge ok">live</span>
        <span className="status-note">heard {formatAgo(sender.seconds_since_heard)}</span>
      </>
    );
  }
  return (
    <>
      <span className="badge warn">silent</span>
      <span className="status-note">
        since {formatClock(sender.last_heard_ms)} ({formatAgo(sender.seconds_since_heard)})
      </span>
    </>
  );
}

/** What the Program column says when no heartbeat told us. */
function program(s: SenderFigures): string {
  if (s.settings) return s.settings.program;
  if (s.kind === 'legacy_consumer') return `other group · partitions ${(s.partitions ?? []).join(', ')} · ${s.queued ?? 0} queued`;
  if (s.legacy) return 'original format (cumulative)';
  return '—';
}

function Row({ sender: s }: { sender: SenderFigures }) {
  const ratio = s.messages_sent === null || s.messages_failed === null ? null : failureRatio(s.messages_sent, s.messages_failed);
  return (
    <tr data-kind={s.kind ?? 'smsim'}>
      <th scope="row" className="mono" style={{ fontWeight: 500 }}>
        {s.sender_id} {s.legacy ? <span className="badge muted">legacy</span> : null}
      </th>
      <td>{program(s)}</td>
      <td>{s.legacy && !s.settings ? 'unknown' : formatTiming(s.settings)}</td>
      <td className="num">{s.settings && !s.settings.smpp ? formatPercent(s.settings.failure_rate, 0) : '—'}</td>
      <td className="num">{s.settings ? s.settings.window : '—'}</td>
      <td className="num">{formatCount(s.messages_sent)}</td>
      <td className="num">{formatCount(s.messages_failed)}</td>
      <td className="num">{formatPercent(ratio)}</td>
      <td className="num">{formatSeconds(s.average_time_per_message)}</td>
      <td className="num">{formatRate(s.rate_per_second)}</td>
      <td>
        <Status sender={s} />
      </td>
    </tr>
  );
}

/** Every sender the gateway has heard from: its settings, its figures, and whether it is alive. */
export function SenderTable({ senders }: { senders: SenderFigures[] | null }) {
  const live = senders?.filter((s) => s.alive).length ?? 0;
  return (
    <Panel
      id="senders"
      title="Senders"
      hint={
        senders
          ? `${live} live of ${senders.length} · settings as configured, figures as measured; legacy: the original exercise's senders (settings unknown)`
          : undefined
      }
    >
      {senders === null ? (
        <p className="empty" aria-busy="true">
          Loading senders…
        </p>
      ) : senders.length === 0 ? (
        <p className="empty" data-testid="senders-empty">
          No senders yet — start <code>smsim sender</code> (for example{' '}
          <code>smsim sender --name fast --senders 2 --mean 50ms</code>).
        </p>
      ) : (
        <div className="table-wrap" role="region" aria-label="Senders table, scrolls sideways" tabIndex={0}>
          <table data-testid="sender-table">
            <thead>
              <tr>
                <th scope="col">Sender</th>
                <th scope="col">Program</th>
                <th scope="col">Send time</th>
                <th scope="col" className="num">Failure rate</th>
                <th scope="col" className="num">Window</th>
                <th scope="col" className="num">Sent</th>
                <th scope="col" className="num">Failed</th>
                <th scope="col" className="num">Failed %</th>
                <th scope="col" className="num">Avg time</th>
                <th scope="col" className="num">Rate</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {sortSenders(senders).map((s) => (
                <Row key={s.sender_id} sender={s} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
