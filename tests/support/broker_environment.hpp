#pragma once
// A throw-away Kafka broker for one integration-test binary: free ports, a temp folder, started
// once before the first test and destroyed after the last, pass or fail. The JVM is tied to the
// test process (PR_SET_PDEATHSIG), so even a crashed test run leaves no broker behind.
#include <gtest/gtest.h>

#include <memory>

#include "broker/local_broker.hpp"
#include "kafka/client_config.hpp"

namespace smsim::test {

class BrokerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  /// The running broker; valid between SetUp and TearDown.
  static broker::LocalBroker& broker();
  static kafka::ClientConfig client_config();

 private:
  static std::unique_ptr<broker::LocalBroker> broker_;
};

/// A topic name unique to this test run, so tests never see each other's records.
std::string unique_name(const std::string& prefix);

}  // namespace smsim::test
