// Fault scenarios against a real broker, each printing how many messages were accepted, finished,
// lost and double-counted, and how long the system took to recover. The bar in every scenario:
// 0 lost, 0 counted twice, every accepted message finished. "Lost" and "double-counted" are
// checked independently of the gateway, by reading the status topic (support/status_audit).
//
// SMSIM_RELIABILITY_MESSAGES sets the campaign size (CI's short form: the default; `make
// reliability`: larger). main() prints the table after the last scenario.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <set>
#include <thread>

#include "os/paths.hpp"
#include "kafka/producer.hpp"
#include "os/process.hpp"
#include "support/broker_environment.hpp"
#include "support/services.hpp"
#include "support/status_audit.hpp"

using namespace smsim::test;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

struct Row {
  std::string scenario;
  std::uint64_t accepted = 0, finished = 0, lost = 0, double_counted = 0;
  double recover_s = 0;
};
std::vector<Row>& table() {
  static std::vector<Row> rows;
  return rows;
}

std::uint64_t campaign_size() {
  const char* env = std::getenv("SMSIM_RELIABILITY_MESSAGES");
  return env ? std::strtoull(env, nullptr, 10) : 3000;
}

std::uint64_t finished_of(const json& m) {
  return m.value("messages_sent", std::uint64_t{0}) + m.value("messages_failed", std::uint64_t{0});
}

class Reliability : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = smsim::os::make_temp_dir("smsim-rel");
    port_ = smsim::os::pick_free_port();
    count_ = campaign_size();
  }
  void TearDown() override {
    if (HasFailure()) {
      for (auto* p : {gateway_.get(), a_.get(), b_.get(), smsc_.get()}) {
        if (p) std::cout << p->log_tail(25) << "\n";
      }
    }
    a_.reset();
    b_.reset();
    smsc_.reset();
    gateway_.reset();
    std::filesystem::remove_all(dir_);
  }

  void start_gateway() {
    auto args = std::vector<std::string>{"gateway", "--port", std::to_string(port_)};
    for (const auto& f : names_.gateway_flags()) args.push_back(f);
    gateway_ = std::make_unique<ServiceProcess>("gateway", args, dir_ / ("gateway-" + std::to_string(runs_++) + ".log"));
    const auto h = poll_json(port_, "/healthz", [](const json& j) { return j.value("status", "") == "ok"; },
                             std::chrono::seconds(90));
    ASSERT_EQ(h.value("status", ""), "ok") << gateway_->log_tail();
  }
  std::unique_ptr<ServiceProcess> start_sender(const std::string& name, int threads, const std::string& mean,
                                               const std::string& failure) {
    auto args = std::vector<std::string>{"sender", "--name", name, "--senders", std::to_string(threads), "--mean", mean,
                                         "--stddev", "1ms", "--failure-rate", failure, "--no-delivery-reports"};
    for (const auto& f : names_.sender_flags()) args.push_back(f);
    return std::make_unique<ServiceProcess>(name, args, dir_ / (name + "-" + std::to_string(runs_++) + ".log"));
  }
  void start_all() {
    start_gateway();
    a_ = start_sender("a", 2, "2ms", "0.05");
    b_ = start_sender("b", 1, "4ms", "0.2");
    poll_json(port_, "/monitor", [](const json& m) { return m.value("live_senders", 0) >= 3; }, std::chrono::seconds(60));
    const auto accepted = http_post(port_, "/produce-messages", json{{"num_messages", count_}}.dump());
    ASSERT_EQ(accepted.status, 202) << accepted.body;
    campaign_ = accepted.json()["campaign_id"].get<std::string>();
  }
  json monitor() { return http_get(port_, "/monitor").json(); }
  void wait_until_finished_at_least(std::uint64_t n) {
    poll_json(port_, "/monitor", [n](const json& m) { return finished_of(m) >= n; }, std::chrono::seconds(120));
  }
  // Seconds until `recovered()` holds, polled every 100 ms (at most 120 s).
  static double time_until(const std::function<bool()>& recovered) {
    const auto start = Clock::now();
    while (!recovered() && Clock::now() - start < std::chrono::seconds(120)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return std::chrono::duration<double>(Clock::now() - start).count();
  }
  // Client ids of the sender group's members that own at least one partition now.
  std::set<std::string> members_with_partitions() {
    std::set<std::string> ids;
    const auto overview = http_get(port_, "/api/kafka/overview").json();
    if (!overview.contains("sender_group")) return ids;
    for (const auto& m : overview["sender_group"]["members"]) {
      if (!m["partitions"].empty()) ids.insert(m["client_id"].get<std::string>());
    }
    return ids;
  }
  // A member of program `name` (client ids are "<name>-<n>-<incarnation>") owns partitions and,
  // with `exclude`, is not one of those.
  bool program_has_partitions(const std::string& name, const std::set<std::string>& exclude = {}) {
    for (const auto& id : members_with_partitions()) {
      if (id.rfind(name + "-", 0) == 0 && exclude.count(id) == 0) return true;
    }
    return false;
  }

  // Waits for the end, audits the status topic, records and checks the row.
  void finish(const std::string& scenario, double recover_s) {
    auto m = poll_json(port_, "/monitor", [this](const json& j) { return finished_of(j) >= count_; },
                       std::chrono::seconds(300));
    std::this_thread::sleep_for(std::chrono::seconds(2));  // anything late would show up now
    m = monitor();
    const auto audit = audit_campaign(BrokerEnvironment::client_config(), names_.status, campaign_, count_);
    Row row{scenario, count_, finished_of(m), count_ - audit.distinct,
            finished_of(m) > audit.distinct ? finished_of(m) - audit.distinct : 0, recover_s};
    table().push_back(row);
    EXPECT_EQ(row.finished, count_) << m.dump();
    EXPECT_EQ(row.lost, 0u) << "first message without a status: index " << audit.first_missing;
    EXPECT_EQ(row.double_counted, 0u);
    EXPECT_EQ(m["messages_in_flight"], 0);
    std::cout << "[ scenario ] " << scenario << ": status records " << audit.records << " for " << audit.distinct
              << " messages; gateway ignored " << m["duplicates_ignored"] << " duplicate report(s)\n";
  }

  IsolatedNames names_{"rel"};
  std::filesystem::path dir_;
  int port_ = 0;
  int runs_ = 0;
  std::uint64_t count_ = 0;
  std::string campaign_;
  std::unique_ptr<ServiceProcess> gateway_, a_, b_, smsc_;
};

}  // namespace

