// DispatchPlanner: credit per sender, target depths, liveness, partition ownership, outstanding
// bookkeeping, and — in a small discrete-event simulation — the property the product promises:
// work follows capacity, so a campaign over senders of different speeds ends close to the ideal
// N / sum(rates) instead of waiting for the slowest sender.
#include "domain/dispatch_planner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using smsim::Duration;
using smsim::domain::DispatchPlanner;
using smsim::domain::SenderCapacity;

namespace {

SenderCapacity sender(std::string id, Duration mean, int window = 1) { return SenderCapacity{std::move(id), mean, window}; }

// Asks for partitions until the planner says nobody has credit (at most `limit` times), recording
// each as dispatched. Returns how many each partition received.
std::map<std::int32_t, int> fill(DispatchPlanner& planner, std::int64_t now_ms, int limit = 100'000) {
  std::map<std::int32_t, int> got;
  for (int i = 0; i < limit; ++i) {
    const auto p = planner.next_partition(now_ms);
    if (!p) break;
    planner.on_dispatched(*p);
    ++got[*p];
  }
  return got;
}

int total(const std::map<std::int32_t, int>& got) {
  int n = 0;
  for (const auto& [p, count] : got) n += count;
  return n;
}

// --- basics ---------------------------------------------------------------------------------------

TEST(DispatchPlanner, NoSendersMeansNoPartition) {
  DispatchPlanner planner;
  EXPECT_EQ(planner.next_partition(0), std::nullopt);
  EXPECT_EQ(planner.live_senders(0), 0);
  EXPECT_EQ(planner.outstanding_total(), 0);
}

TEST(DispatchPlanner, SenderWithoutPartitionsGetsNothing) {
  DispatchPlanner planner;
  planner.on_heartbeat(sender("s1", 10ms), {}, false, 0);
  EXPECT_EQ(planner.live_senders(0), 1);
  EXPECT_EQ(planner.next_partition(0), std::nullopt);
}

TEST(DispatchPlanner, OneSenderReceivesUpToItsTargetDepth) {
  DispatchPlanner planner;
  const auto s = sender("s1", 10ms);
  planner.on_heartbeat(s, {3, 5}, false, 0);
  const auto target = planner.target_depth(s);
  ASSERT_EQ(target, 6);  // 1 + ceil(1 * 50ms / 10ms)

  const auto got = fill(planner, 0);
  EXPECT_EQ(total(got), target);
  for (const auto& [p, n] : got) EXPECT_TRUE(p == 3 || p == 5) << "partition " << p << " is not the sender's";
  // The emptiest partition is chosen each time, so the two share the queue evenly.
  EXPECT_EQ(got.at(3), 3);
  EXPECT_EQ(got.at(5), 3);
  EXPECT_EQ(planner.outstanding_total(), target);
  EXPECT_EQ(planner.next_partition(0), std::nullopt);
}

TEST(DispatchPlanner, FinishingFreesCredit) {
  DispatchPlanner planner;
  planner.on_heartbeat(sender("s1", 10ms), {0}, false, 0);
  EXPECT_EQ(total(fill(planner, 0)), 6);
  ASSERT_EQ(planner.next_partition(0), std::nullopt);

  planner.on_finished(0);
  EXPECT_EQ(planner.outstanding(0), 5);
  EXPECT_EQ(planner.next_partition(0), std::optional<std::int32_t>(0));
  planner.on_dispatched(0);
  EXPECT_EQ(planner.next_partition(0), std::nullopt);

  planner.on_finished(0);
  planner.on_finished(0);
  planner.on_finished(0);
  EXPECT_EQ(total(fill(planner, 0)), 3);
}

TEST(DispatchPlanner, OutstandingNeverGoesNegative) {
  DispatchPlanner planner;
  planner.on_finished(7);  // a report for a message we never counted (e.g. published before a restart)
  EXPECT_EQ(planner.outstanding(7), 0);
  planner.on_dispatched(7);
  planner.on_finished(7);
  planner.on_finished(7);
  EXPECT_EQ(planner.outstanding(7), 0);
  planner.set_outstanding(7, -5);
  EXPECT_EQ(planner.outstanding(7), 0);
  EXPECT_EQ(planner.outstanding_total(), 0);
  // Extra finishes earn no extra credit.
  planner.on_heartbeat(sender("s1", 10ms), {7}, false, 0);
  EXPECT_EQ(total(fill(planner, 0)), 6);
}

TEST(DispatchPlanner, SetOutstandingReplacesTheEstimate) {
  DispatchPlanner planner;
  const auto s = sender("s1", 10ms);
  planner.on_heartbeat(s, {0, 1}, false, 0);
  planner.on_dispatched(0);
  planner.on_dispatched(0);
  planner.set_outstanding(0, 4);
  EXPECT_EQ(planner.outstanding(0), 4);
  planner.set_outstanding(1, 2);
  EXPECT_EQ(planner.outstanding(1), 2);
  EXPECT_EQ(planner.outstanding_total(), 6);
  EXPECT_EQ(planner.next_partition(0), std::nullopt);  // 4 + 2 == target 6

  planner.set_outstanding(0, 0);
  EXPECT_EQ(planner.outstanding_total(), 2);
  const auto got = fill(planner, 0);
  EXPECT_EQ(total(got), 4);
  EXPECT_EQ(planner.outstanding(0), 3);  // the emptiest partition first: 0 until it catches up with 1
  EXPECT_EQ(planner.outstanding(1), 3);
}

// --- target depth ---------------------------------------------------------------------------------

TEST(DispatchPlanner, TargetDepthIsWindowPlusWhatTheSenderFinishesInTheLeadTime) {
  DispatchPlanner planner;  // lead_time 50ms, cap 2000
  EXPECT_EQ(planner.target_depth(sender("a", 10ms, 1)), 1 + 5);
  EXPECT_EQ(planner.target_depth(sender("a", 20ms, 1)), 1 + 3);   // ceil(2.5)
  EXPECT_EQ(planner.target_depth(sender("a", 40ms, 1)), 1 + 2);   // ceil(1.25)
  EXPECT_EQ(planner.target_depth(sender("a", 10ms, 4)), 4 + 20);  // the window multiplies the rate
  EXPECT_EQ(planner.target_depth(sender("a", 30ms, 2)), 2 + 4);   // ceil(3.33)
  EXPECT_EQ(planner.target_depth(sender("a", 50ms, 1)), 1 + 1);
  EXPECT_EQ(planner.target_depth(sender("a", 1s, 1)), 2);      // slow: at least window + 1
  EXPECT_EQ(planner.target_depth(sender("a", 1s, 8)), 9);      // ceil(0.4) = 1
  EXPECT_EQ(planner.target_depth(sender("a", 1h, 1)), 2);
  EXPECT_EQ(planner.target_depth(sender("a", 10ms, 0)), 1 + 5);  // a window below 1 counts as 1
  EXPECT_EQ(planner.target_depth(sender("a", 10ms, -3)), 1 + 5);
}

TEST(DispatchPlanner, TargetDepthIsCapped) {
  DispatchPlanner planner;
  EXPECT_EQ(planner.target_depth(sender("a", 0ms, 1)), 2000);  // no delay: the cap
  EXPECT_EQ(planner.target_depth(sender("a", Duration(-5), 1)), 2000);
  EXPECT_EQ(planner.target_depth(sender("a", 1us, 1)), 2000);  // 1 + 50000, capped
  EXPECT_EQ(planner.target_depth(sender("a", 25us, 1)), 2000);  // 1 + 2000, capped
  EXPECT_EQ(planner.target_depth(sender("a", 26us, 1)), 1 + 1924);

  DispatchPlanner::Options options;
  options.lead_time = 100ms;
  options.max_outstanding_per_sender = 50;
  DispatchPlanner custom(options);
  EXPECT_EQ(custom.target_depth(sender("a", 10ms, 1)), 1 + 10);
  EXPECT_EQ(custom.target_depth(sender("a", 1ms, 1)), 50);
  EXPECT_EQ(custom.target_depth(sender("a", 0ms, 1)), 50);
}

TEST(DispatchPlanner, TargetDepthAlwaysLeavesRoomBeyondAWideWindow) {
  // A window wider than the cap must still be fillable (and the clamp bounds must stay ordered).
  DispatchPlanner::Options options;
  options.max_outstanding_per_sender = 100;
  DispatchPlanner planner(options);
  EXPECT_EQ(planner.target_depth(sender("a", 10s, 500)), 501);
  EXPECT_EQ(planner.target_depth(sender("a", 10ms, 500)), 501);
  EXPECT_EQ(planner.target_depth(sender("a", 0ms, 500)), 501);
  EXPECT_EQ(planner.target_depth(sender("a", 10s, 99)), 100);
}

TEST(DispatchPlanner, ZeroLeadTimeStillKeepsOneMessageQueued) {
  DispatchPlanner::Options options;
  options.lead_time = 0ms;
  DispatchPlanner planner(options);
  EXPECT_EQ(planner.target_depth(sender("a", 10ms, 1)), 2);
  EXPECT_EQ(planner.target_depth(sender("a", 10ms, 3)), 4);
}

// --- choice between senders -----------------------------------------------------------------------

TEST(DispatchPlanner, PrefersTheSenderWithMostRoomRelativeToItsTarget) {
  DispatchPlanner planner;
  planner.on_heartbeat(sender("fast", 10ms), {0}, false, 0);  // target 6
  planner.on_heartbeat(sender("slow", 40ms), {1}, false, 0);  // target 3
  planner.set_outstanding(0, 3);                              // room 3/6 = 0.5
  planner.set_outstanding(1, 1);                              // room 2/3 = 0.67
  EXPECT_EQ(planner.next_partition(0), std::optional<std::int32_t>(1));
  planner.set_outstanding(1, 2);  // room 1/3 = 0.33
  EXPECT_EQ(planner.next_partition(0), std::optional<std::int32_t>(0));
  planner.set_outstanding(0, 6);  // fast full
  EXPECT_EQ(planner.next_partition(0), std::optional<std::int32_t>(1));
  planner.set_outstanding(1, 3);  // both full
  EXPECT_EQ(planner.next_partition(0), std::nullopt);
}

TEST(DispatchPlanner, FillsEverySenderToItsOwnTarget) {
  DispatchPlanner planner;
  planner.on_heartbeat(sender("fast", 10ms), {0, 1}, false, 0);
  planner.on_heartbeat(sender("mid", 20ms), {2}, false, 0);
  planner.on_heartbeat(sender("slow", 40ms), {3}, false, 0);
  const auto got = fill(planner, 0);
  EXPECT_EQ(got.at(0) + got.at(1), 6);
  EXPECT_EQ(got.at(2), 4);
  EXPECT_EQ(got.at(3), 3);
  EXPECT_EQ(total(got), 13);
}

// --- liveness and ownership -----------------------------------------------------------------------

TEST(DispatchPlanner, SilentSenderGetsNothing) {
  DispatchPlanner::Options options;
  options.sender_timeout_ms = 6000;
  DispatchPlanner planner(options);
  planner.on_heartbeat(sender("s1", 10ms), {0}, false, 1000);
  EXPECT_EQ(planner.live_senders(7000), 1);  // exactly the timeout: still live
  EXPECT_EQ(planner.next_partition(7000), std::optional<std::int32_t>(0));
  EXPECT_EQ(planner.live_senders(7001), 0);
  EXPECT_EQ(planner.next_partition(7001), std::nullopt);

  // A second, live sender takes everything while the first is silent.
  planner.on_heartbeat(sender("s2", 10ms), {1}, false, 7000);
  const auto got = fill(planner, 8000);
  EXPECT_EQ(got.count(0), 0u);
  EXPECT_EQ(got.at(1), 6);

  // A heartbeat brings the first one back.
  planner.on_heartbeat(sender("s1", 10ms), {0}, false, 9000);
  EXPECT_EQ(planner.live_senders(9000), 2);
  EXPECT_EQ(planner.next_partition(9000), std::optional<std::int32_t>(0));
}

TEST(DispatchPlanner, LeavingSenderIsRemoved) {
  DispatchPlanner planner;
  planner.on_heartbeat(sender("s1", 10ms), {0}, false, 0);
  planner.on_heartbeat(sender("s2", 10ms), {1}, false, 0);
  planner.on_heartbeat(sender("s1", 10ms), {0}, true, 100);
  EXPECT_EQ(planner.live_senders(100), 1);
  const auto got = fill(planner, 100);
  EXPECT_EQ(got.count(0), 0u);
  EXPECT_EQ(got.at(1), 6);

  planner.on_heartbeat(sender("s2", 10ms), {}, true, 200);
  EXPECT_EQ(planner.live_senders(200), 0);
  planner.set_outstanding(1, 0);
  EXPECT_EQ(planner.next_partition(200), std::nullopt);
}

TEST(DispatchPlanner, LeavingReleasesThePartitionsForOthers) {
  DispatchPlanner planner;
  planner.on_heartbeat(sender("s1", 10ms), {0, 1}, false, 0);
  planner.on_heartbeat(sender("s1", 10ms), {}, true, 10);
  planner.on_heartbeat(sender("s2", 40ms), {0, 1}, false, 20);
  const auto got = fill(planner, 20);
  EXPECT_EQ(total(got), 3);  // s2's target, not s1's
}

TEST(DispatchPlanner, PartitionClaimedByANewerHeartbeatMovesToThatSender) {
  DispatchPlanner planner;
  planner.on_heartbeat(sender("a", 10ms), {0, 1}, false, 0);
  planner.on_heartbeat(sender("b", 40ms), {1}, false, 10);  // a rebalance gave partition 1 to b

  // b's queue (partition 1) is full; if a still counted partition 1 it would be full too.
  planner.set_outstanding(1, 100);
  EXPECT_EQ(planner.next_partition(10), std::optional<std::int32_t>(0));

  // From empty queues each sender fills only its own partitions, to its own target.
  planner.set_outstanding(1, 0);
  const auto got = fill(planner, 10);
  EXPECT_EQ(got.at(0), 6);  // a: target 6, all on partition 0
  EXPECT_EQ(got.at(1), 3);  // b: target 3
}

TEST(DispatchPlanner, NewestClaimWinsInEitherOrder) {
  DispatchPlanner planner;
  planner.on_heartbeat(sender("a", 10ms), {0}, false, 0);
  planner.on_heartbeat(sender("b", 40ms), {0}, false, 10);  // b claims 0
  planner.on_heartbeat(sender("a", 10ms), {}, false, 20);   // a's heartbeat after the same rebalance
  EXPECT_EQ(total(fill(planner, 20)), 3);                   // partition 0 is b's (target 3)

  planner.set_outstanding(0, 0);
  planner.on_heartbeat(sender("a", 10ms), {0}, false, 30);  // another rebalance: back to a
  planner.on_heartbeat(sender("b", 40ms), {}, false, 40);
  EXPECT_EQ(total(fill(planner, 40)), 6);  // a's target
}

TEST(DispatchPlanner, HeartbeatUpdatesCapacity) {
  DispatchPlanner planner;
  planner.on_heartbeat(sender("s1", 40ms), {0}, false, 0);
  EXPECT_EQ(total(fill(planner, 0)), 3);
  planner.on_heartbeat(sender("s1", 10ms), {0}, false, 1000);  // restarted with new settings
  EXPECT_EQ(total(fill(planner, 1000)), 3);                     // 6 - 3 already outstanding
}

// --- the promise: a campaign ends near N / sum(rates) ------------------------------------------------

struct SimSender {
  SenderCapacity capacity;
  std::vector<std::int32_t> partitions;
  double rate_per_ms() const { return 1e6 / static_cast<double>(capacity.mean.count()); }
};

struct SimResult {
  std::int64_t makespan_ms = 0;
  std::vector<int> finished;  // per sender
  double ideal_ms = 0;
  double ratio() const { return static_cast<double>(makespan_ms) / ideal_ms; }
};

// Discrete time in whole milliseconds. Each sender works with window 1 on the messages queued in its
// partitions, in order, each taking exactly its mean; publish -> consume is instantaneous. Whenever
// any live sender has credit the planner is asked for partitions; senders heartbeat every second.
SimResult simulate(const std::vector<SimSender>& senders, int messages) {
  DispatchPlanner planner;
  std::map<std::int32_t, std::size_t> owner;
  for (std::size_t i = 0; i < senders.size(); ++i) {
    for (const auto p : senders[i].partitions) owner[p] = i;
  }
  const auto heartbeat_all = [&](std::int64_t now) {
    for (const auto& s : senders) planner.on_heartbeat(s.capacity, s.partitions, false, now);
  };

  struct Worker {
    std::deque<std::int32_t> queue;  // partitions of the messages waiting, in publish order
    std::optional<std::int32_t> current;
    std::int64_t busy_until = 0;
  };
  std::vector<Worker> workers(senders.size());
  SimResult result;
  result.finished.assign(senders.size(), 0);
  int dispatched = 0, finished = 0;
  std::int64_t now = 0, next_heartbeat = 0;

  while (finished < messages) {
    if (now >= next_heartbeat) {
      heartbeat_all(now);
      next_heartbeat += 1000;
    }
    while (dispatched < messages) {
      const auto p = planner.next_partition(now);
      if (!p) break;
      planner.on_dispatched(*p);
      workers[owner.at(*p)].queue.push_back(*p);
      ++dispatched;
    }
    std::int64_t next_event = next_heartbeat;
    for (std::size_t i = 0; i < workers.size(); ++i) {
      auto& w = workers[i];
      if (!w.current && !w.queue.empty()) {
        w.current = w.queue.front();
        w.queue.pop_front();
        w.busy_until = now + std::chrono::duration_cast<std::chrono::milliseconds>(senders[i].capacity.mean).count();
      }
      if (w.current) next_event = std::min(next_event, w.busy_until);
    }
    const bool anyone_busy =
        std::any_of(workers.begin(), workers.end(), [](const Worker& w) { return w.current.has_value(); });
    if (!anyone_busy && dispatched < messages && !planner.next_partition(now)) {
      ADD_FAILURE() << "stalled at " << now << " ms with " << dispatched << " of " << messages << " dispatched";
      break;
    }
    now = next_event;
    for (std::size_t i = 0; i < workers.size(); ++i) {
      auto& w = workers[i];
      if (w.current && w.busy_until == now) {
        planner.on_finished(*w.current);
        w.current.reset();
        ++result.finished[i];
        ++finished;
        result.makespan_ms = now;
      }
    }
  }
  double total_rate = 0;
  for (const auto& s : senders) total_rate += s.rate_per_ms();
  result.ideal_ms = messages / total_rate;
  EXPECT_EQ(planner.outstanding_total(), 0);
  return result;
}

TEST(DispatchPlanner, WorkFollowsCapacityTwoSenders) {
  const std::vector<SimSender> senders{{sender("fast", 10ms), {0, 1}}, {sender("slow", 40ms), {2, 3}}};
  const int n = 5000;
  const auto r = simulate(senders, n);
  ASSERT_EQ(r.finished[0] + r.finished[1], n);
  // Rates 100/s and 25/s: shares 80% and 20%. An even spread would give 50/50.
  EXPECT_NEAR(r.finished[0] / static_cast<double>(n), 0.80, 0.02) << r.finished[0] << " vs " << r.finished[1];
  EXPECT_NEAR(r.finished[1] / static_cast<double>(n), 0.20, 0.02) << r.finished[0] << " vs " << r.finished[1];
  EXPECT_LE(r.ratio(), 1.05) << "makespan " << r.makespan_ms << " ms, ideal " << r.ideal_ms << " ms";
}

TEST(DispatchPlanner, CampaignEndsWithinFivePercentOfIdeal) {
  const std::vector<SimSender> senders{
      {sender("s10", 10ms), {0, 1}}, {sender("s20", 20ms), {2, 3}}, {sender("s40", 40ms), {4, 5}}};
  const int n = 3500;
  const auto r = simulate(senders, n);
  ASSERT_EQ(r.finished[0] + r.finished[1] + r.finished[2], n);
  EXPECT_DOUBLE_EQ(r.ideal_ms, 20'000.0);  // 3500 / (100 + 50 + 25 per second)
  EXPECT_GE(r.ratio(), 1.0);
  EXPECT_LE(r.ratio(), 1.05) << "makespan " << r.makespan_ms << " ms, ideal " << r.ideal_ms << " ms";
  // Shares 4/7, 2/7, 1/7. (An even spread would take 1167 * 40 ms = 46.7 s, 2.33x ideal.)
  EXPECT_NEAR(r.finished[0] / static_cast<double>(n), 4.0 / 7, 0.02);
  EXPECT_NEAR(r.finished[1] / static_cast<double>(n), 2.0 / 7, 0.02);
  EXPECT_NEAR(r.finished[2] / static_cast<double>(n), 1.0 / 7, 0.02);
  std::printf("[ makespan ] 3500 messages over 10/20/40 ms senders: %lld ms, ideal %.0f ms, ratio %.4f\n",
              static_cast<long long>(r.makespan_ms), r.ideal_ms, r.ratio());
}

}  // namespace

// --- legacy members (other consumer groups on the topic: the original exercise's senders) -------

TEST(DispatchPlannerLegacy, EachMemberGetsAFixedCreditAndCreditComesBackWithItsReports) {
  DispatchPlanner planner;
  planner.set_legacy_members({{"g/a/1", {0, 1}}, {"g/b/2", {2}}}, 3);
  EXPECT_EQ(planner.live_senders(0), 2);
  auto got = fill(planner, 0);
  EXPECT_EQ(got[0] + got[1], 3) << "member a: credit 3 over its two partitions";
  EXPECT_EQ(got[2], 3);
  EXPECT_FALSE(planner.next_partition(0).has_value());
  // Two messages reported finished (records name no partition): the longest queues get the credit.
  planner.on_legacy_finished(2);
  EXPECT_EQ(planner.outstanding_total(), 4);
  EXPECT_EQ(total(fill(planner, 0)), 2);
  planner.on_legacy_finished(100);  // more than outstanding: never below zero
  EXPECT_EQ(planner.outstanding_total(), 0);
  EXPECT_TRUE(planner.is_legacy_partition(2));
  EXPECT_FALSE(planner.is_legacy_partition(3));
}

TEST(DispatchPlannerLegacy, PartitionsOfLiveSmsimSendersStayTheirs) {
  DispatchPlanner planner;
  planner.on_heartbeat(sender("smsim-1", 10ms), {0}, false, 0);
  planner.set_legacy_members({{"g/a/1", {0, 1}}}, 2);
  const auto got = fill(planner, 1000);
  EXPECT_EQ(got.count(1) ? got.at(1) : 0, 2) << "the legacy member gets only partition 1";
  EXPECT_GT(got.at(0), 0) << "partition 0 follows the smsim sender's credit";
  // The smsim sender goes silent: its partition becomes the legacy member's.
  planner.on_finished(1);
  planner.on_finished(1);
  planner.set_outstanding(0, 0);
  const auto later = fill(planner, 60'000);
  EXPECT_EQ(total(later), 2);
  EXPECT_EQ(planner.legacy_members().size(), 1u);
  EXPECT_EQ(planner.outstanding_of(planner.legacy_members()[0]), 2);
  planner.set_legacy_members({}, 2);  // the group is gone
  EXPECT_FALSE(planner.next_partition(60'000).has_value());
}
