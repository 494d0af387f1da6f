#include "broker/broker_files.hpp"

#include <array>
#include <fmt/format.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace smsim::broker {

std::string render_server_properties(const BrokerSettings& settings, const ClusterPlan& plan, const NodePlan& node) {
  const std::string& host = plan.host;
  const int nodes = static_cast<int>(plan.nodes.size());
  const int replicas = std::min(3, nodes);
  // Ordered: reading the file top to bottom tells the story of the node.
  std::vector<std::pair<std::string, std::string>> entries = {
      {"process.roles", "broker,controller"},
      {"node.id", std::to_string(node.id)},
      {"controller.quorum.voters", plan.quorum_voters},
      {"listeners", fmt::format("PLAINTEXT://{}:{},CONTROLLER://{}:{}", host, node.port, host, node.controller_port)},
      {"advertised.listeners", fmt::format("PLAINTEXT://{}:{}", host, node.port)},
      {"controller.listener.names", "CONTROLLER"},
      {"inter.broker.listener.name", "PLAINTEXT"},
      {"listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"},
      {"log.dirs", node.layout.data_dir().string()},
      // Internal topics get as many replicas as the cluster can hold, up to 3 (a single node cannot
      // replicate); with 3, committing offsets survives the loss of one node.
      {"offsets.topic.replication.factor", std::to_string(replicas)},
      {"transaction.state.log.replication.factor", std::to_string(replicas)},
      {"transaction.state.log.min.isr", std::to_string(replicas >= 3 ? 2 : 1)},
      // Fewer offsets partitions: the first consumer group on a fresh broker is ready in ~1 s, not ~5.
      {"offsets.topic.num.partitions", "10"},
      // Senders join one by one; waiting 3 s before the first rebalance only delays a campaign.
      {"group.initial.rebalance.delay.ms", "0"},
      // smsim creates its topics with the partition counts it needs; typos must not create topics.
      {"auto.create.topics.enable", "false"},
      {"num.partitions", "1"},
  };
  if (nodes > 1) {
    // Topics created by other tools (kafka-topics, ProducerPerformance) get the same durability
    // as smsim's own: acks=all then means "on at least 2 of 3 nodes".
    entries.emplace_back("default.replication.factor", std::to_string(replicas));
    entries.emplace_back("min.insync.replicas", std::to_string(replicas >= 3 ? 2 : 1));
  }
  // Kafka's defaults (8 I/O and 3 network threads) are for a server of its own; on a small machine
  // shared with the services they mostly add context switches (measured: docs/benchmarks.md).
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (cores <= 4) {
    entries.emplace_back("num.io.threads", std::to_string(std::max(2u, cores)));
    entries.emplace_back("num.network.threads", "2");
  }
  for (const auto& [name, value] : settings.overrides) {
    bool replaced = false;
    for (auto& entry : entries) {
      if (entry.first == name) {
        entry.second = value;
        replaced = true;
      }
    }
    if (!replaced) entries.emplace_back(name, value);
  }
  std::string out = "# Written by `smsim kafka start` on every start; edit with --broker-config name=value.\n";
  for (const auto& [name, value] : entries) out += fmt::format("{}={}\n", name, value);
  return out;
}

std::string render_log4j_properties(const BrokerLayout& layout) {
  return fmt::format(
      "# Written by `smsim kafka start`.\n"
      "log4j.rootLogger=INFO, file\n"
      "log4j.appender.file=org.apache.log4j.RollingFileAppender\n"
      "log4j.appender.file.File={}\n"
      "log4j.appender.file.MaxFileSize=20MB\n"
      "log4j.appender.file.MaxBackupIndex=3\n"
      "log4j.appender.file.layout=org.apache.log4j.PatternLayout\n"
      "log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n\n"
      "log4j.logger.kafka.request.logger=WARN\n"
      "log4j.logger.state.change.logger=WARN\n"
      "log4j.logger.kafka.controller=INFO\n"
      "log4j.logger.org.apache.kafka.raft=INFO\n",
      layout.server_log().string());
}

namespace {
std::string encode_uuid(std::mt19937_64& random) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::array<unsigned char, 16> bytes{};
  for (auto& b : bytes) b = static_cast<unsigned char>(random() & 0xff);
  std::string out;
  // 16 bytes = 5 groups of 3 bytes (20 chars) + 1 byte (2 chars), no padding.
  for (std::size_t i = 0; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const unsigned last = bytes[15];
  out += kAlphabet[(last >> 2) & 63];
  out += kAlphabet[(last << 4) & 63];
  return out;
}
}  // namespace

std::string new_cluster_id(std::mt19937_64& random) {
  std::string out;
  // Like Kafka's Uuid.randomUuid(): never zero, and never starting with '-', which command-line
  // parsers (kafka-storage's among them) would read as an option.
  while (out.empty() || out.front() == '-' || out == "AAAAAAAAAAAAAAAAAAAAAA") {
    out = encode_uuid(random);
  }
  return out;
}


}  // namespace smsim::broker
