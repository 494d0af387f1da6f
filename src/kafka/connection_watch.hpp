#pragma once
// Whether a librdkafka client is connected to the cluster, from its own statistics: installed as
// the client's event callback with statistics.interval.ms set, it reads each statistics report
// and notes whether some broker (a real node, not a bootstrap address) is in state UP and has sent
// something within the last 5 s. Meant for a consumer, whose fetches come back every few
// milliseconds. Errors and log lines are forwarded like QuietEventCb does.
//
// Threads: event_cb runs on whichever thread polls the client; the accessors are atomics, readable
// from any thread.
#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <cstdint>
#include <string_view>

namespace smsim::kafka {

class ConnectionWatch final : public RdKafka::EventCb {
 public:
  /// The statistics interval to configure on the client (statistics.interval.ms).
  static constexpr int kStatisticsIntervalMs = 1000;
  static constexpr std::int64_t kMaxReceiveIdleUs = 5'000'000;

  void event_cb(RdKafka::Event& event) override;
  /// Feeds one statistics report (librdkafka's JSON); public for tests.
  void on_statistics(std::string_view json, std::int64_t now_ms);

  /// Wall-clock ms of the last report that showed a broker UP; 0: never.
  std::int64_t last_connected_ms() const { return last_connected_ms_.load(); }
  /// Wall-clock ms of the last statistics report of any kind; 0: none yet.
  std::int64_t last_report_ms() const { return last_report_ms_.load(); }
  bool connected() const { return connected_.load(); }

 private:
  std::atomic<std::int64_t> last_connected_ms_{0};
  std::atomic<std::int64_t> last_report_ms_{0};
  std::atomic<bool> connected_{false};
};

}  // namespace smsim::kafka
