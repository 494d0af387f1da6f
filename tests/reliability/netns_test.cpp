// Senders on other hosts (issue 15): the brokers, the gateway and two sender programs each on a
// host of their own (network namespaces of scripts/netns-hosts.sh, built and removed by this test).
// Mid-campaign one sender host's link goes down (`ip link set eth0 down`): its partitions must move
// to the other host, nothing may be lost or counted twice, and the time it took is printed. Then the
// link comes back and the host takes its share again, without a late status being counted twice.
#include <gtest/gtest.h>

#include <thread>

#include "broker/local_broker.hpp"
#include "os/paths.hpp"
#include "reliability/scenario_support.hpp"
#include "support/netns_hosts.hpp"

using namespace smsim::test;

namespace {

// Every partition of the messages topic is owned, and each by a member on `host_address`.
bool all_owned_by(const CampaignRig& rig, const std::string& host_address, int partitions) {
  const auto owners = rig.partition_owners();
  if (static_cast<int>(owners.size()) < partitions) return false;
  for (const auto& [partition, host] : owners) {
    if (host.find(host_address) == std::string::npos) return false;
  }
  return true;
}

bool owns_any(const CampaignRig& rig, const std::string& host_address) {
  for (const auto& [partition, host] : rig.partition_owners()) {
    if (host.find(host_address) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST(SenderHosts, CutLinkMovesPartitionsToTheOtherHostAndNothingIsLost) {
  NetnsHosts hosts;  // throws, failing the test, where namespaces cannot be made

  smsim::broker::BrokerSettings settings;
  settings.state_dir = smsim::os::make_temp_dir("smsim-netns-kafka");
  settings.kafka_lib_dir = smsim::os::default_kafka_lib_dir();
  settings.host = hosts.address("kafka");
  settings.port = 29092;  // a namespace of our own: every port is free
  settings.brokers = 3;
  settings.network_namespace = hosts.ns("kafka");
  settings.start_timeout = std::chrono::seconds(120);
  settings.stop_timeout = std::chrono::seconds(20);
  smsim::broker::LocalBroker cluster(settings, /*die_with_parent=*/true);
  struct Cleanup {
    smsim::broker::LocalBroker& cluster;
    ~Cleanup() {
      cluster.destroy();
      std::filesystem::remove_all(cluster.settings().state_dir);
    }
  } cleanup{cluster};
  cluster.start();
  std::printf("[ netns    ] brokers at %s in %s; gateway %s; senders %s and %s\n", cluster.bootstrap_servers().c_str(),
              hosts.ns("kafka").c_str(), hosts.address("gateway").c_str(), hosts.address("sender1").c_str(),
              hosts.address("sender2").c_str());

  CampaignRig rig({cluster.bootstrap_servers(), {}}, "netns");
  ASSERT_NO_FATAL_FAILURE(rig.start_gateway(hosts.address("gateway"), 28080, hosts.ns("gateway")));
  rig.start_sender("s1", 2, "3ms", {"--no-delivery-reports"}, hosts.ns("sender1"));
  rig.start_sender("s2", 2, "3ms", {"--no-delivery-reports"}, hosts.ns("sender2"));
  ASSERT_NO_FATAL_FAILURE(rig.start_campaign(campaign_size(), 4));
  ASSERT_TRUE(seconds_until([&] { return owns_any(rig, hosts.address("sender1")) && owns_any(rig, hosts.address("sender2")); }))
      << "both sender hosts must own partitions before the cut\n" << rig.logs();
  ASSERT_NO_FATAL_FAILURE(rig.wait_finished_at_least(campaign_size() / 3));

  const auto finished_before = rig.finished();
  hosts.cut("sender1");
  ASSERT_LT(finished_before, campaign_size()) << "the cut must land in the middle of the campaign";
  // Kafka notices after the session timeout (10 s) and gives sender1's partitions to sender2.
  const int partitions = 4;
  const auto moved = seconds_until([&] { return all_owned_by(rig, hosts.address("sender2"), partitions); });
  ASSERT_TRUE(moved) << "sender1's partitions did not move to sender2\n" << rig.logs();
  std::printf("[ netns    ] sender1's link down: all %d partitions on sender2 after %.1f s\n", partitions, *moved);
  auto row = rig.finish("sender host link cut mid-campaign");
  row.failover_s = *moved;

  hosts.restore("sender1");
  const auto back = seconds_until([&] { return owns_any(rig, hosts.address("sender1")); });
  ASSERT_TRUE(back) << "sender1 did not rejoin after its link came back\n" << rig.logs();
  row.back_s = *back;
  // Whatever sender1 had reported while cut off arrives now: it must not count twice.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(rig.finished(), campaign_size()) << "a late status from the cut-off host was counted twice";
  scenario_table().push_back(row);
  std::printf("[ netns    ] link back: sender1 owns partitions again after %.1f s\n", row.back_s);
}

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const int result = RUN_ALL_TESTS();
  print_scenario_table("Senders on other hosts (network namespaces)");
  return result;
}
