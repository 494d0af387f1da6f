#pragma once
// The gateway's read side of message-status: the funnel (messages by latest state, parts per
// message) and the latest lifecycle of recent messages for GET /api/messages/{id}.
//
// Threads: fed by the status listener thread, read by HTTP threads; one mutex. Memory: the funnel
// costs a byte per message; the lifecycle cache keeps the newest `cache_size` messages
// (about 1 KB each).
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>

#include "domain/status_funnel.hpp"

namespace smsim::gateway {

class MessageStateView {
 public:
  explicit MessageStateView(std::size_t cache_size = 20'000) : cache_size_(cache_size) {}

  /// One message-status record (its JSON text). Throws records::DecodeError if malformed.
  void on_record(std::string_view json_text);
  std::optional<std::string> lifecycle(const std::string& message_id) const;
  nlohmann::json funnel_json() const;

 private:
  mutable std::mutex mutex_;
  domain::StatusFunnel funnel_;
  std::size_t cache_size_;
  std::unordered_map<std::string, std::string> latest_;
  std::deque<std::string> order_;  // insertion order, for eviction
};

}  // namespace smsim::gateway
