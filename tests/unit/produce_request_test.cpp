// parse_produce_request: the body of POST /produce-messages. Defaults for an empty body and `{}`,
// the bounds of every field, the exact HTTP status and field named by each rejection, the
// Content-Type rules, and custom limits.
#include "gateway/produce_request.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

using smsim::domain::Alphabet;
using smsim::gateway::parse_produce_request;
using smsim::gateway::ProduceLimits;
using smsim::gateway::ProduceRequest;
using smsim::gateway::RequestError;

namespace {

constexpr std::string_view kJson = "application/json";

// The parsed request; fails the test (and returns defaults) when the body was rejected.
ProduceRequest accepted(std::string_view body, std::string_view content_type = kJson, ProduceLimits limits = {}) {
  auto result = parse_produce_request(body, content_type, limits);
  if (const auto* e = std::get_if<RequestError>(&result)) {
    ADD_FAILURE() << "body " << body << " rejected: " << e->status << " field '" << e->field << "': " << e->message;
    return {};
  }
  return std::get<ProduceRequest>(result);
}

// The rejection; fails the test (and returns a sentinel) when the body was accepted.
RequestError rejected(std::string_view body, std::string_view content_type = kJson, ProduceLimits limits = {}) {
  auto result = parse_produce_request(body, content_type, limits);
  if (const auto* e = std::get_if<RequestError>(&result)) return *e;
  ADD_FAILURE() << "body " << body << " accepted, expected a rejection";
  return RequestError{-1, "<accepted>", ""};
}

void expect_defaults(const ProduceRequest& r) {
  EXPECT_EQ(r.num_messages, 1000u);
  EXPECT_EQ(r.generator.max_length, 100);
  EXPECT_EQ(r.generator.min_length, 1);
  EXPECT_EQ(r.generator.alphabet, Alphabet::Gsm7);
  EXPECT_FALSE(r.seed.has_value());
}

// A rejection of `field` with status 400 whose message names the field.
void expect_field_error(std::string_view body, const std::string& field) {
  SCOPED_TRACE(std::string(body));
  const auto e = rejected(body);
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.field, field);
  EXPECT_NE(e.message.find(field), std::string::npos) << e.message;
}

