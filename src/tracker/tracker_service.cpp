#include "tracker/tracker_service.hpp"

#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include <functional>
#include <memory>

#include "domain/message_tracker.hpp"
#include "domain/write_behind.hpp"
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

// How long a changed state may wait before it is published. Within it, later changes of the same
// message replace earlier ones (PENDING then SENT 3 ms later is one record, whose history still
// holds both), like Kafka Streams' record cache in front of a compacted changelog.
constexpr auto kPublishIntervalMs = 50;
// ...unless this many messages are waiting: bounds the memory of the write-behind buffer.
constexpr std::size_t kMaxUnpublished = 20'000;

// Every assignment starts from the beginning: the state of those partitions is rebuilt by replay.
class ReplayOnAssign : public RdKafka::RebalanceCb {
 public:
  ReplayOnAssign(std::unique_ptr<domain::MessageTracker>& tracker, std::function<void()> before_change)
      : tracker_(tracker), before_change_(std::move(before_change)) {}
  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    before_change_();  // publish what is buffered: those states are right, whoever owns them next
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
  std::function<void()> before_change_;
};

}  // namespace

TrackerService::TrackerService(TrackerSettings settings) : settings_(std::move(settings)) {}

TrackerService::~TrackerService() { stop(); }

void TrackerService::start() {
  liveness_.started();
  thread_ = std::thread([this] {
    try {
      run();
      liveness_.stopped();
    } catch (const std::exception& e) {
      spdlog::error("tracker stopped: {}", e.what());
      liveness_.died(e.what());
    }
  });
}

void TrackerService::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void TrackerService::run() {
  auto tracker = std::make_unique<domain::MessageTracker>();
  kafka::Producer producer(settings_.kafka, {{"acks", "all"}, {"enable.idempotence", "true"}, {"linger.ms", "5"}},
                           nullptr);
  domain::WriteBehind<domain::MessageLifecycle> unpublished;
  const auto publish_all = [&] {
    const auto now = now_ms();
    unpublished.drain([&](const std::string& id, const domain::MessageLifecycle& lifecycle) {
      producer.produce(settings_.topics.message_status, kafka::Producer::kAnyPartition, id,
                       records::encode_lifecycle(lifecycle, now));
      published_.fetch_add(1);
    });
  };
  ReplayOnAssign rebalance(tracker, publish_all);
  auto conf = kafka::make_conf(settings_.kafka, {{"group.id", settings_.group},
                                                 {"enable.auto.commit", "false"},
                                                 {"auto.offset.reset", "earliest"},
                                                 {"partition.assignment.strategy", "range"},
                                                 // Bounded read-ahead; a fetch fits well inside it (see
                                                 // gateway/status_listener.cpp).
                                                 {"queued.max.messages.kbytes", "16384"},
                                                 {"fetch.max.bytes", "4194304"},
                                                 {"fetch.error.backoff.ms", "20"},
                                                 // Fewer, fuller fetches under load; at most 10 ms late.
                                                 {"fetch.min.bytes", "65536"},
                                                 {"fetch.wait.max.ms", "10"},
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
  kafka::DeadLetters dead_letters(settings_.kafka, settings_.topics.dead_letters);
  // smsim_status: the statuses of --legacy-status senders (co-partitioned with the status topic).
  consumer->subscribe({settings_.topics.status, settings_.topics.smsim_status, settings_.topics.delivery_reports});

  const auto publish = [&](std::optional<domain::MessageLifecycle>&& changed) {
    if (!changed) return;
    state_changes_.fetch_add(1);
    const std::string id = changed->id;  // not changed->id itself: the value is moved from in the call
    unpublished.put(id, std::move(*changed));
  };
  auto last_publish = std::chrono::steady_clock::now();
  while (!stop_.load()) {
    liveness_.beat();
    if (unpublished.size() >= kMaxUnpublished ||
        std::chrono::steady_clock::now() - last_publish >= std::chrono::milliseconds(kPublishIntervalMs)) {
      publish_all();
      last_publish = std::chrono::steady_clock::now();
    }
    std::unique_ptr<RdKafka::Message> m(consumer->consume(kPublishIntervalMs));
    producer.poll(0);
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    const std::string_view value(static_cast<const char*>(m->payload()), m->len());
    try {
      if (m->topic_name() == settings_.topics.delivery_reports) {
        publish(tracker->on_report(records::to_part_report(records::decode_delivery_report(value))));
      } else {
        // Heartbeats share the topic; they are the gateway's, skip them unparsed.
        if (records::record_type_hint(value) == "heartbeat") continue;
        const auto record = records::decode_status_topic_record(value);
        if (const auto* d = std::get_if<records::DispatchedRecord>(&record)) {
          publish(tracker->on_message(d->message));
        } else if (const auto* s = std::get_if<records::SubmitRecord>(&record)) {
          publish(tracker->on_submit(s->submit));
        } else if (const auto* status = std::get_if<records::StatusRecord>(&record); status && status->final_submit) {
          publish(tracker->on_submit(*status->final_submit));  // the response that finished the message
        }
      }
    } catch (const InvalidArgument& e) {
      invalid_.fetch_add(1);
      dead_letters.send(*m, e.what());
    }
    dead_letters.poll();
    in_flight_.store(tracker->in_flight());
  }
  publish_all();
  producer.flush(10'000);
  consumer->close();
}

}  // namespace smsim::tracker
