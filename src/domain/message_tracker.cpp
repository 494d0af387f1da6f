#include "domain/message_tracker.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace smsim::domain {
namespace {
constexpr int kMaxParts = 255;  // a concatenation UDH counts parts in one byte
}  // namespace

std::string_view to_string(MessageState state) {
  switch (state) {
    case MessageState::Pending: return "PENDING";
    case MessageState::Sent: return "SENT";
    case MessageState::Failed: return "FAILED";
    case MessageState::Delivered: return "DELIVERED";
    case MessageState::Undelivered: return "UNDELIVERED";
    case MessageState::Expired: return "EXPIRED";
  }
  return "PENDING";
}

std::optional<MessageState> parse_message_state(std::string_view text) {
  for (auto s : {MessageState::Pending, MessageState::Sent, MessageState::Failed, MessageState::Delivered,
                 MessageState::Undelivered, MessageState::Expired}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

bool is_final(MessageState state) { return state != MessageState::Pending && state != MessageState::Sent; }

MessageLifecycle* MessageTracker::open(const std::string& id) {
  if (finished_.contains(id)) {
    ++ignored_;
    return nullptr;
  }
  auto [it, inserted] = open_.try_emplace(id);
  if (inserted) it->second.id = id;
  return &it->second;
}

bool MessageTracker::set_total_parts(MessageLifecycle& m, int total_parts) {
  if (total_parts < 1 || total_parts > kMaxParts) return false;
  if (m.total_parts == 0) {
    m.total_parts = total_parts;
    m.parts.resize(static_cast<std::size_t>(total_parts));
  }
  return m.total_parts == total_parts;  // disagreeing evidence is ignored
}

std::optional<MessageLifecycle> MessageTracker::on_message(const WholeMessage& message) {
  auto* m = open(message.id);
  if (!m) return std::nullopt;
  if (m->message) {
    ++ignored_;  // a re-published message (after a gateway restart): same id, nothing new
    return std::nullopt;
  }
  if (!set_total_parts(*m, message.total_parts)) {
    ++ignored_;
    return std::nullopt;
  }
  m->message = message;
  return advance(*m);
}

std::optional<MessageLifecycle> MessageTracker::on_submit(const PartSubmit& submit) {
  auto* m = open(submit.message_id);
  if (!m) return std::nullopt;
  if (!set_total_parts(*m, submit.total_parts) || submit.part < 1 || submit.part > m->total_parts) {
    ++ignored_;
    return std::nullopt;
  }
  auto& part = m->parts[static_cast<std::size_t>(submit.part - 1)];
  if (part.accepted.has_value()) {
    ++ignored_;  // duplicate submit response (a sender redid the message after a crash)
    return std::nullopt;
  }
  part.accepted = submit.accepted;
  if (!submit.report_expected) m->report_expected = false;
  part.supplier_id = submit.supplier_id;
  part.error = submit.error;
  part.submitted_at_ms = submit.at_ms;
  return advance(*m);
}

std::optional<MessageLifecycle> MessageTracker::on_report(const PartReport& report) {
  auto* m = open(report.message_id);
  if (!m) return std::nullopt;
  if (!set_total_parts(*m, report.total_parts) || report.part < 1 || report.part > m->total_parts) {
    ++ignored_;
    return std::nullopt;
  }
  auto& part = m->parts[static_cast<std::size_t>(report.part - 1)];
  if (part.stat.has_value() && domain::is_final(*part.stat)) {
    ++ignored_;
    return std::nullopt;
  }
  part.stat = report.stat;
  part.reported_at_ms = report.at_ms;
  if (part.supplier_id.empty()) part.supplier_id = report.supplier_id;  // the report came first
  return advance(*m);
}

std::optional<MessageLifecycle> MessageTracker::advance(MessageLifecycle& m) {
  // No state before the join has its whole message; then move as far as the evidence allows.
  if (!m.message) return std::nullopt;
  const auto before = m.history.size();
  const auto latest_time = [&m](auto member) {
    std::int64_t t = 0;
    for (const auto& p : m.parts) t = std::max(t, p.*member);
    return t;
  };
  if (m.history.empty()) m.history.push_back({MessageState::Pending, m.message->created_at_ms, ""});

  if (m.state() == MessageState::Pending) {
    const auto rejected = std::find_if(m.parts.begin(), m.parts.end(),
                                       [](const PartLifecycle& p) { return p.accepted == false; });
    if (rejected != m.parts.end()) {
      m.history.push_back({MessageState::Failed, rejected->submitted_at_ms,
                           fmt::format("part {} rejected: {}", rejected - m.parts.begin() + 1, rejected->error)});
    } else if (std::all_of(m.parts.begin(), m.parts.end(), [](const PartLifecycle& p) { return p.accepted == true; })) {
      m.history.push_back({MessageState::Sent, latest_time(&PartLifecycle::submitted_at_ms), ""});
    }
  }
  if (m.state() == MessageState::Sent &&
      std::all_of(m.parts.begin(), m.parts.end(),
                  [](const PartLifecycle& p) { return p.stat && domain::is_final(*p.stat); })) {
    const auto any = [&m](std::initializer_list<DeliveryStat> stats) {
      return std::find_if(m.parts.begin(), m.parts.end(), [&](const PartLifecycle& p) {
        return std::find(stats.begin(), stats.end(), *p.stat) != stats.end();
      });
    };
    const auto at = latest_time(&PartLifecycle::reported_at_ms);
    if (auto p = any({DeliveryStat::Undeliverable, DeliveryStat::Rejected, DeliveryStat::Deleted, DeliveryStat::Unknown});
        p != m.parts.end()) {
      m.history.push_back({MessageState::Undelivered, at,
                           fmt::format("part {}: {}", p - m.parts.begin() + 1, to_smpp(*p->stat))});
    } else if (auto e = any({DeliveryStat::Expired}); e != m.parts.end()) {
      m.history.push_back({MessageState::Expired, at, fmt::format("part {}: EXPIRED", e - m.parts.begin() + 1)});
    } else {
      m.history.push_back({MessageState::Delivered, at, ""});
    }
  }
  if (m.history.size() == before) return std::nullopt;
  if (is_final(*m.state()) || (m.state() == MessageState::Sent && !m.report_expected)) {
    finished_.insert(m.id);
    auto node = open_.extract(m.id);  // no longer open: hand the lifecycle over instead of copying it
    return std::move(node.mapped());
  }
  return m;  // a copy: the message stays open
}

const MessageLifecycle* MessageTracker::find(const std::string& id) const {
  const auto it = open_.find(id);
  return it == open_.end() ? nullptr : &it->second;
}

}  // namespace smsim::domain
