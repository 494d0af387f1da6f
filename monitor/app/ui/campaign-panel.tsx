import {
  campaignProgress,
  campaignRate,
  campaignState,
  formatClock,
  formatCount,
  formatEta,
  formatPercent,
  formatRate,
} from '../lib/format';
import type { Campaign } from '../lib/types';
import { Panel } from './panel';

const width = (fraction: number) => `${(fraction * 100).toFixed(2)}%`;

function ProgressBar({ campaign }: { campaign: Campaign }) {
  const p = campaignProgress(campaign);
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label="Campaign progress"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(p.finished * 100)}
      aria-valuetext={`${formatCount(campaign.messages_finished)} of ${formatCount(campaign.num_messages)} finished`}
    >
      <span className="seg sent" style={{ width: width(p.sent) }} />
      <span className="seg failed" style={{ width: width(p.failed) }} />
      <span className="seg inflight" style={{ width: width(p.inFlight) }} />
    </div>
  );
}

function CurrentCampaign({ campaign: c }: { campaign: Campaign }) {
  const p = campaignProgress(c);
  return (
    <div data-testid="campaign-current">
      <div className="campaign-title">
        <span className="big">
          {formatPercent(p.finished)} <span style={{ fontWeight: 400, color: 'var(--muted)' }}>finished</span>
        </span>
        <span>
          <span className={`badge ${c.finished ? 'ok' : 'warn'}`}>{campaignState(c)}</span>{' '}
          {c.finished ? null : <strong>{formatEta(c)}</strong>}
        </span>
      </div>
      <ProgressBar campaign={c} />
      <div className="legend" aria-hidden="true">
        <span>
          <i className="swatch" style={{ background: 'var(--chart-sent)' }} />
          sent
        </span>
        <span>
          <i className="swatch" style={{ background: 'var(--chart-failed)' }} />
          failed
        </span>
        <span>
          <i className="swatch" style={{ background: 'var(--inflight)' }} />
          produced, not finished yet
        </span>
      </div>
      <dl className="figures">
        <div>
          <dt>Campaign</dt>
          <dd className="mono" title={c.campaign_id}>
            {c.campaign_id}
          </dd>
        </div>
        <div>
          <dt>Produced</dt>
          <dd>
            {formatCount(c.published)} / {formatCount(c.num_messages)}
          </dd>
        </div>
        <div>
          <dt>Finished</dt>
          <dd>{formatCount(c.messages_finished)}</dd>
        </div>
        <div>
          <dt>In flight</dt>
          <dd>{formatCount(c.messages_in_flight)}</dd>
        </div>
        <div>
          <dt>Sent</dt>
          <dd style={{ color: 'var(--ok)' }}>{formatCount(c.messages_sent)}</dd>
        </div>
        <div>
          <dt>Failed</dt>
          <dd style={{ color: 'var(--bad)' }}>{formatCount(c.messages_failed)}</dd>
        </div>
        <div>
          <dt>Rate</dt>
          <dd>{formatRate(campaignRate(c))}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatClock(c.created_at_ms)}</dd>
        </div>
      </dl>
    </div>
  );
}

function History({ campaigns }: { campaigns: Campaign[] }) {
  if (campaigns.length === 0) return null;
  return (
    <div className="table-wrap history">
      <table>
        <caption>Earlier campaigns (newest first)</caption>
        <thead>
          <tr>
            <th scope="col">Campaign</th>
            <th scope="col">Started</th>
            <th scope="col" className="num">Size</th>
            <th scope="col" className="num">Sent</th>
            <th scope="col" className="num">Failed</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {campaigns.map((c) => (
            <tr key={c.campaign_id}>
              <td className="mono">{c.campaign_id}</td>
              <td>{formatClock(c.created_at_ms)}</td>
              <td className="num">{formatCount(c.num_messages)}</td>
              <td className="num">{formatCount(c.messages_sent)}</td>
              <td className="num">{formatCount(c.messages_failed)}</td>
              <td>{c.finished ? campaignState(c) : `${formatPercent(campaignProgress(c).finished)} · ${formatEta(c)}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The newest campaign's progress, with a few earlier ones below. */
export function CampaignPanel(props: { campaigns: Campaign[] | null; error: string | null }) {
  const list = props.campaigns;
  return (
    <Panel id="campaign" title="Campaign progress" hint={list && list.length > 1 ? `${list.length} campaigns` : undefined}>
      {props.error ? <p className="panel-error">Campaigns unavailable: {props.error}</p> : null}
      {list === null ? (
        props.error ? null : <p className="empty" aria-busy="true">Loading campaigns…</p>
      ) : list.length === 0 ? (
        <p className="empty">No campaign yet. Start one with the form, `smsim produce` or POST /produce-messages.</p>
      ) : (
        <>
          <CurrentCampaign campaign={list[0]} />
          <History campaigns={list.slice(1, 6)} />
        </>
      )}
    </Panel>
  );
}
