#include "sender/sender_worker.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "domain/segmentation.hpp"
#include "domain/smpp_receipt.hpp"
#include "kafka/errors.hpp"
#include "sender/input_records.hpp"

namespace smsim::sender {
namespace {

// Records in flight to Kafka carry this so the delivery callback knows which offset it frees.
struct StatusTicket {
  std::int32_t partition;
  std::int64_t offset;
  std::string key;
  std::string value;
};

constexpr auto kCommitInterval = std::chrono::milliseconds(100);
constexpr auto kHeartbeatInterval = std::chrono::seconds(1);

}  // namespace

SenderWorker::SenderWorker(const SenderSettings& settings, std::string sender_id, std::uint64_t seed,
                           const std::atomic<bool>& stop)
    : settings_(settings),
      id_(std::move(sender_id)),
      stop_(stop),
      status_topic_(settings.legacy_status ? settings.topics.smsim_status : settings.topics.status),
      timing_(settings.timing, seed),
      failures_(settings.failure_rate, seed ^ 0x9e3779b97f4a7c15ULL),
      supplier_random_(seed ^ 0x5851f42d4c957f2dULL) {
  producer_ = std::make_unique<kafka::Producer>(
      settings_.kafka,
      // Statuses are not on the latency path (a message's end-to-end time is stamped when it
      // finishes): batch them for 5 ms, which spares the broker many small requests.
      std::map<std::string, std::string>{{"acks", "all"}, {"enable.idempotence", "true"}, {"linger.ms", "5"}},
      [this](const kafka::Delivery& d) { on_status_delivered(d); });

  dead_letters_ = std::make_unique<kafka::DeadLetters>(settings_.kafka, settings_.topics.dead_letters);
  auto conf = kafka::make_conf(settings_.kafka, {{"group.id", settings_.group},
                                                 {"client.id", id_},
                                                 {"enable.auto.commit", "false"},
                                                 {"auto.offset.reset", "earliest"},
                                                 // New partitions (more senders) are noticed within a second.
                                                 {"topic.metadata.refresh.interval.ms", "1000"},
                                                 // A hung sender is thrown out of the group after 10 s.
                                                 {"session.timeout.ms", "10000"},
                                                 {"heartbeat.interval.ms", "1000"},
                                                 // Fetch little ahead: the gateway keeps queues short anyway.
                                                 {"queued.max.messages.kbytes", "2048"},
                                                 // ...and a fetch fits well inside that: librdkafka 2.0
                                                 // pauses fetching for fetch.error.backoff.ms on overflow.
                                                 {"fetch.max.bytes", "1048576"},  // the least librdkafka allows
                                                 {"max.partition.fetch.bytes", "524288"},
                                                 {"fetch.error.backoff.ms", "20"},
                                                 {"reconnect.backoff.max.ms", "1000"}});
  std::string error;
  if (conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(this), error) != RdKafka::Conf::CONF_OK) {
    throw kafka::KafkaError("cannot install rebalance callback: " + error);
  }
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!consumer_) throw kafka::KafkaError("cannot create consumer: " + error);
  if (settings_.legacy_status) legacy_ = std::make_unique<LegacyStatus>(id_);
}

SenderWorker::~SenderWorker() = default;

