#include "support/status_audit.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <functional>
#include <memory>
#include <random>
#include <set>
#include <vector>

#include "domain/message_generator.hpp"
#include "records/records.hpp"

namespace smsim::test {

namespace {

// Reads every partition of `topic` from the beginning to its end offset as of the call.
void read_topic(const kafka::ClientConfig& config, const std::string& topic_name,
                const std::function<void(std::string_view value)>& on_value) {
  std::random_device device;
  auto conf = kafka::make_conf(config, {{"group.id", "audit-" + std::to_string(device())},
                                        {"enable.auto.commit", "false"},
                                        {"enable.partition.eof", "true"}});
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), error));
  RdKafka::Metadata* raw = nullptr;
  std::unique_ptr<RdKafka::Topic> topic(RdKafka::Topic::create(consumer.get(), topic_name, nullptr, error));
  consumer->metadata(false, topic.get(), &raw, 10'000);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  std::vector<RdKafka::TopicPartition*> assignment;
  std::vector<std::int64_t> ends;
  for (const auto* p : *metadata->topics()->at(0)->partitions()) {
    std::int64_t low = 0, high = 0;
    consumer->query_watermark_offsets(topic_name, p->id(), &low, &high, 10'000);
    assignment.push_back(RdKafka::TopicPartition::create(topic_name, p->id(), RdKafka::Topic::OFFSET_BEGINNING));
    if (ends.size() <= static_cast<std::size_t>(p->id())) ends.resize(p->id() + 1, 0);
    ends[p->id()] = high;
  }
  consumer->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  std::size_t done = 0;
  for (auto end : ends) done += end == 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (done < ends.size() && std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(200));
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    if (m->offset() + 1 == ends[m->partition()]) ++done;
    on_value(std::string_view(static_cast<const char*>(m->payload()), m->len()));
  }
  consumer->close();
}

}  // namespace

AuditResult audit_campaign(const kafka::ClientConfig& config, const std::string& status_topic,
                           const std::string& campaign_id, std::uint64_t count) {
  std::vector<bool> seen(count, false);
  AuditResult result;
  read_topic(config, status_topic, [&](std::string_view value) {
    try {
      const auto record = records::decode_status_topic_record(value);
      const auto* status = std::get_if<records::StatusRecord>(&record);
      if (!status) return;
      const auto id = domain::parse_message_id(status->report.message_id);
      if (!id || id->first != campaign_id || id->second >= count) return;
      ++result.records;
      if (!seen[id->second]) {
        seen[id->second] = true;
        ++result.distinct;
      }
    } catch (const std::exception&) {
    }
  });
  result.first_missing = count;
  for (std::uint64_t i = 0; i < count; ++i) {
    if (!seen[i]) {
      result.first_missing = i;
      break;
    }
  }
  return result;
}

ReportAudit audit_delivery_reports(const kafka::ClientConfig& config, const std::string& topic,
                                   const std::string& campaign_id) {
  ReportAudit result;
  std::set<std::pair<std::string, int>> seen;
  read_topic(config, topic, [&](std::string_view value) {
    try {
      const auto report = records::decode_delivery_report(value);
      const auto id = domain::parse_message_id(report.message_id);
      if (!id || id->first != campaign_id) return;
      ++result.records;
      records::to_part_report(report);  // the receipt text must parse
      if (seen.emplace(report.message_id, report.part).second) ++result.distinct_parts;
    } catch (const std::exception&) {
      ++result.unparsed;
    }
  });
  return result;
}

}  // namespace smsim::test
