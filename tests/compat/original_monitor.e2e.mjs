// The original monitor's contract in a real browser (Debian's chromium via playwright-core, the
// harness of tests/e2e): a page on its own origin fetching <gateway>/monitor every 3 s must show
// smsim gateway's figures; and smsim's own monitor page must list the legacy senders.
// Run by run_compat.py with the gateway already holding final figures. Prints PASS/FAIL lines.
//   COMPAT_GATEWAY  http://127.0.0.1:<port>        COMPAT_PAGE  http://localhost:<port>/?gateway=...
//   COMPAT_LEGACY_ROWS  legacy rows the smsim page must show   E2E_CHROMIUM  /usr/bin/chromium
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const { chromium } = await import(pathToFileURL(resolve(here, '../e2e/node_modules/playwright-core/index.mjs')).href);

const gateway = process.env.COMPAT_GATEWAY;
const pageUrl = process.env.COMPAT_PAGE;
const legacyRows = Number(process.env.COMPAT_LEGACY_ROWS ?? '1');
let passed = 0;
let failed = 0;

async function check(name, fn) {
  try {
    const note = await fn();
    passed++;
    console.log(`PASS: ${name}${note ? ` (${note})` : ''}`);
  } catch (error) {
    failed++;
    console.log(`FAIL: ${name}: ${error?.message ?? error}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what, fn, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const profile = mkdtempSync(join(tmpdir(), 'smsim-compat-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-sync'],
});
const page = context.pages()[0] ?? (await context.newPage());
const monitorFetches = []; // [time, page origin, request origin]
page.on('request', (r) => {
  const url = new URL(r.url());
  if (url.pathname === '/monitor') monitorFetches.push([Date.now(), new URL(page.url()).origin, url.origin]);
});
const consoleErrors = [];
page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));

try {
  await check("the original monitor page shows the gateway's three figures (cross-origin fetch)", async () => {
    await page.goto(pageUrl);
    const truth = await (await fetch(`${gateway}/monitor`)).json();
    const shown = await waitFor('the figures', async () => {
      const sent = (await page.locator('#messages-sent').textContent()).trim();
      const failedText = (await page.locator('#messages-failed').textContent()).trim();
      const average = (await page.locator('#average-time').textContent()).trim();
      return sent !== '…' ? { sent, failed: failedText, average } : null;
    });
    assert(shown.sent === String(truth.messages_sent), `page sent ${shown.sent}, /monitor ${truth.messages_sent}`);
    assert(shown.failed === String(truth.messages_failed), `page failed ${shown.failed}, /monitor ${truth.messages_failed}`);
    assert(shown.average === truth.average_time_per_message.toFixed(4),
      `page average ${shown.average}, /monitor ${truth.average_time_per_message}`);
    assert((await page.locator('#error').textContent()).trim() === '', 'the page shows a fetch error');
    const [, pageOrigin, requestOrigin] = monitorFetches[0];
    assert(pageOrigin !== requestOrigin, `same origin ${pageOrigin}: not the cross-origin fetch the original made`);
    return `sent ${shown.sent}, failed ${shown.failed}, average ${shown.average} s; ${pageOrigin} -> ${requestOrigin}`;
  });

  await check('it refreshes every 3 s', async () => {
    const from = Date.now();
    await sleep(9_500);
    const n = monitorFetches.filter(([t]) => t >= from).length;
    assert(n >= 3 && n <= 4, `${n} fetches of /monitor in 9.5 s`);
    return `${n} fetches in 9.5 s`;
  });

  await check("smsim's monitor page lists the legacy senders", async () => {
    await page.goto(`${gateway}/`);
    const rows = await waitFor('legacy rows in the sender table', async () => {
      const texts = await page.getByTestId('sender-table').locator('tbody th').allTextContents();
      const legacy = texts.filter((t) => /legacy/.test(t));
      return legacy.length >= legacyRows ? legacy : null;
    });
    const api = (await (await fetch(`${gateway}/monitor`)).json()).senders.filter((s) => s.legacy).length;
    assert(rows.length === api, `${rows.length} legacy rows on the page, ${api} legacy senders in /monitor`);
    return rows.map((r) => r.trim()).join(' | ');
  });

  await check('no errors in the browser console', async () => {
    assert(consoleErrors.length === 0, consoleErrors.slice(0, 3).join(' | '));
  });
} catch (error) {
  failed++;
  console.log(`FAIL: the test itself: ${error?.stack ?? error}`);
} finally {
  await context.close().catch(() => undefined);
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
