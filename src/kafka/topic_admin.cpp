#include "kafka/topic_admin.hpp"

#include <librdkafka/rdkafka.h>
#include <fmt/format.h>

#include <thread>

#include "kafka/errors.hpp"

namespace smsim::kafka {
namespace {

// RAII holders for the C handles the Admin API hands out.
template <typename T, void (*Destroy)(T*)>
struct CDeleter {
  void operator()(T* p) const {
    if (p) Destroy(p);
  }
};
using Queue = std::unique_ptr<rd_kafka_queue_t, CDeleter<rd_kafka_queue_t, rd_kafka_queue_destroy>>;
using Event = std::unique_ptr<rd_kafka_event_t, CDeleter<rd_kafka_event_t, rd_kafka_event_destroy>>;
using Options = std::unique_ptr<rd_kafka_AdminOptions_t, CDeleter<rd_kafka_AdminOptions_t, rd_kafka_AdminOptions_destroy>>;
using NewTopic = std::unique_ptr<rd_kafka_NewTopic_t, CDeleter<rd_kafka_NewTopic_t, rd_kafka_NewTopic_destroy>>;
using NewPartitions =
    std::unique_ptr<rd_kafka_NewPartitions_t, CDeleter<rd_kafka_NewPartitions_t, rd_kafka_NewPartitions_destroy>>;
using Conf = std::unique_ptr<rd_kafka_conf_t, CDeleter<rd_kafka_conf_t, rd_kafka_conf_destroy>>;
using Metadata = std::unique_ptr<const rd_kafka_metadata_t, CDeleter<const rd_kafka_metadata_t, rd_kafka_metadata_destroy>>;

void set(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
    throw ConfigError(fmt::format("librdkafka rejected property {}={}: {}", name, value, error));
  }
}

void quiet_log(const rd_kafka_t*, int, const char*, const char*) {}

Options make_options(rd_kafka_t* handle, rd_kafka_admin_op_t op, std::chrono::milliseconds timeout) {
  Options options(rd_kafka_AdminOptions_new(handle, op));
  char error[512];
  rd_kafka_AdminOptions_set_request_timeout(options.get(), static_cast<int>(timeout.count()), error, sizeof error);
  rd_kafka_AdminOptions_set_operation_timeout(options.get(), static_cast<int>(timeout.count()), error, sizeof error);
  return options;
}

Event wait_for(rd_kafka_queue_t* queue, std::chrono::milliseconds timeout, const char* what) {
  Event event(rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()) + 5000));
  if (!event) throw KafkaError(fmt::format("{}: no answer from Kafka within {} ms", what, timeout.count()));
  if (rd_kafka_event_error(event.get())) {
    throw KafkaError(fmt::format("{}: {}", what, rd_kafka_event_error_string(event.get())));
  }
  return event;
}

// The per-topic result of CreateTopics/CreatePartitions: returns the error code, throws on others.
rd_kafka_resp_err_t single_topic_result(const rd_kafka_topic_result_t* const* results, size_t count,
                                        const std::string& topic, const char* what,
                                        rd_kafka_resp_err_t tolerated) {
  for (size_t i = 0; i < count; ++i) {
    const auto err = rd_kafka_topic_result_error(results[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == tolerated) return err;
    const char* msg = rd_kafka_topic_result_error_string(results[i]);
    throw KafkaError(fmt::format("{} '{}': {}", what, topic, msg ? msg : rd_kafka_err2str(err)));
  }
  throw KafkaError(fmt::format("{} '{}': the broker returned no result", what, topic));
}

}  // namespace

void TopicAdmin::HandleDeleter::operator()(rd_kafka_t* handle) const {
  if (handle) rd_kafka_destroy(handle);
}

TopicAdmin::TopicAdmin(const ClientConfig& config) : replication_(config.replication) {
  Conf conf(rd_kafka_conf_new());
  set(conf.get(), "bootstrap.servers", config.bootstrap_servers);
  set(conf.get(), "reconnect.backoff.max.ms", "1000");
  for (const auto& [name, value] : config.properties) set(conf.get(), name, value);
  rd_kafka_conf_set_log_cb(conf.get(), quiet_log);
  char error[512];
  // rd_kafka_new takes ownership of conf only on success.
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error, sizeof error);
  if (!handle) throw KafkaError(fmt::format("cannot create a Kafka admin client: {}", error));
  conf.release();
  handle_.reset(handle);
}

TopicAdmin::~TopicAdmin() = default;

bool TopicAdmin::ensure_topic(const TopicSpec& spec, std::chrono::milliseconds timeout) {
  char error[512];
  NewTopic topic(rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions, spec.replication_factor, error, sizeof error));
  if (!topic) throw ConfigError(fmt::format("invalid topic '{}': {}", spec.name, error));
  for (const auto& [name, value] : spec.configs) {
    if (rd_kafka_NewTopic_set_config(topic.get(), name.c_str(), value.c_str())) {
      throw ConfigError(fmt::format("invalid config {}={} for topic '{}'", name, value, spec.name));
    }
  }
  Queue queue(rd_kafka_queue_new(handle_.get()));
  auto options = make_options(handle_.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout);
  rd_kafka_NewTopic_t* topics[] = {topic.get()};
  rd_kafka_CreateTopics(handle_.get(), topics, 1, options.get(), queue.get());
  const auto event = wait_for(queue.get(), timeout, "creating topic");
  size_t count = 0;
  const auto* results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event.get()), &count);
  const auto err = single_topic_result(results, count, spec.name, "creating topic", RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    // Creation is acknowledged by the controller before every broker's metadata shows the topic
    // with a leader for each partition; wait for that so that the caller can produce (and ask
    // for offsets) at once. On a cluster this takes a moment longer than on one node.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!(every_partition_led(spec.name, spec.partitions) && every_leader_answers(spec.name)) &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return true;
  }
  return false;
}

