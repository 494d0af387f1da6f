#pragma once
// Where each node of the local Kafka lives: its id, ports and folder, the quorum's voters and the
// bootstrap list. Pure functions of the settings (and, for the node count, of what is on disk),
// unit-tested without a JVM.
//
// Port layout for N nodes from --port P: client listeners P, P+1, ..., P+N-1 (one consecutive
// block, so the bootstrap list is easy to read), controller listeners C, C+1, ..., C+N-1 with
// C = P+N unless --controller-port says otherwise. One node keeps the historical 9092/9093.
// Folders: one node lives directly in <state_dir>/kafka-<port> (as before clusters existed); node n
// of a cluster in <state_dir>/kafka-<port>/node-<n>.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "broker/broker_settings.hpp"

namespace smsim::broker {

inline constexpr int kMaxBrokers = 9;

struct NodePlan {
  int id = 1;                        // node.id, 1-based
  std::uint16_t port = 0;            // client listener
  std::uint16_t controller_port = 0;  // KRaft controller listener
  BrokerLayout layout;

  std::string name() const { return "node " + std::to_string(id); }
};

struct ClusterPlan {
  std::string host;
  BrokerLayout root;             // <state_dir>/kafka-<port>
  std::vector<NodePlan> nodes;
  std::string quorum_voters;      // controller.quorum.voters: "1@host:C,2@host:C+1,..."
  std::string bootstrap_servers;  // "host:P,host:P+1,..."

  const NodePlan& node(int id) const { return nodes.at(static_cast<std::size_t>(id - 1)); }
  bool clustered() const { return nodes.size() > 1; }
};

/// How many nodes the installation in `root` holds: the node-<n> folders (1..n without gaps),
/// 1 for a single node's data folder, 0 when nothing is there yet.
int nodes_on_disk(const std::filesystem::path& root);

/// Throws InvalidArgument (naming the flag) for a node count outside 1..kMaxBrokers, ports past
/// 65535, or controller ports overlapping client ports. `brokers` must be resolved (>= 1).
ClusterPlan plan_cluster(const BrokerSettings& settings, int brokers);

/// Resolves settings.brokers == 0 with what is on disk (else 1), then plans.
ClusterPlan plan_cluster(const BrokerSettings& settings);

}  // namespace smsim::broker