std::int64_t SenderWorker::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SenderWorker::run() {
  if (const auto err = consumer_->subscribe({settings_.topics.messages}); err != RdKafka::ERR_NO_ERROR) {
    throw kafka::KafkaError(fmt::format("sender {} cannot subscribe: {}", id_, RdKafka::err2str(err)));
  }
  send_heartbeat(false);
  while (!stop_.load()) {
    const auto now = Clock::now();
    finish_due(now);
    if (static_cast<int>(in_flight_.size()) < settings_.window) {
      // Wait for a message, but no longer than until the next in-flight message is done.
      auto wait = std::chrono::milliseconds(100);
      if (!in_flight_.empty()) {
        wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(in_flight_.top().done_at - now));
      }
      std::unique_ptr<RdKafka::Message> message(consumer_->consume(static_cast<int>(std::max<long>(0, wait.count()))));
      if (message->err() == RdKafka::ERR_NO_ERROR) {
        take(*message);
      } else if (message->err() != RdKafka::ERR__TIMED_OUT && message->err() != RdKafka::ERR__PARTITION_EOF) {
        spdlog::debug("sender {}: consume: {}", id_, message->errstr());
      }
    } else {
      std::this_thread::sleep_until(std::min(in_flight_.top().done_at, now + std::chrono::milliseconds(100)));
    }
    const auto after = Clock::now();
    send_due_reports(after);
    publish_legacy_status();
    producer_->poll(0);
    dead_letters_->poll();
    if (after - last_commit_ >= kCommitInterval) commit(false);
    if (after - last_heartbeat_ >= kHeartbeatInterval) send_heartbeat(false);
  }
  // Clean stop: finish what is in flight, make its statuses durable, commit, leave the group.
  // Delivery reports still due are sent now, early, rather than lost.
  drain_in_flight();
  publish_legacy_status();
  commit(true);
  send_due_reports(Clock::time_point::max());
  consumer_->close();   // leaves the group now (its revoke callback finds nothing left to do)
  send_heartbeat(true); // after close: the revoke must not re-announce us as present
  producer_->flush(10'000);
}

void SenderWorker::take(RdKafka::Message& message) {
  records::StatusRecord status;
  status.partition = message.partition();
  status.offset = message.offset();
  progress_[message.partition()].pending.emplace(message.offset(), false);
  status.report.sender_id = id_;
  int total_parts = 1;
  try {
    const auto input = decode_input(std::string_view(static_cast<const char*>(message.payload()), message.len()),
                                    message.topic_name(), message.partition(), message.offset());
    status.report.message_id = input.record.message.id;
    status.report.produced_at_ms = input.record.produced_at_ms;
    const auto count = domain::count_parts(input.record.message.content);
    total_parts = count.parts;
    if (total_parts > domain::kMaxParts) throw records::DecodeError("text needs more than 255 parts");
    // A record in the original's shape had no dispatcher to announce it: announce it for the tracker.
    if (input.derived_id) announce_original(input.record, count);
  } catch (const records::DecodeError& e) {
    // Not a message we can send: dead-letter it and acknowledge it, so it cannot block the partition.
    dead_letters_->send(message, e.what());
    progress_[message.partition()].pending[message.offset()] = true;
    return;
  }
  const auto first_part = timing_.next();
  status.report.processing_time = first_part;
  InFlight item{Clock::now() + first_part, std::move(status), 1, total_parts, {}, now_ms()};
  in_flight_.push(std::move(item));
}

void SenderWorker::announce_original(const records::MessageRecord& record, const domain::PartCount& count) {
  const auto& m = record.message;
  producer_->produce(status_topic_, kafka::Producer::kAnyPartition, m.id,
                     records::encode_dispatched({m.id, "", m.number, m.content, std::string(domain::to_string(count.encoding)),
                                                 count.parts, record.produced_at_ms > 0 ? record.produced_at_ms : now_ms()}));
}

void SenderWorker::publish_legacy_status() {
  if (!legacy_ || !legacy_->changed()) return;
  // Only this record goes to the status topic; the header tells smsim's gateway that the statuses
  // on status_topic_ already count these messages one by one.
  producer_->produce_with_header(settings_.topics.status, legacy_->sender_id(), legacy_->take_record(),
                                 records::kLegacyMirrorHeader, status_topic_);
}

void SenderWorker::finish_due(Clock::time_point now) {
  while (!in_flight_.empty() && in_flight_.top().done_at <= now) {
    InFlight item = in_flight_.top();
    in_flight_.pop();
    submit_part(item);
  }
}