// The gateway renders {"error": message, "field": field} with nlohmann::json, whose dump() throws on
// invalid UTF-8; an error that cannot be rendered would turn a 4xx into a 500.
bool renderable(const RequestError& e) {
  try {
    (void)nlohmann::json{{"error", e.message}, {"field", e.field}}.dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

TEST(ProduceRequest, EmptyOrWhitespaceBodyMeansDefaults) {
  expect_defaults(accepted(""));
  expect_defaults(accepted(" \t\r\n "));
  expect_defaults(accepted("", ""));
}

TEST(ProduceRequest, EmptyObjectMeansDefaults) {
  expect_defaults(accepted("{}"));
  expect_defaults(accepted("  { }  "));
}

TEST(ProduceRequest, NumMessagesInRangeIsAccepted) {
  EXPECT_EQ(accepted(R"({"num_messages": 1})").num_messages, 1u);
  EXPECT_EQ(accepted(R"({"num_messages": 1000})").num_messages, 1000u);
  EXPECT_EQ(accepted(R"({"num_messages": 10000000})").num_messages, 10'000'000u);
}

TEST(ProduceRequest, NumMessagesAboveTheLimitIsRejected) {
  expect_field_error(R"({"num_messages": 10000001})", "num_messages");
  expect_field_error(R"({"num_messages": 18446744073709551615})", "num_messages");
  expect_field_error(R"({"num_messages": 18446744073709551616})", "num_messages");  // parses as a double
  expect_field_error(R"({"num_messages": 1e30})", "num_messages");
  expect_field_error(R"({"num_messages": 1.8446744073709552e19})", "num_messages");
}

TEST(ProduceRequest, NumMessagesOfTheWrongKindIsRejected) {
  for (const char* value : {"-1", "0", "1.5", "-1.5", "0.0", "-0.0", "\"abc\"", "\"5\"", "null", "true", "false", "[]",
                            "[5]", "{}", "{\"n\": 5}"}) {
    expect_field_error(std::string(R"({"num_messages": )") + value + "}", "num_messages");
  }
}

TEST(ProduceRequest, NumMessagesMessageShowsTheBadValueAndTheRange) {
  const auto e = rejected(R"({"num_messages": 10000001})");
  EXPECT_NE(e.message.find("10000001"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("10000000"), std::string::npos) << e.message;
}

TEST(ProduceRequest, WholeFloatIsAcceptedAsAnInteger) {
  EXPECT_EQ(accepted(R"({"num_messages": 5.0})").num_messages, 5u);
  EXPECT_EQ(accepted(R"({"num_messages": 1e7})").num_messages, 10'000'000u);
  EXPECT_EQ(accepted(R"({"max_length": 20.0})").generator.max_length, 20);
}

TEST(ProduceRequest, LengthBounds) {
  EXPECT_EQ(accepted(R"({"max_length": 1})").generator.max_length, 1);
  EXPECT_EQ(accepted(R"({"max_length": 1600})").generator.max_length, 1600);
  const auto both = accepted(R"({"min_length": 1600, "max_length": 1600})");
  EXPECT_EQ(both.generator.min_length, 1600);
  EXPECT_EQ(both.generator.max_length, 1600);
  const auto range = accepted(R"({"min_length": 10, "max_length": 20})");
  EXPECT_EQ(range.generator.min_length, 10);
  EXPECT_EQ(range.generator.max_length, 20);
  EXPECT_EQ(accepted(R"({"min_length": 100})").generator.min_length, 100);  // equal to the default max

  expect_field_error(R"({"max_length": 0})", "max_length");
  expect_field_error(R"({"max_length": 1601})", "max_length");
  expect_field_error(R"({"max_length": -5})", "max_length");
  expect_field_error(R"({"max_length": 4294967297})", "max_length");  // would wrap to 1 as an int
  expect_field_error(R"({"max_length": "50"})", "max_length");
  expect_field_error(R"({"min_length": 0})", "min_length");
  expect_field_error(R"({"min_length": 1601, "max_length": 1600})", "min_length");
  expect_field_error(R"({"min_length": 2.5})", "min_length");
}

TEST(ProduceRequest, MinLengthAboveMaxLengthIsRejectedNamingMinLength) {
  expect_field_error(R"({"min_length": 21, "max_length": 20})", "min_length");
  expect_field_error(R"({"max_length": 20, "min_length": 21})", "min_length");  // order does not matter
  expect_field_error(R"({"min_length": 101})", "min_length");                   // above the default max
  const auto e = rejected(R"({"min_length": 21, "max_length": 20})");
  EXPECT_NE(e.message.find("max_length"), std::string::npos) << e.message;
}

TEST(ProduceRequest, Alphabet) {
  EXPECT_EQ(accepted(R"({"alphabet": "gsm7"})").generator.alphabet, Alphabet::Gsm7);
  EXPECT_EQ(accepted(R"({"alphabet": "unicode"})").generator.alphabet, Alphabet::Unicode);
  EXPECT_EQ(accepted(R"({"alphabet": "mixed"})").generator.alphabet, Alphabet::Mixed);
  EXPECT_EQ(accepted(R"({"alphabet": "UNICODE"})").generator.alphabet, Alphabet::Unicode);
  for (const char* value : {"\"ascii\"", "\"\"", "\"gsm7 \"", "1", "null", "[\"gsm7\"]"}) {
    expect_field_error(std::string(R"({"alphabet": )") + value + "}", "alphabet");
  }
}

TEST(ProduceRequest, Seed) {
  EXPECT_EQ(accepted(R"({"seed": 42})").seed, std::optional<std::uint64_t>(42));
  EXPECT_EQ(accepted(R"({"seed": 18446744073709551615})").seed,
            std::optional<std::uint64_t>(std::numeric_limits<std::uint64_t>::max()));
  EXPECT_FALSE(accepted(R"({"num_messages": 3})").seed.has_value());
  expect_field_error(R"({"seed": -1})", "seed");
  expect_field_error(R"({"seed": 1.5})", "seed");
  expect_field_error(R"({"seed": "42"})", "seed");
  expect_field_error(R"({"seed": 18446744073709551616})", "seed");  // 2^64, one past the largest
  expect_field_error(R"({"seed": 1e300})", "seed");
}

TEST(ProduceRequest, AllFieldsTogether) {
  const auto r =
      accepted(R"({"num_messages": 250, "max_length": 300, "min_length": 160, "alphabet": "mixed", "seed": 7})");
  EXPECT_EQ(r.num_messages, 250u);
  EXPECT_EQ(r.generator.max_length, 300);
  EXPECT_EQ(r.generator.min_length, 160);
  EXPECT_EQ(r.generator.alphabet, Alphabet::Mixed);
  EXPECT_EQ(r.seed, std::optional<std::uint64_t>(7));
}

TEST(ProduceRequest, UnknownFieldIsRejectedNamingIt) {
  expect_field_error(R"({"num_mesages": 10})", "num_mesages");
  expect_field_error(R"({"num_messages": 10, "priority": "high"})", "priority");
  const auto e = rejected(R"({"count": 10})");
  EXPECT_NE(e.message.find("num_messages"), std::string::npos) << "should list the known fields: " << e.message;
}

TEST(ProduceRequest, MalformedJsonIsRejectedForTheWholeBody) {
  for (const char* body : {"{", "{\"num_messages\": }", "num_messages=5", "{'num_messages': 5}", "{} {}",
                           "{\"num_messages\": 5,}", "\xff"}) {
    SCOPED_TRACE(body);
    const auto e = rejected(body);
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.field, "");
    EXPECT_FALSE(e.message.empty());
  }
}

TEST(ProduceRequest, NonObjectJsonIsRejectedForTheWholeBody) {
  for (const char* body : {"[]", "[{\"num_messages\": 5}]", "5", "\"abc\"", "null", "true"}) {
    SCOPED_TRACE(body);
    const auto e = rejected(body);
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.field, "");
    EXPECT_NE(e.message.find("object"), std::string::npos) << e.message;
  }
}

TEST(ProduceRequest, ContentType) {
  const std::string_view body = R"({"num_messages": 7})";
  EXPECT_EQ(accepted(body, "application/json").num_messages, 7u);
  EXPECT_EQ(accepted(body, "application/json; charset=utf-8").num_messages, 7u);
  EXPECT_EQ(accepted(body, "application/json;charset=UTF-8").num_messages, 7u);
  EXPECT_EQ(accepted(body, "APPLICATION/JSON").num_messages, 7u);
  EXPECT_EQ(accepted(body, "Application/Json ").num_messages, 7u);
  EXPECT_EQ(accepted(body, "").num_messages, 7u);  // curl -d without -H: no content type at all

  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "application/jsonp",
                           "multipart/form-data; boundary=x", "json"}) {
    SCOPED_TRACE(type);
    const auto e = rejected(body, type);
    EXPECT_EQ(e.status, 415);
    EXPECT_EQ(e.field, "");
    EXPECT_NE(e.message.find("application/json"), std::string::npos) << e.message;
  }
  // The content type is checked before the body is parsed.
  EXPECT_EQ(rejected("not json", "text/plain").status, 415);
  EXPECT_EQ(rejected("not json", "").status, 400);
}

