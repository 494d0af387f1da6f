#include "gateway/dispatcher.hpp"

#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include "domain/segmentation.hpp"
#include "kafka/error_policy.hpp"
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
                       DispatchMode mode, domain::DeliveryStatistics& statistics, int legacy_credit)
    : config_(config),
      topics_(std::move(topics)),
      sender_group_(std::move(sender_group)),
      mode_(mode),
      statistics_(statistics),
      legacy_credit_(legacy_credit) {
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
  // Records already on the topic are history: only what other producers write from now on counts
  // as their produced messages (docs/design.md, "Messages of other producers").
  try {
    for (const auto& [p, marks] : kafka::query_watermarks(lag_reader_->c_ptr(), topics_.messages, std::chrono::seconds(5))) {
      end_offsets_at_start_[p] = marks.high;
    }
  } catch (const kafka::KafkaError& e) {
    spdlog::debug("end offsets of {} at start: {}", topics_.messages, e.what());
  }
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

void Dispatcher::on_legacy_members(const std::vector<domain::LegacyMember>& members) {
  std::lock_guard lock(mutex_);
  planner_.set_legacy_members(members, legacy_credit_);
  wake_.notify_all();
}

void Dispatcher::on_legacy_finished(std::uint64_t n) {
  if (n == 0) return;
  std::lock_guard lock(mutex_);
  planner_.on_legacy_finished(n);
  wake_.notify_all();
}

void Dispatcher::on_dead_lettered_message(std::int32_t partition, std::int64_t offset) {
  std::lock_guard lock(mutex_);
  // A partition added after start began empty: all of its records are new.
  const auto it = end_offsets_at_start_.find(partition);
  if (offset >= (it == end_offsets_at_start_.end() ? 0 : it->second)) ++invalid_since_start_;
}

std::vector<Dispatcher::LegacyMemberView> Dispatcher::legacy_members() const {
  std::lock_guard lock(mutex_);
  std::vector<LegacyMemberView> out;
  for (const auto& m : planner_.legacy_members()) out.push_back({m, planner_.outstanding_of(m)});
  return out;
}

void Dispatcher::start() {
  {
    // Records that were on the topic at start beyond what the resumed campaigns published: the
    // history of other producers (an upper bound: our own duplicates from before are in it too).
    std::lock_guard lock(mutex_);
    std::int64_t at_start = 0;
    for (const auto& [p, high] : end_offsets_at_start_) at_start += high;
    for (const auto& [id, c] : campaigns_) at_start -= static_cast<std::int64_t>(c->next_index);
    statistics_.set_historic_records(static_cast<std::uint64_t>(std::max<std::int64_t>(0, at_start)));
  }
  reconcile_outstanding();
  std::lock_guard lock(mutex_);
  running_ = true;
  liveness_.started();
  thread_ = std::thread([this] {
    try {
      run();
      liveness_.stopped();
    } catch (const std::exception& e) {
      // Seen by /healthz (dead, with this reason); the accepted campaigns are safe in Kafka and
      // resume from their checkpoint when the gateway restarts.
      spdlog::error("dispatcher stopped: {}", e.what());
      liveness_.died(e.what());
    }
  });
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
    liveness_.beat();
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
      measure_foreign_records();
      last_maintenance = now;
    }
  }
}

