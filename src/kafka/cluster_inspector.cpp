#include "kafka/cluster_inspector.hpp"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <map>
#include <random>

#include "kafka/errors.hpp"
#include "kafka/watermarks.hpp"

namespace smsim::kafka {
namespace {

template <typename T, void (*Destroy)(T*)>
struct CDeleter {
  void operator()(T* p) const {
    if (p) Destroy(p);
  }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t,
                                      CDeleter<rd_kafka_topic_partition_list_t, rd_kafka_topic_partition_list_destroy>>;
using Queue = std::unique_ptr<rd_kafka_queue_t, CDeleter<rd_kafka_queue_t, rd_kafka_queue_destroy>>;
using Event = std::unique_ptr<rd_kafka_event_t, CDeleter<rd_kafka_event_t, rd_kafka_event_destroy>>;
using Metadata =
    std::unique_ptr<const rd_kafka_metadata_t, CDeleter<const rd_kafka_metadata_t, rd_kafka_metadata_destroy>>;

void quiet_log(const rd_kafka_t*, int, const char*, const char*) {}

Metadata cluster_metadata(rd_kafka_t* handle, std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* raw = nullptr;
  if (rd_kafka_metadata(handle, 1, nullptr, &raw, static_cast<int>(timeout.count())) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError("cannot read cluster metadata");
  }
  return Metadata(raw);
}

const rd_kafka_metadata_topic_t* find_topic(const rd_kafka_metadata_t& metadata, const std::string& topic) {
  for (int i = 0; i < metadata.topic_cnt; ++i) {
    if (topic == metadata.topics[i].topic && metadata.topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      return &metadata.topics[i];
    }
  }
  return nullptr;
}

}  // namespace

void ClusterInspector::HandleDeleter::operator()(rd_kafka_t* handle) const {
  if (handle) rd_kafka_destroy(handle);
}

ClusterInspector::ClusterInspector(const ClientConfig& config) : config_(config) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  const auto set = [&](const std::string& name, const std::string& value) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw ConfigError(fmt::format("librdkafka rejected property {}={}: {}", name, value, error));
    }
  };
  set("bootstrap.servers", config.bootstrap_servers);
  // Only asks questions (committed offsets need a consumer handle with some group id).
  set("group.id", "smsim-inspector");
  set("enable.auto.commit", "false");
  for (const auto& [name, value] : config.properties) set(name, value);
  rd_kafka_conf_set_log_cb(conf, quiet_log);
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
  if (!handle) {
    rd_kafka_conf_destroy(conf);
    throw KafkaError(fmt::format("cannot create the cluster inspector: {}", error));
  }
  handle_.reset(handle);
}

ClusterInspector::~ClusterInspector() = default;

TopicOffsets ClusterInspector::topic_offsets(const std::string& topic, std::chrono::milliseconds timeout) {
  std::lock_guard lock(mutex_);
  TopicOffsets out{topic, {}};
  const auto metadata = cluster_metadata(handle_.get(), timeout);
  const auto* t = find_topic(*metadata, topic);
  const auto marks = query_watermarks(handle_.get(), topic, timeout);
  for (int i = 0; t && i < t->partition_cnt; ++i) {
    const auto& p = t->partitions[i];
    PartitionOffsets po{p.id, -1, p.leader, {p.replicas, p.replicas + p.replica_cnt}, {p.isrs, p.isrs + p.isr_cnt}};
    if (const auto it = marks.find(p.id); it != marks.end()) po.end_offset = it->second.high;
    out.partitions.push_back(std::move(po));
  }
  std::sort(out.partitions.begin(), out.partitions.end(),
            [](const PartitionOffsets& a, const PartitionOffsets& b) { return a.partition < b.partition; });
  return out;
}

std::vector<BrokerView> ClusterInspector::brokers(std::chrono::milliseconds timeout) {
  std::lock_guard lock(mutex_);
  const auto metadata = cluster_metadata(handle_.get(), timeout);
  std::vector<BrokerView> out;
  for (int i = 0; i < metadata->broker_cnt; ++i) {
    out.push_back({metadata->brokers[i].id, metadata->brokers[i].host, metadata->brokers[i].port});
  }
  std::sort(out.begin(), out.end(), [](const BrokerView& a, const BrokerView& b) { return a.id < b.id; });
  return out;
}

