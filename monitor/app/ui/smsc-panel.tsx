import { formatCount } from '../lib/format';
import type { SenderFigures, SmppSession } from '../lib/types';
import { Panel } from './panel';
import { sortSenders } from './sender-table';

/** The senders that submit over SMPP, with their sessions (live senders first). */
export function smppSenders(senders: SenderFigures[]): (SenderFigures & { session: SmppSession })[] {
  return sortSenders(senders).flatMap((s) => (s.settings?.smpp ? [{ ...s, session: s.settings.smpp }] : []));
}

function State({ session, alive }: { session: SmppSession; alive: boolean }) {
  if (!alive) return <span className="badge muted">sender silent</span>;
  if (session.state === 'bound') return <span className="badge ok">bound</span>;
  return <span className="badge warn">{session.state}</span>;
}

/**
 * One row per SMPP session (`smsim sender --smsc`): where it is bound, how full its window is, how
 * often it had to reconnect and resend, and the receipts it took. Not shown when no sender uses SMPP.
 */
export function SmscPanel({ senders }: { senders: SenderFigures[] | null }) {
  if (!senders) return null;
  const rows = smppSenders(senders);
  if (rows.length === 0) return null;
  const bound = rows.filter((r) => r.alive && r.session.state === 'bound').length;
  return (
    <Panel id="smsc" title="SMSC sessions" hint={`${bound} bound of ${rows.length} · one SMPP session per sender`}>
      <div className="table-wrap" role="region" aria-label="SMSC sessions table, scrolls sideways" tabIndex={0}>
        <table data-testid="smsc-table">
          <thead>
            <tr>
              <th scope="col">Sender</th>
              <th scope="col">SMSC</th>
              <th scope="col">System id</th>
              <th scope="col">Bind</th>
              <th scope="col">State</th>
              <th scope="col" className="num" title="submit_sm awaiting submit_sm_resp / window">
                Window
              </th>
              <th scope="col" className="num" title="parts waiting for a window slot or the session">
                Queued
              </th>
              <th scope="col" className="num">Submitted</th>
              <th scope="col" className="num" title="submit_sm sent again after the connection dropped">
                Resent
              </th>
              <th scope="col" className="num" title="ESME_RTHROTTLED answers (the part waited and went again)">
                Throttled
              </th>
              <th scope="col" className="num">Reconnects</th>
              <th scope="col" className="num" title="delivery receipts taken (unmatched: for ids this sender never had)">
                Receipts
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ sender_id, alive, session: s, settings }) => (
              <tr key={sender_id}>
                <th scope="row" className="mono" style={{ fontWeight: 500 }}>
                  {sender_id}
                </th>
                <td className="mono">{s.smsc}</td>
                <td className="mono">{s.system_id}</td>
                <td>{s.bind}</td>
                <td>
                  <State session={s} alive={alive} />
                </td>
                <td className="num">
                  {formatCount(s.outstanding)} / {formatCount(settings?.window)}
                </td>
                <td className="num">{formatCount(s.queued)}</td>
                <td className="num">{formatCount(s.submitted)}</td>
                <td className="num">{formatCount(s.resent)}</td>
                <td className="num">{formatCount(s.throttled)}</td>
                <td className="num">{formatCount(s.reconnects)}</td>
                <td className="num">
                  {formatCount(s.receipts)}
                  {s.receipts_unmatched > 0 ? (
                    <span className="status-note"> ({formatCount(s.receipts_unmatched)} unmatched)</span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
