// DeliveryStatistics: exact counting (duplicates ignored across senders, campaigns, the fallback set,
// reports that arrive before their campaign), the legacy cumulative format, per-sender and
// per-campaign figures, the time windows, and a concurrency smoke test.
#include "domain/delivery_statistics.hpp"

#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <cmath>
#include <string>
#include <thread>

#include "common/error.hpp"

using namespace std::chrono_literals;
using smsim::InvalidArgument;
using namespace smsim::domain;

namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000;  // an arbitrary epoch ms, on a whole second

StatusReport report(std::string id, std::string sender, Outcome outcome = Outcome::Sent,
                    smsim::Duration processing = 100ms, std::int64_t produced_at_ms = 0,
                    std::int64_t finished_at_ms = kT0) {
  StatusReport r;
  r.message_id = std::move(id);
  r.sender_id = std::move(sender);
  r.outcome = outcome;
  r.processing_time = processing;
  r.produced_at_ms = produced_at_ms;
  r.finished_at_ms = finished_at_ms;
  if (outcome == Outcome::Failed) r.error = "simulated failure";
  return r;
}

LegacyCounters legacy(std::string sender, std::uint64_t success, std::uint64_t failed, double total_s) {
  return LegacyCounters{std::move(sender), success, failed, total_s};
}

const SenderFigures* find_sender(const StatisticsSnapshot& s, const std::string& id) {
  for (const auto& sender : s.senders) {
    if (sender.sender_id == id) return &sender;
  }
  return nullptr;
}

const CampaignFigures* find_campaign(const StatisticsSnapshot& s, const std::string& id) {
  for (const auto& campaign : s.campaigns) {
    if (campaign.campaign_id == id) return &campaign;
  }
  return nullptr;
}

}  // namespace

TEST(DeliveryStatistics, EmptyReportsMinusOneAverageAndNothingElse) {
  const DeliveryStatistics stats;
  const auto s = stats.snapshot(kT0);
  EXPECT_EQ(s.messages_produced, 0u);
  EXPECT_EQ(s.messages_sent, 0u);
  EXPECT_EQ(s.messages_failed, 0u);
  EXPECT_EQ(s.duplicates_ignored, 0u);
  EXPECT_EQ(s.in_flight(), 0u);
  EXPECT_EQ(s.average_time_per_message_s, -1.0);
  EXPECT_EQ(s.throughput_per_s, 0.0);
  EXPECT_FALSE(s.e2e_p50_s.has_value());
  EXPECT_FALSE(s.processing_p99_s.has_value());
  EXPECT_TRUE(s.senders.empty());
  EXPECT_TRUE(s.campaigns.empty());
  EXPECT_TRUE(s.per_second.empty());
  EXPECT_EQ(s.e2e_latency.count(), 0u);
}

TEST(DeliveryStatistics, SameMessageFromTwoSendersCountsOnce) {
  DeliveryStatistics stats;
  stats.register_campaign("c1", 3, kT0);
  EXPECT_TRUE(stats.record(report("c1:0", "s1", Outcome::Sent, 100ms)));
  EXPECT_FALSE(stats.record(report("c1:0", "s2", Outcome::Sent, 300ms)));    // redelivered after a rebalance
  EXPECT_FALSE(stats.record(report("c1:0", "s1", Outcome::Failed, 300ms)));  // a retry's other outcome: still once
  EXPECT_TRUE(stats.record(report("c1:1", "s2", Outcome::Failed, 300ms)));
  const auto s = stats.snapshot(kT0);
  EXPECT_EQ(s.messages_sent, 1u);
  EXPECT_EQ(s.messages_failed, 1u);
  EXPECT_EQ(s.duplicates_ignored, 2u);
  EXPECT_NEAR(s.average_time_per_message_s, 0.2, 1e-12);  // duplicates add no time either
  EXPECT_EQ(s.processing_time.count(), 2u);
  ASSERT_EQ(s.senders.size(), 2u);
  EXPECT_EQ(s.senders[0].sent, 1u);
  EXPECT_EQ(s.senders[1].sent, 0u);  // its duplicate did not count for it
  EXPECT_EQ(s.senders[1].failed, 1u);
  EXPECT_TRUE(stats.is_counted("c1:0"));
  EXPECT_TRUE(stats.is_counted("c1:1"));
  EXPECT_FALSE(stats.is_counted("c1:2"));
}

