#pragma once
// What a sender reads from sms-messages: smsim's message records, and records in the original
// exercise's shape (`{"content": "...", "number": "..."}`, no key, no id). The latter get an id
// from where they sit in Kafka, "<topic>/<partition>/<offset>" (domain/record_coordinates.hpp),
// so they are sent, reported and counted like any other message — once, however often they are
// read. Pure: the worker passes the record's value and coordinates.
#include <cstdint>
#include <string_view>

#include "records/records.hpp"

namespace smsim::sender {

/// Decodes a record of the messages topic; throws records::DecodeError for anything that is
/// neither shape (the worker dead-letters it). `derived_id` tells the caller the id was made up.
struct InputMessage {
  records::MessageRecord record;
  bool derived_id = false;
};
InputMessage decode_input(std::string_view value, std::string_view topic, std::int32_t partition, std::int64_t offset);

}  // namespace smsim::sender