TEST(ProduceRequest, CustomLimitsAreRespected) {
  const ProduceLimits limits{50};
  EXPECT_EQ(accepted(R"({"num_messages": 50})", kJson, limits).num_messages, 50u);
  const auto e = rejected(R"({"num_messages": 51})", kJson, limits);
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.field, "num_messages");
  EXPECT_NE(e.message.find("50"), std::string::npos) << e.message;
  // A larger limit admits what the default refuses.
  EXPECT_EQ(accepted(R"({"num_messages": 20000000})", kJson, ProduceLimits{20'000'000}).num_messages, 20'000'000u);
  // The default (1000) is below any custom limit used here, so an empty body still passes.
  EXPECT_EQ(accepted("", kJson, ProduceLimits{5000}).num_messages, 1000u);
}

TEST(ProduceRequest, EveryErrorCanBeRenderedAsJson) {
  // Long non-ASCII values and names are cut for the message; the cut must not split a character.
  std::string long_greek;
  for (int i = 0; i < 60; ++i) long_greek += "\xCE\xB1";  // U+03B1, two bytes
  const std::string bodies[] = {
      "{\"num_messages\": \"a" + long_greek + "\"}",  // odd offset
      "{\"num_messages\": \"" + long_greek + "\"}",
      "{\"a" + long_greek + "\": 1}",
      "{\"" + long_greek + "\": 1}",
  };
  for (const auto& body : bodies) {
    SCOPED_TRACE(body);
    const auto e = rejected(body);
    EXPECT_EQ(e.status, 400);
    EXPECT_TRUE(renderable(e)) << "field/message is not valid UTF-8";
  }
  // The unknown field is named, even when shortened.
  const auto e = rejected("{\"" + long_greek + "\": 1}");
  EXPECT_EQ(e.field.substr(0, 8), long_greek.substr(0, 8));
  // A content type is raw header bytes, not necessarily UTF-8.
  const auto bad_type = rejected("{}", "text/\xff\xfe" + long_greek);
  EXPECT_EQ(bad_type.status, 415);
  EXPECT_TRUE(renderable(bad_type));
}

}  // namespace

TEST(ProduceRequestLimits, TheDefaultCountMustFitALowerLimit) {
  smsim::gateway::ProduceLimits small{.max_messages = 500};
  for (const char* body : {"", "{}", "{\"max_length\": 10}"}) {
    const auto r = smsim::gateway::parse_produce_request(body, "application/json", small);
    const auto* e = std::get_if<smsim::gateway::RequestError>(&r);
    ASSERT_NE(e, nullptr) << body;
    EXPECT_EQ(e->field, "num_messages");
    EXPECT_EQ(e->status, 400);
  }
}