GroupState ClusterInspector::group_state(const std::string& group_id, const std::string& topic,
                                         std::chrono::milliseconds timeout) {
  std::lock_guard lock(mutex_);
  GroupState out{group_id, "Unknown", {}, {}};
  Queue queue(rd_kafka_queue_new(handle_.get()));
  const char* groups[] = {group_id.c_str()};
  rd_kafka_DescribeConsumerGroups(handle_.get(), groups, 1, nullptr, queue.get());
  Event event(rd_kafka_queue_poll(queue.get(), static_cast<int>(timeout.count())));
  if (event && !rd_kafka_event_error(event.get())) {
    size_t count = 0;
    const auto** descriptions = rd_kafka_DescribeConsumerGroups_result_groups(
        rd_kafka_event_DescribeConsumerGroups_result(event.get()), &count);
    for (size_t i = 0; i < count; ++i) {
      const auto* d = descriptions[i];
      if (rd_kafka_ConsumerGroupDescription_error(d)) continue;
      out.state = rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(d));
      for (size_t m = 0; m < rd_kafka_ConsumerGroupDescription_member_count(d); ++m) {
        const auto* member = rd_kafka_ConsumerGroupDescription_member(d, m);
        GroupMember gm{rd_kafka_MemberDescription_consumer_id(member), rd_kafka_MemberDescription_client_id(member),
                       rd_kafka_MemberDescription_host(member), {}};
        const auto* list = rd_kafka_MemberAssignment_partitions(rd_kafka_MemberDescription_assignment(member));
        for (int k = 0; list && k < list->cnt; ++k) {
          if (topic == list->elems[k].topic) gm.partitions.push_back(list->elems[k].partition);
        }
        std::sort(gm.partitions.begin(), gm.partitions.end());
        out.members.push_back(std::move(gm));
      }
    }
  }
  std::sort(out.members.begin(), out.members.end(),
            [](const GroupMember& a, const GroupMember& b) { return a.client_id < b.client_id; });

  // Lag: the group's committed offsets (asked with the group's id) against the end offsets.
  const auto metadata = cluster_metadata(handle_.get(), timeout);
  const auto* described = find_topic(*metadata, topic);
  const int partitions = described ? described->partition_cnt : 0;
  if (partitions == 0) return out;
  const auto marks = query_watermarks(handle_.get(), topic, timeout);
  PartitionList list(rd_kafka_topic_partition_list_new(partitions));
  for (int p = 0; p < partitions; ++p) rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  auto conf = make_conf(config_, {{"group.id", group_id}, {"enable.auto.commit", "false"}});
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> reader(RdKafka::KafkaConsumer::create(conf.get(), error));
  std::vector<RdKafka::TopicPartition*> tps;
  for (int p = 0; p < partitions; ++p) tps.push_back(RdKafka::TopicPartition::create(topic, p));
  const bool have_committed = reader && reader->committed(tps, static_cast<int>(timeout.count())) == RdKafka::ERR_NO_ERROR;
  for (auto* tp : tps) {
    const auto it = marks.find(tp->partition());
    if (it == marks.end()) continue;  // its leader is lost right now
    const auto [low, high] = it->second;
    PartitionLag lag{tp->partition(), std::nullopt, high, high - low};
    if (have_committed && tp->offset() >= 0) {
      lag.committed = tp->offset();
      lag.lag = std::max<std::int64_t>(0, high - tp->offset());
    }
    out.lag.push_back(lag);
  }
  RdKafka::TopicPartition::destroy(tps);
  if (reader) reader->close();
  return out;
}

