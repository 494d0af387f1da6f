import { describe, expect, it } from 'vitest';
import {
  campaignProgress,
  campaignRate,
  campaignState,
  DASH,
  failureRatio,
  formatAgo,
  formatClock,
  formatCount,
  formatDuration,
  formatEta,
  formatPercent,
  formatRate,
  formatSeconds,
  formatMsTick,
  formatPartsHistogram,
  formatTiming,
  funnelSegments,
  perSecondSeries,
  truncate,
} from '../app/lib/format';
import type { Campaign } from '../app/lib/types';

const campaign = (patch: Partial<Campaign> = {}): Campaign => ({
  campaign_id: 'c1',
  num_messages: 500,
  published: 300,
  fully_published: false,
  messages_sent: 180,
  messages_failed: 20,
  messages_finished: 200,
  messages_in_flight: 100,
  finished: false,
  created_at_ms: 1_700_000_000_000,
  finished_at_ms: null,
  messages_per_second: 50,
  eta_seconds: 6,
  settings: {},
  ...patch,
});

describe('formatCount', () => {
  it('groups thousands', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(10_000_000)).toBe('10,000,000');
  });
  it('rounds and refuses what is not a number', () => {
    expect(formatCount(2.6)).toBe('3');
    expect(formatCount(NaN)).toBe(DASH);
    expect(formatCount(null)).toBe(DASH);
    expect(formatCount(undefined)).toBe(DASH);
  });
});

describe('formatSeconds', () => {
  it('shows the -1 of "nothing finished yet" as a dash', () => {
    expect(formatSeconds(-1)).toBe(DASH);
    expect(formatSeconds(null)).toBe(DASH);
    expect(formatSeconds(Infinity)).toBe(DASH);
  });
  it('picks the unit an operator reads at a glance', () => {
    expect(formatSeconds(0)).toBe('0 ms');
    expect(formatSeconds(0.00042)).toBe('0.42 ms');
    expect(formatSeconds(0.0064)).toBe('6.4 ms');
    expect(formatSeconds(0.103)).toBe('103 ms');
    expect(formatSeconds(0.9996)).toBe('1000 ms');
    expect(formatSeconds(1.25)).toBe('1.25 s');
    expect(formatSeconds(12.54)).toBe('12.5 s');
    expect(formatSeconds(125)).toBe('2 min 5 s');
  });
});

describe('formatDuration', () => {
  it('reads like speech', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(44.6)).toBe('45 s');
    expect(formatDuration(60)).toBe('1 min');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(3720)).toBe('1 h 2 min');
    expect(formatDuration(90000)).toBe('1 d 1 h');
    expect(formatDuration(-3)).toBe(DASH);
  });
});

