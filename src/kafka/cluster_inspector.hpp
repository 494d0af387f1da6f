#pragma once
// What the monitor's Kafka panel shows (the role Confluent Control Center played): brokers, topics
// with partitions, end offsets and replication (leader, replicas, in-sync replicas), the sender
// group's members, assignment and lag, newest records.
//
// Lifecycle: owns one librdkafka consumer handle (never subscribed; it only asks) for its lifetime.
// Threads: public methods are thread-safe (serialised by a mutex); each call blocks for at most
// its timeout.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kafka/client_config.hpp"

typedef struct rd_kafka_s rd_kafka_t;

namespace smsim::kafka {

struct PartitionOffsets {
  std::int32_t partition = 0;
  std::int64_t end_offset = -1;        // -1 while its leader does not answer (a broker just lost)
  std::int32_t leader = -1;            // broker id; -1 while the partition is offline
  std::vector<std::int32_t> replicas;  // broker ids, preferred leader first
  std::vector<std::int32_t> isr;       // the replicas in sync with the leader
};
struct BrokerView {
  std::int32_t id = -1;
  std::string host;
  int port = 0;
};
struct TopicOffsets {
  std::string name;
  std::vector<PartitionOffsets> partitions;  // empty when the topic does not exist
};
struct GroupMember {
  std::string member_id, client_id, host;
  std::vector<std::int32_t> partitions;
};
struct PartitionLag {
  std::int32_t partition = 0;
  std::optional<std::int64_t> committed;
  std::int64_t end_offset = 0;
  std::int64_t lag = 0;
};
struct GroupState {
  std::string group_id, state;
  std::vector<GroupMember> members;
  std::vector<PartitionLag> lag;  // for `topic`
};
struct RecordView {
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::int64_t timestamp_ms = 0;
  std::string key, value;
};

class ClusterInspector {
 public:
  explicit ClusterInspector(const ClientConfig& config);
  ~ClusterInspector();

  TopicOffsets topic_offsets(const std::string& topic, std::chrono::milliseconds timeout = std::chrono::seconds(3));
  /// The brokers the cluster's metadata lists now (registered and not fenced), by id.
  std::vector<BrokerView> brokers(std::chrono::milliseconds timeout = std::chrono::seconds(3));
  GroupState group_state(const std::string& group_id, const std::string& topic,
                         std::chrono::milliseconds timeout = std::chrono::seconds(3));
  /// Every consumer group but `exclude_group` and those named "smsim-…" whose members are assigned
  /// partitions of `topic`: the original exercise's senders, found by asking Kafka (ListConsumerGroups,
  /// DescribeConsumerGroups). Only members with partitions of the topic are listed. Throws KafkaError
  /// when the cluster does not answer.
  std::vector<GroupState> consumer_groups_of(const std::string& topic, const std::string& exclude_group,
                                             std::chrono::milliseconds timeout = std::chrono::seconds(3));
  /// The newest `limit` records of the topic over all partitions, newest first.
  std::vector<RecordView> newest_records(const std::string& topic, int limit,
                                         std::chrono::milliseconds timeout = std::chrono::seconds(3));

 private:
  struct HandleDeleter {
    void operator()(rd_kafka_t* handle) const;
  };
  ClientConfig config_;
  std::mutex mutex_;
  std::unique_ptr<rd_kafka_t, HandleDeleter> handle_;
};

}  // namespace smsim::kafka
