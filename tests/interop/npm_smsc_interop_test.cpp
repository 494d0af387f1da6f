// Interop: `smsim sender --smsc` against an SMSC built on node's `smpp` package (node_smsc.js), an
// SMPP stack nobody here wrote. A campaign of 5,000 mixed GSM-7 / UCS-2 messages, long ones
// concatenated with UDH, goes through the gateway, Kafka and two SMPP sessions; the node SMSC
// refuses every 50th submit_sm. The gateway's totals must be exact (checked against the status
// topic), every submit_sm answered, every receipt the node sent acknowledged, and each one on the
// delivery-reports topic exactly once per part.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "os/paths.hpp"
#include "os/process.hpp"
#include "support/broker_environment.hpp"
#include "support/services.hpp"
#include "support/status_audit.hpp"

using namespace smsim::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kMessages = 5000;
const fs::path kInterop = SMSIM_INTEROP_DIR;

// node_modules of tests/interop, from the committed package-lock.json (npm ci), when missing or stale.
void ensure_node_packages() {
  const auto marker = kInterop / "node_modules" / ".package-lock.json";
  if (fs::exists(marker) && fs::last_write_time(marker) >= fs::last_write_time(kInterop / "package-lock.json")) return;
  const auto log = fs::temp_directory_path() / "smsim-interop-npm-ci.log";
  const int code = smsim::os::run_and_wait(
      {.argv = {"npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"}, .output_file = log, .working_directory = kInterop});
  ASSERT_EQ(code, 0) << "npm ci in tests/interop failed:\n" << smsim::os::tail_of_file(log, 20);
  fs::last_write_time(marker, fs::file_time_type::clock::now());
}

std::uint64_t finished_of(const json& m) {
  return m.value("messages_sent", std::uint64_t{0}) + m.value("messages_failed", std::uint64_t{0});
}

}  // namespace

