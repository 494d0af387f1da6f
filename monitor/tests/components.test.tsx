import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CampaignForm } from '../app/ui/campaign-form';
import { CampaignPanel } from '../app/ui/campaign-panel';
import { LatencyPanel } from '../app/ui/charts';
import { Countdown } from '../app/ui/countdown';
import { GatewayBanner } from '../app/ui/gateway-banner';
import { KafkaPanel } from '../app/ui/kafka-panel';
import { RefreshControl } from '../app/ui/refresh-control';
import { SenderTable, sortSenders } from '../app/ui/sender-table';
import { SmscPanel } from '../app/ui/smsc-panel';
import { StatCards } from '../app/ui/stat-cards';
import { campaign, monitor, sender } from './fixtures';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('StatCards', () => {
  it('shows the three figures of the exercise', () => {
    render(<StatCards monitor={monitor()} />);
    expect(screen.getByTestId('messages-sent').textContent).toBe('1,234');
    expect(screen.getByTestId('messages-failed').textContent).toBe('56');
    expect(screen.getByTestId('average-time').textContent).toBe('6.4 ms');
    expect(screen.getByText('4.3% of finished')).toBeTruthy();
  });
  it('shows "…" while loading and a dash before anything finished', () => {
    const { rerender } = render(<StatCards monitor={null} />);
    expect(screen.getByTestId('messages-sent').textContent).toBe('…');
    rerender(<StatCards monitor={monitor({ messages_sent: 0, messages_failed: 0, average_time_per_message: -1 })} />);
    expect(screen.getByTestId('average-time').textContent).toBe('—');
    expect(screen.getAllByText('nothing finished yet')).toHaveLength(2);
  });
});

describe('SenderTable', () => {
  it('says how to start senders when there are none', () => {
    render(<SenderTable senders={[]} />);
    expect(screen.getByTestId('senders-empty').textContent).toMatch(/No senders yet — start smsim sender/);
    expect(screen.queryByTestId('sender-table')).toBeNull();
  });
  it('lists every sender with its settings and figures, live ones first', () => {
    const silent = sender({ sender_id: 'alpha-2-ffff', alive: false, seconds_since_heard: 125 });
    const beta = sender({
      sender_id: 'beta-1-0001',
      settings: { program: 'beta', distribution: 'exponential', mean: 0.01, stddev: 0.003, failure_rate: 0.3, window: 4 },
    });
    render(<SenderTable senders={[silent, beta, sender()]} />);
    const rows = screen.getByTestId('sender-table').querySelectorAll('tbody tr');
    expect([...rows].map((r) => r.querySelector('th')?.textContent?.trim())).toEqual([
      'alpha-1-ab3d',
      'beta-1-0001',
      'alpha-2-ffff',
    ]);
    expect(rows[1].textContent).toContain('exponential 10 ms ± 3.0 ms');
    expect(rows[1].textContent).toContain('30%');
    expect(rows[0].textContent).toContain('live');
    expect(rows[2].textContent).toContain('silent');
    expect(rows[2].textContent).toContain('2 min ago');
  });
  it("shows the original exercise's senders as legacy: settings unknown, consumers without figures of their own", () => {
    const counters = sender({ sender_id: 'sender-1', kind: 'legacy_counters', legacy: true, settings: null, messages_sent: 90, messages_failed: 10 });
    const consumer = sender({
      sender_id: 'sms-sender-group/rdkafka/1a2b3c4d',
      kind: 'legacy_consumer',
      legacy: true,
      settings: null,
      messages_sent: null,
      messages_failed: null,
      average_time_per_message: -1,
      partitions: [0, 2],
      queued: 3,
    });
    render(<SenderTable senders={[counters, consumer]} />);
    const rows = [...screen.getByTestId('sender-table').querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.getAttribute('data-kind'))).toEqual(['legacy_counters', 'legacy_consumer']);
    expect(rows.every((r) => r.querySelector('th')?.textContent?.includes('legacy'))).toBe(true);
    expect(rows[0].textContent).toContain('original format');
    expect(rows[0].textContent).toContain('unknown');
    expect(rows[0].textContent).toContain('10.0%');
    expect(rows[1].textContent).toContain('partitions 0, 2 · 3 queued');
    expect(rows[1].textContent).not.toContain('NaN');
  });
  it('sorts without changing its input', () => {
    const input = [sender({ sender_id: 'b' }), sender({ sender_id: 'a' })];
    expect(sortSenders(input).map((s) => s.sender_id)).toEqual(['a', 'b']);
    expect(input.map((s) => s.sender_id)).toEqual(['b', 'a']);
  });
});