TEST_F(Reliability, SenderKilledAndRestarted) {
  start_all();
  wait_until_finished_at_least(count_ / 3);
  const auto before = members_with_partitions();
  b_->kill_hard();
  b_ = start_sender("b", 1, "4ms", "0.2");
  // Back to full strength: the restarted program owns partitions again (Kafka first waits out the
  // killed member's 10 s session).
  const double recover = time_until([&] { return program_has_partitions("b", before); });
  finish("sender SIGKILL + restart", recover);
}

TEST_F(Reliability, GatewayKilledAndRestarted) {
  start_all();
  wait_until_finished_at_least(count_ / 3);
  gateway_->kill_hard();
  const auto killed_at = Clock::now();
  start_gateway();  // returns once it answers, i.e. after replaying the status topic
  const auto at_restart = finished_of(monitor());
  time_until([&] { return finished_of(monitor()) > at_restart; });
  // From the kill to progress again: restart, replay and resumed dispatch.
  const double recover = std::chrono::duration<double>(Clock::now() - killed_at).count();
  finish("gateway SIGKILL + restart", recover);
}

TEST_F(Reliability, BrokerStoppedAndStarted) {
  start_all();
  wait_until_finished_at_least(count_ / 3);
  auto& broker = BrokerEnvironment::broker();
  ASSERT_TRUE(broker.stop());
  std::this_thread::sleep_for(std::chrono::seconds(3));
  broker.start();
  const auto at_restart = finished_of(monitor());
  const double recover = time_until([&] { return finished_of(monitor()) > at_restart; });
  finish("broker stop + start", recover);
}

TEST_F(Reliability, SenderHungLongerThanTheSessionTimeout) {
  start_all();
  wait_until_finished_at_least(count_ / 3);
  ::kill(b_->pid(), SIGSTOP);
  std::this_thread::sleep_for(std::chrono::seconds(14));  // session.timeout.ms is 10 s
  ASSERT_FALSE(program_has_partitions("b")) << "the hung sender should have been thrown out of the group";
  ::kill(b_->pid(), SIGCONT);
  const double recover = time_until([&] { return program_has_partitions("b"); });
  finish("sender SIGSTOP 14 s + SIGCONT", recover);
}

