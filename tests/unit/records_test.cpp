// The Kafka record codecs: round trips of every record type, the original exercise's fields and
// legacy shape, and poison records (each rejected with a DecodeError that names what is wrong).
#include "records/records.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
using namespace smsim::records;
using smsim::Duration;
using smsim::domain::Alphabet;
using smsim::domain::LegacyCounters;
using smsim::domain::Outcome;
using smsim::domain::SmsMessage;

namespace {

// The DecodeError's message, or a failure when the record decodes.
template <typename Decode>
std::string decode_error(Decode decode, const std::string& text) {
  try {
    decode(text);
  } catch (const DecodeError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a DecodeError: " << e.what() << "\nrecord: " << text;
    return e.what();
  }
  ADD_FAILURE() << "decoded, expected a DecodeError: " << text;
  return "";
}

std::string status_error(const std::string& text) { return decode_error(decode_status_topic_record, text); }
std::string campaign_error(const std::string& text) { return decode_error(decode_campaign_record, text); }
std::string message_error(const std::string& text) { return decode_error(decode_message, text); }

// `text` with one top-level field replaced (or removed when value is discarded).
std::string with(const std::string& text, const std::string& field, const json& value) {
  json j = json::parse(text);
  if (value.is_discarded()) {
    j.erase(field);
  } else {
    j[field] = value;
  }
  return j.dump();
}
std::string without(const std::string& text, const std::string& field) {
  return with(text, field, json(json::value_t::discarded));
}

#define EXPECT_MENTIONS(message, word) EXPECT_NE((message).find(word), std::string::npos) << (message)

SmsMessage sample_message() {
  SmsMessage m;
  m.campaign_id = "c7f3a2b1";
  m.index = 42;
  m.id = smsim::domain::message_id(m.campaign_id, m.index);
  m.number = "+447700900123";
  m.content = "Flood warning: move to higher ground \xCE\xB1\xF0\x9F\x98\x80 \"quoted\" \\ {}";
  return m;
}

StatusRecord sample_status(Outcome outcome) {
  StatusRecord s;
  s.report.message_id = "c7f3a2b1:42";
  s.report.sender_id = "pool-a-3";
  s.report.outcome = outcome;
  s.report.processing_time = 123'456'789ns;
  s.report.produced_at_ms = 1'700'000'000'123;
  s.report.finished_at_ms = 1'700'000'000'456;
  if (outcome == Outcome::Failed) s.report.error = "simulated failure (rate 0.1)";
  s.partition = 7;
  s.offset = 123'456'789'012;
  return s;
}

Heartbeat sample_heartbeat(bool leaving) {
  Heartbeat h;
  h.settings.sender_id = "pool-a-3";
  h.settings.program = "pool-a";
  h.settings.distribution = "lognormal";
  h.settings.mean_s = 0.25;
  h.settings.stddev_s = 0.1;
  h.settings.failure_rate = 0.05;
  h.settings.window = 4;
  h.partitions = {0, 3, 11};
  h.at_ms = 1'700'000'000'999;
  h.leaving = leaving;
  return h;
}

// --- sms-messages --------------------------------------------------------------------------------

TEST(Records, MessageRoundTrip) {
  const auto m = sample_message();
  const auto r = decode_message(encode_message(m, 1'700'000'000'321));
  EXPECT_EQ(r.message.id, m.id);
  EXPECT_EQ(r.message.campaign_id, m.campaign_id);
  EXPECT_EQ(r.message.index, m.index);
  EXPECT_EQ(r.message.number, m.number);
  EXPECT_EQ(r.message.content, m.content);
  EXPECT_EQ(r.produced_at_ms, 1'700'000'000'321);
}

TEST(Records, MessageRoundTripOfEdgeValues) {
  SmsMessage m;
  m.campaign_id = "c";
  m.index = std::numeric_limits<std::uint64_t>::max();
  m.id = smsim::domain::message_id(m.campaign_id, m.index);
  m.number = "+12345678";
  m.content = "";  // an empty text is a message too
  const auto r = decode_message(encode_message(m, 0));
  EXPECT_EQ(r.message.index, m.index);
  EXPECT_EQ(r.message.content, "");
  EXPECT_EQ(r.produced_at_ms, 0);

  m.content = std::string(1600, 'x');
  EXPECT_EQ(decode_message(encode_message(m, 1)).message.content, m.content);
}

TEST(Records, MessageCarriesTheOriginalExerciseFields) {
  const auto m = sample_message();
  const json j = json::parse(encode_message(m, 5));
  ASSERT_TRUE(j.contains("content"));
  ASSERT_TRUE(j.contains("number"));
  ASSERT_TRUE(j["content"].is_string());
  ASSERT_TRUE(j["number"].is_string());
  EXPECT_EQ(j["content"].get<std::string>(), m.content);
  EXPECT_EQ(j["number"].get<std::string>(), m.number);
}

TEST(Records, MessageOptionalFieldsDefault) {
  const auto r = decode_message(R"({"id": "x:1", "number": "+12345678", "content": "hi"})");
  EXPECT_EQ(r.message.id, "x:1");
  EXPECT_EQ(r.message.campaign_id, "");
  EXPECT_EQ(r.message.index, 0u);
  EXPECT_EQ(r.produced_at_ms, 0);
}

TEST(Records, PoisonMessages) {
  const std::string good = encode_message(sample_message(), 5);
  EXPECT_MENTIONS(message_error(without(good, "id")), "'id'");
  EXPECT_MENTIONS(message_error(without(good, "number")), "'number'");
  EXPECT_MENTIONS(message_error(without(good, "content")), "'content'");
  EXPECT_MENTIONS(message_error(with(good, "content", 5)), "'content'");
  EXPECT_MENTIONS(message_error(with(good, "number", nullptr)), "'number'");
  EXPECT_MENTIONS(message_error(with(good, "id", "")), "'id'");
  EXPECT_MENTIONS(message_error(with(good, "index", -1)), "'index'");
  EXPECT_MENTIONS(message_error(with(good, "index", 1.5)), "'index'");
  EXPECT_MENTIONS(message_error(with(good, "produced_at_ms", "now")), "'produced_at_ms'");
  EXPECT_MENTIONS(message_error(with(good, "campaign_id", 3)), "'campaign_id'");
  EXPECT_FALSE(message_error("{\"content\": \"hi\", \"number\": \"+1").empty());
  EXPECT_FALSE(message_error(R"([{"id": "x:1", "number": "+12345678", "content": "hi"}])").empty());
}

// --- sms-campaigns -------------------------------------------------------------------------------

TEST(Records, CampaignSpecRoundTrip) {
  CampaignSpec s;
  s.campaign_id = "cabcdefghijk";
  s.count = 10'000'000;
  s.seed = std::numeric_limits<std::uint64_t>::max();
  s.generator.min_length = 160;
  s.generator.max_length = 1600;
  s.generator.alphabet = Alphabet::Mixed;
  s.created_at_ms = 1'700'000'000'000;
  const auto record = decode_campaign_record(encode_campaign(s));
  ASSERT_TRUE(std::holds_alternative<CampaignSpec>(record));
  const auto& d = std::get<CampaignSpec>(record);
  EXPECT_EQ(d.campaign_id, s.campaign_id);
  EXPECT_EQ(d.count, s.count);
  EXPECT_EQ(d.seed, s.seed);
  EXPECT_EQ(d.generator.min_length, 160);
  EXPECT_EQ(d.generator.max_length, 1600);
  EXPECT_EQ(d.generator.alphabet, Alphabet::Mixed);
  EXPECT_EQ(d.created_at_ms, s.created_at_ms);

  for (const auto alphabet : {Alphabet::Gsm7, Alphabet::Unicode}) {
    s.generator.alphabet = alphabet;
    EXPECT_EQ(std::get<CampaignSpec>(decode_campaign_record(encode_campaign(s))).generator.alphabet, alphabet);
  }
}

TEST(Records, CampaignProgressRoundTrip) {
  const CampaignProgress p{"cabcdefghijk", 1'234'567, 1'700'000'000'777};
  const auto record = decode_campaign_record(encode_progress(p));
  ASSERT_TRUE(std::holds_alternative<CampaignProgress>(record));
  const auto& d = std::get<CampaignProgress>(record);
  EXPECT_EQ(d.campaign_id, p.campaign_id);
  EXPECT_EQ(d.published, p.published);
  EXPECT_EQ(d.at_ms, p.at_ms);
  EXPECT_EQ(progress_key("cabc"), "cabc/progress");
}

TEST(Records, CampaignSpecGeneratorDefaults) {
  const auto record = decode_campaign_record(R"({"type": "campaign", "campaign_id": "c1", "count": 5, "seed": 9})");
  const auto& d = std::get<CampaignSpec>(record);
  EXPECT_EQ(d.generator.min_length, 1);
  EXPECT_EQ(d.generator.max_length, 100);
  EXPECT_EQ(d.generator.alphabet, Alphabet::Gsm7);
}

TEST(Records, PoisonCampaignRecords) {
  CampaignSpec s;
  s.campaign_id = "c1";
  s.count = 5;
  s.seed = 9;
  const std::string good = encode_campaign(s);
  EXPECT_MENTIONS(campaign_error(without(good, "type")), "'type'");
  EXPECT_MENTIONS(campaign_error(with(good, "type", "campaign-v9")), "'type'");
  EXPECT_MENTIONS(campaign_error(without(good, "campaign_id")), "'campaign_id'");
  EXPECT_MENTIONS(campaign_error(with(good, "count", -5)), "'count'");
  EXPECT_MENTIONS(campaign_error(with(good, "count", "5")), "'count'");
  EXPECT_MENTIONS(campaign_error(with(good, "seed", 0.5)), "'seed'");
  EXPECT_MENTIONS(campaign_error(with(good, "alphabet", "ascii")), "'alphabet'");
  EXPECT_MENTIONS(campaign_error(with(good, "alphabet", 7)), "'alphabet'");
  EXPECT_MENTIONS(campaign_error(with(good, "min_length", "1")), "min_length");
  EXPECT_MENTIONS(campaign_error(with(good, "max_length", 1601)), "max_length");
  EXPECT_MENTIONS(campaign_error(with(good, "min_length", 0)), "min_length");
  // Out of int range: must not wrap into a valid length (4294967297 would truncate to 1).
  EXPECT_MENTIONS(campaign_error(with(good, "min_length", 4294967297LL)), "min_length");
  EXPECT_MENTIONS(campaign_error(with(good, "max_length", 4294967396LL)), "max_length");

  CampaignProgress p{"c1", 3, 4};
  const std::string progress = encode_progress(p);
  EXPECT_MENTIONS(campaign_error(without(progress, "published")), "'published'");
  EXPECT_MENTIONS(campaign_error(with(progress, "published", -1)), "'published'");
  EXPECT_MENTIONS(campaign_error(with(progress, "at_ms", 1.5)), "'at_ms'");
}

// --- sender-status-updates -----------------------------------------------------------------------

TEST(Records, SentStatusRoundTrip) {
  const auto s = sample_status(Outcome::Sent);
  const auto record = decode_status_topic_record(encode_status(s));
  ASSERT_TRUE(std::holds_alternative<StatusRecord>(record));
  const auto& d = std::get<StatusRecord>(record);
  EXPECT_EQ(d.report.message_id, s.report.message_id);
  EXPECT_EQ(d.report.sender_id, s.report.sender_id);
  EXPECT_EQ(d.report.outcome, Outcome::Sent);
  EXPECT_EQ(d.report.processing_time, s.report.processing_time);
  EXPECT_EQ(d.report.produced_at_ms, s.report.produced_at_ms);
  EXPECT_EQ(d.report.finished_at_ms, s.report.finished_at_ms);
  EXPECT_EQ(d.report.error, "");
  EXPECT_EQ(d.partition, 7);
  EXPECT_EQ(d.offset, 123'456'789'012);
  EXPECT_FALSE(json::parse(encode_status(s)).contains("error"));
}

TEST(Records, FailedStatusRoundTripKeepsTheError) {
  const auto s = sample_status(Outcome::Failed);
  const auto record = decode_status_topic_record(encode_status(s));
  ASSERT_TRUE(std::holds_alternative<StatusRecord>(record));
  const auto& d = std::get<StatusRecord>(record);
  EXPECT_EQ(d.report.outcome, Outcome::Failed);
  EXPECT_EQ(d.report.error, "simulated failure (rate 0.1)");
  EXPECT_EQ(d.report.processing_time, s.report.processing_time);
  const json j = json::parse(encode_status(s));
  EXPECT_EQ(j["outcome"], "failed");
  EXPECT_DOUBLE_EQ(j["processing_time"].get<double>(), 0.123456789);  // seconds, like the original
}

TEST(Records, ProcessingTimeSurvivesTheTripThroughSeconds) {
  // Seconds as a double cannot hold every nanosecond count exactly; decoding must round, not truncate.
  for (const Duration d : std::initializer_list<Duration>{Duration(0), Duration(1), Duration(999), 1ms, 10ms, 123'456'789ns, 987'654'321ns,
                           Duration(1'000'000'001), 59'999'999'999ns, 86'399'999'999'999ns}) {
    auto s = sample_status(Outcome::Sent);
    s.report.processing_time = d;
    const auto decoded = std::get<StatusRecord>(decode_status_topic_record(encode_status(s)));
    EXPECT_EQ(decoded.report.processing_time.count(), d.count());
  }
  for (std::int64_t ns = 1; ns < 2'000'000'000; ns = ns * 3 + 7) {
    auto s = sample_status(Outcome::Sent);
    s.report.processing_time = Duration(ns);
    const auto decoded = std::get<StatusRecord>(decode_status_topic_record(encode_status(s)));
    EXPECT_EQ(decoded.report.processing_time.count(), ns);
  }
}

TEST(Records, StatusOptionalFieldsDefault) {
  const auto record = decode_status_topic_record(
      R"({"type": "status", "message_id": "m", "sender_id": "s", "outcome": "sent", "processing_time": 0.5})");
  const auto& d = std::get<StatusRecord>(record);
  EXPECT_EQ(d.report.processing_time, 500ms);
  EXPECT_EQ(d.report.produced_at_ms, 0);
  EXPECT_EQ(d.report.finished_at_ms, 0);
  EXPECT_EQ(d.partition, -1);
  EXPECT_EQ(d.offset, -1);
}

TEST(Records, HeartbeatRoundTrip) {
  for (const bool leaving : {false, true}) {
    SCOPED_TRACE(leaving);
    const auto h = sample_heartbeat(leaving);
    const auto record = decode_status_topic_record(encode_heartbeat(h));
    ASSERT_TRUE(std::holds_alternative<Heartbeat>(record));
    const auto& d = std::get<Heartbeat>(record);
    EXPECT_EQ(d.settings.sender_id, "pool-a-3");
    EXPECT_EQ(d.settings.program, "pool-a");
    EXPECT_EQ(d.settings.distribution, "lognormal");
    EXPECT_EQ(d.settings.mean_s, 0.25);
    EXPECT_EQ(d.settings.stddev_s, 0.1);
    EXPECT_EQ(d.settings.failure_rate, 0.05);
    EXPECT_EQ(d.settings.window, 4);
    EXPECT_EQ(d.partitions, (std::vector<std::int32_t>{0, 3, 11}));
    EXPECT_EQ(d.at_ms, h.at_ms);
    EXPECT_EQ(d.leaving, leaving);
  }
}

TEST(Records, HeartbeatWithoutPartitions) {
  auto h = sample_heartbeat(false);
  h.partitions.clear();
  const auto d = std::get<Heartbeat>(decode_status_topic_record(encode_heartbeat(h)));
  EXPECT_TRUE(d.partitions.empty());
  EXPECT_FALSE(d.leaving);
  // An omitted "leaving" means staying.
  const auto no_leaving = without(encode_heartbeat(sample_heartbeat(true)), "leaving");
  EXPECT_FALSE(std::get<Heartbeat>(decode_status_topic_record(no_leaving)).leaving);
}

TEST(Records, LegacyCountersDecode) {
  const auto record = decode_status_topic_record(
      R"({"sender_id":"s","success_count":3,"failed_count":1,"total_processing_time":0.5})");
  ASSERT_TRUE(std::holds_alternative<LegacyCounters>(record));
  const auto& c = std::get<LegacyCounters>(record);
  EXPECT_EQ(c.sender_id, "s");
  EXPECT_EQ(c.success_count, 3u);
  EXPECT_EQ(c.failed_count, 1u);
  EXPECT_DOUBLE_EQ(c.total_processing_time_s, 0.5);

  // A whole number of seconds written as a JSON integer is a number too.
  const auto whole = decode_status_topic_record(
      R"({"sender_id":"s","success_count":0,"failed_count":0,"total_processing_time":0})");
  EXPECT_DOUBLE_EQ(std::get<LegacyCounters>(whole).total_processing_time_s, 0.0);
}

TEST(Records, PoisonLegacyCounters) {
  const std::string good = R"({"sender_id":"s","success_count":3,"failed_count":1,"total_processing_time":0.5})";
  EXPECT_MENTIONS(status_error(without(good, "sender_id")), "'sender_id'");
  EXPECT_MENTIONS(status_error(without(good, "failed_count")), "'failed_count'");
  EXPECT_MENTIONS(status_error(with(good, "success_count", -3)), "'success_count'");
  EXPECT_MENTIONS(status_error(with(good, "failed_count", 1.5)), "'failed_count'");
  EXPECT_MENTIONS(status_error(with(good, "total_processing_time", "0.5")), "'total_processing_time'");
  EXPECT_MENTIONS(status_error(with(good, "total_processing_time", -0.5)), "'total_processing_time'");
}

TEST(Records, PoisonStatusRecordsNameTheField) {
  const std::string good = encode_status(sample_status(Outcome::Sent));
  EXPECT_MENTIONS(status_error("not json"), "JSON");
  EXPECT_MENTIONS(status_error(""), "JSON");
  EXPECT_MENTIONS(status_error(good.substr(0, good.size() - 1)), "JSON");  // truncated
  EXPECT_MENTIONS(status_error("[" + good + "]"), "object");
  EXPECT_MENTIONS(status_error("42"), "object");
  EXPECT_MENTIONS(status_error(without(good, "message_id")), "'message_id'");
  EXPECT_MENTIONS(status_error(with(good, "message_id", "")), "'message_id'");
  EXPECT_MENTIONS(status_error(without(good, "sender_id")), "'sender_id'");
  EXPECT_MENTIONS(status_error(with(good, "outcome", 5)), "'outcome'");
  EXPECT_MENTIONS(status_error(with(good, "outcome", "delivered")), "'outcome'");
  EXPECT_MENTIONS(status_error(without(good, "outcome")), "'outcome'");
  EXPECT_MENTIONS(status_error(with(good, "processing_time", "x")), "'processing_time'");
  EXPECT_MENTIONS(status_error(with(good, "processing_time", -0.001)), "'processing_time'");
  EXPECT_MENTIONS(status_error(with(good, "processing_time", 86401)), "'processing_time'");
  EXPECT_MENTIONS(status_error(without(good, "processing_time")), "'processing_time'");
  EXPECT_MENTIONS(status_error(with(good, "partition", "x")), "'partition'");
  EXPECT_MENTIONS(status_error(with(good, "partition", -2)), "'partition'");
  EXPECT_MENTIONS(status_error(with(good, "partition", 4294967296LL)), "'partition'");
  EXPECT_MENTIONS(status_error(with(good, "partition", 18446744073709551615ULL)), "'partition'");  // not -1
  EXPECT_MENTIONS(status_error(with(good, "offset", 1.5)), "'offset'");
  EXPECT_MENTIONS(status_error(with(good, "finished_at_ms", 18446744073709551615ULL)), "'finished_at_ms'");
  EXPECT_MENTIONS(status_error(with(good, "error", 1)), "'error'");
  EXPECT_MENTIONS(status_error(with(good, "type", "statuz")), "'type'");
  EXPECT_MENTIONS(status_error(with(good, "type", 1)), "'type'");
  EXPECT_MENTIONS(status_error(without(good, "type")), "'type'");  // not legacy either
}

TEST(Records, PoisonHeartbeatsNameTheField) {
  const std::string good = encode_heartbeat(sample_heartbeat(false));
  EXPECT_MENTIONS(status_error(with(good, "partitions", "x")), "'partitions'");
  EXPECT_MENTIONS(status_error(with(good, "partitions", json::array({0, -1}))), "'partitions'");
  EXPECT_MENTIONS(status_error(with(good, "partitions", json::array({0, 1.5}))), "'partitions'");
  EXPECT_MENTIONS(status_error(with(good, "partitions", json::array({"0"}))), "'partitions'");
  EXPECT_MENTIONS(status_error(without(good, "partitions")), "'partitions'");
  EXPECT_MENTIONS(status_error(without(good, "settings")), "'settings'");
  EXPECT_MENTIONS(status_error(with(good, "leaving", "yes")), "'leaving'");
  EXPECT_MENTIONS(status_error(with(good, "at_ms", "soon")), "'at_ms'");

  const json settings = json::parse(good)["settings"];
  const auto with_setting = [&](const std::string& name, const json& value) {
    json s = settings;
    s[name] = value;
    return with(good, "settings", s);
  };
  EXPECT_MENTIONS(status_error(with_setting("sender_id", "")), "'sender_id'");
  EXPECT_MENTIONS(status_error(with_setting("mean_s", "fast")), "'mean_s'");
  EXPECT_MENTIONS(status_error(with_setting("stddev_s", -1)), "'stddev_s'");
  EXPECT_MENTIONS(status_error(with_setting("failure_rate", 1.5)), "'failure_rate'");
  EXPECT_MENTIONS(status_error(with_setting("window", 0)), "'window'");
  EXPECT_MENTIONS(status_error(with_setting("window", 1.5)), "'window'");
  EXPECT_MENTIONS(status_error(with_setting("program", 1)), "'program'");
  EXPECT_MENTIONS(status_error(with(good, "settings", "s")), "settings");
}

TEST(Records, OversizedRecordsAreRejectedBeforeParsing) {
  auto h = sample_status(Outcome::Failed);
  h.report.error = std::string(64 * 1024, 'e');
  const auto big = encode_status(h);
  ASSERT_GT(big.size(), 64u * 1024);
  EXPECT_MENTIONS(status_error(big), "limit");

  // Just at the limit still decodes.
  auto at_limit = sample_status(Outcome::Failed);
  at_limit.report.error = "";
  const auto base = encode_status(at_limit).size() + std::string(R"(,"error":"")").size();
  at_limit.report.error = std::string(64 * 1024 - base, 'e');
  const auto exact = encode_status(at_limit);
  ASSERT_EQ(exact.size(), 64u * 1024);
  EXPECT_EQ(std::get<StatusRecord>(decode_status_topic_record(exact)).report.error.size(), 64 * 1024 - base);

  EXPECT_MENTIONS(message_error(std::string(64 * 1024 + 1, ' ')), "limit");
  EXPECT_MENTIONS(campaign_error(std::string(64 * 1024 + 1, ' ')), "limit");
}

TEST(Records, DecodeErrorIsAnInvalidArgument) {
  EXPECT_THROW(decode_status_topic_record("{}"), smsim::InvalidArgument);
  EXPECT_THROW(decode_campaign_record("{}"), DecodeError);
  EXPECT_THROW(decode_message("{}"), DecodeError);
}

TEST(Records, OutcomeNames) {
  EXPECT_EQ(to_string(Outcome::Sent), "sent");
  EXPECT_EQ(to_string(Outcome::Failed), "failed");
}

}  // namespace

TEST(RecordTypeHint, ReadsTheTypeOurEncodersWriteFirst) {
  StatusRecord status;
  status.report.message_id = "c:1";
  status.report.sender_id = "s";
  EXPECT_EQ(record_type_hint(encode_status(status)), "status");
  smsim::domain::PartSubmit submit;
  submit.message_id = "c:1";
  submit.accepted = true;
  submit.supplier_id = "ab";
  EXPECT_EQ(record_type_hint(encode_submit(submit)), "submit");
  smsim::domain::WholeMessage whole;
  whole.id = "c:1";
  EXPECT_EQ(record_type_hint(encode_dispatched(whole)), "message");
  Heartbeat heartbeat;
  heartbeat.settings.sender_id = "s";
  EXPECT_EQ(record_type_hint(encode_heartbeat(heartbeat)), "heartbeat");
}

TEST(RecordTypeHint, LeavesAnythingElseToTheParser) {
  for (const std::string text : {R"({"sender_id":"s1","success_count":1})", R"({ "type":"status"})",
                                 R"({"message_id":"c:1","type":"status"})", R"({"type":"sta)", R"({"type":""})",
                                 R"({"type":"St\u0061tus"})", "", "not json"}) {
    EXPECT_EQ(record_type_hint(text), "") << text;
  }
}

TEST(Records, StatusCarriesTheSubmitResponseThatFinishedTheMessage) {
  auto s = sample_status(Outcome::Sent);
  smsim::domain::PartSubmit submit;
  submit.message_id = s.report.message_id;
  submit.sender_id = s.report.sender_id;
  submit.part = 2;
  submit.total_parts = 2;
  submit.accepted = true;
  submit.supplier_id = "08f243966312db0c";
  submit.at_ms = 1795272898301;
  submit.report_expected = false;
  s.final_submit = submit;
  const auto text = encode_status(s);
  EXPECT_EQ(record_type_hint(text), "status");
  const auto record = decode_status_topic_record(text);
  ASSERT_TRUE(std::holds_alternative<StatusRecord>(record));
  const auto& d = std::get<StatusRecord>(record);
  ASSERT_TRUE(d.final_submit.has_value());
  EXPECT_EQ(d.final_submit->message_id, s.report.message_id) << "the ids are the status's own";
  EXPECT_EQ(d.final_submit->sender_id, s.report.sender_id);
  EXPECT_EQ(d.final_submit->part, 2);
  EXPECT_EQ(d.final_submit->total_parts, 2);
  EXPECT_TRUE(d.final_submit->accepted);
  EXPECT_EQ(d.final_submit->supplier_id, "08f243966312db0c");
  EXPECT_EQ(d.final_submit->at_ms, 1795272898301);
  EXPECT_FALSE(d.final_submit->report_expected);
  // Without one, there is no "submit" field, and the decoder reports none.
  EXPECT_FALSE(json::parse(encode_status(sample_status(Outcome::Sent))).contains("submit"));
  EXPECT_FALSE(std::get<StatusRecord>(decode_status_topic_record(encode_status(sample_status(Outcome::Sent))))
                   .final_submit.has_value());
}

TEST(Records, AStatusWithABrokenSubmitIsRejectedNamingIt) {
  const auto text = encode_status(sample_status(Outcome::Sent));
  EXPECT_MENTIONS(status_error(with(text, "submit", 5)), "'submit'");
  EXPECT_MENTIONS(status_error(with(text, "submit", json{{"part", 1}, {"total_parts", 1}})), "'accepted'");
  EXPECT_MENTIONS(status_error(with(text, "submit", json{{"part", 3}, {"total_parts", 2}, {"accepted", true}})),
                  "'part'");
  EXPECT_MENTIONS(status_error(with(text, "submit", json{{"part", 1}, {"total_parts", 1}, {"accepted", true}})),
                  "'supplier_message_id'");
}
