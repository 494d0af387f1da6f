// Real records through the real broker: the thing every later feature stands on.
#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <memory>
#include <set>

#include "kafka/client_config.hpp"
#include "kafka/errors.hpp"
#include "kafka/topic_admin.hpp"
#include "support/broker_environment.hpp"

using smsim::test::BrokerEnvironment;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<RdKafka::Producer> make_producer() {
  auto conf = smsim::kafka::make_conf(BrokerEnvironment::client_config(),
                                      {{"acks", "all"}, {"enable.idempotence", "true"}, {"linger.ms", "5"}});
  std::string error;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), error));
  EXPECT_TRUE(producer) << error;
  return producer;
}

std::unique_ptr<RdKafka::KafkaConsumer> make_consumer(const std::string& group) {
  auto conf = smsim::kafka::make_conf(BrokerEnvironment::client_config(),
                                      {{"group.id", group}, {"auto.offset.reset", "earliest"},
                                       {"enable.auto.commit", "false"}});
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), error));
  EXPECT_TRUE(consumer) << error;
  return consumer;
}

}  // namespace

TEST(Broker, ProducesAndConsumesKeyedRecordsExactlyOnceEach) {
  const std::string topic = smsim::test::unique_name("roundtrip");
  smsim::kafka::TopicAdmin admin(BrokerEnvironment::client_config());
  ASSERT_TRUE(admin.ensure_topic({.name = topic, .partitions = 3}));

  constexpr int kRecords = 1000;
  auto producer = make_producer();
  std::map<std::string, std::string> sent;
  for (int i = 0; i < kRecords; ++i) {
    const std::string key = "msg-" + std::to_string(i);
    const std::string value = R"({"content":"hello )" + std::to_string(i) + R"(","number":"+15550000000"})";
    sent[key] = value;
    const auto err = producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                       const_cast<char*>(value.data()), value.size(), key.data(), key.size(), 0,
                                       nullptr);
    ASSERT_EQ(err, RdKafka::ERR_NO_ERROR) << RdKafka::err2str(err);
    producer->poll(0);
  }
  ASSERT_EQ(producer->flush(30'000), RdKafka::ERR_NO_ERROR);

  auto consumer = make_consumer(smsim::test::unique_name("group"));
  ASSERT_EQ(consumer->subscribe({topic}), RdKafka::ERR_NO_ERROR);
  std::map<std::string, std::string> received;
  std::map<std::string, int> partition_of;
  std::set<int> partitions_seen;
  int duplicates = 0;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (received.size() < sent.size() && std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(500));
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    const std::string key = *m->key();
    const std::string value(static_cast<const char*>(m->payload()), m->len());
    if (!received.emplace(key, value).second) ++duplicates;
    partition_of[key] = m->partition();
    partitions_seen.insert(m->partition());
  }
  consumer->close();

  EXPECT_EQ(received, sent);
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(partitions_seen.size(), 3u) << "keys should spread over all partitions";
}

TEST(TopicAdmin, CreatesOnceAndGrowsPartitions) {
  const std::string topic = smsim::test::unique_name("grow");
  smsim::kafka::TopicAdmin admin(BrokerEnvironment::client_config());
  EXPECT_FALSE(admin.partition_count(topic).has_value());
  EXPECT_TRUE(admin.ensure_topic({.name = topic, .partitions = 2}));
  EXPECT_FALSE(admin.ensure_topic({.name = topic, .partitions = 2})) << "second call must find it";
  EXPECT_EQ(admin.partition_count(topic), 2);
  EXPECT_EQ(admin.ensure_partitions(topic, 5), 5);
  EXPECT_EQ(admin.ensure_partitions(topic, 3), 5) << "Kafka cannot shrink; asking for fewer keeps 5";
}

TEST(TopicAdmin, CompactedTopicConfigIsApplied) {
  const std::string topic = smsim::test::unique_name("compacted");
  smsim::kafka::TopicAdmin admin(BrokerEnvironment::client_config());
  EXPECT_TRUE(admin.ensure_topic({.name = topic, .partitions = 1, .configs = {{"cleanup.policy", "compact"}}}));
  EXPECT_THROW(admin.ensure_topic({.name = smsim::test::unique_name("bad"), .configs = {{"cleanup.policy", "nonsense"}}}),
               smsim::kafka::KafkaError);
}
