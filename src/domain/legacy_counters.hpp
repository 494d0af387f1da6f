#pragma once
// The original exercise's cumulative status records ("legacy format"), folded into exact figures.
//
// The original sender writes, after every message, `{"sender_id", "success_count", "failed_count",
// "total_processing_time"}` keyed by its sender id. The two counts are cumulative; the time field
// is NOT a sum in the original (it is the last message's duration times the count), so it goes down
// whenever one message was faster than the one before. Rules (docs/design.md, "Legacy status format"):
//
// - A restart is only counts going down (either one). The new record starts a new epoch; what the
//   sender had before is banked. A time that goes down is never a restart.
// - Time deltas are never negative: the messages a record adds are each given that record's time
//   per message (total_processing_time / count). For the original sender, which writes after every
//   message a time of last duration x count, that is exactly each message's own duration; for a
//   sender whose time is a true sum it is its running average. (Subtracting consecutive times
//   instead would be negative whenever a message was faster than the one before, and clamping
//   that at zero inflates the average a hundredfold: measured 0.26 s for 2.5 ms messages.)
// - A sender's figures are its last record (counts and time, as it states them) plus the totals
//   banked at each real restart.
//
// Legacy records carry no message ids, so they cannot be deduplicated. LegacySquaring holds their
// finishes until the messages produced can account for them (sent + failed never exceeds produced);
// what still cannot be squared after a grace period is an anomaly: counted, never added.
//
// Pure and single-threaded: DeliveryStatistics owns these under its mutex.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace smsim::domain {

/// The original exercise's cumulative per-sender counters ("legacy format").
struct LegacyCounters {
  std::string sender_id;
  std::uint64_t success_count = 0;
  std::uint64_t failed_count = 0;
  double total_processing_time_s = 0;
};

/// What one legacy record adds: messages finished since the sender's previous record.
struct LegacyDelta {
  std::uint64_t sent = 0, failed = 0;
  double processing_s = 0;  // never negative
  bool restarted = false;   // the record started a new epoch (counts went down)
  std::uint64_t count() const { return sent + failed; }
};

/// One legacy sender's records, in arrival order.
class LegacyCounterTrack {
 public:
  /// Folds in the next record; returns what is new in it. An identical repeat adds nothing.
  LegacyDelta apply(const LegacyCounters& record);

  /// Last record plus everything banked at earlier restarts.
  std::uint64_t sent() const { return banked_sent_ + (last_ ? last_->success_count : 0); }
  std::uint64_t failed() const { return banked_failed_ + (last_ ? last_->failed_count : 0); }
  double processing_s() const { return banked_time_s_ + (last_ ? last_->total_processing_time_s : 0); }
  int restarts() const { return restarts_; }

 private:
  std::optional<LegacyCounters> last_;
  std::uint64_t banked_sent_ = 0, banked_failed_ = 0;
  double banked_time_s_ = 0;
  int restarts_ = 0;
};

/// Legacy finishes waiting to be squared with the messages produced.
class LegacySquaring {
 public:
  /// A part of a waiting delta that now counts, with when its record arrived.
  struct Squared {
    LegacyDelta delta;
    std::int64_t received_at_ms = 0;
  };

  explicit LegacySquaring(std::int64_t grace_ms = 10'000) : grace_ms_(grace_ms) {}

  void add(const LegacyDelta& delta, const std::string& sender_id, std::int64_t received_at_ms);
  /// Moves up to `headroom` messages (oldest first; sent before failed within a record, time in
  /// proportion) out of the queue and returns them.
  std::vector<Squared> square(std::uint64_t headroom);
  /// Records waiting longer than the grace period become anomalies: returns how many messages
  /// they held, and describes the first one ever in first_anomaly().
  std::uint64_t expire(std::int64_t now_ms);

  std::uint64_t waiting() const { return waiting_; }
  const std::string& first_anomaly() const { return first_anomaly_; }

 private:
  struct Entry {
    LegacyDelta delta;
    std::string sender_id;
    std::int64_t received_at_ms = 0;
  };
  std::int64_t grace_ms_;
  std::deque<Entry> queue_;
  std::uint64_t waiting_ = 0;
  std::string first_anomaly_;
};

}  // namespace smsim::domain
