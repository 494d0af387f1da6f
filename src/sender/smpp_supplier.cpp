#include "sender/smpp_supplier.hpp"

#include <fmt/format.h>

#include <future>

#include "smpp/message.hpp"
#include "smpp/status.hpp"

namespace smsim::sender {
namespace {

namespace status = smpp::status;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "+4915112345678" -> "4915112345678" (international, TON 1 / NPI 1); nullopt when it is not 1..20 digits.
std::optional<std::string> destination_of(const std::string& number) {
  std::string digits = number.size() > 1 && number[0] == '+' ? number.substr(1) : number;
  if (digits.empty() || digits.size() > 20) return std::nullopt;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return digits;
}

}  // namespace

SmppSupplier::SmppSupplier(const SenderSettings& settings, std::string sender_id, SmppClientIo& io, Waker waker)
    : settings_(settings),
      smpp_(*settings.smpp),
      sender_id_(std::move(sender_id)),
      io_(io),
      inbox_(std::make_shared<Inbox>(std::move(waker))) {
  link_ = std::make_shared<SmppLink>(io_, smpp_, settings_.window, sender_id_, inbox_);
  link_->start();
}

SmppSupplier::~SmppSupplier() {
  inbox_->detach();
  batch_.clear();  // parts never handed over stay uncommitted in Kafka: whoever reads them next sends them
  send_to_link();  // receipts made durable during the final flush are still acknowledged
  auto closed = std::make_shared<std::promise<void>>();
  auto done = closed->get_future();
  boost::asio::post(io_.io(), [link = link_, closed] {
    link->finish(std::chrono::seconds(1), [closed] { closed->set_value(); });
  });
  done.wait_for(std::chrono::seconds(2));
}

void SmppSupplier::submit(OutgoingMessage message) {
  Progress progress;
  progress.message_id = message.message_id;
  progress.total_parts = message.total_parts;
  progress.supplier_ids.resize(static_cast<std::size_t>(message.total_parts));
  const auto refuse = [&](std::uint32_t s, const std::string& why) {
    MessageResult result;
    result.outcome = domain::Outcome::Failed;
    result.error = why;
    result.final_submit.part = 1;
    result.final_submit.total_parts = message.total_parts;
    result.final_submit.accepted = false;
    result.final_submit.error = fmt::format("{}: {}", status::name(s), why);
    result.final_submit.at_ms = now_ms();
    result.final_submit.report_expected = false;
    local_results_.emplace_back(message.ticket, std::move(result));
  };
  const auto destination = destination_of(message.number);
  if (!destination) {
    refuse(status::kInvDstAdr, fmt::format("number '{}' is not 1 to 20 digits (with an optional +)", message.number));
    return;
  }
  std::vector<PartJob> jobs;
  try {
    const auto parts = smpp::build_parts(message.text, reference_++, smpp_.concatenation);
    if (static_cast<int>(parts.size()) != message.total_parts) {
      // Cannot happen while build_parts and count_parts share domain::segment(); checked because
      // the tracker would otherwise wait for parts that never come.
      refuse(status::kSysErr, fmt::format("segmentation gave {} parts, the message says {}", parts.size(),
                                          message.total_parts));
      return;
    }
    for (const auto& p : parts) {
      smpp::ShortMessage sm;
      sm.source_addr_ton = 5;  // alphanumeric
      sm.source_addr = smpp_.source_addr;
      sm.dest_addr_ton = 1;  // international
      sm.dest_addr_npi = 1;  // E.164
      sm.destination_addr = *destination;
      sm.esm_class = p.esm_class;
      sm.registered_delivery = smpp::can_receive(smpp_.bind) ? 1 : 0;
      sm.data_coding = p.data_coding;
      sm.short_message = p.short_message;
      sm.tlvs = p.tlvs;
      PartJob job;
      job.ticket = message.ticket;
      job.message_id = message.message_id;
      job.part = p.part;
      job.total_parts = p.total;
      smpp::encode_short_message(job.pdu, smpp::command::kSubmitSm, 0, sm);
      jobs.push_back(std::move(job));
    }
  } catch (const smpp::PduError& e) {
    refuse(e.status(), e.what());
    return;
  }
  parts_in_progress_ += message.total_parts;
  progress_.emplace(message.ticket, std::move(progress));
  for (auto& j : jobs) batch_.push_back(std::move(j));
}

void SmppSupplier::send_to_link() {
  if (batch_.empty() && acks_.empty()) return;
  boost::asio::post(io_.io(), [link = link_, jobs = std::move(batch_), acks = std::move(acks_)]() mutable {
    for (const auto ack : acks) link->ack_receipt(ack);
    if (!jobs.empty()) link->enqueue(std::move(jobs));
  });
  batch_.clear();
  acks_.clear();
}

void SmppSupplier::poll(SupplierEvents& events) {
  send_to_link();
  for (auto& [ticket, result] : local_results_) events.message_finished(ticket, std::move(result));
  local_results_.clear();
  if (!inbox_->take(answers_, receipts_)) return;
  for (const auto& a : answers_) answer(a, events);
  for (const auto& r : receipts_) events.delivery_report(r.report, r.ack);
  answers_.clear();
  receipts_.clear();
}

void SmppSupplier::answer(const PartAnswer& a, SupplierEvents& events) {
  const auto it = progress_.find(a.ticket);
  if (it == progress_.end()) return;
  auto& p = it->second;
  --parts_in_progress_;
  ++p.answered;
  p.first_sent = std::min(p.first_sent, a.first_sent);
  p.last_answer = std::max(p.last_answer, a.answered);
  domain::PartSubmit submit;
  submit.message_id = p.message_id;
  submit.sender_id = sender_id_;
  submit.part = a.part;
  submit.total_parts = p.total_parts;
  submit.accepted = a.status == status::kOk;
  submit.at_ms = a.at_ms;
  submit.report_expected = smpp::can_receive(smpp_.bind);
  if (submit.accepted) {
    submit.supplier_id = a.supplier_id;
    p.supplier_ids[static_cast<std::size_t>(a.part - 1)] = a.supplier_id;
  } else {
    submit.error = status::name(a.status);
    if (p.error.empty()) p.error = fmt::format("part {} of {} refused: {}", a.part, p.total_parts, submit.error);
  }
  if (p.answered < p.total_parts) {
    events.part_answered(a.ticket, submit);
    return;
  }
  MessageResult result;
  result.outcome = p.error.empty() ? domain::Outcome::Sent : domain::Outcome::Failed;
  result.error = p.error;
  result.processing_time = std::chrono::duration_cast<Duration>(p.last_answer - p.first_sent);
  result.final_submit = std::move(submit);
  result.supplier_ids = std::move(p.supplier_ids);
  const auto ticket = a.ticket;
  progress_.erase(it);
  events.message_finished(ticket, std::move(result));
}

SupplierClock::time_point SmppSupplier::next_due() const {
  // Answers arrive by themselves (the link wakes the worker); only work not yet handed over or
  // refused locally is due at once.
  return batch_.empty() && acks_.empty() && local_results_.empty() ? SupplierClock::time_point::max()
                                                                   : SupplierClock::now();
}

void SmppSupplier::wait_until(SupplierClock::time_point until) {
  if (!batch_.empty() || !acks_.empty() || !local_results_.empty()) return;
  inbox_->wait_until(until);
}

void SmppSupplier::describe(domain::SenderSettingsInfo& info) const {
  info.distribution = "smpp";
  info.mean_s = 0;
  info.stddev_s = 0;
  info.failure_rate = 0;
  info.window = settings_.window;
  info.smpp = link_->info();
}

}  // namespace smsim::sender
