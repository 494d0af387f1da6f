#!/usr/bin/env node
// A stand-in for `smsim gateway` when developing the monitor without Kafka: the same JSON
// endpoints, with simulated senders working through campaigns, and out/ served at `/`.
//
//   node dev/mock-gateway.mjs [--port 5050] [--static-dir out] [--refresh-interval 3]
//
// It is for looking at the UI only; the end-to-end test runs against the real gateway.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const port = Number(flag('port', '5050'));
const staticDir = resolve(flag('static-dir', new URL('../out', import.meta.url).pathname));
const refresh = Number(flag('refresh-interval', '3'));

const rand = () => Math.random().toString(16).slice(2, 6);
const programs = [
  { program: 'alpha', threads: 2, mean: 0.005, stddev: 0.002, failure_rate: 0.1 },
  { program: 'beta', threads: 1, mean: 0.01, stddev: 0.003, failure_rate: 0.3 },
];
const senders = programs.flatMap((p) =>
  Array.from({ length: p.threads }, (_, n) => ({
    sender_id: `${p.program}-${n + 1}-${rand()}`,
    settings: { program: p.program, distribution: 'normal', mean: p.mean, stddev: p.stddev, failure_rate: p.failure_rate, window: 1 },
    sent: 0,
    failed: 0,
    time: 0,
    last: Date.now(),
    recent: [],
  })),
);
const campaigns = [];
const perSecond = new Map();
const latencies = [];
let produced = 0;

function step(dtMs) {
  const now = Date.now();
  for (const s of senders) {
    s.last = now;
    let budget = dtMs / 1000 / s.settings.mean / 20; // slowed down so a campaign of 500 takes a while
    while (budget-- > 0) {
      const c = campaigns.find((c) => c.messages_finished + c.inflight < c.num_messages || c.inflight > 0);
      if (!c) break;
      if (c.published < c.num_messages) c.published = Math.min(c.num_messages, c.published + 3);
      const fail = Math.random() < s.settings.failure_rate;
      const took = Math.max(0.0005, s.settings.mean + (Math.random() - 0.5) * 2 * s.settings.stddev);
      fail ? (s.failed++, c.messages_failed++) : (s.sent++, c.messages_sent++);
      s.time += took;
      c.messages_finished++;
      c.inflight = Math.max(0, Math.min(c.published - c.messages_finished, 6));
      const sec = Math.floor(now / 1000);
      const row = perSecond.get(sec) ?? [sec, 0, 0];
      row[fail ? 2 : 1]++;
      perSecond.set(sec, row);
      latencies.push(took + Math.random() * 0.05);
      if (latencies.length > 5000) latencies.shift();
      s.recent.push(now);
      if (c.messages_finished >= c.num_messages) {
        c.finished = true;
        c.finished_at_ms = now;
        c.inflight = 0;
      }
    }
    s.recent = s.recent.filter((t) => now - t < 5000);
  }
  for (const sec of perSecond.keys()) if (sec < Math.floor(now / 1000) - 300) perSecond.delete(sec);
}
let lastStep = Date.now();
setInterval(() => {
  const now = Date.now();
  step(now - lastStep);
  lastStep = now;
}, 100);

const pct = (q) => {
  if (!latencies.length) return null;
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

function campaignView(c) {
  const rate = c.messages_finished / Math.max(1, ((c.finished_at_ms ?? Date.now()) - c.created_at_ms) / 1000);
  return {
    campaign_id: c.campaign_id,
    num_messages: c.num_messages,
    published: c.published,
    fully_published: c.published >= c.num_messages,
    messages_sent: c.messages_sent,
    messages_failed: c.messages_failed,
    messages_finished: c.messages_finished,
    messages_in_flight: c.inflight,
    finished: c.finished,
    created_at_ms: c.created_at_ms,
    finished_at_ms: c.finished_at_ms,
    messages_per_second: rate,
    eta_seconds: c.finished ? null : rate > 0 ? (c.num_messages - c.messages_finished) / rate : null,
    settings: { max_length: c.max_length },
  };
}

function monitor() {
  const sent = senders.reduce((a, s) => a + s.sent, 0);
  const failed = senders.reduce((a, s) => a + s.failed, 0);
  const time = senders.reduce((a, s) => a + s.time, 0);
  const now = Date.now();
  const inflight = campaigns.reduce((a, c) => a + c.inflight, 0);
  return {
    messages_sent: sent,
    messages_failed: failed,
    average_time_per_message: sent + failed ? time / (sent + failed) : -1,
    messages_produced: campaigns.reduce((a, c) => a + c.published, 0),
    messages_in_flight: inflight,
    duplicates_ignored: 0,
    throughput_per_second: senders.reduce((a, s) => a + s.recent.length, 0) / 5,
    latency: { end_to_end: { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99) }, processing: { p50: pct(0.5) && pct(0.5) * 0.8, p99: pct(0.99) && pct(0.99) * 0.8 } },
    senders: senders.map((s) => ({
      sender_id: s.sender_id,
      messages_sent: s.sent,
      messages_failed: s.failed,
      average_time_per_message: s.sent + s.failed ? s.time / (s.sent + s.failed) : -1,
      rate_per_second: s.recent.length / 5,
      last_heard_ms: s.last,
      seconds_since_heard: (now - s.last) / 1000,
      alive: true,
      legacy: false,
      settings: s.settings,
    })),
    live_senders: senders.length,
    dispatch_mode: 'credit',
    queued_at_senders: inflight,
    per_second: [...perSecond.values()].sort((a, b) => a[0] - b[0]),
    time_ms: now,
    funnel: {
      messages: produced,
      pending: produced - sent - failed,
      sent: Math.round(sent * 0.3),
      delivered: sent - Math.round(sent * 0.3) - Math.round(sent * 0.05),
      undelivered: Math.round(sent * 0.04),
      expired: Math.round(sent * 0.01),
      failed,
      parts_per_message: { 1: Math.round(produced * 0.8), 2: produced - Math.round(produced * 0.8) },
    },
  };
}

