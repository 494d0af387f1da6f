#pragma once
// "Is there a Kafka cluster at this address, and what does it hold?" — the question behind
// `smsim kafka start` (wait until ready) and `smsim kafka status`.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kafka/client_config.hpp"

namespace smsim::kafka {

struct BrokerInfo {
  std::int32_t id = -1;
  std::string host;
  int port = 0;
};

struct TopicInfo {
  std::string name;
  int partitions = 0;
  int replication_factor = 0;  // replicas of its first partition
  int under_replicated = 0;    // partitions whose in-sync replicas are fewer than their replicas
  int offline = 0;             // partitions without a leader
};

struct ClusterInfo {
  std::vector<BrokerInfo> brokers;
  std::vector<TopicInfo> topics;  // internal topics (names starting with "__") are left out
};

/// Asks for cluster metadata until a broker answers or `timeout` passes. Returns nullopt when no
/// broker answered in time; throws ConfigError for bad pass-through properties.
std::optional<ClusterInfo> probe_cluster(const ClientConfig& config, std::chrono::milliseconds timeout);

}  // namespace smsim::kafka
