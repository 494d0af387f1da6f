#pragma once
// Poison records (not JSON, wrong types, missing ids, absurd sizes) are moved aside, never
// allowed to stop or crash a consumer: each is published to the dead-letter topic with the reason,
// keyed by its coordinates "<topic>/<partition>/<offset>". The topic is compacted, so a record
// dead-lettered again (a consumer replaying after a restart) stays one entry.
//
// Threads: send() may be called from any thread (librdkafka's producer is thread-safe); delivery
// callbacks are served by poll() from the owner's loop.
#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <memory>
#include <string>

#include "kafka/producer.hpp"

namespace smsim::kafka {

class DeadLetters {
 public:
  DeadLetters(const ClientConfig& config, std::string topic);
  void send(const RdKafka::Message& poison, const std::string& reason);
  void poll() { producer_.poll(0); }
  std::uint64_t sent() const { return sent_.load(); }

 private:
  std::string topic_;
  Producer producer_;
  std::atomic<std::uint64_t> sent_{0};
};

}  // namespace smsim::kafka
