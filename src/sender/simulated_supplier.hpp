#pragma once
// The in-process supplier of the exercise: it "sends" each part of a message one after another,
// each taking a time drawn from the timing model and failing with the failure rate; an accepted
// part gets a random supplier id, and after about --report-delay a delivery report in SMPP receipt
// text. Up to `window` messages are in progress at once; a message keeps its slot until its last
// part is answered or one is rejected.
//
// Lifecycle: one per worker, constructed with the worker's seed. Threads: the worker's only.
#include <queue>
#include <random>
#include <vector>

#include "domain/timing_model.hpp"
#include "sender/sender_settings.hpp"
#include "sender/supplier.hpp"

namespace smsim::sender {

class SimulatedSupplier : public Supplier {
 public:
  SimulatedSupplier(const SenderSettings& settings, std::string sender_id, std::uint64_t seed);

  bool has_room() const override { return static_cast<int>(in_flight_.size()) < settings_.window; }
  void submit(OutgoingMessage message) override;
  void poll(SupplierEvents& events) override;
  SupplierClock::time_point next_due() const override;
  void wait_until(SupplierClock::time_point until) override;
  bool idle() const override { return in_flight_.empty(); }
  void receipt_stored(std::uint64_t) override {}
  void flush_reports(SupplierEvents& events) override;
  void describe(domain::SenderSettingsInfo& info) const override;

 private:
  struct InFlight {
    SupplierClock::time_point done_at;  // when the current part's answer comes back
    OutgoingMessage message;
    int part = 1;
    Duration processing_time{};
    std::vector<std::string> supplier_ids;  // of the parts accepted so far
    std::int64_t submitted_at_ms = 0;
    bool operator>(const InFlight& other) const { return done_at > other.done_at; }
  };
  struct PendingReport {
    SupplierClock::time_point due;
    records::DeliveryReportRecord report;
    bool operator>(const PendingReport& other) const { return due > other.due; }
  };

  void answer_part(InFlight& item, SupplierEvents& events);
  void schedule_reports(const InFlight& item);
  void send_reports(SupplierClock::time_point until, SupplierEvents& events);

  const SenderSettings& settings_;
  std::string sender_id_;
  domain::TimingModel timing_;
  domain::FailureModel failures_;
  std::mt19937_64 random_;
  std::priority_queue<InFlight, std::vector<InFlight>, std::greater<>> in_flight_;
  std::priority_queue<PendingReport, std::vector<PendingReport>, std::greater<>> reports_;
};

}  // namespace smsim::sender