TEST(NpmSmppInterop, SenderSendsACampaignThroughANodeSmppSmsc) {
  ensure_node_packages();
  if (HasFatalFailure()) return;
  const auto dir = smsim::os::make_temp_dir("smsim-interop-npm");
  const int smpp_port = smsim::os::pick_free_port();
  const int stats_port = smsim::os::pick_free_port();
  const int gateway_port = smsim::os::pick_free_port();
  IsolatedNames names("npm");
  const std::string reports = unique_name("npm-reports");

  ServiceProcess node("node-smsc",
                      {"node", (kInterop / "node_smsc.js").string(), "--port", std::to_string(smpp_port), "--stats-port",
                       std::to_string(stats_port), "--system-id", "interop", "--password", "secret"},
                      dir / "node-smsc.log", ServiceProcess::Program::AsGiven);
  const auto up = poll_json(stats_port, "/stats", [](const json& s) { return s.contains("binds"); }, std::chrono::seconds(30));
  ASSERT_TRUE(up.contains("binds")) << node.log_tail();

  auto gateway_args = std::vector<std::string>{"gateway", "--port", std::to_string(gateway_port),
                                               "--topic-delivery-reports", reports};
  for (const auto& f : names.gateway_flags()) gateway_args.push_back(f);
  ServiceProcess gateway("gateway", gateway_args, dir / "gateway.log");
  auto sender_args = std::vector<std::string>{"sender", "--name", "npm", "--senders", "2", "--smsc",
                                              "127.0.0.1:" + std::to_string(smpp_port), "--system-id", "interop",
                                              "--password", "secret", "--window", "20", "--topic-delivery-reports",
                                              reports};
  for (const auto& f : names.sender_flags()) sender_args.push_back(f);
  ServiceProcess sender("sender", sender_args, dir / "sender.log");

  const auto ready = poll_json(gateway_port, "/monitor", [](const json& m) { return m.value("live_senders", 0) >= 2; },
                               std::chrono::seconds(60));
  ASSERT_GE(ready.value("live_senders", 0), 2) << gateway.log_tail() << sender.log_tail();
  const auto bound = poll_json(stats_port, "/stats", [](const json& s) { return s.value("binds", 0) >= 2; },
                               std::chrono::seconds(30));
  ASSERT_EQ(bound.value("binds", 0), 2) << sender.log_tail() << node.log_tail();

  // Mixed alphabets and up to 300 characters: single and concatenated parts, GSM-7 and UCS-2.
  const auto accepted = http_post(gateway_port, "/produce-messages",
                                  json{{"num_messages", kMessages}, {"max_length", 300}, {"alphabet", "mixed"}}.dump());
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const auto campaign = accepted.json()["campaign_id"].get<std::string>();

  auto monitor = poll_json(gateway_port, "/monitor", [](const json& m) { return finished_of(m) >= kMessages; },
                           std::chrono::seconds(240));
  ASSERT_EQ(finished_of(monitor), kMessages) << monitor.dump() << sender.log_tail() << node.log_tail();
  // Receipts settle: every one the node sent is acknowledged (the sender acknowledges a receipt
  // only once its delivery report is durable in Kafka).
  const auto settled = poll_json(
      stats_port, "/stats",
      [](const json& s) {
        return s.value("receipts_sent", 0) == s.value("accepted", -1) &&
               s.value("receipts_acknowledged", 0) == s.value("receipts_sent", -1);
      },
      std::chrono::seconds(60));
  std::this_thread::sleep_for(std::chrono::seconds(2));  // anything late (a duplicate) would show now
  monitor = http_get(gateway_port, "/monitor").json();
  const auto stats = http_get(stats_port, "/stats").json();
  std::cout << "[ interop  ] node smsc: " << stats.dump() << "\n";

  // The gateway's totals, exact, and the same as an independent count of the status topic.
  EXPECT_EQ(finished_of(monitor), kMessages);
  const auto audit = audit_campaign(BrokerEnvironment::client_config(), names.status, campaign, kMessages);
  EXPECT_EQ(audit.distinct, kMessages) << "first message without a status: " << audit.first_missing;
  EXPECT_EQ(monitor["messages_in_flight"], 0);
  // The node refused every 50th submit_sm: each refusal fails one message (at most).
  const auto rejected = stats.value("rejected", std::uint64_t{0});
  const auto failed = monitor.value("messages_failed", std::uint64_t{0});
  EXPECT_GT(rejected, 0u);
  EXPECT_GT(failed, 0u);
  EXPECT_LE(failed, rejected);

  // What the node saw: well-formed parts of both encodings, long messages with UDH, every
  // submit_sm answered, no protocol errors.
  EXPECT_EQ(stats.value("accepted", 0) + stats.value("rejected", 0), stats.value("submit_sm", -1));
  EXPECT_GE(stats.value("submit_sm", std::uint64_t{0}), kMessages);
  EXPECT_GT(stats.value("parts_udh", 0), 0);
  EXPECT_GT(stats.value("ucs2_parts", 0), 0);
  EXPECT_GT(stats.value("gsm_parts", 0), 0);
  EXPECT_EQ(stats.value("udh_inconsistent", -1), 0);
  EXPECT_EQ(stats.value("submit_before_bind", -1), 0);
  EXPECT_TRUE(stats["errors"].empty()) << stats["errors"].dump();

  // Receipts counted: one per accepted part, each acknowledged, each on delivery-reports once.
  EXPECT_EQ(settled.value("receipts_sent", 0), stats.value("accepted", -1));
  EXPECT_EQ(stats.value("receipts_acknowledged", 0), stats.value("receipts_sent", -1));
  EXPECT_EQ(stats.value("receipts_refused", -1), 0);
  const auto report_audit = audit_delivery_reports(BrokerEnvironment::client_config(), reports, campaign);
  EXPECT_EQ(report_audit.distinct_parts, stats.value("receipts_acknowledged", std::uint64_t{0}));
  EXPECT_EQ(report_audit.records, report_audit.distinct_parts) << "no receipt was written twice";
  EXPECT_EQ(report_audit.unparsed, 0u);
  std::uint64_t heard = 0, unmatched = 0;
  for (const auto& s : monitor["senders"]) {
    if (!s["settings"].is_object() || !s["settings"].contains("smpp")) continue;
    heard += s["settings"]["smpp"].value("receipts", std::uint64_t{0});
    unmatched += s["settings"]["smpp"].value("receipts_unmatched", std::uint64_t{0});
  }
  EXPECT_EQ(unmatched, 0u);
  std::cout << "[ interop  ] gateway: sent " << monitor["messages_sent"] << ", failed " << failed
            << "; delivery reports " << report_audit.distinct_parts << " parts; senders heard " << heard
            << " receipts (heartbeats lag up to 1 s)\n";
  // A clean stop unbinds both sessions.
  EXPECT_EQ(sender.stop(), 0);
  const auto after = poll_json(stats_port, "/stats", [](const json& s) { return s.value("unbind", 0) >= 2; },
                               std::chrono::seconds(10));
  EXPECT_EQ(after.value("unbind", 0), 2) << "the sender unbinds each session when it stops";
  if (HasFailure()) std::cout << gateway.log_tail() << sender.log_tail() << node.log_tail();
  gateway.stop();
  node.stop();
  fs::remove_all(dir);
}

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new BrokerEnvironment);
  return RUN_ALL_TESTS();
}
