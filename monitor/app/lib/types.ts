// The gateway's JSON, as the monitor reads it. Field names are the gateway's (snake_case) so a
// response can be used as it arrives; see docs/monitor.md for the endpoints.

/** Seconds, or null while there is no sample. */
export type MaybeSeconds = number | null;

export interface GatewayConfig {
  refresh_interval_s: number;
  version: string;
}

/** A sender's SMPP session to its SMSC (`smsim sender --smsc`), from its heartbeat. */
export interface SmppSession {
  smsc: string;
  system_id: string;
  bind: string;
  /** connecting, binding, bound, or why the session is down (e.g. "bind refused: ESME_RINVPASWD"). */
  state: string;
  outstanding: number;
  queued: number;
  submitted: number;
  resent: number;
  throttled: number;
  reconnects: number;
  receipts: number;
  receipts_unmatched: number;
}

export interface SenderSettings {
  program: string;
  /** "smpp" for a sender submitting over SMPP (then mean, stddev and failure_rate are the SMSC's, not set here). */
  distribution: string;
  mean: number;
  stddev: number;
  failure_rate: number;
  /** Messages in flight; for SMPP, submit_sm outstanding per session. */
  window: number;
  smpp?: SmppSession;
}

/**
 * smsim: an smsim sender (heartbeats, per-message statuses). legacy_counters: a sender known from the
 * original exercise's cumulative records. legacy_consumer: a member of another consumer group on the
 * messages topic (the original's senders as Kafka shows them): settings unknown, no figures of its own.
 */
export type SenderKind = 'smsim' | 'legacy_counters' | 'legacy_consumer';

export interface SenderFigures {
  sender_id: string;
  kind?: SenderKind;
  /** null for a legacy consumer: its records name no consumer, so its figures are not its own. */
  messages_sent: number | null;
  messages_failed: number | null;
  /** Seconds; -1 before the sender finished anything. */
  average_time_per_message: number;
  rate_per_second: number;
  last_heard_ms: number;
  seconds_since_heard: number;
  alive: boolean;
  legacy: boolean;
  settings: SenderSettings | null;
  /** Legacy consumers: partitions of the messages topic, and messages queued on them. */
  partitions?: number[];
  queued?: number;
  /** Legacy counters: restarts seen (counts going down). */
  legacy_restarts?: number;
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
  /** Finishes no produced message accounts for (legacy records that cannot be squared): not counted. */
  anomalies?: number;
  anomaly?: string | null;
  throughput_per_second: number;
  latency: {
    end_to_end: { p50: MaybeSeconds; p90: MaybeSeconds; p99: MaybeSeconds };
    /** From the campaign's acceptance (paced: the message's due time) to the gateway counting it. */
    accepted_to_counted?: { p50: MaybeSeconds; p90: MaybeSeconds; p99: MaybeSeconds };
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
