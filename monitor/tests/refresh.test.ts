import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  countdownText,
  DEFAULT_REFRESH_SECONDS,
  parseRefreshSeconds,
  Poller,
  refreshChoices,
  resolveRefreshSeconds,
  secondsUntil,
  withRefreshParam,
  type PollerState,
} from '../app/lib/refresh';

describe('parseRefreshSeconds', () => {
  it('accepts seconds from 0.5 to 3600, with or without an "s"', () => {
    expect(parseRefreshSeconds('5')).toBe(5);
    expect(parseRefreshSeconds(' 10 ')).toBe(10);
    expect(parseRefreshSeconds('2s')).toBe(2);
    expect(parseRefreshSeconds('1.25')).toBe(1.3);
    expect(parseRefreshSeconds('3600')).toBe(3600);
    expect(parseRefreshSeconds('0.5')).toBe(0.5);
  });
  it('refuses what is not a sane interval', () => {
    for (const bad of [null, undefined, '', 'abc', '0', '0.4', '-3', '3601', '1e3', 'Infinity', '5ms']) {
      expect(parseRefreshSeconds(bad as string | null | undefined)).toBeNull();
    }
  });
});

describe('resolveRefreshSeconds', () => {
  it('prefers the user, then the URL, then the gateway, then 3 s', () => {
    expect(resolveRefreshSeconds({ chosen: 10, url: '5', gateway: 2 })).toBe(10);
    expect(resolveRefreshSeconds({ url: '5', gateway: 2 })).toBe(5);
    expect(resolveRefreshSeconds({ url: 'nonsense', gateway: 2 })).toBe(2);
    expect(resolveRefreshSeconds({ gateway: 0 })).toBe(DEFAULT_REFRESH_SECONDS);
    expect(resolveRefreshSeconds({})).toBe(3);
  });
});

describe('choices, countdown, URL', () => {
  it('offers the standard choices plus the current one', () => {
    expect(refreshChoices(3)).toEqual([1, 2, 3, 5, 10, 15, 30, 60]);
    expect(refreshChoices(7)).toEqual([1, 2, 3, 5, 7, 10, 15, 30, 60]);
  });
  it('counts down in whole seconds, rounding up, never below zero', () => {
    expect(secondsUntil(10_000, 7_000)).toBe(3);
    expect(secondsUntil(10_000, 7_001)).toBe(3);
    expect(secondsUntil(10_000, 9_999)).toBe(1);
    expect(secondsUntil(10_000, 12_000)).toBe(0);
  });
  it('says what the poller is doing', () => {
    const base: PollerState = { intervalMs: 3000, inFlight: false, paused: false, nextAt: 5000, lastStartedAt: 2000 };
    expect(countdownText(base, 2500)).toBe('next refresh in 3 s');
    expect(countdownText({ ...base, inFlight: true, nextAt: null }, 2500)).toBe('refreshing…');
    expect(countdownText({ ...base, paused: true, nextAt: null }, 2500)).toBe('paused while the tab is hidden');
  });
  it('sets ?refresh= and keeps the other parameters', () => {
    expect(withRefreshParam('http://h:3000/?gateway=http%3A%2F%2Fx%3A5000', 5)).toBe(
      'http://h:3000/?gateway=http%3A%2F%2Fx%3A5000&refresh=5',
    );
    expect(withRefreshParam('http://h/?refresh=1#kafka', 10)).toBe('http://h/?refresh=10#kafka');
  });
});

describe('Poller', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const instant = () => Promise.resolve();

  it('runs at once, then once per interval', async () => {
    const task = vi.fn(instant);
    const p = new Poller({ intervalMs: 1000, task });
    p.start();
    expect(task).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(task).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(task).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(task).toHaveBeenCalledTimes(12);
    p.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(task).toHaveBeenCalledTimes(12);
  });

  it('fetches three times as often at 1 s as at 3 s', async () => {
    const count = async (ms: number) => {
      const task = vi.fn(instant);
      const p = new Poller({ intervalMs: ms, task });
      p.start();
      await vi.advanceTimersByTimeAsync(30_000);
      p.stop();
      return task.mock.calls.length;
    };
    expect(await count(1000)).toBe(31);
    expect(await count(3000)).toBe(11);
  });

  it('never overlaps runs: a slow run delays the next', async () => {
    let active = 0;
    let maxActive = 0;
    const task = vi.fn(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 2500));
      active--;
    });
    const p = new Poller({ intervalMs: 1000, task, minGapMs: 200 });
    p.start();
    await vi.advanceTimersByTimeAsync(2500);
    expect(task).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(task).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(maxActive).toBe(1);
    p.stop();
  });

  it('reschedules from the last start when the interval changes', async () => {
    const task = vi.fn(instant);
    const p = new Poller({ intervalMs: 10_000, task });
    p.start();
    await vi.advanceTimersByTimeAsync(4000);
    p.setIntervalMs(5000);
    expect(p.snapshot.nextAt).toBe(1_005_000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(task).toHaveBeenCalledTimes(2);
    p.setIntervalMs(1000); // already overdue relative to this run? no: it just ran
    await vi.advanceTimersByTimeAsync(1000);
    expect(task).toHaveBeenCalledTimes(3);
    p.setIntervalMs(60_000);
    await vi.advanceTimersByTimeAsync(2000);
    p.setIntervalMs(1000); // 2 s since the last start: due now
    await vi.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(4);
    p.stop();
  });

  it('pauses while hidden and catches up at once on resume', async () => {
    const task = vi.fn(instant);
    const p = new Poller({ intervalMs: 1000, task });
    p.start();
    await vi.advanceTimersByTimeAsync(0);
    p.pause();
    expect(p.snapshot).toMatchObject({ paused: true, nextAt: null });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(task).toHaveBeenCalledTimes(1);
    p.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(2);
    p.pause();
    p.resume(); // not due yet: waits for the rest of the interval
    await vi.advanceTimersByTimeAsync(999);
    expect(task).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(task).toHaveBeenCalledTimes(3);
    p.stop();
  });

  it('refreshes now on demand, queued behind a run in flight', async () => {
    let finish: () => void = () => undefined;
    const task = vi.fn(() => new Promise<void>((r) => (finish = r)));
    const p = new Poller({ intervalMs: 30_000, task });
    p.start();
    p.refreshNow();
    expect(task).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(2);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    p.refreshNow();
    expect(task).toHaveBeenCalledTimes(3);
    p.stop();
  });

  it('keeps polling after a task fails', async () => {
    const task = vi.fn(() => Promise.reject(new Error('gateway down')));
    const p = new Poller({ intervalMs: 1000, task });
    p.start();
    await vi.advanceTimersByTimeAsync(3000);
    expect(task).toHaveBeenCalledTimes(4);
    p.stop();
  });

  it('reports its state for the countdown', async () => {
    const states: PollerState[] = [];
    const p = new Poller({ intervalMs: 3000, task: instant, onChange: (s) => states.push(s) });
    p.start();
    expect(states.at(-1)).toMatchObject({ inFlight: true, nextAt: null, lastStartedAt: 1_000_000 });
    await vi.advanceTimersByTimeAsync(0);
    expect(states.at(-1)).toMatchObject({ inFlight: false, nextAt: 1_003_000 });
    expect(countdownText(states.at(-1)!, Date.now())).toBe('next refresh in 3 s');
    p.stop();
  });

  it('refuses a non-positive interval', () => {
    expect(() => new Poller({ intervalMs: 0, task: instant })).toThrow(/positive/);
  });
});
