#pragma once
#include <cstdint>
#include <string>

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
  std::string group = "smsim-senders";
  kafka::ClientConfig kafka;
  kafka::TopicNames topics;
};

}  // namespace smsim::sender
