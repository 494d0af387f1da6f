#include "kafka/watermarks.hpp"

#include <memory>
#include <vector>

#include "kafka/errors.hpp"

namespace smsim::kafka {
namespace {

struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};
struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};

}  // namespace

std::map<std::int32_t, Watermarks> query_watermarks(rd_kafka_t* handle, const std::string& topic,
                                                    std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* raw = nullptr;
  // all_topics=1: a request for one topic could make a broker with auto-creation create it.
  if (rd_kafka_metadata(handle, 1, nullptr, &raw, static_cast<int>(timeout.count())) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError("cannot read cluster metadata for the offsets of " + topic);
  }
  const std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> metadata(raw);
  std::map<std::int32_t, std::vector<std::int32_t>> by_leader;
  for (int t = 0; t < metadata->topic_cnt; ++t) {
    const auto& described = metadata->topics[t];
    if (topic != described.topic || described.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    for (int i = 0; i < described.partition_cnt; ++i) {
      const auto leader = described.partitions[i].leader;
      bool listed = false;
      for (int b = 0; b < metadata->broker_cnt; ++b) listed = listed || metadata->brokers[b].id == leader;
      if (leader >= 0 && listed) by_leader[leader].push_back(described.partitions[i].id);
    }
  }
  std::map<std::int32_t, Watermarks> out;
  for (const auto& [leader, partitions] : by_leader) {
    std::map<std::int32_t, Watermarks> found;
    bool answered = true;
    for (const std::int64_t which : {RD_KAFKA_OFFSET_BEGINNING, RD_KAFKA_OFFSET_END}) {
      std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter> list(
          rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
      for (auto p : partitions) rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = which;
      if (rd_kafka_offsets_for_times(handle, list.get(), static_cast<int>(timeout.count())) !=
          RD_KAFKA_RESP_ERR_NO_ERROR) {
        answered = false;
        break;
      }
      for (int k = 0; k < list->cnt; ++k) {
        const auto& e = list->elems[k];
        if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR || e.offset < 0) continue;
        (which == RD_KAFKA_OFFSET_BEGINNING ? found[e.partition].low : found[e.partition].high) = e.offset;
      }
    }
    if (answered) out.insert(found.begin(), found.end());
  }
  return out;
}

}  // namespace smsim::kafka