TEST_F(Reliability, PoisonRecordsAreDeadLetteredAndStopNothing) {
  start_all();
  // Garbage on every topic smsim consumes, in the middle of a campaign.
  smsim::kafka::Producer producer(BrokerEnvironment::client_config(), {}, nullptr);
  const std::vector<std::string> poison = {"not json", "[1,2,3]", R"({"type":"status","message_id":5})",
                                           R"({"id":"x"})", std::string(100 * 1024, '{')};
  for (const auto& value : poison) {
    producer.produce(names_.messages, 0, "poison", value);
    producer.produce(names_.status, smsim::kafka::Producer::kAnyPartition, "poison", value);
  }
  ASSERT_TRUE(producer.flush(10'000));
  finish("poison records on every topic", 0);
  const auto metrics = http_get(port_, "/metrics").body;
  const std::string sample = "\nsmsim_dead_letters_total ";
  const auto at = metrics.find(sample);
  ASSERT_NE(at, std::string::npos) << metrics;
  const auto dead = std::stoull(metrics.substr(at + sample.size()));
  EXPECT_GE(dead, 2 * poison.size()) << "every poison record is dead-lettered once (by coordinates)";
  EXPECT_TRUE(gateway_->alive() && a_->alive() && b_->alive()) << "nothing may crash";
}

// The SMSC a pool of SMPP senders submits to is SIGKILLed mid-campaign and restarted on its port:
// the senders reconnect and rebind by themselves and send again every submit_sm that had no answer.
// Each message is still counted once (the audit reads the status topic), and the resends must
// have happened (the senders' heartbeats count them), so the kill did hit messages in flight.
TEST_F(Reliability, SmscKilledAndRestarted) {
  const int smsc_port = smsim::os::pick_free_port();
  const auto start_smsc = [&] {
    return std::make_unique<ServiceProcess>(
        "smsc",
        // Answers take 200 ms: each session's window of 50 is full whenever the kill comes, so
        // there are always submit_sm without an answer to send again.
        std::vector<std::string>{"smsc", "--port", std::to_string(smsc_port), "--metrics-port", "-1", "--mean", "200ms",
                                 "--stddev", "20ms", "--failure-rate", "0.05", "--receipt-delay", "100ms"},
        dir_ / ("smsc-" + std::to_string(runs_++) + ".log"));
  };
  const auto smpp_resent = [&] {
    std::uint64_t resent = 0, reconnects = 0;
    const auto m = monitor();  // named: iterating a member of a temporary would dangle
    for (const auto& s : m["senders"]) {
      if (!s["settings"].is_object() || !s["settings"].contains("smpp")) continue;
      resent += s["settings"]["smpp"].value("resent", std::uint64_t{0});
      reconnects += s["settings"]["smpp"].value("reconnects", std::uint64_t{0});
    }
    return std::pair{resent, reconnects};
  };
  start_gateway();
  smsc_ = start_smsc();
  auto args = std::vector<std::string>{"sender", "--name", "smpp", "--senders", "2", "--smsc",
                                       "127.0.0.1:" + std::to_string(smsc_port), "--window", "50"};
  for (const auto& f : names_.sender_flags()) args.push_back(f);
  a_ = std::make_unique<ServiceProcess>("smpp", args, dir_ / ("smpp-" + std::to_string(runs_++) + ".log"));
  poll_json(port_, "/monitor", [](const json& m) { return m.value("live_senders", 0) >= 2; }, std::chrono::seconds(60));
  const auto accepted = http_post(port_, "/produce-messages", json{{"num_messages", count_}}.dump());
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  campaign_ = accepted.json()["campaign_id"].get<std::string>();

  wait_until_finished_at_least(count_ / 3);
  smsc_->kill_hard();
  const auto at_kill = finished_of(monitor());
  ASSERT_LT(at_kill, count_) << "the SMSC must die mid-campaign";
  ASSERT_GE(at_kill, count_ / 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the senders find it gone and retry
  smsc_ = start_smsc();
  const auto at_restart = finished_of(monitor());
  const double recover = time_until([&] { return finished_of(monitor()) > at_restart; });
  finish("smsc SIGKILL + restart", recover);
  // Heartbeats lag by up to a second: wait for them to show the resends.
  std::pair<std::uint64_t, std::uint64_t> counts{0, 0};
  time_until([&] {
    counts = smpp_resent();
    return counts.first > 0 && counts.second > 0;
  });
  EXPECT_GT(counts.second, 0u) << "the senders reconnected";
  EXPECT_GT(counts.first, 0u) << "submit_sm without an answer at the kill were sent again";
  std::cout << "[ scenario ] smsc SIGKILL + restart: finished " << at_kill << " of " << count_ << " at the kill; "
            << counts.first << " submit_sm resent over " << counts.second << " reconnect(s)\n";
}

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new BrokerEnvironment);
  const int result = RUN_ALL_TESTS();
  std::printf("\nReliability (%llu messages per scenario)\n", static_cast<unsigned long long>(campaign_size()));
  std::printf("%-32s %9s %9s %6s %15s %12s\n", "scenario", "accepted", "finished", "lost", "double-counted",
              "recovery (s)");
  for (const auto& r : table()) {
    std::printf("%-32s %9llu %9llu %6llu %15llu %12.1f\n", r.scenario.c_str(),
                static_cast<unsigned long long>(r.accepted), static_cast<unsigned long long>(r.finished),
                static_cast<unsigned long long>(r.lost), static_cast<unsigned long long>(r.double_counted), r.recover_s);
  }
  return result;
}
