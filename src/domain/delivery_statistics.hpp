#pragma once
// The gateway's delivery figures: how many messages were produced, sent and failed, how long they
// took, per sender and per campaign. The status consumer thread feeds it the records senders publish
// on the status topic; GET /monitor and /metrics read snapshots of it.
//
// Counting is exact. A sender may process and report a message twice (after a crash or a
// rebalance), so every report is deduplicated by message id before it counts. Campaign messages are
// remembered in one bit per message (a 10,000,000-message campaign costs 1.25 MB); ids outside any
// registered campaign go to a hash set, which stays small because ad-hoc traffic is small.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/duration.hpp"
#include "domain/latency_histogram.hpp"
#include "domain/legacy_counters.hpp"

namespace smsim::domain {

enum class Outcome { Sent, Failed };

/// One finished message, as a sender reports it.
struct StatusReport {
  std::string message_id;
  std::string sender_id;
  Outcome outcome = Outcome::Sent;
  Duration processing_time{};       // simulated send time
  std::int64_t produced_at_ms = 0;  // when the gateway published the message (epoch ms); 0 = unknown
  std::int64_t finished_at_ms = 0;  // when the sender finished it (epoch ms); 0 = unknown
  std::string error;                // failure reason, empty when sent
};

/// A sender's SMPP session to its SMSC, as its heartbeat describes it (smsim sender --smsc).
struct SmppSessionInfo {
  std::string smsc;       // host:port
  std::string system_id;
  std::string bind;       // transceiver, transmitter
  std::string state;      // connecting, binding, bound, disconnected, or why a bind was refused
  std::uint64_t outstanding = 0;  // submit_sm sent, awaiting submit_sm_resp
  std::uint64_t queued = 0;       // parts waiting for a window slot (or the session)
  std::uint64_t submitted = 0, resent = 0, throttled = 0, reconnects = 0;
  std::uint64_t receipts = 0, receipts_unmatched = 0;
};

/// What a sender announces about itself (from its heartbeat records).
struct SenderSettingsInfo {
  std::string sender_id, program, distribution;
  double mean_s = 0, stddev_s = 0, failure_rate = 0;
  int window = 1;
  std::optional<SmppSessionInfo> smpp;  // set when the sender submits over SMPP
};

struct SenderFigures {
  std::string sender_id;
  std::uint64_t sent = 0, failed = 0;
  double total_processing_s = 0;
  std::optional<double> average_s() const;  // nullopt when nothing finished
  std::optional<SenderSettingsInfo> settings;
  std::int64_t last_heard_ms = 0;  // newest report or heartbeat (epoch ms)
  double rate_per_s = 0;           // finished messages per second over the last 10 s
  bool legacy = false;             // fed (at least partly) by the legacy cumulative format
  int legacy_restarts = 0;         // epochs of its legacy counters that ended in a restart
};

struct CampaignFigures {
  std::string campaign_id;
  std::uint64_t total = 0, published = 0, sent = 0, failed = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t finished_at_ms = 0;  // 0 while running
};

struct StatisticsSnapshot {
  /// Never below sent + failed: a finished message proves it was published, and legacy finishes
  /// count only once produced messages account for them.
  std::uint64_t messages_produced = 0, messages_sent = 0, messages_failed = 0, duplicates_ignored = 0;
  std::uint64_t in_flight() const;  // produced - sent - failed, never negative
  /// Legacy finishes that no produced message could account for within the grace period: not
  /// counted in sent/failed (docs/design.md, "Legacy status format"). `anomaly` describes the first.
  std::uint64_t anomalies = 0;
  std::string anomaly;
  std::uint64_t legacy_waiting = 0;  // legacy finishes still waiting to be squared
  std::uint64_t foreign_records = 0; // records other producers put on the messages topic (measured)
  double average_time_per_message_s = -1;  // cumulative over ALL finished messages (legacy included); -1 when none
  double throughput_per_s = 0;             // finished per second over the last 10 s
  std::optional<double> e2e_p50_s, e2e_p90_s, e2e_p99_s, processing_p50_s, processing_p99_s;
  std::optional<double> accepted_p50_s, accepted_p90_s, accepted_p99_s;  // accepted → counted
  std::vector<SenderFigures> senders;      // sorted by sender_id
  std::vector<CampaignFigures> campaigns;  // newest first
  /// (epoch second, (sent, failed)) for the seconds of the last 300 s with any activity, ascending.
  std::vector<std::pair<std::int64_t, std::pair<std::uint64_t, std::uint64_t>>> per_second;
  LatencyHistogram e2e_latency, processing_time;  // copies, for /metrics
  LatencyHistogram accepted_to_counted;            // copy, for /metrics
};

/// When a campaign's message fell due, the start of its "accepted → counted" latency (epoch ms):
/// the campaign's acceptance, or for a paced campaign (rate_per_second > 0) the moment its index
/// came up, accepted_at + index / rate. Unpaced, the wait in the dispatch backlog is part of the
/// latency; paced, only the lateness behind the pace is.
std::int64_t message_due_at_ms(std::int64_t accepted_at_ms, double rate_per_second, std::uint64_t index);

/// Accumulates delivery figures from status records, counting each message exactly once.
///
/// Lifecycle: one per gateway process, created empty. Register campaigns (register_campaign) before
/// their reports arrive; the state can be rebuilt at startup by registering the known campaigns and
/// replaying the status topic from the start. A report that arrives before its campaign is registered
/// is still counted exactly: it is held in the ad-hoc set and moved into the campaign on registration.
///
/// Threads: every member function is safe to call concurrently (one internal mutex). The intended
/// use is one writer (the status consumer thread) and several readers (HTTP threads taking
/// snapshots). No call blocks on anything but that mutex.
///
/// Times: "now" is always passed in (snapshot(now_ms)), never read from a clock, so results are
/// deterministic. Rates and the per-second series use the reports' finished_at_ms.
class DeliveryStatistics {
 public:
  /// Largest campaign accepted: its bitmap takes 125 MB.
  static constexpr std::uint64_t kMaxCampaignMessages = 1'000'000'000;

