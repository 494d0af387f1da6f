#pragma once
// A set of message ids that costs one bit per message for campaign ids ("<campaign>:<index>"),
// growing with the highest index seen, and falls back to a hash set for any other id. Used to
// remember which messages are finished without keeping them.
//
// Not thread-safe: its owner serialises access.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace smsim::domain {

class MessageIdSet {
 public:
  /// Returns true if the id was not in the set.
  bool insert(const std::string& message_id);
  bool contains(const std::string& message_id) const;
  std::size_t size() const { return size_; }

 private:
  std::unordered_map<std::string, std::vector<std::uint64_t>> bitmaps_;  // campaign -> bits by index
  std::unordered_set<std::string> others_;
  std::size_t size_ = 0;
};

}  // namespace smsim::domain
