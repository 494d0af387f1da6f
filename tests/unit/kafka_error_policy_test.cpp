// The one place that classifies librdkafka errors, and the producer's bounded retries built on it.
#include <gtest/gtest.h>

#include <chrono>

#include "kafka/errors.hpp"
#include "kafka/error_policy.hpp"
#include "kafka/producer.hpp"
#include "os/process.hpp"

using namespace smsim::kafka;
using namespace std::chrono_literals;

TEST(KafkaErrorPolicy, TransientErrorsAreRetriableAndConfigurationErrorsAreNot) {
  for (const auto code : {RdKafka::ERR__QUEUE_FULL, RdKafka::ERR__MSG_TIMED_OUT, RdKafka::ERR__TRANSPORT,
                          RdKafka::ERR_LEADER_NOT_AVAILABLE, RdKafka::ERR_NOT_LEADER_FOR_PARTITION,
                          RdKafka::ERR_NOT_ENOUGH_REPLICAS, RdKafka::ERR_REQUEST_TIMED_OUT,
                          RdKafka::ERR__UNKNOWN_PARTITION}) {
    EXPECT_TRUE(is_retryable(code)) << RdKafka::err2str(code);
  }
  for (const auto code : {RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED, RdKafka::ERR_MSG_SIZE_TOO_LARGE,
                          RdKafka::ERR__UNKNOWN_TOPIC, RdKafka::ERR__FATAL, RdKafka::ERR__INVALID_ARG,
                          RdKafka::ERR_SASL_AUTHENTICATION_FAILED, RdKafka::ERR_INVALID_CONFIG}) {
    EXPECT_FALSE(is_retryable(code)) << RdKafka::err2str(code);
  }
}

TEST(KafkaErrorPolicy, FatalErrorsSayHowToFixThem) {
  const auto acl = explain_error(RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED, "produce to 'x'");
  EXPECT_NE(acl.find("cannot produce to 'x'"), std::string::npos) << acl;
  EXPECT_NE(acl.find("ACLs"), std::string::npos) << acl;
  EXPECT_NE(explain_error(RdKafka::ERR_MSG_SIZE_TOO_LARGE, "w").find("max.message.bytes"), std::string::npos);
  EXPECT_NE(explain_error(RdKafka::ERR__UNKNOWN_TOPIC, "w").find("--topic-"), std::string::npos);
  EXPECT_NE(explain_error(RdKafka::ERR__FATAL, "w").find("restart"), std::string::npos);
}

TEST(KafkaErrorPolicy, BackoffDoublesUpToItsCap) {
  RetryPolicy policy{1ms, 100ms, 1s};
  EXPECT_EQ(policy.backoff(1), 1ms);
  EXPECT_EQ(policy.backoff(2), 2ms);
  EXPECT_EQ(policy.backoff(5), 16ms);
  EXPECT_EQ(policy.backoff(8), 100ms);
  EXPECT_EQ(policy.backoff(1000), 100ms);
}

// A producer whose queue holds one record and whose broker never answers: the second record meets
// QUEUE_FULL, and produce() must give up after its budget, with an explanation, not spin forever.
// (The queued record times out after 2.5 s, well after the last attempt; then the producer closes.)
TEST(KafkaProducer, QueueFullIsRetriedWithinItsBudgetThenReported) {
  ClientConfig config;
  config.bootstrap_servers = "127.0.0.1:" + std::to_string(smsim::os::pick_free_port());  // nothing listens
  Producer producer(config, {{"queue.buffering.max.messages", "1"}, {"message.timeout.ms", "2500"}}, nullptr);
  producer.set_retry_policy({1ms, 50ms, 300ms});
  producer.produce("t", Producer::kAnyPartition, "k", "first");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(producer.try_produce("t", Producer::kAnyPartition, "k", "second"), RdKafka::ERR__QUEUE_FULL);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 300ms);
  EXPECT_LT(waited, 3s);
  try {
    producer.produce("t", Producer::kAnyPartition, "k", "third");
    FAIL() << "produce() must throw once the budget is spent";
  } catch (const KafkaError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("queue stayed full for 300 ms"), std::string::npos) << what;
    EXPECT_NE(what.find("smsim kafka status"), std::string::npos) << what;
  }
  EXPECT_EQ(producer.produce_once("t", Producer::kAnyPartition, "k", "fourth"), RdKafka::ERR__QUEUE_FULL)
      << "produce_once never waits";
}

// A fatal producer (librdkafka's own testing hook) is reported at once, saying what to do.
TEST(KafkaProducer, AFatalErrorIsReportedAtOnceWithTheFix) {
  ClientConfig config;
  config.bootstrap_servers = "127.0.0.1:" + std::to_string(smsim::os::pick_free_port());
  Producer producer(config, {{"enable.idempotence", "true"}, {"message.timeout.ms", "1000"}}, nullptr);
  EXPECT_NO_THROW(producer.throw_if_fatal("x"));
  producer.inject_fatal_error_for_tests("injected by the test");
  const auto start = std::chrono::steady_clock::now();
  try {
    producer.produce("t", Producer::kAnyPartition, "k", "v");
    FAIL() << "a fatal producer must not accept records";
  } catch (const KafkaError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("injected by the test"), std::string::npos) << what;
    EXPECT_NE(what.find("restart the process"), std::string::npos) << what;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "fatal errors are not retried";
  EXPECT_THROW(producer.throw_if_fatal("x"), KafkaError);
}
