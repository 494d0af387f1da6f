'use client';

import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatClock, formatDuration, formatMsTick, formatRate, formatSeconds, type SecondPoint } from '../lib/format';
import type { MonitorSnapshot } from '../lib/types';
import { Panel } from './panel';

/** One point of end-to-end latency percentiles, in milliseconds, as polled. */
export interface LatencyPoint {
  t: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

const clockTick = (t: number) => formatClock(t * 1000);
const axis = { stroke: 'var(--border)', tickLine: false, fontSize: 11 } as const;
const tooltipStyle = {
  contentStyle: { background: 'var(--surface)', borderColor: 'var(--border)', color: 'var(--text)' },
  labelStyle: { color: 'var(--muted)' },
} as const;

function Empty({ text }: { text: string }) {
  return <p className="empty">{text}</p>;
}

export function ThroughputChart({ series }: { series: SecondPoint[] }) {
  const recent = series.slice(-10);
  const avg = recent.length ? recent.reduce((sum, p) => sum + p.total, 0) / recent.length : 0;
  const peak = series.reduce((max, p) => Math.max(max, p.total), 0);
  const summary = series.length
    ? `Last 10 s: ${formatRate(avg)} on average. Peak ${formatRate(peak)} over the ${formatDuration(series.length)} shown.`
    : 'No traffic yet.';
  return (
    <Panel id="throughput" title="Throughput" hint="messages finished per second">
      <figure className="chart">
        <figcaption>{summary}</figcaption>
        {series.length === 0 ? (
          <Empty text="Nothing finished in the last 5 minutes." />
        ) : (
          <div className="chart-box" role="img" aria-label={`Throughput chart. ${summary}`}>
            <ResponsiveContainer width="100%" height="100%">
              <AreaChart data={series} margin={{ top: 4, right: 8, bottom: 0, left: -4 }}>
                <CartesianGrid stroke="var(--grid)" vertical={false} />
                <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={clockTick} minTickGap={40} {...axis} />
                <YAxis allowDecimals={false} width={48} {...axis} />
                <Tooltip labelFormatter={(t) => clockTick(Number(t))} {...tooltipStyle} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Area type="monotone" dataKey="sent" name="sent" stackId="1" stroke="var(--chart-sent)" fill="var(--chart-sent)" fillOpacity={0.35} isAnimationActive={false} />
                <Area type="monotone" dataKey="failed" name="failed" stackId="1" stroke="var(--chart-failed)" fill="var(--chart-failed)" fillOpacity={0.5} isAnimationActive={false} />
              </AreaChart>
            </ResponsiveContainer>
          </div>
        )}
      </figure>
    </Panel>
  );
}

export function FailureRateChart({ series }: { series: SecondPoint[] }) {
  const newest = series.at(-1);
  const last = [...series].reverse().find((p) => p.failurePercent !== null);
  const summary =
    newest && newest.failurePercent !== null
      ? `Now ${newest.failurePercent}% of messages fail (5-second window).`
      : last
        ? `No traffic in the last 5 s; it was ${last.failurePercent}% at ${clockTick(last.t)}.`
        : 'No traffic yet.';
  return (
    <Panel id="failures" title="Failure rate" hint="failed ÷ finished, 5 s window">
      <figure className="chart">
        <figcaption>{summary}</figcaption>
        {series.length === 0 ? (
          <Empty text="Nothing finished in the last 5 minutes." />
        ) : (
          <div className="chart-box" role="img" aria-label={`Failure rate chart. ${summary}`}>
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={series} margin={{ top: 4, right: 8, bottom: 0, left: -4 }}>
                <CartesianGrid stroke="var(--grid)" vertical={false} />
                <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={clockTick} minTickGap={40} {...axis} />
                <YAxis domain={[0, (max: number) => Math.min(100, Math.max(10, Math.ceil(max / 10) * 10))]} unit="%" width={48} {...axis} />
                <Tooltip labelFormatter={(t) => clockTick(Number(t))} formatter={(v) => [`${v}%`, 'failure rate']} {...tooltipStyle} />
                <Line type="monotone" dataKey="failurePercent" name="failure rate" stroke="var(--chart-failed)" strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        )}
      </figure>
    </Panel>
  );
}

export function LatencyPanel({ monitor, history }: { monitor: MonitorSnapshot | null; history: LatencyPoint[] }) {
  const l = monitor?.latency;
  const hasHistory = history.some((p) => p.p50 !== null);
  return (
    <Panel id="latency" title="Latency" hint="percentiles, all messages so far">
      <table className="percentiles" data-testid="latency-table">
        <thead>
          <tr>
            <td />
            <th scope="col" className="num">p50</th>
            <th scope="col" className="num">p90</th>
            <th scope="col" className="num">p99</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row" title="from the gateway publishing the message to the sender finishing it">
              end to end
            </th>
            <td className="num">{formatSeconds(l?.end_to_end.p50 ?? null)}</td>
            <td className="num">{formatSeconds(l?.end_to_end.p90 ?? null)}</td>
            <td className="num">{formatSeconds(l?.end_to_end.p99 ?? null)}</td>
          </tr>
          {l?.accepted_to_counted && (
            <tr>
              <th
                scope="row"
                title="from the campaign's acceptance (paced campaigns: the message's due time) to the gateway counting its status"
              >
                accepted → counted
              </th>
              <td className="num">{formatSeconds(l.accepted_to_counted.p50)}</td>
              <td className="num">{formatSeconds(l.accepted_to_counted.p90)}</td>
              <td className="num">{formatSeconds(l.accepted_to_counted.p99)}</td>
            </tr>
          )}
          <tr>
            <th scope="row" title="the sender's simulated send time">
              send time
            </th>
            <td className="num">{formatSeconds(l?.processing.p50 ?? null)}</td>
            <td className="num">—</td>
            <td className="num">{formatSeconds(l?.processing.p99 ?? null)}</td>
          </tr>
        </tbody>
      </table>
      {!hasHistory ? (
        <Empty text={monitor ? 'No latency samples yet.' : 'Loading…'} />
      ) : (
        <div className="chart-box" role="img" aria-label="End-to-end latency percentiles over time" style={{ height: 150 }}>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={history} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="var(--grid)" vertical={false} />
              <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={clockTick} minTickGap={40} {...axis} />
              <YAxis width={56} domain={[0, 'auto']} tickCount={4} interval={0} tickFormatter={formatMsTick} {...axis} />
              <Tooltip
                labelFormatter={(t) => clockTick(Number(t))}
                formatter={(v, name) => [formatSeconds(Number(v) / 1000), name]}
                {...tooltipStyle}
              />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Line type="monotone" dataKey="p50" stroke="var(--chart-p50)" dot={false} isAnimationActive={false} />
              <Line type="monotone" dataKey="p90" stroke="var(--chart-p90)" dot={false} isAnimationActive={false} />
              <Line type="monotone" dataKey="p99" stroke="var(--chart-p99)" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </Panel>
  );
}
