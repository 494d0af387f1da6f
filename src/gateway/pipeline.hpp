#pragma once
// The gateway's working parts, owned in dependency order so that nothing can outlive what it uses:
// the views (statistics, message states) first, then the threads that write to them. Destruction
// runs in reverse, and stop() (also called by the destructor) joins every thread before any member
// goes: a failed start() can never leave a thread writing to a destroyed view.
//
// Lifecycle: start() creates every part (what can throw: Kafka clients, topics, the campaign
// replay) before it starts any thread, then starts the threads and waits (at most 60 s) for the
// status replay; started() turns true at its end. stop() is idempotent.
// Threads: start()/stop() from one thread (the gateway's run()); once started() is true, the parts
// are only read (their methods are thread-safe) by HTTP threads.
#include <atomic>
#include <memory>

#include "domain/delivery_statistics.hpp"
#include "gateway/campaign_intake.hpp"
#include "gateway/dispatcher.hpp"
#include "gateway/gateway_service.hpp"
#include "gateway/health.hpp"
#include "gateway/legacy_groups.hpp"
#include "gateway/message_state_view.hpp"
#include "gateway/status_listener.hpp"
#include "kafka/cluster_inspector.hpp"
#include "tracker/tracker_service.hpp"

namespace smsim::gateway {

class Pipeline {
 public:
  explicit Pipeline(const GatewaySettings& settings) : settings_(settings) {}
  ~Pipeline() { stop(); }
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  void start();
  void stop();
  bool started() const { return started_.load(std::memory_order_acquire); }

  const GatewaySettings& settings() const { return settings_; }
  // Valid once started().
  domain::DeliveryStatistics& statistics() { return statistics_; }
  MessageStateView& message_states() { return message_states_; }
  Dispatcher& dispatcher() { return *dispatcher_; }
  StatusListener& listener() { return *listener_; }
  CampaignIntake& intake() { return *intake_; }
  kafka::ClusterInspector& inspector() { return *inspector_; }

  /// The components' reports for /healthz (only the start time before started()).
  HealthInputs health_inputs(std::int64_t now) const;

 private:
  const GatewaySettings& settings_;
  std::int64_t created_at_ms_ = Liveness::wall_ms();
  // Views: written by the threads below, read by HTTP threads. Declared first, destroyed last.
  domain::DeliveryStatistics statistics_;
  MessageStateView message_states_;
  // Threads, each using only what is declared above it.
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<StatusListener> listener_;
  std::unique_ptr<tracker::TrackerService> tracker_;
  std::unique_ptr<CampaignIntake> intake_;
  std::unique_ptr<kafka::ClusterInspector> inspector_;
  std::unique_ptr<LegacyGroupWatcher> legacy_groups_;
  std::atomic<bool> started_{false};
  bool stopped_ = false;
};

}  // namespace smsim::gateway
