#include "broker/cluster_plan.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/error.hpp"
#include "os/paths.hpp"

using namespace smsim::broker;
namespace fs = std::filesystem;

namespace {
BrokerSettings on_port(std::uint16_t port, std::uint16_t controller_port = 0) {
  BrokerSettings s;
  s.state_dir = "/s";
  s.port = port;
  s.controller_port = controller_port;
  return s;
}
}  // namespace

TEST(ClusterPlan, OneNodeKeepsTheHistoricalPortsAndFolder) {
  const auto plan = plan_cluster(on_port(9092), 1);
  ASSERT_EQ(plan.nodes.size(), 1u);
  EXPECT_FALSE(plan.clustered());
  EXPECT_EQ(plan.node(1).port, 9092);
  EXPECT_EQ(plan.node(1).controller_port, 9093);
  EXPECT_EQ(plan.node(1).layout.root, fs::path("/s/kafka-9092"));
  EXPECT_EQ(plan.quorum_voters, "1@127.0.0.1:9093");
  EXPECT_EQ(plan.bootstrap_servers, "127.0.0.1:9092");
}

TEST(ClusterPlan, ThreeNodesTakeConsecutiveClientPortsThenConsecutiveControllerPorts) {
  const auto plan = plan_cluster(on_port(19092), 3);
  ASSERT_EQ(plan.nodes.size(), 3u);
  EXPECT_TRUE(plan.clustered());
  for (int id = 1; id <= 3; ++id) {
    EXPECT_EQ(plan.node(id).id, id);
    EXPECT_EQ(plan.node(id).port, 19091 + id);
    EXPECT_EQ(plan.node(id).controller_port, 19094 + id);
    EXPECT_EQ(plan.node(id).layout.root, fs::path("/s/kafka-19092/node-" + std::to_string(id)));
  }
  EXPECT_EQ(plan.root.root, fs::path("/s/kafka-19092"));
  EXPECT_EQ(plan.quorum_voters, "1@127.0.0.1:19095,2@127.0.0.1:19096,3@127.0.0.1:19097");
  EXPECT_EQ(plan.bootstrap_servers, "127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094");
}

TEST(ClusterPlan, ExplicitControllerPortStartsTheControllerBlock) {
  const auto plan = plan_cluster(on_port(19092, 30000), 3);
  EXPECT_EQ(plan.quorum_voters, "1@127.0.0.1:30000,2@127.0.0.1:30001,3@127.0.0.1:30002");
}

TEST(ClusterPlan, RejectsImpossibleLayoutsNamingTheFlag) {
  const auto message = [](const BrokerSettings& s, int brokers) {
    try {
      plan_cluster(s, brokers);
    } catch (const smsim::InvalidArgument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(on_port(9092), 0).find("--brokers"), std::string::npos);
  EXPECT_NE(message(on_port(9092), kMaxBrokers + 1).find("--brokers"), std::string::npos);
  EXPECT_NE(message(on_port(65534), 3).find("--port"), std::string::npos);
  EXPECT_NE(message(on_port(9092, 65534), 3).find("--controller-port"), std::string::npos);
  // Controllers 9093..9095 would collide with clients 9092..9094.
  const auto overlap = message(on_port(9092, 9093), 3);
  EXPECT_NE(overlap.find("overlap"), std::string::npos) << overlap;
  EXPECT_NO_THROW(plan_cluster(on_port(9092, 9095), 3));
  EXPECT_NO_THROW(plan_cluster(on_port(9095, 9092), 3));
}

TEST(ClusterPlan, NodeCountComesFromDiskWhenNotGiven) {
  const auto dir = smsim::os::make_temp_dir("smsim-plan");
  BrokerSettings s = on_port(19092);
  s.state_dir = dir;
  const auto root = dir / "kafka-19092";
  EXPECT_EQ(nodes_on_disk(root), 0);
  EXPECT_EQ(plan_cluster(s).nodes.size(), 1u) << "nothing on disk: one node";
  fs::create_directories(root / "data");
  EXPECT_EQ(nodes_on_disk(root), 1);
  fs::remove_all(root);
  for (int id : {1, 2, 3}) fs::create_directories(root / ("node-" + std::to_string(id)) / "data");
  EXPECT_EQ(nodes_on_disk(root), 3);
  EXPECT_EQ(plan_cluster(s).nodes.size(), 3u);
  s.brokers = 1;
  EXPECT_EQ(plan_cluster(s).nodes.size(), 1u) << "an explicit count wins (start() then reports the mismatch)";
  fs::remove_all(dir);
}
