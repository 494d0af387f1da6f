#pragma once
// The supplier of `smsim sender --smsc`: each message's parts go as submit_sm over the worker's
// SMPP session (sender/smpp_link.hpp) with the UDH (or sar_* TLVs) and data_coding of their
// encoding; the answers and receipts come back through the link's Inbox. A message is finished when
// every part has its answer (failed if any part was refused); its time runs from its first
// submit_sm sent to its last submit_sm_resp received, across reconnects.
//
// Lifecycle: one per worker; the destructor unbinds the session (waiting up to 2 s). Threads: the
// worker's; it hands work to the link by posting to the program's I/O thread.
#include <map>
#include <memory>
#include <vector>

#include "sender/sender_settings.hpp"
#include "sender/smpp_client_io.hpp"
#include "sender/smpp_link.hpp"
#include "sender/supplier.hpp"

namespace smsim::sender {

class SmppSupplier : public Supplier {
 public:
  SmppSupplier(const SenderSettings& settings, std::string sender_id, SmppClientIo& io, Waker waker);
  ~SmppSupplier() override;

  bool has_room() const override { return parts_in_progress_ < settings_.window; }
  void submit(OutgoingMessage message) override;
  void poll(SupplierEvents& events) override;
  SupplierClock::time_point next_due() const override;
  void wait_until(SupplierClock::time_point until) override;
  bool idle() const override { return progress_.empty() && local_results_.empty(); }
  void receipt_stored(std::uint64_t ack) override { acks_.push_back(ack); }
  void flush_reports(SupplierEvents&) override {}  // the SMSC keeps receipts until they are acknowledged
  void describe(domain::SenderSettingsInfo& info) const override;
  void stop_waking() override { inbox_->detach(); }

 private:
  struct Progress {
    std::string message_id;
    int total_parts = 1, answered = 0;
    std::vector<std::string> supplier_ids;  // by part; empty until accepted
    std::string error;                      // of the first refused part
    SupplierClock::time_point first_sent = SupplierClock::time_point::max(), last_answer{};
  };
  void answer(const PartAnswer& answer, SupplierEvents& events);
  void send_to_link();

  const SenderSettings& settings_;
  const SmppSettings& smpp_;
  std::string sender_id_;
  SmppClientIo& io_;
  std::shared_ptr<Inbox> inbox_;
  std::shared_ptr<SmppLink> link_;
  std::map<std::uint64_t, Progress> progress_;
  int parts_in_progress_ = 0;
  std::uint16_t reference_ = 0;
  std::vector<PartJob> batch_;        // parts not yet handed to the link
  std::vector<std::uint64_t> acks_;   // receipts now durable, to acknowledge
  std::vector<std::pair<std::uint64_t, MessageResult>> local_results_;  // refused before sending
  std::vector<PartAnswer> answers_;
  std::vector<ReceiptEvent> receipts_;
};

}  // namespace smsim::sender
