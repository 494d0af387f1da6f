#include "kafka/dead_letters.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace smsim::kafka {

DeadLetters::DeadLetters(const ClientConfig& config, std::string topic)
    : topic_(std::move(topic)),
      producer_(config, {{"acks", "all"}, {"enable.idempotence", "true"}, {"linger.ms", "5"}}, nullptr) {}

void DeadLetters::send(const RdKafka::Message& poison, const std::string& reason) {
  const auto key = fmt::format("{}/{}/{}", poison.topic_name(), poison.partition(), poison.offset());
  // The value is kept as text (lossy for binary data) and cut at 16 KiB: enough to see what it was.
  std::string value(static_cast<const char*>(poison.payload()), std::min<std::size_t>(poison.len(), 16 * 1024));
  const nlohmann::json letter{{"source_topic", poison.topic_name()},
                              {"partition", poison.partition()},
                              {"offset", poison.offset()},
                              {"key", poison.key() ? *poison.key() : ""},
                              {"reason", reason},
                              {"value_bytes", poison.len()},
                              {"value", value}};
  const auto err = producer_.try_produce(topic_, Producer::kAnyPartition, key,
                                         letter.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (err != RdKafka::ERR_NO_ERROR) {
    spdlog::warn("cannot dead-letter {}: {}", key, RdKafka::err2str(err));
    return;
  }
  if (sent_.fetch_add(1) == 0) spdlog::warn("dead-lettered {} to {}: {} (further ones are logged at debug level)", key, topic_, reason);
  else spdlog::debug("dead-lettered {}: {}", key, reason);
}

}  // namespace smsim::kafka
