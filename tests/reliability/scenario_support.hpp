#pragma once
// What the scale-out scenarios (cluster_test.cpp, netns_test.cpp) share: a gateway and sender
// programs on a given cluster, each possibly on a "host" of its own (a network namespace), a
// campaign, the audit at the end, and the table of results main() prints.
//
// The bar in every scenario: 0 lost, 0 counted twice, every accepted message finished. "Lost" and
// "double-counted" are checked independently of the gateway, by reading the status topic
// (support/status_audit). SMSIM_RELIABILITY_MESSAGES sets the campaign size (default 3000, the
// short form in `make test`; `make reliability` runs 20000).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kafka/client_config.hpp"
#include "support/services.hpp"

namespace smsim::test {

struct ScenarioRow {
  std::string scenario;
  std::uint64_t accepted = 0, finished = 0, lost = 0, double_counted = 0;
  double failover_s = 0;  // from the fault until the system routed around it
  double back_s = 0;      // from the repair until the repaired part carried its share again
};
std::vector<ScenarioRow>& scenario_table();
/// Prints the table (what `make reliability` shows).
void print_scenario_table(const std::string& title);

std::uint64_t campaign_size();

/// Seconds until `done()` holds, polled every 100 ms, at most `limit`; nullopt if it never did.
std::optional<double> seconds_until(const std::function<bool()>& done,
                                    std::chrono::seconds limit = std::chrono::seconds(120));

/// GET/POST against a service on any address (the gateway may live in another namespace).
HttpReply http_get_at(const std::string& host, int port, const std::string& path);
HttpReply http_post_at(const std::string& host, int port, const std::string& path, const std::string& body);

/// One gateway and its sender programs on one cluster, with topic and group names of their own.
/// Lifecycle: everything it started is stopped when it goes away (and dies with the test process).
class CampaignRig {
 public:
  CampaignRig(kafka::ClientConfig cluster, const std::string& tag);
  ~CampaignRig();

  /// Starts the gateway on host:port (inside `netns` when given) and waits until it answers.
  void start_gateway(const std::string& host, int port, const std::string& netns = {});
  /// Starts `smsim sender --name name -n threads --mean mean` plus `extra`, inside `netns` if given.
  ServiceProcess& start_sender(const std::string& name, int threads, const std::string& mean,
                               std::vector<std::string> extra = {}, const std::string& netns = {});
  /// Waits until `n` senders are live, then starts a campaign of `count` messages.
  void start_campaign(std::uint64_t count, int live_senders);

  nlohmann::json monitor() const;
  std::uint64_t finished() const;  // messages_sent + messages_failed of /monitor
  void wait_finished_at_least(std::uint64_t n, std::chrono::seconds limit = std::chrono::seconds(180));
  /// Partition of the messages topic -> the host (as Kafka saw it, e.g. "/10.231.0.4") of the
  /// sender group member that owns it, from the gateway's Kafka overview.
  std::map<int, std::string> partition_owners() const;

  /// Waits for the campaign to finish, audits the status topic, checks the bar and adds a row.
  ScenarioRow finish(const std::string& scenario);

  const kafka::ClientConfig& cluster() const { return cluster_; }
  const std::string& messages_topic() const { return names_.messages; }
  const std::string& status_topic() const { return names_.status; }
  const std::string& campaigns_topic() const { return names_.campaigns; }
  std::uint64_t count() const { return count_; }
  /// Log tails of every process, for failure messages.
  std::string logs() const;

 private:
  std::vector<std::string> topic_flags(bool gateway) const;

  kafka::ClientConfig cluster_;
  IsolatedNames names_;
  std::filesystem::path dir_;
  std::string host_;
  int port_ = 0;
  std::uint64_t count_ = 0;
  std::string campaign_;
  std::unique_ptr<ServiceProcess> gateway_;
  std::vector<std::unique_ptr<ServiceProcess>> senders_;
};

}  // namespace smsim::test
