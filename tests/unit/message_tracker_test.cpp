#include "domain/message_tracker.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "domain/message_id_set.hpp"
#include "domain/status_funnel.hpp"

using namespace smsim::domain;

namespace {

WholeMessage message(const std::string& id, int parts) { return {id, "c1", "+15550001111", "text", "gsm7", parts, 100}; }
PartSubmit accepted(const std::string& id, int part, int total) {
  return {id, "s1", part, total, true, "sup-" + std::to_string(part), "", 200 + part};
}
PartSubmit rejected(const std::string& id, int part, int total) { return {id, "s1", part, total, false, "", "no route", 250}; }
PartReport report(const std::string& id, int part, int total, DeliveryStat stat = DeliveryStat::Delivered) {
  return {id, part, total, "sup-" + std::to_string(part), stat, 300 + part};
}

std::vector<MessageState> states(const MessageLifecycle& m) {
  std::vector<MessageState> out;
  for (const auto& h : m.history) out.push_back(h.state);
  return out;
}

}  // namespace

TEST(MessageTracker, InOrderPendingSentDelivered) {
  MessageTracker t;
  auto m = t.on_message(message("c1:0", 2));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->state(), MessageState::Pending);
  EXPECT_FALSE(t.on_submit(accepted("c1:0", 1, 2))) << "one of two parts accepted is not SENT yet";
  m = t.on_submit(accepted("c1:0", 2, 2));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->state(), MessageState::Sent);
  EXPECT_FALSE(t.on_report(report("c1:0", 2, 2)));
  m = t.on_report(report("c1:0", 1, 2));
  ASSERT_TRUE(m);
  EXPECT_EQ(states(*m), (std::vector{MessageState::Pending, MessageState::Sent, MessageState::Delivered}));
  EXPECT_EQ(m->parts[0].supplier_id, "sup-1");
  EXPECT_EQ(m->history[1].at_ms, 202) << "SENT when the last part was accepted";
  EXPECT_EQ(t.in_flight(), 0u) << "a final message is dropped from memory";
  EXPECT_EQ(t.finished(), 1u);
}

TEST(MessageTracker, EveryArrivalOrderEndsInTheSameFinalState) {
  std::vector<int> order{0, 1, 2, 3, 4, 5, 6};  // message, 3 submits, 3 reports
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    std::shuffle(order.begin(), order.end(), random);
    MessageTracker t;
    std::optional<MessageLifecycle> last;
    for (int step : order) {
      std::optional<MessageLifecycle> r;
      if (step == 0) r = t.on_message(message("c1:9", 3));
      else if (step <= 3) r = t.on_submit(accepted("c1:9", step, 3));
      else r = t.on_report(report("c1:9", step - 3, 3, step == 6 ? DeliveryStat::Expired : DeliveryStat::Delivered));
      if (r) last = r;
    }
    ASSERT_TRUE(last);
    EXPECT_EQ(states(*last), (std::vector{MessageState::Pending, MessageState::Sent, MessageState::Expired}));
    EXPECT_EQ(t.in_flight(), 0u);
  }
}

TEST(MessageTracker, NoStateBeforeTheWholeMessageIsKnown) {
  MessageTracker t;
  EXPECT_FALSE(t.on_submit(accepted("c1:1", 1, 1)));
  EXPECT_FALSE(t.on_report(report("c1:1", 1, 1)));
  EXPECT_EQ(t.in_flight(), 1u);
  const auto m = t.on_message(message("c1:1", 1));
  ASSERT_TRUE(m);
  EXPECT_EQ(states(*m), (std::vector{MessageState::Pending, MessageState::Sent, MessageState::Delivered}));
}

TEST(MessageTracker, DuplicatesAreIgnoredAlsoAfterTheMessageIsFinal) {
  MessageTracker t;
  t.on_message(message("c1:2", 1));
  ASSERT_TRUE(t.on_submit(accepted("c1:2", 1, 1)));
  EXPECT_FALSE(t.on_submit(accepted("c1:2", 1, 1)));
  ASSERT_TRUE(t.on_report(report("c1:2", 1, 1)));
  EXPECT_FALSE(t.on_message(message("c1:2", 1))) << "re-published after a gateway restart";
  EXPECT_FALSE(t.on_submit(accepted("c1:2", 1, 1)));
  EXPECT_FALSE(t.on_report(report("c1:2", 1, 1)));
  EXPECT_EQ(t.in_flight(), 0u) << "late duplicates must not re-open a final message";
  EXPECT_EQ(t.ignored(), 4u);
}

