#pragma once
// One sender: a thread that is a Kafka consumer in the senders' group. It splits each whole message
// into parts (GSM-7 or UCS-2 segmentation) and submits them one after another to its simulated
// supplier: each part takes a simulated time and may be rejected; each answer is published as a
// submit-response record (supplier message id or error) keyed by the whole message id. After the
// last part (or the first rejection) it publishes the whole message's status record, and commits the
// message's offset only after that record is acknowledged by Kafka. Up to `window` messages are in
// flight at once. A crash therefore re-delivers unfinished messages (at-least-once); the gateway's
// counting and the tracker drop the duplicates. Later, the simulated supplier reports delivery of
// each accepted part as SMPP receipt text on delivery-reports.
//
// Records in the original exercise's shape (no id) get an id from their coordinates
// (sender/input_records.hpp). With --legacy-status the sender's own records go to the
// smsim-status-updates topic and the status topic gets only the original's cumulative record
// (sender/legacy_status.hpp).
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
#include <random>
#include <string>
#include <vector>

#include "domain/timing_model.hpp"
#include "kafka/dead_letters.hpp"
#include "kafka/producer.hpp"
#include "records/records.hpp"
#include "domain/segmentation.hpp"
#include "sender/legacy_status.hpp"
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
    Clock::time_point done_at;  // when the current part's submit response comes back
    records::StatusRecord status;
    int part = 1, total_parts = 1;
    std::vector<std::string> supplier_ids;  // of the parts accepted so far
    std::int64_t submitted_at_ms = 0;
    bool operator>(const InFlight& other) const { return done_at > other.done_at; }
  };
  struct PendingReport {
    Clock::time_point due;
    records::DeliveryReportRecord report;
    bool operator>(const PendingReport& other) const { return due > other.due; }
  };
  // Per partition: offsets read but not yet safe to commit, and whether each one's status is acked.
  struct PartitionProgress {
    std::map<std::int64_t, bool> pending;  // offset -> status acknowledged
    std::int64_t committable = -1;         // next offset to commit (-1: nothing new)
  };

  void take(RdKafka::Message& message);
  void announce_original(const records::MessageRecord& record, const domain::PartCount& count);
  void publish_legacy_status();
  void finish_due(Clock::time_point now);
  void submit_part(InFlight& item);
  void finish(InFlight& item);
  void schedule_reports(const InFlight& item);
  void send_due_reports(Clock::time_point now);
  void on_status_delivered(const kafka::Delivery& delivery);
  void commit(bool synchronous);
  void drain_in_flight();
  void send_heartbeat(bool leaving);
  std::int64_t now_ms() const;

  const SenderSettings& settings_;
  std::string id_;
  const std::atomic<bool>& stop_;
  std::string status_topic_;  // topics.status, or topics.smsim_status with --legacy-status
  domain::TimingModel timing_;
  domain::FailureModel failures_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<kafka::DeadLetters> dead_letters_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::unique_ptr<LegacyStatus> legacy_;  // with --legacy-status
  std::priority_queue<InFlight, std::vector<InFlight>, std::greater<>> in_flight_;
  std::priority_queue<PendingReport, std::vector<PendingReport>, std::greater<>> reports_;
  std::mt19937_64 supplier_random_;
  std::map<std::int32_t, PartitionProgress> progress_;
  std::vector<std::int32_t> assignment_;
  Clock::time_point last_commit_{};
  Clock::time_point last_heartbeat_{};
  std::atomic<std::uint64_t> finished_{0};
};

}  // namespace smsim::sender
