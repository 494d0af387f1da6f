// Pure formatting of the gateway's figures for display. No React, no DOM: unit-tested directly.
import type { Campaign, PerSecondRow, SenderSettings, StatusFunnel } from './types';

export const DASH = '—';

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234567 -> "1,234,567"; not a number -> "—". */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return counts.format(Math.round(value));
}

/**
 * A time in seconds, in the unit an operator reads at a glance: "0.42 ms", "103 ms", "1.25 s",
 * "12.5 s", "2 min 5 s". Negative (the gateway's -1: nothing finished yet) or missing -> "—".
 */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return DASH;
  if (seconds === 0) return '0 ms';
  if (seconds < 0.001) return `${(seconds * 1000).toFixed(2)} ms`;
  if (seconds < 0.01) return `${(seconds * 1000).toFixed(1)} ms`;
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return formatDuration(seconds);
}

/** A whole duration, for ETAs and ages: "0 s", "45 s", "2 min 5 s", "1 h 2 min", "3 d 4 h". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return DASH;
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) {
    const s = total % 60;
    return s ? `${minutes} min ${s} s` : `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const m = minutes % 60;
    return m ? `${hours} h ${m} min` : `${hours} h`;
  }
  const days = Math.floor(hours / 24);
  const h = hours % 24;
  return h ? `${days} d ${h} h` : `${days} d`;
}

/** A fraction 0..1 as a percentage: 0.1234 -> "12.3%". */
export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return DASH;
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Messages per second: "0/s", "4.2/s", "48/s", "1,250/s". */
export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond) || perSecond < 0) return DASH;
  if (perSecond === 0) return '0/s';
  if (perSecond < 10) return `${perSecond.toFixed(1)}/s`;
  return `${formatCount(perSecond)}/s`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An axis tick in milliseconds, short: "450 ms", "1.4 s", "12 s". */
export function formatMsTick(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 1000)} s`;
}

/** Local wall-clock time of an epoch in milliseconds: "09:05:03". */
export function formatClock(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined || !Number.isFinite(epochMs)) return DASH;
  const d = new Date(epochMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** How long ago, coarsely: "just now", "12 s ago", "3 min ago", "2 h ago". */
export function formatAgo(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  if (seconds < 1) return 'just now';
  if (seconds < 60) return `${Math.floor(seconds)} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

/** failed / (sent + failed), or null when nothing finished. */
export function failureRatio(sent: number, failed: number): number | null {
  const finished = sent + failed;
  return finished > 0 ? failed / finished : null;
}

/** "normal 5 ms ± 2 ms", "constant 250 ms"; the sender's timing model in one phrase. */
export function formatTiming(settings: SenderSettings | null): string {
  if (!settings) return DASH;
  if (settings.smpp) return `SMPP → ${settings.smpp.smsc}`;
  const mean = formatSeconds(settings.mean);
  if (settings.distribution === 'constant' || settings.stddev <= 0) return `${settings.distribution} ${mean}`;
  return `${settings.distribution} ${mean} ± ${formatSeconds(settings.stddev)}`;
}

export interface CampaignProgress {
  /** Finished (sent or failed) out of the campaign's size, 0..1. */
  finished: number;
  sent: number;
  failed: number;
  /** Published but not finished yet, 0..1. */
  inFlight: number;
  /** Published out of the campaign's size, 0..1. */
  published: number;
}

const fraction = (part: number, whole: number) => (whole > 0 ? Math.min(1, Math.max(0, part / whole)) : 0);

export function campaignProgress(c: Campaign): CampaignProgress {
  const whole = c.num_messages;
  const finished = fraction(c.messages_finished, whole);
  const published = Math.max(finished, fraction(c.published, whole));
  return {
    finished,
    sent: fraction(c.messages_sent, whole),
    failed: fraction(c.messages_failed, whole),
    inFlight: Math.max(0, published - finished),
    published,
  };
}

/** Messages per second: the gateway's figure while it runs; over its whole run once finished. */
export function campaignRate(c: Campaign): number {
  if (c.finished && c.finished_at_ms !== null && c.finished_at_ms > c.created_at_ms) {
    return c.messages_finished / ((c.finished_at_ms - c.created_at_ms) / 1000);
  }
  return c.messages_per_second;
}

/** A campaign's state in a word or two: "running", "publishing", "done in 12 s". */
export function campaignState(c: Campaign): string {
  if (c.finished) {
    if (c.finished_at_ms !== null) return `done in ${formatDuration((c.finished_at_ms - c.created_at_ms) / 1000)}`;
    return 'done';
  }
  if (!c.fully_published) return 'publishing';
  return 'sending';
}

