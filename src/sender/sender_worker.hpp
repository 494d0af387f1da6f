#pragma once
// One sender: a thread that is a Kafka consumer in the senders' group. It hands each whole message
// to its supplier (sender/supplier.hpp: simulated in-process, or an SMPP session to an SMSC), which
// answers every part with a submit response; each answer is published as a submit-response record
// (supplier message id or error) keyed by the whole message id. When the supplier has answered the
// whole message it publishes the message's status record, and commits the message's offset only
// after that record is acknowledged by Kafka. The supplier's window bounds what is in flight. A
// crash therefore re-delivers unfinished messages (at-least-once); the gateway's counting and the
// tracker drop the duplicates. The supplier's delivery reports go to delivery-reports (an SMPP
// receipt is acknowledged to the SMSC only once its record is durable).
//
// Records in the original exercise's shape (no id) get an id from their coordinates
// (sender/input_records.hpp). With --legacy-status the sender's own records go to the
// smsim-status-updates topic and the status topic gets only the original's cumulative record
// (sender/legacy_status.hpp).
//
// Lifecycle: construct, run() on its own thread until `stop` becomes true; on stop it finishes the
// messages in flight, commits, announces it is leaving and closes the consumer (leaving the group
// at once). Threads: everything, including librdkafka callbacks and supplier events, runs on the
// run() thread; an SMPP supplier only wakes it (wake()) from its I/O thread.
#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kafka/dead_letters.hpp"
#include "kafka/producer.hpp"
#include "domain/segmentation.hpp"
#include "records/records.hpp"
#include "sender/legacy_status.hpp"
#include "sender/sender_settings.hpp"
#include "sender/supplier.hpp"

struct rd_kafka_queue_s;

namespace smsim::sender {

class SmppClientIo;

class SenderWorker : public RdKafka::RebalanceCb, private SupplierEvents {
 public:
  /// `smpp_io` is the program's SMPP I/O thread when the settings name an SMSC, else null.
  SenderWorker(const SenderSettings& settings, std::string sender_id, std::uint64_t seed,
               const std::atomic<bool>& stop, SmppClientIo* smpp_io = nullptr);
  ~SenderWorker() override;

  void run();
  const std::string& id() const { return id_; }
  std::uint64_t finished() const { return finished_.load(); }

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override;

 private:
  using Clock = std::chrono::steady_clock;
  // Per partition: offsets read but not yet safe to commit, and whether each one's status is acked.
  struct PartitionProgress {
    std::map<std::int64_t, bool> pending;  // offset -> status acknowledged
    std::int64_t committable = -1;         // next offset to commit (-1: nothing new)
  };

  void take(RdKafka::Message& message);
  void announce_original(const records::MessageRecord& record, const domain::PartCount& count);
  void publish_legacy_status();
  // SupplierEvents: the supplier's answers become records.
  void part_answered(std::uint64_t ticket, const domain::PartSubmit& submit) override;
  void message_finished(std::uint64_t ticket, MessageResult result) override;
  void delivery_report(const records::DeliveryReportRecord& report, std::uint64_t ack) override;
  void wake();
  void on_status_delivered(const kafka::Delivery& delivery);
  void commit(bool synchronous);
  void drain_in_flight(Clock::duration limit);
  void send_heartbeat(bool leaving);
  std::int64_t now_ms() const;

  const SenderSettings& settings_;
  std::string id_;
  const std::atomic<bool>& stop_;
  std::string status_topic_;  // topics.status, or topics.smsim_status with --legacy-status
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<kafka::DeadLetters> dead_letters_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::unique_ptr<Supplier> supplier_;
  std::unique_ptr<LegacyStatus> legacy_;  // with --legacy-status
  // Messages handed to the supplier, by ticket: the status record to complete.
  std::map<std::uint64_t, records::StatusRecord> in_flight_;
  std::uint64_t next_ticket_ = 1;
  std::uint64_t reports_awaiting_ack_ = 0;  // delivery reports whose receipt the supplier acknowledges once durable
  rd_kafka_queue_s* consumer_queue_ = nullptr;  // the consumer's queue, for wake()
  std::map<std::int32_t, PartitionProgress> progress_;
  std::vector<std::int32_t> assignment_;
  Clock::time_point last_commit_{};
  Clock::time_point last_heartbeat_{};
  std::atomic<std::uint64_t> finished_{0};
};

}  // namespace smsim::sender
