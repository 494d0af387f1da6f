#pragma once
// The SMSC simulator's counters, rendered as Prometheus text on its /metrics port. Gauges
// (sessions, window occupancy, receipts pending) are read from the server when rendering.
//
// Threads: the SMSC's single I/O thread owns it (counting and rendering both happen there).
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

namespace smsim::smsc {

struct SmscGauges {
  std::map<std::string, std::uint64_t> sessions;  // by bind: transmitter, receiver, transceiver, unbound
  std::uint64_t window_outstanding = 0;           // submit_sm awaiting their response, all sessions
  std::uint64_t window_limit = 0;                 // per session
  std::uint64_t receipts_scheduled = 0, receipts_held = 0, receipts_in_flight = 0;
};

class SmscMetrics {
 public:
  enum class Direction { Received, Sent };
  enum class Part { Single, Udh8, Udh16, Sar };
  enum class ReceiptEvent { Scheduled, Acknowledged, Resent, Refused };

  void pdu(Direction direction, std::uint32_t command_id, std::uint32_t status);
  void part(Part kind, bool from_payload);
  void concatenated_complete() { ++concatenated_complete_; }
  void receipt(ReceiptEvent event) { ++receipts_[static_cast<std::size_t>(event)]; }
  void session_closed(const std::string& reason) { ++closed_[reason]; }
  void connection_accepted() { ++connections_; }

  std::uint64_t pdus(Direction direction, std::uint32_t command_id, std::uint32_t status) const;
  std::string render(const SmscGauges& gauges) const;

 private:
  static std::uint64_t key(Direction d, std::uint32_t command_id, std::uint32_t status);
  std::unordered_map<std::uint64_t, std::uint64_t> pdus_;
  std::array<std::uint64_t, 4> parts_{};
  std::uint64_t payload_parts_ = 0, concatenated_complete_ = 0, connections_ = 0;
  std::array<std::uint64_t, 4> receipts_{};
  std::map<std::string, std::uint64_t> closed_;
};

}  // namespace smsim::smsc
