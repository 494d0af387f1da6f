// The refresh logic, free of React and the DOM so it can be tested with fake timers:
// which interval applies, the countdown, and a poller that never overlaps its own requests.

export const DEFAULT_REFRESH_SECONDS = 3;
export const MIN_REFRESH_SECONDS = 0.5; // as `smsim gateway --refresh-interval` allows
export const MAX_REFRESH_SECONDS = 3600;
export const REFRESH_CHOICES = [1, 2, 3, 5, 10, 15, 30, 60] as const;

/**
 * A refresh interval in seconds from text (the `?refresh=` URL parameter, a form value), or null
 * when it is missing or not a number of seconds from 0.5 to 3600. Fractions are kept to 0.1 s.
 */
export function parseRefreshSeconds(text: string | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim().replace(/s$/i, '');
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return null;
  const value = Math.round(Number(trimmed) * 10) / 10;
  if (value < MIN_REFRESH_SECONDS || value > MAX_REFRESH_SECONDS) return null;
  return value;
}

/**
 * The interval that applies: the user's choice (control on the page), else the URL parameter,
 * else the gateway's default (`smsim gateway --refresh-interval`), else 3 s.
 */
export function resolveRefreshSeconds(sources: {
  chosen?: number | null;
  url?: string | null;
  gateway?: number | null;
}): number {
  if (sources.chosen != null) return sources.chosen;
  const fromUrl = parseRefreshSeconds(sources.url);
  if (fromUrl !== null) return fromUrl;
  const fromGateway = sources.gateway == null ? null : parseRefreshSeconds(String(sources.gateway));
  return fromGateway ?? DEFAULT_REFRESH_SECONDS;
}

/** The choices offered by the control, including the current value if it is not a standard one. */
export function refreshChoices(current: number): number[] {
  const set = new Set<number>(REFRESH_CHOICES);
  set.add(current);
  return [...set].sort((a, b) => a - b);
}

/** Whole seconds until `nextAtMs` (rounded up, never negative), for "next refresh in 3 s". */
export function secondsUntil(nextAtMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((nextAtMs - nowMs) / 1000));
}

/** The countdown line: "refreshing…", "paused (tab hidden)", "next refresh in 3 s". */
export function countdownText(state: PollerState, nowMs: number): string {
  if (state.inFlight) return 'refreshing…';
  if (state.paused) return 'paused while the tab is hidden';
  if (state.nextAt === null) return 'not scheduled';
  return `next refresh in ${secondsUntil(state.nextAt, nowMs)} s`;
}

/** `href` with `?refresh=` set to `seconds` (other parameters kept), for history.replaceState. */
export function withRefreshParam(href: string, seconds: number): string {
  const url = new URL(href);
  url.searchParams.set('refresh', String(seconds));
  return url.toString();
}

export interface PollerState {
  intervalMs: number;
  inFlight: boolean;
  paused: boolean;
  /** When the next run starts (epoch ms), or null while one runs, while paused or stopped. */
  nextAt: number | null;
  /** When the last run started (epoch ms), or null before the first. */
  lastStartedAt: number | null;
}

export interface PollerOptions {
  intervalMs: number;
  /** One refresh. Its errors are its own business; a rejection is swallowed. */
  task: () => Promise<unknown>;
  /** Called whenever the state changes (for the countdown). */
  onChange?: (state: PollerState) => void;
  /** Smallest pause between the end of one run and the start of the next. */
  minGapMs?: number;
  now?: () => number;
}

/**
 * Runs `task` every `intervalMs`, measured from the start of one run to the start of the next.
 * Never two runs at once: a slow run delays the next (by at least `minGapMs`) instead of piling
 * requests on a struggling gateway. Paused while the page is hidden; on resume it runs at once if
 * a run is due. Changing the interval reschedules from the last start.
 */
export class Poller {
  private state: PollerState;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private pendingNow = false;
  private readonly task: () => Promise<unknown>;
  private readonly onChange?: (state: PollerState) => void;
  private readonly minGapMs: number;
  private readonly now: () => number;

  constructor(options: PollerOptions) {
    if (!(options.intervalMs > 0)) throw new Error(`interval must be positive, not ${options.intervalMs}`);
    this.task = options.task;
    this.onChange = options.onChange;
    this.minGapMs = options.minGapMs ?? 200;
    this.now = options.now ?? Date.now;
    this.state = { intervalMs: options.intervalMs, inFlight: false, paused: false, nextAt: null, lastStartedAt: null };
  }

  get snapshot(): PollerState {
    return { ...this.state };
  }

  /** Starts polling with a run now. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.run();
  }

  stop(): void {
    this.running = false;
    this.clearTimer();
    this.update({ nextAt: null });
  }

  /** A run now (the "refresh now" button, a campaign just started); queued if one is running. */
  refreshNow(): void {
    if (!this.running || this.state.paused) return;
    if (this.state.inFlight) {
      this.pendingNow = true;
      return;
    }
    this.clearTimer();
    this.run();
  }

  setIntervalMs(intervalMs: number): void {
    if (!(intervalMs > 0)) throw new Error(`interval must be positive, not ${intervalMs}`);
    this.update({ intervalMs });
    if (this.running && !this.state.paused && !this.state.inFlight) this.scheduleNext();
  }

  pause(): void {
    if (this.state.paused) return;
    this.clearTimer();
    this.update({ paused: true, nextAt: null });
  }

  resume(): void {
    if (!this.state.paused) return;
    this.update({ paused: false });
    if (this.running && !this.state.inFlight) this.scheduleNext();
  }

  private run(): void {
    this.pendingNow = false;
    this.update({ inFlight: true, nextAt: null, lastStartedAt: this.now() });
    let settled: Promise<unknown>;
    try {
      settled = Promise.resolve(this.task());
    } catch (error) {
      settled = Promise.reject(error);
    }
    settled
      .catch(() => undefined)
      .then(() => {
        this.update({ inFlight: false });
        if (!this.running || this.state.paused) return;
        if (this.pendingNow) {
          this.run();
          return;
        }
        this.scheduleNext(true);
      });
  }

  /** Next run at last start + interval; at once if that is past (after a slow run: after the gap). */
  private scheduleNext(afterRun = false): void {
    this.clearTimer();
    const now = this.now();
    const due = (this.state.lastStartedAt ?? now) + this.state.intervalMs;
    const nextAt = Math.max(due, afterRun ? now + this.minGapMs : now);
    this.update({ nextAt });
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running && !this.state.paused) this.run();
    }, nextAt - now);
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private update(patch: Partial<PollerState>): void {
    this.state = { ...this.state, ...patch };
    this.onChange?.(this.snapshot);
  }
}
