#include "kafka/producer.hpp"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include "kafka/errors.hpp"

#include <chrono>

namespace smsim::kafka {

void Producer::Callback::dr_cb(RdKafka::Message& message) {
  if (handler_) handler_({message.err(), message.partition(), message.offset(), message.msg_opaque(), message.status()});
}

Producer::Producer(const ClientConfig& config, const std::map<std::string, std::string>& defaults,
                   DeliveryHandler on_delivery)
    : callback_(std::move(on_delivery)) {
  auto conf = make_conf(config, defaults);
  std::string error;
  if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(&callback_), error) != RdKafka::Conf::CONF_OK ||
      conf->set("event_cb", static_cast<RdKafka::EventCb*>(&events_), error) != RdKafka::Conf::CONF_OK) {
    throw KafkaError("cannot configure producer callbacks: " + error);
  }
  producer_.reset(RdKafka::Producer::create(conf.get(), error));
  if (!producer_) throw KafkaError(fmt::format("cannot create a Kafka producer: {}", error));
}

Producer::~Producer() {
  if (producer_ && !producer_->flush(10'000) && producer_->outq_len() > 0) {
    spdlog::warn("producer closed with {} records undelivered", producer_->outq_len());
  }
}

RdKafka::ErrorCode Producer::produce_once(const std::string& topic, std::int32_t partition, std::string_view key,
                                          std::string_view value, void* opaque) {
  return producer_->produce(topic, partition, RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(value.data()),
                            value.size(), key.data(), key.size(), 0, opaque);
}

RdKafka::ErrorCode Producer::try_produce(const std::string& topic, std::int32_t partition, std::string_view key,
                                         std::string_view value, void* opaque) {
  // Only a full local queue is worth waiting for here: polling serves delivery reports, which makes
  // room. Other retriable errors (a partition not in our metadata yet) go back to the caller, who
  // knows whether to try another partition or later.
  const auto deadline = std::chrono::steady_clock::now() + retry_.budget;
  for (int attempt = 1;; ++attempt) {
    const auto err = produce_once(topic, partition, key, value, opaque);
    if (err != RdKafka::ERR__QUEUE_FULL || std::chrono::steady_clock::now() >= deadline) return err;
    producer_->poll(static_cast<int>(retry_.backoff(attempt).count()));
  }
}

void Producer::produce(const std::string& topic, std::int32_t partition, std::string_view key, std::string_view value,
                       void* opaque) {
  auto err = try_produce(topic, partition, key, value, opaque);
  if (err == RdKafka::ERR_NO_ERROR) return;
  if (err == RdKafka::ERR__FATAL) throw_if_fatal(fmt::format("produce to '{}'", topic));
  if (err == RdKafka::ERR__QUEUE_FULL) {
    throw KafkaError(explain_error(err, fmt::format("produce to '{}' (the queue stayed full for {} ms)", topic,
                                                    retry_.budget.count())));
  }
  throw KafkaError(explain_error(err, fmt::format("produce to '{}'", topic)));
}

RdKafka::ErrorCode Producer::fatal_error(std::string& reason) const { return producer_->fatal_error(reason); }

void Producer::throw_if_fatal(std::string_view what) const {
  std::string reason;
  const auto err = producer_->fatal_error(reason);
  if (err != RdKafka::ERR_NO_ERROR) {
    throw KafkaError(explain_error(RdKafka::ERR__FATAL, fmt::format("{} ({}: {})", what, RdKafka::err2str(err), reason)));
  }
}

void Producer::inject_fatal_error_for_tests(const std::string& reason) {
  rd_kafka_test_fatal_error(producer_->c_ptr(), RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, reason.c_str());
}

void Producer::produce_with_header(const std::string& topic, std::string_view key, std::string_view value,
                                   const std::string& header_name, std::string_view header_value) {
  while (true) {
    // librdkafka owns the headers once produce() succeeds; on failure they are still ours.
    std::unique_ptr<RdKafka::Headers> headers(RdKafka::Headers::create());
    headers->add(header_name, header_value.data(), header_value.size());
    const auto err = producer_->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                        const_cast<char*>(value.data()), value.size(), key.data(), key.size(), 0,
                                        headers.get(), nullptr);
    if (err == RdKafka::ERR_NO_ERROR) {
      headers.release();
      return;
    }
    if (err != RdKafka::ERR__QUEUE_FULL) {
      throw KafkaError(fmt::format("cannot produce to '{}': {}", topic, RdKafka::err2str(err)));
    }
    producer_->poll(10);
  }
}

void Producer::poll(int timeout_ms) { producer_->poll(timeout_ms); }

bool Producer::flush(int timeout_ms) { return producer_->flush(timeout_ms) == RdKafka::ERR_NO_ERROR; }

int Producer::queued() const { return producer_->outq_len(); }

}  // namespace smsim::kafka
