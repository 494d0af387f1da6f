#pragma once
// What /healthz and /readyz answer, decided from the components' own reports. Pure: unit-tested
// with made-up reports.
//
// A component is "ok", "starting" (not yet running: the gateway is starting), "stalled" (its
// thread has not beaten for `stall_after_ms`), "dead" (its thread ended with an error, or ended
// while it should run), "down" (Kafka: no broker connection for `kafka_down_after_ms`) or "off"
// (not run by this gateway, e.g. the tracker with --tracker off). Healthy: every component ok or off.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/liveness.hpp"

namespace smsim::gateway {

struct HealthInputs {
  std::int64_t now_ms = 0;
  std::int64_t started_at_ms = 0;  // when the gateway process started its pipeline
  std::int64_t stall_after_ms = 30'000;
  std::int64_t kafka_down_after_ms = 10'000;
  bool pipeline_started = false;
  Liveness::Snapshot dispatcher, status_reader, intake;
  std::optional<Liveness::Snapshot> tracker;  // nullopt: --tracker off
  std::int64_t kafka_last_connected_ms = 0;   // 0: never
  std::int64_t last_progress_ms = 0;          // a status record read or a message published; 0: none yet
};

struct ComponentHealth {
  std::string name;
  std::string status;
  std::int64_t last_beat_ms = 0;
  std::string detail;
};

struct HealthReport {
  bool healthy = false;
  std::vector<ComponentHealth> components;
};

HealthReport evaluate_health(const HealthInputs& in);
/// {"status": "ok"|"unhealthy"|"starting", "components": {...}, "last_progress_ms", ...}
nlohmann::json health_json(const HealthReport& report, const HealthInputs& in);

}  // namespace smsim::gateway
