#pragma once
// Creates topics and grows their partition counts through librdkafka's Admin API, so that nobody
// creates smsim's topics by hand.
//
// Lifecycle: owns one librdkafka handle for its lifetime. Threads: calls block (up to `timeout`)
// and may come from any one thread at a time.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "kafka/client_config.hpp"

typedef struct rd_kafka_s rd_kafka_t;

namespace smsim::kafka {

struct TopicSpec {
  std::string name;
  int partitions = 1;
  int replication_factor = 1;
  std::map<std::string, std::string> configs;  // e.g. {"cleanup.policy", "compact"}
};

class TopicAdmin {
 public:
  explicit TopicAdmin(const ClientConfig& config);
  ~TopicAdmin();
  TopicAdmin(const TopicAdmin&) = delete;
  TopicAdmin& operator=(const TopicAdmin&) = delete;

  /// Creates the topic if it does not exist; returns true if this call created it. An existing
  /// topic is left as it is (see ensure_partitions to grow it).
  bool ensure_topic(const TopicSpec& spec, std::chrono::milliseconds timeout = std::chrono::seconds(30));

  /// Grows the topic to at least `min_partitions` (Kafka cannot shrink). Returns the count after.
  int ensure_partitions(const std::string& topic, int min_partitions,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30));

  /// The topic's partition count, or nullopt if the topic does not exist.
  std::optional<int> partition_count(const std::string& topic,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// Replicas of the topic's first partition, or nullopt if the topic does not exist.
  std::optional<int> replication_factor(const std::string& topic,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// Brokers the cluster's metadata lists now.
  int broker_count(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// The replication asked for in the config this admin was made from.
  const TopicReplication& replication() const { return replication_; }

 private:
  /// The topic shows at least `min_partitions` partitions, each with a leader.
  bool every_partition_led(const std::string& topic, int min_partitions);
  /// Every partition's leader answers an offsets request for it. On a cluster the metadata names a
  /// new partition's leader a moment before that broker has taken the role (it answers "not
  /// leader" until then), and a consumer asking for end offsets in that moment would fail.
  bool every_leader_answers(const std::string& topic);

  struct HandleDeleter {
    void operator()(rd_kafka_t* handle) const;
  };
  std::unique_ptr<rd_kafka_t, HandleDeleter> handle_;
  TopicReplication replication_;
};

}  // namespace smsim::kafka
