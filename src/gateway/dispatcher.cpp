#include "gateway/dispatcher.hpp"

#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include "domain/segmentation.hpp"
#include "kafka/errors.hpp"
#include "kafka/watermarks.hpp"

namespace smsim::gateway {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Dispatcher::Ticket {
  std::shared_ptr<Campaign> campaign;  // null for checkpoint records
  std::uint64_t index = 0;
  std::int32_t partition = -1;         // chosen partition, -1 when left to the key hash
};

namespace {
constexpr auto kCheckpointIntervalMs = 500;
constexpr auto kMaintenanceIntervalMs = 1000;
}  // namespace

Dispatcher::Dispatcher(const kafka::ClientConfig& config, kafka::TopicNames topics, std::string sender_group,
                       DispatchMode mode, domain::DeliveryStatistics& statistics)
    : config_(config),
      topics_(std::move(topics)),
      sender_group_(std::move(sender_group)),
      mode_(mode),
      statistics_(statistics) {
  producer_ = std::make_unique<kafka::Producer>(
      config_,
      std::map<std::string, std::string>{{"acks", "all"},
                                         {"enable.idempotence", "true"},
                                         // Credit mode wants each message on its way at once; eager mode batches.
                                         {"linger.ms", mode_ == DispatchMode::Credit ? "1" : "5"},
                                         {"batch.num.messages", "10000"},
                                         // Partitions added for new senders become usable within a second.
                                         {"topic.metadata.refresh.interval.ms", "1000"}},
      [this](const kafka::Delivery& d) { on_delivery(d); });
  admin_ = std::make_unique<kafka::TopicAdmin>(config_);
  partitions_ = admin_->partition_count(topics_.messages).value_or(0);

  auto conf = kafka::make_conf(config_, {{"group.id", sender_group_}, {"enable.auto.commit", "false"}});
  std::string error;
  lag_reader_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!lag_reader_) throw kafka::KafkaError("cannot create the lag reader: " + error);
}

Dispatcher::~Dispatcher() {
  stop();
  if (lag_reader_) lag_reader_->close();
}

void Dispatcher::add_campaign(const records::CampaignSpec& spec, std::uint64_t published) {
  std::lock_guard lock(mutex_);
  if (campaigns_.count(spec.campaign_id)) return;
  auto campaign = std::make_shared<Campaign>(
      Campaign{spec, domain::MessageGenerator(spec.campaign_id, spec.seed, spec.generator)});
  campaign->next_index = std::min(published, spec.count);
  campaign->checkpointed = campaign->next_index;
  campaigns_[spec.campaign_id] = campaign;
  if (campaign->has_work()) queue_.push_back(campaign);
  wake_.notify_all();
}

void Dispatcher::on_heartbeat(const records::Heartbeat& h) {
  std::lock_guard lock(mutex_);
  planner_.on_heartbeat({h.settings.sender_id,
                         std::chrono::duration_cast<Duration>(std::chrono::duration<double>(h.settings.mean_s)),
                         h.settings.window},
                        h.partitions, h.leaving, h.at_ms);
  wake_.notify_all();
}

void Dispatcher::on_finished(std::int32_t partition) {
  std::lock_guard lock(mutex_);
  planner_.on_finished(partition);
  wake_.notify_all();
}

