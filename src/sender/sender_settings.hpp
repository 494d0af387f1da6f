#pragma once
#include <cstdint>
#include <string>

#include "common/duration.hpp"
#include "domain/timing_model.hpp"
#include "kafka/client_config.hpp"
#include "kafka/topics.hpp"

namespace smsim::sender {

/// One sender program's settings (`smsim sender` flags, or one [[pool]] of the `smsim up` config).
/// Every thread of the program shares them; each thread gets its own id and seed.
struct SenderSettings {
  std::string name = "sender";  // prefix of the sender ids
  int senders = 1;              // threads, each a consumer in `group`
  domain::TimingSettings timing;
  double failure_rate = 0.0;
  int window = 1;               // messages in flight per sender (1: one at a time, like the original)
  std::uint64_t seed = 0;       // 0: random
  // The simulated supplier's delivery reports, one per accepted part, after about `report_delay`
  // (exponentially distributed), with these shares of DELIVRD / UNDELIV / EXPIRED.
  bool delivery_reports = true;
  Duration report_delay = std::chrono::seconds(1);
  double delivered_share = 0.90, undelivered_share = 0.07, expired_share = 0.03;
  // Write only the original exercise's cumulative record to topics.status; statuses, heartbeats
  // and submit responses go to topics.smsim_status (sender/legacy_status.hpp).
  bool legacy_status = false;
  std::string group = "smsim-senders";
  kafka::ClientConfig kafka;
  kafka::TopicNames topics;
};

}  // namespace smsim::sender
