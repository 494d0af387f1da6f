import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEV_GATEWAY_URL,
  fieldValue,
  GatewayHttpError,
  GatewayUnreachableError,
  getKafkaRecords,
  getMonitor,
  resolveGatewayBase,
  startCampaign,
} from '../app/lib/api';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('resolveGatewayBase', () => {
  it('is the same origin by default', () => {
    expect(resolveGatewayBase('', undefined, false)).toBe('');
  });
  it('takes ?gateway= first, then the build setting, then the dev default', () => {
    expect(resolveGatewayBase('?gateway=http://127.0.0.1:5000/', 'http://other:1', false)).toBe('http://127.0.0.1:5000');
    expect(resolveGatewayBase('', 'http://gw.local:8080', false)).toBe('http://gw.local:8080');
    expect(resolveGatewayBase('', undefined, true)).toBe(DEV_GATEWAY_URL);
  });
  it('ignores what is not an http(s) URL', () => {
    expect(resolveGatewayBase('?gateway=javascript:alert(1)', undefined, false)).toBe('');
    expect(resolveGatewayBase('?gateway=not a url', undefined, false)).toBe('');
  });
});

describe('requests', () => {
  it('GETs JSON from the base URL without caching', async () => {
    const fetch = vi.fn(async () => json(200, { messages_sent: 1 }));
    vi.stubGlobal('fetch', fetch);
    expect(await getMonitor('http://gw:5000')).toEqual({ messages_sent: 1 });
    expect(fetch).toHaveBeenCalledWith('http://gw:5000/monitor', expect.objectContaining({ cache: 'no-store' }));
  });
  it('caps the records limit at 50 and encodes the topic', async () => {
    const fetch = vi.fn(async () => json(200, { topic: 'a b', records: [] }));
    vi.stubGlobal('fetch', fetch);
    await getKafkaRecords('', 'a b', 500);
    expect((fetch.mock.calls[0] as unknown as [string])[0]).toBe('/api/kafka/records?topic=a%20b&limit=50');
  });
  it('tells an unreachable gateway from one that answers with an error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(getMonitor('')).rejects.toBeInstanceOf(GatewayUnreachableError);
    vi.stubGlobal('fetch', vi.fn(async () => json(503, { error: 'broker unavailable', field: null })));
    const error = await getMonitor('').catch((e) => e);
    expect(error).toBeInstanceOf(GatewayHttpError);
    expect(error.status).toBe(503);
    expect(error.message).toContain('broker unavailable');
  });
  it('gives up after the timeout', async () => {
    vi.useFakeTimers();
    vi.stubGlobal(
      'fetch',
      vi.fn(
        (_url: string, init: RequestInit) =>
          new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
      ),
    );
    const pending = getMonitor('', { timeoutMs: 2000 }).catch((e) => e);
    await vi.advanceTimersByTimeAsync(2000);
    const error = await pending;
    expect(error).toBeInstanceOf(GatewayUnreachableError);
    expect(error.message).toContain('no answer within 2000 ms');
    vi.useRealTimers();
  });
});

describe('startCampaign', () => {
  it('POSTs JSON and returns the accepted campaign', async () => {
    const fetch = vi.fn(async () => json(202, { campaign_id: 'c1', num_messages: 500 }));
    vi.stubGlobal('fetch', fetch);
    const result = await startCampaign('', { num_messages: 500, max_length: 100 });
    expect(result).toEqual({ ok: true, campaign: { campaign_id: 'c1', num_messages: 500 } });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/produce-messages');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(JSON.parse(init.body as string)).toEqual({ num_messages: 500, max_length: 100 });
  });
  it("returns the gateway's error and the field it names", async () => {
    const body = { error: 'num_messages must be a whole number from 1 to 10000000, not -1', field: 'num_messages' };
    vi.stubGlobal('fetch', vi.fn(async () => json(400, body)));
    expect(await startCampaign('', { num_messages: -1, max_length: 100 })).toEqual({ ok: false, ...body, status: 400 });
  });
  it('explains an error without a JSON body or without an answer', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('oops', { status: 500 })));
    expect(await startCampaign('', { num_messages: 1, max_length: 1 })).toMatchObject({
      ok: false,
      error: 'the gateway answered HTTP 500',
      field: null,
    });
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    expect(await startCampaign('', { num_messages: 1, max_length: 1 })).toMatchObject({ ok: false, status: null });
  });
  it('sends form text as numbers when it reads as one, else as typed', () => {
    expect(fieldValue(' 500 ')).toBe(500);
    expect(fieldValue('-1')).toBe(-1);
    expect(fieldValue('2.5')).toBe(2.5);
    expect(fieldValue('abc')).toBe('abc');
    expect(fieldValue('')).toBe('');
  });
});
