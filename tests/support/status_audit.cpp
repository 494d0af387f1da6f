#include "support/status_audit.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <random>
#include <vector>

#include "domain/message_generator.hpp"
#include "records/records.hpp"

namespace smsim::test {

AuditResult audit_campaign(const kafka::ClientConfig& config, const std::string& status_topic,
                           const std::string& campaign_id, std::uint64_t count) {
  std::random_device device;
  auto conf = kafka::make_conf(config, {{"group.id", "audit-" + std::to_string(device())},
                                        {"enable.auto.commit", "false"},
                                        {"enable.partition.eof", "true"}});
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), error));
  // Assign every partition from the beginning; read until each reaches its end offset as of now.
  RdKafka::Metadata* raw = nullptr;
  std::unique_ptr<RdKafka::Topic> topic(RdKafka::Topic::create(consumer.get(), status_topic, nullptr, error));
  consumer->metadata(false, topic.get(), &raw, 10'000);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  std::vector<RdKafka::TopicPartition*> assignment;
  std::vector<std::int64_t> ends;
  for (const auto* p : *metadata->topics()->at(0)->partitions()) {
    std::int64_t low = 0, high = 0;
    consumer->query_watermark_offsets(status_topic, p->id(), &low, &high, 10'000);
    assignment.push_back(RdKafka::TopicPartition::create(status_topic, p->id(), RdKafka::Topic::OFFSET_BEGINNING));
    if (ends.size() <= static_cast<std::size_t>(p->id())) ends.resize(p->id() + 1, 0);
    ends[p->id()] = high;
  }
  consumer->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  std::vector<bool> seen(count, false);
  AuditResult result;
  std::size_t done = 0;
  for (auto end : ends) done += end == 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (done < ends.size() && std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(200));
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    if (m->offset() + 1 == ends[m->partition()]) ++done;
    try {
      const auto record = records::decode_status_topic_record(
          std::string_view(static_cast<const char*>(m->payload()), m->len()));
      const auto* status = std::get_if<records::StatusRecord>(&record);
      if (!status) continue;
      const auto id = domain::parse_message_id(status->report.message_id);
      if (!id || id->first != campaign_id || id->second >= count) continue;
      ++result.records;
      if (!seen[id->second]) {
        seen[id->second] = true;
        ++result.distinct;
      }
    } catch (const std::exception&) {
    }
  }
  consumer->close();
  result.first_missing = count;
  for (std::uint64_t i = 0; i < count; ++i) {
    if (!seen[i]) {
      result.first_missing = i;
      break;
    }
  }
  return result;
}

}  // namespace smsim::test
