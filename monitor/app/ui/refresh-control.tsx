'use client';

import { refreshChoices } from '../lib/refresh';

/** The "Refresh interval" select (seconds). */
export function RefreshControl(props: { seconds: number; onChange: (seconds: number) => void }) {
  return (
    <label className="inline-label">
      Refresh interval
      <select
        data-testid="refresh-interval"
        value={String(props.seconds)}
        onChange={(event) => props.onChange(Number(event.target.value))}
      >
        {refreshChoices(props.seconds).map((s) => (
          <option key={s} value={String(s)}>
            {s} s
          </option>
        ))}
      </select>
    </label>
  );
}
