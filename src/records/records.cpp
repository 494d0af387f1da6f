#include "records/records.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <optional>
#include <simdjson.h>

#include "records/json_writer.hpp"

namespace smsim::records {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// Records are small; anything bigger is a poison record, rejected before parsing.
constexpr std::size_t kMaxRecordBytes = 64 * 1024;
// A lifecycle carries the text (up to 10,000 characters, escaped) and up to 255 parts.
constexpr std::size_t kMaxLifecycleBytes = 1024 * 1024;

// One parser per thread, reused: it keeps its buffers, so parsing allocates nothing once warm. A
// parsed object is valid until the same thread parses again; decoders copy out what they keep.
simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

object parse(std::string_view text, const char* what, std::size_t max_bytes = kMaxRecordBytes) {
  if (text.size() > max_bytes) {
    throw DecodeError(fmt::format("{} record of {} bytes exceeds the {} byte limit", what, text.size(), max_bytes));
  }
  element doc;
  if (thread_parser().parse(text.data(), text.size()).get(doc) != simdjson::SUCCESS) {
    throw DecodeError(fmt::format("{} record is not valid JSON", what));
  }
  object j;
  if (doc.get_object().get(j) != simdjson::SUCCESS) throw DecodeError(fmt::format("{} record is not a JSON object", what));
  return j;
}

std::optional<element> find(const object& j, const char* name) {
  element v;
  if (j.at_key(name).get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

bool contains(const object& j, const char* name) { return find(j, name).has_value(); }

element field(const object& j, const char* name) {
  const auto v = find(j, name);
  if (!v) throw DecodeError(fmt::format("missing field '{}'", name));
  return *v;
}

std::string string_field(const object& j, const char* name, bool allow_empty = false) {
  std::string_view s;
  if (field(j, name).get_string().get(s) != simdjson::SUCCESS) {
    throw DecodeError(fmt::format("field '{}' must be a string", name));
  }
  if (!allow_empty && s.empty()) throw DecodeError(fmt::format("field '{}' must not be empty", name));
  return std::string(s);
}

std::string optional_string(const object& j, const char* name) {
  const auto v = find(j, name);
  if (!v || v->is_null()) return {};
  std::string_view s;
  if (v->get_string().get(s) != simdjson::SUCCESS) throw DecodeError(fmt::format("field '{}' must be a string", name));
  return std::string(s);
}

std::uint64_t unsigned_field(const object& j, const char* name) {
  const element v = field(j, name);
  if (v.type() == element_type::UINT64) return v.get_uint64().value_unsafe();
  if (v.type() == element_type::INT64 && v.get_int64().value_unsafe() >= 0) {
    return static_cast<std::uint64_t>(v.get_int64().value_unsafe());
  }
  throw DecodeError(fmt::format("field '{}' must be a non-negative integer", name));
}

std::int64_t int_field(const object& j, const char* name, std::int64_t fallback) {
  const auto v = find(j, name);
  if (!v) return fallback;
  // An unsigned value above INT64_MAX (parsed as UINT64) must not wrap to a negative one.
  if (v->type() != element_type::INT64) throw DecodeError(fmt::format("field '{}' must be an integer", name));
  return v->get_int64().value_unsafe();
}

// An int_field that must fit an int: a wider value must not be truncated into range.
int small_int_field(const object& j, const char* name, int fallback) {
  const auto v = int_field(j, name, fallback);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    throw DecodeError(fmt::format("field '{}' is out of range: {}", name, v));
  }
  return static_cast<int>(v);
}

double number_field(const object& j, const char* name) {
  double d = 0;
  if (field(j, name).get_double().get(d) != simdjson::SUCCESS) {
    throw DecodeError(fmt::format("field '{}' must be a number", name));
  }
  if (!std::isfinite(d) || d < 0) throw DecodeError(fmt::format("field '{}' must be a finite non-negative number", name));
  return d;
}

std::optional<bool> bool_field(const object& j, const char* name) {
  const auto v = find(j, name);
  bool b = false;
  if (!v || v->get_bool().get(b) != simdjson::SUCCESS) return std::nullopt;
  return b;
}

std::string smpp_json(const domain::SmppSessionInfo& s) {
  return JsonWriter(320)
      .field("smsc", s.smsc)
      .field("system_id", s.system_id)
      .field("bind", s.bind)
      .field("state", s.state)
      .field("outstanding", s.outstanding)
      .field("queued", s.queued)
      .field("submitted", s.submitted)
      .field("resent", s.resent)
      .field("throttled", s.throttled)
      .field("reconnects", s.reconnects)
      .field("receipts", s.receipts)
      .field("receipts_unmatched", s.receipts_unmatched)
      .finish();
}

std::string settings_json(const domain::SenderSettingsInfo& s) {
  JsonWriter w(160);
  w.field("sender_id", s.sender_id)
      .field("program", s.program)
      .field("distribution", s.distribution)
      .field("mean_s", s.mean_s)
      .field("stddev_s", s.stddev_s)
      .field("failure_rate", s.failure_rate)
      .field("window", s.window);
  if (s.smpp) w.raw_field("smpp", smpp_json(*s.smpp));
  return w.finish();
}

domain::SmppSessionInfo smpp_from(const object& j) {
  domain::SmppSessionInfo s;
  s.smsc = optional_string(j, "smsc");
  s.system_id = optional_string(j, "system_id");
  s.bind = optional_string(j, "bind");
  s.state = optional_string(j, "state");
  s.outstanding = unsigned_field(j, "outstanding");
  s.queued = unsigned_field(j, "queued");
  s.submitted = unsigned_field(j, "submitted");
  s.resent = unsigned_field(j, "resent");
  s.throttled = unsigned_field(j, "throttled");
  s.reconnects = unsigned_field(j, "reconnects");
  s.receipts = unsigned_field(j, "receipts");
  s.receipts_unmatched = unsigned_field(j, "receipts_unmatched");
  return s;
}

domain::SenderSettingsInfo settings_from(const object& j) {
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
  if (const auto smpp = find(j, "smpp"); smpp && !smpp->is_null()) {
    object fields;
    if (smpp->get_object().get(fields) != simdjson::SUCCESS) throw DecodeError("field 'smpp' must be an object");
    try {
      s.smpp = smpp_from(fields);
    } catch (const DecodeError& e) {
      throw DecodeError(fmt::format("in 'smpp': {}", e.what()));
    }
  }
  return s;
}

}  // namespace

std::string_view to_string(domain::Outcome outcome) { return outcome == domain::Outcome::Sent ? "sent" : "failed"; }

std::string encode_message(const domain::SmsMessage& m, std::int64_t produced_at_ms) {
  return JsonWriter(m.content.size() + 160)
      .field("id", m.id)
      .field("campaign_id", m.campaign_id)
      .field("index", m.index)
      .field("number", m.number)
      .field("content", m.content)
      .field("produced_at_ms", produced_at_ms)
      .finish();
}

namespace {
MessageRecord message_from(const object& j) {
  MessageRecord r;
  r.message.id = string_field(j, "id");
  r.message.campaign_id = optional_string(j, "campaign_id");
  r.message.index = contains(j, "index") ? unsigned_field(j, "index") : 0;
  r.message.number = string_field(j, "number");
  r.message.content = string_field(j, "content", /*allow_empty=*/true);
  r.produced_at_ms = int_field(j, "produced_at_ms", 0);
  return r;
}
}  // namespace

MessageRecord decode_message(std::string_view text) { return message_from(parse(text, "message")); }

DecodedMessage decode_message_or_original(std::string_view text) {
  const object j = parse(text, "message");
  if (contains(j, "id") || contains(j, "campaign_id") || contains(j, "index")) return {message_from(j), false};
  DecodedMessage d;
  d.original_shape = true;
  d.record.message.number = string_field(j, "number");
  d.record.message.content = string_field(j, "content", /*allow_empty=*/true);
  d.record.produced_at_ms = int_field(j, "produced_at_ms", 0);
  return d;
}

domain::SmsMessage message_at(const CampaignSpec& spec, const domain::MessageGenerator& generator, std::uint64_t index) {
  if (!spec.single) return generator.at(index);
  return {domain::message_id(spec.campaign_id, index), spec.campaign_id, index, spec.single->first, spec.single->second};
}

std::string encode_campaign(const CampaignSpec& s) {
  JsonWriter j;
  j.field("type", "campaign")
      .field("campaign_id", s.campaign_id)
      .field("count", s.count)
      .field("seed", s.seed)
      .field("min_length", s.generator.min_length)
      .field("max_length", s.generator.max_length)
      .field("alphabet", domain::to_string(s.generator.alphabet))
      .field("created_at_ms", s.created_at_ms);
  if (s.rate_per_second > 0) j.field("rate_per_second", s.rate_per_second);
  if (s.single) j.field("to", s.single->first).field("text", s.single->second);
  return j.finish();
}

std::string encode_progress(const CampaignProgress& p) {
  return JsonWriter()
      .field("type", "progress")
      .field("campaign_id", p.campaign_id)
      .field("published", p.published)
      .field("at_ms", p.at_ms)
      .finish();
}

std::string progress_key(std::string_view campaign_id) { return std::string(campaign_id) + "/progress"; }

CampaignRecord decode_campaign_record(std::string_view text) {
  const object j = parse(text, "campaign");
  const std::string type = string_field(j, "type");
  if (type == "campaign") {
    CampaignSpec s;
    s.campaign_id = string_field(j, "campaign_id");
    s.count = unsigned_field(j, "count");
    s.seed = unsigned_field(j, "seed");
    s.generator.min_length = small_int_field(j, "min_length", 1);
    s.generator.max_length = small_int_field(j, "max_length", 100);
    const auto alphabet_name = optional_string(j, "alphabet");
    const auto alphabet = domain::parse_alphabet(alphabet_name.empty() ? "gsm7" : alphabet_name);
    if (!alphabet) throw DecodeError("field 'alphabet' is not one of gsm7, unicode, mixed");
    s.generator.alphabet = *alphabet;
    s.created_at_ms = int_field(j, "created_at_ms", 0);
    if (contains(j, "rate_per_second")) s.rate_per_second = number_field(j, "rate_per_second");
    if (contains(j, "to")) {
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

namespace {
// The fields of a submit response after its ids: shared by the submit record and a status's
// "submit" object.
void write_submit_fields(JsonWriter& j, const domain::PartSubmit& s) {
  j.field("part", s.part).field("total_parts", s.total_parts).field("accepted", s.accepted).field("at_ms", s.at_ms);
  if (s.accepted) {
    j.field("supplier_message_id", s.supplier_id);
  } else {
    j.null_field("supplier_message_id").field("error", s.error);
  }
  if (!s.report_expected) j.field("report_expected", false);
}
}  // namespace

std::string encode_status(const StatusRecord& s) {
  const auto& r = s.report;
  JsonWriter j;
  j.field("type", "status")
      .field("message_id", r.message_id)
      .field("sender_id", r.sender_id)
      .field("outcome", to_string(r.outcome))
      .field("processing_time", to_seconds(r.processing_time))
      .field("produced_at_ms", r.produced_at_ms)
      .field("finished_at_ms", r.finished_at_ms)
      .field("partition", s.partition)
      .field("offset", s.offset);
  if (!r.error.empty()) j.field("error", r.error);
  if (s.final_submit) {
    JsonWriter submit(160);
    write_submit_fields(submit, *s.final_submit);
    j.raw_field("submit", submit.finish());
  }
  return j.finish();
}

std::string encode_dispatched(const domain::WholeMessage& m) {
  return JsonWriter(m.text.size() + 200)
      .field("type", "message")
      .field("message_id", m.id)
      .field("campaign_id", m.campaign_id)
      .field("number", m.number)
      .field("text", m.text)
      .field("encoding", m.encoding)
      .field("total_parts", m.total_parts)
      .field("created_at_ms", m.created_at_ms)
      .finish();
}

std::string encode_submit(const domain::PartSubmit& s) {
  JsonWriter j;
  j.field("type", "submit").field("message_id", s.message_id).field("sender_id", s.sender_id);
  write_submit_fields(j, s);
  return j.finish();
}

std::string encode_legacy(const domain::LegacyCounters& c) {
  // Always a float, as the original wrote it ("0.0", not "0"): a reader that checks types sees one.
  std::string time = fmt::format("{}", std::isfinite(c.total_processing_time_s) ? c.total_processing_time_s : 0.0);
  if (time.find_first_of(".e") == std::string::npos) time += ".0";
  return JsonWriter(160)
      .field("sender_id", c.sender_id)
      .field("success_count", c.success_count)
      .field("failed_count", c.failed_count)
      .raw_field("total_processing_time", time)
      .finish();
}

namespace {
int parts_field(const object& j, const char* name) {
  const auto v = int_field(j, name, 1);
  if (v < 1 || v > 255) throw DecodeError(fmt::format("field '{}' must be between 1 and 255", name));
  return static_cast<int>(v);
}
}  // namespace

namespace {
void read_submit_fields(const object& j, domain::PartSubmit& submit) {
  submit.part = parts_field(j, "part");
  submit.total_parts = parts_field(j, "total_parts");
  if (submit.part > submit.total_parts) throw DecodeError("field 'part' exceeds 'total_parts'");
  const auto accepted = bool_field(j, "accepted");
  if (!accepted) throw DecodeError("field 'accepted' must be true or false");
  submit.accepted = *accepted;
  submit.supplier_id = optional_string(j, "supplier_message_id");
  if (submit.accepted && submit.supplier_id.empty()) {
    throw DecodeError("field 'supplier_message_id' is required for an accepted part");
  }
  submit.error = optional_string(j, "error");
  submit.at_ms = int_field(j, "at_ms", 0);
  submit.report_expected = bool_field(j, "report_expected").value_or(true);
}
}  // namespace

std::string encode_delivery_report(const DeliveryReportRecord& r) {
  return JsonWriter()
      .field("type", "delivery_report")
      .field("message_id", r.message_id)
      .field("part", r.part)
      .field("total_parts", r.total_parts)
      .field("receipt", r.receipt)
      .field("at_ms", r.at_ms)
      .finish();
}

DeliveryReportRecord decode_delivery_report(std::string_view text) {
  const object j = parse(text, "delivery report");
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
  std::string parts = "[";
  for (std::size_t i = 0; i < m.parts.size(); ++i) {
    const auto& p = m.parts[i];
    JsonWriter part(200);
    part.field("part", i + 1);
    if (p.supplier_id.empty()) {
      part.null_field("supplier_message_id");
    } else {
      part.field("supplier_message_id", p.supplier_id);
    }
    if (p.accepted) {
      part.field("submit", *p.accepted ? "accepted" : "rejected");
    } else {
      part.null_field("submit");
    }
    if (!p.error.empty()) part.field("error", p.error);
    if (p.stat) {
      part.field("delivery", domain::to_smpp(*p.stat));
    } else {
      part.null_field("delivery");
    }
    part.field("submitted_at_ms", p.submitted_at_ms).field("reported_at_ms", p.reported_at_ms);
    if (i > 0) parts += ',';
    parts += part.finish();
  }
  parts += ']';
  std::string history = "[";
  for (std::size_t i = 0; i < m.history.size(); ++i) {
    const auto& h = m.history[i];
    JsonWriter change(80);
    change.field("state", domain::to_string(h.state)).field("at_ms", h.at_ms);
    if (!h.reason.empty()) change.field("reason", h.reason);
    if (i > 0) history += ',';
    history += change.finish();
  }
  history += ']';
  JsonWriter j(parts.size() + history.size() + (m.message ? m.message->text.size() : 0) + 256);
  j.field("type", "message_state")
      .field("message_id", m.id)
      .field("state", domain::to_string(*m.state()))
      .field("total_parts", m.total_parts)
      .raw_field("parts", parts)
      .raw_field("history", history)
      .field("updated_at_ms", updated_at_ms);
  if (m.message) {
    j.field("campaign_id", m.message->campaign_id)
        .field("number", m.message->number)
        .field("text", m.message->text)
        .field("encoding", m.message->encoding);
  }
  return j.finish();
}

LifecycleSummary decode_lifecycle_summary(std::string_view text) {
  const object j = parse(text, "message state", kMaxLifecycleBytes);
  LifecycleSummary s;
  s.id = string_field(j, "message_id");
  const auto state = domain::parse_message_state(string_field(j, "state"));
  if (!state) throw DecodeError("field 'state' is not a known message state");
  s.state = *state;
  s.total_parts = parts_field(j, "total_parts");
  return s;
}

std::string encode_heartbeat(const Heartbeat& h) {
  std::string partitions = "[";
  for (std::size_t i = 0; i < h.partitions.size(); ++i) {
    if (i > 0) partitions += ',';
    partitions += std::to_string(h.partitions[i]);
  }
  partitions += ']';
  return JsonWriter(400)
      .field("type", "heartbeat")
      .field("sender_id", h.settings.sender_id)
      .raw_field("settings", settings_json(h.settings))
      .raw_field("partitions", partitions)
      .field("at_ms", h.at_ms)
      .field("leaving", h.leaving)
      .finish();
}

std::string_view record_type_hint(std::string_view text) {
  constexpr std::string_view prefix = R"({"type":")";
  if (text.substr(0, prefix.size()) != prefix) return {};
  const auto rest = text.substr(prefix.size());
  const auto end = rest.find('"');
  // Type names are short lowercase words; anything else is left to the parser.
  if (end == std::string_view::npos || end == 0 || end > 32) return {};
  for (const char c : rest.substr(0, end)) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return {};
  }
  return rest.substr(0, end);
}

StatusTopicRecord decode_status_topic_record(std::string_view text) {
  const object j = parse(text, "status");
  if (!contains(j, "type") && contains(j, "success_count")) {
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
    if (const auto submit = find(j, "submit"); submit && !submit->is_null()) {
      object fields;
      if (submit->get_object().get(fields) != simdjson::SUCCESS) throw DecodeError("field 'submit' must be an object");
      domain::PartSubmit final_submit;
      final_submit.message_id = s.report.message_id;
      final_submit.sender_id = s.report.sender_id;
      try {
        read_submit_fields(fields, final_submit);
      } catch (const DecodeError& e) {
        throw DecodeError(fmt::format("in 'submit': {}", e.what()));
      }
      s.final_submit = std::move(final_submit);
    }
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
    read_submit_fields(j, r.submit);
    return r;
  }
  if (type == "heartbeat") {
    Heartbeat h;
    object settings;
    if (field(j, "settings").get_object().get(settings) != simdjson::SUCCESS) {
      throw DecodeError("field 'settings' must be an object");
    }
    h.settings = settings_from(settings);
    simdjson::dom::array partitions;
    if (field(j, "partitions").get_array().get(partitions) != simdjson::SUCCESS) {
      throw DecodeError("field 'partitions' must be an array");
    }
    for (const element p : partitions) {
      std::int64_t n = -1;
      if (p.type() != element_type::INT64 || p.get_int64().get(n) != simdjson::SUCCESS || n < 0 || n > 1'000'000) {
        throw DecodeError("field 'partitions' must hold partition numbers");
      }
      h.partitions.push_back(static_cast<std::int32_t>(n));
    }
    h.at_ms = int_field(j, "at_ms", 0);
    const auto leaving = find(j, "leaving");
    if (leaving && !leaving->is_bool()) throw DecodeError("field 'leaving' must be true or false");
    h.leaving = leaving && leaving->get_bool().value_unsafe();
    return h;
  }
  throw DecodeError(fmt::format("field 'type' has unknown value '{}'", type));
}

}  // namespace smsim::records
