#include "tracker/tracker_service.hpp"

#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "domain/message_tracker.hpp"
#include "kafka/dead_letters.hpp"
#include "kafka/errors.hpp"
#include "kafka/producer.hpp"
#include "records/records.hpp"

namespace smsim::tracker {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Every assignment starts from the beginning: the state of those partitions is rebuilt by replay.
class ReplayOnAssign : public RdKafka::RebalanceCb {
 public:
  explicit ReplayOnAssign(std::unique_ptr<domain::MessageTracker>& tracker) : tracker_(tracker) {}
  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    // Eager rebalancing revokes everything first, so a fresh tracker per assignment is exact.
    tracker_ = std::make_unique<domain::MessageTracker>();
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      for (auto* tp : partitions) tp->set_offset(RdKafka::Topic::OFFSET_BEGINNING);
      consumer->assign(partitions);
      spdlog::info("tracker: replaying {} partition(s) from the beginning", partitions.size());
    } else {
      consumer->unassign();
    }
  }

 private:
  std::unique_ptr<domain::MessageTracker>& tracker_;
};

}  // namespace

TrackerService::TrackerService(TrackerSettings settings) : settings_(std::move(settings)) {}

TrackerService::~TrackerService() { stop(); }

void TrackerService::start() {
  thread_ = std::thread([this] {
    try {
      run();
    } catch (const std::exception& e) {
      spdlog::error("tracker stopped: {}", e.what());
    }
  });
}

void TrackerService::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void TrackerService::run() {
  auto tracker = std::make_unique<domain::MessageTracker>();
  ReplayOnAssign rebalance(tracker);
  auto conf = kafka::make_conf(settings_.kafka, {{"group.id", settings_.group},
                                                 {"enable.auto.commit", "false"},
                                                 {"auto.offset.reset", "earliest"},
                                                 {"partition.assignment.strategy", "range"},
                                        // Bounded read-ahead: the default would buffer up to 64 MB.
                                        {"queued.max.messages.kbytes", "8192"},
                                                 // A crashed instance's partitions move on after 10 s.
                                                 {"session.timeout.ms", "10000"},
                                                 {"heartbeat.interval.ms", "1000"},
                                                 {"topic.metadata.refresh.interval.ms", "2000"},
                                                 {"reconnect.backoff.max.ms", "1000"}});
  std::string error;
  if (conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(&rebalance), error) != RdKafka::Conf::CONF_OK) {
    throw kafka::KafkaError("tracker: " + error);
  }
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!consumer) throw kafka::KafkaError("tracker: cannot create consumer: " + error);
  kafka::Producer producer(settings_.kafka, {{"acks", "all"}, {"enable.idempotence", "true"}, {"linger.ms", "2"}},
                           nullptr);
  kafka::DeadLetters dead_letters(settings_.kafka, settings_.topics.dead_letters);
  consumer->subscribe({settings_.topics.status, settings_.topics.delivery_reports});

  const auto publish = [&](const std::optional<domain::MessageLifecycle>& changed) {
    if (!changed) return;
    producer.produce(settings_.topics.message_status, kafka::Producer::kAnyPartition, changed->id,
                     records::encode_lifecycle(*changed, now_ms()));
    state_changes_.fetch_add(1);
  };
  while (!stop_.load()) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(100));
    producer.poll(0);
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    const std::string_view value(static_cast<const char*>(m->payload()), m->len());
    try {
      if (m->topic_name() == settings_.topics.delivery_reports) {
        publish(tracker->on_report(records::to_part_report(records::decode_delivery_report(value))));
      } else {
        const auto record = records::decode_status_topic_record(value);
        if (const auto* d = std::get_if<records::DispatchedRecord>(&record)) {
          publish(tracker->on_message(d->message));
        } else if (const auto* s = std::get_if<records::SubmitRecord>(&record)) {
          publish(tracker->on_submit(s->submit));
        }
      }
    } catch (const InvalidArgument& e) {
      invalid_.fetch_add(1);
      dead_letters.send(*m, e.what());
    }
    dead_letters.poll();
    in_flight_.store(tracker->in_flight());
  }
  producer.flush(10'000);
  consumer->close();
}

}  // namespace smsim::tracker
