#pragma once
// A write-behind buffer in front of a compacted topic: the latest unpublished value of each changed
// key, drained in the order keys first changed. A later change of a key replaces its earlier value,
// so a key that changes several times between drains is published once, with its newest value (as
// Kafka Streams' record cache does in front of a changelog). The tracker uses it so that a message
// going PENDING then SENT a few ms later costs one message-status record.
//
// Not thread-safe: one owner.
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace smsim::domain {

template <typename Value>
class WriteBehind {
 public:
  void put(const std::string& key, Value value) {
    auto [it, inserted] = latest_.try_emplace(key);
    if (inserted) order_.push_back(key);
    it->second = std::move(value);
  }
  std::size_t size() const { return latest_.size(); }
  bool empty() const { return latest_.empty(); }
  /// Calls publish(key, value) for every buffered key, oldest first change first, and empties the buffer.
  template <typename Publish>
  void drain(Publish&& publish) {
    for (const auto& key : order_) publish(key, latest_.at(key));
    order_.clear();
    latest_.clear();
  }

 private:
  std::unordered_map<std::string, Value> latest_;
  std::vector<std::string> order_;
};

}  // namespace smsim::domain
