#include "domain/legacy_counters.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace smsim::domain {

LegacyDelta LegacyCounterTrack::apply(const LegacyCounters& record) {
  LegacyDelta delta;
  const bool restarted =
      last_ && (record.success_count < last_->success_count || record.failed_count < last_->failed_count);
  if (restarted) {
    banked_sent_ += last_->success_count;
    banked_failed_ += last_->failed_count;
    banked_time_s_ += last_->total_processing_time_s;
    ++restarts_;
  }
  if (!last_ || restarted) {
    delta = {record.success_count, record.failed_count, 0, restarted};
  } else {
    delta.sent = record.success_count - last_->success_count;
    delta.failed = record.failed_count - last_->failed_count;
  }
  // Each new message gets this record's time per message: never negative.
  if (const std::uint64_t count = record.success_count + record.failed_count; count > 0) {
    delta.processing_s = static_cast<double>(delta.count()) * record.total_processing_time_s / static_cast<double>(count);
  }
  last_ = record;
  return delta;
}

void LegacySquaring::add(const LegacyDelta& delta, const std::string& sender_id, std::int64_t received_at_ms) {
  if (delta.count() == 0) return;  // nothing to square; a time-only change has no messages to carry it
  queue_.push_back({delta, sender_id, received_at_ms});
  waiting_ += delta.count();
}

std::vector<LegacySquaring::Squared> LegacySquaring::square(std::uint64_t headroom) {
  std::vector<Squared> out;
  while (headroom > 0 && !queue_.empty()) {
    Entry& entry = queue_.front();
    const std::uint64_t n = entry.delta.count();
    if (n <= headroom) {
      out.push_back({entry.delta, entry.received_at_ms});
      headroom -= n;
      waiting_ -= n;
      queue_.pop_front();
      continue;
    }
    // Part of this record fits: sent first, then failed; the time in proportion to the messages.
    LegacyDelta part;
    part.sent = std::min(entry.delta.sent, headroom);
    part.failed = std::min(entry.delta.failed, headroom - part.sent);
    const double share = static_cast<double>(part.count()) / static_cast<double>(n);
    part.processing_s = entry.delta.processing_s * share;
    entry.delta.sent -= part.sent;
    entry.delta.failed -= part.failed;
    entry.delta.processing_s -= part.processing_s;
    waiting_ -= part.count();
    out.push_back({part, entry.received_at_ms});
    headroom = 0;
  }
  return out;
}

std::uint64_t LegacySquaring::expire(std::int64_t now_ms) {
  std::uint64_t expired = 0;
  while (!queue_.empty() && now_ms - queue_.front().received_at_ms > grace_ms_) {
    const Entry& entry = queue_.front();
    if (first_anomaly_.empty()) {
      first_anomaly_ = fmt::format(
          "legacy sender '{}' reported {} sent and {} failed that no produced message accounts for "
          "(more finished than produced after {} s); not counted",
          entry.sender_id, entry.delta.sent, entry.delta.failed, grace_ms_ / 1000);
    }
    expired += entry.delta.count();
    waiting_ -= entry.delta.count();
    queue_.pop_front();
  }
  return expired;
}

}  // namespace smsim::domain
