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
#include "records/records.hpp"

namespace smsim::gateway {

/// An HTTP answer rendered by a view: status code and JSON body.
struct ViewReply {
  int status = 200;
  std::string body;
};

class MessageStateView {
 public:
  explicit MessageStateView(std::size_t cache_size = 20'000) : cache_size_(cache_size) {}

  /// A campaign (or a single message) was accepted: each of its messages answers state ACCEPTED
  /// until the tracker publishes its first state. Called before the 202, and for every stored
  /// campaign at start.
  void on_accepted(const records::CampaignSpec& spec);
  /// GET /api/messages/{id}: the latest lifecycle; for a message older than the lookup cache its
  /// latest state; ACCEPTED for an accepted message with no state yet; 404 only for an id that
  /// was never accepted.
  ViewReply lookup(const std::string& message_id) const;

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
  struct Accepted {
    std::uint64_t count = 0;
    std::int64_t created_at_ms = 0;
    std::optional<std::pair<std::string, std::string>> single;  // (to, text)
  };
  std::unordered_map<std::string, Accepted> accepted_;  // by campaign id
};

}  // namespace smsim::gateway
