#include "sender/sender_worker.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <librdkafka/rdkafka.h>

#include "common/error.hpp"
#include "domain/segmentation.hpp"
#include "kafka/errors.hpp"
#include "sender/input_records.hpp"
#include "sender/simulated_supplier.hpp"
#include "sender/smpp_supplier.hpp"

namespace smsim::sender {
namespace {

// Records in flight to Kafka carry this so the delivery callback knows what it makes durable: a
// status (which offset it frees) or a delivery report (which receipt the SMSC may forget).
struct RecordTicket {
  enum class Kind { Status, Report } kind;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::uint64_t ack = 0;
  std::string topic, key, value;
};

constexpr auto kCommitInterval = std::chrono::milliseconds(100);
constexpr auto kHeartbeatInterval = std::chrono::seconds(1);
// How long a rebalance waits for the supplier to answer what is in flight: the simulated one always
// does; an SMSC that is down must not keep the partitions from their next owner for ever (what is
// not answered by then is not committed, so the next owner sends it again).
constexpr auto kRevokeDrainLimit = std::chrono::seconds(10);
constexpr auto kStopDrainLimit = std::chrono::seconds(30);
constexpr auto kAckPoll = std::chrono::milliseconds(2);

}  // namespace

SenderWorker::SenderWorker(const SenderSettings& settings, std::string sender_id, std::uint64_t seed,
                           const std::atomic<bool>& stop, SmppClientIo* smpp_io)
    : settings_(settings),
      id_(std::move(sender_id)),
      stop_(stop),
      status_topic_(settings.legacy_status ? settings.topics.smsim_status : settings.topics.status) {
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
  consumer_queue_ = rd_kafka_queue_get_consumer(consumer_->c_ptr());
  if (settings_.legacy_status) legacy_ = std::make_unique<LegacyStatus>(id_);

  if (settings_.smpp) {
    if (smpp_io == nullptr) throw Error("an SMPP sender needs the program's SMPP I/O thread");
    supplier_ = std::make_unique<SmppSupplier>(settings_, id_, *smpp_io, [this] { wake(); });
  } else {
    supplier_ = std::make_unique<SimulatedSupplier>(settings_, id_, seed);
  }
}

SenderWorker::~SenderWorker() {
  supplier_.reset();  // first: its I/O thread may call wake() until then
  if (consumer_queue_ != nullptr) rd_kafka_queue_destroy(consumer_queue_);
}

void SenderWorker::wake() {
  // Cuts a consume() wait short (or makes the next one return at once) so that an SMPP answer is
  // published without waiting for the poll timeout.
  rd_kafka_queue_yield(consumer_queue_);
}

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
    supplier_->poll(*this);
    const auto now = Clock::now();
    if (supplier_->has_room()) {
      // Wait for a message, but no longer than until the supplier's next answer is due.
      auto wait = std::chrono::milliseconds(100);
      if (const auto due = supplier_->next_due(); due != Clock::time_point::max()) {
        wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(due - now));
      }
      // A receipt waits for its report to be durable before the SMSC hears back (and sends the
      // next): serve delivery callbacks soon rather than after a long poll.
      if (reports_awaiting_ack_ > 0) wait = std::min(wait, kAckPoll);
      std::unique_ptr<RdKafka::Message> message(consumer_->consume(static_cast<int>(std::max<long>(0, wait.count()))));
      if (message->err() == RdKafka::ERR_NO_ERROR) {
        take(*message);
      } else if (message->err() != RdKafka::ERR__TIMED_OUT && message->err() != RdKafka::ERR__PARTITION_EOF) {
        spdlog::debug("sender {}: consume: {}", id_, message->errstr());
      }
    } else {
      supplier_->wait_until(
          std::min(supplier_->next_due(), now + (reports_awaiting_ack_ > 0 ? kAckPoll : std::chrono::milliseconds(100))));
    }
    const auto after = Clock::now();
    publish_legacy_status();
    producer_->poll(0);
    dead_letters_->poll();
    if (after - last_commit_ >= kCommitInterval) commit(false);
    if (after - last_heartbeat_ >= kHeartbeatInterval) send_heartbeat(false);
  }
  // Clean stop: finish what is in flight, make its statuses durable, commit, leave the group.
  // Delivery reports still due are sent now, early, rather than lost.
  drain_in_flight(kStopDrainLimit);
  publish_legacy_status();
  commit(true);
  supplier_->flush_reports(*this);
  supplier_->stop_waking();
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
  OutgoingMessage outgoing;
  try {
    auto input = decode_input(std::string_view(static_cast<const char*>(message.payload()), message.len()),
                              message.topic_name(), message.partition(), message.offset());
    auto& record = input.record;
    status.report.message_id = record.message.id;
    status.report.produced_at_ms = record.produced_at_ms;
    const auto count = domain::count_parts(record.message.content);
    outgoing.total_parts = count.parts;
    if (outgoing.total_parts > domain::kMaxParts) throw records::DecodeError("text needs more than 255 parts");
    // A record in the original's shape had no dispatcher to announce it: announce it for the tracker.
    if (input.derived_id) announce_original(record, count);
    outgoing.message_id = record.message.id;
    outgoing.number = std::move(record.message.number);
    outgoing.text = std::move(record.message.content);
  } catch (const records::DecodeError& e) {
    // Not a message we can send: dead-letter it and acknowledge it, so it cannot block the partition.
    dead_letters_->send(message, e.what());
    progress_[message.partition()].pending[message.offset()] = true;
    return;
  }
  outgoing.ticket = next_ticket_++;
  in_flight_.emplace(outgoing.ticket, std::move(status));
  supplier_->submit(std::move(outgoing));
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

