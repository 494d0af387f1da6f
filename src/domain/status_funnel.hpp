#pragma once
// Counts whole messages by their latest state (the funnel the monitor shows), from the
// message-status records, exactly: each message is counted in one state only, and a record that
// would move a message backwards (a replayed PENDING after SENT) is ignored. One byte per campaign
// message (growing with the highest index seen), a hash map for other ids.
//
// Not thread-safe: its owner locks.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/message_tracker.hpp"

namespace smsim::domain {

class StatusFunnel {
 public:
  /// Returns true if the message moved to a new state.
  bool apply(const std::string& message_id, MessageState state, int total_parts);
  /// The latest state of one message, if it has one.
  std::optional<MessageState> state_of(const std::string& message_id) const;
  std::uint64_t count(MessageState state) const { return counts_[static_cast<std::size_t>(state)]; }
  std::uint64_t messages() const { return messages_; }
  /// Messages by number of parts (first time each message is seen).
  const std::map<int, std::uint64_t>& parts_histogram() const { return parts_; }

 private:
  std::uint8_t& slot(const std::string& message_id);
  std::array<std::uint64_t, 6> counts_{};
  std::uint64_t messages_ = 0;
  std::map<int, std::uint64_t> parts_;
  std::unordered_map<std::string, std::vector<std::uint8_t>> campaigns_;  // 0: unseen, else state + 1
  std::unordered_map<std::string, std::uint8_t> others_;
};

}  // namespace smsim::domain
