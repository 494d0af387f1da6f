#pragma once
// `smsim sender --legacy-status`: the cumulative record the original producer service reads.
//
// In that mode a sender writes to the status topic ONLY the original exercise's cumulative record
// (`{"sender_id", "success_count", "failed_count", "total_processing_time"}`, keyed by its sender id),
// and its own records (statuses, submit responses, heartbeats, whole messages) go to smsim's
// topic `smsim-status-updates`, which smsim's gateway and tracker also read. The legacy record
// carries the header records::kLegacyMirrorHeader: it repeats, as counts, what the statuses already say
// message by message, so smsim's gateway skips it and counts every message once, by id.
// (docs/design.md, "Senders behind the original producer service".)
//
// Pure and single-threaded: owned by one SenderWorker.
#include <cstdint>
#include <string>

#include "common/duration.hpp"
#include "domain/delivery_statistics.hpp"

namespace smsim::sender {

class LegacyStatus {
 public:
  explicit LegacyStatus(std::string sender_id) { counters_.sender_id = std::move(sender_id); }

  void on_finished(domain::Outcome outcome, Duration processing_time);
  /// Something new since the last record was taken.
  bool changed() const { return changed_; }
  /// The record to publish now (key: sender_id()); clears changed().
  std::string take_record();
  const std::string& sender_id() const { return counters_.sender_id; }
  const domain::LegacyCounters& counters() const { return counters_; }

 private:
  domain::LegacyCounters counters_;
  bool changed_ = false;
};

}  // namespace smsim::sender
