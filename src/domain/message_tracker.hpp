#pragma once
// The aggregate-and-join of the gateway write-up, as a pure state machine.
//
// A whole message is the business entity; its parts are how it travels. The tracker collects,
// per whole message id, the whole message itself (from the dispatcher), one submit response per
// part (from the sender: accepted with a supplier id, or rejected) and one delivery report per part
// (from the supplier). Arrival order is free: parts before the message, reports before their
// submit response, duplicates of anything. Whenever the evidence moves the whole message forward,
// it returns the message's new lifecycle to publish (to the compacted `message-status` topic):
//
//   PENDING   the whole message is known (the join has its left side)
//   SENT      every part accepted            FAILED       a part rejected (final)
//   DELIVERED every part delivered (final)   UNDELIVERED  a part undeliverable or rejected (final)
//                                            EXPIRED      a part expired, none undeliverable (final)
//
// When the supplier sends no delivery reports (a submit response says so), SENT is final too.
// Memory is bounded by the messages not yet final: a final message is dropped and only its id is
// remembered (one bit per campaign message), so late duplicates are recognised and ignored.
//
// Not thread-safe: one tracker per consumer thread (it owns a set of partitions).
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/message_id_set.hpp"
#include "domain/smpp_receipt.hpp"

namespace smsim::domain {

enum class MessageState { Pending, Sent, Failed, Delivered, Undelivered, Expired };
std::string_view to_string(MessageState state);  // "PENDING", "SENT", ...
std::optional<MessageState> parse_message_state(std::string_view text);
bool is_final(MessageState state);

struct WholeMessage {
  std::string id, campaign_id, number, text, encoding;
  int total_parts = 1;
  std::int64_t created_at_ms = 0;
};

struct PartSubmit {
  std::string message_id, sender_id;
  int part = 1, total_parts = 1;  // part is 1-based
  bool accepted = true;
  std::string supplier_id;        // when accepted
  std::string error;              // when rejected
  std::int64_t at_ms = 0;
  bool report_expected = true;    // false: the supplier sends no delivery reports, SENT is final
};

struct PartReport {
  std::string message_id;
  int part = 1, total_parts = 1;
  std::string supplier_id;
  DeliveryStat stat = DeliveryStat::Delivered;
  std::int64_t at_ms = 0;
};

struct PartLifecycle {
  std::optional<bool> accepted;
  std::string supplier_id, error;
  std::optional<DeliveryStat> stat;
  std::int64_t submitted_at_ms = 0, reported_at_ms = 0;
};

struct StateChange {
  MessageState state;
  std::int64_t at_ms = 0;
  std::string reason;
};

struct MessageLifecycle {
  std::optional<WholeMessage> message;
  std::string id;
  int total_parts = 0;                 // 0 until the message or a part says
  std::vector<PartLifecycle> parts;    // index part-1
  std::vector<StateChange> history;    // oldest first
  bool report_expected = true;
  std::optional<MessageState> state() const {
    return history.empty() ? std::nullopt : std::optional(history.back().state);
  }
};

class MessageTracker {
 public:
  /// Each returns the lifecycle when the whole message's state changed (publish it), else nullopt.
  std::optional<MessageLifecycle> on_message(const WholeMessage& message);
  std::optional<MessageLifecycle> on_submit(const PartSubmit& submit);
  std::optional<MessageLifecycle> on_report(const PartReport& report);

  std::size_t in_flight() const { return open_.size(); }       // messages not final
  std::uint64_t finished() const { return finished_.size(); }
  std::uint64_t ignored() const { return ignored_; }            // inputs about final messages, duplicates

  /// A message still open (for lookups by the gateway); nullptr if unknown or final.
  const MessageLifecycle* find(const std::string& id) const;

 private:
  MessageLifecycle* open(const std::string& id);
  bool set_total_parts(MessageLifecycle& m, int total_parts);
  std::optional<MessageLifecycle> advance(MessageLifecycle& m);

  std::unordered_map<std::string, MessageLifecycle> open_;
  MessageIdSet finished_;
  std::uint64_t ignored_ = 0;
};

}  // namespace smsim::domain
