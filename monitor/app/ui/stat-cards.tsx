import type { ReactNode } from 'react';
import { failureRatio, formatCount, formatPercent, formatRate, formatSeconds } from '../lib/format';
import type { MonitorSnapshot } from '../lib/types';

function Stat(props: { label: string; value: string; sub?: ReactNode; testId?: string; tone?: string; primary?: boolean; busy: boolean }) {
  const classes = ['stat', props.primary ? 'primary' : '', props.tone ?? ''].join(' ');
  return (
    <div className={classes} aria-busy={props.busy}>
      <dt>{props.label}</dt>
      <dd className="value" data-testid={props.testId}>
        {props.busy ? '…' : props.value}
      </dd>
      {props.sub ? <dd className="sub">{props.sub}</dd> : null}
    </div>
  );
}

/** The exercise's three figures, large, then the live state of the pipeline. */
export function StatCards({ monitor }: { monitor: MonitorSnapshot | null }) {
  const busy = monitor === null;
  const m = monitor;
  const ratio = m ? failureRatio(m.messages_sent, m.messages_failed) : null;
  return (
    <dl className="stats" aria-label="Totals so far">
      <Stat
        primary
        tone="ok"
        busy={busy}
        label="Messages sent"
        testId="messages-sent"
        value={formatCount(m?.messages_sent)}
        sub={m ? `${formatCount(m.messages_sent + m.messages_failed)} finished of ${formatCount(m.messages_produced)} produced` : null}
      />
      <Stat
        primary
        tone="bad"
        busy={busy}
        label="Messages failed"
        testId="messages-failed"
        value={formatCount(m?.messages_failed)}
        sub={m ? (ratio === null ? 'nothing finished yet' : `${formatPercent(ratio)} of finished`) : null}
      />
      <Stat
        primary
        busy={busy}
        label="Average time per message"
        testId="average-time"
        value={formatSeconds(m?.average_time_per_message)}
        sub={m ? (m.average_time_per_message < 0 ? 'nothing finished yet' : 'send time, all messages so far') : null}
      />
      <Stat busy={busy} label="Throughput" value={formatRate(m?.throughput_per_second)} sub="finished per second" />
      <Stat busy={busy} label="Produced" value={formatCount(m?.messages_produced)} sub="published to Kafka" />
      <Stat busy={busy} label="In flight" value={formatCount(m?.messages_in_flight)} sub="produced, not finished" />
      <Stat busy={busy} label="Queued at senders" value={formatCount(m?.queued_at_senders)} sub={m ? `${m.dispatch_mode} dispatch` : null} />
      <Stat busy={busy} label="Live senders" value={formatCount(m?.live_senders)} sub={m ? `of ${m.senders.length} known` : null} />
      <Stat busy={busy} label="Duplicates ignored" value={formatCount(m?.duplicates_ignored)} sub="counted once" />
    </dl>
  );
}
