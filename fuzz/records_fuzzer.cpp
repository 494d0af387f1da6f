// Fuzzes the Kafka record decoders of src/records/records.hpp with arbitrary record values.
//
// Invariants (docs/fuzzing.md):
//  - a decoder either returns or throws smsim::InvalidArgument (records::DecodeError derives from
//    it); any other exception, a crash, UB or a leak is a finding;
//  - whatever decodes re-encodes (encode_*) without throwing, and the encoding decodes again to the
//    same value: the fields the encoder writes survive a round trip (fields an encoder deliberately
//    leaves out, such as a submit's error when it was accepted, are not compared);
//  - to_part_report() of a decoded delivery report throws only InvalidArgument, and on success
//    carries the report's fields and what parse_receipt() read from its receipt.
//
// Every input is offered to all five decoders: they share the JSON parser and the field helpers,
// and the seed corpus holds one example of each record type.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "domain/smpp_receipt.hpp"
#include "fuzz_support.hpp"
#include "records/records.hpp"

namespace {

using namespace smsim;
namespace rec = smsim::records;

// Records above this are rejected by the decoders before parsing (records.cpp, kMaxRecordBytes). An
// encoding can come out a few bytes longer than the input it was decoded from (defaults written
// out, "1e300" becoming "1e+300"), so a round trip is only checked below it.
constexpr std::size_t kMaxRecordBytes = 64 * 1024;

template <class F>
auto decode_or_nothing(F&& decode) -> std::optional<decltype(decode())> {
  try {
    return decode();
  } catch (const InvalidArgument&) {
    return std::nullopt;  // the documented way to reject a record
  }
}

bool same(const domain::SmsMessage& a, const domain::SmsMessage& b) {
  return a.id == b.id && a.campaign_id == b.campaign_id && a.index == b.index && a.number == b.number &&
         a.content == b.content;
}

void check_message(const rec::MessageRecord& m) {
  const std::string encoded = rec::encode_message(m.message, m.produced_at_ms);
  if (encoded.size() > kMaxRecordBytes) return;
  const auto again = rec::decode_message(encoded);
  FUZZ_CHECK(same(again.message, m.message) && again.produced_at_ms == m.produced_at_ms,
             "message record changed in a round trip: " + encoded);
}

void check_campaign(const rec::CampaignRecord& record) {
  if (const auto* spec = std::get_if<rec::CampaignSpec>(&record)) {
    FUZZ_CHECK(!spec->campaign_id.empty(), "campaign spec with an empty id");
    FUZZ_CHECK(1 <= spec->generator.min_length && spec->generator.min_length <= spec->generator.max_length &&
                   spec->generator.max_length <= domain::kMaxMessageLength,
               "campaign spec with invalid generator settings");
    FUZZ_CHECK(!spec->single || spec->count == 1, "single-message campaign with count != 1");
    const std::string encoded = rec::encode_campaign(*spec);
    if (encoded.size() > kMaxRecordBytes) return;
    const auto again = rec::decode_campaign_record(encoded);
    const auto* s = std::get_if<rec::CampaignSpec>(&again);
    FUZZ_CHECK(s != nullptr, "campaign spec re-decoded as another type: " + encoded);
    FUZZ_CHECK(s->campaign_id == spec->campaign_id && s->count == spec->count && s->seed == spec->seed &&
                   s->generator.min_length == spec->generator.min_length &&
                   s->generator.max_length == spec->generator.max_length &&
                   s->generator.alphabet == spec->generator.alphabet && s->created_at_ms == spec->created_at_ms &&
                   s->single == spec->single,
               "campaign spec changed in a round trip: " + encoded);
    return;
  }
  const auto& progress = std::get<rec::CampaignProgress>(record);
  const std::string encoded = rec::encode_progress(progress);
  if (encoded.size() > kMaxRecordBytes) return;
  const auto again = rec::decode_campaign_record(encoded);
  const auto* p = std::get_if<rec::CampaignProgress>(&again);
  FUZZ_CHECK(p != nullptr, "campaign progress re-decoded as another type: " + encoded);
  FUZZ_CHECK(p->campaign_id == progress.campaign_id && p->published == progress.published && p->at_ms == progress.at_ms,
             "campaign progress changed in a round trip: " + encoded);
  // The key helper must accept any id a record carries.
  FUZZ_CHECK(rec::progress_key(progress.campaign_id).size() == progress.campaign_id.size() + 9, "progress_key length");
}

bool same(const domain::SenderSettingsInfo& a, const domain::SenderSettingsInfo& b) {
  return a.sender_id == b.sender_id && a.program == b.program && a.distribution == b.distribution &&
         a.mean_s == b.mean_s && a.stddev_s == b.stddev_s && a.failure_rate == b.failure_rate && a.window == b.window;
}

void check_status_topic(const rec::StatusTopicRecord& record) {
  std::string encoded;
  if (const auto* s = std::get_if<rec::StatusRecord>(&record)) {
    encoded = rec::encode_status(*s);
    if (encoded.size() > kMaxRecordBytes) return;
    const auto again = rec::decode_status_topic_record(encoded);
    const auto* t = std::get_if<rec::StatusRecord>(&again);
    FUZZ_CHECK(t != nullptr, "status record re-decoded as another type: " + encoded);
    // processing_time travels as seconds in a double: allow the nanosecond it may lose.
    const auto drift = (t->report.processing_time - s->report.processing_time).count();
    FUZZ_CHECK(t->report.message_id == s->report.message_id && t->report.sender_id == s->report.sender_id &&
                   t->report.outcome == s->report.outcome && drift >= -1 && drift <= 1 &&
                   t->report.produced_at_ms == s->report.produced_at_ms &&
                   t->report.finished_at_ms == s->report.finished_at_ms && t->report.error == s->report.error &&
                   t->partition == s->partition && t->offset == s->offset,
               "status record changed in a round trip: " + encoded);
    FUZZ_CHECK(t->final_submit.has_value() == s->final_submit.has_value(),
               "status record's submit appeared or vanished in a round trip: " + encoded);
    if (s->final_submit) {
      const auto& a = *s->final_submit;
      const auto& b = *t->final_submit;
      FUZZ_CHECK(a.message_id == b.message_id && a.sender_id == b.sender_id && a.part == b.part &&
                     a.total_parts == b.total_parts && a.accepted == b.accepted && a.at_ms == b.at_ms &&
                     (a.accepted ? a.supplier_id == b.supplier_id : a.error == b.error),
                 "status record's submit changed in a round trip: " + encoded);
    }
  } else if (const auto* h = std::get_if<rec::Heartbeat>(&record)) {
    encoded = rec::encode_heartbeat(*h);
    if (encoded.size() > kMaxRecordBytes) return;
    const auto again = rec::decode_status_topic_record(encoded);
    const auto* g = std::get_if<rec::Heartbeat>(&again);
    FUZZ_CHECK(g != nullptr, "heartbeat re-decoded as another type: " + encoded);
    FUZZ_CHECK(same(g->settings, h->settings) && g->partitions == h->partitions && g->at_ms == h->at_ms &&
                   g->leaving == h->leaving,
               "heartbeat changed in a round trip: " + encoded);
  } else if (const auto* d = std::get_if<rec::DispatchedRecord>(&record)) {
    encoded = rec::encode_dispatched(d->message);
    if (encoded.size() > kMaxRecordBytes) return;
    const auto again = rec::decode_status_topic_record(encoded);
    const auto* e = std::get_if<rec::DispatchedRecord>(&again);
    FUZZ_CHECK(e != nullptr, "dispatched record re-decoded as another type: " + encoded);
    const auto& a = d->message;
    const auto& b = e->message;
    FUZZ_CHECK(a.id == b.id && a.campaign_id == b.campaign_id && a.number == b.number && a.text == b.text &&
                   a.encoding == b.encoding && a.total_parts == b.total_parts && a.created_at_ms == b.created_at_ms,
               "dispatched record changed in a round trip: " + encoded);
  } else if (const auto* r = std::get_if<rec::SubmitRecord>(&record)) {
    encoded = rec::encode_submit(r->submit);
    if (encoded.size() > kMaxRecordBytes) return;
    const auto again = rec::decode_status_topic_record(encoded);
    const auto* q = std::get_if<rec::SubmitRecord>(&again);
    FUZZ_CHECK(q != nullptr, "submit record re-decoded as another type: " + encoded);
    const auto& a = r->submit;
    const auto& b = q->submit;
    // The encoder writes supplier_message_id only for an accepted part and error only for a
    // rejected one: compare what it writes.
    FUZZ_CHECK(a.message_id == b.message_id && a.sender_id == b.sender_id && a.part == b.part &&
                   a.total_parts == b.total_parts && a.accepted == b.accepted && a.at_ms == b.at_ms &&
                   (a.accepted ? a.supplier_id == b.supplier_id : a.error == b.error),
               "submit record changed in a round trip: " + encoded);
  }
  // LegacyCounters: the original exercise's format, read-only (smsim has no encoder for it).
}

void check_delivery_report(const rec::DeliveryReportRecord& report) {
  FUZZ_CHECK(1 <= report.part && report.part <= report.total_parts && report.total_parts <= 255,
             "delivery report with parts out of range");
  const std::string encoded = rec::encode_delivery_report(report);
  if (encoded.size() <= kMaxRecordBytes) {
    const auto again = rec::decode_delivery_report(encoded);
    FUZZ_CHECK(again.message_id == report.message_id && again.part == report.part &&
                   again.total_parts == report.total_parts && again.receipt == report.receipt &&
                   again.at_ms == report.at_ms,
               "delivery report changed in a round trip: " + encoded);
  }
  const auto part = decode_or_nothing([&] { return rec::to_part_report(report); });
  if (!part) return;
  const auto receipt = domain::parse_receipt(report.receipt);  // accepted just above: must not throw now
  FUZZ_CHECK(part->message_id == report.message_id && part->part == report.part &&
                 part->total_parts == report.total_parts && part->supplier_id == receipt.supplier_message_id &&
                 part->stat == receipt.stat && part->at_ms == (report.at_ms != 0 ? report.at_ms : receipt.done_date_ms),
             "to_part_report does not carry the report and its receipt");
}

void check_lifecycle_summary(const rec::LifecycleSummary& summary) {
  FUZZ_CHECK(!summary.id.empty() && 1 <= summary.total_parts && summary.total_parts <= 255,
             "lifecycle summary out of range");
  // The summary is what the gateway reads from a full lifecycle: write one that says as much.
  domain::MessageLifecycle lifecycle;
  lifecycle.id = summary.id;
  lifecycle.total_parts = summary.total_parts;
  lifecycle.history.push_back({summary.state, 0, {}});
  const std::string encoded = rec::encode_lifecycle(lifecycle, 0);
  if (encoded.size() > kMaxRecordBytes) return;
  const auto again = rec::decode_lifecycle_summary(encoded);
  FUZZ_CHECK(again.id == summary.id && again.state == summary.state && again.total_parts == summary.total_parts,
             "lifecycle summary changed in a round trip: " + encoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = smsim::fuzz::as_text(data, size);

  // Decoding may throw InvalidArgument (caught in decode_or_nothing); the checks run outside any
  // try block, so anything they throw - re-encoding, re-decoding - terminates and is reported.
  if (const auto m = decode_or_nothing([&] { return rec::decode_message(text); })) check_message(*m);
  if (const auto c = decode_or_nothing([&] { return rec::decode_campaign_record(text); })) check_campaign(*c);
  if (const auto s = decode_or_nothing([&] { return rec::decode_status_topic_record(text); })) check_status_topic(*s);
  if (const auto d = decode_or_nothing([&] { return rec::decode_delivery_report(text); })) check_delivery_report(*d);
  if (const auto l = decode_or_nothing([&] { return rec::decode_lifecycle_summary(text); })) check_lifecycle_summary(*l);
  return 0;
}
