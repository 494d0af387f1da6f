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

namespace smsim::kafka {

struct Delivery {
  RdKafka::ErrorCode error = RdKafka::ERR_NO_ERROR;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  void* opaque = nullptr;  // what produce() was given
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

  /// Enqueues a record; when librdkafka's queue is full it polls until there is room (back-pressure).
  /// Throws KafkaError for anything else (see try_produce).
  void produce(const std::string& topic, std::int32_t partition, std::string_view key, std::string_view value,
               void* opaque = nullptr);
  /// Like produce(), but returns librdkafka's error instead of throwing; e.g. ERR__UNKNOWN_PARTITION
  /// for a partition created a moment ago that this producer's metadata does not show yet.
  RdKafka::ErrorCode try_produce(const std::string& topic, std::int32_t partition, std::string_view key,
                                 std::string_view value, void* opaque = nullptr);
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
  std::unique_ptr<RdKafka::Producer> producer_;
};

}  // namespace smsim::kafka
