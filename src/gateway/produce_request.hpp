#pragma once
// The body of POST /produce-messages, validated. Pure: unit-tested without a server.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "domain/message_generator.hpp"

namespace smsim::gateway {

/// A rejected request: HTTP status, the offending field ("" for the body as a whole), and a
/// sentence for humans. Rendered as {"error": message, "field": field}.
struct RequestError {
  int status = 400;
  std::string field;
  std::string message;
};

struct ProduceRequest {
  std::uint64_t num_messages = 1000;  // the original exercise's default
  domain::GeneratorSettings generator;
  std::optional<std::uint64_t> seed;  // reproducible texts and numbers
  double rate_per_second = 0;         // pace of publishing; 0: as fast as senders take them
};

struct ProduceLimits {
  std::uint64_t max_messages = 10'000'000;
};

/// Accepts an empty body or `{}` (all defaults) and a JSON object with num_messages, max_length,
/// min_length, alphabet and seed. Anything else — malformed JSON, wrong types, fractions, negative
/// or zero counts, unknown fields, a non-JSON content type — is a RequestError naming the field.
/// Returns either the request or the error.
std::variant<ProduceRequest, RequestError> parse_produce_request(std::string_view body, std::string_view content_type,
                                                                 const ProduceLimits& limits);

struct SingleMessageRequest {
  std::string to;    // E.164
  std::string text;  // UTF-8, 1..10000 characters, at most 255 parts
};

/// The body of POST /api/messages: {"to": "+4915112345678", "text": "..."}, both required.
std::variant<SingleMessageRequest, RequestError> parse_single_message(std::string_view body,
                                                                      std::string_view content_type);

}  // namespace smsim::gateway