void SenderWorker::part_answered(std::uint64_t ticket, const domain::PartSubmit& submit) {
  if (in_flight_.count(ticket) == 0) return;  // finished already (or handed back in a rebalance)
  producer_->produce(status_topic_, kafka::Producer::kAnyPartition, submit.message_id,
                     records::encode_submit(submit));
}

void SenderWorker::message_finished(std::uint64_t ticket, MessageResult result) {
  const auto it = in_flight_.find(ticket);
  if (it == in_flight_.end()) return;
  auto& status = it->second;
  auto& report = status.report;
  report.outcome = result.outcome;
  report.processing_time = result.processing_time;
  report.error = std::move(result.error);
  report.finished_at_ms = now_ms();
  // The response that finishes the message rides in its status record; earlier parts' responses
  // were records of their own.
  result.final_submit.message_id = report.message_id;
  result.final_submit.sender_id = id_;
  status.final_submit = std::move(result.final_submit);
  auto* record = new RecordTicket{RecordTicket::Kind::Status, status.partition, status.offset, 0,
                                  status_topic_, report.message_id, records::encode_status(status)};
  producer_->produce(record->topic, kafka::Producer::kAnyPartition, record->key, record->value, record);
  if (legacy_) legacy_->on_finished(report.outcome, report.processing_time);
  in_flight_.erase(it);
  finished_.fetch_add(1);
}

void SenderWorker::delivery_report(const records::DeliveryReportRecord& report, std::uint64_t ack) {
  auto value = records::encode_delivery_report(report);
  if (ack == 0) {
    producer_->produce(settings_.topics.delivery_reports, kafka::Producer::kAnyPartition, report.message_id, value);
    return;
  }
  auto* ticket = new RecordTicket{RecordTicket::Kind::Report, -1, -1, ack, settings_.topics.delivery_reports,
                                  report.message_id, std::move(value)};
  ++reports_awaiting_ack_;
  producer_->produce(ticket->topic, kafka::Producer::kAnyPartition, ticket->key, ticket->value, ticket);
}

void SenderWorker::on_status_delivered(const kafka::Delivery& delivery) {
  std::unique_ptr<RecordTicket> ticket(static_cast<RecordTicket*>(delivery.opaque));
  if (!ticket) return;  // heartbeats and submit records carry no ticket
  if (delivery.error != RdKafka::ERR_NO_ERROR) {
    // Not durable: publish again; the offset stays uncommitted (the receipt unacknowledged) until it is.
    spdlog::warn("sender {}: record for {} not delivered to {} ({}); retrying", id_, ticket->key, ticket->topic,
                 RdKafka::err2str(delivery.error));
    auto* retry = ticket.release();
    producer_->produce(retry->topic, kafka::Producer::kAnyPartition, retry->key, retry->value, retry);
    return;
  }
  if (ticket->kind == RecordTicket::Kind::Report) {
    --reports_awaiting_ack_;
    supplier_->receipt_stored(ticket->ack);
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

void SenderWorker::drain_in_flight(Clock::duration limit) {
  const auto deadline = Clock::now() + limit;
  while (!supplier_->idle() && Clock::now() < deadline) {
    supplier_->wait_until(std::min({supplier_->next_due(), deadline, Clock::now() + std::chrono::milliseconds(100)}));
    supplier_->poll(*this);
    producer_->poll(0);
  }
  if (!supplier_->idle()) {
    spdlog::warn("sender {}: {} message(s) still unanswered by the supplier after {}; they stay uncommitted and "
                 "are sent again by whoever reads them next",
                 id_, in_flight_.size(), format_duration(std::chrono::duration_cast<Duration>(limit)));
  }
  // Wait for every status to be acknowledged so that the commit below covers them.
  producer_->flush(30'000);
}

void SenderWorker::send_heartbeat(bool leaving) {
  last_heartbeat_ = Clock::now();
  records::Heartbeat h;
  h.settings.sender_id = id_;
  h.settings.program = settings_.name;
  supplier_->describe(h.settings);
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
    drain_in_flight(kRevokeDrainLimit);
    commit(true);
    consumer->unassign();
    progress_.clear();
    assignment_.clear();
  }
  if (!stop_.load()) send_heartbeat(false);
}

}  // namespace smsim::sender
