#include "smsc/smsc_metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "smpp/pdu.hpp"
#include "smpp/status.hpp"

namespace smsim::smsc {
namespace {

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

std::string command_label(std::uint32_t id) {
  const auto name = smpp::command_name(id);
  return name == "unknown" ? fmt::format("0x{:08X}", id) : std::string(name);
}

}  // namespace

std::uint64_t SmscMetrics::key(Direction d, std::uint32_t command_id, std::uint32_t status) {
  return (std::uint64_t{d == Direction::Sent} << 63) | (std::uint64_t{command_id} << 31) | (status & 0x7FFFFFFFu);
}

void SmscMetrics::pdu(Direction direction, std::uint32_t command_id, std::uint32_t status) {
  ++pdus_[key(direction, command_id, status)];
}

std::uint64_t SmscMetrics::pdus(Direction direction, std::uint32_t command_id, std::uint32_t status) const {
  const auto it = pdus_.find(key(direction, command_id, status));
  return it == pdus_.end() ? 0 : it->second;
}

void SmscMetrics::part(Part kind, bool from_payload) {
  ++parts_[static_cast<std::size_t>(kind)];
  if (from_payload) ++payload_parts_;
}

std::string SmscMetrics::render(const SmscGauges& g) const {
  std::string out;
  family(out, "smsc_sessions", "gauge", "Open SMPP sessions by bind type.");
  for (const auto& [bind, n] : g.sessions) out += fmt::format("smsc_sessions{{bind=\"{}\"}} {}\n", bind, n);
  family(out, "smsc_connections_total", "counter", "TCP connections accepted.");
  out += fmt::format("smsc_connections_total {}\n", connections_);
  family(out, "smsc_sessions_closed_total", "counter", "Sessions closed, by reason.");
  for (const auto& [reason, n] : closed_) out += fmt::format("smsc_sessions_closed_total{{reason=\"{}\"}} {}\n", reason, n);

  family(out, "smsc_pdus_total", "counter", "PDUs received and sent, by command and command_status.");
  std::vector<std::pair<std::string, std::uint64_t>> lines;
  for (const auto& [k, n] : pdus_) {
    const bool sent = (k >> 63) != 0;
    const auto command = static_cast<std::uint32_t>((k >> 31) & 0xFFFFFFFFu);
    const auto status = static_cast<std::uint32_t>(k & 0x7FFFFFFFu);
    lines.emplace_back(fmt::format("smsc_pdus_total{{direction=\"{}\",command=\"{}\",status=\"{}\"}}",
                                   sent ? "sent" : "received", command_label(command), smpp::status::name(status)),
                       n);
  }
  std::sort(lines.begin(), lines.end());
  for (const auto& [line, n] : lines) out += fmt::format("{} {}\n", line, n);

  family(out, "smsc_window_outstanding", "gauge", "submit_sm accepted and not yet answered, over all sessions.");
  out += fmt::format("smsc_window_outstanding {}\n", g.window_outstanding);
  family(out, "smsc_window_limit", "gauge", "submit_sm a session may have awaiting an answer (then ESME_RMSGQFUL).");
  out += fmt::format("smsc_window_limit {}\n", g.window_limit);

  family(out, "smsc_parts_total", "counter", "Accepted submit_sm by how they are concatenated.");
  static constexpr const char* kParts[] = {"single", "udh8", "udh16", "sar"};
  for (std::size_t i = 0; i < parts_.size(); ++i) out += fmt::format("smsc_parts_total{{kind=\"{}\"}} {}\n", kParts[i], parts_[i]);
  family(out, "smsc_message_payload_parts_total", "counter", "Accepted submit_sm whose text came in message_payload.");
  out += fmt::format("smsc_message_payload_parts_total {}\n", payload_parts_);
  family(out, "smsc_concatenated_messages_total", "counter", "Concatenated messages of which every part arrived.");
  out += fmt::format("smsc_concatenated_messages_total {}\n", concatenated_complete_);

  family(out, "smsc_receipts_pending", "gauge",
         "Delivery receipts not yet acknowledged: scheduled (delay running), held (due, no receiver bound or "
         "no room), in_flight (deliver_sm sent, awaiting deliver_sm_resp).");
  out += fmt::format("smsc_receipts_pending{{state=\"scheduled\"}} {}\n", g.receipts_scheduled);
  out += fmt::format("smsc_receipts_pending{{state=\"held\"}} {}\n", g.receipts_held);
  out += fmt::format("smsc_receipts_pending{{state=\"in_flight\"}} {}\n", g.receipts_in_flight);
  family(out, "smsc_receipts_total", "counter",
         "Delivery receipts: scheduled, acknowledged (deliver_sm_resp OK), resent (no answer in time, session "
         "closed, or a temporary error), refused (a permanent error or generic_nack).");
  static constexpr const char* kEvents[] = {"scheduled", "acknowledged", "resent", "refused"};
  for (std::size_t i = 0; i < receipts_.size(); ++i) {
    out += fmt::format("smsc_receipts_total{{event=\"{}\"}} {}\n", kEvents[i], receipts_[i]);
  }
  return out;
}

}  // namespace smsim::smsc
