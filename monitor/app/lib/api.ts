// Fetch wrappers for the gateway's endpoints. The monitor is served by the gateway itself, so the
// base URL is the page's own origin; for `npm run dev` on port 3000 it is `?gateway=URL`, else
// NEXT_PUBLIC_GATEWAY_URL, else http://127.0.0.1:5000 (the gateway allows that origin).
import type {
  CampaignList,
  Campaign,
  GatewayConfig,
  GatewayError,
  KafkaOverview,
  KafkaRecords,
  MonitorSnapshot,
} from './types';

export const DEV_GATEWAY_URL = 'http://127.0.0.1:5000';

/** The gateway's base URL ('' = same origin) from the page's query string and the build's settings. */
export function resolveGatewayBase(search: string, envUrl: string | undefined, isDev: boolean): string {
  const fromQuery = new URLSearchParams(search).get('gateway');
  for (const candidate of [fromQuery, envUrl]) {
    if (!candidate) continue;
    try {
      const url = new URL(candidate);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString().replace(/\/+$/, '');
    } catch {
      // not a URL: ignore it and fall through
    }
  }
  return isDev ? DEV_GATEWAY_URL : '';
}

/** The gateway did not answer (network error, refused connection, timeout). */
export class GatewayUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayUnreachableError';
  }
}

/** The gateway answered with an error status. */
export class GatewayHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: GatewayError | null,
    path: string,
  ) {
    super(body?.error ? `${path}: ${body.error} (HTTP ${status})` : `${path}: HTTP ${status}`);
    this.name = 'GatewayHttpError';
  }
}

export interface RequestOptions {
  timeoutMs?: number;
  init?: RequestInit;
}

async function readError(response: Response): Promise<GatewayError | null> {
  try {
    const body = (await response.json()) as Partial<GatewayError>;
    if (body && typeof body.error === 'string') return { error: body.error, field: body.field ?? null };
  } catch {
    // not JSON
  }
  return null;
}

/** GET or POST JSON with a timeout; throws GatewayUnreachableError or GatewayHttpError. */
export async function requestJson<T>(base: string, path: string, options: RequestOptions = {}): Promise<T> {
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), options.timeoutMs ?? 10_000);
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      cache: 'no-store',
      ...options.init,
      headers: { accept: 'application/json', ...options.init?.headers },
      signal: controller.signal,
    });
  } catch (error) {
    const reason = controller.signal.aborted ? `no answer within ${options.timeoutMs ?? 10_000} ms` : String(error);
    throw new GatewayUnreachableError(`${base || 'the gateway'}${path}: ${reason}`);
  } finally {
    clearTimeout(timeout);
  }
  if (!response.ok) throw new GatewayHttpError(response.status, await readError(response), path);
  return (await response.json()) as T;
}

export const getConfig = (base: string, o?: RequestOptions) => requestJson<GatewayConfig>(base, '/api/config', o);
export const getMonitor = (base: string, o?: RequestOptions) => requestJson<MonitorSnapshot>(base, '/monitor', o);
export const getCampaigns = (base: string, o?: RequestOptions) => requestJson<CampaignList>(base, '/api/campaigns', o);
export const getKafkaOverview = (base: string, o?: RequestOptions) =>
  requestJson<KafkaOverview>(base, '/api/kafka/overview', o);
export const getKafkaRecords = (base: string, topic: string, limit: number, o?: RequestOptions) =>
  requestJson<KafkaRecords>(
    base,
    `/api/kafka/records?topic=${encodeURIComponent(topic)}&limit=${Math.min(50, Math.max(1, Math.floor(limit)))}`,
    o,
  );

export type StartCampaignResult =
  | { ok: true; campaign: Campaign }
  | { ok: false; error: string; field: string | null; status: number | null };

/**
 * POST /produce-messages. Values are sent as typed (numbers when they are numbers) so that the
 * gateway, not the page, decides what is valid and says why.
 */
export async function startCampaign(
  base: string,
  request: { num_messages: unknown; max_length: unknown },
): Promise<StartCampaignResult> {
  try {
    const campaign = await requestJson<Campaign>(base, '/produce-messages', {
      init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) },
    });
    return { ok: true, campaign };
  } catch (error) {
    if (error instanceof GatewayHttpError) {
      return {
        ok: false,
        error: error.body?.error ?? `the gateway answered HTTP ${error.status}`,
        field: error.body?.field ?? null,
        status: error.status,
      };
    }
    return { ok: false, error: (error as Error).message, field: null, status: null };
  }
}

/** A form field's text as the request value: a number when it reads as one, else the text itself. */
export function fieldValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  return trimmed;
}
