#pragma once
// The `smsim up` config file (TOML): gateway settings, the campaign to start, and the sender
// pools, each started as its own `smsim sender` program. See config/smsim.toml.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sender/sender_settings.hpp"

namespace smsim::app {

/// The [smsc] table: an `smsim smsc` that `smsim up` starts (pools reach it with smsc = "local").
struct UpSmsc {
  int port = 2775;
  int metrics_port = 2776;
  std::vector<std::string> accounts = {"smsim:secret"};  // system_id:password[:max_per_second]
  std::string mean = "20ms", stddev = "10ms", distribution = "normal";
  double failure_rate = 0.02;
  std::string receipt_delay = "1s";
  int window = 100;
};

struct UpConfig {
  int gateway_port = 5000;
  std::string dispatch = "credit";
  std::uint64_t campaign_messages = 1000;  // 0: no campaign
  int campaign_max_length = 100;
  std::optional<UpSmsc> smsc;
  std::vector<sender::SenderSettings> pools;
  /// Pools whose smsc is "local" (the [smsc] one); their address follows the SMSC's port.
  std::vector<bool> pool_uses_local_smsc;
};

/// Parses and validates; throws InvalidArgument naming the file, the key and what is wrong.
UpConfig parse_up_config(const std::string& toml_text, const std::string& source_name);
UpConfig load_up_config(const std::filesystem::path& file);

/// The flags that start one pool as `smsim sender ...` (without the Kafka flags).
std::vector<std::string> sender_arguments(const sender::SenderSettings& pool);

/// The flags that start the [smsc] as `smsim smsc ...`.
std::vector<std::string> smsc_arguments(const UpSmsc& smsc);

}  // namespace smsim::app
