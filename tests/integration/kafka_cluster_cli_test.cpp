// `smsim kafka start --brokers 3` and the rest of the cluster's command line, exactly as a user
// runs them, on a cluster of the test's own (free ports, temp folder), with the faults the issue
// names: a taken port, a node that will not start, a quorum that cannot form, a hung node at stop.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "broker/local_broker.hpp"
#include "os/paths.hpp"
#include "os/process.hpp"
#include "support/services.hpp"
#include "support/smsim_cli.hpp"

namespace fs = std::filesystem;
using smsim::test::run_smsim;

namespace {

int java_processes_mentioning(const std::string& needle) { return smsim::test::processes_mentioning({"java", needle}); }

class KafkaClusterCli : public ::testing::Test {
 protected:
  void SetUp() override {
    state_dir_ = smsim::os::make_temp_dir("smsim-it-cluster");
    port_ = smsim::os::pick_free_port_block(6);
  }
  void TearDown() override {
    smsim::broker::BrokerSettings s;
    s.state_dir = state_dir_;
    s.port = port_;
    smsim::broker::LocalBroker(s).destroy();  // whatever the test did, nothing keeps running
    EXPECT_EQ(java_processes_mentioning(state_dir_.string()), 0);
    fs::remove_all(state_dir_);
  }
  std::vector<std::string> at(std::vector<std::string> args) const {
    args.insert(args.end(), {"--port", std::to_string(port_), "--state-dir", state_dir_.string()});
    return args;
  }
  std::vector<std::string> start(std::vector<std::string> extra = {"--timeout", "120s"}) const {
    auto args = at({"kafka", "start", "--brokers", "3"});
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  fs::path node_dir(int id) const { return state_dir_ / ("kafka-" + std::to_string(port_)) / ("node-" + std::to_string(id)); }
  pid_t node_pid(int id) const {
    std::ifstream in(node_dir(id) / "broker.pid");
    pid_t pid = -1;
    in >> pid;
    return pid;
  }

  fs::path state_dir_;
  std::uint16_t port_ = 0;
};

}  // namespace

TEST_F(KafkaClusterCli, ThreeNodesStartReportTheirQuorumRunTheDemoAndStopEvenWhenOneHangs) {
  const auto started = run_smsim(start());
  ASSERT_EQ(started.exit_code, 0) << started.output;
  const std::string bootstrap = "127.0.0.1:" + std::to_string(port_) + ",127.0.0.1:" + std::to_string(port_ + 1) +
                                ",127.0.0.1:" + std::to_string(port_ + 2);
  EXPECT_NE(started.output.find("Kafka started with 3 brokers at " + bootstrap), std::string::npos) << started.output;
  EXPECT_EQ(java_processes_mentioning(state_dir_.string()), 3);
  for (int id = 1; id <= 3; ++id) EXPECT_TRUE(fs::exists(node_dir(id) / "data" / "meta.properties")) << id;

  const auto status = run_smsim(at({"kafka", "status"}));
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("(3 brokers"), std::string::npos) << status.output;
  for (int id = 1; id <= 3; ++id) {
    EXPECT_NE(status.output.find("node " + std::to_string(id) + "  127.0.0.1:" + std::to_string(port_ + id - 1) +
                                 "  controller :" + std::to_string(port_ + 2 + id)),
              std::string::npos)
        << status.output;
  }
  EXPECT_EQ(std::regex_search(status.output, std::regex("broker registered, active controller")), true) << status.output;
  EXPECT_NE(status.output.find("quorum: 3 voters (1@127.0.0.1:" + std::to_string(port_ + 3) + ",2@127.0.0.1:" +
                               std::to_string(port_ + 4) + ",3@127.0.0.1:" + std::to_string(port_ + 5) + "), 3 running"),
            std::string::npos)
      << status.output;

  // The whole demo on the cluster: smsim's topics get 3 replicas.
  const auto up = run_smsim({"up", "--brokers", "3", "--kafka-port", std::to_string(port_), "--state-dir",
                             state_dir_.string(), "--config", SMSIM_TEST_DATA "/tiny-up.toml", "--port",
                             std::to_string(smsim::os::pick_free_port()), "--exit-when-done"});
  EXPECT_EQ(up.exit_code, 0) << up.output;
  EXPECT_NE(up.output.find("using the Kafka already answering at " + bootstrap + " (3 broker(s))"), std::string::npos)
      << up.output;
  EXPECT_TRUE(std::regex_search(up.output, std::regex(R"(100\.0% .* in flight 0 .* done)"))) << up.output;
  const auto topics = run_smsim(at({"kafka", "status"}));
  EXPECT_NE(topics.output.find("topic sms-messages ("), std::string::npos) << topics.output;
  EXPECT_TRUE(std::regex_search(topics.output, std::regex(R"(topic sms-messages \(\d+ partitions, replication factor 3)")))
      << topics.output;

