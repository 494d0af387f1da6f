// The monitor in a real browser against a real gateway, broker and two sender programs (started by
// run.sh). Each check prints PASS or FAIL; the last line is "N passed, M failed".
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.E2E_GATEWAY_URL;
const gatewayPid = Number(process.env.E2E_GATEWAY_PID);
const screenshotPath = process.env.E2E_SCREENSHOT;
const artifacts = process.env.E2E_ARTIFACTS ?? tmpdir();
const CAMPAIGN = 500;

let passed = 0;
let failed = 0;
async function check(name, fn) {
  const started = Date.now();
  try {
    const note = await fn();
    passed++;
    console.log(`PASS: ${name}${note ? ` (${note})` : ''} [${((Date.now() - started) / 1000).toFixed(1)} s]`);
    return true;
  } catch (error) {
    failed++;
    console.log(`FAIL: ${name}: ${error?.message ?? error}`);
    return false;
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function waitFor(what, fn, timeoutMs = 30_000, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function api(path, init) {
  const response = await fetch(`${base}${path}`, init);
  return { status: response.status, body: await response.json() };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const digits = (text) => Number(String(text).replace(/[^0-9]/g, ''));

// --- browser -----------------------------------------------------------------------------------
const profile = mkdtempSync(join(tmpdir(), 'smsim-e2e-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-quic',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
  ],
  viewport: { width: 1280, height: 900 },
  colorScheme: 'light',
});
const page = context.pages()[0] ?? (await context.newPage());

const requests = []; // [time, pathname] of every request the page makes to the gateway
page.on('request', (r) => {
  const url = new URL(r.url());
  if (url.origin === base) requests.push([Date.now(), url.pathname]);
});
const consoleErrors = [];
let expectErrors = false;
page.on('console', (m) => m.type() === 'error' && !expectErrors && consoleErrors.push(m.text()));
page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));

const text = (testId) => page.getByTestId(testId).textContent();
const pageFigures = async () => ({ sent: digits(await text('messages-sent')), failed: digits(await text('messages-failed')) });
const countRequests = (path, from, to) => requests.filter(([t, p]) => p === path && t >= from && t < to).length;

try {
  await check('the gateway serves the monitor at / and it loads with the gateway\'s default interval (--refresh-interval 1)', async () => {
    const response = await page.goto(`${base}/`);
    assert(response.ok(), `GET / answered ${response.status()}`);
    await waitFor('the first figures', async () => !(await text('messages-sent')).includes('…'), 20_000);
    const interval = await page.getByLabel('Refresh interval').inputValue();
    assert(interval === '1', `refresh interval is ${interval}, not 1`);
    return `sent ${await text('messages-sent')}, interval ${interval} s`;
  });

  await check("the sender table lists both programs' senders", async () => {
    const ids = await waitFor(
      'alpha and beta senders in the table',
      async () => {
        const rows = await page.getByTestId('sender-table').locator('tbody th').allTextContents();
        const ids = rows.map((r) => r.trim().split(/\s+/)[0]);
        const alpha = ids.filter((id) => id.startsWith('alpha-')).length;
        const beta = ids.filter((id) => id.startsWith('beta-')).length;
        return alpha === 2 && beta === 1 ? ids : null;
      },
      60_000,
    );
    const fromApi = (await api('/monitor')).body.senders.map((s) => s.sender_id).sort();
    assert(JSON.stringify([...ids].sort()) === JSON.stringify(fromApi), `table ${ids} but /monitor ${fromApi}`);
    return ids.join(', ');
  });

  await check('a gateway validation error shows inline next to the count field', async () => {
    expectErrors = true; // chromium logs the 400 answer as a console error
    await page.getByTestId('campaign-count').fill('-1');
    await page.getByTestId('campaign-submit').click();
    const error = page.getByTestId('campaign-error');
    await error.waitFor({ timeout: 10_000 });
    expectErrors = false;
    const expected = await api('/produce-messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ num_messages: -1, max_length: 100 }),
    });
    assert(expected.status >= 400 && expected.status < 500, `gateway answered ${expected.status}`);
    const shown = (await error.textContent()).trim();
    assert(shown === expected.body.error, `page shows "${shown}", gateway says "${expected.body.error}"`);
    assert((await error.getAttribute('id')) === 'campaign-count-error', 'the error is not the count field\'s');
    assert((await page.getByTestId('campaign-count').getAttribute('aria-invalid')) === 'true', 'count not marked invalid');
    const campaigns = (await api('/api/campaigns')).body.campaigns;
    assert(campaigns.length === 0, `${campaigns.length} campaigns exist after a rejected request`);
    return shown;
  });

  const started = await check(`a campaign of ${CAMPAIGN} starts from the form`, async () => {
    await page.getByTestId('campaign-count').fill(String(CAMPAIGN));
    await page.getByTestId('campaign-max-length').fill('100');
    await page.getByTestId('campaign-submit').click();
    await page.getByTestId('campaign-started').waitFor({ timeout: 15_000 });
    assert((await page.getByTestId('campaign-error').count()) === 0, 'an error is still shown');
    const campaigns = (await api('/api/campaigns')).body.campaigns;
    assert(campaigns.length === 1 && campaigns[0].num_messages === CAMPAIGN, `campaigns: ${JSON.stringify(campaigns)}`);
    return campaigns[0].campaign_id;
  });

  if (started) {
    await check('mid-campaign: progress bar, ETA and charts are live; screenshot saved', async () => {
      const bar = page.getByRole('progressbar', { name: 'Campaign progress' });
      const percent = await waitFor(
        'the campaign to be half done',
        async () => {
          const now = Number(await bar.getAttribute('aria-valuenow'));
          return now >= 55 ? now : null;
        },
        60_000,
        100,
      );
      assert(percent < 100, `the campaign was already finished (${percent}%) when the page was looked at`);
      const current = await page.getByTestId('campaign-current').textContent();
      assert(/ETA/.test(current), `no ETA in "${current}"`);
      assert((await page.locator('#throughput .recharts-area').count()) === 2, 'no sent and failed areas in the throughput chart');
      assert((await page.locator('#failures .recharts-line').count()) === 1, 'no line in the failure-rate chart');
      if (screenshotPath) {
        mkdirSync(join(screenshotPath, '..'), { recursive: true });
        await page.screenshot({ path: screenshotPath });
      }
      return `${percent}% finished; ${screenshotPath}`;
    });

    await check(`the page's sent and failed equal GET /monitor's and add up to ${CAMPAIGN}`, async () => {
      await waitFor(
        `sent + failed = ${CAMPAIGN} on the page`,
        async () => {
          const f = await pageFigures();
          return f.sent + f.failed === CAMPAIGN;
        },
        120_000,
      );
      await sleep(1500); // one more refresh: the figures must be final, not just passing through
      const shown = await pageFigures();
      const m = (await api('/monitor')).body;
      assert(shown.sent === m.messages_sent, `page sent ${shown.sent}, /monitor ${m.messages_sent}`);
      assert(shown.failed === m.messages_failed, `page failed ${shown.failed}, /monitor ${m.messages_failed}`);
      assert(m.messages_sent + m.messages_failed === CAMPAIGN, `/monitor: ${m.messages_sent} + ${m.messages_failed}`);
      const avg = (await text('average-time')).trim();
      assert(m.average_time_per_message > 0 && /\d/.test(avg), `average time shown "${avg}"`);
      return `sent ${shown.sent}, failed ${shown.failed}, average ${avg}`;
    });

    await check('the campaign shows as done at 100%', async () => {
      const bar = page.getByRole('progressbar', { name: 'Campaign progress' });
      await waitFor('100%', async () => (await bar.getAttribute('aria-valuenow')) === '100', 15_000);
      const current = await page.getByTestId('campaign-current').textContent();
      assert(/done/.test(current), `"${current}" does not say done`);
    });

    await check('the Kafka panel shows topics, the sender group with its lag, and the newest records', async () => {
      await waitFor(
        'the Kafka panel',
        async () => (await page.getByTestId('kafka-records').locator('tbody tr').count()) > 0,
        20_000,
      );
      const topics = await page.getByTestId('kafka-topics').locator('tbody th').allTextContents();
      assert(topics.includes('sms-messages') && topics.includes('sender-status-updates'), `topics: ${topics}`);
      const lagRows = await page.getByTestId('kafka-lag').locator('tbody tr').count();
      assert(lagRows >= 3, `${lagRows} partitions in the lag table for 3 senders`);
      const records = await page.getByTestId('kafka-records').locator('tbody tr').count();
      return `${topics.length} topics, ${lagRows} partitions, ${records} records shown`;
    });
  }

  await check('changing the refresh interval changes how often the page fetches /monitor', async () => {
    const select = page.getByLabel('Refresh interval');
    await select.selectOption('1');
    await sleep(1500);
    let from = Date.now();
    await sleep(9000);
    const atOne = countRequests('/monitor', from, Date.now());
    const campaignsAtOne = countRequests('/api/campaigns', from, Date.now());
    const kafkaAtOne = countRequests('/api/kafka/overview', from, Date.now());

    await select.selectOption('3');
    assert(new URL(page.url()).searchParams.get('refresh') === '3', `URL is ${page.url()}`);
    await sleep(1000);
    from = Date.now();
    await sleep(9000);
    const atThree = countRequests('/monitor', from, Date.now());
    assert(atOne >= 7 && atOne <= 11, `${atOne} fetches of /monitor in 9 s at 1 s`);
    assert(atThree >= 2 && atThree <= 4, `${atThree} fetches of /monitor in 9 s at 3 s`);
    assert(atOne / atThree >= 2, `ratio ${atOne}/${atThree}`);
    assert(kafkaAtOne <= 2, `${kafkaAtOne} Kafka overview fetches in 9 s (at most one per 5 s)`);
    return `in 9 s: ${atOne} at 1 s, ${atThree} at 3 s; at 1 s also ${campaignsAtOne} campaigns, ${kafkaAtOne} Kafka`;
  });

  await check('the ?refresh= URL parameter sets the interval', async () => {
    await page.goto(`${base}/?refresh=5`);
    await waitFor('the page', async () => !(await text('messages-sent')).includes('…'), 20_000);
    const interval = await page.getByLabel('Refresh interval').inputValue();
    assert(interval === '5', `interval ${interval}`);
    const countdown = await text('refresh-countdown');
    assert(/next refresh in [0-5] s · updated \d\d:\d\d:\d\d/.test(countdown), `countdown "${countdown}"`);
    return countdown;
  });

  await check('the unreachable banner appears while the gateway is down and clears on reconnect', async () => {
    await page.getByLabel('Refresh interval').selectOption('1');
    assert(Number.isInteger(gatewayPid) && gatewayPid > 0, 'no gateway pid');
    assert((await page.getByTestId('gateway-banner').count()) === 0, 'banner shown while the gateway is up');
    expectErrors = true;
    process.kill(gatewayPid, 'SIGSTOP');
    let appeared;
    try {
      await page.getByTestId('gateway-banner').waitFor({ timeout: 15_000 });
      appeared = (await text('gateway-banner')).trim();
    } finally {
      process.kill(gatewayPid, 'SIGCONT');
    }
    await page.getByTestId('gateway-banner').waitFor({ state: 'detached', timeout: 20_000 });
    expectErrors = false;
    const connection = await text('connection');
    assert(connection.includes('connected'), `connection shows "${connection}"`);
    return appeared.slice(0, 80);
  });

  await check('keyboard: Tab reaches the refresh control, the form fields and the submit button', async () => {
    await page.locator('body').focus();
    await page.evaluate(() => document.activeElement?.blur());
    const seen = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      seen.push(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.textContent?.trim() ?? ''));
    }
    const order = ['refresh-interval', 'campaign-count', 'campaign-max-length', 'campaign-submit'].map((id) => seen.indexOf(id));
    assert(order.every((i) => i >= 0) && order.every((v, i) => i === 0 || v > order[i - 1]), `tab order: ${seen.join(' > ')}`);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert(outline !== 'none', 'the focused element has no visible outline');
  });

  await check('light and dark themes: the toggle switches and is remembered', async () => {
    const toggle = page.getByRole('button', { name: /^Theme:/ });
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await toggle.click(); // auto -> light
    const light = await background();
    await toggle.click(); // light -> dark
    const dark = await background();
    assert((await page.evaluate(() => document.documentElement.dataset.theme)) === 'dark', 'data-theme is not dark');
    assert(light !== dark, `same background in both themes (${light})`);
    await page.reload();
    assert((await page.evaluate(() => document.documentElement.dataset.theme)) === 'dark', 'dark not remembered');
    mkdirSync(artifacts, { recursive: true });
    await page.getByTestId('sender-table').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(artifacts, 'monitor-dark.png') });
    await page.getByRole('button', { name: /^Theme:/ }).click(); // dark -> auto
    return `light ${light}, dark ${dark}`;
  });

  await check('phone width (390 px): nothing overflows sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await sleep(500);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    await page.screenshot({ path: join(artifacts, 'monitor-phone.png'), fullPage: true });
    assert(width <= 390, `the page is ${width} px wide`);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await check('no errors in the browser console', async () => {
    assert(consoleErrors.length === 0, consoleErrors.slice(0, 5).join(' | '));
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
