// The exercise end to end on a real broker: one gateway, two sender programs with different
// settings, 10,000 messages; figures exact, per-sender figures within statistical bounds; then the
// same with one sender program killed (SIGKILL) mid-run and started again.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <thread>

#include "os/paths.hpp"
#include "os/process.hpp"
#include "support/services.hpp"

using namespace smsim::test;
using nlohmann::json;

namespace {

constexpr int kMessages = 10'000;

struct Program {
  std::string name;
  int threads;
  double mean_ms;
  double stddev_ms;
  double failure_rate;
};
const Program kFast{"fast", 2, 2.0, 1.0, 0.1};
const Program kSlow{"slow", 1, 5.0, 2.0, 0.3};

class Simulation : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = smsim::os::make_temp_dir("smsim-it-sim");
    port_ = smsim::os::pick_free_port();
  }
  void TearDown() override {
    if (HasFailure()) {
      for (auto* p : {gateway_.get(), fast_.get(), slow_.get()}) {
        if (p) std::cout << p->log_tail(40) << "\n";
      }
    }
    fast_.reset();
    slow_.reset();
    gateway_.reset();
    std::filesystem::remove_all(dir_);
  }

  void start_gateway() {
    auto args = std::vector<std::string>{"gateway", "--port", std::to_string(port_)};
    for (const auto& f : names_.gateway_flags()) args.push_back(f);
    gateway_ = std::make_unique<ServiceProcess>("gateway", args, dir_ / "gateway.log");
    const auto health = poll_json(port_, "/healthz", [](const json& j) { return j.value("status", "") == "ok"; },
                                  std::chrono::seconds(60));
    ASSERT_EQ(health.value("status", ""), "ok") << gateway_->log_tail();
  }

  std::unique_ptr<ServiceProcess> start_sender(const Program& p, int restart = 0) {
    auto args = std::vector<std::string>{
        "sender",         "--name",           p.name,
        "--senders",      std::to_string(p.threads),
        "--mean",         std::to_string(p.mean_ms) + "ms",
        "--stddev",       std::to_string(p.stddev_ms) + "ms",
        "--failure-rate", std::to_string(p.failure_rate),
        "--seed",         std::to_string(1000 + restart * 17 + p.threads)};
    for (const auto& f : names_.sender_flags()) args.push_back(f);
    return std::make_unique<ServiceProcess>(p.name, args,
                                            dir_ / (p.name + "-" + std::to_string(restart) + ".log"));
  }

  json wait_for_live_senders(int count) {
    return poll_json(port_, "/monitor", [count](const json& m) { return m.value("live_senders", 0) >= count; },
                     std::chrono::seconds(60));
  }

  static std::uint64_t finished(const json& m) {
    return m.value("messages_sent", std::uint64_t{0}) + m.value("messages_failed", std::uint64_t{0});
  }

  json wait_for_finished(std::uint64_t count, std::chrono::seconds timeout) {
    return poll_json(port_, "/monitor", [count](const json& m) { return finished(m) >= count; }, timeout);
  }

  // Per program: messages, failure ratio and average simulated time must match its settings.
  void expect_program_figures(const json& monitor, const Program& p) {
    std::uint64_t sent = 0, failed = 0;
    double time_sum = 0;
    int senders = 0;
    for (const auto& s : monitor["senders"]) {
      if (s["settings"].is_null() || s["settings"]["program"] != p.name) continue;
      ++senders;
      const std::uint64_t n = s["messages_sent"].get<std::uint64_t>() + s["messages_failed"].get<std::uint64_t>();
      sent += s["messages_sent"].get<std::uint64_t>();
      failed += s["messages_failed"].get<std::uint64_t>();
      if (n > 0) time_sum += s["average_time_per_message"].get<double>() * static_cast<double>(n);
      EXPECT_DOUBLE_EQ(s["settings"]["failure_rate"].get<double>(), p.failure_rate);
      EXPECT_NEAR(s["settings"]["mean"].get<double>(), p.mean_ms / 1000, 1e-9);
    }
    const double n = static_cast<double>(sent + failed);
    ASSERT_GT(n, 300) << p.name << " finished too few messages to judge";
    EXPECT_GE(senders, p.threads);
    // Failures: binomial, within 4.5 standard errors.
    const double ratio = static_cast<double>(failed) / n;
    const double se = std::sqrt(p.failure_rate * (1 - p.failure_rate) / n);
    EXPECT_NEAR(ratio, p.failure_rate, 4.5 * se) << p.name << ": " << failed << " of " << n << " failed";
    // Simulated time: the zero-truncated normal keeps the configured mean; its stddev is at most
    // the configured one, so 4.5 standard errors of that bound the realised mean.
    const double mean_s = time_sum / n;
    const double time_se = (p.stddev_ms / 1000) / std::sqrt(n);
    EXPECT_NEAR(mean_s, p.mean_ms / 1000, 4.5 * time_se + 1e-6) << p.name << " average time";
  }

  IsolatedNames names_{"sim"};
  std::filesystem::path dir_;
  int port_ = 0;
  std::unique_ptr<ServiceProcess> gateway_, fast_, slow_;
};

}  // namespace

