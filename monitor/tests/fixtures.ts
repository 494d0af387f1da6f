import type { Campaign, KafkaOverview, MonitorSnapshot, SenderFigures } from '../app/lib/types';

export const sender = (patch: Partial<SenderFigures> = {}): SenderFigures => ({
  sender_id: 'alpha-1-ab3d',
  messages_sent: 90,
  messages_failed: 10,
  average_time_per_message: 0.0051,
  rate_per_second: 12.5,
  last_heard_ms: Date.now() - 400,
  seconds_since_heard: 0.4,
  alive: true,
  legacy: false,
  settings: { program: 'alpha', distribution: 'normal', mean: 0.005, stddev: 0.002, failure_rate: 0.1, window: 1 },
  ...patch,
});

export const monitor = (patch: Partial<MonitorSnapshot> = {}): MonitorSnapshot => ({
  messages_sent: 1234,
  messages_failed: 56,
  average_time_per_message: 0.0064,
  messages_produced: 1500,
  messages_in_flight: 12,
  duplicates_ignored: 0,
  throughput_per_second: 48.2,
  latency: {
    end_to_end: { p50: 0.03, p90: 0.05, p99: 0.06 },
    accepted_to_counted: { p50: 0.042, p90: 0.071, p99: 0.093 },
    processing: { p50: 0.005, p99: 0.009 },
  },
  senders: [sender()],
  live_senders: 1,
  dispatch_mode: 'credit',
  queued_at_senders: 3,
  per_second: [[1_700_000_000, 40, 4]],
  time_ms: Date.now(),
  ...patch,
});

export const campaign = (patch: Partial<Campaign> = {}): Campaign => ({
  campaign_id: 'c-1',
  num_messages: 500,
  published: 300,
  fully_published: false,
  messages_sent: 180,
  messages_failed: 20,
  messages_finished: 200,
  messages_in_flight: 100,
  finished: false,
  created_at_ms: Date.now() - 4000,
  finished_at_ms: null,
  messages_per_second: 50,
  eta_seconds: 6,
  settings: {},
  ...patch,
});

export const overview = (): KafkaOverview => ({
  topics: [{ name: 'sms-messages', partitions: [{ partition: 0, end_offset: 10 }] }],
  sender_group: { group_id: 'smsim-senders', state: 'Stable', members: [], lag: [] },
});
