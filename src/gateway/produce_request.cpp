#include "gateway/produce_request.hpp"

#include <fmt/format.h>

#include <cctype>
#include <limits>

#include <nlohmann/json.hpp>

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
    if (d != static_cast<double>(static_cast<std::uint64_t>(d < 0 ? 0 : d)) || d < static_cast<double>(min) ||
        d > static_cast<double>(max)) {
      return error(fmt::format(", not {}", value.dump()));
    }
    return static_cast<std::uint64_t>(d);
  }
  return error(fmt::format(" (got {} {})", value.type_name(), value.dump().substr(0, 40)));
}

}  // namespace

std::variant<ProduceRequest, RequestError> parse_produce_request(std::string_view body, std::string_view content_type,
                                                                 const ProduceLimits& limits) {
  ProduceRequest request;
  if (only_whitespace(body)) return request;
  if (!content_type.empty() && !is_json_content_type(content_type)) {
    return RequestError{415, "", fmt::format("the body must be JSON (Content-Type: application/json), not '{}'",
                                             content_type.substr(0, 80))};
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
    } else if (name == "seed") {
      auto n = whole_number(value, "seed", 1, std::numeric_limits<std::uint64_t>::max());
      if (auto* e = std::get_if<RequestError>(&n)) return *e;
      request.seed = std::get<std::uint64_t>(n);
    } else {
      return RequestError{400, name.substr(0, 64),
                          fmt::format("unknown field '{}'; known fields: num_messages, max_length, min_length, "
                                      "alphabet, seed",
                                      name.substr(0, 64))};
    }
  }
  if (request.generator.min_length > request.generator.max_length) {
    return RequestError{400, "min_length",
                        fmt::format("min_length ({}) must not exceed max_length ({})", request.generator.min_length,
                                    request.generator.max_length)};
  }
  return request;
}

}  // namespace smsim::gateway
