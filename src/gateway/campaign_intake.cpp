#include "gateway/campaign_intake.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kafka/producer.hpp"

namespace smsim::gateway {

CampaignIntake::CampaignIntake(const kafka::ClientConfig& config, std::string topic,
                               std::chrono::milliseconds delivery_timeout, OnDurable on_durable)
    : topic_(std::move(topic)), delivery_timeout_(delivery_timeout), on_durable_(std::move(on_durable)) {
  producer_ = std::make_unique<kafka::Producer>(
      config,
      std::map<std::string, std::string>{{"acks", "all"},
                                         {"enable.idempotence", "true"},
                                         {"linger.ms", "0"},
                                         // Every write gets its delivery report within this time, so
                                         // every request gets its answer within it.
                                         {"message.timeout.ms", std::to_string(delivery_timeout.count())}},
      [this](const kafka::Delivery& d) { on_delivery(d); });
}

CampaignIntake::~CampaignIntake() { stop(); }

void CampaignIntake::start() {
  liveness_.started();
  thread_ = std::thread([this] {
    try {
      run();
      liveness_.stopped();
    } catch (const std::exception& e) {
      spdlog::error("campaign intake stopped: {}", e.what());
      liveness_.died(e.what());
    }
  });
}

void CampaignIntake::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  detached_.store(true);
}

void CampaignIntake::run() {
  while (!stop_.load()) {
    liveness_.beat();
    producer_->poll(50);
    // A fatal producer accepts nothing any more: end, so that /healthz says so and why.
    producer_->throw_if_fatal("write campaigns to " + topic_);
    rewrite_due();
  }
  producer_->flush(2'000);
  producer_->poll(0);
  std::lock_guard lock(mutex_);
  if (!writes_.empty()) {
    spdlog::warn("{} campaign write(s) not confirmed by Kafka at shutdown; a restart runs those that were stored",
                 writes_.size());
  }
}

void CampaignIntake::submit(const records::CampaignSpec& spec, Done done) {
  std::uint64_t serial = 0;
  Write* write = nullptr;
  {
    std::lock_guard lock(mutex_);
    serial = next_serial_++;
    auto owned = std::make_unique<Write>(Write{spec, records::encode_campaign(spec), std::move(done)});
    write = owned.get();
    write->queued = true;
    writes_.emplace(serial, std::move(owned));
  }
  const auto err = producer_->produce_once(topic_, kafka::Producer::kAnyPartition, spec.campaign_id, write->value,
                                           reinterpret_cast<void*>(serial));
  if (err == RdKafka::ERR_NO_ERROR) return;
  // Not even queued: certainly not in Kafka.
  Done answer;
  {
    std::lock_guard lock(mutex_);
    answer = std::move(write->done);
    writes_.erase(serial);
  }
  answer(Outcome::NotAccepted, kafka::explain_error(err, "write the campaign to " + topic_));
}

void CampaignIntake::on_delivery(const kafka::Delivery& delivery) {
  const auto serial = reinterpret_cast<std::uintptr_t>(delivery.opaque);
  std::unique_ptr<Write> resolved;
  Done answer;
  Outcome outcome = Outcome::Unknown;
  std::string detail;
  {
    std::lock_guard lock(mutex_);
    const auto it = writes_.find(serial);
    if (it == writes_.end()) return;
    if (detached_.load()) {
      writes_.erase(it);  // the gateway is going away: nobody to tell, nothing to run
      return;
    }
    auto& write = *it->second;
    write.queued = false;
    if (delivery.error == RdKafka::ERR_NO_ERROR) {
      outcome = Outcome::Accepted;
      resolved = std::move(it->second);
      writes_.erase(it);
    } else if (delivery.persisted == RdKafka::Message::MSG_STATUS_NOT_PERSISTED && write.attempt == 0) {
      outcome = Outcome::NotAccepted;
      detail = kafka::explain_error(delivery.error, "write the campaign to " + topic_);
      resolved = std::move(it->second);
      writes_.erase(it);
    } else {
      // Maybe stored (this attempt or an earlier one): write it again until Kafka confirms. The
      // campaign record is keyed by its id, so copies are one campaign.
      outcome = Outcome::Unknown;
      detail = fmt::format("{} ({})", RdKafka::err2str(delivery.error), static_cast<int>(delivery.error));
      ++write.attempt;
      write.retry_at = std::chrono::steady_clock::now() + rewrite_backoff_.backoff(write.attempt);
      if (write.attempt == 1 || write.attempt % 10 == 0) {
        spdlog::warn("campaign {}: Kafka did not confirm its record ({}); writing it again", write.spec.campaign_id, detail);
      }
    }
    answer = std::move(write.done);  // empty if already answered (a re-write)
    write.done = nullptr;
  }
  if (outcome == Outcome::Accepted) {
    on_durable_(resolved->spec);
    if (!answer) spdlog::info("campaign {} confirmed by Kafka after all; it runs now", resolved->spec.campaign_id);
  }
  if (answer) answer(outcome, detail);
}

void CampaignIntake::rewrite_due() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::pair<std::uint64_t, std::string>> due;
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mutex_);
    for (auto& [serial, write] : writes_) {
      if (!write->queued && write->attempt > 0 && write->retry_at <= now) {
        write->queued = true;
        due.emplace_back(serial, write->value);
        ids.push_back(write->spec.campaign_id);
      }
    }
  }
  for (std::size_t i = 0; i < due.size(); ++i) {
    const auto err = producer_->produce_once(topic_, kafka::Producer::kAnyPartition, ids[i], due[i].second,
                                             reinterpret_cast<void*>(due[i].first));
    if (err != RdKafka::ERR_NO_ERROR) {
      std::lock_guard lock(mutex_);
      if (const auto it = writes_.find(due[i].first); it != writes_.end()) {
        it->second->queued = false;
        it->second->retry_at = now + rewrite_backoff_.max_backoff;
      }
    }
  }
}

std::size_t CampaignIntake::unresolved() const {
  std::lock_guard lock(mutex_);
  return writes_.size();
}

}  // namespace smsim::gateway
