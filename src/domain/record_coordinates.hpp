#pragma once
// Ids for messages that arrive without one: a record in the original exercise's shape
// (`{"content", "number"}`, no key, no id) is named by where it sits in Kafka,
// "<topic>/<partition>/<offset>" — the same text smsim uses as the key of a dead letter. A record
// has one place, so a sender that reads it twice (after a crash or rebalance) reports the same id,
// and the gateway counts it once. Campaign message ids ("<campaign>:<index>") contain no '/', so
// the two kinds never collide.
#include <cstdint>
#include <string>
#include <string_view>

namespace smsim::domain {

std::string coordinate_id(std::string_view topic, std::int32_t partition, std::int64_t offset);

/// True if the text is exactly "<topic>/<non-negative partition>/<non-negative offset>".
bool is_coordinate_id(std::string_view id);

}  // namespace smsim::domain
