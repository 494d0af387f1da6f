// Fuzzes the gateway's request-body validation (src/gateway/produce_request.hpp): the bodies of
// POST /produce-messages and POST /api/messages.
//
// Input layout: everything before the first '\n' is the Content-Type header, the rest the body; an
// input without '\n' is a body sent with no Content-Type. (A seed file is thus readable:
// "application/json\n{\"num_messages\": 5}".)
//
// Invariants (docs/fuzzing.md):
//  - parse_produce_request() and parse_single_message() never throw;
//  - an error has status 400 or 415, and 415 exactly when a Content-Type is given that is not JSON
//    (for /produce-messages: and the body is not empty, which is accepted as all defaults);
//  - the error's field and message serialise with nlohmann::json's strict dump() (invalid UTF-8
//    would throw type_error 316 there: the gateway's guard against answering 500);
//  - an accepted request is within its documented limits, and its values serialise too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "domain/message_generator.hpp"
#include "domain/segmentation.hpp"
#include "fuzz_support.hpp"
#include "gateway/produce_request.hpp"

namespace {

using namespace smsim;
using gateway::RequestError;
using nlohmann::json;

bool is_json_type(std::string_view content_type) {
  std::string base(content_type.substr(0, content_type.find(';')));
  while (!base.empty() && base.back() == ' ') base.pop_back();
  for (auto& c : base) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return base == "application/json";
}

void check_error(const RequestError& e, std::string_view content_type) {
  FUZZ_CHECK(e.status == 400 || e.status == 415, "error status " + std::to_string(e.status));
  const bool wrong_type = !content_type.empty() && !is_json_type(content_type);
  FUZZ_CHECK((e.status == 415) == wrong_type, "415 iff the Content-Type is given and not JSON");
  FUZZ_CHECK(!e.message.empty(), "an error without a message");
  // The default error handler is strict: invalid UTF-8 throws here, which the gateway would answer with 500.
  json body{{"error", e.message}, {"field", e.field.empty() ? json(nullptr) : json(e.field)}};
  (void)body.dump();
}

void check_produce(std::string_view body, std::string_view content_type, const gateway::ProduceLimits& limits) {
  const auto parsed = gateway::parse_produce_request(body, content_type, limits);  // must not throw
  if (const auto* e = std::get_if<RequestError>(&parsed)) {
    FUZZ_CHECK(body.find_first_not_of(" \t\r\n") != std::string_view::npos, "an empty body was rejected");
    check_error(*e, content_type);
    return;
  }
  const auto& request = std::get<gateway::ProduceRequest>(parsed);
  FUZZ_CHECK(request.num_messages >= 1 && request.num_messages <= limits.max_messages, "num_messages out of range");
  FUZZ_CHECK(!request.seed || *request.seed >= 1, "seed 0 accepted");
  domain::validate(request.generator);  // the gateway hands these to the generator: must not throw
  (void)json{{"num_messages", request.num_messages},
             {"min_length", request.generator.min_length},
             {"max_length", request.generator.max_length},
             {"alphabet", domain::to_string(request.generator.alphabet)}}
      .dump();
}

void check_single(std::string_view body, std::string_view content_type) {
  const auto parsed = gateway::parse_single_message(body, content_type);  // must not throw
  if (const auto* e = std::get_if<RequestError>(&parsed)) {
    check_error(*e, content_type);
    return;
  }
  const auto& request = std::get<gateway::SingleMessageRequest>(parsed);
  FUZZ_CHECK(domain::is_e164(request.to), "accepted a number that is not E.164");
  FUZZ_CHECK(!request.text.empty() && domain::decode_utf8(request.text).size() <= 10'000, "text length out of range");
  FUZZ_CHECK(domain::billed_parts(request.text) <= domain::kMaxParts, "text over 255 parts accepted");
  // The text goes into the campaign record and the replies as a JSON string.
  (void)json{{"to", request.to}, {"text", request.text}}.dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = smsim::fuzz::as_text(data, size);
  std::string_view content_type;
  std::string_view body = input;
  if (const auto newline = input.find('\n'); newline != std::string_view::npos) {
    content_type = input.substr(0, newline);
    body = input.substr(newline + 1);
  }
  check_produce(body, content_type, gateway::ProduceLimits{});
  // A low limit, but not below the default of 1000: a body that omits num_messages gets 1000 whatever
  // the limit (reported; see docs/fuzzing.md, "Findings").
  check_produce(body, content_type, gateway::ProduceLimits{.max_messages = 1000});
  check_single(body, content_type);
  return 0;
}
