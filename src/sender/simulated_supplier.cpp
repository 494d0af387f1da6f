#include "sender/simulated_supplier.hpp"

#include <fmt/format.h>

#include <thread>

#include "domain/smpp_receipt.hpp"

namespace smsim::sender {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

SimulatedSupplier::SimulatedSupplier(const SenderSettings& settings, std::string sender_id, std::uint64_t seed)
    : settings_(settings),
      sender_id_(std::move(sender_id)),
      timing_(settings.timing, seed),
      failures_(settings.failure_rate, seed ^ 0x9e3779b97f4a7c15ULL),
      random_(seed ^ 0x5851f42d4c957f2dULL) {}

void SimulatedSupplier::submit(OutgoingMessage message) {
  const auto first_part = timing_.next();
  InFlight item{SupplierClock::now() + first_part, std::move(message), 1, first_part, {}, now_ms()};
  in_flight_.push(std::move(item));
}

SupplierClock::time_point SimulatedSupplier::next_due() const {
  auto due = SupplierClock::time_point::max();
  if (!in_flight_.empty()) due = in_flight_.top().done_at;
  if (!reports_.empty()) due = std::min(due, reports_.top().due);
  return due;
}

void SimulatedSupplier::wait_until(SupplierClock::time_point until) {
  std::this_thread::sleep_until(std::min(until, next_due()));
}

void SimulatedSupplier::poll(SupplierEvents& events) {
  const auto now = SupplierClock::now();
  while (!in_flight_.empty() && in_flight_.top().done_at <= now) {
    InFlight item = in_flight_.top();
    in_flight_.pop();
    answer_part(item, events);
  }
  send_reports(now, events);
}

void SimulatedSupplier::answer_part(InFlight& item, SupplierEvents& events) {
  // The supplier's answer to the current part: accepted with its own message id, or rejected.
  domain::PartSubmit submit;
  submit.message_id = item.message.message_id;
  submit.sender_id = sender_id_;
  submit.part = item.part;
  submit.total_parts = item.message.total_parts;
  submit.accepted = !failures_.next_fails();
  submit.at_ms = now_ms();
  submit.report_expected = settings_.delivery_reports;
  if (submit.accepted) {
    submit.supplier_id = fmt::format("{:016x}", random_());
    item.supplier_ids.push_back(submit.supplier_id);
  } else {
    submit.error = "simulated supplier rejection (ESME_RSUBMITFAIL)";
  }
  if (!submit.accepted || item.part == item.message.total_parts) {
    MessageResult result;
    result.outcome = submit.accepted ? domain::Outcome::Sent : domain::Outcome::Failed;
    result.processing_time = item.processing_time;
    if (!submit.accepted) result.error = fmt::format("part {} of {} rejected", item.part, item.message.total_parts);
    result.final_submit = std::move(submit);
    result.supplier_ids = item.supplier_ids;
    if (result.outcome == domain::Outcome::Sent) schedule_reports(item);
    events.message_finished(item.message.ticket, std::move(result));
    return;
  }
  events.part_answered(item.message.ticket, submit);
  // Next part: the message keeps its window slot until every part is answered.
  ++item.part;
  const auto next = timing_.next();
  item.processing_time += next;
  item.done_at = SupplierClock::now() + next;
  in_flight_.push(std::move(item));
}

void SimulatedSupplier::schedule_reports(const InFlight& item) {
  if (!settings_.delivery_reports) return;
  std::exponential_distribution<double> delay(1.0 / std::max(1e-9, to_seconds(settings_.report_delay)));
  std::uniform_real_distribution<double> share(0.0, 1.0);
  for (int part = 1; part <= item.message.total_parts; ++part) {
    const double u = share(random_);
    const auto stat = u < settings_.delivered_share ? domain::DeliveryStat::Delivered
                      : u < settings_.delivered_share + settings_.undelivered_share ? domain::DeliveryStat::Undeliverable
                                                                                   : domain::DeliveryStat::Expired;
    const auto wait = settings_.report_delay.count() == 0
                          ? Duration::zero()
                          : std::chrono::duration_cast<Duration>(std::chrono::duration<double>(delay(random_)));
    const auto done_ms = now_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(wait).count();
    domain::DeliveryReceipt receipt;
    receipt.supplier_message_id = item.supplier_ids[static_cast<std::size_t>(part - 1)];
    receipt.submitted = 1;
    receipt.delivered = stat == domain::DeliveryStat::Delivered ? 1 : 0;
    receipt.submit_date_ms = item.submitted_at_ms;
    receipt.done_date_ms = done_ms;
    receipt.stat = stat;
    receipt.error_code = stat == domain::DeliveryStat::Delivered ? 0 : stat == domain::DeliveryStat::Expired ? 254 : 1;
    reports_.push({SupplierClock::now() + wait,
                   {item.message.message_id, part, item.message.total_parts, domain::format_receipt(receipt), done_ms}});
  }
}

void SimulatedSupplier::send_reports(SupplierClock::time_point until, SupplierEvents& events) {
  while (!reports_.empty() && reports_.top().due <= until) {
    events.delivery_report(reports_.top().report, 0);
    reports_.pop();
  }
}

void SimulatedSupplier::flush_reports(SupplierEvents& events) { send_reports(SupplierClock::time_point::max(), events); }

void SimulatedSupplier::describe(domain::SenderSettingsInfo& info) const {
  info.distribution = std::string(domain::to_string(settings_.timing.distribution));
  info.mean_s = to_seconds(settings_.timing.mean);
  info.stddev_s = to_seconds(settings_.timing.stddev);
  info.failure_rate = settings_.failure_rate;
  info.window = settings_.window;
}

}  // namespace smsim::sender
