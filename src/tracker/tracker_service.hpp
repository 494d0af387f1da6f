#pragma once
// The tracker: the aggregate-and-join (domain::MessageTracker) over Kafka. It consumes the status
// topic (whole messages from the dispatcher, submit responses from the senders) and the
// delivery-reports topic, and publishes each whole message's new lifecycle to the compacted
// message-status topic, keyed by message id. Changes wait up to 50 ms in a write-behind buffer,
// where a later change of the same message replaces an earlier one: a message that goes PENDING to
// SENT within that time costs one record, not two (its history still shows both).
//
// Scaling: instances share the consumer group `smsim-tracker`; every record about a message has
// the same key, and both input topics have the same partition count, so the range assignor gives
// one instance all records of a message (co-partitioning).
// Restarts: on every assignment the instance replays its partitions from the beginning and
// rebuilds its state (re-publishing identical states is harmless on a compacted topic), so state
// survives any restart without a changelog of its own. Memory: only messages not yet final.
//
// Lifecycle: start() spawns the consumer thread, stop() joins it. Threads: one consumer thread;
// counters are atomics.
#include <atomic>
#include <string>
#include <thread>

#include "common/liveness.hpp"
#include "kafka/client_config.hpp"
#include "kafka/topics.hpp"

namespace smsim::tracker {

struct TrackerSettings {
  kafka::ClientConfig kafka;
  kafka::TopicNames topics;
  std::string group = "smsim-tracker";
};

class TrackerService {
 public:
  explicit TrackerService(TrackerSettings settings);
  ~TrackerService();
  void start();
  void stop();

  std::uint64_t state_changes() const { return state_changes_.load(); }
  /// message-status records written: fewer than state changes when one message changed more than
  /// once within a publish interval (only its latest state is written).
  std::uint64_t states_published() const { return published_.load(); }
  std::uint64_t in_flight() const { return in_flight_.load(); }
  std::uint64_t invalid_records() const { return invalid_.load(); }
  /// The consumer thread's beats and death (for the gateway's /healthz).
  const Liveness& liveness() const { return liveness_; }

 private:
  void run();

  TrackerSettings settings_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> state_changes_{0}, published_{0}, in_flight_{0}, invalid_{0};
  Liveness liveness_;
  std::thread thread_;
};

}  // namespace smsim::tracker