void Dispatcher::start() {
  reconcile_outstanding();
  std::lock_guard lock(mutex_);
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void Dispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!running_) return;
    running_ = false;
    wake_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  producer_->flush(10'000);
  producer_->poll(0);
  checkpoint(now_ms());
  producer_->flush(5'000);
}

void Dispatcher::run() {
  // Up to this many messages are picked under one lock and then published outside it: the lock,
  // the clocks and the wake-ups are paid per batch, not per message.
  constexpr std::size_t kBatch = 64;
  struct Pick {
    std::shared_ptr<Campaign> campaign;
    std::uint64_t index = 0;
    std::int32_t partition = kafka::Producer::kAnyPartition;
  };
  std::vector<Pick> picks;
  picks.reserve(kBatch);
  std::int64_t last_checkpoint = 0;
  std::int64_t last_maintenance = 0;
  while (true) {
    picks.clear();
    {
      std::unique_lock lock(mutex_);
      if (!running_) break;
      const auto steady_now = std::chrono::steady_clock::now();
      const auto wall_now = now_ms();
      bool paced_wait = false;
      while (picks.size() < kBatch) {
        while (!queue_.empty() && !queue_.front()->has_work()) queue_.pop_front();
        if (queue_.empty()) break;
        const auto& campaign = queue_.front();
        // A paced campaign waits for its next slot (and holds back the ones behind it: FIFO).
        if (campaign->next_due > steady_now) {
          paced_wait = true;
          break;
        }
        std::optional<std::int32_t> chosen;
        if (mode_ == DispatchMode::Credit) {
          chosen = planner_.next_partition(wall_now);
          if (!chosen) break;  // every sender's queue is full: wait for a status
        }
        if (campaign->spec.rate_per_second > 0) {
          const auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
              std::chrono::duration<double>(1.0 / campaign->spec.rate_per_second));
          // The first message goes now; after a stall, catch up with at most 20 ms worth at once, so
          // that a paced campaign never floods the senders' queues (its latency is the point).
          campaign->next_due = std::max(campaign->next_due, steady_now - std::chrono::milliseconds(20)) + interval;
        }
        Pick pick{campaign, 0, chosen.value_or(kafka::Producer::kAnyPartition)};
        if (!campaign->retry.empty()) {
          pick.index = campaign->retry.front();
          campaign->retry.pop_front();
        } else {
          pick.index = campaign->next_index++;
        }
        campaign->unacked.insert(pick.index);
        if (chosen) {
          planner_.on_dispatched(*chosen);
          ++unacked_per_partition_[*chosen];
        }
        picks.push_back(std::move(pick));
      }
      if (picks.empty() && producer_->queued() == 0) {
        if (paced_wait) {
          // Wake when a millisecond's worth is due, not for every message: at 15,000/s a wake-up
          // per message cost more CPU (mostly in the kernel) than the messages themselves.
          wake_.wait_until(lock, std::min(queue_.front()->next_due + std::chrono::milliseconds(1),
                                          steady_now + std::chrono::milliseconds(20)));
        } else {
          // Nothing to do until a sender finishes something, a heartbeat arrives or a campaign starts.
          wake_.wait_for(lock, std::chrono::milliseconds(20));
        }
      }
    }
    bool failed = false;
    const auto produced_at = now_ms();
    for (auto& pick : picks) failed = !publish(pick.campaign, pick.index, pick.partition, produced_at) || failed;
    producer_->poll(failed ? 50 : picks.empty() ? 5 : 0);
    const auto now = now_ms();
    if (now - last_checkpoint >= kCheckpointIntervalMs) {
      checkpoint(now);
      last_checkpoint = now;
    }
    if (now - last_maintenance >= kMaintenanceIntervalMs) {
      grow_partitions_if_needed(now);
      if (mode_ == DispatchMode::Credit) reconcile_outstanding();
      last_maintenance = now;
    }
  }
}

bool Dispatcher::publish(const std::shared_ptr<Campaign>& campaign, std::uint64_t index, std::int32_t partition,
                         std::int64_t produced_at) {
  const auto message = records::message_at(campaign->spec, campaign->generator, index);
  auto* ticket = new Ticket{campaign, index, partition};
  const auto err =
      producer_->try_produce(topics_.messages, partition, message.id, records::encode_message(message, produced_at), ticket);
  if (err == RdKafka::ERR_NO_ERROR) {
    // The whole message for the tracker's join, keyed like its submit responses (so on the same
    // partition of the status topic); the tracker does not rely on which comes first.
    const auto count = domain::count_parts(message.content);
    producer_->produce(topics_.status, kafka::Producer::kAnyPartition, message.id,
                       records::encode_dispatched({message.id, message.campaign_id, message.number, message.content,
                                                   std::string(domain::to_string(count.encoding)), count.parts,
                                                   produced_at}),
                       nullptr);
    return true;
  }
  // Typically a partition added a moment ago that our metadata does not show yet: undo, and give
  // the metadata refresh a moment before trying again.
  delete ticket;
  spdlog::debug("cannot publish to {} partition {}: {}", topics_.messages, partition, RdKafka::err2str(err));
  std::lock_guard lock(mutex_);
  campaign->retry.push_front(index);  // stays in `unacked`: the durable prefix must not pass it
  if (partition >= 0) {
    planner_.on_finished(partition);
    --unacked_per_partition_[partition];
  }
  return false;
}

void Dispatcher::on_delivery(const kafka::Delivery& delivery) {
  std::unique_ptr<Ticket> ticket(static_cast<Ticket*>(delivery.opaque));
  if (!ticket || !ticket->campaign) return;  // a checkpoint record
  std::lock_guard lock(mutex_);
  if (ticket->partition >= 0) --unacked_per_partition_[ticket->partition];
  auto& campaign = *ticket->campaign;
  if (delivery.error != RdKafka::ERR_NO_ERROR) {
    spdlog::warn("publishing {}:{} failed ({}); it will be published again", campaign.spec.campaign_id,
                 ticket->index, RdKafka::err2str(delivery.error));
    if (ticket->partition >= 0) planner_.on_finished(ticket->partition);
    campaign.retry.push_back(ticket->index);
    if (std::find(queue_.begin(), queue_.end(), ticket->campaign) == queue_.end()) queue_.push_back(ticket->campaign);
    return;
  }
  if (ticket->partition < 0) planner_.on_dispatched(delivery.partition);
  const auto before = campaign.durable();
  campaign.unacked.erase(ticket->index);
  if (campaign.durable() != before) statistics_.set_published(campaign.spec.campaign_id, campaign.durable());
}

