#pragma once
// Where a sender worker's messages go: the supplier that answers each part with a submit response
// (its own message id, or an error) and later reports delivery. Two kinds:
//   SimulatedSupplier  in-process: random send times and failures (the exercise's senders);
//   SmppSupplier       a real SMPP 3.4 session to an SMSC (`smsim sender --smsc`).
// The worker owns the Kafka side (consume, publish, commit after the status is durable,
// heartbeats); the supplier owns everything between "send this message" and "here is its outcome".
//
// Threads: every member is called on the worker's thread. A supplier may use threads of its own
// (SmppSupplier: the program's SMPP I/O thread) but reports only through poll(), on the worker's.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/duration.hpp"
#include "domain/delivery_statistics.hpp"
#include "domain/message_tracker.hpp"
#include "records/records.hpp"

namespace smsim::sender {

using SupplierClock = std::chrono::steady_clock;

/// One whole message to send.
struct OutgoingMessage {
  std::uint64_t ticket = 0;  // the worker's handle; comes back with every event about it
  std::string message_id, number, text;
  int total_parts = 1;
};

/// How a whole message ended at the supplier.
struct MessageResult {
  domain::Outcome outcome = domain::Outcome::Sent;
  Duration processing_time{};  // the supplier's time for it (SMPP: first submit_sm sent -> last answer)
  std::string error;           // when failed
  domain::PartSubmit final_submit;  // the answer that finished it
  std::vector<std::string> supplier_ids;  // of the accepted parts, in part order
};

/// What a supplier reports; implemented by the worker, which turns each into a Kafka record.
class SupplierEvents {
 public:
  virtual ~SupplierEvents() = default;
  /// A part's submit response that does not finish its message.
  virtual void part_answered(std::uint64_t ticket, const domain::PartSubmit& submit) = 0;
  /// The answer that finishes the message (its last part answered, or the simulated supplier's
  /// first rejection).
  virtual void message_finished(std::uint64_t ticket, MessageResult result) = 0;
  /// A delivery report. `ack` is 0 when nothing waits for it; otherwise the supplier wants
  /// receipt_stored(ack) once the report is durable in Kafka.
  virtual void delivery_report(const records::DeliveryReportRecord& report, std::uint64_t ack) = 0;
};

class Supplier {
 public:
  virtual ~Supplier() = default;
  /// Whether another message may be submitted now (the window).
  virtual bool has_room() const = 0;
  virtual void submit(OutgoingMessage message) = 0;
  /// Reports what is ready; never blocks.
  virtual void poll(SupplierEvents& events) = 0;
  /// When poll() will next have something because of a timer (time_point::max() if only an
  /// outside event, which wakes the worker itself, can bring something).
  virtual SupplierClock::time_point next_due() const = 0;
  /// Waits until `until` or until poll() has something.
  virtual void wait_until(SupplierClock::time_point until) = 0;
  /// Nothing submitted is still unanswered.
  virtual bool idle() const = 0;
  virtual void receipt_stored(std::uint64_t ack) = 0;
  /// Clean stop with nothing in flight: hand over whatever is only planned (the simulated
  /// supplier's reports not yet due go out now, early, rather than being lost).
  virtual void flush_reports(SupplierEvents& events) = 0;
  /// What the heartbeat says about the supplier (for SMPP: its session).
  virtual void describe(domain::SenderSettingsInfo& info) const = 0;
  /// From now on, never call the worker's Waker: the worker is closing its consumer (a wake-up
  /// then would cut librdkafka's close short).
  virtual void stop_waking() {}
};

/// The worker registers this with the supplier so that an outside event (a PDU arriving) can
/// cut its wait for Kafka short. Called from the supplier's own thread.
using Waker = std::function<void()>;

}  // namespace smsim::sender
