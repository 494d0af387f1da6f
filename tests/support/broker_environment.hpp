#pragma once
// A throw-away Kafka for one integration-test binary: one broker, or a cluster of `brokers` nodes
// (tests/reliability/cluster_test.cpp), on free ports in a temp folder, started once before the
// first test and destroyed after the last, pass or fail. The JVMs are tied to the test process
// (PR_SET_PDEATHSIG), so even a crashed test run leaves no broker behind.
#include <gtest/gtest.h>

#include <memory>

#include "broker/local_broker.hpp"
#include "kafka/client_config.hpp"

namespace smsim::test {

class BrokerEnvironment : public ::testing::Environment {
 public:
  explicit BrokerEnvironment(int brokers = 1) : brokers_(brokers) {}
  void SetUp() override;
  void TearDown() override;

  /// The running broker (or cluster); valid between SetUp and TearDown.
  static broker::LocalBroker& broker();
  static kafka::ClientConfig client_config();

 private:
  static std::unique_ptr<broker::LocalBroker> broker_;
  int brokers_;
};

/// A topic name unique to this test run, so tests never see each other's records.
std::string unique_name(const std::string& prefix);

}  // namespace smsim::test