void SenderWorker::submit_part(InFlight& item) {
  // The supplier's answer to the current part: accepted with its own message id, or rejected.
  domain::PartSubmit submit;
  submit.message_id = item.status.report.message_id;
  submit.sender_id = id_;
  submit.part = item.part;
  submit.total_parts = item.total_parts;
  submit.accepted = !failures_.next_fails();
  submit.at_ms = now_ms();
  submit.report_expected = settings_.delivery_reports;
  if (submit.accepted) {
    submit.supplier_id = fmt::format("{:016x}", supplier_random_());
    item.supplier_ids.push_back(submit.supplier_id);
  } else {
    submit.error = "simulated supplier rejection (ESME_RSUBMITFAIL)";
  }
  // The response that finishes the message rides in its status record; earlier parts' responses
  // are records of their own.
  if (!submit.accepted) {
    item.status.report.outcome = domain::Outcome::Failed;
    item.status.report.error = fmt::format("part {} of {} rejected", item.part, item.total_parts);
    item.status.final_submit = std::move(submit);
    finish(item);
  } else if (item.part == item.total_parts) {
    item.status.report.outcome = domain::Outcome::Sent;
    item.status.final_submit = std::move(submit);
    finish(item);
    schedule_reports(item);
  } else {
    producer_->produce(status_topic_, kafka::Producer::kAnyPartition, submit.message_id,
                       records::encode_submit(submit));
    // Next part: the message keeps its window slot until every part is answered.
    ++item.part;
    const auto next = timing_.next();
    item.status.report.processing_time += next;
    item.done_at = Clock::now() + next;
    in_flight_.push(std::move(item));
  }
}

void SenderWorker::schedule_reports(const InFlight& item) {
  if (!settings_.delivery_reports) return;
  std::exponential_distribution<double> delay(1.0 / std::max(1e-9, to_seconds(settings_.report_delay)));
  std::uniform_real_distribution<double> share(0.0, 1.0);
  for (int part = 1; part <= item.total_parts; ++part) {
    const double u = share(supplier_random_);
    const auto stat = u < settings_.delivered_share ? domain::DeliveryStat::Delivered
                      : u < settings_.delivered_share + settings_.undelivered_share ? domain::DeliveryStat::Undeliverable
                                                                                   : domain::DeliveryStat::Expired;
    const auto wait = settings_.report_delay.count() == 0
                          ? Duration::zero()
                          : std::chrono::duration_cast<Duration>(std::chrono::duration<double>(delay(supplier_random_)));
    const auto done_ms = now_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(wait).count();
    domain::DeliveryReceipt receipt;
    receipt.supplier_message_id = item.supplier_ids[static_cast<std::size_t>(part - 1)];
    receipt.submitted = 1;
    receipt.delivered = stat == domain::DeliveryStat::Delivered ? 1 : 0;
    receipt.submit_date_ms = item.submitted_at_ms;
    receipt.done_date_ms = done_ms;
    receipt.stat = stat;
    receipt.error_code = stat == domain::DeliveryStat::Delivered ? 0 : stat == domain::DeliveryStat::Expired ? 254 : 1;
    reports_.push({Clock::now() + wait,
                   {item.status.report.message_id, part, item.total_parts, domain::format_receipt(receipt), done_ms}});
  }
}

void SenderWorker::send_due_reports(Clock::time_point now) {
  while (!reports_.empty() && reports_.top().due <= now) {
    const auto& report = reports_.top().report;
    producer_->produce(settings_.topics.delivery_reports, kafka::Producer::kAnyPartition, report.message_id,
                       records::encode_delivery_report(report));
    reports_.pop();
  }
}

void SenderWorker::finish(InFlight& item) {
  auto& report = item.status.report;
  report.finished_at_ms = now_ms();
  auto* ticket = new StatusTicket{item.status.partition, item.status.offset, report.message_id,
                                  records::encode_status(item.status)};
  producer_->produce(status_topic_, kafka::Producer::kAnyPartition, ticket->key, ticket->value, ticket);
  if (legacy_) legacy_->on_finished(report.outcome, report.processing_time);
  finished_.fetch_add(1);
}

