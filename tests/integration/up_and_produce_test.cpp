// The one-command demo and the campaign client, run exactly as a user runs them.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "os/paths.hpp"
#include "os/process.hpp"
#include "support/broker_environment.hpp"
#include "support/services.hpp"
#include "support/smsim_cli.hpp"

using namespace smsim::test;


TEST(Up, BringsUpEverythingRunsTheCampaignAndStopsEverything) {
  const auto dir = smsim::os::make_temp_dir("smsim-it-up");
  const auto port = std::to_string(smsim::os::pick_free_port());
  const auto kafka_port = std::to_string(smsim::os::pick_free_port());
  const auto result = run_smsim({"up", "--config", SMSIM_TEST_DATA "/tiny-up.toml", "--port", port, "--kafka-port",
                                 kafka_port, "--state-dir", dir.string(), "--exit-when-done"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("starting the local Kafka broker"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("http://127.0.0.1:" + port), std::string::npos) << result.output;
  // The last progress line: all 300 finished, sent + failed adding up.
  const std::regex done_line(R"(100\.0%  sent (\d+)  failed (\d+)  in flight 0 .* done)");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(result.output, match, done_line)) << result.output;
  EXPECT_EQ(std::stoi(match[1]) + std::stoi(match[2]), 300) << match[0];
  EXPECT_NE(result.output.find("stopped"), std::string::npos) << result.output;
  EXPECT_EQ(processes_mentioning({dir.string()}), 0) << "up must stop the broker and every service it started";
  std::filesystem::remove_all(dir);
}

TEST(Up, StartsTheConfiguredSmscAndSendsThroughIt) {
  const auto dir = smsim::os::make_temp_dir("smsim-it-up-smpp");
  const auto port = std::to_string(smsim::os::pick_free_port());
  const auto kafka_port = std::to_string(smsim::os::pick_free_port());
  // --smsc-port P puts the SMSC's /metrics on P+1: both must be free.
  auto smsc_port = smsim::os::pick_free_port();
  while (smsc_port >= 65535 || !smsim::os::tcp_port_is_free("127.0.0.1", static_cast<std::uint16_t>(smsc_port + 1))) {
    smsc_port = smsim::os::pick_free_port();
  }
  const auto result = run_smsim({"up", "--config", SMSIM_TEST_DATA "/tiny-smpp-up.toml", "--port", port, "--kafka-port",
                                 kafka_port, "--smsc-port", std::to_string(smsc_port), "--state-dir", dir.string(),
                                 "--exit-when-done"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("smsc: 127.0.0.1:" + std::to_string(smsc_port)), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("SMPP transceiver to 127.0.0.1:" + std::to_string(smsc_port) + " as 'tiny'"),
            std::string::npos)
      << result.output;
  const std::regex done_line(R"(100\.0%  sent (\d+)  failed (\d+)  in flight 0 .* done)");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(result.output, match, done_line)) << result.output;
  EXPECT_EQ(std::stoi(match[1]) + std::stoi(match[2]), 300) << match[0];
  EXPECT_GT(std::stoi(match[2]), 0) << "the SMSC's failure rate shows";
  // The SMSC saw the parts: its log names the binds, the senders' logs the sessions.
  EXPECT_NE(smsim::os::tail_of_file(dir / "up-logs" / "sender-smpp.log", 200).find("bound to 127.0.0.1"),
            std::string::npos);
  EXPECT_EQ(processes_mentioning({dir.string()}), 0) << "up must stop the broker and every service it started";
  EXPECT_EQ(processes_mentioning({"smsc", "--port", std::to_string(smsc_port)}), 0) << "and the SMSC";
  std::filesystem::remove_all(dir);
}

TEST(Produce, StartsACampaignAndFollowsItToTheEnd) {
  const auto dir = smsim::os::make_temp_dir("smsim-it-produce");
  const int port = smsim::os::pick_free_port();
  IsolatedNames names("produce");
  auto gateway_args = std::vector<std::string>{"gateway", "--port", std::to_string(port)};
  for (const auto& f : names.gateway_flags()) gateway_args.push_back(f);
  ServiceProcess gateway("gateway", gateway_args, dir / "gateway.log");
  auto sender_args = std::vector<std::string>{"sender", "--senders", "2", "--mean", "1ms", "--stddev", "0s",
                                              "--distribution", "constant", "--failure-rate", "0.5"};
  for (const auto& f : names.sender_flags()) sender_args.push_back(f);
  ServiceProcess sender("sender", sender_args, dir / "sender.log");
  poll_json(port, "/monitor", [](const nlohmann::json& m) { return m.value("live_senders", 0) >= 2; },
            std::chrono::seconds(60));

  const auto url = "http://127.0.0.1:" + std::to_string(port);
  const auto result = run_smsim({"produce", "--gateway", url, "-n", "500", "--timeout", "120s"});
  EXPECT_EQ(result.exit_code, 0) << result.output << gateway.log_tail() << sender.log_tail();
  EXPECT_NE(result.output.find("accepted: 500 messages"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("done"), std::string::npos) << result.output;
  const auto monitor = http_get(port, "/monitor").json();
  EXPECT_EQ(monitor["messages_sent"].get<int>() + monitor["messages_failed"].get<int>(), 500);

  const auto bad = run_smsim({"produce", "--gateway", url, "--max-length", "0"});
  EXPECT_NE(bad.exit_code, 0) << bad.output;
  const auto unreachable = run_smsim({"produce", "--gateway", "http://127.0.0.1:1", "-n", "5"});
  EXPECT_EQ(unreachable.exit_code, 1) << unreachable.output;
  EXPECT_NE(unreachable.output.find("cannot reach the gateway"), std::string::npos) << unreachable.output;
  std::filesystem::remove_all(dir);
}
