#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace smsim::broker {

/// Everything that decides how the local KRaft Kafka runs: one node by default, or a cluster of
/// `brokers` nodes, each a combined broker and controller. Defaults are the product's defaults
/// (README, "The local broker"); the node layout derived from them is in cluster_plan.hpp.
struct BrokerSettings {
  std::filesystem::path state_dir;       // everything lives in <state_dir>/kafka-<port>
  std::string host = "127.0.0.1";        // every listener binds (and is advertised) here only
  std::uint16_t port = 9092;             // client listener of node 1; node n listens on port + n - 1
  std::uint16_t controller_port = 0;     // controller listener of node 1; 0 means port + brokers
  int brokers = 0;                       // nodes; 0 means as many as <state_dir>/kafka-<port> holds, else 1
  std::filesystem::path kafka_lib_dir;   // the jars copied by kafka/pom.xml
  std::string java = "java";             // a name looked up in PATH (or $JAVA_HOME/bin/java), or a path
  std::string heap = "512m";             // -Xms and -Xmx of each node's JVM
  std::chrono::milliseconds start_timeout{60'000};
  std::chrono::milliseconds stop_timeout{30'000};
  std::map<std::string, std::string> overrides;  // server.properties entries that win over ours (every node)
  // Tests only: the name of a network namespace (`ip netns`) the JVMs run in; empty: ours.
  std::string network_namespace;
};

/// The files of one node, all below one root folder.
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
  /// The KRaft election state (leader, epoch, vote) the node persists on every change.
  std::filesystem::path quorum_state() const { return data_dir() / "__cluster_metadata-0" / "quorum-state"; }

  /// The folder of the whole installation (one node or a cluster): <state_dir>/kafka-<port>.
  static BrokerLayout for_settings(const BrokerSettings& s) {
    return {s.state_dir / ("kafka-" + std::to_string(s.port))};
  }
};

}  // namespace smsim::broker