  // A hung node (SIGSTOP) must not keep stop from finishing, nor survive it.
  ASSERT_EQ(::kill(node_pid(2), SIGSTOP), 0);
  const auto began = std::chrono::steady_clock::now();
  const auto stop = run_smsim(at({"kafka", "stop", "--timeout", "5s"}));
  const auto took = std::chrono::steady_clock::now() - began;
  EXPECT_EQ(stop.exit_code, 0) << stop.output;
  EXPECT_NE(stop.output.find("Kafka stopped"), std::string::npos) << stop.output;
  EXPECT_TRUE(std::regex_search(stop.output, std::regex(R"(node\(s\) [0-9, ]*2[0-9, ]* did not stop within the timeout and were killed)")))
      << stop.output;
  EXPECT_LT(took, std::chrono::seconds(20));
  EXPECT_EQ(java_processes_mentioning(state_dir_.string()), 0) << "stop must leave no java process behind";

  // A cluster is started as one: asking for another size names what is there.
  const auto shape = run_smsim(at({"kafka", "start", "--brokers", "1"}));
  EXPECT_EQ(shape.exit_code, 1) << shape.output;
  EXPECT_NE(shape.output.find("holds a 3-node installation, not 1"), std::string::npos) << shape.output;
}

TEST_F(KafkaClusterCli, ANodeThatWillNotStartPrintsItsLogTailAndTheOthersAreStopped) {
  // Formatted once (a start that cannot finish in 1 s leaves formatted storage behind) ...
  run_smsim(start({"--timeout", "1s"}));
  ASSERT_TRUE(fs::exists(node_dir(2) / "data" / "meta.properties"));
  ASSERT_EQ(java_processes_mentioning(state_dir_.string()), 0) << "a failed start stops what it started";
  // ... then node 2's storage is damaged.
  std::ofstream(node_dir(2) / "data" / "meta.properties", std::ios::trunc) << "version=7\n";
  const auto result = run_smsim(start());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("node 2 (127.0.0.1:" + std::to_string(port_ + 1)), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("exited during start-up"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("meta.properties"), std::string::npos) << "the log tail says why\n" << result.output;
  EXPECT_EQ(java_processes_mentioning(state_dir_.string()), 0) << "the nodes that did start are stopped again";
}

TEST_F(KafkaClusterCli, AQuorumThatCannotFormSaysSo) {
  // Six voters, three of which do not exist: no majority, no leader, ever.
  std::string voters;
  for (int id = 1; id <= 6; ++id) voters += (id > 1 ? "," : "") + std::to_string(id) + "@127.0.0.1:" + std::to_string(port_ + 2 + id);
  const auto result = run_smsim(start({"--timeout", "10s", "--broker-config", "controller.quorum.voters=" + voters}));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("the KRaft quorum cannot form"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find(voters), std::string::npos) << "names the voters\n" << result.output;
  EXPECT_EQ(java_processes_mentioning(state_dir_.string()), 0);
}

TEST_F(KafkaClusterCli, ATakenPortFailsInMillisecondsNamingTheNode) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port_ + 5);  // node 3's controller port
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  const auto began = std::chrono::steady_clock::now();
  const auto result = run_smsim(start());
  const auto took = std::chrono::steady_clock::now() - began;
  ::close(fd);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("port " + std::to_string(port_ + 5) + " on 127.0.0.1 (node 3's controller listener)"),
            std::string::npos)
      << result.output;
  EXPECT_LT(took, std::chrono::seconds(2));
  EXPECT_FALSE(fs::exists(node_dir(1) / "data" / "meta.properties")) << "nothing is formatted or started first";

  // Impossible layouts are refused before anything happens, naming the flag.
  const auto overlap = run_smsim(at({"kafka", "start", "--brokers", "3", "--controller-port", std::to_string(port_ + 1)}));
  EXPECT_EQ(overlap.exit_code, 1) << overlap.output;
  EXPECT_NE(overlap.output.find("--controller-port"), std::string::npos) << overlap.output;
  const auto too_many = run_smsim(at({"kafka", "start", "--brokers", "10"}));
  EXPECT_NE(too_many.exit_code, 0) << too_many.output;
  EXPECT_NE(too_many.output.find("--brokers"), std::string::npos) << too_many.output;
  const auto bad_rf = run_smsim({"gateway", "--replication-factor", "-1"});
  EXPECT_NE(bad_rf.exit_code, 0) << bad_rf.output;
  EXPECT_NE(bad_rf.output.find("--replication-factor"), std::string::npos) << bad_rf.output;
}
