#pragma once
// The JSON record values smsim writes to and reads from Kafka: the contract between the gateway,
// the senders and any outside consumer. Pure (no Kafka): every decoder validates types and
// required fields and throws DecodeError naming the field, so a poison record is reported, never
// half-read. The formats are documented in docs/records.md.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/error.hpp"
#include "domain/delivery_statistics.hpp"
#include "domain/message_generator.hpp"
#include "domain/message_tracker.hpp"

namespace smsim::records {

class DecodeError : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

// --- sms-messages: one whole message to send (key: message id) --------------------------------
/// Carries the original exercise's fields "content" and "number", so its consumers can read ours.
struct MessageRecord {
  domain::SmsMessage message;
  std::int64_t produced_at_ms = 0;  // when the gateway published it (end-to-end latency starts here)
};
std::string encode_message(const domain::SmsMessage& message, std::int64_t produced_at_ms);
MessageRecord decode_message(std::string_view json);
/// decode_message, or the original exercise's shape: no "id" (nor "campaign_id"/"index"), just
/// "number" and "content". Then `original_shape` is true and the id is left empty for the caller
/// to derive (sender/input_records.hpp).
struct DecodedMessage {
  MessageRecord record;
  bool original_shape = false;
};
DecodedMessage decode_message_or_original(std::string_view json);

// --- sms-campaigns: what the gateway accepted, and how far it has published it ----------------
/// Key: campaign id. Recorded (acks=all) before POST /produce-messages answers, so an accepted
/// campaign survives a gateway crash: its messages are a pure function of (id, seed, index).
struct CampaignSpec {
  std::string campaign_id;
  std::uint64_t count = 0;
  std::uint64_t seed = 0;
  domain::GeneratorSettings generator;
  std::int64_t created_at_ms = 0;
  double rate_per_second = 0;  // publishing pace; 0: unpaced
  /// POST /api/messages: a campaign of one message with a given recipient and text.
  std::optional<std::pair<std::string, std::string>> single;  // (to, text)
};
/// Message `index` of the campaign: generated, or the given one for a single message.
domain::SmsMessage message_at(const CampaignSpec& spec, const domain::MessageGenerator& generator, std::uint64_t index);
/// Key: "<campaign id>/progress". Every message below `published` is durable in sms-messages.
struct CampaignProgress {
  std::string campaign_id;
  std::uint64_t published = 0;
  std::int64_t at_ms = 0;
};
using CampaignRecord = std::variant<CampaignSpec, CampaignProgress>;
std::string encode_campaign(const CampaignSpec& spec);
std::string encode_progress(const CampaignProgress& progress);
std::string progress_key(std::string_view campaign_id);
CampaignRecord decode_campaign_record(std::string_view json);

// --- sender-status-updates ---------------------------------------------------------------------
/// One finished message (key: message id). partition/offset say where the sender read it, which
/// lets the dispatcher know whose queue just got shorter.
struct StatusRecord {
  domain::StatusReport report;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  /// The submit response of the part that finished the message (the last part, or the rejected
  /// one), carried here instead of in a record of its own: one record less per message on the
  /// hottest topic. Its message_id and sender_id are the status's own.
  std::optional<domain::PartSubmit> final_submit;
};
/// A sender announcing itself (key: sender id): settings, owned partitions, liveness. Sent on every
/// assignment change, every second, and with leaving=true on a clean shutdown.
struct Heartbeat {
  domain::SenderSettingsInfo settings;
  std::vector<std::int32_t> partitions;
  std::int64_t at_ms = 0;
  bool leaving = false;
};
/// The whole message as the dispatcher published it (key: message id): the left side of the
/// tracker's join, on the same topic and partition as the message's submit responses.
struct DispatchedRecord {
  domain::WholeMessage message;
};
/// One part's submit response from the supplier (key: whole message id).
struct SubmitRecord {
  domain::PartSubmit submit;
};
using StatusTopicRecord = std::variant<StatusRecord, domain::LegacyCounters, Heartbeat, DispatchedRecord, SubmitRecord>;
std::string encode_status(const StatusRecord& status);
std::string encode_heartbeat(const Heartbeat& heartbeat);
std::string encode_dispatched(const domain::WholeMessage& message);
std::string encode_submit(const domain::PartSubmit& submit);
/// Header on a legacy record that repeats, as counts, what a sender's per-message statuses already
/// say (`smsim sender --legacy-status`); its value is the topic of those statuses. smsim's gateway
/// skips such records, so each message counts once, by id (docs/design.md).
inline constexpr const char* kLegacyMirrorHeader = "smsim-legacy-mirror";
/// The original exercise's cumulative record, exactly its four fields (counts as integers, the time
/// as a number): what the original producer service reads and sums (`smsim sender --legacy-status`).
std::string encode_legacy(const domain::LegacyCounters& counters);
/// The record type our encoders wrote, read from the value's first bytes without parsing it:
/// every encoder writes `{"type":"<type>"` first. A reader that needs only some types skips the
/// others with this (the status topic carries four kinds, and each reader wants two). An empty
/// result means "not known from the prefix" (another producer, another key order, the legacy shape):
/// decode it in full.
std::string_view record_type_hint(std::string_view json);
/// Accepts our typed records and the original exercise's cumulative shape
/// {"sender_id","success_count","failed_count","total_processing_time"} (the legacy format).
StatusTopicRecord decode_status_topic_record(std::string_view json);

// --- delivery-reports: the supplier's receipt for one part (key: whole message id) ------------
/// `receipt` is SMPP receipt text: "id:<supplier id> sub:001 dlvrd:001 submit date:... stat:DELIVRD err:000".
struct DeliveryReportRecord {
  std::string message_id;
  int part = 1, total_parts = 1;
  std::string receipt;
  std::int64_t at_ms = 0;
};
std::string encode_delivery_report(const DeliveryReportRecord& report);
DeliveryReportRecord decode_delivery_report(std::string_view json);
/// The receipt parsed into the tracker's input; throws DecodeError for a malformed receipt.
domain::PartReport to_part_report(const DeliveryReportRecord& report);

// --- message-status (compacted): the latest lifecycle of each whole message (key: message id) --
std::string encode_lifecycle(const domain::MessageLifecycle& lifecycle, std::int64_t updated_at_ms);
/// Just what the gateway's funnel needs from a message-status record.
struct LifecycleSummary {
  std::string id;
  domain::MessageState state = domain::MessageState::Pending;
  int total_parts = 0;
};
LifecycleSummary decode_lifecycle_summary(std::string_view json);

std::string_view to_string(domain::Outcome outcome);

}  // namespace smsim::records
