#pragma once
// Makes an accepted campaign durable in sms-campaigns before anyone is told "accepted", without
// holding a thread while Kafka answers.
//
// submit() queues the campaign's record and returns at once; `done` is called once, when Kafka has
// answered, with a truthful outcome taken from librdkafka's delivery report:
//   Accepted    - the record is persisted (on_durable ran first: the campaign is being dispatched);
//   NotAccepted - the record is certainly not in Kafka (never sent, or refused): nothing happened;
//   Unknown     - no answer within the delivery timeout, but it may have been written. The intake
//                 keeps writing it (with backoff) until Kafka confirms, then runs it (on_durable);
//                 the client watches the status URL instead of posting again.
// The state of each write lives on the heap, owned by the intake and handed to librdkafka as the
// delivery report's opaque; it is freed when the write is resolved or the intake goes away.
//
// Lifecycle: start() spawns the thread that polls the producer (delivery reports, re-writes);
// stop() joins it after a short flush. Threads: submit() from any thread (HTTP I/O threads);
// `done` and on_durable run on the intake's thread (or at once on the caller's, when the record
// cannot even be queued).
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/liveness.hpp"
#include "kafka/client_config.hpp"
#include "kafka/error_policy.hpp"
#include "records/records.hpp"

namespace smsim::kafka {
class Producer;
struct Delivery;
}  // namespace smsim::kafka

namespace smsim::gateway {

class CampaignIntake {
 public:
  enum class Outcome { Accepted, NotAccepted, Unknown };
  using Done = std::function<void(Outcome, const std::string& detail)>;
  using OnDurable = std::function<void(const records::CampaignSpec&)>;

  CampaignIntake(const kafka::ClientConfig& config, std::string topic, std::chrono::milliseconds delivery_timeout,
                 OnDurable on_durable);
  ~CampaignIntake();

  void start();
  void stop();
  void submit(const records::CampaignSpec& spec, Done done);

  const Liveness& liveness() const { return liveness_; }
  /// Campaigns whose write Kafka has not confirmed yet (Unknown ones still being re-written included).
  std::size_t unresolved() const;
  std::chrono::milliseconds delivery_timeout() const { return delivery_timeout_; }

 private:
  struct Write {
    records::CampaignSpec spec;
    std::string value;
    Done done;  // empty once called
    int attempt = 0;
    std::chrono::steady_clock::time_point retry_at{};  // when a re-write is due (Unknown ones)
    bool queued = false;                               // in librdkafka now
  };
  void on_delivery(const kafka::Delivery& delivery);
  void run();
  void rewrite_due();

  std::string topic_;
  std::chrono::milliseconds delivery_timeout_;
  OnDurable on_durable_;
  kafka::RetryPolicy rewrite_backoff_{std::chrono::milliseconds(500), std::chrono::milliseconds(10'000), {}};
  mutable std::mutex mutex_;
  std::map<std::uint64_t, std::unique_ptr<Write>> writes_;  // by serial; the opaque points into it
  std::uint64_t next_serial_ = 1;
  std::atomic<bool> stop_{false};
  std::atomic<bool> detached_{false};  // after stop(): late delivery reports only free their state
  Liveness liveness_;
  std::unique_ptr<kafka::Producer> producer_;  // after writes_: destroyed (and flushed) first
  std::thread thread_;
};

}  // namespace smsim::gateway