TEST(DeliveryStatistics, TwoCampaignsAreCountedApartAndListedNewestFirst) {
  DeliveryStatistics stats;
  stats.register_campaign("old", 2, kT0);
  stats.register_campaign("new", 3, kT0 + 5000);
  EXPECT_TRUE(stats.record(report("old:1", "s1")));
  EXPECT_TRUE(stats.record(report("new:1", "s1")));  // same index, other campaign: a different message
  EXPECT_TRUE(stats.record(report("new:2", "s1", Outcome::Failed)));
  EXPECT_FALSE(stats.record(report("new:1", "s1")));
  const auto s = stats.snapshot(kT0);
  ASSERT_EQ(s.campaigns.size(), 2u);
  EXPECT_EQ(s.campaigns[0].campaign_id, "new");
  EXPECT_EQ(s.campaigns[1].campaign_id, "old");
  EXPECT_EQ(s.campaigns[0].total, 3u);
  EXPECT_EQ(s.campaigns[0].sent, 1u);
  EXPECT_EQ(s.campaigns[0].failed, 1u);
  EXPECT_EQ(s.campaigns[0].created_at_ms, kT0 + 5000);
  EXPECT_EQ(s.campaigns[1].sent, 1u);
  EXPECT_EQ(s.messages_sent, 2u);
  EXPECT_EQ(s.messages_failed, 1u);
}

TEST(DeliveryStatistics, RegisteringIsIdempotentAndValidated) {
  DeliveryStatistics stats;
  stats.register_campaign("c1", 10, kT0);
  ASSERT_TRUE(stats.record(report("c1:3", "s1")));
  stats.register_campaign("c1", 10, kT0 + 1);  // no-op: the counted message stays counted
  EXPECT_TRUE(stats.is_counted("c1:3"));
  EXPECT_EQ(stats.snapshot(kT0).campaigns.at(0).created_at_ms, kT0);
  EXPECT_THROW(stats.register_campaign("c1", 11, kT0), InvalidArgument);
  EXPECT_THROW(stats.register_campaign("", 10, kT0), InvalidArgument);
  EXPECT_THROW(stats.register_campaign("a:b", 10, kT0), InvalidArgument);
  EXPECT_THROW(stats.register_campaign("c2", 0, kT0), InvalidArgument);
  EXPECT_THROW(stats.register_campaign("c2", DeliveryStatistics::kMaxCampaignMessages + 1, kT0), InvalidArgument);
  EXPECT_EQ(stats.snapshot(kT0).campaigns.size(), 1u);
}