void Dispatcher::checkpoint(std::int64_t now) {
  std::vector<records::CampaignProgress> due;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, campaign] : campaigns_) {
      const auto durable = campaign->durable();
      if (durable > campaign->checkpointed) {
        campaign->checkpointed = durable;
        due.push_back({id, durable, now});
      }
    }
  }
  for (const auto& progress : due) {
    producer_->produce(topics_.campaigns, kafka::Producer::kAnyPartition, records::progress_key(progress.campaign_id),
                       records::encode_progress(progress), nullptr);
  }
}

void Dispatcher::grow_partitions_if_needed(std::int64_t now) {
  int live = 0;
  {
    std::lock_guard lock(mutex_);
    live = planner_.live_senders(now);
  }
  if (live <= partitions_) return;
  try {
    partitions_ = admin_->ensure_partitions(topics_.messages, live);
    spdlog::info("{} now has {} partitions for {} live senders", topics_.messages, partitions_, live);
  } catch (const std::exception& e) {
    spdlog::warn("cannot grow {} to {} partitions: {}", topics_.messages, live, e.what());
  }
}

void Dispatcher::reconcile_outstanding() {
  // Measured queue per partition: end offset minus the senders' committed offset, plus publishes
  // not yet acknowledged. It over-counts by what senders finished but have not committed yet, so
  // it is an upper bound: it caps the running estimate, and replaces it when far above (after a
  // restart, or duplicates that made the estimate drift low).
  try {
    const int partitions = admin_->partition_count(topics_.messages).value_or(0);
    if (partitions <= 0) return;
    std::vector<RdKafka::TopicPartition*> tps;
    for (int p = 0; p < partitions; ++p) tps.push_back(RdKafka::TopicPartition::create(topics_.messages, p));
    if (lag_reader_->committed(tps, 5000) != RdKafka::ERR_NO_ERROR) {
      RdKafka::TopicPartition::destroy(tps);
      return;
    }
    std::map<std::int32_t, std::int64_t> measured;
    // Bounded even while a broker is lost (kafka/watermarks.hpp): this runs on the publishing thread.
    const auto marks = kafka::query_watermarks(lag_reader_->c_ptr(), topics_.messages, std::chrono::seconds(5));
    for (auto* tp : tps) {
      const auto it = marks.find(tp->partition());
      if (it == marks.end()) continue;  // its leader is lost right now
      const auto [low, high] = it->second;
      const std::int64_t committed = tp->offset() >= 0 ? tp->offset() : low;
      measured[tp->partition()] = std::max<std::int64_t>(0, high - committed);
    }
    RdKafka::TopicPartition::destroy(tps);
    std::lock_guard lock(mutex_);
    for (const auto& [partition, lag] : measured) {
      const auto upper = lag + std::max<std::int64_t>(0, unacked_per_partition_[partition]);
      const auto estimate = planner_.outstanding(partition);
      if (estimate > upper || upper - estimate > 64) planner_.set_outstanding(partition, upper);
    }
  } catch (const std::exception& e) {
    spdlog::debug("reconciling outstanding messages: {}", e.what());
  }
}

std::vector<CampaignView> Dispatcher::campaigns() const {
  std::lock_guard lock(mutex_);
  std::vector<CampaignView> out;
  for (const auto& [id, c] : campaigns_) out.push_back({c->spec, c->durable(), c->next_index});
  std::sort(out.begin(), out.end(),
            [](const CampaignView& a, const CampaignView& b) { return a.spec.created_at_ms > b.spec.created_at_ms; });
  return out;
}

std::optional<CampaignView> Dispatcher::campaign(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto it = campaigns_.find(id);
  if (it == campaigns_.end()) return std::nullopt;
  return CampaignView{it->second->spec, it->second->durable(), it->second->next_index};
}

int Dispatcher::live_senders() const {
  std::lock_guard lock(mutex_);
  return planner_.live_senders(now_ms());
}

std::int64_t Dispatcher::outstanding() const {
  std::lock_guard lock(mutex_);
  return planner_.outstanding_total();
}

}  // namespace smsim::gateway
