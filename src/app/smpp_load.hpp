#pragma once
// `smsim smpp-load`: how many submit_sm per second an SMSC answers. N sessions bind as
// transmitters and each keeps `window` submit_sm outstanding until `count` have been answered.
// It measures the SMSC, not smsim's sender: no Kafka, pre-encoded PDUs, one I/O thread.
#include <cstdint>
#include <map>
#include <string>

namespace smsim::app {

struct LoadSettings {
  std::string host = "127.0.0.1";
  int port = 2775;
  std::string system_id = "smsim", password = "secret";
  int sessions = 1;
  int window = 100;
  std::uint64_t count = 100'000;
  std::string text = "smsim load test message";
  double timeout_s = 300;
};

struct LoadResult {
  std::uint64_t answered = 0, accepted = 0;
  std::map<std::string, std::uint64_t> errors;  // by status name
  double seconds = 0;                           // first submit_sm to last answer
  double per_second() const { return seconds > 0 ? answered / seconds : 0; }
};

/// Throws Error when a session cannot connect or bind, or the run does not finish in time.
LoadResult run_load(const LoadSettings& settings);

}  // namespace smsim::app
