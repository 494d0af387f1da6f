#pragma once
// Publishes the messages of accepted campaigns to sms-messages, where capacity is.
//
// A campaign is a spec (id, seed, count, text settings) recorded in sms-campaigns before it was
// accepted; its messages are generated on demand (MessageGenerator::at), so a 10M campaign costs
// no memory. In `credit` mode (default) each message goes to a partition chosen by the
// DispatchPlanner (a live sender with room in its queue); in `eager` mode, the original
// exercise's behaviour, everything is published at once, spread by key hash. Every publish is
// acks=all through an idempotent producer; the durable prefix of each campaign is checkpointed to
// sms-campaigns so a restarted gateway resumes where it was (re-publishing at most the unconfirmed
// tail; duplicates carry the same message id and are counted once).
//
// Members of other consumer groups on the topic (the original exercise's senders, found by
// LegacyGroupWatcher) are senders with a fixed credit. Every second it also measures what other
// producers appended to the topic (DeliveryStatistics::set_foreign_records).
//
// Lifecycle: add campaigns and feed heartbeats/finishes at any time; start() runs the publishing
// thread, stop() joins it. Threads: public methods are thread-safe (one mutex); librdkafka
// delivery callbacks run on the publishing thread.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "common/liveness.hpp"
#include "domain/delivery_statistics.hpp"
#include "domain/dispatch_planner.hpp"
#include "domain/message_generator.hpp"
#include "kafka/producer.hpp"
#include "kafka/topic_admin.hpp"
#include "kafka/topics.hpp"
#include "records/records.hpp"

namespace RdKafka {
class KafkaConsumer;
}

namespace smsim::gateway {

enum class DispatchMode { Credit, Eager };

struct CampaignView {
  records::CampaignSpec spec;
  std::uint64_t published = 0;   // durable in sms-messages (contiguous prefix)
  std::uint64_t dispatched = 0;  // handed to the producer
};

class Dispatcher {
 public:
  Dispatcher(const kafka::ClientConfig& config, kafka::TopicNames topics, std::string sender_group,
             DispatchMode mode, domain::DeliveryStatistics& statistics, int legacy_credit = 5);
  ~Dispatcher();

  /// A campaign to publish, resuming after `published` messages already durable.
  void add_campaign(const records::CampaignSpec& spec, std::uint64_t published);
  void on_heartbeat(const records::Heartbeat& heartbeat);
  /// A message read from `partition` was reported finished for the first time.
  void on_finished(std::int32_t partition);
  /// Members of other consumer groups on the messages topic, as found now (LegacyGroupWatcher):
  /// each gets `legacy_credit` messages queued at a time.
  void on_legacy_members(const std::vector<domain::LegacyMember>& members);
  /// Legacy senders reported `n` more messages finished (their records name no partition).
  void on_legacy_finished(std::uint64_t n);
  /// A record of the messages topic was dead-lettered (it is not a message anyone will count).
  void on_dead_lettered_message(std::int32_t partition, std::int64_t offset);

  void start();
  void stop();

  std::vector<CampaignView> campaigns() const;
  std::optional<CampaignView> campaign(const std::string& id) const;
  int live_senders() const;
  std::int64_t outstanding() const;
  struct LegacyMemberView {
    domain::LegacyMember member;
    std::int64_t queued = 0;  // messages outstanding on its partitions
  };
  std::vector<LegacyMemberView> legacy_members() const;
  DispatchMode mode() const { return mode_; }
  /// The publishing thread's beats and death (for /healthz).
  const Liveness& liveness() const { return liveness_; }
  /// Wall-clock ms of the last message Kafka confirmed; 0: none yet.
  std::int64_t last_published_ms() const { return last_published_ms_.load(); }

 private:
  struct Campaign {
    records::CampaignSpec spec;
    domain::MessageGenerator generator;
    std::uint64_t next_index = 0;     // next never-dispatched index
    std::deque<std::uint64_t> retry;  // indices whose publish failed
    std::set<std::uint64_t> unacked;  // dispatched, not yet durable
    std::uint64_t checkpointed = 0;
    std::chrono::steady_clock::time_point next_due{};  // pacing of rate-limited campaigns
    std::uint64_t durable() const { return unacked.empty() ? next_index : *unacked.begin(); }
    bool has_work() const { return !retry.empty() || next_index < spec.count; }
  };
  struct Ticket;  // per published record, carried through librdkafka

  void run();
  /// Publishes one picked message (and its join record); on failure undoes the pick. Dispatcher thread.
  bool publish(const std::shared_ptr<Campaign>& campaign, std::uint64_t index, std::int32_t partition,
               std::int64_t produced_at);
  void on_delivery(const kafka::Delivery& delivery);
  void checkpoint(std::int64_t now_ms);
  void grow_partitions_if_needed(std::int64_t now_ms);
  void reconcile_outstanding();
  /// Records on the messages topic since start that this gateway did not write (another producer).
  void measure_foreign_records();

  kafka::ClientConfig config_;
  kafka::TopicNames topics_;
  std::string sender_group_;
  DispatchMode mode_;
  domain::DeliveryStatistics& statistics_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  domain::DispatchPlanner planner_;
  std::map<std::string, std::shared_ptr<Campaign>> campaigns_;
  std::deque<std::shared_ptr<Campaign>> queue_;  // campaigns with work, oldest first
  std::map<std::int32_t, std::int64_t> unacked_per_partition_;
  std::set<int> reported_errors_;  // non-retriable delivery errors already explained in the log
  int partitions_ = 0;
  int legacy_credit_ = 5;
  // For measure_foreign_records: end offsets at start, our records written (or on their way) since,
  // and records since start that were dead-lettered.
  std::map<std::int32_t, std::int64_t> end_offsets_at_start_;
  std::atomic<std::int64_t> own_records_{0};  // atomic: counted per publish, outside the lock
  std::int64_t invalid_since_start_ = 0;      // guarded by mutex_
  bool running_ = false;

  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<kafka::TopicAdmin> admin_;
  std::unique_ptr<RdKafka::KafkaConsumer> lag_reader_;  // reads the senders' committed offsets
  Liveness liveness_;
  std::atomic<std::int64_t> last_published_ms_{0};
  std::thread thread_;
};

std::int64_t now_ms();

}  // namespace smsim::gateway
