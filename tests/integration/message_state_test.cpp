// Message state like a real gateway, on a real broker: long messages in parts, submit responses,
// the aggregate-and-join to SENT/FAILED, delivery reports to DELIVERED/UNDELIVERED/EXPIRED — and
// the same final totals when the gateway is killed (SIGKILL) mid-campaign and started again.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <thread>

#include "domain/message_generator.hpp"
#include "domain/segmentation.hpp"
#include "os/paths.hpp"
#include "os/process.hpp"
#include "support/broker_environment.hpp"
#include "support/services.hpp"

using namespace smsim::test;
using nlohmann::json;

namespace {

constexpr int kMessages = 2000;
constexpr std::uint64_t kSeed = 20261121;

class MessageState : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = smsim::os::make_temp_dir("smsim-it-state");
    port_ = smsim::os::pick_free_port();
  }
  void TearDown() override {
    if (HasFailure()) {
      for (auto* p : {gateway_.get(), senders_.get()}) {
        if (p) std::cout << p->log_tail(30) << "\n";
      }
    }
    senders_.reset();
    gateway_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::vector<std::string> topic_flags() const {
    auto flags = names_.gateway_flags();
    flags.insert(flags.end(), {"--topic-delivery-reports", reports_, "--topic-message-status", states_});
    return flags;
  }

  void start_gateway(int run) {
    auto args = std::vector<std::string>{"gateway", "--port", std::to_string(port_)};
    for (const auto& f : topic_flags()) args.push_back(f);
    gateway_ = std::make_unique<ServiceProcess>("gateway", args, dir_ / ("gateway-" + std::to_string(run) + ".log"));
    const auto health = poll_json(port_, "/healthz", [](const json& j) { return j.value("status", "") == "ok"; },
                                  std::chrono::seconds(90));
    ASSERT_EQ(health.value("status", ""), "ok") << gateway_->log_tail();
  }

  void start_senders() {
    auto args = std::vector<std::string>{"sender",   "--name",          "parts",  "--senders", "2",
                                         "--mean",   "1ms",             "--stddev", "0s",      "--distribution",
                                         "constant", "--failure-rate",  "0.02",   "--window",  "4",
                                         "--report-delay", "100ms",     "--delivered", "0.9",  "--undelivered",
                                         "0.06",     "--expired",       "0.04"};
    for (const auto& f : names_.sender_flags()) args.push_back(f);
    args.insert(args.end(), {"--topic-delivery-reports", reports_});
    senders_ = std::make_unique<ServiceProcess>("senders", args, dir_ / "senders.log");
  }

  static std::uint64_t finals(const json& funnel) {
    return funnel.value("delivered", 0ULL) + funnel.value("failed", 0ULL) + funnel.value("undelivered", 0ULL) +
           funnel.value("expired", 0ULL);
  }

  json wait_for_all_final(std::chrono::seconds timeout) {
    return poll_json(port_, "/monitor",
                     [](const json& m) { return m.contains("funnel") && finals(m["funnel"]) >= kMessages; }, timeout);
  }

  // Parts per message as the product promises: exactly what the segmentation says for each text.
  static std::map<std::string, std::uint64_t> expected_parts(const std::string& campaign_id) {
    smsim::domain::MessageGenerator generator(campaign_id, kSeed, {1, 500, smsim::domain::Alphabet::Mixed});
    std::map<std::string, std::uint64_t> histogram;
    for (std::uint64_t i = 0; i < kMessages; ++i) {
      ++histogram[std::to_string(smsim::domain::billed_parts(generator.at(i).content))];
    }
    return histogram;
  }

  void expect_exact_funnel(const json& monitor, const std::string& campaign_id) {
    const auto& funnel = monitor["funnel"];
    EXPECT_EQ(funnel["messages"], kMessages) << funnel.dump();
    EXPECT_EQ(finals(funnel), static_cast<std::uint64_t>(kMessages)) << funnel.dump();
    EXPECT_EQ(funnel["pending"], 0) << funnel.dump();
    EXPECT_EQ(funnel["sent"], 0) << funnel.dump();
    EXPECT_GT(funnel["delivered"].get<int>(), 0);
    EXPECT_GT(funnel["undelivered"].get<int>(), 0);
    EXPECT_GT(funnel["expired"].get<int>(), 0);
    EXPECT_GT(funnel["failed"].get<int>(), 0);
    std::map<std::string, std::uint64_t> parts;
    for (const auto& [n, count] : funnel["parts_per_message"].items()) parts[n] = count.get<std::uint64_t>();
    EXPECT_EQ(parts, expected_parts(campaign_id));
    // The whole-message counts (FAILED vs the rest) agree with the senders' own status records.
    EXPECT_EQ(funnel["failed"].get<std::uint64_t>(), monitor["messages_failed"].get<std::uint64_t>());
    EXPECT_EQ(monitor["messages_sent"].get<std::uint64_t>() + monitor["messages_failed"].get<std::uint64_t>(),
              static_cast<std::uint64_t>(kMessages));
  }

  IsolatedNames names_{"state"};
  std::string reports_ = smsim::test::unique_name("state-reports");
  std::string states_ = smsim::test::unique_name("state-status");
  std::filesystem::path dir_;
  int port_ = 0;
  std::unique_ptr<ServiceProcess> gateway_, senders_;
};

