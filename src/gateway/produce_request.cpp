#include "gateway/produce_request.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "domain/segmentation.hpp"

namespace smsim::gateway {
namespace {

using nlohmann::json;

bool is_json_content_type(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  std::string base(content_type.substr(0, semicolon));
  while (!base.empty() && base.back() == ' ') base.pop_back();
  for (auto& c : base) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return base == "application/json";
}

// At most `max_bytes` of valid UTF-8 text, cut before a character, never inside one: error fields and
// messages are rendered with nlohmann::json, whose dump() throws on invalid UTF-8.
std::string utf8_prefix(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;  // a continuation byte
  return std::string(s.substr(0, end));
}

// Header bytes need not be text at all: keep printable ASCII, show anything else as '?'.
std::string printable_ascii(std::string_view s, std::size_t max_bytes) {
  std::string out(s.substr(0, max_bytes));
  for (auto& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7E) c = '?';
  }
  return out;
}

bool only_whitespace(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// A whole number in [min, max]; 5.0 is accepted as 5 (JSON has one number type), 1.5 is not.
std::variant<std::uint64_t, RequestError> whole_number(const json& value, const char* field, std::uint64_t min,
                                                       std::uint64_t max) {
  const auto error = [&](const std::string& why) {
    return RequestError{400, field, fmt::format("{} must be a whole number from {} to {}{}", field, min, max, why)};
  };
  if (value.is_number_unsigned()) {
    const auto n = value.get<std::uint64_t>();
    if (n < min || n > max) return error(fmt::format(", not {}", n));
    return n;
  }
  if (value.is_number_integer()) return error(fmt::format(", not {}", value.get<std::int64_t>()));
  if (value.is_number_float()) {
    const double d = value.get<double>();
    // Range-check before converting: a double at or above 2^64 has no uint64 value (undefined behaviour).
    if (!(d >= 0) || d >= 0x1p64 || std::trunc(d) != d) return error(fmt::format(", not {}", value.dump()));
    const auto n = static_cast<std::uint64_t>(d);
    if (n < min || n > max) return error(fmt::format(", not {}", value.dump()));
    return n;
  }
  // An array or object is named by its type only: dump() recurses once per nesting level, so a
  // deeply nested value ([[[[...]]]]) would overflow the stack before the excerpt is cut to 40 bytes.
  if (value.is_structured()) return error(fmt::format(" (got {})", value.type_name()));
  return error(fmt::format(" (got {} {})", value.type_name(), utf8_prefix(value.dump(), 40)));
}

}  // namespace

std::variant<ProduceRequest, RequestError> parse_produce_request(std::string_view body, std::string_view content_type,
                                                                 const ProduceLimits& limits) {
  ProduceRequest request;
  if (only_whitespace(body)) {
    if (request.num_messages > limits.max_messages) {
      return RequestError{400, "num_messages",
                          fmt::format("the default of {} messages exceeds this gateway's limit of {}; give num_messages",
                                      request.num_messages, limits.max_messages)};
    }
    return request;
  }
  if (!content_type.empty() && !is_json_content_type(content_type)) {
    return RequestError{415, "", fmt::format("the body must be JSON (Content-Type: application/json), not '{}'",
                                             printable_ascii(content_type, 80))};
  }
  const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return RequestError{400, "", "the body is not valid JSON"};
  if (!j.is_object()) return RequestError{400, "", "the body must be a JSON object such as {\"num_messages\": 1000}"};

  for (const auto& [name, value] : j.items()) {
    if (name == "num_messages") {
      auto n = whole_number(value, "num_messages", 1, limits.max_messages);
      if (auto* e = std::get_if<RequestError>(&n)) return *e;
      request.num_messages = std::get<std::uint64_t>(n);
    } else if (name == "max_length" || name == "min_length") {
      auto n = whole_number(value, name.c_str(), 1, 1600);
      if (auto* e = std::get_if<RequestError>(&n)) return *e;
      (name == "max_length" ? request.generator.max_length : request.generator.min_length) =
          static_cast<int>(std::get<std::uint64_t>(n));
    } else if (name == "alphabet") {
      const auto alphabet = value.is_string() ? domain::parse_alphabet(value.get<std::string>()) : std::nullopt;
      if (!alphabet) return RequestError{400, "alphabet", "alphabet must be one of \"gsm7\", \"unicode\", \"mixed\""};
      request.generator.alphabet = *alphabet;
    } else if (name == "rate_per_second") {
      if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 10'000'000) {
        return RequestError{400, "rate_per_second", "rate_per_second must be a number from 0 (unpaced) to 10000000"};
      }
      request.rate_per_second = value.get<double>();
    } else if (name == "seed") {
      auto n = whole_number(value, "seed", 1, std::numeric_limits<std::uint64_t>::max());
      if (auto* e = std::get_if<RequestError>(&n)) return *e;
      request.seed = std::get<std::uint64_t>(n);
    } else {
      const auto shown = utf8_prefix(name, 64);
      return RequestError{400, shown,
                          fmt::format("unknown field '{}'; known fields: num_messages, max_length, min_length, "
                                      "alphabet, seed, rate_per_second",
                                      shown)};
    }
  }
  if (request.num_messages > limits.max_messages) {
    // Only the default can get here (an explicit count was checked against the limit above).
    return RequestError{400, "num_messages",
                        fmt::format("the default of {} messages exceeds this gateway's limit of {}; give num_messages",
                                    request.num_messages, limits.max_messages)};
  }
  if (request.generator.min_length > request.generator.max_length) {
    return RequestError{400, "min_length",
                        fmt::format("min_length ({}) must not exceed max_length ({})", request.generator.min_length,
                                    request.generator.max_length)};
  }
  return request;
}

std::variant<SingleMessageRequest, RequestError> parse_single_message(std::string_view body,
                                                                      std::string_view content_type) {
  if (!content_type.empty() && !is_json_content_type(content_type)) {
    return RequestError{415, "", "the body must be JSON (Content-Type: application/json)"};
  }
  const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return RequestError{400, "", "the body must be a JSON object such as {\"to\": \"+4915112345678\", \"text\": \"Hello\"}"};
  }
  SingleMessageRequest request;
  for (const auto& [name, value] : j.items()) {
    if (name == "to") {
      if (!value.is_string() || !domain::is_e164(value.get<std::string>())) {
        return RequestError{400, "to", "to must be a phone number in E.164 form, such as \"+4915112345678\""};
      }
      request.to = value.get<std::string>();
    } else if (name == "text") {
      if (!value.is_string()) return RequestError{400, "text", "text must be a string"};
      request.text = value.get<std::string>();
    } else {
      return RequestError{400, "", fmt::format("unknown field; known fields: to, text")};
    }
  }
  if (request.to.empty()) return RequestError{400, "to", "to is required"};
  if (request.text.empty()) return RequestError{400, "text", "text is required and must not be empty"};
  const auto characters = domain::decode_utf8(request.text).size();
  if (characters > 10'000) return RequestError{400, "text", fmt::format("text has {} characters; at most 10000", characters)};
  const auto parts = domain::billed_parts(request.text);
  if (parts > domain::kMaxParts) return RequestError{400, "text", fmt::format("text needs {} parts; at most 255", parts)};
  return request;
}

}  // namespace smsim::gateway