describe('percent, rate, clock, age', () => {
  it('formats fractions as percentages', () => {
    expect(formatPercent(0.1234)).toBe('12.3%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0.1, 0)).toBe('10%');
    expect(formatPercent(null)).toBe(DASH);
  });
  it('formats rates', () => {
    expect(formatRate(0)).toBe('0/s');
    expect(formatRate(4.24)).toBe('4.2/s');
    expect(formatRate(48.4)).toBe('48/s');
    expect(formatRate(1250)).toBe('1,250/s');
    expect(formatRate(-1)).toBe(DASH);
  });
  it('formats local wall-clock time with leading zeros', () => {
    expect(formatClock(new Date(2024, 0, 2, 9, 5, 3).getTime())).toBe('09:05:03');
    expect(formatClock(new Date(2024, 0, 2, 23, 59, 59).getTime())).toBe('23:59:59');
    expect(formatClock(null)).toBe(DASH);
  });
  it('formats ages coarsely', () => {
    expect(formatAgo(0.4)).toBe('just now');
    expect(formatAgo(12.9)).toBe('12 s ago');
    expect(formatAgo(185)).toBe('3 min ago');
    expect(formatAgo(7300)).toBe('2 h ago');
    expect(formatAgo(200000)).toBe('2 d ago');
  });
});

describe('formatMsTick', () => {
  it('keeps axis labels short', () => {
    expect(formatMsTick(0)).toBe('0 ms');
    expect(formatMsTick(450.4)).toBe('450 ms');
    expect(formatMsTick(1350)).toBe('1.4 s');
    expect(formatMsTick(12_400)).toBe('12 s');
  });
});

describe('failureRatio and formatTiming', () => {
  it('is null when nothing finished', () => {
    expect(failureRatio(0, 0)).toBeNull();
    expect(failureRatio(9, 1)).toBeCloseTo(0.1);
  });
  it('describes a timing model', () => {
    const s = { program: 'fast', distribution: 'normal', mean: 0.005, stddev: 0.002, failure_rate: 0.1, window: 1 };
    expect(formatTiming(s)).toBe('normal 5.0 ms ± 2.0 ms');
    expect(formatTiming({ ...s, distribution: 'constant', mean: 0.25 })).toBe('constant 250 ms');
    expect(formatTiming(null)).toBe(DASH);
  });
});

describe('campaign progress', () => {
  it('splits the bar into sent, failed and produced-not-finished', () => {
    const p = campaignProgress(campaign());
    expect(p.finished).toBeCloseTo(0.4);
    expect(p.sent).toBeCloseTo(0.36);
    expect(p.failed).toBeCloseTo(0.04);
    expect(p.published).toBeCloseTo(0.6);
    expect(p.inFlight).toBeCloseTo(0.2);
  });
  it('never goes past 100% nor below 0', () => {
    const p = campaignProgress(campaign({ num_messages: 10, messages_finished: 12, published: 15 }));
    expect(p.finished).toBe(1);
    expect(p.inFlight).toBe(0);
    expect(campaignProgress(campaign({ num_messages: 0 })).finished).toBe(0);
  });
  it('gives a finished campaign its rate over the whole run', () => {
    expect(campaignRate(campaign())).toBe(50);
    const done = campaign({ finished: true, messages_finished: 500, finished_at_ms: 1_700_000_010_000, messages_per_second: 3 });
    expect(campaignRate(done)).toBe(50);
  });
  it('names the state and the ETA', () => {
    expect(campaignState(campaign())).toBe('publishing');
    expect(campaignState(campaign({ fully_published: true }))).toBe('sending');
    const done = campaign({ finished: true, finished_at_ms: 1_700_000_012_400 });
    expect(campaignState(done)).toBe('done in 12 s');
    expect(formatEta(campaign())).toBe('ETA 6 s');
    expect(formatEta(campaign({ eta_seconds: null }))).toBe('ETA unknown');
    expect(formatEta(done)).toBe(DASH);
  });
});

describe('perSecondSeries', () => {
  it('is empty without rows', () => {
    expect(perSecondSeries([])).toEqual([]);
  });
  it('fills quiet seconds with zeros and sorts', () => {
    const s = perSecondSeries([
      [103, 4, 0],
      [100, 8, 2],
    ]);
    expect(s.map((p) => p.t)).toEqual([100, 101, 102, 103]);
    expect(s.map((p) => p.total)).toEqual([10, 0, 0, 4]);
  });
  it('adds up repeated seconds', () => {
    const s = perSecondSeries([
      [100, 1, 1],
      [100, 2, 0],
    ]);
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ sent: 3, failed: 1, total: 4 });
  });
  it('smooths the failure rate over a window and leaves it null without traffic', () => {
    const s = perSecondSeries(
      [
        [1, 9, 1],
        [2, 0, 0],
        [3, 0, 10],
        [6, 0, 0],
      ],
      2,
    );
    expect(s.map((p) => p.failurePercent)).toEqual([10, 10, 100, 100, null, null]);
  });
  it('leaves out the second the gateway is still counting', () => {
    const s = perSecondSeries(
      [
        [100, 5, 0],
        [101, 5, 0],
        [102, 1, 0],
      ],
      5,
      300,
      102,
    );
    expect(s.map((p) => p.t)).toEqual([100, 101]);
    expect(perSecondSeries([[102, 1, 0]], 5, 300, 102)).toEqual([]);
  });
  it('runs up to the second before now, so stopped traffic shows as zeros', () => {
    const s = perSecondSeries([[100, 5, 5]], 2, 300, 104);
    expect(s.map((p) => [p.t, p.total, p.failurePercent])).toEqual([
      [100, 10, 50],
      [101, 0, 50],
      [102, 0, null],
      [103, 0, null],
    ]);
  });
  it('gives no failure rate over too few messages', () => {
    const s = perSecondSeries(
      [
        [1, 0, 1],
        [2, 3, 0],
        [3, 6, 0],
      ],
      2,
    );
    expect(s.map((p) => p.failurePercent)).toEqual([null, null, 0]);
  });
  it('keeps only the newest `limit` seconds', () => {
    const rows = Array.from({ length: 400 }, (_, i) => [i, 1, 0] as [number, number, number]);
    const s = perSecondSeries(rows, 5, 300);
    expect(s).toHaveLength(300);
    expect(s[0].t).toBe(100);
  });
});

describe('truncate', () => {
  it('cuts long text with an ellipsis, counting characters not UTF-16 units', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
    expect(truncate('😀😀😀😀', 3)).toBe('😀😀…');
    expect(truncate(null, 3)).toBe('');
  });
});

describe('message-state funnel', () => {
  const funnel = { messages: 10, pending: 1, sent: 2, delivered: 5, failed: 1, undelivered: 1, expired: 0, parts_per_message: { '2': 3, '1': 7 } };
  it('orders the states delivered first, failures last, as fractions of all messages', () => {
    const s = funnelSegments(funnel);
    expect(s.map((x) => x.state)).toEqual(['delivered', 'sent', 'pending', 'undelivered', 'expired', 'failed']);
    expect(s[0]).toEqual({ state: 'delivered', count: 5, fraction: 0.5 });
    expect(s.reduce((sum, x) => sum + x.fraction, 0)).toBeCloseTo(1);
  });
  it('is all zeros without messages', () => {
    const empty = { ...funnel, messages: 0, pending: 0, sent: 0, delivered: 0, failed: 0, undelivered: 0 };
    expect(funnelSegments(empty).every((x) => x.fraction === 0)).toBe(true);
  });
  it('summarises parts per message in order', () => {
    expect(formatPartsHistogram(funnel.parts_per_message)).toBe('1 part: 7 · 2 parts: 3');
    expect(formatPartsHistogram({})).toBe(DASH);
    expect(formatPartsHistogram(undefined)).toBe(DASH);
  });
});