bool Dispatcher::publish(const std::shared_ptr<Campaign>& campaign, std::uint64_t index, std::int32_t partition,
                         std::int64_t produced_at) {
  const auto message = records::message_at(campaign->spec, campaign->generator, index);
  auto* ticket = new Ticket{campaign, index, partition};
  own_records_.fetch_add(1);  // before it can be on the topic: ours is never taken for another producer's record
  const auto err =
      producer_->try_produce(topics_.messages, partition, message.id, records::encode_message(message, produced_at), ticket);
  if (err == RdKafka::ERR_NO_ERROR) {
    // The whole message for the tracker's join, keyed like its submit responses (so on the same
    // partition of the status topic); the tracker does not rely on which comes first.
    const auto count = domain::count_parts(message.content);
    try {
      producer_->produce(topics_.status, kafka::Producer::kAnyPartition, message.id,
                         records::encode_dispatched({message.id, message.campaign_id, message.number, message.content,
                                                     std::string(domain::to_string(count.encoding)), count.parts,
                                                     produced_at}),
                         nullptr);
    } catch (const kafka::KafkaError& e) {
      // The message itself is on its way; only its lifecycle (the tracker's join) misses it.
      spdlog::error("the join record of {} was not written: {}", message.id, e.what());
    }
    return true;
  }
  // Typically a partition added a moment ago that our metadata does not show yet: undo, and give
  // the metadata refresh a moment before trying again. A fatal producer never recovers: the thread
  // ends (undone first), /healthz reports it dead with this reason, a restart resumes the campaigns.
  delete ticket;
  own_records_.fetch_sub(1);
  if (err == RdKafka::ERR__FATAL) {
    {
      std::lock_guard lock(mutex_);
      campaign->retry.push_front(index);
      if (partition >= 0) {
        planner_.on_finished(partition);
        --unacked_per_partition_[partition];
      }
    }
    producer_->throw_if_fatal("publish to " + topics_.messages);
  }
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
    own_records_.fetch_sub(1);
    if (kafka::is_retryable(delivery.error)) {
      spdlog::warn("publishing {}:{} failed ({}); it will be published again", campaign.spec.campaign_id,
                   ticket->index, RdKafka::err2str(delivery.error));
    } else if (reported_errors_.insert(delivery.error).second) {
      // Not transient (authorisation, a record too large, ...): say once how to fix it; publishing
      // goes on trying, so that a fix made while the gateway runs takes effect.
      spdlog::error("{}", kafka::explain_error(delivery.error, "publish to " + topics_.messages));
    }
    if (ticket->partition >= 0) planner_.on_finished(ticket->partition);
    campaign.retry.push_back(ticket->index);
    if (std::find(queue_.begin(), queue_.end(), ticket->campaign) == queue_.end()) queue_.push_back(ticket->campaign);
    return;
  }
  if (ticket->partition < 0) planner_.on_dispatched(delivery.partition);
  last_published_ms_.store(now_ms());
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
    try {
      producer_->produce(topics_.campaigns, kafka::Producer::kAnyPartition, records::progress_key(progress.campaign_id),
                         records::encode_progress(progress), nullptr);
    } catch (const kafka::KafkaError& e) {
      // A later checkpoint supersedes this one; without any, a restart re-publishes a longer tail.
      spdlog::warn("checkpoint of {} not written: {}", progress.campaign_id, e.what());
    }
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
    if (lag_reader_->committed(tps, 2000) != RdKafka::ERR_NO_ERROR) {
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
      // A legacy group's committed offsets are not the senders' group's: its queues move with
      // its reports (on_legacy_finished) only.
      if (planner_.is_legacy_partition(partition)) continue;
      const auto upper = lag + std::max<std::int64_t>(0, unacked_per_partition_[partition]);
      const auto estimate = planner_.outstanding(partition);
      if (estimate > upper || upper - estimate > 64) planner_.set_outstanding(partition, upper);
    }
  } catch (const std::exception& e) {
    spdlog::debug("reconciling outstanding messages: {}", e.what());
  }
}

void Dispatcher::measure_foreign_records() {
  try {
    // Bounded even while a broker is lost (kafka/watermarks.hpp): this runs on the publishing thread,
    // and rd_kafka_query_watermark_offsets would stall it for minutes after a leader dies.
    const int partitions = admin_->partition_count(topics_.messages).value_or(0);
    const auto marks = kafka::query_watermarks(lag_reader_->c_ptr(), topics_.messages, std::chrono::seconds(2));
    if (static_cast<int>(marks.size()) < partitions) return;  // a leader is unreachable: measure next round
    std::int64_t appended = 0;
    for (const auto& [p, m] : marks) {
      const auto it = end_offsets_at_start_.find(p);
      appended += std::max<std::int64_t>(0, m.high - (it == end_offsets_at_start_.end() ? 0 : it->second));
    }
    std::int64_t foreign = 0;
    {
      std::lock_guard lock(mutex_);
      foreign = appended - own_records_.load() - invalid_since_start_;
    }
    statistics_.set_foreign_records(static_cast<std::uint64_t>(std::max<std::int64_t>(0, foreign)));
  } catch (const std::exception& e) {
    spdlog::debug("measuring records of other producers: {}", e.what());
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
