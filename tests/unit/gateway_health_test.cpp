// What /healthz decides from the components' reports, and the Kafka connection seen in librdkafka's
// statistics.
#include <gtest/gtest.h>

#include "gateway/health.hpp"
#include "kafka/connection_watch.hpp"

using namespace smsim;
using namespace smsim::gateway;

namespace {

Liveness::Snapshot running(std::int64_t beat) { return {Liveness::State::Running, beat, ""}; }

HealthInputs healthy_inputs() {
  HealthInputs in;
  in.now_ms = 100'000;
  in.started_at_ms = 50'000;
  in.pipeline_started = true;
  in.dispatcher = in.status_reader = in.intake = running(99'990);
  in.tracker = running(99'990);
  in.kafka_last_connected_ms = 99'500;
  in.last_progress_ms = 90'000;
  return in;
}

std::string status_of(const HealthReport& r, const std::string& name) {
  for (const auto& c : r.components) {
    if (c.name == name) return c.status;
  }
  return "missing";
}

}  // namespace

TEST(GatewayHealth, AllComponentsWorkingIsHealthy) {
  const auto in = healthy_inputs();
  const auto report = evaluate_health(in);
  EXPECT_TRUE(report.healthy);
  const auto j = health_json(report, in);
  EXPECT_EQ(j["status"], "ok");
  for (const auto* name : {"dispatcher", "status_reader", "tracker", "campaign_intake", "kafka"}) {
    EXPECT_EQ(j["components"][name]["status"], "ok") << name;
  }
  EXPECT_EQ(j["last_progress_ms"], 90'000);
  EXPECT_DOUBLE_EQ(j["seconds_since_progress"].get<double>(), 10.0);
}

TEST(GatewayHealth, ADeadThreadIsSeenWithItsReason) {
  auto in = healthy_inputs();
  in.status_reader = {Liveness::State::Dead, 80'000, "cannot create a consumer: x"};
  const auto report = evaluate_health(in);
  EXPECT_FALSE(report.healthy);
  const auto j = health_json(report, in);
  EXPECT_EQ(j["status"], "unhealthy");
  EXPECT_EQ(j["components"]["status_reader"]["status"], "dead");
  EXPECT_EQ(j["components"]["status_reader"]["detail"], "cannot create a consumer: x");
  // A thread that ended on its own while the gateway runs is dead too.
  in = healthy_inputs();
  in.tracker = Liveness::Snapshot{Liveness::State::Stopped, 80'000, ""};
  EXPECT_EQ(status_of(evaluate_health(in), "tracker"), "dead");
}

TEST(GatewayHealth, AStalledLoopAndALostBrokerAreUnhealthy) {
  auto in = healthy_inputs();
  in.dispatcher = running(in.now_ms - in.stall_after_ms - 1);
  auto report = evaluate_health(in);
  EXPECT_FALSE(report.healthy);
  EXPECT_EQ(status_of(report, "dispatcher"), "stalled");
  in = healthy_inputs();
  in.kafka_last_connected_ms = in.now_ms - in.kafka_down_after_ms - 1;
  report = evaluate_health(in);
  EXPECT_FALSE(report.healthy);
  EXPECT_EQ(status_of(report, "kafka"), "down");
  in.kafka_last_connected_ms = 0;  // never connected since the start, long ago
  EXPECT_EQ(status_of(evaluate_health(in), "kafka"), "down");
}

TEST(GatewayHealth, StartingIsNotHealthyAndTrackerOffIsFine) {
  HealthInputs in;
  in.now_ms = 1000;
  in.started_at_ms = 900;
  in.tracker = Liveness::Snapshot{};
  auto report = evaluate_health(in);
  EXPECT_FALSE(report.healthy);
  EXPECT_EQ(health_json(report, in)["status"], "starting");
  EXPECT_EQ(status_of(report, "tracker"), "starting");
  auto off = healthy_inputs();
  off.tracker.reset();
  report = evaluate_health(off);
  EXPECT_TRUE(report.healthy);
  EXPECT_EQ(status_of(report, "tracker"), "off");
}

TEST(ConnectionWatch, ABrokerUpAndAnsweringCountsAsConnected) {
  kafka::ConnectionWatch watch;
  watch.on_statistics(R"({"brokers":{"127.0.0.1:9092/bootstrap":{"nodeid":-1,"state":"UP","rxidle":10}}})", 1000);
  EXPECT_FALSE(watch.connected()) << "a bootstrap entry is not a broker";
  EXPECT_EQ(watch.last_connected_ms(), 0);
  watch.on_statistics(R"({"brokers":{"127.0.0.1:9092/1":{"nodeid":1,"state":"UP","rxidle":20000}}})", 2000);
  EXPECT_TRUE(watch.connected());
  EXPECT_EQ(watch.last_connected_ms(), 2000);
  // UP, but silent for 6 s: a frozen broker.
  watch.on_statistics(R"({"brokers":{"127.0.0.1:9092/1":{"nodeid":1,"state":"UP","rxidle":6000000}}})", 3000);
  EXPECT_FALSE(watch.connected());
  watch.on_statistics(R"({"brokers":{"127.0.0.1:9092/1":{"nodeid":1,"state":"DOWN","rxidle":100}}})", 4000);
  EXPECT_FALSE(watch.connected());
  EXPECT_EQ(watch.last_connected_ms(), 2000);
  watch.on_statistics("not json", 5000);
  EXPECT_EQ(watch.last_report_ms(), 4000);
}
