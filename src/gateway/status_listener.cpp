#include "gateway/status_listener.hpp"

#include <thread>

#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <map>
#include <random>

#include "kafka/dead_letters.hpp"
#include "kafka/errors.hpp"
#include "kafka/watermarks.hpp"

namespace smsim::gateway {
namespace {

std::string random_suffix() {
  std::random_device device;
  return std::to_string(device()) + std::to_string(device());
}

std::unique_ptr<RdKafka::KafkaConsumer> make_replay_consumer(const kafka::ClientConfig& config,
                                                             const std::string& purpose,
                                                             RdKafka::EventCb* events = nullptr) {
  // A fresh group id with no committed offsets: always starts at the beginning, never commits.
  auto conf = kafka::make_conf(config, {{"group.id", "smsim-gateway-" + purpose + "-" + random_suffix()},
                                        {"enable.auto.commit", "false"},
                                        {"auto.offset.reset", "earliest"},
                                        {"enable.partition.eof", "true"},
                                        // Bounded read-ahead (the default buffers up to 64 MB). A
                                        // fetch must fit well inside it: librdkafka 2.0 stops every
                                        // partition for fetch.error.backoff.ms when it overflows.
                                        {"queued.max.messages.kbytes", "16384"},
                                        {"fetch.max.bytes", "4194304"},
                                        {"fetch.error.backoff.ms", "20"},
                                        // Fewer, fuller fetches under load (each fetch costs the
                                        // broker more than the records in it); at most 10 ms late.
                                        {"fetch.min.bytes", "65536"},
                                        {"fetch.wait.max.ms", "10"},
                                        {"topic.metadata.refresh.interval.ms", "2000"},
                                        {"reconnect.backoff.max.ms", "1000"}});
  std::string error;
  if (events) {
    kafka::set_property(*conf, "statistics.interval.ms", std::to_string(kafka::ConnectionWatch::kStatisticsIntervalMs));
    if (conf->set("event_cb", events, error) != RdKafka::Conf::CONF_OK) throw kafka::KafkaError(error);
  }
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!consumer) throw kafka::KafkaError("cannot create a consumer: " + error);
  return consumer;
}

}  // namespace

StatusListener::StatusListener(const kafka::ClientConfig& config, kafka::TopicNames topics,
                               domain::DeliveryStatistics& statistics, Dispatcher& dispatcher,
                               MessageStateView& message_states)
    : config_(config),
      topics_(std::move(topics)),
      statistics_(statistics),
      dispatcher_(dispatcher),
      message_states_(message_states) {}

StatusListener::~StatusListener() { stop(); }

void StatusListener::start() {
  liveness_.started();
  thread_ = std::thread([this] {
    try {
      run();
      liveness_.stopped();
    } catch (const std::exception& e) {
      spdlog::error("status listener stopped: {}", e.what());
      liveness_.died(e.what());
    }
  });
}

void StatusListener::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

bool StatusListener::wait_caught_up(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return caught_up_cv_.wait_for(lock, timeout, [this] { return caught_up_; });
}

