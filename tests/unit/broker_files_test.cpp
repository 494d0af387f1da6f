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

}  // namespace

TEST(ServerProperties, SingleNodeKraftOnLoopbackOnly) {
  const auto s = settings_on(19092);
  const auto p = parse(render_server_properties(s, BrokerLayout::for_settings(s)));
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
  const auto p = parse(render_server_properties(s, BrokerLayout::for_settings(s)));
  EXPECT_EQ(p.at("controller.quorum.voters"), "1@127.0.0.1:40000");
}

TEST(ServerProperties, OverridesReplaceAndExtend) {
  auto s = settings_on(9092);
  s.overrides = {{"num.partitions", "6"}, {"log.retention.hours", "1"}};
  const auto p = parse(render_server_properties(s, BrokerLayout::for_settings(s)));
  EXPECT_EQ(p.at("num.partitions"), "6");
  EXPECT_EQ(p.at("log.retention.hours"), "1");
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
