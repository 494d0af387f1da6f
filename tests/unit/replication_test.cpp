// How smsim replicates the topics it creates: min(3, brokers) replicas, min.insync.replicas 2 at 3.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "kafka/topics.hpp"

using smsim::kafka::resolve_replication;
using smsim::kafka::TopicReplication;

TEST(Replication, FitsTheClusterByDefault) {
  for (const auto& [brokers, factor, min_insync] :
       std::vector<std::tuple<int, int, int>>{{1, 1, 1}, {2, 2, 1}, {3, 3, 2}, {5, 3, 2}, {9, 3, 2}}) {
    const auto r = resolve_replication({}, brokers);
    EXPECT_EQ(r.factor, factor) << brokers << " brokers";
    EXPECT_EQ(r.min_insync, min_insync) << brokers << " brokers";
  }
}

TEST(Replication, FlagsWinWhenTheClusterCanHoldThem) {
  auto r = resolve_replication({.factor = 5, .min_insync = 3}, 5);
  EXPECT_EQ(r.factor, 5);
  EXPECT_EQ(r.min_insync, 3);
  r = resolve_replication({.factor = 1}, 3);
  EXPECT_EQ(r.factor, 1);
  EXPECT_EQ(r.min_insync, 1);
  r = resolve_replication({.min_insync = 3}, 3);
  EXPECT_EQ(r.factor, 3);
  EXPECT_EQ(r.min_insync, 3);
}

TEST(Replication, ImpossibleValuesAreRefusedNamingTheFlag) {
  const auto message = [](TopicReplication wanted, int brokers) {
    try {
      resolve_replication(wanted, brokers);
    } catch (const smsim::InvalidArgument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({.factor = 3}, 1).find("--replication-factor 3 needs at least 3 brokers"), std::string::npos);
  EXPECT_NE(message({.factor = 2, .min_insync = 3}, 3).find("--min-insync-replicas 3"), std::string::npos);
  EXPECT_NE(message({.min_insync = 2}, 1).find("--min-insync-replicas"), std::string::npos);
  EXPECT_NE(message({.factor = -1}, 3).find("--replication-factor"), std::string::npos);
}
