#include "records/records.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace smsim::records {
namespace {

using nlohmann::json;

// Records are small; anything bigger is a poison record, rejected before parsing.
constexpr std::size_t kMaxRecordBytes = 64 * 1024;

json parse(std::string_view text, const char* what) {
  if (text.size() > kMaxRecordBytes) {
    throw DecodeError(fmt::format("{} record of {} bytes exceeds the {} byte limit", what, text.size(), kMaxRecordBytes));
  }
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw DecodeError(fmt::format("{} record is not valid JSON", what));
  if (!j.is_object()) throw DecodeError(fmt::format("{} record is not a JSON object", what));
  return j;
}

const json& field(const json& j, const char* name) {
  const auto it = j.find(name);
  if (it == j.end()) throw DecodeError(fmt::format("missing field '{}'", name));
  return *it;
}

std::string string_field(const json& j, const char* name, bool allow_empty = false) {
  const json& v = field(j, name);
  if (!v.is_string()) throw DecodeError(fmt::format("field '{}' must be a string", name));
  auto s = v.get<std::string>();
  if (!allow_empty && s.empty()) throw DecodeError(fmt::format("field '{}' must not be empty", name));
  return s;
}

std::string optional_string(const json& j, const char* name) {
  const auto it = j.find(name);
  if (it == j.end() || it->is_null()) return {};
  if (!it->is_string()) throw DecodeError(fmt::format("field '{}' must be a string", name));
  return it->get<std::string>();
}

std::uint64_t unsigned_field(const json& j, const char* name) {
  const json& v = field(j, name);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
    throw DecodeError(fmt::format("field '{}' must be a non-negative integer", name));
  }
  return v.get<std::uint64_t>();
}

std::int64_t int_field(const json& j, const char* name, std::int64_t fallback) {
  const auto it = j.find(name);
  if (it == j.end()) return fallback;
  // An unsigned value above INT64_MAX would wrap to a negative one (2^64-1 would read as -1).
  if (!it->is_number_integer() ||
      (it->is_number_unsigned() && it->get<std::uint64_t>() > std::numeric_limits<std::int64_t>::max())) {
    throw DecodeError(fmt::format("field '{}' must be an integer", name));
  }
  return it->get<std::int64_t>();
}

// An int_field that must fit an int: a wider value must not be truncated into range.
int small_int_field(const json& j, const char* name, int fallback) {
  const auto v = int_field(j, name, fallback);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    throw DecodeError(fmt::format("field '{}' is out of range: {}", name, v));
  }
  return static_cast<int>(v);
}

double number_field(const json& j, const char* name) {
  const json& v = field(j, name);
  if (!v.is_number()) throw DecodeError(fmt::format("field '{}' must be a number", name));
  const double d = v.get<double>();
  if (!std::isfinite(d) || d < 0) throw DecodeError(fmt::format("field '{}' must be a finite non-negative number", name));
  return d;
}

json settings_json(const domain::SenderSettingsInfo& s) {
  return {{"sender_id", s.sender_id}, {"program", s.program}, {"distribution", s.distribution},
          {"mean_s", s.mean_s},       {"stddev_s", s.stddev_s}, {"failure_rate", s.failure_rate},
          {"window", s.window}};
}

domain::SenderSettingsInfo settings_from(const json& j) {
  domain::SenderSettingsInfo s;
  s.sender_id = string_field(j, "sender_id");
  s.program = optional_string(j, "program");
  s.distribution = optional_string(j, "distribution");
  s.mean_s = number_field(j, "mean_s");
  s.stddev_s = number_field(j, "stddev_s");
  s.failure_rate = number_field(j, "failure_rate");
  if (s.failure_rate > 1) throw DecodeError("field 'failure_rate' must be at most 1");
  const auto window = int_field(j, "window", 1);
  if (window < 1 || window > 1'000'000) throw DecodeError("field 'window' must be between 1 and 1000000");
  s.window = static_cast<int>(window);
  return s;
}

}  // namespace

std::string_view to_string(domain::Outcome outcome) { return outcome == domain::Outcome::Sent ? "sent" : "failed"; }

std::string encode_message(const domain::SmsMessage& m, std::int64_t produced_at_ms) {
  return json{{"id", m.id},           {"campaign_id", m.campaign_id}, {"index", m.index},
              {"number", m.number},   {"content", m.content},         {"produced_at_ms", produced_at_ms}}
      .dump();
}

MessageRecord decode_message(std::string_view text) {
  const json j = parse(text, "message");
  MessageRecord r;
  r.message.id = string_field(j, "id");
  r.message.campaign_id = optional_string(j, "campaign_id");
  r.message.index = j.contains("index") ? unsigned_field(j, "index") : 0;
  r.message.number = string_field(j, "number");
  r.message.content = string_field(j, "content", /*allow_empty=*/true);
  r.produced_at_ms = int_field(j, "produced_at_ms", 0);
  return r;
}

std::string encode_campaign(const CampaignSpec& s) {
  return json{{"type", "campaign"},
              {"campaign_id", s.campaign_id},
              {"count", s.count},
              {"seed", s.seed},
              {"min_length", s.generator.min_length},
              {"max_length", s.generator.max_length},
              {"alphabet", domain::to_string(s.generator.alphabet)},
              {"created_at_ms", s.created_at_ms}}
      .dump();
}

