#pragma once
// The `smsim up` config file (TOML): gateway settings, the campaign to start, and the sender
// pools, each started as its own `smsim sender` program. See config/smsim.toml.
#include <filesystem>
#include <string>
#include <vector>

#include "sender/sender_settings.hpp"

namespace smsim::app {

struct UpConfig {
  int gateway_port = 5000;
  std::string dispatch = "credit";
  std::uint64_t campaign_messages = 1000;  // 0: no campaign
  int campaign_max_length = 100;
  std::vector<sender::SenderSettings> pools;
};

/// Parses and validates; throws InvalidArgument naming the file, the key and what is wrong.
UpConfig parse_up_config(const std::string& toml_text, const std::string& source_name);
UpConfig load_up_config(const std::filesystem::path& file);

/// The flags that start one pool as `smsim sender ...` (without the Kafka flags).
std::vector<std::string> sender_arguments(const sender::SenderSettings& pool);

}  // namespace smsim::app
