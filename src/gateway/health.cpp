#include "gateway/health.hpp"

#include <fmt/format.h>

namespace smsim::gateway {
namespace {

ComponentHealth thread_health(const std::string& name, const Liveness::Snapshot& s, const HealthInputs& in) {
  ComponentHealth c{name, "ok", s.last_beat_ms, ""};
  switch (s.state) {
    case Liveness::State::NotStarted:
      c.status = "starting";
      break;
    case Liveness::State::Dead:
      c.status = "dead";
      c.detail = s.death;
      break;
    case Liveness::State::Stopped:
      // Threads stop only when the gateway stops; one that ended on its own is as good as dead.
      c.status = "dead";
      c.detail = "the thread has ended";
      break;
    case Liveness::State::Running:
      if (in.now_ms - s.last_beat_ms > in.stall_after_ms) {
        c.status = "stalled";
        c.detail = fmt::format("no progress of its loop for {:.1f} s", (in.now_ms - s.last_beat_ms) / 1000.0);
      }
      break;
  }
  return c;
}

}  // namespace

HealthReport evaluate_health(const HealthInputs& in) {
  HealthReport report;
  report.components.push_back(thread_health("dispatcher", in.dispatcher, in));
  report.components.push_back(thread_health("status_reader", in.status_reader, in));
  if (in.tracker) {
    report.components.push_back(thread_health("tracker", *in.tracker, in));
  } else {
    report.components.push_back({"tracker", "off", 0, "run by `smsim tracker` instances (--tracker off)"});
  }
  report.components.push_back(thread_health("campaign_intake", in.intake, in));

  ComponentHealth kafka{"kafka", "ok", in.kafka_last_connected_ms, ""};
  const auto since = in.kafka_last_connected_ms > 0 ? in.kafka_last_connected_ms : in.started_at_ms;
  if (!in.pipeline_started && in.kafka_last_connected_ms == 0) {
    kafka.status = "starting";
  } else if (in.now_ms - since > in.kafka_down_after_ms) {
    kafka.status = "down";
    kafka.detail = in.kafka_last_connected_ms > 0
                       ? fmt::format("no broker connection for {:.1f} s", (in.now_ms - since) / 1000.0)
                       : std::string("never connected to a broker");
  }
  report.components.push_back(kafka);

  report.healthy = in.pipeline_started;
  for (const auto& c : report.components) report.healthy = report.healthy && (c.status == "ok" || c.status == "off");
  return report;
}

nlohmann::json health_json(const HealthReport& report, const HealthInputs& in) {
  nlohmann::json components = nlohmann::json::object();
  for (const auto& c : report.components) {
    nlohmann::json j{{"status", c.status}};
    if (c.last_beat_ms > 0) {
      j["last_beat_ms"] = c.last_beat_ms;
      j["seconds_since_beat"] = (in.now_ms - c.last_beat_ms) / 1000.0;
    }
    if (!c.detail.empty()) j["detail"] = c.detail;
    components[c.name] = std::move(j);
  }
  return {{"status", report.healthy ? "ok" : in.pipeline_started ? "unhealthy" : "starting"},
          {"components", std::move(components)},
          {"last_progress_ms", in.last_progress_ms > 0 ? nlohmann::json(in.last_progress_ms) : nlohmann::json(nullptr)},
          {"seconds_since_progress",
           in.last_progress_ms > 0 ? nlohmann::json((in.now_ms - in.last_progress_ms) / 1000.0) : nlohmann::json(nullptr)},
          {"time_ms", in.now_ms}};
}

}  // namespace smsim::gateway
