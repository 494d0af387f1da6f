#include <gtest/gtest.h>

#include "support/broker_environment.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new smsim::test::BrokerEnvironment);
  return RUN_ALL_TESTS();
}
