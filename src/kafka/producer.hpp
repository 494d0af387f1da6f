#pragma once
// An RAII librdkafka producer with a delivery callback per record.
//
// Lifecycle: created with its config; the destructor flushes for up to 10 s. Threads: produce()
// may be called from any thread; delivery callbacks run inside poll()/flush() on the caller's
// thread, so whoever polls owns the callback's side effects.
#include <librdkafka/rdkafkacpp.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kafka/client_config.hpp"
#include "kafka/error_policy.hpp"

namespace smsim::kafka {

struct Delivery {
  RdKafka::ErrorCode error = RdKafka::ERR_NO_ERROR;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  void* opaque = nullptr;  // what produce() was given
  /// Whether the broker has the record: PERSISTED on success; on failure NOT_PERSISTED (it never
  /// got there) or POSSIBLY_PERSISTED (sent, but no answer came: it may be there).
  RdKafka::Message::Status persisted = RdKafka::Message::MSG_STATUS_NOT_PERSISTED;
};

class Producer {
 public:
  using DeliveryHandler = std::function<void(const Delivery&)>;
  static constexpr std::int32_t kAnyPartition = -1;  // RdKafka::Topic::PARTITION_UA: let the key hash decide

  /// `defaults` are smsim's settings for this producer; the user's pass-through properties win.
  Producer(const ClientConfig& config, const std::map<std::string, std::string>& defaults, DeliveryHandler on_delivery);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  /// Enqueues a record. When librdkafka's queue is full it polls (serving delivery callbacks) and
  /// tries again with backoff, within the retry policy's budget (back-pressure, bounded). Throws
  /// KafkaError saying what to do when the budget is spent or the error is not retriable.
  void produce(const std::string& topic, std::int32_t partition, std::string_view key, std::string_view value,
               void* opaque = nullptr);
  /// Like produce(), but returns librdkafka's error instead of throwing; e.g. ERR__UNKNOWN_PARTITION
  /// for a partition created a moment ago that this producer's metadata does not show yet.
  RdKafka::ErrorCode try_produce(const std::string& topic, std::int32_t partition, std::string_view key,
                                 std::string_view value, void* opaque = nullptr);
  /// One attempt, no retry: for callers that must answer at once (an HTTP request).
  RdKafka::ErrorCode produce_once(const std::string& topic, std::int32_t partition, std::string_view key,
                                  std::string_view value, void* opaque = nullptr);
  void set_retry_policy(const RetryPolicy& policy) { retry_ = policy; }
  /// librdkafka's fatal error (idempotent producer), or ERR_NO_ERROR; `reason` gets its text.
  RdKafka::ErrorCode fatal_error(std::string& reason) const;
  /// Throws KafkaError saying how to fix it if the producer has hit a fatal error: it can produce
  /// nothing any more, and only a new process (a new producer) recovers.
  void throw_if_fatal(std::string_view what) const;
  /// librdkafka's own testing hook (rd_kafka_test_fatal_error): makes the producer fatal. Tests only.
  void inject_fatal_error_for_tests(const std::string& reason);
  /// produce() with one record header (name, value): e.g. the mark on a `--legacy-status` sender's
  /// legacy record that tells smsim's gateway not to count it (docs/design.md).
  void produce_with_header(const std::string& topic, std::string_view key, std::string_view value,
                           const std::string& header_name, std::string_view header_value);
  void poll(int timeout_ms);
  /// True if every queued record was delivered (or failed) within the timeout.
  bool flush(int timeout_ms);
  int queued() const;

 private:
  class Callback : public RdKafka::DeliveryReportCb {
   public:
    explicit Callback(DeliveryHandler handler) : handler_(std::move(handler)) {}
    void dr_cb(RdKafka::Message& message) override;

   private:
    DeliveryHandler handler_;
  };
  Callback callback_;
  QuietEventCb events_;
  RetryPolicy retry_;
  std::unique_ptr<RdKafka::Producer> producer_;
};

}  // namespace smsim::kafka