describe('SmscPanel', () => {
  const session = {
    smsc: '127.0.0.1:2775',
    system_id: 'smsim',
    bind: 'transceiver',
    state: 'bound',
    outstanding: 7,
    queued: 2,
    submitted: 1234,
    resent: 10,
    throttled: 3,
    reconnects: 1,
    receipts: 1200,
    receipts_unmatched: 0,
  };
  const smppSender = (patch: Parameters<typeof sender>[0] = {}, state = 'bound') =>
    sender({
      sender_id: 'smpp-1-aaaa',
      settings: {
        program: 'smpp',
        distribution: 'smpp',
        mean: 0,
        stddev: 0,
        failure_rate: 0,
        window: 10,
        smpp: { ...session, state },
      },
      ...patch,
    });
  it('is not shown when no sender uses SMPP', () => {
    const { container } = render(<SmscPanel senders={[sender()]} />);
    expect(container.textContent).toBe('');
  });
  it('lists each SMPP session with its window, resends and receipts', () => {
    const down = smppSender({ sender_id: 'smpp-2-aaaa' }, 'bind refused: ESME_RINVPASWD');
    render(<SmscPanel senders={[sender(), down, smppSender()]} />);
    const rows = screen.getByTestId('smsc-table').querySelectorAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain('smpp-1-aaaa');
    expect(rows[0].textContent).toContain('127.0.0.1:2775');
    expect(rows[0].textContent).toContain('7 / 10');
    expect(rows[0].textContent).toContain('bound');
    expect(rows[1].textContent).toContain('bind refused: ESME_RINVPASWD');
    expect(screen.getByText(/1 bound of 2/)).toBeTruthy();
  });
  it('shows the SMSC instead of a simulated send time in the sender table', () => {
    render(<SenderTable senders={[smppSender()]} />);
    const row = screen.getByTestId('sender-table').querySelector('tbody tr');
    expect(row?.textContent).toContain('SMPP → 127.0.0.1:2775');
  });
});

describe('CampaignPanel', () => {
  it('has an empty state', () => {
    render(<CampaignPanel campaigns={[]} error={null} />);
    expect(screen.getByText(/No campaign yet/)).toBeTruthy();
  });
  it('shows the progress bar, counts and ETA of the newest campaign', () => {
    render(<CampaignPanel campaigns={[campaign(), campaign({ campaign_id: 'old', finished: true })]} error={null} />);
    const bar = screen.getByRole('progressbar', { name: 'Campaign progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('40');
    expect(bar.getAttribute('aria-valuetext')).toBe('200 of 500 finished');
    expect(screen.getByText('ETA 6 s')).toBeTruthy();
    expect(screen.getByText('old')).toBeTruthy();
  });
});

describe('CampaignForm', () => {
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

  it("shows the gateway's error next to the field it names", async () => {
    const error = 'num_messages must be a whole number from 1 to 10000000, not -1';
    const fetch = vi.fn(async () => json(400, { error, field: 'num_messages' }));
    vi.stubGlobal('fetch', fetch);
    const onStarted = vi.fn();
    render(<CampaignForm gateway="" onStarted={onStarted} />);
    fireEvent.change(screen.getByTestId('campaign-count'), { target: { value: '-1' } });
    fireEvent.click(screen.getByTestId('campaign-submit'));
    await waitFor(() => expect(screen.getByTestId('campaign-error').textContent).toBe(error));
    const input = screen.getByTestId('campaign-count');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe('campaign-count-error');
    expect(screen.getByTestId('campaign-error').id).toBe('campaign-count-error');
    expect(JSON.parse((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].body as string)).toEqual({
      num_messages: -1,
      max_length: 100,
    });
    expect(onStarted).not.toHaveBeenCalled();
  });

  it('shows an error on max length next to that field, and one without a field under the form', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(400, { error: 'max_length too big', field: 'max_length' })));
    render(<CampaignForm gateway="" onStarted={() => undefined} />);
    fireEvent.click(screen.getByTestId('campaign-submit'));
    await waitFor(() => expect(screen.getByTestId('campaign-error').id).toBe('campaign-max-length-error'));
    vi.stubGlobal('fetch', vi.fn(async () => json(415, { error: 'send JSON', field: null })));
    fireEvent.click(screen.getByTestId('campaign-submit'));
    await waitFor(() => expect(screen.getByTestId('campaign-error').className).toBe('form-error'));
    expect(screen.getByTestId('campaign-max-length').getAttribute('aria-invalid')).toBeNull();
  });

  it('reports the accepted campaign and leaves out an empty max length', async () => {
    const fetch = vi.fn(async () => json(202, campaign({ campaign_id: 'c-9', num_messages: 500 })));
    vi.stubGlobal('fetch', fetch);
    const onStarted = vi.fn();
    render(<CampaignForm gateway="http://gw" onStarted={onStarted} />);
    fireEvent.change(screen.getByTestId('campaign-count'), { target: { value: '500' } });
    fireEvent.change(screen.getByTestId('campaign-max-length'), { target: { value: '' } });
    fireEvent.submit(screen.getByTestId('campaign-form'));
    await waitFor(() => expect(onStarted).toHaveBeenCalledTimes(1));
    expect(screen.getByTestId('campaign-started').textContent).toContain('c-9');
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://gw/produce-messages');
    expect(JSON.parse(init.body as string)).toEqual({ num_messages: 500 });
  });
});

