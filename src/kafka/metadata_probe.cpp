#include "kafka/metadata_probe.hpp"

#include <algorithm>
#include <memory>

#include "kafka/errors.hpp"

namespace smsim::kafka {

std::optional<ClusterInfo> probe_cluster(const ClientConfig& config, std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  QuietEventCb quiet;
  // Short reconnect backoff: librdkafka's default grows to 10 s, which would make a freshly
  // started broker look absent for seconds after it is up.
  auto conf = make_conf(config, {{"reconnect.backoff.ms", "50"},
                                 {"reconnect.backoff.max.ms", "250"},
                                 {"log.connection.close", "false"}});
  std::string error;
  if (conf->set("event_cb", static_cast<RdKafka::EventCb*>(&quiet), error) != RdKafka::Conf::CONF_OK) {
    throw KafkaError("cannot install librdkafka event callback: " + error);
  }
  std::unique_ptr<RdKafka::Producer> client(RdKafka::Producer::create(conf.get(), error));
  if (!client) throw KafkaError("cannot create a Kafka client: " + error);

  const auto deadline = Clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    const int attempt_ms = static_cast<int>(std::clamp<std::int64_t>(left.count(), 1, 1000));
    RdKafka::Metadata* raw = nullptr;
    if (client->metadata(true, nullptr, &raw, attempt_ms) == RdKafka::ERR_NO_ERROR && raw) {
      std::unique_ptr<RdKafka::Metadata> metadata(raw);
      ClusterInfo info;
      for (const auto* broker : *metadata->brokers()) {
        info.brokers.push_back({broker->id(), broker->host(), broker->port()});
      }
      for (const auto* topic : *metadata->topics()) {
        if (topic->topic().rfind("__", 0) == 0) continue;
        TopicInfo t{topic->topic(), static_cast<int>(topic->partitions()->size())};
        for (const auto* p : *topic->partitions()) {
          t.replication_factor = std::max(t.replication_factor, static_cast<int>(p->replicas()->size()));
          t.under_replicated += p->isrs()->size() < p->replicas()->size();
          t.offline += p->leader() < 0;
        }
        info.topics.push_back(std::move(t));
      }
      std::sort(info.topics.begin(), info.topics.end(),
                [](const TopicInfo& a, const TopicInfo& b) { return a.name < b.name; });
      if (!info.brokers.empty()) return info;
    }
    if (Clock::now() >= deadline) return std::nullopt;
  }
}

}  // namespace smsim::kafka
