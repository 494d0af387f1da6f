// The original exercise's record shapes: input records without ids (sender/input_records), the
// --legacy-status cumulative record (sender/legacy_status, records::encode_legacy), and the status
// URL of a message from the moment it is accepted (gateway/message_state_view).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gateway/message_state_view.hpp"
#include "records/records.hpp"
#include "sender/input_records.hpp"
#include "sender/legacy_status.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
using namespace smsim;

TEST(InputRecords, TheOriginalShapeGetsAnIdFromItsCoordinates) {
  const auto input = sender::decode_input(R"({"content": "Hello", "number": "+15551234567"})", "sms-messages", 2, 41);
  EXPECT_TRUE(input.derived_id);
  EXPECT_EQ(input.record.message.id, "sms-messages/2/41");
  EXPECT_EQ(input.record.message.number, "+15551234567");
  EXPECT_EQ(input.record.message.content, "Hello");
  // The same record read again (after a crash or rebalance) has the same id.
  EXPECT_EQ(sender::decode_input(R"({"content": "Hello", "number": "+15551234567"})", "sms-messages", 2, 41).record.message.id,
            input.record.message.id);
}

TEST(InputRecords, SmsimRecordsKeepTheirIdsAndPoisonIsStillRejected) {
  domain::SmsMessage m{"c1:7", "c1", 7, "+447700900123", "Hi"};
  const auto input = sender::decode_input(records::encode_message(m, 1234), "sms-messages", 0, 9);
  EXPECT_FALSE(input.derived_id);
  EXPECT_EQ(input.record.message.id, "c1:7");
  EXPECT_EQ(input.record.produced_at_ms, 1234);
  for (const char* poison : {"not json", "[1]", R"({"content": "x"})", R"({"number": 5, "content": "x"})",
                             R"({"id": "x"})", R"({"id": 5, "number": "1", "content": "x"})"}) {
    EXPECT_THROW(sender::decode_input(poison, "t", 0, 0), records::DecodeError) << poison;
  }
}

TEST(LegacyStatus, TheCumulativeRecordHasExactlyTheOriginalsFieldsAndTypes) {
  sender::LegacyStatus legacy("legacy-1-abcd");
  EXPECT_FALSE(legacy.changed());
  auto first = json::parse(legacy.take_record());
  EXPECT_TRUE(first["total_processing_time"].is_number_float()) << first.dump() << ": 0.0, not 0";
  legacy.on_finished(domain::Outcome::Sent, 250ms);
  legacy.on_finished(domain::Outcome::Failed, 500ms);
  legacy.on_finished(domain::Outcome::Sent, 250ms);
  EXPECT_TRUE(legacy.changed());
  const auto j = json::parse(legacy.take_record());
  EXPECT_FALSE(legacy.changed());
  EXPECT_EQ(j.size(), 4u) << j.dump();
  EXPECT_EQ(j["sender_id"], "legacy-1-abcd");
  EXPECT_TRUE(j["success_count"].is_number_integer());
  EXPECT_EQ(j["success_count"], 2);
  EXPECT_EQ(j["failed_count"], 1);
  EXPECT_TRUE(j["total_processing_time"].is_number_float());
  EXPECT_NEAR(j["total_processing_time"].get<double>(), 1.0, 1e-9);
  // ...and smsim's gateway reads it back as the legacy format.
  const auto decoded = records::decode_status_topic_record(j.dump());
  ASSERT_TRUE(std::holds_alternative<domain::LegacyCounters>(decoded));
  EXPECT_EQ(std::get<domain::LegacyCounters>(decoded).success_count, 2u);
}

TEST(MessageStateView, AnAcceptedMessageAnswersAcceptedUntilItHasAState) {
  gateway::MessageStateView view;
  records::CampaignSpec spec;
  spec.campaign_id = "c9";
  spec.count = 1;
  spec.created_at_ms = 1000;
  spec.single = std::make_pair(std::string("+4915112345678"), std::string("Hello"));
  EXPECT_EQ(view.lookup("c9:0").status, 404) << "not accepted yet";
  view.on_accepted(spec);
  auto reply = view.lookup("c9:0");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto j = json::parse(reply.body);
  EXPECT_EQ(j["state"], "ACCEPTED");
  EXPECT_EQ(j["history"][0]["state"], "ACCEPTED");
  EXPECT_EQ(j["history"][0]["at_ms"], 1000);
  EXPECT_EQ(j["text"], "Hello");
  EXPECT_EQ(view.lookup("c9:1").status, 404) << "index out of range: never accepted";
  EXPECT_EQ(view.lookup("other:0").status, 404);
  EXPECT_EQ(json::parse(view.lookup("other:0").body)["field"], "message_id");

  view.on_record(R"({"type":"message_state","message_id":"c9:0","state":"PENDING","total_parts":1,"parts":[],"history":[]})");
  reply = view.lookup("c9:0");
  EXPECT_EQ(json::parse(reply.body)["state"], "PENDING");
}

TEST(MessageStateView, AMessageOlderThanTheCacheStillAnswersItsLatestState) {
  gateway::MessageStateView view(/*cache_size=*/1);
  view.on_record(R"({"type":"message_state","message_id":"c1:0","state":"DELIVERED","total_parts":1})");
  view.on_record(R"({"type":"message_state","message_id":"c1:1","state":"SENT","total_parts":1})");
  const auto reply = view.lookup("c1:0");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(json::parse(reply.body)["state"], "DELIVERED");
}
