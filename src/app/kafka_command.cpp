#include "app/kafka_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "broker/cluster_plan.hpp"
#include "broker/local_broker.hpp"
#include "common/duration.hpp"
#include "kafka/client_config.hpp"
#include "os/paths.hpp"

namespace smsim::app {
namespace {

// Options shared by every `smsim kafka` subcommand; filled by CLI11, turned into settings on run.
struct KafkaOptions {
  std::string state_dir = os::default_state_dir().string();
  std::string kafka_lib = os::default_kafka_lib_dir().string();
  std::string host = "127.0.0.1";
  int port = 9092;
  int controller_port = 0;
  int brokers = 0;  // 0: what the state dir holds, else 1
  std::string java = "java";
  std::string heap = "512m";
  std::string timeout;  // per subcommand default, see below
  std::vector<std::string> broker_config;

  broker::BrokerSettings settings(const std::string& default_timeout, bool for_stop) const {
    broker::BrokerSettings s;
    s.state_dir = state_dir;
    s.kafka_lib_dir = kafka_lib;
    s.host = host;
    s.port = static_cast<std::uint16_t>(port);
    s.controller_port = static_cast<std::uint16_t>(controller_port);
    s.brokers = brokers;
    s.java = java;
    s.heap = heap;
    const auto t = std::chrono::duration_cast<std::chrono::milliseconds>(
        parse_duration(timeout.empty() ? default_timeout : timeout));
    (for_stop ? s.stop_timeout : s.start_timeout) = t;
    for (const auto& assignment : broker_config) s.overrides.insert(kafka::parse_property(assignment));
    return s;
  }
};

void add_location_options(CLI::App& cmd, KafkaOptions& o) {
  cmd.add_option("--port", o.port, "Client listener port of node 1; node n listens on port + n - 1")
      ->check(CLI::Range(1, 65534))
      ->capture_default_str();
  cmd.add_option("--controller-port", o.controller_port,
                 "KRaft controller port of node 1; node n uses it + n - 1 (default: port + brokers)")
      ->check(CLI::Range(0, 65535));
  cmd.add_option("--host", o.host,
                 "IPv4 address every listener binds to and advertises (another address than 127.0.0.1 makes "
                 "the brokers reachable from other hosts or network namespaces)")
      ->capture_default_str();
  cmd.add_option("--state-dir", o.state_dir,
                 "Folder for broker data and logs; Kafka lives in <state-dir>/kafka-<port> (a cluster's node n "
                 "in its node-<n>) (env SMSIM_STATE_DIR)")
      ->capture_default_str();
}

std::string node_role(const broker::LocalBroker::NodeStatus& node, const broker::QuorumSummary& quorum) {
  if (!node.pid) return "not running";
  std::string role = node.registered ? "broker registered" : "broker not registered";
  if (quorum.leader == node.node.id) return role + ", active controller";
  return role + ", voter";
}

void print_status(const broker::LocalBroker& local, const broker::LocalBroker::Status& status) {
  const auto& cluster = *status.cluster;
  fmt::print("Kafka is answering at {} ({} broker{}, {} topic{})\n", local.bootstrap_servers(),
             cluster.brokers.size(), cluster.brokers.size() == 1 ? "" : "s", cluster.topics.size(),
             cluster.topics.size() == 1 ? "" : "s");
  const bool ours = std::any_of(status.nodes.begin(), status.nodes.end(), [](const auto& n) { return n.pid; });
  if (ours) {
    for (const auto& node : status.nodes) {
      fmt::print("  node {}  {}:{}  controller :{}  {}  {}\n", node.node.id, local.plan().host, node.node.port,
                 node.node.controller_port, node.pid ? fmt::format("pid {}", *node.pid) : "no pid",
                 node_role(node, status.quorum));
    }
    const auto& q = status.quorum;
    fmt::print("  quorum: {} voter{} ({}), {} running; active controller: {}\n", q.voters.size(),
               q.voters.size() == 1 ? "" : "s", local.plan().quorum_voters, q.live_voters.size(),
               q.leader ? fmt::format("node {} (epoch {})", *q.leader, q.epoch) : std::string("none (election running)"));
  } else {
    for (const auto& b : cluster.brokers) fmt::print("  broker {} at {}:{}\n", b.id, b.host, b.port);
    fmt::print("  (not a Kafka started by smsim from {})\n", local.layout().root.string());
  }
  for (const auto& topic : cluster.topics) {
    fmt::print("  topic {} ({} partitions, replication factor {}{}{})\n", topic.name, topic.partitions,
               topic.replication_factor,
               topic.under_replicated ? fmt::format(", {} under-replicated", topic.under_replicated) : "",
               topic.offline ? fmt::format(", {} OFFLINE", topic.offline) : "");
  }
  if (ours) fmt::print("  data in {}\n", local.layout().root.string());
}

}  // namespace

void add_kafka_command(CLI::App& root) {
  auto* kafka = root.add_subcommand(
      "kafka", "Start, stop and inspect the local Kafka (KRaft): one broker, or a cluster with --brokers N");
  kafka->require_subcommand(1);
  auto options = std::make_shared<KafkaOptions>();

  auto* start = kafka->add_subcommand(
      "start", "Start the local Kafka in the background and wait until every node answers and the quorum has a leader");
  add_location_options(*start, *options);
  start->add_option("--brokers", options->brokers,
                    fmt::format("Nodes, each a broker and a controller voter (1..{}; default: what the state dir "
                                "holds, else 1). Restarts any node of an existing cluster that is not running",
                                broker::kMaxBrokers))
      ->check(CLI::Range(1, broker::kMaxBrokers));
  start->add_option("--kafka-lib", options->kafka_lib, "Folder with the broker jars (env SMSIM_KAFKA_LIB)")
      ->capture_default_str();
  start->add_option("--java", options->java, "Java executable (default: $JAVA_HOME/bin/java, then PATH)");
  start->add_option("--heap", options->heap, "JVM heap of each node (-Xms and -Xmx)")->capture_default_str();
  start->add_option("--timeout", options->timeout, "How long to wait for the cluster to answer (default 60s)");
  start->add_option("--broker-config", options->broker_config,
                    "Extra server.properties entry name=value for every node (repeatable); wins over smsim's");
  start->callback([options] {
    broker::LocalBroker local(options->settings("60s", false));
    std::vector<int> were_down;
    for (const auto& node : local.plan().nodes) {
      if (!local.node_pid(node.id)) were_down.push_back(node.id);
    }
    const auto outcome = local.start();
    const bool started = outcome == broker::LocalBroker::StartOutcome::Started;
    if (!local.plan().clustered()) {
      const auto pid = local.running_pid();
      fmt::print("{} at {} (pid {}, data in {})\n", started ? "Kafka started" : "Kafka is already running",
                 local.bootstrap_servers(), pid ? *pid : -1, local.layout().root.string());
      return;
    }
    const auto quorum = local.quorum();
    std::string what = started ? "Kafka started" : "Kafka is already running";
    if (started && static_cast<int>(were_down.size()) < local.node_count()) {
      std::string ids;
      for (int id : were_down) ids += (ids.empty() ? "" : ", ") + std::to_string(id);
      what = fmt::format("Kafka node(s) {} restarted; Kafka runs", ids);
    }
    fmt::print("{} with {} brokers at {} (data in {})\n", what, local.node_count(), local.bootstrap_servers(),
               local.layout().root.string());
    for (const auto& node : local.plan().nodes) {
      const auto pid = local.node_pid(node.id);
      fmt::print("  node {}  {}:{}  controller :{}  pid {}{}\n", node.id, local.plan().host, node.port,
                 node.controller_port, pid ? *pid : -1, quorum.leader == node.id ? "  active controller" : "");
    }
  });

  auto* stop = kafka->add_subcommand(
      "stop", "Stop every node of the local Kafka (SIGTERM to all, then SIGKILL after --timeout)");
  add_location_options(*stop, *options);
  stop->add_option("--timeout", options->timeout, "Grace period before SIGKILL (default 30s)");
  stop->callback([options] {
    broker::LocalBroker local(options->settings("30s", true));
    const auto report = local.stop();
    if (report.stopped.empty()) {
      fmt::print("Kafka was not running ({})\n", local.layout().root.string());
      return;
    }
    std::string killed;
    if (!report.killed.empty()) {
      std::string ids;
      for (int id : report.killed) ids += (ids.empty() ? "" : ", ") + std::to_string(id);
      killed = local.plan().clustered()
                   ? fmt::format("; node(s) {} did not stop within the timeout and were killed", ids)
                   : "; it did not stop within the timeout and was killed";
    }
    fmt::print("Kafka stopped ({}{}{})\n", local.bootstrap_servers(),
               local.plan().clustered() ? fmt::format(", {} node(s)", report.stopped.size()) : "", killed);
  });

  auto* status = kafka->add_subcommand(
      "status", "Exit 0 if Kafka answers at the address; lists every broker, the active controller and the quorum");
  add_location_options(*status, *options);
  status->add_option("--timeout", options->timeout, "How long to wait for an answer (default 3s)");
  status->callback([options] {
    broker::LocalBroker local(options->settings("3s", false));
    const auto st = local.status(local.settings().start_timeout);
    if (!st.cluster) {
      std::string running;
      for (const auto& node : st.nodes) {
        if (node.pid) running += fmt::format(" node {} (pid {})", node.node.id, *node.pid);
      }
      fmt::print("No Kafka broker answers at {}{}\n", local.bootstrap_servers(),
                 running.empty() ? "" : fmt::format(" (running but not answering:{})", running));
      throw CLI::RuntimeError(1);
    }
    print_status(local, st);
  });

  auto* destroy = kafka->add_subcommand("destroy", "Kill every node of the local Kafka and delete its data and logs");
  add_location_options(*destroy, *options);
  destroy->callback([options] {
    broker::LocalBroker local(options->settings("30s", true));
    local.destroy();
    fmt::print("Kafka destroyed: {} removed\n", local.layout().root.string());
  });
}

}  // namespace smsim::app