void StatusListener::run() {
  auto consumer = make_replay_consumer(config_, "status", &connection_);
  kafka::DeadLetters dead_letters(config_, topics_.dead_letters);
  // The dead-letter topic is read too, to count poison records found by any smsim process.
  consumer->subscribe({topics_.status, topics_.smsim_status, topics_.message_status, topics_.dead_letters});
  // Partitions that have reported end-of-partition since assignment; all of them = caught up.
  // Keyed by topic and partition: partition 0 of one topic says nothing about partition 0 of another.
  std::map<std::pair<std::string, std::int32_t>, bool> at_end;
  auto last_lag_check = std::chrono::steady_clock::now();
  while (!stop_.load()) {
    liveness_.beat();
    std::unique_ptr<RdKafka::Message> message(consumer->consume(100));
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR:
        records_.fetch_add(1);
        last_record_ms_.store(now_ms());
        if (message->topic_name() == topics_.dead_letters) {
          if (message->key()) on_dead_letter_key(*message->key());
        } else if (message->topic_name() == topics_.message_status) {
          try {
            message_states_.on_record(std::string_view(static_cast<const char*>(message->payload()), message->len()));
          } catch (const InvalidArgument& e) {
            count_invalid(topics_.message_status, e.what());
            dead_letters.send(*message, e.what());
          }
        } else {
          // Both this reader and the tracker dead-letter what they cannot read: each skips the
          // other's record kinds unparsed, so neither alone sees every poison record. The
          // dead-letter topic is keyed by coordinates, so one found twice counts once.
          const auto* headers = message->headers();
          const bool mirrored = headers && !headers->get(records::kLegacyMirrorHeader).empty();
          if (const auto invalid = handle(static_cast<const char*>(message->payload()), message->len(), mirrored)) {
            dead_letters.send(*message, *invalid);
          }
        }
        at_end[{message->topic_name(), message->partition()}] = false;
        break;
      case RdKafka::ERR__PARTITION_EOF: {
        at_end[{message->topic_name(), message->partition()}] = true;
        std::vector<RdKafka::TopicPartition*> assigned;
        consumer->assignment(assigned);
        bool all = !assigned.empty();
        for (const auto* tp : assigned) {
          const auto it = at_end.find({tp->topic(), tp->partition()});
          all = all && it != at_end.end() && it->second;
        }
        RdKafka::TopicPartition::destroy(assigned);
        if (all) {
          std::lock_guard lock(mutex_);
          if (!caught_up_) spdlog::info("status replay caught up: {} records", records_.load());
          caught_up_ = true;
          caught_up_cv_.notify_all();
        }
        break;
      }
      case RdKafka::ERR__TIMED_OUT:
        break;
      default:
        spdlog::debug("status listener: {}", message->errstr());
    }
    dead_letters.poll();
    if (std::chrono::steady_clock::now() - last_lag_check > std::chrono::seconds(1)) {
      last_lag_check = std::chrono::steady_clock::now();
      std::vector<RdKafka::TopicPartition*> assigned;
      consumer->assignment(assigned);
      consumer->position(assigned);
      std::int64_t lag = 0;
      for (const auto* tp : assigned) {
        std::int64_t low = 0, high = 0;
        if (consumer->get_watermark_offsets(tp->topic(), tp->partition(), &low, &high) == RdKafka::ERR_NO_ERROR &&
            tp->offset() >= 0) {
          lag += std::max<std::int64_t>(0, high - tp->offset());
        }
      }
      RdKafka::TopicPartition::destroy(assigned);
      lag_.store(lag);
      log_anomalies_once();
    }
  }
  consumer->close();
}

void StatusListener::on_dead_letter_key(const std::string& key) {
  bool fresh = false;
  {
    std::lock_guard lock(mutex_);
    fresh = dead_letter_keys_.insert(key).second;
    dead_letters_.store(dead_letter_keys_.size());
  }
  // "<messages topic>/<partition>/<offset>": a record there that nobody will send or count.
  const std::string prefix = topics_.messages + "/";
  if (!fresh || key.rfind(prefix, 0) != 0) return;
  const auto rest = std::string_view(key).substr(prefix.size());
  const auto slash = rest.find('/');
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  if (slash == std::string_view::npos ||
      std::from_chars(rest.data(), rest.data() + slash, partition).ec != std::errc{} ||
      std::from_chars(rest.data() + slash + 1, rest.data() + rest.size(), offset).ec != std::errc{}) {
    return;
  }
  dispatcher_.on_dead_lettered_message(partition, offset);
}

void StatusListener::log_anomalies_once() {
  if (anomaly_logged_) return;
  const auto [count, why] = statistics_.anomalies(now_ms());
  if (count == 0) return;
  anomaly_logged_ = true;
  spdlog::warn("{} finished message(s) not counted: {} (further ones are counted in /monitor 'anomalies')", count,
               why);
}

