#include "broker/quorum.hpp"

#include <gtest/gtest.h>

using namespace smsim::broker;

TEST(QuorumState, ParsesKafka39Files) {
  // As written by a 3-voter Kafka 3.9 quorum (data_version 0) ...
  const auto v0 = parse_quorum_state(
      R"({"clusterId":"","leaderId":2,"leaderEpoch":2,"votedId":-1,"appliedOffset":0,)"
      R"("currentVoters":[{"voterId":1},{"voterId":2},{"voterId":3}],"data_version":0})");
  ASSERT_TRUE(v0);
  EXPECT_EQ(v0->leader_id, 2);
  EXPECT_EQ(v0->leader_epoch, 2);
  EXPECT_EQ(v0->voted_id, -1);
  // ... and the newer layout without voters; a candidate has voted for itself and knows no leader.
  const auto v1 = parse_quorum_state(R"({"leaderId":-1,"leaderEpoch":7,"votedId":3,"data_version":1})");
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->leader_id, -1);
  EXPECT_EQ(v1->leader_epoch, 7);
  EXPECT_EQ(v1->voted_id, 3);
}

TEST(QuorumState, UnreadableFilesGiveNothing) {
  EXPECT_FALSE(parse_quorum_state(""));
  EXPECT_FALSE(parse_quorum_state("{not json"));
  EXPECT_FALSE(parse_quorum_state("[1,2]"));
  EXPECT_FALSE(parse_quorum_state(R"({"leaderId":1})")) << "no epoch: not a quorum-state file";
}

namespace {
VoterReport voter(int id, bool alive, int leader, int epoch) { return {id, alive, ElectionState{leader, epoch, -1}}; }
}  // namespace

TEST(QuorumSummary, AllAgreeOnTheLeader) {
  const auto q = summarize_quorum({voter(1, true, 2, 4), voter(2, true, 2, 4), voter(3, true, 2, 4)});
  EXPECT_EQ(q.voters, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(q.live_voters, (std::vector<int>{1, 2, 3}));
  ASSERT_TRUE(q.leader);
  EXPECT_EQ(*q.leader, 2);
  EXPECT_EQ(q.epoch, 4);
  EXPECT_TRUE(q.has_majority());
}

TEST(QuorumSummary, AKilledLeaderNeverCountsEvenThoughItsFileNamesItself) {
  // Node 2 led epoch 4 and was killed; the survivors have not elected anyone yet.
  const auto electing = summarize_quorum({voter(1, true, 2, 4), voter(2, false, 2, 4), voter(3, true, 2, 4)});
  EXPECT_FALSE(electing.leader);
  EXPECT_EQ(electing.live_voters, (std::vector<int>{1, 3}));
  EXPECT_TRUE(electing.has_majority());
  // Then node 3 wins epoch 5; node 1 has heard of it.
  const auto elected = summarize_quorum({voter(1, true, 3, 5), voter(2, false, 2, 4), voter(3, true, 3, 5)});
  ASSERT_TRUE(elected.leader);
  EXPECT_EQ(*elected.leader, 3);
  EXPECT_EQ(elected.epoch, 5);
}

TEST(QuorumSummary, ANewerCandidateEpochDoesNotHideTheLeaderTheOthersFollow) {
  // Node 1 was cut off and keeps standing for election (epoch 9, no leader); 2 and 3 follow 3.
  const auto q = summarize_quorum({voter(1, true, -1, 9), voter(2, true, 3, 6), voter(3, true, 3, 6)});
  ASSERT_TRUE(q.leader);
  EXPECT_EQ(*q.leader, 3);
  EXPECT_EQ(q.epoch, 9);
}

TEST(QuorumSummary, NoMajorityNoLeader) {
  const auto q = summarize_quorum({voter(1, true, -1, 3), {2, false, std::nullopt}, {3, false, std::nullopt}});
  EXPECT_FALSE(q.leader);
  EXPECT_FALSE(q.has_majority());
  EXPECT_EQ(q.live_voters, (std::vector<int>{1}));
}