TEST_F(Simulation, TenThousandMessagesThroughTwoSenderProgramsAreCountedExactly) {
  start_gateway();
  fast_ = start_sender(kFast);
  slow_ = start_sender(kSlow);
  wait_for_live_senders(3);

  const auto accepted = http_post(port_, "/produce-messages", json{{"num_messages", kMessages}}.dump());
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const auto campaign = accepted.json()["campaign_id"].get<std::string>();

  auto monitor = wait_for_finished(kMessages, std::chrono::seconds(180));
  ASSERT_EQ(finished(monitor), kMessages) << monitor.dump(2);
  // Nothing more may arrive later: wait and look again.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  monitor = http_get(port_, "/monitor").json();
  EXPECT_EQ(monitor["messages_sent"].get<std::uint64_t>() + monitor["messages_failed"].get<std::uint64_t>(),
            static_cast<std::uint64_t>(kMessages));
  EXPECT_EQ(monitor["messages_produced"], kMessages);
  EXPECT_EQ(monitor["messages_in_flight"], 0);
  EXPECT_GT(monitor["average_time_per_message"].get<double>(), 0);
  expect_program_figures(monitor, kFast);
  expect_program_figures(monitor, kSlow);

  const auto progress = http_get(port_, "/api/campaigns/" + campaign).json();
  EXPECT_EQ(progress["messages_finished"], kMessages);
  EXPECT_EQ(progress["fully_published"], true);
  EXPECT_EQ(progress["finished"], true);

  const auto metrics = http_get(port_, "/metrics");
  EXPECT_NE(metrics.body.find("smsim_messages_finished_total{outcome=\"sent\"} " +
                              std::to_string(monitor["messages_sent"].get<std::uint64_t>())),
            std::string::npos);
  EXPECT_NE(metrics.body.find("smsim_end_to_end_latency_seconds_count"), std::string::npos);
  // Every message was counted live, so each has an accepted → counted observation; that wait covers
  // the message's whole way (publish → finish and more), so its median is no shorter.
  EXPECT_NE(metrics.body.find("smsim_accepted_to_counted_latency_seconds_count " + std::to_string(kMessages) + "\n"),
            std::string::npos);
  const auto& latency = monitor["latency"];
  ASSERT_TRUE(latency["accepted_to_counted"]["p50"].is_number()) << latency.dump();
  EXPECT_GE(latency["accepted_to_counted"]["p50"].get<double>(), latency["end_to_end"]["p50"].get<double>() * 0.9)
      << latency.dump();

  EXPECT_EQ(fast_->stop(), 0) << fast_->log_tail();
  EXPECT_EQ(slow_->stop(), 0) << slow_->log_tail();
}

TEST_F(Simulation, SenderKilledMidRunAndRestartedStillCountsExactly) {
  start_gateway();
  fast_ = start_sender(kFast);
  slow_ = start_sender(kSlow);
  wait_for_live_senders(3);
  const auto accepted = http_post(port_, "/produce-messages", json{{"num_messages", kMessages}}.dump());
  ASSERT_EQ(accepted.status, 202) << accepted.body;

  wait_for_finished(kMessages / 4, std::chrono::seconds(120));
  slow_->kill_hard();  // mid-message: its uncommitted messages will be delivered again
  std::this_thread::sleep_for(std::chrono::seconds(1));
  slow_ = start_sender(kSlow, /*restart=*/1);

  auto monitor = wait_for_finished(kMessages, std::chrono::seconds(240));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  monitor = http_get(port_, "/monitor").json();
  EXPECT_EQ(finished(monitor), static_cast<std::uint64_t>(kMessages)) << monitor.dump(2);
  EXPECT_EQ(monitor["messages_in_flight"], 0);
  std::cout << "[ figures  ] after SIGKILL: sent " << monitor["messages_sent"] << ", failed "
            << monitor["messages_failed"] << ", duplicate reports ignored " << monitor["duplicates_ignored"] << "\n";
}

TEST_F(Simulation, GatewayRejectsBadRequestsNamingTheField) {
  start_gateway();
  struct Case {
    std::string body;
    std::string content_type;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {R"({"num_messages": -1})", "application/json", 400, "num_messages"},
      {R"({"num_messages": "abc"})", "application/json", 400, "num_messages"},
      {R"({"num_messages": 1.5})", "application/json", 400, "num_messages"},
      {R"({"num_messages": 0})", "application/json", 400, "num_messages"},
      {R"({"num_messages": 100000000000})", "application/json", 400, "num_messages"},
      {R"({"num_messages": )", "application/json", 400, ""},
      {R"([1,2])", "application/json", 400, ""},
      {R"({"max_length": 0})", "application/json", 400, "max_length"},
      {R"({"colour": "red"})", "application/json", 400, "colour"},
      {R"({"num_messages": 5})", "text/plain", 415, ""},
  };
  for (const auto& c : cases) {
    const auto reply = http_post(port_, "/produce-messages", c.body, c.content_type);
    EXPECT_EQ(reply.status, c.status) << c.body << " -> " << reply.body;
    const auto j = reply.json();
    ASSERT_TRUE(j.is_object()) << c.body << " -> " << reply.body;
    EXPECT_TRUE(j["error"].is_string()) << reply.body;
    if (!c.field.empty()) EXPECT_EQ(j["field"], c.field) << reply.body;
  }
  // The gateway is still serving, and the original's empty requests work.
  EXPECT_EQ(http_post(port_, "/produce-messages", "{}").status, 202);
  EXPECT_EQ(http_post(port_, "/produce-messages", "").status, 202);
  const auto monitor = http_get(port_, "/monitor").json();
  EXPECT_EQ(monitor["average_time_per_message"], -1.0) << "nothing finished yet: the original contract says -1";
  EXPECT_EQ(http_get(port_, "/no-such-path").status, 404);
  EXPECT_EQ(http_get(port_, "/produce-messages").status, 405);
}
