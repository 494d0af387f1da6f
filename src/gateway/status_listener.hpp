#pragma once
// The gateway's background thread on sender-status-updates (the original's daemon thread) and
// message-status (the tracker's output, for the funnel and message lookups): it
// replays the topic from the beginning at every start — so the figures survive a gateway restart
// exactly — and then follows it, feeding DeliveryStatistics (counted once per message id) and the
// Dispatcher (heartbeats, and which sender queue just got shorter). It also reads
// smsim-status-updates (the statuses of `--legacy-status` senders, whose legacy records on the status
// topic carry records::kLegacyMirrorHeader and are skipped: counted once, by id), hands legacy
// finishes back to the dispatcher as credit, and logs the first anomaly once.
//
// Lifecycle: start() spawns the thread; wait_caught_up() blocks until the replay reached the end
// offsets as of start; stop() joins. Threads: one consumer thread; the counters are atomics.
#include <atomic>
#include <optional>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <set>
#include <thread>

#include "common/liveness.hpp"
#include "domain/delivery_statistics.hpp"
#include "gateway/dispatcher.hpp"
#include "gateway/message_state_view.hpp"
#include "kafka/client_config.hpp"
#include "kafka/connection_watch.hpp"
#include "kafka/topics.hpp"

namespace smsim::gateway {

class StatusListener {
 public:
  StatusListener(const kafka::ClientConfig& config, kafka::TopicNames topics, domain::DeliveryStatistics& statistics,
                 Dispatcher& dispatcher, MessageStateView& message_states);
  ~StatusListener();

  void start();
  /// True once every record present at start has been read (or the timeout passed: false).
  bool wait_caught_up(std::chrono::milliseconds timeout);
  void stop();

  std::uint64_t records_read() const { return records_.load(); }
  std::uint64_t invalid_records() const { return invalid_.load(); }
  /// Distinct records on the dead-letter topic, put there by any smsim process.
  std::uint64_t dead_letters() const { return dead_letters_.load(); }
  /// Records behind the end of the topic, as of the last check (for /metrics).
  std::int64_t lag() const { return lag_.load(); }
  /// True once the replay at start has reached the end offsets (then the figures are complete).
  bool caught_up() const {
    std::lock_guard lock(mutex_);
    return caught_up_;
  }
  /// The consumer thread's beats and death (for /healthz).
  const Liveness& liveness() const { return liveness_; }
  /// This consumer's view of its broker connections (librdkafka statistics).
  const kafka::ConnectionWatch& connection() const { return connection_; }
  /// Wall-clock ms of the last record read; 0: none yet.
  std::int64_t last_record_ms() const { return last_record_ms_.load(); }

 private:
  void run();
  /// Applies one status-topic record; returns why it is invalid (then dead-letter it), else nullopt.
  /// `mirrored`: a legacy record that repeats statuses we count by id (records::kLegacyMirrorHeader).
  std::optional<std::string> handle(const char* data, std::size_t size, bool mirrored);
  void on_dead_letter_key(const std::string& key);
  void log_anomalies_once();
  void count_invalid(const std::string& topic, const std::string& why);

  kafka::ClientConfig config_;
  kafka::TopicNames topics_;
  domain::DeliveryStatistics& statistics_;
  Dispatcher& dispatcher_;
  MessageStateView& message_states_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> records_{0};
  std::atomic<std::uint64_t> invalid_{0};
  std::atomic<std::int64_t> lag_{0};
  std::atomic<std::uint64_t> dead_letters_{0};
  std::set<std::string> dead_letter_keys_;  // guarded by mutex_
  bool anomaly_logged_ = false;             // listener thread only
  mutable std::mutex mutex_;
  std::condition_variable caught_up_cv_;
  bool caught_up_ = false;
  Liveness liveness_;
  kafka::ConnectionWatch connection_;
  std::atomic<std::int64_t> last_record_ms_{0};
  std::thread thread_;
};

/// Reads sms-campaigns from the beginning to its end: every accepted campaign with its checkpoint.
struct StoredCampaign {
  records::CampaignSpec spec;
  std::uint64_t published = 0;
};
std::vector<StoredCampaign> load_campaigns(const kafka::ClientConfig& config, const std::string& topic);

}  // namespace smsim::gateway
