#pragma once
// Where the next message should go so that work follows capacity.
//
// Kafka gives each sender its own partitions of sms-messages. If messages were spread evenly over
// partitions (the original exercise), a sender four times slower than another would get the same
// share and the campaign would wait for it. Instead the gateway keeps each sender's queue short:
// it publishes the next message to a partition whose owner has *credit* — fewer messages
// outstanding (published to its partitions, not yet reported finished) than its target depth,
// which is its window plus what it can finish in `lead_time`. Fast senders drain their queues
// sooner and so receive more; the campaign ends within a few slow-sender message times of ideal.
//
// Ownership comes from the senders' heartbeats (their consumer group assignment); outstanding
// counts move with dispatches and status reports and are re-synchronised from consumer lag.
//
// Pure and single-threaded: the gateway's Dispatcher serialises calls under its own mutex.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/duration.hpp"

namespace smsim::domain {

/// A member of another consumer group on the messages topic (the original exercise's senders): no
/// heartbeats and no settings, found by asking Kafka which groups consume the topic.
struct LegacyMember {
  std::string id;                       // "<group>/<client id>/<member id>"
  std::vector<std::int32_t> partitions;  // its assignment on the messages topic
};

struct SenderCapacity {
  std::string sender_id;
  Duration mean{};   // mean simulated send time
  int window = 1;    // messages in flight at once
};

class DispatchPlanner {
 public:
  struct Options {
    Duration lead_time = std::chrono::milliseconds(50);  // covers publish -> consume latency
    std::int64_t max_outstanding_per_sender = 2000;      // bounds a zero-delay sender's queue
    std::int64_t sender_timeout_ms = 6000;               // silent longer than this: not live
  };

  DispatchPlanner() : DispatchPlanner(Options{}) {}
  explicit DispatchPlanner(Options options) : options_(options) {}

  /// A sender says which partitions it owns now (empty: none; leaving: it is going away).
  void on_heartbeat(const SenderCapacity& sender, const std::vector<std::int32_t>& partitions, bool leaving,
                    std::int64_t now_ms);
  void on_dispatched(std::int32_t partition);
  void on_finished(std::int32_t partition);
  /// Replaces the estimate with a measured one (consumer lag plus unacknowledged publishes).
  void set_outstanding(std::int32_t partition, std::int64_t count);

  /// The legacy members as found now (replaces the previous list). Each is a sender with a fixed
  /// queue depth `depth`; partitions a live smsim sender owns stay that sender's.
  void set_legacy_members(const std::vector<LegacyMember>& members, std::int64_t depth);
  /// Legacy senders reported `n` more messages finished. Their records name no partition, so the
  /// credit goes back to the legacy partitions with the longest queues.
  void on_legacy_finished(std::uint64_t n);
  bool is_legacy_partition(std::int32_t partition) const;
  const std::vector<LegacyMember>& legacy_members() const { return legacy_; }
  /// Messages outstanding on a member's partitions (for the monitor).
  std::int64_t outstanding_of(const LegacyMember& member) const;

  /// A partition whose live owner has credit, preferring the owner with the most room relative to
  /// its target; nullopt when every live sender is full (or none is live).
  std::optional<std::int32_t> next_partition(std::int64_t now_ms) const;

  /// How many messages the sender may have outstanding.
  std::int64_t target_depth(const SenderCapacity& sender) const;

  /// Live smsim senders plus legacy members.
  int live_senders(std::int64_t now_ms) const;
  std::int64_t outstanding(std::int32_t partition) const;
  std::int64_t outstanding_total() const;

 private:
  struct SenderState {
    SenderCapacity capacity;
    std::vector<std::int32_t> partitions;
    std::int64_t last_heard_ms = 0;
  };
  bool is_live(const SenderState& s, std::int64_t now_ms) const {
    return now_ms - s.last_heard_ms <= options_.sender_timeout_ms;
  }

  Options options_;
  std::map<std::string, SenderState> senders_;
  std::map<std::int32_t, std::string> owner_of_;  // partition -> sender id (newest claim wins)
  std::map<std::int32_t, std::int64_t> outstanding_;
  std::vector<LegacyMember> legacy_;
  std::int64_t legacy_depth_ = 1;

  // The member's partitions that no live smsim sender claims.
  std::vector<std::int32_t> legacy_partitions(const LegacyMember& member, std::int64_t now_ms) const;
};

}  // namespace smsim::domain