std::optional<std::string> StatusListener::handle(const char* data, std::size_t size, bool mirrored) {
  // The tracker's inputs (whole messages, submit responses) share this topic: skip them unparsed.
  const auto hint = records::record_type_hint(std::string_view(data, size));
  if (hint == "message" || hint == "submit") return std::nullopt;
  try {
    const auto record = records::decode_status_topic_record(std::string_view(data, size));
    if (const auto* status = std::get_if<records::StatusRecord>(&record)) {
      // The counting moment feeds the accepted → counted latency, but only live: during the replay
      // at start, the reading time says nothing about when the message was done.
      // (caught_up_ is written only by this thread, so reading it here needs no lock.)
      const std::int64_t counted_at = caught_up_ ? now_ms() : 0;
      if (statistics_.record(status->report, counted_at) && status->partition >= 0) {
        dispatcher_.on_finished(status->partition);
      }
      spdlog::debug("status: {} {} by {}", status->report.message_id, records::to_string(status->report.outcome),
                    status->report.sender_id);
    } else if (const auto* heartbeat = std::get_if<records::Heartbeat>(&record)) {
      statistics_.record_heartbeat(heartbeat->settings, heartbeat->at_ms);
      dispatcher_.on_heartbeat(*heartbeat);
    } else if (const auto* legacy = std::get_if<domain::LegacyCounters>(&record)) {
      // A --legacy-status sender's counts repeat its statuses, which are counted by id.
      if (mirrored) return std::nullopt;
      const auto added = statistics_.record_legacy(*legacy, now_ms());
      dispatcher_.on_legacy_finished(added.count());
      spdlog::debug("legacy status: {} success {} failed {} total time {:.3f}s", legacy->sender_id,
                    legacy->success_count, legacy->failed_count, legacy->total_processing_time_s);
    }
  } catch (const InvalidArgument& e) {  // DecodeError, or values the statistics refuse
    count_invalid(topics_.status, e.what());
    return std::string(e.what());
  }
  return std::nullopt;
}

void StatusListener::count_invalid(const std::string& topic, const std::string& why) {
  if (invalid_.fetch_add(1) == 0) spdlog::warn("invalid record on {}: {} (further ones are counted in /metrics)", topic, why);
}

std::vector<StoredCampaign> load_campaigns(const kafka::ClientConfig& config, const std::string& topic) {
  auto consumer = make_replay_consumer(config, "campaigns");
  // Bounded even while a broker is lost (kafka/watermarks.hpp).
  // On a cluster, a topic created a moment ago (or one whose leader is moving) can be missing from
  // the metadata of the broker asked: ask again for a while before giving up.
  auto marks = kafka::query_watermarks(consumer->c_ptr(), topic, std::chrono::seconds(10));
  for (const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       !marks.count(0) && std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    marks = kafka::query_watermarks(consumer->c_ptr(), topic, std::chrono::seconds(10));
  }
  if (!marks.count(0)) throw kafka::KafkaError("cannot read the end offset of " + topic + " within 30 s");
  const auto [low, high] = marks.at(0);
  std::map<std::string, StoredCampaign> campaigns;
  std::map<std::string, std::uint64_t> progress;
  if (high > low) {
    std::unique_ptr<RdKafka::TopicPartition> tp(RdKafka::TopicPartition::create(topic, 0, low));
    std::vector<RdKafka::TopicPartition*> assignment{tp.get()};
    consumer->assign(assignment);
    std::int64_t next = low;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (next < high && std::chrono::steady_clock::now() < deadline) {
      std::unique_ptr<RdKafka::Message> m(consumer->consume(500));
      if (m->err() != RdKafka::ERR_NO_ERROR) continue;
      next = m->offset() + 1;
      try {
        const auto record = records::decode_campaign_record(std::string_view(static_cast<const char*>(m->payload()), m->len()));
        if (const auto* spec = std::get_if<records::CampaignSpec>(&record)) {
          campaigns[spec->campaign_id].spec = *spec;
        } else if (const auto* p = std::get_if<records::CampaignProgress>(&record)) {
          progress[p->campaign_id] = std::max(progress[p->campaign_id], p->published);
        }
      } catch (const records::DecodeError& e) {
        spdlog::warn("skipping invalid record at {}:{}: {}", topic, m->offset(), e.what());
      }
    }
    if (next < high) throw kafka::KafkaError("timed out reading " + topic);
  }
  consumer->close();
  std::vector<StoredCampaign> out;
  for (auto& [id, c] : campaigns) {
    if (c.spec.campaign_id.empty()) continue;  // progress without its spec: ignore
    c.published = std::min(progress[id], c.spec.count);
    out.push_back(c);
  }
  return out;
}

}  // namespace smsim::gateway
