// The gateway's JSON, as the monitor reads it. Field names are the gateway's (snake_case) so a
// response can be used as it arrives; see docs/monitor.md for the endpoints.

/** Seconds, or null while there is no sample. */
export type MaybeSeconds = number | null;

export interface GatewayConfig {
  refresh_interval_s: number;
  version: string;
}

export interface SenderSettings {
  program: string;
  distribution: string;
  mean: number;
  stddev: number;
  failure_rate: number;
  window: number;
}

export interface SenderFigures {
  sender_id: string;
  messages_sent: number;
  messages_failed: number;
  /** Seconds; -1 before the sender finished anything. */
  average_time_per_message: number;
  rate_per_second: number;
  last_heard_ms: number;
  seconds_since_heard: number;
  alive: boolean;
  legacy: boolean;
  settings: SenderSettings | null;
}

/** [epoch second, sent, failed] */
export type PerSecondRow = [number, number, number];

/** Whole messages by their latest state (the message-status topic), and parts per message. */
export interface StatusFunnel {
  messages: number;
  pending: number;
  sent: number;
  delivered: number;
  failed: number;
  undelivered: number;
  expired: number;
  /** Number of parts -> messages with that many parts. */
  parts_per_message: Record<string, number>;
}

export interface MonitorSnapshot {
  messages_sent: number;
  messages_failed: number;
  /** Seconds; -1 before anything finished (the original exercise's contract). */
  average_time_per_message: number;
  messages_produced: number;
  messages_in_flight: number;
  duplicates_ignored: number;
  throughput_per_second: number;
  latency: {
    end_to_end: { p50: MaybeSeconds; p90: MaybeSeconds; p99: MaybeSeconds };
    processing: { p50: MaybeSeconds; p99: MaybeSeconds };
  };
  senders: SenderFigures[];
  live_senders: number;
  dispatch_mode: string;
  queued_at_senders: number;
  per_second: PerSecondRow[];
  time_ms: number;
  /** Present on gateways that track message states (PENDING -> SENT -> DELIVERED). */
  funnel?: StatusFunnel;
}

export interface Campaign {
  campaign_id: string;
  num_messages: number;
  published: number;
  fully_published: boolean;
  messages_sent: number;
  messages_failed: number;
  messages_finished: number;
  messages_in_flight: number;
  finished: boolean;
  created_at_ms: number;
  finished_at_ms: number | null;
  messages_per_second: number;
  eta_seconds: number | null;
  settings: Record<string, unknown>;
  status_url?: string;
}

export interface CampaignList {
  campaigns: Campaign[];
}

/** One partition; leader, replicas and isr (broker ids) come from gateways that know them. */
export interface KafkaPartition {
  partition: number;
  /** -1 while the partition's leader does not answer (a broker just lost). */
  end_offset: number;
  /** -1 while the partition has no leader (offline). */
  leader?: number;
  replicas?: number[];
  isr?: number[];
}

export interface KafkaTopic {
  name: string;
  partitions: KafkaPartition[];
}

export interface KafkaBroker {
  id: number;
  host: string;
  port: number;
}

export interface KafkaGroupMember {
  member_id: string;
  client_id: string;
  host: string;
  partitions: number[];
}

export interface KafkaPartitionLag {
  partition: number;
  committed: number | null;
  end_offset: number;
  lag: number;
}

export interface KafkaOverview {
  /** The brokers the cluster lists now (registered, not fenced). */
  brokers?: KafkaBroker[];
  topics: KafkaTopic[];
  sender_group: {
    group_id: string;
    state: string;
    members: KafkaGroupMember[];
    lag: KafkaPartitionLag[];
  } | null;
}

export interface KafkaRecord {
  partition: number;
  offset: number;
  timestamp_ms: number;
  key: string | null;
  value: string | null;
}

export interface KafkaRecords {
  topic: string;
  records: KafkaRecord[];
}

/** The body of a 4xx answer. `field` names the request field at fault, when there is one. */
export interface GatewayError {
  error: string;
  field: string | null;
}
