#include "reliability/scenario_support.hpp"

#include <httplib.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "os/paths.hpp"
#include "support/status_audit.hpp"

namespace smsim::test {
using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::vector<ScenarioRow>& scenario_table() {
  static std::vector<ScenarioRow> rows;
  return rows;
}

void print_scenario_table(const std::string& title) {
  std::printf("\n%s (%llu messages per scenario)\n", title.c_str(), static_cast<unsigned long long>(campaign_size()));
  std::printf("%-44s %9s %9s %6s %15s %13s %9s\n", "scenario", "accepted", "finished", "lost", "double-counted",
              "failover (s)", "back (s)");
  for (const auto& r : scenario_table()) {
    std::printf("%-44s %9llu %9llu %6llu %15llu %13.1f %9.1f\n", r.scenario.c_str(),
                static_cast<unsigned long long>(r.accepted), static_cast<unsigned long long>(r.finished),
                static_cast<unsigned long long>(r.lost), static_cast<unsigned long long>(r.double_counted),
                r.failover_s, r.back_s);
  }
}

std::uint64_t campaign_size() {
  const char* env = std::getenv("SMSIM_RELIABILITY_MESSAGES");
  return env ? std::strtoull(env, nullptr, 10) : 3000;
}

std::optional<double> seconds_until(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto start = Clock::now();
  while (Clock::now() - start < limit) {
    if (done()) return std::chrono::duration<double>(Clock::now() - start).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return std::nullopt;
}

HttpReply http_get_at(const std::string& host, int port, const std::string& path) {
  httplib::Client client(host, port);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(10, 0);
  auto res = client.Get(path.c_str());
  if (!res) return {};
  return {res->status, res->body};
}

HttpReply http_post_at(const std::string& host, int port, const std::string& path, const std::string& body) {
  httplib::Client client(host, port);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(20, 0);
  auto res = client.Post(path.c_str(), body, "application/json");
  if (!res) return {};
  return {res->status, res->body};
}

CampaignRig::CampaignRig(kafka::ClientConfig cluster, const std::string& tag)
    : cluster_(std::move(cluster)), names_(tag), dir_(os::make_temp_dir("smsim-" + tag)) {}

CampaignRig::~CampaignRig() {
  senders_.clear();
  gateway_.reset();
  if (::testing::Test::HasFailure()) {
    std::printf("[ logs     ] kept in %s\n", dir_.c_str());  // whole logs: the tails above are short
  } else {
    std::filesystem::remove_all(dir_);
  }
}

std::vector<std::string> CampaignRig::topic_flags(bool gateway) const {
  std::vector<std::string> flags = {"--bootstrap-servers", cluster_.bootstrap_servers, "--topic-messages",
                                    names_.messages, "--topic-status", names_.status};
  if (gateway) {
    flags.insert(flags.end(), {"--topic-campaigns", names_.campaigns, "--sender-group", names_.group});
  } else {
    flags.insert(flags.end(), {"--group", names_.group});
  }
  return flags;
}

void CampaignRig::start_gateway(const std::string& host, int port, const std::string& netns) {
  host_ = host;
  port_ = port;
  auto args = std::vector<std::string>{"gateway", "--host", host, "--port", std::to_string(port)};
  for (const auto& f : topic_flags(true)) args.push_back(f);
  gateway_ = std::make_unique<ServiceProcess>("gateway", args, dir_ / "gateway.log", ServiceProcess::Program::Smsim, netns);
  const auto answered = seconds_until([&] { return http_get_at(host_, port_, "/healthz").status == 200; },
                                      std::chrono::seconds(90));
  ASSERT_TRUE(answered) << "the gateway did not answer at " << host << ":" << port << "\n" << gateway_->log_tail();
}

ServiceProcess& CampaignRig::start_sender(const std::string& name, int threads, const std::string& mean,
                                          std::vector<std::string> extra, const std::string& netns) {
  auto args = std::vector<std::string>{"sender", "--name", name, "--senders", std::to_string(threads), "--mean", mean,
                                       "--stddev", "1ms"};
  for (const auto& f : topic_flags(false)) args.push_back(f);
  for (auto& e : extra) args.push_back(std::move(e));
  const auto log = dir_ / (name + "-" + std::to_string(senders_.size()) + ".log");
  senders_.push_back(std::make_unique<ServiceProcess>(name, args, log, ServiceProcess::Program::Smsim, netns));
  return *senders_.back();
}

void CampaignRig::start_campaign(std::uint64_t count, int live_senders) {
  count_ = count;
  const auto joined = seconds_until([&] { return monitor().value("live_senders", 0) >= live_senders; },
                                    std::chrono::seconds(90));
  ASSERT_TRUE(joined) << "fewer than " << live_senders << " senders became live\n" << logs();
  const auto accepted = http_post_at(host_, port_, "/produce-messages", json{{"num_messages", count}}.dump());
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  campaign_ = accepted.json()["campaign_id"].get<std::string>();
}

json CampaignRig::monitor() const { return http_get_at(host_, port_, "/monitor").json(); }

std::uint64_t CampaignRig::finished() const {
  const auto m = monitor();
  if (!m.is_object()) return 0;
  return m.value("messages_sent", std::uint64_t{0}) + m.value("messages_failed", std::uint64_t{0});
}

void CampaignRig::wait_finished_at_least(std::uint64_t n, std::chrono::seconds limit) {
  const auto reached = seconds_until([&] { return finished() >= n; }, limit);
  ASSERT_TRUE(reached) << "only " << finished() << " of " << n << " finished\n" << logs();
}

std::map<int, std::string> CampaignRig::partition_owners() const {
  std::map<int, std::string> owners;
  const auto overview = http_get_at(host_, port_, "/api/kafka/overview").json();
  if (!overview.is_object() || !overview.contains("sender_group") || overview["sender_group"].is_null()) return owners;
  for (const auto& m : overview["sender_group"]["members"]) {
    for (const auto& p : m["partitions"]) owners[p.get<int>()] = m["host"].get<std::string>();
  }
  return owners;
}

ScenarioRow CampaignRig::finish(const std::string& scenario) {
  ScenarioRow row{scenario, count_};
  const auto done = seconds_until([&] { return finished() >= count_; }, std::chrono::seconds(300));
  EXPECT_TRUE(done) << "the campaign did not finish: " << finished() << " of " << count_ << "\n" << logs();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // anything late would show up now
  const auto m = monitor();
  const auto audit = audit_campaign(cluster_, names_.status, campaign_, count_);
  row.finished = finished();
  row.lost = count_ - audit.distinct;
  row.double_counted = row.finished > audit.distinct ? row.finished - audit.distinct : 0;
  EXPECT_EQ(row.finished, count_) << m.dump();
  EXPECT_EQ(row.lost, 0u) << "first message without a status: index " << audit.first_missing;
  EXPECT_EQ(row.double_counted, 0u);
  EXPECT_EQ(m.value("messages_in_flight", -1), 0);
  std::printf("[ scenario ] %s: status records %llu for %llu messages; gateway ignored %s duplicate report(s)\n",
              scenario.c_str(), static_cast<unsigned long long>(audit.records),
              static_cast<unsigned long long>(audit.distinct), m.value("duplicates_ignored", json(0)).dump().c_str());
  return row;
}

std::string CampaignRig::logs() const {
  std::string out;
  if (gateway_) out += gateway_->log_tail(25) + "\n";
  for (const auto& s : senders_) out += s->log_tail(15) + "\n";
  return out;
}

}  // namespace smsim::test
