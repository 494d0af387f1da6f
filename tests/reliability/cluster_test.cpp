// A 3-node KRaft cluster loses a broker mid-campaign, and nothing else is lost (issue 15).
//
// One cluster for the whole binary (BrokerEnvironment(3): three combined broker+controller nodes
// on free ports); every scenario runs its own gateway, two sender programs with delivery reports
// on, and fresh topics, which smsim creates with replication factor 3 and min.insync.replicas 2.
// Each scenario SIGKILLs a node in the middle of the campaign, checks that the kill landed (the node
// leaves every in-sync replica set, leadership moves) and that the campaign finishes with 0 lost and
// 0 double-counted, then restarts the node and waits until it is back in every ISR. The times are
// printed in the table at the end.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <thread>

#include "kafka/cluster_inspector.hpp"
#include "os/process.hpp"
#include "reliability/scenario_support.hpp"
#include "support/broker_environment.hpp"

using namespace smsim::test;
using Clock = std::chrono::steady_clock;

namespace {

struct Replica {
  std::string topic;
  smsim::kafka::PartitionOffsets partition;
};

// The value of one topic config as the cluster reports it (DescribeConfigs), "" if unknown.
std::string topic_config(const smsim::kafka::ClientConfig& cluster, const std::string& topic, const std::string& name) {
  char error[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", cluster.bootstrap_servers.c_str(), error, sizeof error);
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (!handle) return "";
  rd_kafka_queue_t* queue = rd_kafka_queue_new(handle);
  rd_kafka_ConfigResource_t* resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
  rd_kafka_DescribeConfigs(handle, &resource, 1, nullptr, queue);
  std::string value;
  if (rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 15'000)) {
    size_t count = 0;
    const auto* result = rd_kafka_event_DescribeConfigs_result(event);
    const auto** resources = result ? rd_kafka_DescribeConfigs_result_resources(result, &count) : nullptr;
    for (size_t r = 0; r < count; ++r) {
      size_t entries = 0;
      const auto** configs = rd_kafka_ConfigResource_configs(resources[r], &entries);
      for (size_t e = 0; e < entries; ++e) {
        if (name == rd_kafka_ConfigEntry_name(configs[e]) && rd_kafka_ConfigEntry_value(configs[e])) {
          value = rd_kafka_ConfigEntry_value(configs[e]);
        }
      }
    }
    rd_kafka_event_destroy(event);
  }
  rd_kafka_ConfigResource_destroy(resource);
  rd_kafka_queue_destroy(queue);
  rd_kafka_destroy(handle);
  return value;
}

class BrokerLoss : public ::testing::Test {
 protected:
  void SetUp() override {
    rig_ = std::make_unique<CampaignRig>(BrokerEnvironment::client_config(), "clu");
    inspector_ = std::make_unique<smsim::kafka::ClusterInspector>(BrokerEnvironment::client_config());
  }
  void TearDown() override {
    if (HasFailure()) std::cout << rig_->logs();
    rig_.reset();
    // Whatever happened, the next scenario starts on a whole cluster.
    BrokerEnvironment::broker().start();
  }

  // Gateway and two sender programs with delivery reports on; a campaign; returns once a third is done.
  void start_campaign_and_wait_a_third() {
    ASSERT_NO_FATAL_FAILURE(rig_->start_gateway("127.0.0.1", smsim::os::pick_free_port()));
    rig_->start_sender("a", 2, "2ms", {"--failure-rate", "0.05", "--report-delay", "100ms"});
    rig_->start_sender("b", 1, "4ms", {"--failure-rate", "0.2", "--report-delay", "100ms"});
    ASSERT_NO_FATAL_FAILURE(rig_->start_campaign(campaign_size(), 3));
    ASSERT_NO_FATAL_FAILURE(rig_->wait_finished_at_least(campaign_size() / 3));
    for (const auto& r : replicas()) {
      ASSERT_EQ(r.partition.replicas.size(), 3u) << r.topic << " must be replicated on all three nodes";
    }
    EXPECT_EQ(topic_config(rig_->cluster(), rig_->messages_topic(), "min.insync.replicas"), "2");
    EXPECT_EQ(topic_config(rig_->cluster(), rig_->status_topic(), "min.insync.replicas"), "2");
  }

  // Every partition of the topics this scenario's messages go through.
  std::vector<Replica> replicas() {
    std::vector<Replica> out;
    for (const auto& topic : {rig_->messages_topic(), rig_->status_topic(), rig_->campaigns_topic()}) {
      try {
        for (const auto& p : inspector_->topic_offsets(topic).partitions) out.push_back({topic, p});
      } catch (const std::exception&) {
        return {};  // no metadata right now: nothing can be concluded from this round
      }
    }
    return out;
  }
  int partitions_led_by(int node) {
    const auto all = replicas();
    return static_cast<int>(std::count_if(all.begin(), all.end(), [node](const Replica& r) {
      return r.partition.leader == node;
    }));
  }
  // The cluster has routed around `node`: every partition has a live leader and `node` is in no ISR.
  bool routed_around(int node) {
    const auto all = replicas();
    if (all.empty()) return false;
    return std::all_of(all.begin(), all.end(), [node](const Replica& r) {
      const auto& isr = r.partition.isr;
      return r.partition.leader >= 0 && r.partition.leader != node &&
             std::find(isr.begin(), isr.end(), node) == isr.end();
    });
  }
  bool in_every_isr(int node) {
    const auto all = replicas();
    if (all.empty()) return false;
    return std::all_of(all.begin(), all.end(), [node](const Replica& r) {
      const auto& isr = r.partition.isr;
      return std::find(isr.begin(), isr.end(), node) != isr.end();
    });
  }

  // The kill, its checks, the end of the campaign, the restart: the shape of every scenario here.
  void kill_finish_and_restart(int victim, const std::string& scenario, const std::function<void()>& after_kill = {}) {
    auto& cluster = BrokerEnvironment::broker();
    const auto finished_before = rig_->finished();
    ASSERT_TRUE(cluster.kill_node(victim)) << "node " << victim << " was not running";
    ASSERT_LT(finished_before, rig_->count()) << "the kill must land in the middle of the campaign";
    if (after_kill) after_kill();
    if (HasFatalFailure()) return;
    const auto failover = seconds_until([&] { return routed_around(victim); });
    ASSERT_TRUE(failover) << "node " << victim << " never left the ISRs, or a partition stayed without a leader";
    auto row = rig_->finish(scenario + " (node " + std::to_string(victim) + ")");
    row.failover_s = *failover;
    EXPECT_TRUE(routed_around(victim)) << "the campaign finished without node " << victim;

    // From the restart command (the JVM's start included) until the node is in every ISR again.
    const auto restarted_at = Clock::now();
    cluster.start();  // restarts the killed node only
    const auto started_s = std::chrono::duration<double>(Clock::now() - restarted_at).count();
    auto back = seconds_until([&] { return in_every_isr(victim); });
    if (back) *back += started_s;
    ASSERT_TRUE(back) << "node " << victim << " did not return to every ISR";
    row.back_s = *back;
    scenario_table().push_back(row);
    std::printf("[ scenario ] node %d left every ISR %.1f s after SIGKILL; back in every ISR %.1f s after the restart "
                "began (its JVM answered after %.1f s)\n",
                victim, row.failover_s, row.back_s, started_s);
  }

  std::unique_ptr<CampaignRig> rig_;
  std::unique_ptr<smsim::kafka::ClusterInspector> inspector_;
};

}  // namespace

TEST_F(BrokerLoss, OneBrokerKilledMidCampaign) {
  ASSERT_NO_FATAL_FAILURE(start_campaign_and_wait_a_third());
  // A node that is not the active controller and leads partitions of this campaign. Node 1 when it
  // qualifies: it is the first bootstrap address of every client, the harsher loss (a kill of it
  // once stalled the dispatcher on librdkafka's unbounded watermark query). Otherwise the node that
  // leads the most.
  const auto controller = BrokerEnvironment::broker().quorum().leader;
  ASSERT_TRUE(controller) << "the quorum has no active controller before the fault";
  int victim = -1, most = -1;
  for (int node = 1; node <= 3; ++node) {
    if (node == *controller) continue;
    if (const int led = partitions_led_by(node); led > most) victim = node, most = led;
  }
  if (*controller != 1 && partitions_led_by(1) > 0) victim = 1, most = partitions_led_by(1);
  ASSERT_GT(most, 0) << "no broker but the controller leads a partition of this campaign";
  kill_finish_and_restart(victim, "broker SIGKILL mid-campaign");
}

TEST_F(BrokerLoss, ActiveControllerKilledMidCampaign) {
  ASSERT_NO_FATAL_FAILURE(start_campaign_and_wait_a_third());
  auto& cluster = BrokerEnvironment::broker();
  const auto controller = cluster.quorum().leader;
  ASSERT_TRUE(controller) << "the quorum has no active controller before the fault";
  kill_finish_and_restart(*controller, "active controller SIGKILL mid-campaign", [&] {
    const auto elected = seconds_until([&] {
      const auto leader = cluster.quorum().leader;
      return leader && *leader != *controller;
    });
    ASSERT_TRUE(elected) << "no new active controller after killing node " << *controller;
    std::printf("[ scenario ] node %d (active controller) killed; node %d elected %.1f s later\n", *controller,
                *cluster.quorum().leader, *elected);
  });
}

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new BrokerEnvironment(3));
  const int result = RUN_ALL_TESTS();
  print_scenario_table("Broker loss on a 3-node cluster");
  return result;
}
