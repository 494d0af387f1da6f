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
// A lifecycle carries the text (up to 10,000 characters, escaped) and up to 255 parts.
constexpr std::size_t kMaxLifecycleBytes = 1024 * 1024;

json parse(std::string_view text, const char* what, std::size_t max_bytes = kMaxRecordBytes) {
  if (text.size() > max_bytes) {
    throw DecodeError(fmt::format("{} record of {} bytes exceeds the {} byte limit", what, text.size(), max_bytes));
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

domain::SmsMessage message_at(const CampaignSpec& spec, const domain::MessageGenerator& generator, std::uint64_t index) {
  if (!spec.single) return generator.at(index);
  return {domain::message_id(spec.campaign_id, index), spec.campaign_id, index, spec.single->first, spec.single->second};
}

std::string encode_campaign(const CampaignSpec& s) {
  json j{{"type", "campaign"},
              {"campaign_id", s.campaign_id},
              {"count", s.count},
              {"seed", s.seed},
              {"min_length", s.generator.min_length},
              {"max_length", s.generator.max_length},
              {"alphabet", domain::to_string(s.generator.alphabet)},
              {"created_at_ms", s.created_at_ms}};
  if (s.rate_per_second > 0) j["rate_per_second"] = s.rate_per_second;
  if (s.single) {
    j["to"] = s.single->first;
    j["text"] = s.single->second;
  }
  return j.dump();
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
    if (j.contains("rate_per_second")) s.rate_per_second = number_field(j, "rate_per_second");
    if (j.contains("to")) {
      s.single = std::make_pair(string_field(j, "to"), string_field(j, "text", /*allow_empty=*/true));
      if (s.count != 1) throw DecodeError("field 'count' must be 1 for a single message");
    }
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

std::string encode_dispatched(const domain::WholeMessage& m) {
  return json{{"type", "message"},         {"message_id", m.id},        {"campaign_id", m.campaign_id},
              {"number", m.number},        {"text", m.text},            {"encoding", m.encoding},
              {"total_parts", m.total_parts}, {"created_at_ms", m.created_at_ms}}
      .dump();
}

std::string encode_submit(const domain::PartSubmit& s) {
  json j{{"type", "submit"},           {"message_id", s.message_id}, {"sender_id", s.sender_id},
         {"part", s.part},             {"total_parts", s.total_parts}, {"accepted", s.accepted},
         {"at_ms", s.at_ms}};
  j["supplier_message_id"] = s.accepted ? json(s.supplier_id) : json(nullptr);
  if (!s.accepted) j["error"] = s.error;
  if (!s.report_expected) j["report_expected"] = false;
  return j.dump();
}

namespace {
int parts_field(const json& j, const char* name) {
  const auto v = int_field(j, name, 1);
  if (v < 1 || v > 255) throw DecodeError(fmt::format("field '{}' must be between 1 and 255", name));
  return static_cast<int>(v);
}
}  // namespace

std::string encode_delivery_report(const DeliveryReportRecord& r) {
  return json{{"type", "delivery_report"}, {"message_id", r.message_id}, {"part", r.part},
              {"total_parts", r.total_parts},  {"receipt", r.receipt},       {"at_ms", r.at_ms}}
      .dump();
}

DeliveryReportRecord decode_delivery_report(std::string_view text) {
  const json j = parse(text, "delivery report");
  DeliveryReportRecord r;
  r.message_id = string_field(j, "message_id");
  r.part = parts_field(j, "part");
  r.total_parts = parts_field(j, "total_parts");
  if (r.part > r.total_parts) throw DecodeError("field 'part' exceeds 'total_parts'");
  r.receipt = string_field(j, "receipt");
  r.at_ms = int_field(j, "at_ms", 0);
  return r;
}

domain::PartReport to_part_report(const DeliveryReportRecord& r) {
  domain::DeliveryReceipt receipt;
  try {
    receipt = domain::parse_receipt(r.receipt);
  } catch (const InvalidArgument& e) {
    throw DecodeError(fmt::format("field 'receipt': {}", e.what()));
  }
  return {r.message_id, r.part, r.total_parts, receipt.supplier_message_id, receipt.stat,
          r.at_ms != 0 ? r.at_ms : receipt.done_date_ms};
}

std::string encode_lifecycle(const domain::MessageLifecycle& m, std::int64_t updated_at_ms) {
  json parts = json::array();
  for (std::size_t i = 0; i < m.parts.size(); ++i) {
    const auto& p = m.parts[i];
    json part{{"part", i + 1}};
    part["supplier_message_id"] = p.supplier_id.empty() ? json(nullptr) : json(p.supplier_id);
    part["submit"] = p.accepted ? json(*p.accepted ? "accepted" : "rejected") : json(nullptr);
    if (!p.error.empty()) part["error"] = p.error;
    part["delivery"] = p.stat ? json(domain::to_smpp(*p.stat)) : json(nullptr);
    part["submitted_at_ms"] = p.submitted_at_ms;
    part["reported_at_ms"] = p.reported_at_ms;
    parts.push_back(std::move(part));
  }
  json history = json::array();
  for (const auto& h : m.history) {
    json change{{"state", domain::to_string(h.state)}, {"at_ms", h.at_ms}};
    if (!h.reason.empty()) change["reason"] = h.reason;
    history.push_back(std::move(change));
  }
  json j{{"type", "message_state"}, {"message_id", m.id}, {"state", domain::to_string(*m.state())},
         {"total_parts", m.total_parts}, {"parts", parts}, {"history", history}, {"updated_at_ms", updated_at_ms}};
  if (m.message) {
    j["campaign_id"] = m.message->campaign_id;
    j["number"] = m.message->number;
    j["text"] = m.message->text;
    j["encoding"] = m.message->encoding;
  }
  return j.dump();
}

LifecycleSummary decode_lifecycle_summary(std::string_view text) {
  const json j = parse(text, "message state", kMaxLifecycleBytes);
  LifecycleSummary s;
  s.id = string_field(j, "message_id");
  const auto state = domain::parse_message_state(string_field(j, "state"));
  if (!state) throw DecodeError("field 'state' is not a known message state");
  s.state = *state;
  s.total_parts = parts_field(j, "total_parts");
  return s;
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
  if (type == "message") {
    DispatchedRecord d;
    d.message.id = string_field(j, "message_id");
    d.message.campaign_id = optional_string(j, "campaign_id");
    d.message.number = string_field(j, "number");
    d.message.text = string_field(j, "text", /*allow_empty=*/true);
    d.message.encoding = optional_string(j, "encoding");
    d.message.total_parts = parts_field(j, "total_parts");
    d.message.created_at_ms = int_field(j, "created_at_ms", 0);
    return d;
  }
  if (type == "submit") {
    SubmitRecord r;
    r.submit.message_id = string_field(j, "message_id");
    r.submit.sender_id = optional_string(j, "sender_id");
    r.submit.part = parts_field(j, "part");
    r.submit.total_parts = parts_field(j, "total_parts");
    if (r.submit.part > r.submit.total_parts) throw DecodeError("field 'part' exceeds 'total_parts'");
    const auto accepted = j.find("accepted");
    if (accepted == j.end() || !accepted->is_boolean()) throw DecodeError("field 'accepted' must be true or false");
    r.submit.accepted = accepted->get<bool>();
    r.submit.supplier_id = optional_string(j, "supplier_message_id");
    if (r.submit.accepted && r.submit.supplier_id.empty()) {
      throw DecodeError("field 'supplier_message_id' is required for an accepted part");
    }
    r.submit.error = optional_string(j, "error");
    r.submit.at_ms = int_field(j, "at_ms", 0);
    const auto expected = j.find("report_expected");
    r.submit.report_expected = expected == j.end() || !expected->is_boolean() || expected->get<bool>();
    return r;
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