int TopicAdmin::ensure_partitions(const std::string& topic, int min_partitions, std::chrono::milliseconds timeout) {
  // On a cluster, a broker's metadata cache can lag the controller for a moment after creation:
  // a topic that one broker just showed may be unknown to the next one asked. Ask again until
  // the deadline before concluding that it does not exist.
  const auto visible_by = std::chrono::steady_clock::now() + timeout;
  auto current = partition_count(topic, timeout);
  while (!current && std::chrono::steady_clock::now() < visible_by) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    current = partition_count(topic, timeout);
  }
  if (!current) throw KafkaError(fmt::format("cannot grow topic '{}': it does not exist", topic));
  if (*current >= min_partitions) return *current;
  char error[512];
  NewPartitions request(rd_kafka_NewPartitions_new(topic.c_str(), static_cast<size_t>(min_partitions), error, sizeof error));
  if (!request) throw KafkaError(fmt::format("cannot grow topic '{}': {}", topic, error));
  Queue queue(rd_kafka_queue_new(handle_.get()));
  auto options = make_options(handle_.get(), RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, timeout);
  rd_kafka_NewPartitions_t* requests[] = {request.get()};
  rd_kafka_CreatePartitions(handle_.get(), requests, 1, options.get(), queue.get());
  const auto event = wait_for(queue.get(), timeout, "growing topic");
  size_t count = 0;
  const auto* results =
      rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(event.get()), &count);
  // INVALID_PARTITIONS: someone else grew it at the same time, to at least as many; re-read below.
  single_topic_result(results, count, topic, "growing topic", RD_KAFKA_RESP_ERR_INVALID_PARTITIONS);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto now = partition_count(topic, timeout);
    if (now && *now >= min_partitions && every_partition_led(topic, min_partitions) && every_leader_answers(topic)) {
      return *now;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw KafkaError(fmt::format("topic '{}' did not show {} partitions within {} ms", topic, min_partitions,
                               timeout.count()));
}

namespace {
Metadata all_metadata(rd_kafka_t* handle, const std::string& what, std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* raw = nullptr;
  // all_topics=1 avoids librdkafka's per-topic request, which would try to auto-create the topic.
  const auto err = rd_kafka_metadata(handle, 1, nullptr, &raw, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError(fmt::format("reading metadata for {}: {}", what, rd_kafka_err2str(err)));
  }
  return Metadata(raw);
}

const rd_kafka_metadata_topic_t* find_topic(const rd_kafka_metadata_t& metadata, const std::string& topic) {
  for (int i = 0; i < metadata.topic_cnt; ++i) {
    const auto& t = metadata.topics[i];
    if (topic == t.topic && t.err == RD_KAFKA_RESP_ERR_NO_ERROR) return &t;
  }
  return nullptr;
}
}  // namespace

std::optional<int> TopicAdmin::partition_count(const std::string& topic, std::chrono::milliseconds timeout) {
  const auto metadata = all_metadata(handle_.get(), "topic '" + topic + "'", timeout);
  const auto* t = find_topic(*metadata, topic);
  return t ? std::optional<int>(t->partition_cnt) : std::nullopt;
}

std::optional<int> TopicAdmin::replication_factor(const std::string& topic, std::chrono::milliseconds timeout) {
  const auto metadata = all_metadata(handle_.get(), "topic '" + topic + "'", timeout);
  const auto* t = find_topic(*metadata, topic);
  if (!t || t->partition_cnt == 0) return std::nullopt;
  return t->partitions[0].replica_cnt;
}

bool TopicAdmin::every_partition_led(const std::string& topic, int min_partitions) {
  const auto metadata = all_metadata(handle_.get(), "topic '" + topic + "'", std::chrono::seconds(10));
  const auto* t = find_topic(*metadata, topic);
  if (!t || t->partition_cnt < min_partitions) return false;
  for (int i = 0; i < t->partition_cnt; ++i) {
    if (t->partitions[i].leader < 0 || t->partitions[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) return false;
  }
  return true;
}

bool TopicAdmin::every_leader_answers(const std::string& topic) {
  const auto count = partition_count(topic);
  if (!count) return false;
  std::unique_ptr<rd_kafka_topic_partition_list_t, CDeleter<rd_kafka_topic_partition_list_t, rd_kafka_topic_partition_list_destroy>>
      list(rd_kafka_topic_partition_list_new(*count));
  for (int p = 0; p < *count; ++p) rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = RD_KAFKA_OFFSET_END;
  if (rd_kafka_offsets_for_times(handle_.get(), list.get(), 2000) != RD_KAFKA_RESP_ERR_NO_ERROR) return false;
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) return false;
  }
  return true;
}

int TopicAdmin::broker_count(std::chrono::milliseconds timeout) {
  return all_metadata(handle_.get(), "the cluster", timeout)->broker_cnt;
}

}  // namespace smsim::kafka
