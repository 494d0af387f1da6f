#include "kafka/connection_watch.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

namespace smsim::kafka {
namespace {
std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void ConnectionWatch::event_cb(RdKafka::Event& event) {
  switch (event.type()) {
    case RdKafka::Event::EVENT_STATS:
      on_statistics(event.str(), wall_ms());
      break;
    case RdKafka::Event::EVENT_ERROR:
      spdlog::debug("librdkafka: {} ({})", event.str(), RdKafka::err2str(event.err()));
      break;
    case RdKafka::Event::EVENT_LOG:
      if (event.severity() <= RdKafka::Event::EVENT_SEVERITY_ERROR) spdlog::debug("librdkafka {}: {}", event.fac(), event.str());
      break;
    default:
      break;
  }
}

void ConnectionWatch::on_statistics(std::string_view json, std::int64_t now_ms) {
  const auto stats = nlohmann::json::parse(json, nullptr, false);
  if (stats.is_discarded() || !stats.is_object()) return;
  bool up = false;
  if (const auto brokers = stats.find("brokers"); brokers != stats.end() && brokers->is_object()) {
    for (const auto& [name, broker] : brokers->items()) {
      // Bootstrap entries have nodeid -1. A connection can look UP to a broker that stopped
      // answering (frozen, or a network that drops packets) until socket.timeout.ms: it must also
      // have received something lately (a consumer's fetches return every few milliseconds).
      const auto rxidle_us = broker.value("rxidle", std::int64_t{-1});
      if (broker.value("nodeid", -1) >= 0 && broker.value("state", "") == "UP" && rxidle_us >= 0 &&
          rxidle_us < kMaxReceiveIdleUs) {
        up = true;
      }
    }
  }
  last_report_ms_.store(now_ms);
  connected_.store(up);
  if (up) last_connected_ms_.store(now_ms);
}

}  // namespace smsim::kafka
