#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace smsim::broker {

/// Everything that decides how the local single-node KRaft broker runs. Defaults are the product's
/// defaults (README, "The local broker").
struct BrokerSettings {
  std::filesystem::path state_dir;       // the broker lives in <state_dir>/kafka-<port>
  std::string host = "127.0.0.1";        // both listeners bind here only
  std::uint16_t port = 9092;             // client listener
  std::uint16_t controller_port = 0;     // KRaft controller listener; 0 means port + 1
  std::filesystem::path kafka_lib_dir;   // the jars copied by kafka/pom.xml
  std::string java = "java";             // a name looked up in PATH (or $JAVA_HOME/bin/java), or a path
  std::string heap = "512m";             // -Xms and -Xmx of the broker JVM
  std::chrono::milliseconds start_timeout{60'000};
  std::chrono::milliseconds stop_timeout{30'000};
  std::map<std::string, std::string> overrides;  // server.properties entries that win over ours

  std::uint16_t effective_controller_port() const {
    return controller_port != 0 ? controller_port : static_cast<std::uint16_t>(port + 1);
  }
  std::string bootstrap_servers() const { return host + ":" + std::to_string(port); }
};

/// The files of one broker instance, all below one root folder.
struct BrokerLayout {
  std::filesystem::path root;

  std::filesystem::path data_dir() const { return root / "data"; }
  std::filesystem::path logs_dir() const { return root / "logs"; }
  std::filesystem::path server_properties() const { return root / "server.properties"; }
  std::filesystem::path log4j_properties() const { return root / "log4j.properties"; }
  std::filesystem::path pid_file() const { return root / "broker.pid"; }
  std::filesystem::path console_log() const { return logs_dir() / "console.log"; }
  std::filesystem::path server_log() const { return logs_dir() / "server.log"; }
  std::filesystem::path format_log() const { return logs_dir() / "format.log"; }
  /// Written by Kafka's storage tool; its presence means the storage is formatted.
  std::filesystem::path meta_properties() const { return data_dir() / "meta.properties"; }

  static BrokerLayout for_settings(const BrokerSettings& s) {
    return {s.state_dir / ("kafka-" + std::to_string(s.port))};
  }
};

}  // namespace smsim::broker