std::string encode_progress(const CampaignProgress& p) {
  return json{{"type", "progress"}, {"campaign_id", p.campaign_id}, {"published", p.published}, {"at_ms", p.at_ms}}
      .dump();
}

std::string progress_key(std::string_view campaign_id) { return std::string(campaign_id) + "/progress"; }

CampaignRecord decode_campaign_record(std::string_view text) {
  const json j = parse(text, "campaign");
  const std::string type = string_field(j, "type");
  if (type == "campaign") {
    CampaignSpec s;
    s.campaign_id = string_field(j, "campaign_id");
    s.count = unsigned_field(j, "count");
    s.seed = unsigned_field(j, "seed");
    s.generator.min_length = small_int_field(j, "min_length", 1);
    s.generator.max_length = small_int_field(j, "max_length", 100);
    const auto alphabet = domain::parse_alphabet(optional_string(j, "alphabet").empty() ? "gsm7" : optional_string(j, "alphabet"));
    if (!alphabet) throw DecodeError("field 'alphabet' is not one of gsm7, unicode, mixed");
    s.generator.alphabet = *alphabet;
    s.created_at_ms = int_field(j, "created_at_ms", 0);
    try {
      domain::validate(s.generator);
    } catch (const InvalidArgument& e) {
      throw DecodeError(e.what());
    }
    return s;
  }
  if (type == "progress") {
    return CampaignProgress{string_field(j, "campaign_id"), unsigned_field(j, "published"), int_field(j, "at_ms", 0)};
  }
  throw DecodeError(fmt::format("field 'type' has unknown value '{}'", type));
}

std::string encode_status(const StatusRecord& s) {
  const auto& r = s.report;
  json j{{"type", "status"},
         {"message_id", r.message_id},
         {"sender_id", r.sender_id},
         {"outcome", to_string(r.outcome)},
         {"processing_time", to_seconds(r.processing_time)},
         {"produced_at_ms", r.produced_at_ms},
         {"finished_at_ms", r.finished_at_ms},
         {"partition", s.partition},
         {"offset", s.offset}};
  if (!r.error.empty()) j["error"] = r.error;
  return j.dump();
}

std::string encode_heartbeat(const Heartbeat& h) {
  return json{{"type", "heartbeat"}, {"sender_id", h.settings.sender_id}, {"settings", settings_json(h.settings)},
              {"partitions", h.partitions}, {"at_ms", h.at_ms}, {"leaving", h.leaving}}
      .dump();
}

StatusTopicRecord decode_status_topic_record(std::string_view text) {
  const json j = parse(text, "status");
  if (!j.contains("type") && j.contains("success_count")) {
    domain::LegacyCounters c;
    c.sender_id = string_field(j, "sender_id");
    c.success_count = unsigned_field(j, "success_count");
    c.failed_count = unsigned_field(j, "failed_count");
    c.total_processing_time_s = number_field(j, "total_processing_time");
    return c;
  }
  const std::string type = string_field(j, "type");
  if (type == "status") {
    StatusRecord s;
    s.report.message_id = string_field(j, "message_id");
    s.report.sender_id = string_field(j, "sender_id");
    const std::string outcome = string_field(j, "outcome");
    if (outcome == "sent") {
      s.report.outcome = domain::Outcome::Sent;
    } else if (outcome == "failed") {
      s.report.outcome = domain::Outcome::Failed;
    } else {
      throw DecodeError(fmt::format("field 'outcome' must be \"sent\" or \"failed\", not \"{}\"", outcome));
    }
    const double seconds = number_field(j, "processing_time");
    if (seconds > 86400) throw DecodeError("field 'processing_time' is over a day");
    s.report.processing_time = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
    s.report.produced_at_ms = int_field(j, "produced_at_ms", 0);
    s.report.finished_at_ms = int_field(j, "finished_at_ms", 0);
    s.report.error = optional_string(j, "error");
    const auto partition = int_field(j, "partition", -1);
    if (partition < -1 || partition > std::numeric_limits<std::int32_t>::max()) {
      throw DecodeError("field 'partition' is out of range");
    }
    s.partition = static_cast<std::int32_t>(partition);
    s.offset = int_field(j, "offset", -1);
    return s;
  }
  if (type == "heartbeat") {
    Heartbeat h;
    const json& settings = field(j, "settings");
    if (!settings.is_object()) throw DecodeError("field 'settings' must be an object");
    h.settings = settings_from(settings);
    const json& partitions = field(j, "partitions");
    if (!partitions.is_array()) throw DecodeError("field 'partitions' must be an array");
    for (const auto& p : partitions) {
      if (!p.is_number_integer() || p.get<std::int64_t>() < 0 || p.get<std::int64_t>() > 1'000'000) {
        throw DecodeError("field 'partitions' must hold partition numbers");
      }
      h.partitions.push_back(p.get<std::int32_t>());
    }
    h.at_ms = int_field(j, "at_ms", 0);
    const auto leaving = j.find("leaving");
    if (leaving != j.end() && !leaving->is_boolean()) throw DecodeError("field 'leaving' must be true or false");
    h.leaving = leaving != j.end() && leaving->get<bool>();
    return h;
  }
  throw DecodeError(fmt::format("field 'type' has unknown value '{}'", type));
}

}  // namespace smsim::records
