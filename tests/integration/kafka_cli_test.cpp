// `smsim kafka start|stop|status|destroy` exactly as a user runs them, on a second broker with its
// own free ports and temp folder (the shared test broker is left alone).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "broker/local_broker.hpp"
#include "os/paths.hpp"
#include "os/process.hpp"
#include "support/services.hpp"
#include "support/smsim_cli.hpp"

namespace fs = std::filesystem;
using smsim::test::run_smsim;

namespace {

// Any java process whose command line mentions `needle` (our state dir): what must be gone after stop.
int java_processes_mentioning(const std::string& needle) {
  return smsim::test::processes_mentioning({"java", needle});
}

class KafkaCli : public ::testing::Test {
 protected:
  void SetUp() override {
    state_dir_ = smsim::os::make_temp_dir("smsim-it-cli");
    port_ = smsim::os::pick_free_port();
    controller_port_ = smsim::os::pick_free_port();
  }
  void TearDown() override {
    // Whatever the test did, leave nothing running.
    run_smsim(with_location({"kafka", "destroy"}));
    smsim::broker::BrokerSettings s;
    s.state_dir = state_dir_;
    s.port = port_;
    smsim::broker::LocalBroker(s).destroy();
    fs::remove_all(state_dir_);
  }
  std::vector<std::string> with_location(std::vector<std::string> args) const {
    args.insert(args.end(), {"--port", std::to_string(port_), "--state-dir", state_dir_.string()});
    return args;
  }
  std::vector<std::string> start_args() const {
    auto args = with_location({"kafka", "start"});
    args.insert(args.end(), {"--controller-port", std::to_string(controller_port_), "--timeout", "90s"});
    return args;
  }

  fs::path state_dir_;
  std::uint16_t port_ = 0;
  std::uint16_t controller_port_ = 0;
};

}  // namespace

TEST_F(KafkaCli, StartStatusStopDestroyLifecycle) {
  const auto first = run_smsim(start_args());
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("Kafka started at 127.0.0.1:" + std::to_string(port_)), std::string::npos)
      << first.output;

  const auto again = run_smsim(start_args());
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("already running"), std::string::npos) << again.output;

  const auto status = run_smsim(with_location({"kafka", "status"}));
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("1 broker"), std::string::npos) << status.output;
  EXPECT_EQ(java_processes_mentioning(state_dir_.string()), 1);

  const auto stop = run_smsim(with_location({"kafka", "stop"}));
  EXPECT_EQ(stop.exit_code, 0) << stop.output;
  EXPECT_NE(stop.output.find("Kafka stopped"), std::string::npos) << stop.output;
  EXPECT_EQ(java_processes_mentioning(state_dir_.string()), 0) << "stop must leave no java process behind";

  const auto status_after = run_smsim(with_location({"kafka", "status", "--timeout", "1s"}));
  EXPECT_NE(status_after.exit_code, 0) << status_after.output;
  EXPECT_NE(status_after.output.find("No Kafka broker answers"), std::string::npos) << status_after.output;

  // A restart reuses the formatted storage.
  const auto restart = run_smsim(start_args());
  EXPECT_EQ(restart.exit_code, 0) << restart.output;

  const auto destroy = run_smsim(with_location({"kafka", "destroy"}));
  EXPECT_EQ(destroy.exit_code, 0) << destroy.output;
  EXPECT_FALSE(fs::exists(state_dir_ / ("kafka-" + std::to_string(port_)))) << "destroy must delete the data";
  EXPECT_EQ(java_processes_mentioning(state_dir_.string()), 0);
}

TEST_F(KafkaCli, PortTakenByAnotherProgramFailsFastNamingThePort) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port_);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);

  const auto began = std::chrono::steady_clock::now();
  const auto result = run_smsim(start_args());
  const auto took = std::chrono::steady_clock::now() - began;
  ::close(fd);

  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("port " + std::to_string(port_)), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("in use"), std::string::npos) << result.output;
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(java_processes_mentioning(state_dir_.string()), 0);
}

TEST_F(KafkaCli, MissingJarsAndMissingJavaSayHowToFixIt) {
  auto no_jars = start_args();
  no_jars.insert(no_jars.end(), {"--kafka-lib", (state_dir_ / "nothing-here").string()});
  const auto jars = run_smsim(no_jars);
  EXPECT_EQ(jars.exit_code, 1) << jars.output;
  EXPECT_NE(jars.output.find("Kafka broker jars not found"), std::string::npos) << jars.output;
  EXPECT_NE(jars.output.find("make bootstrap"), std::string::npos) << jars.output;

  auto no_java = start_args();
  no_java.insert(no_java.end(), {"--java", "/no/such/java"});
  const auto java = run_smsim(no_java);
  EXPECT_EQ(java.exit_code, 1) << java.output;
  EXPECT_NE(java.output.find("Java not found"), std::string::npos) << java.output;
}

TEST_F(KafkaCli, EverySubcommandHasHelp) {
  for (const auto& sub : std::vector<std::vector<std::string>>{
           {"--help"}, {"kafka", "--help"}, {"kafka", "start", "--help"}, {"kafka", "stop", "--help"},
           {"kafka", "status", "--help"}, {"kafka", "destroy", "--help"}, {"gateway", "--help"}, {"sender", "--help"},
           {"tracker", "--help"}, {"up", "--help"}, {"produce", "--help"}, {"smsc", "--help"},
           {"smpp-load", "--help"}}) {
    const auto r = run_smsim(sub);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("Usage"), std::string::npos) << r.output;
  }
  const auto bad = run_smsim({"kafka", "start", "--port", "notaport"});
  EXPECT_NE(bad.exit_code, 0) << bad.output;
  EXPECT_NE(bad.output.find("--port"), std::string::npos) << bad.output;
  // Bad sender settings: a clear message naming the flag, a non-zero exit, before touching Kafka.
  for (const auto& [args, flag] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"sender", "--failure-rate", "1.5", "--bootstrap-servers", "127.0.0.1:1"}, "--failure-rate"},
           {{"sender", "--mean", "250", "--bootstrap-servers", "127.0.0.1:1"}, "250"},
           {{"sender", "--distribution", "uniform", "--mean", "10ms", "--stddev", "10ms"}, "--stddev"},
           {{"sender", "--delivered", "0.5", "--bootstrap-servers", "127.0.0.1:1"}, "add up to 1"},
           // SMPP flags (docs/smpp.md)
           {{"sender", "--smsc", "nowhere", "--bootstrap-servers", "127.0.0.1:1"}, "--smsc"},
           {{"sender", "--smsc", "127.0.0.1:1", "--password", "ninechars", "--bootstrap-servers", "127.0.0.1:1"},
            "--password"},
           {{"sender", "--smsc", "127.0.0.1:1", "--bind", "receiver"}, "--bind"},
           {{"smsc", "--account", "nopassword"}, "--account"},
           {{"smsc", "--failure-status", "ESME_NOPE"}, "--failure-status"},
           {{"smsc", "--delivered", "0.5"}, "add up to 1"},
           {{"smsc", "--window", "0"}, "--window"},
           {{"smpp-load", "--smsc", "nowhere"}, "--smsc"}}) {
    const auto r = run_smsim(args);
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find(flag), std::string::npos) << r.output;
  }
}
