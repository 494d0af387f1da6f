'use client';

import { formatClock, formatCount, truncate } from '../lib/format';
import type { KafkaOverview, KafkaRecords } from '../lib/types';
import { Panel } from './panel';

function Topics({ overview }: { overview: KafkaOverview }) {
  if (overview.topics.length === 0) return <p className="empty">No topics yet.</p>;
  return (
    <div className="table-wrap" role="region" aria-label="Topics" tabIndex={0}>
      <table data-testid="kafka-topics">
        <thead>
          <tr>
            <th scope="col">Topic</th>
            <th scope="col" className="num">Partitions</th>
            <th scope="col" className="num">Records</th>
            <th scope="col">End offset per partition</th>
          </tr>
        </thead>
        <tbody>
          {overview.topics.map((t) => (
            <tr key={t.name}>
              <th scope="row" className="mono" style={{ fontWeight: 500 }}>
                {t.name}
              </th>
              <td className="num">{t.partitions.length}</td>
              <td className="num">{formatCount(t.partitions.reduce((sum, p) => sum + Math.max(0, p.end_offset), 0))}</td>
              <td className="chips">
                {t.partitions.map((p) =>
                  p.end_offset < 0 ? (
                    <span className="chip" key={p.partition} title={`partition ${p.partition}: its leader does not answer`}>
                      {p.partition}:?
                    </span>
                  ) : (
                    <span className="chip" key={p.partition} title={`partition ${p.partition}: end offset ${p.end_offset}`}>
                      {p.partition}:{formatCount(p.end_offset)}
                    </span>
                  ),
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Leader, replicas and in-sync replicas per partition: where a lost broker shows first. */
function Replication({ overview }: { overview: KafkaOverview }) {
  const rows = overview.topics.flatMap((t) =>
    t.partitions.filter((p) => p.replicas !== undefined).map((p) => ({ topic: t.name, ...p })),
  );
  if (rows.length === 0) return null;
  const brokers = overview.brokers ?? [];
  const underReplicated = rows.filter((r) => (r.isr?.length ?? 0) < (r.replicas?.length ?? 0)).length;
  const offline = rows.filter((r) => r.leader === undefined || r.leader < 0).length;
  return (
    <div style={{ marginTop: 16 }}>
      <h3>Replication</h3>
      <p style={{ margin: '0 0 8px' }} data-testid="kafka-brokers">
        {brokers.length} broker{brokers.length === 1 ? '' : 's'}
        {brokers.length ? ': ' : ''}
        {brokers.map((b) => `${b.id} (${b.host}:${b.port})`).join(', ')}{' '}
        <span className={`badge ${underReplicated ? 'warn' : 'ok'}`}>{underReplicated} under-replicated</span>{' '}
        <span className={`badge ${offline ? 'bad' : 'ok'}`}>{offline} offline</span>
      </p>
      <div className="table-wrap" role="region" aria-label="Leader and replicas per partition" tabIndex={0}>
        <table data-testid="kafka-replication">
          <thead>
            <tr>
              <th scope="col">Topic</th>
              <th scope="col" className="num">Partition</th>
              <th scope="col" className="num">Leader</th>
              <th scope="col">Replicas</th>
              <th scope="col">In sync (ISR)</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const replicas = r.replicas ?? [];
              const isr = r.isr ?? [];
              const missing = replicas.filter((id) => !isr.includes(id));
              return (
                <tr key={`${r.topic}/${r.partition}`}>
                  <td className="mono">{r.topic}</td>
                  <td className="num">{r.partition}</td>
                  <td className="num">
                    {r.leader === undefined || r.leader < 0 ? <span className="badge bad">offline</span> : r.leader}
                  </td>
                  <td>{replicas.join(', ')}</td>
                  <td>
                    {isr.join(', ') || '—'}
                    {missing.length ? (
                      <>
                        {' '}
                        <span className="badge warn" title={`replicas not in sync: ${missing.join(', ')}`}>
                          missing {missing.join(', ')}
                        </span>
                      </>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function SenderGroup({ overview }: { overview: KafkaOverview }) {
  const group = overview.sender_group;
  if (!group) return <p className="empty">The sender group does not exist yet: no sender has joined.</p>;
  const owner = new Map<number, string>();
  for (const m of group.members) for (const p of m.partitions) owner.set(p, m.client_id);
  const totalLag = group.lag.reduce((sum, l) => sum + l.lag, 0);
  return (
    <>
      <p style={{ margin: '0 0 8px' }}>
        <span className="mono">{group.group_id}</span>{' '}
        <span className={`badge ${group.state === 'Stable' ? 'ok' : 'warn'}`}>{group.state}</span>{' '}
        <span className="status-note">
          {group.members.length} member{group.members.length === 1 ? '' : 's'} · total lag {formatCount(totalLag)}
        </span>
      </p>
      {group.members.length > 0 ? (
        <div className="table-wrap" role="region" aria-label="Group members" tabIndex={0} style={{ marginBottom: 10 }}>
          <table data-testid="kafka-members">
            <thead>
              <tr>
                <th scope="col">Member (client id)</th>
                <th scope="col">Host</th>
                <th scope="col">Partitions</th>
              </tr>
            </thead>
            <tbody>
              {group.members.map((m) => (
                <tr key={m.member_id}>
                  <td className="mono" title={m.member_id}>
                    {m.client_id}
                  </td>
                  <td className="mono">{m.host}</td>
                  <td>{m.partitions.length ? m.partitions.join(', ') : 'none'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {group.lag.length === 0 ? (
        <p className="empty">No partitions assigned.</p>
      ) : (
        <div className="table-wrap" role="region" aria-label="Assignment and lag per partition" tabIndex={0}>
          <table data-testid="kafka-lag">
            <thead>
              <tr>
                <th scope="col" className="num">Partition</th>
                <th scope="col">Owner</th>
                <th scope="col" className="num">Committed</th>
                <th scope="col" className="num">End offset</th>
                <th scope="col" className="num">Lag</th>
              </tr>
            </thead>
            <tbody>
              {group.lag.map((l) => (
                <tr key={l.partition}>
                  <td className="num">{l.partition}</td>
                  <td className="mono">{owner.get(l.partition) ?? 'unassigned'}</td>
                  <td className="num">{l.committed === null ? '—' : formatCount(l.committed)}</td>
                  <td className="num">{formatCount(l.end_offset)}</td>
                  <td className="num">{formatCount(l.lag)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function Records(props: {
  topics: string[];
  topic: string;
  onTopic: (topic: string) => void;
  records: KafkaRecords | null;
  error: string | null;
}) {
  const options = props.topics.includes(props.topic) ? props.topics : [props.topic, ...props.topics];
  const rows = props.records?.topic === props.topic ? props.records.records : null;
  return (
    <div>
      <div className="records-bar">
        <h3 style={{ margin: 0 }}>Newest records</h3>
        <label className="inline-label">
          Topic
          <select value={props.topic} onChange={(e) => props.onTopic(e.target.value)} data-testid="records-topic">
            {options.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
      </div>
      {props.error ? <p className="panel-error">Records unavailable: {props.error}</p> : null}
      {rows === null ? (
        props.error ? null : <p className="empty">Loading records…</p>
      ) : rows.length === 0 ? (
        <p className="empty">No records in {props.topic} yet.</p>
      ) : (
        <div className="table-wrap records" role="region" aria-label={`Newest records of ${props.topic}`} tabIndex={0}>
          <table data-testid="kafka-records">
            <thead>
              <tr>
                <th scope="col">Partition / offset</th>
                <th scope="col">Time</th>
                <th scope="col">Key</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.partition}/${r.offset}`}>
                  <td className="mono">
                    {r.partition} / {r.offset}
                  </td>
                  <td>{formatClock(r.timestamp_ms)}</td>
                  <td className="mono">{truncate(r.key, 32) || '—'}</td>
                  <td className="value" title={r.value ?? ''}>
                    {truncate(r.value, 160) || '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** What Confluent Control Center showed: topics, the sender group's assignment and lag, replication, records. */
export function KafkaPanel(props: {
  overview: KafkaOverview | null;
  error: string | null;
  topic: string;
  onTopic: (topic: string) => void;
  records: KafkaRecords | null;
  recordsError: string | null;
}) {
  const o = props.overview;
  return (
    <Panel id="kafka" title="Kafka" hint="topics, sender group, replication, records · refreshed at most every 5 s">
      {props.error ? <p className="panel-error">Kafka overview unavailable: {props.error}</p> : null}
      {o === null ? (
        props.error ? null : <p className="empty">Loading Kafka overview…</p>
      ) : (
        <div className="kafka-grid">
          <div>
            <h3>Topics</h3>
            <Topics overview={o} />
          </div>
          <div>
            <h3>Sender group</h3>
            <SenderGroup overview={o} />
          </div>
        </div>
      )}
      {o === null ? null : <Replication overview={o} />}
      <div style={{ marginTop: 16 }}>
        <Records
          topics={o?.topics.map((t) => t.name) ?? []}
          topic={props.topic}
          onTopic={props.onTopic}
          records={props.records}
          error={props.recordsError}
        />
      </div>
    </Panel>
  );
}
