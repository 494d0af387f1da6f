// The polling component as a whole, against a fake gateway and fake timers: how often it fetches,
// which interval applies, the unreachable banner, pausing while hidden.
import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveDashboard } from '../app/ui/live-dashboard';
import { monitor, overview } from './fixtures';

type Route = (url: string) => Response | Promise<Response>;

function fakeGateway(overrides: Record<string, Route> = {}) {
  const calls: string[] = [];
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });
  const routes: Record<string, Route> = {
    '/api/config': () => json({ refresh_interval_s: 2, version: '0.1.0' }),
    '/monitor': () => json(monitor()),
    '/api/campaigns': () => json({ campaigns: [] }),
    '/api/kafka/overview': () => json(overview()),
    '/api/kafka/records': () => json({ topic: 'sms-messages', records: [] }),
    ...overrides,
  };
  const fetch = vi.fn(async (url: string) => {
    const path = url.split('?')[0];
    calls.push(path);
    const route = routes[path];
    if (!route) return json({ error: 'no route', field: null }, 404);
    return route(url);
  });
  vi.stubGlobal('fetch', fetch);
  return { calls, count: (path: string) => calls.filter((c) => c === path).length, routes };
}

const advance = async (ms: number) => {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
};

let hidden = false;

beforeEach(() => {
  vi.useFakeTimers();
  hidden = false;
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  window.history.replaceState(null, '', '/');
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('LiveDashboard', () => {
  it("uses the gateway's default interval and shows the figures", async () => {
    const gw = fakeGateway();
    render(<LiveDashboard />);
    await advance(0);
    expect(screen.getByTestId('messages-sent').textContent).toBe('1,234');
    expect((screen.getByTestId('refresh-interval') as HTMLSelectElement).value).toBe('2');
    expect(screen.getByTestId('refresh-countdown').textContent).toMatch(/^next refresh in 2 s · updated \d\d:\d\d:\d\d$/);
    await advance(10_000);
    expect(gw.count('/monitor')).toBe(6);
    expect(gw.count('/api/config')).toBe(1);
  });

  it('takes ?refresh= over the gateway default, and the control over both', async () => {
    window.history.replaceState(null, '', '/?refresh=1&gateway=');
    const gw = fakeGateway();
    render(<LiveDashboard />);
    await advance(0);
    expect((screen.getByTestId('refresh-interval') as HTMLSelectElement).value).toBe('1');
    await advance(9_000);
    const atOne = gw.count('/monitor');
    expect(atOne).toBe(10);

    fireEvent.change(screen.getByLabelText('Refresh interval'), { target: { value: '3' } });
    expect(window.location.search).toBe('?refresh=3&gateway=');
    const before = gw.count('/monitor');
    await advance(9_000);
    expect(gw.count('/monitor') - before).toBe(3);
  });

  it('asks for the Kafka view at most every 5 s, campaigns with every poll', async () => {
    window.history.replaceState(null, '', '/?refresh=1');
    const gw = fakeGateway();
    render(<LiveDashboard />);
    await advance(0);
    await advance(10_000);
    expect(gw.count('/monitor')).toBe(11);
    expect(gw.count('/api/campaigns')).toBe(11);
    expect(gw.count('/api/kafka/overview')).toBe(3);
    expect(gw.count('/api/kafka/records')).toBe(3);
  });

  it('shows the unreachable banner while /monitor fails and clears it on reconnect', async () => {
    window.history.replaceState(null, '', '/?refresh=1');
    let down = false;
    const gw = fakeGateway();
    const healthy = gw.routes['/monitor'];
    gw.routes['/monitor'] = (url) => (down ? Promise.reject(new TypeError('Failed to fetch')) : healthy(url));
    render(<LiveDashboard />);
    await advance(0);
    expect(screen.queryByTestId('gateway-banner')).toBeNull();

    down = true;
    await advance(1000);
    const banner = screen.getByTestId('gateway-banner');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toContain('Failed to fetch');
    expect(screen.getByTestId('messages-sent').textContent).toBe('1,234'); // last figures stay
    expect(screen.getByTestId('connection').textContent).toContain('unreachable');
    await advance(3000);
    expect(screen.getByTestId('gateway-banner')).toBeTruthy();

    down = false;
    await advance(1000);
    expect(screen.queryByTestId('gateway-banner')).toBeNull();
    expect(screen.getByTestId('connection').textContent).toContain('connected');
  });

  it('shows the banner when the gateway is down at page load, then loads its config', async () => {
    let down = true;
    const gw = fakeGateway();
    for (const path of Object.keys(gw.routes)) {
      const route = gw.routes[path];
      gw.routes[path] = (url) => (down ? Promise.reject(new TypeError('refused')) : route(url));
    }
    render(<LiveDashboard />);
    await advance(0);
    expect(screen.getByTestId('gateway-banner').textContent).toContain('No figures yet');
    expect((screen.getByTestId('refresh-interval') as HTMLSelectElement).value).toBe('3');
    down = false;
    await advance(3000);
    expect(screen.queryByTestId('gateway-banner')).toBeNull();
    expect((screen.getByTestId('refresh-interval') as HTMLSelectElement).value).toBe('2');
  });

  it('stops polling while the tab is hidden and refreshes on return', async () => {
    window.history.replaceState(null, '', '/?refresh=1');
    const gw = fakeGateway();
    render(<LiveDashboard />);
    await advance(0);
    hidden = true;
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const before = gw.count('/monitor');
    await advance(30_000);
    expect(gw.count('/monitor')).toBe(before);
    expect(screen.getByTestId('refresh-countdown').textContent).toContain('paused');
    hidden = false;
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await advance(0);
    expect(gw.count('/monitor')).toBe(before + 1);
  });

  it('shows the empty states before there is anything to show', async () => {
    fakeGateway({ '/monitor': () => new Response(JSON.stringify(monitor({ senders: [], per_second: [] }))) });
    render(<LiveDashboard />);
    await advance(0);
    expect(screen.getByTestId('senders-empty')).toBeTruthy();
    expect(screen.getByText(/No campaign yet/)).toBeTruthy();
    expect(screen.getAllByText('Nothing finished in the last 5 minutes.')).toHaveLength(2);
  });
});