function kafkaOverview() {
  const end = produced;
  // A 3-broker cluster at replication factor 3: leaders rotate, every replica in sync.
  const replication = (p) => ({ leader: (p % 3) + 1, replicas: [0, 1, 2].map((i) => ((p + i) % 3) + 1), isr: [0, 1, 2].map((i) => ((p + i) % 3) + 1) });
  const parts = [0, 1, 2].map((p) => ({ partition: p, end_offset: Math.floor(end / 3) + (p < end % 3 ? 1 : 0), ...replication(p) }));
  return {
    brokers: [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: 9091 + id })),
    topics: [
      { name: 'sms-messages', partitions: parts },
      { name: 'sender-status-updates', partitions: [{ partition: 0, end_offset: end * 2, ...replication(1) }] },
      { name: 'sms-campaigns', partitions: [{ partition: 0, end_offset: campaigns.length, ...replication(2) }] },
    ],
    sender_group: {
      group_id: 'smsim-senders',
      state: 'Stable',
      members: senders.map((s, i) => ({ member_id: `${s.sender_id}-${rand()}`, client_id: s.sender_id, host: '/127.0.0.1', partitions: [i] })),
      lag: parts.map((p) => ({ partition: p.partition, committed: Math.max(0, p.end_offset - 1), end_offset: p.end_offset, lag: p.end_offset ? 1 : 0 })),
    },
  };
}

function records(topic, limit) {
  const out = [];
  for (let i = 0; i < Math.min(limit, produced); i++) {
    out.push({ partition: i % 3, offset: produced - i, timestamp_ms: Date.now() - i * 40, key: `c1:${produced - i}`, value: JSON.stringify({ number: '+4479' + String(1e8 + i).slice(1), content: 'Flood warning: move to higher ground now.' }) });
  }
  return { topic, records: out };
}

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.txt': 'text/plain', '.json': 'application/json', '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.woff2': 'font/woff2' };

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type', ...headers });
  res.end(JSON.stringify(body));
}

async function serveStatic(res, pathname) {
  let file = normalize(join(staticDir, decodeURIComponent(pathname)));
  if (!file.startsWith(staticDir)) return send(res, 404, { error: 'not found', field: null });
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
  } catch {
    if (!extname(file)) file += '.html';
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    send(res, 404, { error: `no such file: ${pathname}`, field: null });
  }
}

function readBody(req) {
  return new Promise((ok) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => ok(data));
  });
}

createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const path = url.pathname;
  if (req.method === 'OPTIONS') return send(res, 204, {}, { 'access-control-allow-methods': 'GET, POST' });
  if (path === '/api/config') return send(res, 200, { refresh_interval_s: refresh, version: '0.1.0-mock' });
  if (path === '/monitor') return send(res, 200, monitor());
  if (path === '/api/campaigns') return send(res, 200, { campaigns: [...campaigns].reverse().map(campaignView) });
  if (path === '/api/kafka/overview') return send(res, 200, kafkaOverview());
  if (path === '/api/kafka/records') return send(res, 200, records(url.searchParams.get('topic') ?? 'sms-messages', Number(url.searchParams.get('limit') ?? 10)));
  if (path === '/produce-messages' && req.method === 'POST') {
    let body;
    try {
      const text = await readBody(req);
      body = text ? JSON.parse(text) : {};
    } catch {
      return send(res, 400, { error: 'the body is not valid JSON', field: null });
    }
    const n = body.num_messages ?? 1000;
    const m = body.max_length ?? 100;
    if (!Number.isInteger(n) || n < 1 || n > 10_000_000)
      return send(res, 400, { error: `num_messages must be a whole number from 1 to 10000000, not ${JSON.stringify(n)}`, field: 'num_messages' });
    if (!Number.isInteger(m) || m < 1 || m > 10000)
      return send(res, 400, { error: `max_length must be a whole number from 1 to 10000, not ${JSON.stringify(m)}`, field: 'max_length' });
    const c = { campaign_id: `c${campaigns.length + 1}-${rand()}`, num_messages: n, max_length: m, published: 0, messages_sent: 0, messages_failed: 0, messages_finished: 0, inflight: 0, finished: false, created_at_ms: Date.now(), finished_at_ms: null };
    campaigns.push(c);
    produced += n;
    return send(res, 202, { ...campaignView(c), status_url: `/api/campaigns/${c.campaign_id}` });
  }
  if (req.method === 'GET') return serveStatic(res, path);
  send(res, 405, { error: 'method not allowed', field: null });
}).listen(port, '127.0.0.1', () => console.log(`mock gateway on http://127.0.0.1:${port} serving ${staticDir}`));
