// The original exercise's cumulative status records: restarts, time that goes down, squaring with
// the messages produced, anomalies; and ids derived from record coordinates.
#include "domain/legacy_counters.hpp"

#include <gtest/gtest.h>

#include <random>

#include "domain/record_coordinates.hpp"

using namespace smsim::domain;

namespace {
LegacyCounters rec(std::uint64_t success, std::uint64_t failed, double time_s) { return {"py-1", success, failed, time_s}; }
}  // namespace

TEST(LegacyCounterTrack, TimeGoingDownIsNotARestartAndAddsNothingNegative) {
  LegacyCounterTrack track;
  EXPECT_NEAR(track.apply(rec(1, 0, 0.004)).processing_s, 0.004, 1e-12);
  // The original writes last duration x count: 2 x 0.001 < 0.004. One new message, no restart,
  // and it took 0.001 s.
  const auto d = track.apply(rec(2, 0, 0.002));
  EXPECT_FALSE(d.restarted);
  EXPECT_EQ(d.sent, 1u);
  EXPECT_NEAR(d.processing_s, 0.001, 1e-12);
  const auto e = track.apply(rec(2, 1, 0.009));
  EXPECT_EQ(e.failed, 1u);
  EXPECT_NEAR(e.processing_s, 0.003, 1e-12);
  EXPECT_EQ(track.apply(rec(2, 1, 0.001)).processing_s, 0.0) << "no new message, no time";
  EXPECT_EQ(track.sent(), 2u);
  EXPECT_EQ(track.failed(), 1u);
  EXPECT_NEAR(track.processing_s(), 0.001, 1e-12) << "the sender's figure is its last record's";
  EXPECT_EQ(track.restarts(), 0);
}

TEST(LegacyCounterTrack, TheOriginalSendersRecordsAddUpToItsMessagesExactly) {
  // 792 messages with random durations, one record after each, as the original writes them: the
  // bug this replaces counted 19,846 sent for them. Each message also gets its own duration back.
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> duration(0.001, 0.02);
  std::bernoulli_distribution fails(0.2);
  LegacyCounterTrack track;
  std::uint64_t success = 0, failed = 0, added = 0;
  double true_time = 0, added_time = 0;
  for (int i = 0; i < 792; ++i) {
    (fails(random) ? failed : success) += 1;
    const double d = duration(random);
    true_time += d;
    const auto delta = track.apply(rec(success, failed, d * static_cast<double>(success + failed)));
    EXPECT_FALSE(delta.restarted);
    EXPECT_GE(delta.processing_s, 0.0);
    added += delta.count();
    added_time += delta.processing_s;
  }
  EXPECT_EQ(added, 792u);
  EXPECT_EQ(track.sent() + track.failed(), 792u);
  EXPECT_NEAR(added_time, true_time, 1e-9);
}

TEST(LegacyCounterTrack, ATrueSumIsFollowedToo) {
  // smsim's --legacy-status writes a real sum; records may also be coalesced (several messages each).
  LegacyCounterTrack track;
  double added = 0;
  added += track.apply(rec(2, 0, 0.2)).processing_s;
  added += track.apply(rec(4, 1, 0.5)).processing_s;
  added += track.apply(rec(10, 0 + 1, 1.1)).processing_s;
  EXPECT_NEAR(track.processing_s(), 1.1, 1e-12);
  EXPECT_NEAR(added, 0.2 + 3 * 0.1 + 6 * 0.1, 1e-12) << "each new message at its record's average";
}

TEST(LegacyCounterTrack, ARestartIsCountsGoingDownAndBanksWhatCameBefore) {
  LegacyCounterTrack track;
  track.apply(rec(8, 2, 4.5));
  EXPECT_EQ(track.apply(rec(8, 2, 4.5)).count(), 0u);  // identical repeat
  const auto d = track.apply(rec(2, 0, 1.0));            // success went down: a new epoch
  EXPECT_TRUE(d.restarted);
  EXPECT_EQ(d.sent, 2u);
  EXPECT_NEAR(d.processing_s, 1.0, 1e-12);
  track.apply(rec(4, 1, 2.0));
  EXPECT_EQ(track.sent(), 8u + 4u);
  EXPECT_EQ(track.failed(), 2u + 1u);
  EXPECT_NEAR(track.processing_s(), 4.5 + 2.0, 1e-12);
  EXPECT_EQ(track.restarts(), 1);
  // Only failed going down is a restart too.
  EXPECT_TRUE(track.apply(rec(5, 0, 2.5)).restarted);
  EXPECT_EQ(track.restarts(), 2);
  EXPECT_EQ(track.sent(), 8u + 4u + 5u);
}

TEST(LegacySquaring, SquaresOldestFirstAndInPartsWithTimeInProportion) {
  LegacySquaring waiting(10'000);
  waiting.add({3, 1, 4.0, false}, "py-1", 1000);
  waiting.add({2, 0, 1.0, false}, "py-2", 2000);
  EXPECT_EQ(waiting.waiting(), 6u);
  auto parts = waiting.square(2);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].delta.sent, 2u);
  EXPECT_EQ(parts[0].delta.failed, 0u);
  EXPECT_NEAR(parts[0].delta.processing_s, 2.0, 1e-12);
  EXPECT_EQ(parts[0].received_at_ms, 1000);
  parts = waiting.square(100);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].delta.sent, 1u);
  EXPECT_EQ(parts[0].delta.failed, 1u);
  EXPECT_NEAR(parts[0].delta.processing_s, 2.0, 1e-12);
  EXPECT_EQ(parts[1].delta.sent, 2u);
  EXPECT_EQ(waiting.waiting(), 0u);
  EXPECT_TRUE(waiting.square(5).empty());
}

TEST(LegacySquaring, WhatCannotBeSquaredWithinTheGraceBecomesAnAnomalyOnce) {
  LegacySquaring waiting(10'000);
  waiting.add({5, 0, 1.0, false}, "py-1", 1000);
  waiting.add({0, 0, 1.0, false}, "py-1", 1000);  // no messages: nothing to wait for
  EXPECT_EQ(waiting.expire(11'000), 0u) << "exactly the grace period: still waiting";
  EXPECT_EQ(waiting.expire(11'001), 5u);
  EXPECT_EQ(waiting.waiting(), 0u);
  EXPECT_NE(waiting.first_anomaly().find("py-1"), std::string::npos);
  waiting.add({1, 0, 0.1, false}, "py-2", 20'000);
  EXPECT_EQ(waiting.expire(40'000), 1u);
  EXPECT_NE(waiting.first_anomaly().find("py-1"), std::string::npos) << "the first one stays described";
}

TEST(RecordCoordinates, IdsFromTopicPartitionAndOffset) {
  EXPECT_EQ(coordinate_id("sms-messages", 3, 1234), "sms-messages/3/1234");
  EXPECT_TRUE(is_coordinate_id("sms-messages/3/1234"));
  EXPECT_TRUE(is_coordinate_id("t/0/0"));
  EXPECT_FALSE(is_coordinate_id("c1:5"));
  EXPECT_FALSE(is_coordinate_id("/0/1"));
  EXPECT_FALSE(is_coordinate_id("t/x/1"));
  EXPECT_FALSE(is_coordinate_id("t/1/"));
  EXPECT_FALSE(is_coordinate_id("t/-1/5"));
  EXPECT_FALSE(is_coordinate_id("a/b/1/2"));
  EXPECT_FALSE(is_coordinate_id("t/1"));
}