  DeliveryStatistics();
  ~DeliveryStatistics();
  DeliveryStatistics(const DeliveryStatistics&) = delete;
  DeliveryStatistics& operator=(const DeliveryStatistics&) = delete;

  /// A campaign of `total` messages exists; creates its dedup bitmap (total bits). created_at_ms is
  /// its acceptance and rate_per_second its pace (0: unpaced), for message_due_at_ms. Registering again
  /// with the same total is a no-op; with a different total, an empty id, an id containing ':',
  /// total outside [1, kMaxCampaignMessages], or a negative or non-finite rate → InvalidArgument.
  void register_campaign(const std::string& campaign_id, std::uint64_t total, std::int64_t created_at_ms,
                         double rate_per_second = 0);

  /// Messages of a campaign now durably published. Monotonic: a lower value is ignored. Counts toward
  /// messages_produced. An unregistered campaign or published > total → InvalidArgument.
  void set_published(const std::string& campaign_id, std::uint64_t published);

  /// Ad-hoc messages outside campaigns count as produced one by one.
  void add_produced(std::uint64_t n);

  /// Records that other producers (e.g. the original exercise's producer service) have put on the
  /// messages topic since this gateway started and that were not dead-lettered, as measured now
  /// (a poison record counts until it is dead-lettered; produced never drops below what finished).
  void set_foreign_records(std::uint64_t n);

  /// At most this many records were on the messages topic before this gateway started that no
  /// registered campaign accounts for (another producer's, or our duplicates). They count as
  /// produced only as far as replayed legacy finishes need them, so that a restarted gateway
  /// squares a legacy sender's history again instead of calling it anomalies.
  void set_historic_records(std::uint64_t upper_bound);

  /// Counts the message once; returns false (and counts duplicates_ignored) if it was already
  /// counted. An id that is not "<registered campaign>:<index in range>" falls back to the string
  /// set and is deduplicated there. An empty message id → InvalidArgument; an empty sender id still
  /// counts the message but adds no per-sender figures.
  ///
  /// counted_at_ms is the moment the gateway counts it (epoch ms): a fresh campaign message then
  /// adds counted_at_ms - message_due_at_ms(...) to the accepted → counted histogram. 0 means "not
  /// observed live" (the replay at startup, where the reading time says nothing): no observation.
  bool record(const StatusReport& report, std::int64_t counted_at_ms = 0);

  /// Folds in the legacy cumulative counters (domain/legacy_counters.hpp): a restart is only counts
  /// going down, time deltas are never negative, and the sender's figures are its last record plus
  /// what it had before each restart. Legacy messages have no ids, so they cannot be deduplicated:
  /// what is new counts toward messages_sent/failed and the average only as far as produced
  /// messages account for it (sent + failed <= produced); the rest waits, and after a grace period
  /// of 10 s becomes an anomaly (counted, never added). Returns what is new in the record (the
  /// dispatcher gives that much credit back). An empty sender id or a negative/non-finite time →
  /// InvalidArgument.
  LegacyDelta record_legacy(const LegacyCounters& counters, std::int64_t received_at_ms);

  /// Stores what a sender announces about itself and marks it heard at `at_ms`.
  /// An empty sender id → InvalidArgument.
  void record_heartbeat(const SenderSettingsInfo& settings, std::int64_t at_ms);

  /// A consistent copy of every figure. Windowed figures (rates, per-second series) are relative
  /// to now_ms. Also settles waiting legacy finishes: squares what fits, expires what is overdue.
  StatisticsSnapshot snapshot(std::int64_t now_ms) const;

  /// Anomalies so far (settling waiting legacy finishes first) and a description of the first one.
  std::pair<std::uint64_t, std::string> anomalies(std::int64_t now_ms);

  /// Whether this message id has been counted (for tests and the tracker).
  bool is_counted(const std::string& message_id) const;

 private:
  struct State;  // defined in the .cpp: bitmaps, sets, per-sender state, time series
  mutable std::mutex mutex_;
  std::unique_ptr<State> state_;  // guarded by mutex_
};

}  // namespace smsim::domain
