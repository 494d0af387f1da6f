#include "sender/legacy_status.hpp"

#include "records/records.hpp"

namespace smsim::sender {

void LegacyStatus::on_finished(domain::Outcome outcome, Duration processing_time) {
  ++(outcome == domain::Outcome::Sent ? counters_.success_count : counters_.failed_count);
  // A true sum (the original wrote last duration x count; readers treat both as cumulative).
  counters_.total_processing_time_s += to_seconds(processing_time);
  changed_ = true;
}

std::string LegacyStatus::take_record() {
  changed_ = false;
  return records::encode_legacy(counters_);
}

}  // namespace smsim::sender
