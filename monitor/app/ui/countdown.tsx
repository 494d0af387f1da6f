'use client';

import { useEffect, useState } from 'react';
import { formatClock } from '../lib/format';
import { countdownText, type PollerState } from '../lib/refresh';

/** "next refresh in 3 s · updated 12:01:03"; re-renders itself only, four times a second. */
export function Countdown(props: { state: PollerState | null; updatedAt: number | null }) {
  // The timer only re-renders; the time is read at render, so a new schedule from the poller is
  // never compared with a clock up to 250 ms old (which would show "in 6 s" for a 5 s interval).
  const [, setTicks] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTicks((n) => n + 1), 250);
    return () => clearInterval(timer);
  }, []);
  const now = Date.now();
  const next = props.state ? countdownText(props.state, now) : 'starting…';
  const updated = props.updatedAt === null ? 'not updated yet' : `updated ${formatClock(props.updatedAt)}`;
  return (
    <span className="countdown" data-testid="refresh-countdown">
      {next} · {updated}
    </span>
  );
}