std::vector<GroupState> ClusterInspector::consumer_groups_of(const std::string& topic, const std::string& exclude_group,
                                                            std::chrono::milliseconds timeout) {
  std::lock_guard lock(mutex_);
  const int timeout_ms = static_cast<int>(timeout.count());
  // 1. Every group the cluster knows.
  std::vector<std::string> names;
  {
    Queue queue(rd_kafka_queue_new(handle_.get()));
    rd_kafka_ListConsumerGroups(handle_.get(), nullptr, queue.get());
    Event event(rd_kafka_queue_poll(queue.get(), timeout_ms));
    if (!event || rd_kafka_event_error(event.get())) {
      throw KafkaError(fmt::format("cannot list consumer groups: {}",
                                   event ? rd_kafka_event_error_string(event.get()) : "timed out"));
    }
    const auto* result = rd_kafka_event_ListConsumerGroups_result(event.get());
    size_t count = 0;
    const auto** listings = rd_kafka_ListConsumerGroups_result_valid(result, &count);
    for (size_t i = 0; i < count; ++i) {
      const std::string name = rd_kafka_ConsumerGroupListing_group_id(listings[i]);
      if (name == exclude_group || name.rfind("smsim-", 0) == 0) continue;  // ours
      if (rd_kafka_ConsumerGroupListing_is_simple_consumer_group(listings[i])) continue;
      names.push_back(name);
    }
  }
  std::vector<GroupState> out;
  if (names.empty()) return out;
  // 2. Their members and assignments, in one request.
  std::vector<const char*> ids;
  for (const auto& n : names) ids.push_back(n.c_str());
  Queue queue(rd_kafka_queue_new(handle_.get()));
  rd_kafka_DescribeConsumerGroups(handle_.get(), ids.data(), ids.size(), nullptr, queue.get());
  Event event(rd_kafka_queue_poll(queue.get(), timeout_ms));
  if (!event || rd_kafka_event_error(event.get())) {
    throw KafkaError(fmt::format("cannot describe consumer groups: {}",
                                 event ? rd_kafka_event_error_string(event.get()) : "timed out"));
  }
  size_t count = 0;
  const auto** descriptions =
      rd_kafka_DescribeConsumerGroups_result_groups(rd_kafka_event_DescribeConsumerGroups_result(event.get()), &count);
  for (size_t i = 0; i < count; ++i) {
    const auto* d = descriptions[i];
    if (rd_kafka_ConsumerGroupDescription_error(d)) continue;
    GroupState group{rd_kafka_ConsumerGroupDescription_group_id(d),
                     rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(d)), {}, {}};
    for (size_t m = 0; m < rd_kafka_ConsumerGroupDescription_member_count(d); ++m) {
      const auto* member = rd_kafka_ConsumerGroupDescription_member(d, m);
      GroupMember gm{rd_kafka_MemberDescription_consumer_id(member), rd_kafka_MemberDescription_client_id(member),
                     rd_kafka_MemberDescription_host(member), {}};
      const auto* list = rd_kafka_MemberAssignment_partitions(rd_kafka_MemberDescription_assignment(member));
      for (int k = 0; list && k < list->cnt; ++k) {
        if (topic == list->elems[k].topic) gm.partitions.push_back(list->elems[k].partition);
      }
      if (gm.partitions.empty()) continue;
      std::sort(gm.partitions.begin(), gm.partitions.end());
      group.members.push_back(std::move(gm));
    }
    if (group.members.empty()) continue;
    std::sort(group.members.begin(), group.members.end(),
              [](const GroupMember& a, const GroupMember& b) { return a.member_id < b.member_id; });
    out.push_back(std::move(group));
  }
  return out;
}

std::vector<RecordView> ClusterInspector::newest_records(const std::string& topic, int limit,
                                                         std::chrono::milliseconds timeout) {
  std::vector<RecordView> out;
  std::vector<RdKafka::TopicPartition*> assignment;
  std::map<std::int32_t, std::int64_t> ends;
  {
    std::lock_guard lock(mutex_);
    const auto metadata = cluster_metadata(handle_.get(), timeout);
    for (const auto& [p, mark] : query_watermarks(handle_.get(), topic, timeout)) {
      const auto [low, high] = mark;
      if (high <= low) continue;
      ends[p] = high;
      assignment.push_back(RdKafka::TopicPartition::create(topic, p, std::max(low, high - limit)));
    }
  }
  if (assignment.empty()) return out;
  // A short-lived reader with a throw-away group: it never commits and disturbs nobody.
  std::random_device device;
  auto conf = make_conf(config_, {{"group.id", fmt::format("smsim-peek-{}", device())},
                                  {"enable.auto.commit", "false"},
                                  {"enable.auto.offset.store", "false"}});
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> reader(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!reader) throw KafkaError("cannot create a reader: " + error);
  reader->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ends.empty() && std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(reader->consume(100));
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    RecordView r{m->partition(), m->offset(), m->timestamp().timestamp, m->key() ? *m->key() : "",
                 std::string(static_cast<const char*>(m->payload()), m->len())};
    if (r.value.size() > 2000) r.value = r.value.substr(0, 2000) + "…";
    out.push_back(std::move(r));
    if (m->offset() + 1 >= ends[m->partition()]) ends.erase(m->partition());
  }
  reader->close();
  std::sort(out.begin(), out.end(), [](const RecordView& a, const RecordView& b) {
    return a.timestamp_ms != b.timestamp_ms ? a.timestamp_ms > b.timestamp_ms : a.offset > b.offset;
  });
  if (static_cast<int>(out.size()) > limit) out.resize(static_cast<std::size_t>(limit));
  return out;
}

}  // namespace smsim::kafka
