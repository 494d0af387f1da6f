#pragma once
// What GET /monitor and GET /metrics show, rendered from a statistics snapshot. Pure.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/delivery_statistics.hpp"
#include "gateway/dispatcher.hpp"

namespace smsim::gateway {

/// Figures the gateway knows beside the statistics (queues, consumers, dispatch).
struct GatewayFigures {
  std::string dispatch_mode;
  int live_senders = 0;
  std::int64_t outstanding = 0;         // published to sender queues, not yet reported finished
  std::int64_t status_consumer_lag = 0;
  std::uint64_t invalid_records = 0;
  std::uint64_t dead_letters = 0;
  std::int64_t sender_timeout_ms = 6000;
  /// Members of other consumer groups on the messages topic (the original's senders).
  std::vector<Dispatcher::LegacyMemberView> legacy_members;
};

/// The original contract (messages_sent, messages_failed, average_time_per_message in seconds or
/// -1) plus produced, in flight, per-sender figures, throughput, latency percentiles, campaigns.
nlohmann::json monitor_json(const domain::StatisticsSnapshot& snapshot, const GatewayFigures& gateway,
                            std::int64_t now_ms);

/// One campaign's progress: state (ACCEPTED, RUNNING, FINISHED), totals, published, finished, in
/// flight, rate and ETA.
nlohmann::json campaign_json(const CampaignView& view, const domain::StatisticsSnapshot& snapshot,
                             std::int64_t now_ms);

/// Prometheus text exposition format 0.0.4.
std::string prometheus_text(const domain::StatisticsSnapshot& snapshot, const GatewayFigures& gateway);

}  // namespace smsim::gateway