void SenderWorker::on_status_delivered(const kafka::Delivery& delivery) {
  std::unique_ptr<StatusTicket> ticket(static_cast<StatusTicket*>(delivery.opaque));
  if (!ticket) return;  // heartbeats carry no ticket
  if (delivery.error != RdKafka::ERR_NO_ERROR) {
    // Not durable: publish again; the offset stays uncommitted until it is.
    spdlog::warn("sender {}: status for {} not delivered ({}); retrying", id_, ticket->key,
                 RdKafka::err2str(delivery.error));
    auto* retry = ticket.release();
    producer_->produce(status_topic_, kafka::Producer::kAnyPartition, retry->key, retry->value, retry);
    return;
  }
  const auto it = progress_.find(ticket->partition);
  if (it == progress_.end()) return;  // partition revoked meanwhile; its new owner redoes the work
  const auto pending = it->second.pending.find(ticket->offset);
  if (pending != it->second.pending.end()) pending->second = true;
}

void SenderWorker::commit(bool synchronous) {
  last_commit_ = Clock::now();
  std::vector<RdKafka::TopicPartition*> offsets;
  for (auto& [partition, progress] : progress_) {
    // Advance over the acknowledged prefix; stop at the first message still in flight.
    auto& pending = progress.pending;
    while (!pending.empty() && pending.begin()->second) {
      progress.committable = pending.begin()->first + 1;
      pending.erase(pending.begin());
    }
    if (progress.committable >= 0) {
      offsets.push_back(RdKafka::TopicPartition::create(settings_.topics.messages, partition, progress.committable));
      progress.committable = -1;
    }
  }
  if (offsets.empty()) return;
  const auto err = synchronous ? consumer_->commitSync(offsets) : consumer_->commitAsync(offsets);
  if (err != RdKafka::ERR_NO_ERROR && err != RdKafka::ERR__NO_OFFSET) {
    spdlog::debug("sender {}: commit: {}", id_, RdKafka::err2str(err));
  }
  RdKafka::TopicPartition::destroy(offsets);
}

void SenderWorker::drain_in_flight() {
  while (!in_flight_.empty()) {
    std::this_thread::sleep_until(in_flight_.top().done_at);
    finish_due(Clock::now());
  }
  // Wait for every status to be acknowledged so that the commit below covers them.
  producer_->flush(30'000);
}

void SenderWorker::send_heartbeat(bool leaving) {
  last_heartbeat_ = Clock::now();
  records::Heartbeat h;
  h.settings.sender_id = id_;
  h.settings.program = settings_.name;
  h.settings.distribution = std::string(domain::to_string(settings_.timing.distribution));
  h.settings.mean_s = to_seconds(settings_.timing.mean);
  h.settings.stddev_s = to_seconds(settings_.timing.stddev);
  h.settings.failure_rate = settings_.failure_rate;
  h.settings.window = settings_.window;
  h.partitions = leaving ? std::vector<std::int32_t>{} : assignment_;
  h.at_ms = now_ms();
  h.leaving = leaving;
  producer_->produce(status_topic_, kafka::Producer::kAnyPartition, id_, records::encode_heartbeat(h));
}

void SenderWorker::rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                                std::vector<RdKafka::TopicPartition*>& partitions) {
  if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
    consumer->assign(partitions);
    assignment_.clear();
    for (const auto* p : partitions) assignment_.push_back(p->partition());
    spdlog::info("sender {}: assigned partitions [{}]", id_, fmt::join(assignment_, ","));
  } else {
    // Hand the partitions back cleanly: finish the messages in flight, make their statuses durable
    // and commit, so the next owner starts exactly where this one stopped.
    drain_in_flight();
    commit(true);
    consumer->unassign();
    progress_.clear();
    assignment_.clear();
  }
  if (!stop_.load()) send_heartbeat(false);
}

}  // namespace smsim::sender