describe('refresh widgets', () => {
  it('the refresh control is labelled and reports the chosen seconds', () => {
    const onChange = vi.fn();
    render(<RefreshControl seconds={3} onChange={onChange} />);
    const select = screen.getByLabelText('Refresh interval') as HTMLSelectElement;
    expect(select.value).toBe('3');
    fireEvent.change(select, { target: { value: '10' } });
    expect(onChange).toHaveBeenCalledWith(10);
  });
  it('the countdown shows the next refresh and the last update', () => {
    const now = Date.now();
    const updated = new Date(2024, 0, 1, 12, 1, 3).getTime();
    render(
      <Countdown
        state={{ intervalMs: 3000, inFlight: false, paused: false, nextAt: now + 2500, lastStartedAt: now - 500 }}
        updatedAt={updated}
      />,
    );
    expect(screen.getByTestId('refresh-countdown').textContent).toBe('next refresh in 3 s · updated 12:01:03');
  });
  it('the countdown never shows more than the interval, even right after a new schedule', () => {
    vi.useFakeTimers();
    const state = { intervalMs: 5000, inFlight: false, paused: false, nextAt: 0, lastStartedAt: 0 };
    const { rerender } = render(<Countdown state={state} updatedAt={null} />);
    vi.advanceTimersByTime(240); // the countdown's own timer has not fired since
    const now = Date.now();
    rerender(<Countdown state={{ ...state, nextAt: now + 5000, lastStartedAt: now }} updatedAt={null} />);
    expect(screen.getByTestId('refresh-countdown').textContent).toBe('next refresh in 5 s · not updated yet');
    vi.useRealTimers();
  });
  it('the banner shows only while there is a problem', () => {
    const { rerender } = render(<GatewayBanner problem={null} gateway="gw" retrySeconds={3} lastSuccess={null} />);
    expect(screen.queryByTestId('gateway-banner')).toBeNull();
    rerender(<GatewayBanner problem={{ message: 'refused', since: Date.now() }} gateway="gw" retrySeconds={3} lastSuccess={null} />);
    expect(screen.getByRole('alert').textContent).toContain('Gateway unreachable');
    expect(screen.getByTestId('gateway-banner').textContent).toContain('retrying every 3 s');
  });
});

