#include "broker/broker_files.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

using namespace smsim::broker;

namespace {

std::map<std::string, std::string> parse(const std::string& properties) {
  std::map<std::string, std::string> out;
  std::istringstream in(properties);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    EXPECT_NE(eq, std::string::npos) << line;
    EXPECT_EQ(out.count(line.substr(0, eq)), 0u) << "duplicate key " << line;
    out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

BrokerSettings settings_on(std::uint16_t port) {
  BrokerSettings s;
  s.state_dir = "/tmp/state";
  s.port = port;
  return s;
}

// server.properties of node `id` of a cluster of `brokers` nodes.
std::map<std::string, std::string> node_properties(const BrokerSettings& s, int brokers, int id) {
  const auto plan = plan_cluster(s, brokers);
  return parse(render_server_properties(s, plan, plan.node(id)));
}

}  // namespace

TEST(ServerProperties, SingleNodeKraftOnLoopbackOnly) {
  const auto s = settings_on(19092);
  const auto p = node_properties(s, 1, 1);
  EXPECT_EQ(p.at("process.roles"), "broker,controller");
  EXPECT_EQ(p.at("listeners"), "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093");
  EXPECT_EQ(p.at("advertised.listeners"), "PLAINTEXT://127.0.0.1:19092");
  EXPECT_EQ(p.at("controller.quorum.voters"), "1@127.0.0.1:19093");
  EXPECT_EQ(p.at("group.initial.rebalance.delay.ms"), "0");
  EXPECT_EQ(p.at("offsets.topic.replication.factor"), "1");
  EXPECT_EQ(p.at("log.dirs"), "/tmp/state/kafka-19092/data");
}

TEST(ServerProperties, ExplicitControllerPort) {
  auto s = settings_on(9092);
  s.controller_port = 40000;
  const auto p = node_properties(s, 1, 1);
  EXPECT_EQ(p.at("controller.quorum.voters"), "1@127.0.0.1:40000");
}

TEST(ServerProperties, OverridesReplaceAndExtend) {
  auto s = settings_on(9092);
  s.overrides = {{"num.partitions", "6"}, {"log.retention.hours", "1"}};
  const auto p = node_properties(s, 1, 1);
  EXPECT_EQ(p.at("num.partitions"), "6");
  EXPECT_EQ(p.at("log.retention.hours"), "1");
}

TEST(ServerProperties, SingleNodeNeedsNoReplicationDefaults) {
  const auto p = node_properties(settings_on(19092), 1, 1);
  EXPECT_EQ(p.count("default.replication.factor"), 0u);
  EXPECT_EQ(p.count("min.insync.replicas"), 0u);
  EXPECT_EQ(p.at("transaction.state.log.min.isr"), "1");
}

TEST(ServerProperties, ThreeNodesShareOneQuorumAndEachHasItsOwnPortsAndFolder) {
  const auto s = settings_on(19092);
  std::set<std::string> listeners, dirs;
  for (int id = 1; id <= 3; ++id) {
    const auto p = node_properties(s, 3, id);
    EXPECT_EQ(p.at("node.id"), std::to_string(id));
    EXPECT_EQ(p.at("process.roles"), "broker,controller");
    EXPECT_EQ(p.at("controller.quorum.voters"), "1@127.0.0.1:19095,2@127.0.0.1:19096,3@127.0.0.1:19097");
    EXPECT_EQ(p.at("listeners"), "PLAINTEXT://127.0.0.1:" + std::to_string(19091 + id) + ",CONTROLLER://127.0.0.1:" +
                                     std::to_string(19094 + id));
    EXPECT_EQ(p.at("advertised.listeners"), "PLAINTEXT://127.0.0.1:" + std::to_string(19091 + id));
    EXPECT_EQ(p.at("log.dirs"), "/tmp/state/kafka-19092/node-" + std::to_string(id) + "/data");
    // Internal topics replicated 3 times, acks=all needs 2 of them.
    EXPECT_EQ(p.at("offsets.topic.replication.factor"), "3");
    EXPECT_EQ(p.at("transaction.state.log.replication.factor"), "3");
    EXPECT_EQ(p.at("transaction.state.log.min.isr"), "2");
    EXPECT_EQ(p.at("default.replication.factor"), "3");
    EXPECT_EQ(p.at("min.insync.replicas"), "2");
    listeners.insert(p.at("listeners"));
    dirs.insert(p.at("log.dirs"));
  }
  EXPECT_EQ(listeners.size(), 3u);
  EXPECT_EQ(dirs.size(), 3u);
}

TEST(ServerProperties, TwoNodesReplicateTwiceAndNeedOneInSync) {
  const auto p = node_properties(settings_on(19092), 2, 2);
  EXPECT_EQ(p.at("offsets.topic.replication.factor"), "2");
  EXPECT_EQ(p.at("min.insync.replicas"), "1");
  EXPECT_EQ(p.at("controller.quorum.voters"), "1@127.0.0.1:19094,2@127.0.0.1:19095");
}

TEST(ServerProperties, AnotherHostBindsAndAdvertisesThatAddress) {
  auto s = settings_on(29092);
  s.host = "10.231.0.2";
  const auto p = node_properties(s, 3, 3);
  EXPECT_EQ(p.at("listeners"), "PLAINTEXT://10.231.0.2:29094,CONTROLLER://10.231.0.2:29097");
  EXPECT_EQ(p.at("advertised.listeners"), "PLAINTEXT://10.231.0.2:29094");
  EXPECT_EQ(p.at("controller.quorum.voters"), "1@10.231.0.2:29095,2@10.231.0.2:29096,3@10.231.0.2:29097");
}

TEST(ServerProperties, OverridesApplyToEveryNode) {
  auto s = settings_on(19092);
  s.overrides = {{"broker.session.timeout.ms", "6000"}, {"min.insync.replicas", "3"}};
  for (int id = 1; id <= 3; ++id) {
    const auto p = node_properties(s, 3, id);
    EXPECT_EQ(p.at("broker.session.timeout.ms"), "6000");
    EXPECT_EQ(p.at("min.insync.replicas"), "3");
  }
}

TEST(Log4j, WritesToTheLogsFolder) {
  const BrokerLayout layout{"/x/kafka-9092"};
  EXPECT_NE(render_log4j_properties(layout).find("File=/x/kafka-9092/logs/server.log"), std::string::npos);
}

TEST(ClusterId, IsTwentyTwoUrlSafeCharactersAndRandom) {
  std::mt19937_64 random(42);
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) {
    const auto id = new_cluster_id(random);
    ASSERT_EQ(id.size(), 22u) << id;
    ASSERT_NE(id.front(), '-') << "kafka-storage would read it as an option: " << id;
    for (char c : id) ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << id;
    // 16 bytes: the last character carries only 4 bits, so it is one of 16 letters.
    ASSERT_NE(std::string("AQgwBRhxCSiyDTjz").find(id.back()), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 5000u);
}