TEST(MessageTracker, ARejectedPartFailsTheWholeMessage) {
  MessageTracker t;
  t.on_message(message("c1:3", 3));
  t.on_submit(accepted("c1:3", 1, 3));
  const auto m = t.on_submit(rejected("c1:3", 2, 3));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->state(), MessageState::Failed);
  EXPECT_NE(m->history.back().reason.find("part 2 rejected: no route"), std::string::npos);
  EXPECT_EQ(t.in_flight(), 0u);
}

TEST(MessageTracker, MissingPartsKeepTheMessageOpen) {
  MessageTracker t;
  t.on_message(message("c1:4", 3));
  t.on_submit(accepted("c1:4", 1, 3));
  t.on_submit(accepted("c1:4", 3, 3));
  EXPECT_EQ(t.find("c1:4")->state(), MessageState::Pending);
  t.on_submit(accepted("c1:4", 2, 3));
  t.on_report(report("c1:4", 1, 3));
  t.on_report(report("c1:4", 2, 3));
  EXPECT_EQ(t.find("c1:4")->state(), MessageState::Sent) << "a part's report is still missing";
  EXPECT_EQ(t.in_flight(), 1u);
}

TEST(MessageTracker, UndeliverableWinsOverExpired) {
  MessageTracker t;
  t.on_message(message("c1:5", 2));
  t.on_submit(accepted("c1:5", 1, 2));
  t.on_submit(accepted("c1:5", 2, 2));
  t.on_report(report("c1:5", 1, 2, DeliveryStat::Expired));
  const auto m = t.on_report(report("c1:5", 2, 2, DeliveryStat::Undeliverable));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->state(), MessageState::Undelivered);
}

TEST(MessageTracker, InconsistentPartNumbersAreIgnored) {
  MessageTracker t;
  t.on_message(message("c1:6", 2));
  EXPECT_FALSE(t.on_submit(accepted("c1:6", 3, 2)));
  EXPECT_FALSE(t.on_submit(accepted("c1:6", 1, 5))) << "a different total than the message's";
  EXPECT_FALSE(t.on_submit(accepted("c1:6", 0, 2)));
  EXPECT_EQ(t.ignored(), 3u);
}

TEST(MessageIdSet, OneBitPerCampaignMessageAndAFallback) {
  MessageIdSet set;
  EXPECT_TRUE(set.insert("cabc:5"));
  EXPECT_FALSE(set.insert("cabc:5"));
  EXPECT_TRUE(set.contains("cabc:5"));
  EXPECT_FALSE(set.contains("cabc:4"));
  EXPECT_TRUE(set.insert("cabc:1000000"));
  EXPECT_TRUE(set.insert("free-form id"));
  EXPECT_TRUE(set.contains("free-form id"));
  EXPECT_EQ(set.size(), 3u);
}

TEST(StatusFunnel, CountsEachMessageInItsLatestStateOnly) {
  StatusFunnel f;
  EXPECT_TRUE(f.apply("c:1", MessageState::Pending, 2));
  EXPECT_TRUE(f.apply("c:1", MessageState::Sent, 2));
  EXPECT_FALSE(f.apply("c:1", MessageState::Pending, 2)) << "never backwards";
  EXPECT_TRUE(f.apply("c:1", MessageState::Delivered, 2));
  EXPECT_FALSE(f.apply("c:1", MessageState::Delivered, 2));
  EXPECT_TRUE(f.apply("c:2", MessageState::Failed, 1));
  EXPECT_EQ(f.messages(), 2u);
  EXPECT_EQ(f.count(MessageState::Delivered), 1u);
  EXPECT_EQ(f.count(MessageState::Failed), 1u);
  EXPECT_EQ(f.count(MessageState::Pending), 0u);
  EXPECT_EQ(f.count(MessageState::Sent), 0u);
  EXPECT_EQ(f.parts_histogram().at(2), 1u);
  EXPECT_EQ(f.parts_histogram().at(1), 1u);
}

TEST(MessageTracker, SentIsFinalWhenNoReportIsExpected) {
  MessageTracker t;
  t.on_message(message("c1:7", 1));
  auto submit = accepted("c1:7", 1, 1);
  submit.report_expected = false;
  const auto m = t.on_submit(submit);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->state(), MessageState::Sent);
  EXPECT_EQ(t.in_flight(), 0u) << "nothing more will come: drop it";
}