json start_campaign(int port) {
  const auto accepted = http_post(port, "/produce-messages",
                                  json{{"num_messages", kMessages}, {"min_length", 1}, {"max_length", 500},
                                       {"alphabet", "mixed"}, {"seed", kSeed}}
                                      .dump());
  EXPECT_EQ(accepted.status, 202) << accepted.body;
  return accepted.json();
}

}  // namespace

TEST_F(MessageState, LongMessagesInPartsReachExactlyOneFinalState) {
  start_gateway(0);
  start_senders();
  poll_json(port_, "/monitor", [](const json& m) { return m.value("live_senders", 0) >= 2; }, std::chrono::seconds(60));

  // One long message by hand: 400 GSM-7 characters are 3 parts.
  const auto one = http_post(port_, "/api/messages", json{{"to", "+4915112345678"}, {"text", std::string(400, 'x')}}.dump());
  ASSERT_EQ(one.status, 202) << one.body;
  EXPECT_EQ(one.json()["parts"], 3);
  const auto id = one.json()["message_id"].get<std::string>();
  const auto lifecycle = poll_json(port_, "/api/messages/" + id, [](const json& m) {
    // ACCEPTED (from the 202 until the tracker has it), PENDING and SENT are not final.
    return m.contains("state") && m["state"] != "ACCEPTED" && m["state"] != "PENDING" && m["state"] != "SENT";
  }, std::chrono::seconds(60));
  ASSERT_TRUE(lifecycle.contains("parts")) << lifecycle.dump();
  EXPECT_EQ(lifecycle["total_parts"], 3);
  EXPECT_EQ(lifecycle["parts"].size(), 3u);
  EXPECT_EQ(lifecycle["text"], std::string(400, 'x'));
  EXPECT_EQ(lifecycle["history"][0]["state"], "PENDING");
  if (lifecycle["state"] != "FAILED") {
    for (const auto& p : lifecycle["parts"]) EXPECT_TRUE(p["supplier_message_id"].is_string()) << lifecycle.dump();
    EXPECT_EQ(lifecycle["history"][1]["state"], "SENT") << lifecycle.dump();
  }
  EXPECT_EQ(http_post(port_, "/api/messages", R"({"to": "12345", "text": "x"})").json()["field"], "to");
  EXPECT_EQ(http_post(port_, "/api/messages", R"({"to": "+4915112345678", "text": ""})").json()["field"], "text");

  // The campaign: 2,000 messages of 1..500 characters, GSM-7 and UCS-2 mixed.
  const auto campaign = start_campaign(port_)["campaign_id"].get<std::string>();
  auto monitor = wait_for_all_final(std::chrono::seconds(240));
  ASSERT_TRUE(monitor.contains("funnel")) << monitor.dump();
  // The single message is a campaign of its own; subtract it from the funnel before comparing.
  const auto single_state = http_get(port_, "/api/messages/" + id).json()["state"].get<std::string>();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  monitor = http_get(port_, "/monitor").json();
  auto& funnel = monitor["funnel"];
  funnel["messages"] = funnel["messages"].get<int>() - 1;
  std::string key = single_state == "DELIVERED" ? "delivered" : single_state == "FAILED" ? "failed"
                  : single_state == "EXPIRED" ? "expired" : "undelivered";
  funnel[key] = funnel[key].get<int>() - 1;
  funnel["parts_per_message"]["3"] = funnel["parts_per_message"]["3"].get<int>() - 1;
  if (single_state == "FAILED") monitor["messages_failed"] = monitor["messages_failed"].get<int>() - 1;
  else monitor["messages_sent"] = monitor["messages_sent"].get<int>() - 1;
  expect_exact_funnel(monitor, campaign);
}

TEST_F(MessageState, GatewayKilledMidCampaignGivesTheSameFinalTotals) {
  start_gateway(0);
  start_senders();
  poll_json(port_, "/monitor", [](const json& m) { return m.value("live_senders", 0) >= 2; }, std::chrono::seconds(60));
  const auto campaign = start_campaign(port_)["campaign_id"].get<std::string>();
  poll_json(port_, "/monitor", [](const json& m) { return m.value("messages_sent", 0) >= kMessages / 4; },
            std::chrono::seconds(120));
  gateway_->kill_hard();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  start_gateway(1);
  auto monitor = wait_for_all_final(std::chrono::seconds(240));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  monitor = http_get(port_, "/monitor").json();
  expect_exact_funnel(monitor, campaign);
  std::cout << "[ figures  ] after gateway SIGKILL: funnel " << monitor["funnel"].dump()
            << ", duplicate reports ignored " << monitor["duplicates_ignored"] << "\n";
}
