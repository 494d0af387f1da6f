#pragma once
// One sender: a thread that is a Kafka consumer in the senders' group, "sends" each message by
// waiting a simulated time (up to `window` messages at once), decides success or failure, publishes
// a status record keyed by message id, and commits a message's offset only after its status record
// is acknowledged by Kafka. A crash therefore re-delivers unfinished messages (at-least-once) and
// the gateway's counting drops the duplicates.
//
// Lifecycle: construct, run() on its own thread until `stop` becomes true; on stop it finishes the
// messages in flight, commits, announces it is leaving and closes the consumer (leaving the group
// at once). Threads: everything, including librdkafka callbacks, runs on the run() thread.
#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "domain/timing_model.hpp"
#include "kafka/producer.hpp"
#include "records/records.hpp"
#include "sender/sender_settings.hpp"

namespace smsim::sender {

class SenderWorker : public RdKafka::RebalanceCb {
 public:
  SenderWorker(const SenderSettings& settings, std::string sender_id, std::uint64_t seed,
               const std::atomic<bool>& stop);
  ~SenderWorker() override;

  void run();
  const std::string& id() const { return id_; }
  std::uint64_t finished() const { return finished_.load(); }

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override;

 private:
  using Clock = std::chrono::steady_clock;
  struct InFlight {
    Clock::time_point done_at;
    records::StatusRecord status;
    bool operator>(const InFlight& other) const { return done_at > other.done_at; }
  };
  // Per partition: offsets read but not yet safe to commit, and whether each one's status is acked.
  struct PartitionProgress {
    std::map<std::int64_t, bool> pending;  // offset -> status acknowledged
    std::int64_t committable = -1;         // next offset to commit (-1: nothing new)
  };

  void take(RdKafka::Message& message);
  void finish_due(Clock::time_point now);
  void finish(InFlight& item);
  void on_status_delivered(const kafka::Delivery& delivery);
  void commit(bool synchronous);
  void drain_in_flight();
  void send_heartbeat(bool leaving);
  std::int64_t now_ms() const;

  const SenderSettings& settings_;
  std::string id_;
  const std::atomic<bool>& stop_;
  domain::TimingModel timing_;
  domain::FailureModel failures_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::priority_queue<InFlight, std::vector<InFlight>, std::greater<>> in_flight_;
  std::map<std::int32_t, PartitionProgress> progress_;
  std::vector<std::int32_t> assignment_;
  Clock::time_point last_commit_{};
  Clock::time_point last_heartbeat_{};
  std::atomic<std::uint64_t> finished_{0};
  bool logged_poison_ = false;
};

}  // namespace smsim::sender
