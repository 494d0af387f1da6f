import { formatCount, formatPartsHistogram, formatPercent, funnelSegments, type FunnelState } from '../lib/format';
import type { StatusFunnel } from '../lib/types';
import { Panel } from './panel';

const COLOR: Record<FunnelState, string> = {
  delivered: 'var(--chart-sent)',
  sent: 'var(--chart-p50)',
  pending: 'var(--inflight)',
  undelivered: 'var(--chart-p99)',
  expired: 'var(--warn)',
  failed: 'var(--chart-failed)',
};

/** Whole messages by latest state: PENDING → SENT → DELIVERED, or UNDELIVERED / EXPIRED / FAILED. */
export function FunnelPanel({ funnel }: { funnel: StatusFunnel | undefined }) {
  if (!funnel) return null;
  const segments = funnelSegments(funnel);
  return (
    <Panel id="funnel" title="Message states" hint="latest state of each whole message">
      {funnel.messages === 0 ? (
        <p className="empty">No message tracked yet.</p>
      ) : (
        <>
          <div className="progress" role="img" aria-label={segments.map((s) => `${s.state} ${s.count}`).join(', ')}>
            {segments.map((s) => (
              <span key={s.state} className="seg" style={{ width: `${(s.fraction * 100).toFixed(2)}%`, background: COLOR[s.state] }} />
            ))}
          </div>
          <dl className="figures" data-testid="funnel">
            {segments.map((s) => (
              <div key={s.state}>
                <dt>
                  <i className="swatch" style={{ background: COLOR[s.state] }} aria-hidden="true" />
                  {s.state}
                </dt>
                <dd>
                  {formatCount(s.count)} <span className="status-note">{formatPercent(s.fraction, 0)}</span>
                </dd>
              </div>
            ))}
          </dl>
          <p className="status-note" style={{ margin: '8px 0 0' }}>
            {formatCount(funnel.messages)} messages · {formatPartsHistogram(funnel.parts_per_message)}
          </p>
        </>
      )}
    </Panel>
  );
}
