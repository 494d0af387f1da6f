#pragma once
// The local Kafka in KRaft mode, run from the Apache jars as background JVMs: one node by default,
// or a cluster of N nodes (`smsim kafka start --brokers 3`), each a combined broker and controller
// and a voter of one quorum. Node ports and folders: cluster_plan.hpp.
//
// Lifecycle: start() formats each node's storage on first use (one cluster id for all), spawns
// every node that is not running in its own session, records each pid in <node>/broker.pid and
// returns once every node is registered and the quorum has an active controller. The JVMs outlive
// this object and this process (that is what `smsim kafka start` wants); stop() or destroy() end
// them, from this process or a later one, using the pid files. Tests set `die_with_parent` so that
// a crashed test run cannot leave a broker behind, and use kill_node()/start() to drill failures.
//
// Threads: not thread-safe; one thread drives one LocalBroker.
#include <sys/types.h>

#include <optional>
#include <vector>

#include "broker/broker_settings.hpp"
#include "broker/cluster_plan.hpp"
#include "broker/quorum.hpp"
#include "kafka/metadata_probe.hpp"

namespace smsim::broker {

class LocalBroker {
 public:
  /// Throws InvalidArgument for an impossible node count or port layout (see plan_cluster).
  explicit LocalBroker(BrokerSettings settings, bool die_with_parent = false);

  enum class StartOutcome { Started, AlreadyRunning };

  /// Starts every node that is not running (all of them, or one killed earlier) and waits until the
  /// cluster is whole. Throws ClusterShapeMismatch, PortInUse (naming the node), JavaNotFound,
  /// KafkaJarsMissing, StorageFormatFailed, BrokerStartFailed (with the node's log tail) or
  /// QuorumNotFormed; nodes this call started are stopped again before it throws.
  StartOutcome start();

  struct StopReport {
    std::vector<int> stopped;  // nodes that were running and are gone now
    std::vector<int> killed;   // of those, the ones that needed SIGKILL after stop_timeout
    /// True if anything was running (what stop() returned before clusters existed).
    explicit operator bool() const { return !stopped.empty(); }
  };
  /// SIGTERM to every node at once, SIGKILL to those still running after stop_timeout (a hung
  /// node must not keep the others waiting). No JVM of ours remains when it returns.
  StopReport stop();

  /// Kills every node (SIGKILL: no point in a graceful stop) and deletes the installation's folder
  /// (data, logs, config).
  void destroy();

  /// SIGKILL one node, as a crash (fault drills); returns false if it was not running.
  bool kill_node(int id);

  struct NodeStatus {
    NodePlan node;
    std::optional<pid_t> pid;  // its JVM, if it runs
    bool registered = false;   // the cluster's metadata lists it as a broker
  };
  struct Status {
    std::vector<NodeStatus> nodes;
    QuorumSummary quorum;
    std::optional<kafka::ClusterInfo> cluster;  // set when a broker answers at our address
  };
  Status status(std::chrono::milliseconds timeout) const;

  /// The pid of a node's JVM if it is running (pid file present and the process is ours).
  std::optional<pid_t> node_pid(int id) const;
  /// Node 1's pid (the only one of a single-node installation).
  std::optional<pid_t> running_pid() const { return node_pid(1); }
  /// The quorum as the nodes' own files tell it (cheap: no network).
  QuorumSummary quorum() const;

  std::string bootstrap_servers() const { return plan_.bootstrap_servers; }
  const BrokerSettings& settings() const { return settings_; }
  const ClusterPlan& plan() const { return plan_; }
  /// The installation's folder (<state_dir>/kafka-<port>); nodes of a cluster live below it.
  const BrokerLayout& layout() const { return plan_.root; }
  int node_count() const { return static_cast<int>(plan_.nodes.size()); }

 private:
  std::filesystem::path resolve_java() const;
  void check_shape() const;
  void check_jars() const;
  void check_ports_free(const std::vector<int>& nodes) const;
  void write_config_files(const NodePlan& node) const;
  void format_storage_if_needed(const std::filesystem::path& java) const;
  pid_t spawn_jvm(const std::filesystem::path& java, const NodePlan& node) const;
  void wait_until_ready(const std::vector<std::pair<int, pid_t>>& started) const;
  std::string classpath() const;
  std::string log_excerpt(const NodePlan& node) const;
  std::string existing_cluster_id() const;

  BrokerSettings settings_;
  ClusterPlan plan_;
  bool die_with_parent_;
};

}  // namespace smsim::broker