TEST(DeliveryStatistics, TenMillionMessageCampaignTakesAboutOnePointTwoFiveMegabytes) {
  constexpr std::uint64_t kTotal = 10'000'000;
  DeliveryStatistics stats;
  const struct mallinfo2 before = mallinfo2();
  stats.register_campaign("big", kTotal, kT0);
  const struct mallinfo2 after = mallinfo2();
  // Heap plus mmap'd blocks: large allocations may come from either.
  const auto used = [](const struct mallinfo2& m) { return m.uordblks + m.hblkhd; };
  if (used(after) != 0) {  // zero when a sanitizer replaces malloc: nothing to measure then
    const std::size_t grown = used(after) - used(before);
    EXPECT_GE(grown, kTotal / 8);
    EXPECT_LE(grown, kTotal / 8 + 64 * 1024) << "the dedup state should be a bitmap";
  }

  EXPECT_TRUE(stats.record(report("big:0", "s1")));
  EXPECT_TRUE(stats.record(report("big:9999999", "s1")));
  EXPECT_FALSE(stats.record(report("big:9999999", "s2")));
  EXPECT_FALSE(stats.is_counted("big:5000000"));
  for (std::uint64_t i = 1; i < 100'000; ++i) stats.record(report("big:" + std::to_string(i * 97), "s1"));
  const auto s = stats.snapshot(kT0);
  EXPECT_EQ(s.messages_sent, 2u + 99'999u);
  EXPECT_EQ(s.campaigns.at(0).sent, s.messages_sent);
}

TEST(DeliveryStatistics, IdsOutsideRegisteredCampaignsFallBackToTheSetAndStillDedup) {
  DeliveryStatistics stats;
  stats.register_campaign("c1", 10, kT0);
  for (const char* id : {"c1:10",     // index out of range
                         "zz:5",      // unknown campaign
                         "c1:07",     // not canonical, so not the same message as c1:7
                         "hello",     // not a campaign id at all
                         "c1:",       // no index
                         "c1:99999999999999999999999"}) {  // index overflows
    EXPECT_TRUE(stats.record(report(id, "s1"))) << id;
    EXPECT_FALSE(stats.record(report(id, "s2"))) << id;
    EXPECT_TRUE(stats.is_counted(id)) << id;
  }
  EXPECT_FALSE(stats.is_counted("c1:7"));
  EXPECT_TRUE(stats.record(report("c1:7", "s1")));
  const auto s = stats.snapshot(kT0);
  EXPECT_EQ(s.messages_sent, 7u);
  EXPECT_EQ(s.duplicates_ignored, 6u);
  EXPECT_EQ(s.campaigns.at(0).sent, 1u);  // only c1:7 belongs to the campaign
  EXPECT_THROW(stats.record(report("", "s1")), InvalidArgument);
}

TEST(DeliveryStatistics, ReportsBeforeRegistrationMoveIntoTheirCampaign) {
  DeliveryStatistics stats;
  EXPECT_TRUE(stats.record(report("late:1", "s1", Outcome::Failed, 100ms, 0, kT0 + 2000)));
  EXPECT_TRUE(stats.record(report("late:9", "s1")));  // out of the range registered below
  stats.register_campaign("late", 2, kT0);
  EXPECT_FALSE(stats.record(report("late:1", "s2")));  // now deduplicated by the bitmap
  EXPECT_TRUE(stats.is_counted("late:1"));
  EXPECT_TRUE(stats.is_counted("late:9"));
  auto s = stats.snapshot(kT0);
  EXPECT_EQ(s.campaigns.at(0).failed, 1u);
  EXPECT_EQ(s.campaigns.at(0).finished_at_ms, 0);
  EXPECT_TRUE(stats.record(report("late:0", "s1", Outcome::Sent, 100ms, 0, kT0 + 1000)));
  s = stats.snapshot(kT0);
  EXPECT_EQ(s.messages_sent, 2u);
  EXPECT_EQ(s.messages_failed, 1u);
  EXPECT_EQ(s.campaigns.at(0).finished_at_ms, kT0 + 2000);  // its newest message finished last
}

TEST(DeliveryStatistics, CampaignFinishesWithTheReportThatCompletesIt) {
  DeliveryStatistics stats;
  stats.register_campaign("c1", 3, kT0);
  stats.record(report("c1:0", "s1", Outcome::Sent, 100ms, 0, kT0 + 1000));
  stats.record(report("c1:1", "s1", Outcome::Failed, 100ms, 0, kT0 + 2000));
  stats.record(report("c1:1", "s2", Outcome::Sent, 100ms, 0, kT0 + 2500));  // duplicate: does not finish it
  EXPECT_EQ(stats.snapshot(kT0).campaigns.at(0).finished_at_ms, 0);
  stats.record(report("c1:2", "s2", Outcome::Sent, 100ms, 0, kT0 + 3000));
  const auto c = stats.snapshot(kT0 + 4000).campaigns.at(0);
  EXPECT_EQ(c.finished_at_ms, kT0 + 3000);
  EXPECT_EQ(c.sent + c.failed, c.total);
}

TEST(DeliveryStatistics, ProducedAndInFlight) {
  DeliveryStatistics stats;
  stats.register_campaign("c1", 10, kT0);
  stats.set_published("c1", 6);
  stats.set_published("c1", 4);  // stale: ignored
  stats.add_produced(2);
  stats.record(report("c1:0", "s1"));
  stats.record(report("c1:1", "s1", Outcome::Failed));
  stats.record(report("adhoc-1", "s1"));
  auto s = stats.snapshot(kT0);
  EXPECT_EQ(s.messages_produced, 8u);
  EXPECT_EQ(s.in_flight(), 5u);
  EXPECT_EQ(s.campaigns.at(0).published, 6u);
  EXPECT_THROW(stats.set_published("c1", 11), InvalidArgument);
  EXPECT_THROW(stats.set_published("nope", 1), InvalidArgument);

  // Legacy finishes beyond what was produced are not counted: they wait, then become anomalies.
  stats.record_legacy(legacy("old", 100, 0, 1.0), kT0);
  s = stats.snapshot(kT0);
  EXPECT_EQ(s.messages_sent + s.messages_failed, 3u + 5u) << "squared up to the 5 in flight";
  EXPECT_EQ(s.in_flight(), 0u);
  EXPECT_EQ(s.legacy_waiting, 95u);
  EXPECT_EQ(s.anomalies, 0u);
  s = stats.snapshot(kT0 + 10'001);
  EXPECT_EQ(s.anomalies, 95u);
  EXPECT_EQ(s.legacy_waiting, 0u);
  EXPECT_NE(s.anomaly.find("'old'"), std::string::npos) << s.anomaly;
  EXPECT_LE(s.messages_sent + s.messages_failed, s.messages_produced);
}

TEST(DeliveryStatistics, AFinishedMessageProvesItWasProduced) {
  DeliveryStatistics stats;
  stats.register_campaign("c1", 10, kT0);
  stats.set_published("c1", 1);  // the acknowledgement of later publishes is still on its way
  stats.record(report("c1:0", "s1"));
  stats.record(report("c1:1", "s1"));
  stats.record(report("c1:2", "s1", Outcome::Failed));
  stats.record(report("sms-messages/0/7", "s1"));  // an id derived from record coordinates
  const auto s = stats.snapshot(kT0);
  EXPECT_EQ(s.messages_produced, 4u);
  EXPECT_EQ(s.in_flight(), 0u);
}

TEST(DeliveryStatistics, LegacyCountersAreFoldedInAsDeltas) {
  DeliveryStatistics stats;
  stats.add_produced(100);
  stats.record_legacy(legacy("py-1", 5, 1, 3.0), kT0);
  stats.record_legacy(legacy("py-1", 8, 2, 4.5), kT0 + 1000);
  stats.record_legacy(legacy("py-1", 8, 2, 4.5), kT0 + 2000);  // identical repeat: nothing new
  auto s = stats.snapshot(kT0 + 2000);
  EXPECT_EQ(s.messages_sent, 8u);
  EXPECT_EQ(s.messages_failed, 2u);
  // Each record's new messages at that record's time per message: 6 x 0.5 + 4 x 0.45.
  EXPECT_NEAR(s.average_time_per_message_s, (3.0 + 4 * 0.45) / 10, 1e-12);
  ASSERT_EQ(s.senders.size(), 1u);
  EXPECT_TRUE(s.senders[0].legacy);
  EXPECT_EQ(s.senders[0].last_heard_ms, kT0 + 2000);
  EXPECT_EQ(s.processing_time.count(), 0u);  // no per-message times in this format

  // The sender restarted: its counters start again from zero, on top of what it had done.
  stats.record_legacy(legacy("py-1", 2, 0, 1.0), kT0 + 3000);
  stats.record_legacy(legacy("py-1", 4, 1, 2.0), kT0 + 4000);
  s = stats.snapshot(kT0 + 4000);
  EXPECT_EQ(s.messages_sent, 8u + 4u);
  EXPECT_EQ(s.messages_failed, 2u + 1u);
  EXPECT_NEAR(s.senders[0].total_processing_s, 4.5 + 2.0, 1e-12);
  EXPECT_EQ(s.senders[0].legacy_restarts, 1);

  // Another legacy sender keeps its own baseline.
  stats.record_legacy(legacy("py-2", 3, 0, 0.3), kT0 + 4000);
  EXPECT_EQ(stats.snapshot(kT0).messages_sent, 15u);
  EXPECT_EQ(stats.snapshot(kT0 + 60'000).anomalies, 0u);

  EXPECT_THROW(stats.record_legacy(legacy("", 1, 0, 1.0), kT0), InvalidArgument);
  EXPECT_THROW(stats.record_legacy(legacy("py-1", 1, 0, -1.0), kT0), InvalidArgument);
  EXPECT_THROW(stats.record_legacy(legacy("py-1", 1, 0, std::nan("")), kT0), InvalidArgument);
}

TEST(DeliveryStatistics, TheOriginalSendersShrinkingTimeIsNotARestart) {
  // One record after every message, time = last duration x count (it goes down now and then).
  DeliveryStatistics stats;
  stats.register_campaign("c1", 1200, kT0);
  stats.set_published("c1", 1200);
  const double durations[] = {0.004, 0.001, 0.003, 0.002};
  for (std::uint64_t n = 1; n <= 792; ++n) {
    stats.record_legacy(legacy("py-1", n - n / 5, n / 5, durations[n % 4] * static_cast<double>(n)), kT0 + static_cast<std::int64_t>(n));
  }
  const auto s = stats.snapshot(kT0 + 1000);
  EXPECT_EQ(s.messages_sent + s.messages_failed, 792u);
  EXPECT_EQ(s.messages_failed, 792u / 5);
  EXPECT_EQ(s.anomalies, 0u);
  EXPECT_EQ(s.senders.at(0).legacy_restarts, 0);
}

TEST(DeliveryStatistics, LegacyFinishesWaitForTheirPublishAcknowledgement) {
  // A legacy sender can report a message before the gateway has its publish acknowledged.
  DeliveryStatistics stats;
  stats.register_campaign("c1", 10, kT0);
  stats.record_legacy(legacy("py-1", 3, 0, 0.3), kT0);
  auto s = stats.snapshot(kT0 + 100);
  EXPECT_EQ(s.messages_sent, 0u);
  EXPECT_EQ(s.legacy_waiting, 3u);
  stats.set_published("c1", 2);
  s = stats.snapshot(kT0 + 200);
  EXPECT_EQ(s.messages_sent, 2u);
  stats.set_foreign_records(1);  // or records of another producer
  s = stats.snapshot(kT0 + 300);
  EXPECT_EQ(s.messages_sent, 3u);
  EXPECT_EQ(s.messages_produced, 3u);
  EXPECT_EQ(s.legacy_waiting, 0u);
  EXPECT_NEAR(s.average_time_per_message_s, 0.1, 1e-12);
  stats.set_foreign_records(5);  // e.g. poison records, not dead-lettered yet
  EXPECT_EQ(stats.snapshot(kT0 + 400).messages_produced, 7u);
  stats.set_foreign_records(1);  // ...and now they are
  EXPECT_EQ(stats.snapshot(kT0 + 500).messages_produced, 3u);
}

TEST(DeliveryStatistics, ARestartedGatewaySquaresLegacyHistoryWithTheRecordsFoundAtStart) {
  // The original producer wrote 50 records before this gateway started; a legacy sender's replayed
  // record says it processed 40 of them. They are not anomalies, and count as produced.
  DeliveryStatistics stats;
  stats.set_historic_records(50);
  EXPECT_EQ(stats.snapshot(kT0).messages_produced, 0u) << "history counts only as far as it is needed";
  stats.record_legacy(legacy("py-1", 36, 4, 0.4), kT0);
  auto s = stats.snapshot(kT0 + 60'000);
  EXPECT_EQ(s.messages_sent + s.messages_failed, 40u);
  EXPECT_EQ(s.messages_produced, 40u);
  EXPECT_EQ(s.anomalies, 0u);
  // Beyond the bound it is an anomaly again.
  stats.record_legacy(legacy("py-1", 56, 4, 0.6), kT0 + 60'000);
  s = stats.snapshot(kT0 + 120'000);
  EXPECT_EQ(s.messages_sent + s.messages_failed, 50u);
  EXPECT_EQ(s.anomalies, 10u);
  EXPECT_LE(s.messages_sent + s.messages_failed, s.messages_produced);
}

TEST(DeliveryStatistics, AverageCombinesLegacyAndNewReports) {
  DeliveryStatistics stats;
  stats.add_produced(4);
  stats.record(report("a:1", "s1", Outcome::Sent, 1s));
  stats.record(report("a:2", "s1", Outcome::Failed, 1s));
  stats.record_legacy(legacy("py-1", 1, 1, 5.0), kT0);
  const auto s = stats.snapshot(kT0);
  EXPECT_EQ(s.messages_sent, 2u);
  EXPECT_EQ(s.messages_failed, 2u);
  EXPECT_NEAR(s.average_time_per_message_s, (1 + 1 + 5.0) / 4, 1e-12);
}

TEST(DeliveryStatistics, PerSenderFiguresAndHeartbeatSettings) {
  DeliveryStatistics stats;
  SenderSettingsInfo settings{"s2", "smsim-sender", "normal", 0.5, 0.1, 0.05, 4};
  stats.record_heartbeat(settings, kT0 + 100);
  stats.record(report("m:1", "s1", Outcome::Sent, 100ms, 0, kT0 + 200));
  stats.record(report("m:2", "s1", Outcome::Failed, 300ms, 0, kT0 + 150));  // older: last_heard keeps the newest
  stats.record_heartbeat(SenderSettingsInfo{"s3", "", "", 0, 0, 0, 1}, kT0);
  const auto s = stats.snapshot(kT0 + 1000);
  ASSERT_EQ(s.senders.size(), 3u);
  EXPECT_EQ(s.senders[0].sender_id, "s1");  // sorted by id
  EXPECT_EQ(s.senders[1].sender_id, "s2");
  EXPECT_EQ(s.senders[2].sender_id, "s3");

  const SenderFigures& s1 = s.senders[0];
  EXPECT_EQ(s1.sent, 1u);
  EXPECT_EQ(s1.failed, 1u);
  EXPECT_NEAR(s1.total_processing_s, 0.4, 1e-12);
  EXPECT_NEAR(*s1.average_s(), 0.2, 1e-12);
  EXPECT_EQ(s1.last_heard_ms, kT0 + 200);
  EXPECT_FALSE(s1.settings.has_value());
  EXPECT_FALSE(s1.legacy);
  EXPECT_NEAR(s1.rate_per_s, 0.2, 1e-12);  // 2 finished in the last 10 s

  const SenderFigures& s2 = s.senders[1];
  EXPECT_FALSE(s2.average_s().has_value());
  ASSERT_TRUE(s2.settings.has_value());
  EXPECT_EQ(s2.settings->program, "smsim-sender");
  EXPECT_EQ(s2.settings->distribution, "normal");
  EXPECT_DOUBLE_EQ(s2.settings->mean_s, 0.5);
  EXPECT_DOUBLE_EQ(s2.settings->failure_rate, 0.05);
  EXPECT_EQ(s2.settings->window, 4);
  EXPECT_EQ(s2.last_heard_ms, kT0 + 100);

  settings.mean_s = 0.7;  // a later heartbeat replaces the settings
  stats.record_heartbeat(settings, kT0 + 5000);
  const auto later = stats.snapshot(kT0 + 5000);
  EXPECT_DOUBLE_EQ(find_sender(later, "s2")->settings->mean_s, 0.7);
  EXPECT_EQ(find_sender(later, "s2")->last_heard_ms, kT0 + 5000);
  EXPECT_THROW(stats.record_heartbeat(SenderSettingsInfo{}, kT0), InvalidArgument);
}

TEST(DeliveryStatistics, ThroughputAndPerSecondSeriesUseFinishTimes) {
  DeliveryStatistics stats;
  int n = 0;
  const auto finish_at = [&](std::int64_t ms, Outcome outcome = Outcome::Sent) {
    stats.record(report("x:" + std::to_string(n++), "s1", outcome, 10ms, 0, ms));
  };
  for (int i = 0; i < 30; ++i) finish_at(kT0 - 5000 + i);           // 5 s ago: in the 10 s window
  for (int i = 0; i < 10; ++i) finish_at(kT0 - 2000, Outcome::Failed);
  for (int i = 0; i < 7; ++i) finish_at(kT0 - 60'000);              // a minute ago: series only
  finish_at(kT0 - 400'000);                                         // older than the series: totals only

  const auto s = stats.snapshot(kT0);
  EXPECT_EQ(s.messages_sent + s.messages_failed, 48u);
  EXPECT_NEAR(s.throughput_per_s, 40 / 10.0, 1e-12);
  EXPECT_NEAR(find_sender(s, "s1")->rate_per_s, 40 / 10.0, 1e-12);
  const decltype(s.per_second) expected{{kT0 / 1000 - 60, {7, 0}}, {kT0 / 1000 - 5, {30, 0}}, {kT0 / 1000 - 2, {0, 10}}};
  EXPECT_EQ(s.per_second, expected);

  // Ten seconds later the window is empty, but the series still shows those seconds.
  const auto later = stats.snapshot(kT0 + 10'000);
  EXPECT_EQ(later.throughput_per_s, 0.0);
  EXPECT_EQ(later.per_second.size(), 3u);
  // Five minutes later they have left the series too; the totals stay.
  const auto much_later = stats.snapshot(kT0 + 300'000);
  EXPECT_TRUE(much_later.per_second.empty());
  EXPECT_EQ(much_later.messages_sent + much_later.messages_failed, 48u);
}

TEST(DeliveryStatistics, ReportsOlderThanTheSeriesRingCountOnlyInTotals) {
  DeliveryStatistics stats;
  stats.record(report("x:1", "s1", Outcome::Sent, 10ms, 0, kT0));
  stats.record(report("x:2", "s1", Outcome::Sent, 10ms, 0, kT0 - 300'000));  // same ring slot, 300 s older
  const auto s = stats.snapshot(kT0);
  EXPECT_EQ(s.messages_sent, 2u);
  const decltype(s.per_second) expected{{kT0 / 1000, {1, 0}}};
  EXPECT_EQ(s.per_second, expected);
}

TEST(DeliveryStatistics, LatencyHistogramsAndPercentiles) {
  DeliveryStatistics stats;
  stats.record(report("l:1", "s1", Outcome::Sent, 100ms, kT0 - 250, kT0));   // e2e 250 ms
  stats.record(report("l:2", "s1", Outcome::Sent, 100ms, kT0 - 250, kT0));
  stats.record(report("l:3", "s1", Outcome::Sent, 100ms, 0, kT0));           // produced_at unknown: no e2e
  stats.record(report("l:4", "s1", Outcome::Sent, -5ms, kT0 + 50, kT0));     // clock skew: clamped to 0
  const auto s = stats.snapshot(kT0);
  EXPECT_EQ(s.e2e_latency.count(), 3u);
  EXPECT_EQ(s.e2e_latency.cumulative_counts()[0], 1u);  // the clamped one
  EXPECT_GE(*s.e2e_p90_s, 0.2);  // within its bucket (0.2, 0.5], capped by the largest value
  EXPECT_LE(*s.e2e_p90_s, 0.25);
  EXPECT_EQ(s.processing_time.count(), 4u);
  for (const double p : {*s.processing_p50_s, *s.processing_p99_s}) {  // within the bucket (0.05, 0.1]
    EXPECT_GE(p, 0.05);
    EXPECT_LE(p, 0.1);
  }
  EXPECT_NEAR(s.average_time_per_message_s, 0.3 / 4, 1e-12);  // the negative time counts as 0
}

TEST(DeliveryStatistics, MessageFallsDueAtAcceptanceOrAtItsPacedSlot) {
  EXPECT_EQ(message_due_at_ms(kT0, 0, 0), kT0);
  EXPECT_EQ(message_due_at_ms(kT0, 0, 999'999), kT0);  // unpaced: the whole backlog waits from acceptance
  EXPECT_EQ(message_due_at_ms(kT0, 100, 0), kT0);
  EXPECT_EQ(message_due_at_ms(kT0, 100, 5), kT0 + 50);
  EXPECT_EQ(message_due_at_ms(kT0, 3, 1), kT0 + 333);           // rounded to the nearest ms
  EXPECT_EQ(message_due_at_ms(kT0, 30'000, 3'000'000), kT0 + 100'000);
  EXPECT_EQ(message_due_at_ms(kT0, std::nan(""), 7), kT0);     // never stored (refused on registration)
}

TEST(DeliveryStatistics, AcceptedToCountedRunsFromTheDueTimeToTheCountingMoment) {
  DeliveryStatistics stats;
  stats.register_campaign("paced", 3, kT0, 10);  // index i falls due at kT0 + 100 ms * i
  stats.register_campaign("burst", 2, kT0);
  EXPECT_TRUE(stats.record(report("paced:2", "s1"), kT0 + 200 + 15));  // 15 ms behind its slot
  EXPECT_TRUE(stats.record(report("burst:1", "s1"), kT0 + 40));        // 40 ms after acceptance
  EXPECT_FALSE(stats.record(report("burst:1", "s2"), kT0 + 5000));     // a duplicate adds nothing
  EXPECT_TRUE(stats.record(report("burst:0", "s1")));                  // not observed live (replay)
  EXPECT_TRUE(stats.record(report("paced:0", "s1"), kT0 - 3));         // clocks: early counts as 0
  auto s = stats.snapshot(kT0);
  EXPECT_EQ(s.messages_sent, 4u);
  ASSERT_EQ(s.accepted_to_counted.count(), 3u);
  EXPECT_NEAR(s.accepted_to_counted.sum_seconds(), 0.055, 1e-9);
  EXPECT_NEAR(*s.accepted_to_counted.quantile_seconds(1.0), 0.040, 1e-9);  // the largest value seen
  EXPECT_GT(*s.accepted_p99_s, 0.020);  // within its bucket (0.02, 0.05], capped at the largest, 40 ms
  EXPECT_LE(*s.accepted_p99_s, 0.040);
  EXPECT_GE(*s.accepted_p50_s, 0.010);            // the median is the 15 ms one: bucket (0.01, 0.02]
  EXPECT_LE(*s.accepted_p50_s, 0.020);

  // A report that arrives before its campaign is registered is observed when the campaign is.
  EXPECT_TRUE(stats.record(report("early:0", "s1"), kT0 + 1500));
  EXPECT_EQ(stats.snapshot(kT0).accepted_to_counted.count(), 3u);
  stats.register_campaign("early", 1, kT0 + 1000);
  s = stats.snapshot(kT0);
  ASSERT_EQ(s.accepted_to_counted.count(), 4u);
  EXPECT_NEAR(s.accepted_to_counted.sum_seconds(), 0.555, 1e-9);

  // An invalid pace is refused, and does not register the campaign.
  EXPECT_THROW(stats.register_campaign("bad", 1, kT0, -1), InvalidArgument);
  EXPECT_THROW(stats.register_campaign("bad", 1, kT0, std::nan("")), InvalidArgument);
  EXPECT_TRUE(stats.record(report("bad:0", "s1"), kT0 + 10));  // counted, but outside any campaign
  EXPECT_EQ(stats.snapshot(kT0).accepted_to_counted.count(), 4u);
}

TEST(DeliveryStatistics, ConcurrentWritersOfDisjointIdsGiveExactTotals) {
  constexpr int kPerThread = 100'000;
  DeliveryStatistics stats;
  stats.register_campaign("t", 2 * kPerThread, kT0);
  std::atomic<bool> done{false};
  std::thread reader([&] {  // HTTP threads take snapshots meanwhile
    while (!done) (void)stats.snapshot(kT0);
  });
  const auto writer = [&](int parity, const char* sender) {
    for (int i = parity; i < 2 * kPerThread; i += 2) {
      stats.record(report("t:" + std::to_string(i), sender, i % 10 == 0 ? Outcome::Failed : Outcome::Sent));
    }
  };
  std::thread even(writer, 0, "even");
  std::thread odd(writer, 1, "odd");
  even.join();
  odd.join();
  done = true;
  reader.join();
  const auto s = stats.snapshot(kT0);
  EXPECT_EQ(s.messages_sent + s.messages_failed, 2u * kPerThread);
  EXPECT_EQ(s.messages_failed, 2u * kPerThread / 10);
  EXPECT_EQ(s.duplicates_ignored, 0u);
  EXPECT_EQ(find_sender(s, "even")->sent + find_sender(s, "even")->failed, std::uint64_t{kPerThread});
  EXPECT_EQ(find_campaign(s, "t")->finished_at_ms, kT0);
}

TEST(DeliveryStatistics, ConcurrentWritersOfTheSameIdsCountEachOnce) {
  constexpr int kMessages = 50'000;
  DeliveryStatistics stats;
  stats.register_campaign("t", kMessages, kT0);
  std::atomic<std::uint64_t> accepted{0};
  const auto writer = [&](const char* sender) {
    for (int i = 0; i < kMessages; ++i) accepted += stats.record(report("t:" + std::to_string(i), sender)) ? 1 : 0;
  };
  std::thread a(writer, "a");
  std::thread b(writer, "b");
  a.join();
  b.join();
  const auto s = stats.snapshot(kT0);
  EXPECT_EQ(accepted.load(), std::uint64_t{kMessages});
  EXPECT_EQ(s.messages_sent, std::uint64_t{kMessages});
  EXPECT_EQ(s.duplicates_ignored, std::uint64_t{kMessages});
}
