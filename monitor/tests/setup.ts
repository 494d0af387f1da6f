// jsdom has no ResizeObserver (recharts' ResponsiveContainer wants one) and no layout.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= ResizeObserverStub as unknown as typeof ResizeObserver;

// jsdom lays nothing out, so recharts' ResponsiveContainer would measure 0×0 and warn; render
// charts at a fixed size instead.
import { cloneElement, createElement, type ReactElement } from 'react';
import { vi } from 'vitest';

vi.mock('recharts', async (importOriginal) => {
  const original = await importOriginal<typeof import('recharts')>();
  return {
    ...original,
    ResponsiveContainer: ({ children }: { children: ReactElement<{ width?: number; height?: number }> }) =>
      createElement('div', { style: { width: 400, height: 200 } }, cloneElement(children, { width: 400, height: 200 })),
  };
});