/** The ETA of an unfinished campaign: "ETA 8 s"; finished or unknown: "—". */
export function formatEta(c: Campaign): string {
  if (c.finished) return DASH;
  if (c.eta_seconds === null || !Number.isFinite(c.eta_seconds)) return 'ETA unknown';
  return `ETA ${formatDuration(c.eta_seconds)}`;
}

/** Fewer finished messages than this in the smoothing window give no failure rate. */
export const MIN_RATE_SAMPLES = 5;

export interface SecondPoint {
  /** Epoch second. */
  t: number;
  sent: number;
  failed: number;
  total: number;
  /** failed / total over the smoothing window, as a percentage; null without traffic. */
  failurePercent: number | null;
}

/**
 * The gateway's per-second rows as a continuous series: seconds without a row become zeros, so
 * a pause shows as a gap in throughput rather than a line drawn across it. The failure rate is
 * taken over the last `smoothing` seconds, and only where they hold at least `MIN_RATE_SAMPLES`
 * finished messages, so that one failure in a quiet second is not "100%".
 * At most `limit` points, the newest. Seconds from `currentSecond` on are left out: the gateway is
 * still counting them, and a half-counted second would show as a false drop. Quiet seconds up to
 * `currentSecond` are zeros, so traffic that stopped shows as stopped.
 */
export function perSecondSeries(
  rows: PerSecondRow[],
  smoothing = 5,
  limit = 300,
  currentSecond = Infinity,
): SecondPoint[] {
  const bySecond = new Map<number, [number, number]>();
  let first = Infinity;
  let last = -Infinity;
  for (const [t, sent, failed] of rows) {
    if (t >= currentSecond) continue;
    const prev = bySecond.get(t) ?? [0, 0];
    bySecond.set(t, [prev[0] + sent, prev[1] + failed]);
    first = Math.min(first, t);
    last = Math.max(last, t);
  }
  if (!bySecond.size) return [];
  if (Number.isFinite(currentSecond)) last = Math.max(last, currentSecond - 1);
  first = Math.max(first, last - limit + 1);
  const points: SecondPoint[] = [];
  for (let t = first; t <= last; t++) {
    const [sent, failed] = bySecond.get(t) ?? [0, 0];
    points.push({ t, sent, failed, total: sent + failed, failurePercent: null });
  }
  let windowSent = 0;
  let windowFailed = 0;
  for (let i = 0; i < points.length; i++) {
    windowSent += points[i].sent;
    windowFailed += points[i].failed;
    if (i >= smoothing) {
      windowSent -= points[i - smoothing].sent;
      windowFailed -= points[i - smoothing].failed;
    }
    const ratio = windowSent + windowFailed >= MIN_RATE_SAMPLES ? failureRatio(windowSent, windowFailed) : null;
    points[i].failurePercent = ratio === null ? null : Math.round(ratio * 1000) / 10;
  }
  return points;
}

/** Cut long text for a table cell: keeps `max` characters and marks the cut with "…". */
export function truncate(text: string | null | undefined, max: number): string {
  if (text === null || text === undefined) return '';
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

export type FunnelState = 'pending' | 'sent' | 'delivered' | 'undelivered' | 'expired' | 'failed';

export interface FunnelSegment {
  state: FunnelState;
  count: number;
  /** Of all tracked messages, 0..1. */
  fraction: number;
}

const FUNNEL_ORDER: FunnelState[] = ['delivered', 'sent', 'pending', 'undelivered', 'expired', 'failed'];

/** The funnel as bar segments, in reading order (delivered first, failures last). */
export function funnelSegments(funnel: StatusFunnel): FunnelSegment[] {
  const total = Math.max(funnel.messages, FUNNEL_ORDER.reduce((sum, s) => sum + (funnel[s] ?? 0), 0));
  return FUNNEL_ORDER.map((state) => {
    const count = funnel[state] ?? 0;
    return { state, count, fraction: total > 0 ? count / total : 0 };
  });
}

/** {"1": 400, "3": 100} -> "1 part: 400 · 3 parts: 100"; none -> "—". */
export function formatPartsHistogram(parts: Record<string, number> | undefined): string {
  const entries = Object.entries(parts ?? {})
    .map(([n, count]) => [Number(n), count] as const)
    .filter(([n, count]) => Number.isFinite(n) && count > 0)
    .sort((a, b) => a[0] - b[0]);
  if (!entries.length) return DASH;
  return entries.map(([n, count]) => `${n} part${n === 1 ? '' : 's'}: ${formatCount(count)}`).join(' · ');
}