describe('KafkaPanel', () => {
  const overview = {
    topics: [
      { name: 'sms-messages', partitions: [{ partition: 0, end_offset: 1200 }, { partition: 1, end_offset: 800 }] },
      { name: 'sender-status-updates', partitions: [{ partition: 0, end_offset: 5 }] },
    ],
    sender_group: {
      group_id: 'smsim-senders',
      state: 'Stable',
      members: [{ member_id: 'm1', client_id: 'alpha-1-ab3d', host: '/127.0.0.1', partitions: [0, 1] }],
      lag: [
        { partition: 0, committed: 1190, end_offset: 1200, lag: 10 },
        { partition: 1, committed: null, end_offset: 800, lag: 800 },
      ],
    },
  };
  const records = {
    topic: 'sms-messages',
    records: [{ partition: 1, offset: 799, timestamp_ms: Date.now(), key: 'c1:7', value: '{"number":"+44","content":"hi"}' }],
  };

  it('shows topics, members, lag per partition with its owner, and records', () => {
    const onTopic = vi.fn();
    render(<KafkaPanel overview={overview} error={null} topic="sms-messages" onTopic={onTopic} records={records} recordsError={null} />);
    const topics = screen.getByTestId('kafka-topics').querySelectorAll('tbody tr');
    expect(topics[0].textContent).toContain('2,000');
    expect(screen.getByTestId('kafka-members').textContent).toContain('alpha-1-ab3d');
    const lag = screen.getByTestId('kafka-lag').querySelectorAll('tbody tr');
    expect(lag[1].textContent).toBe('1alpha-1-ab3d—800800');
    expect(screen.getByText('total lag 810', { exact: false })).toBeTruthy();
    expect(screen.getByTestId('kafka-records').textContent).toContain('c1:7');
    fireEvent.change(screen.getByTestId('records-topic'), { target: { value: 'sender-status-updates' } });
    expect(onTopic).toHaveBeenCalledWith('sender-status-updates');
  });

  it('shows leader, replicas and in-sync replicas per partition and flags what a lost broker left behind', () => {
    const replicated = {
      brokers: [
        { id: 1, host: '127.0.0.1', port: 9092 },
        { id: 3, host: '127.0.0.1', port: 9094 },
      ],
      topics: [
        {
          name: 'sms-messages',
          partitions: [
            { partition: 0, end_offset: 10, leader: 1, replicas: [1, 2, 3], isr: [1, 3] },
            { partition: 1, end_offset: 12, leader: 3, replicas: [3, 1, 2], isr: [3, 1, 2] },
          ],
        },
        { name: 'sms-campaigns', partitions: [{ partition: 0, end_offset: -1, leader: -1, replicas: [2], isr: [] }] },
      ],
      sender_group: null,
    };
    render(<KafkaPanel overview={replicated} error={null} topic="sms-messages" onTopic={() => undefined} records={null} recordsError={null} />);
    const rows = screen.getByTestId('kafka-replication').querySelectorAll('tbody tr');
    expect(rows).toHaveLength(3);
    expect(rows[0].textContent).toBe('sms-messages011, 2, 31, 3 missing 2');
    expect(rows[1].textContent).toBe('sms-messages133, 1, 23, 1, 2');
    expect(rows[2].textContent).toContain('offline');
    const topics = screen.getByTestId('kafka-topics').querySelectorAll('tbody tr');
    expect(topics[0].textContent).toContain('22');
    expect(topics[1].textContent).toBe('sms-campaigns100:?');
    const brokers = screen.getByTestId('kafka-brokers').textContent;
    expect(brokers).toContain('2 brokers: 1 (127.0.0.1:9092), 3 (127.0.0.1:9094)');
    expect(brokers).toContain('2 under-replicated');
    expect(brokers).toContain('1 offline');
  });

  it('leaves the replication table out for gateways that do not report it', () => {
    render(<KafkaPanel overview={overview} error={null} topic="sms-messages" onTopic={() => undefined} records={null} recordsError={null} />);
    expect(screen.queryByTestId('kafka-replication')).toBeNull();
  });

  it('says when there is no sender group or no record, and shows errors inline', () => {
    render(
      <KafkaPanel
        overview={{ topics: [], sender_group: null }}
        error={null}
        topic="sms-messages"
        onTopic={() => undefined}
        records={{ topic: 'sms-messages', records: [] }}
        recordsError="HTTP 503"
      />,
    );
    expect(screen.getByText(/no sender has joined/)).toBeTruthy();
    expect(screen.getByText('No topics yet.')).toBeTruthy();
    expect(screen.getByText('Records unavailable: HTTP 503')).toBeTruthy();
  });
});

describe('LatencyPanel', () => {
  it('shows publish → finish and accepted → counted percentiles', () => {
    render(<LatencyPanel monitor={monitor()} history={[]} />);
    const table = screen.getByTestId('latency-table');
    const row = screen.getByText('accepted → counted').closest('tr');
    expect(row?.textContent).toBe('accepted → counted42 ms71 ms93 ms');
    expect(screen.getByText('end to end').closest('tr')?.textContent).toBe('end to end30 ms50 ms60 ms');
    expect(table.querySelectorAll('tbody tr')).toHaveLength(3);
  });
  it('leaves the accepted → counted row out for a gateway that does not report it', () => {
    const m = monitor();
    const { accepted_to_counted: _, ...older } = m.latency;
    render(<LatencyPanel monitor={{ ...m, latency: older }} history={[]} />);
    expect(screen.queryByText('accepted → counted')).toBeNull();
    expect(screen.getByTestId('latency-table').querySelectorAll('tbody tr')).toHaveLength(2);
  });
});
