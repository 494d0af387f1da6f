#include "broker/local_broker.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "broker/broker_errors.hpp"
#include "broker/broker_files.hpp"
#include "os/process.hpp"

namespace smsim::broker {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::trunc);
  out << content;
  if (!out) throw BrokerError(fmt::format("cannot write {}: check permissions of the state directory", path.string()));
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The JVM's main class and its config file identify our node in /proc/<pid>/cmdline, so that a
// stale pid file whose pid was reused by another program is never mistaken for the broker.
bool is_our_broker(pid_t pid, const BrokerLayout& layout) {
  const std::string cmdline = os::command_line(pid);
  return cmdline.find("kafka.Kafka") != std::string::npos &&
         cmdline.find(layout.server_properties().string()) != std::string::npos;
}

void wait_until_gone(pid_t pid) {
  while (os::is_alive(pid)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

std::string join_ids(const std::vector<int>& ids) {
  std::string out;
  for (int id : ids) out += (out.empty() ? "" : ", ") + std::to_string(id);
  return out.empty() ? "none" : out;
}

}  // namespace

LocalBroker::LocalBroker(BrokerSettings settings, bool die_with_parent)
    : settings_(std::move(settings)), plan_(plan_cluster(settings_)), die_with_parent_(die_with_parent) {
  in_addr probe{};
  if (::inet_pton(AF_INET, settings_.host.c_str(), &probe) != 1) {
    throw InvalidArgument(fmt::format("--host must be an IPv4 address such as 127.0.0.1 (got '{}')", settings_.host));
  }
}

std::optional<pid_t> LocalBroker::node_pid(int id) const {
  const auto& layout = plan_.node(id).layout;
  std::ifstream in(layout.pid_file());
  pid_t pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  if (!os::is_alive(pid) || !is_our_broker(pid, layout)) return std::nullopt;
  return pid;
}

QuorumSummary LocalBroker::quorum() const {
  std::vector<VoterReport> reports;
  for (const auto& node : plan_.nodes) {
    reports.push_back({node.id, node_pid(node.id).has_value(), parse_quorum_state(read_file(node.layout.quorum_state()))});
  }
  return summarize_quorum(reports);
}

LocalBroker::StartOutcome LocalBroker::start() {
  check_shape();
  std::vector<int> to_start;
  for (const auto& node : plan_.nodes) {
    if (!node_pid(node.id)) to_start.push_back(node.id);
  }
  if (to_start.empty()) {
    wait_until_ready({});  // they may still be starting (a second `start` right after the first)
    return StartOutcome::AlreadyRunning;
  }
  const fs::path java = resolve_java();
  check_jars();
  check_ports_free(to_start);
  for (int id : to_start) {
    const auto& node = plan_.node(id);
    fs::create_directories(node.layout.data_dir());
    fs::create_directories(node.layout.logs_dir());
    write_config_files(node);
  }
  format_storage_if_needed(java);
  std::vector<std::pair<int, pid_t>> started;
  try {
    for (int id : to_start) {
      const auto& node = plan_.node(id);
      const pid_t pid = spawn_jvm(java, node);
      started.emplace_back(id, pid);
      write_file(node.layout.pid_file(), std::to_string(pid) + "\n");
    }
    wait_until_ready(started);
  } catch (...) {
    for (const auto& [id, pid] : started) ::kill(pid, SIGTERM);
    for (const auto& [id, pid] : started) {
      os::terminate(pid, std::chrono::seconds(5));
      fs::remove(plan_.node(id).layout.pid_file());
    }
    throw;
  }
  return StartOutcome::Started;
}

LocalBroker::StopReport LocalBroker::stop() {
  StopReport report;
  std::vector<std::pair<int, pid_t>> running;
  for (const auto& node : plan_.nodes) {
    if (const auto pid = node_pid(node.id)) running.emplace_back(node.id, *pid);
  }
  // All at once: stopping nodes one by one would leave the last ones waiting for a quorum that
  // is already gone.
  for (const auto& [id, pid] : running) ::kill(pid, SIGTERM);
  const auto deadline = Clock::now() + settings_.stop_timeout;
  for (const auto& [id, pid] : running) {
    while (os::is_alive(pid) && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (os::is_alive(pid)) {
      ::kill(pid, SIGKILL);
      report.killed.push_back(id);
      spdlog::warn("node {} (pid {}) did not stop within {} ms and was killed", id, pid,
                   settings_.stop_timeout.count());
    }
  }
  for (const auto& [id, pid] : running) {
    wait_until_gone(pid);
    report.stopped.push_back(id);
  }
  for (const auto& node : plan_.nodes) fs::remove(node.layout.pid_file());
  return report;
}

void LocalBroker::destroy() {
  // Its data is about to go: a graceful shutdown (controlled, seconds per node) would be wasted.
  for (const auto& node : plan_.nodes) kill_node(node.id);
  std::error_code ec;
  fs::remove_all(plan_.root.root, ec);
  if (ec) throw BrokerError(fmt::format("cannot delete {}: {}", plan_.root.root.string(), ec.message()));
}

bool LocalBroker::kill_node(int id) {
  const auto pid = node_pid(id);
  if (!pid) return false;
  ::kill(*pid, SIGKILL);
  wait_until_gone(*pid);
  fs::remove(plan_.node(id).layout.pid_file());
  return true;
}

LocalBroker::Status LocalBroker::status(std::chrono::milliseconds timeout) const {
  Status status;
  status.cluster = kafka::probe_cluster({plan_.bootstrap_servers, {}}, timeout);
  for (const auto& node : plan_.nodes) {
    NodeStatus ns{node, node_pid(node.id), false};
    if (status.cluster) {
      for (const auto& b : status.cluster->brokers) ns.registered = ns.registered || b.id == node.id;
    }
    status.nodes.push_back(std::move(ns));
  }
  status.quorum = quorum();
  return status;
}

void LocalBroker::check_shape() const {
  const int on_disk = nodes_on_disk(plan_.root.root);
  const int wanted = node_count();
  if (on_disk == 0 || on_disk == wanted) return;
  throw ClusterShapeMismatch(fmt::format(
      "{} holds a {}-node installation, not {}: start it with --brokers {}, or delete it first "
      "(`smsim kafka destroy --port {} --state-dir {}`), or use another --port",
      plan_.root.root.string(), on_disk, wanted, on_disk, settings_.port, settings_.state_dir.string()));
}

fs::path LocalBroker::resolve_java() const {
  std::optional<fs::path> java;
  const char* java_home = std::getenv("JAVA_HOME");
  if (settings_.java == "java" && java_home && *java_home) {
    java = os::find_executable((fs::path(java_home) / "bin" / "java").string());
  }
  if (!java) java = os::find_executable(settings_.java);
  if (!java) {
    throw JavaNotFound(fmt::format(
        "Java not found ('{}'): the broker needs a Java 17 runtime. Run `make bootstrap` (installs "
        "openjdk-17-jre-headless), or point --java or JAVA_HOME at an installed one.",
        settings_.java));
  }
  return *java;
}

void LocalBroker::check_jars() const {
  const fs::path& dir = settings_.kafka_lib_dir;
  bool has_broker = false;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind("kafka_2.13-", 0) == 0) has_broker = true;
  }
  if (!has_broker) {
    throw KafkaJarsMissing(fmt::format(
        "Kafka broker jars not found in {}: run `make bootstrap` (it runs `mvn -f kafka/pom.xml package`), "
        "or point --kafka-lib / SMSIM_KAFKA_LIB at a folder holding kafka_2.13-*.jar and its dependencies.",
        dir.string()));
  }
}

void LocalBroker::check_ports_free(const std::vector<int>& nodes) const {
  // Every port of every node to start, before any JVM runs: a taken port fails in milliseconds.
  os::run_in_network_namespace(settings_.network_namespace, [&] {
    for (int id : nodes) {
      const auto& node = plan_.node(id);
      for (const auto& [port, role] :
           {std::pair{node.port, "client"}, std::pair{node.controller_port, "controller"}}) {
        if (os::tcp_port_is_free(plan_.host, port)) continue;
        const std::string whose = plan_.clustered() ? node.name() + "'s" : "the broker's";
        throw PortInUse(fmt::format(
            "port {} on {} ({} {} listener) is already in use by another process. Stop that "
            "process (`ss -ltnp 'sport = :{}'` shows it) or choose other ports with --port / --controller-port.",
            port, plan_.host, whose, role, port));
      }
    }
  });
}

void LocalBroker::write_config_files(const NodePlan& node) const {
  write_file(node.layout.server_properties(), render_server_properties(settings_, plan_, node));
  write_file(node.layout.log4j_properties(), render_log4j_properties(node.layout));
}

std::string LocalBroker::classpath() const { return (settings_.kafka_lib_dir / "*").string(); }

std::string LocalBroker::existing_cluster_id() const {
  for (const auto& node : plan_.nodes) {
    std::ifstream in(node.layout.meta_properties());
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("cluster.id=", 0) == 0) return line.substr(11);
    }
  }
  return "";
}

void LocalBroker::format_storage_if_needed(const fs::path& java) const {
  std::vector<const NodePlan*> unformatted;
  for (const auto& node : plan_.nodes) {
    if (!fs::exists(node.layout.meta_properties())) unformatted.push_back(&node);
  }
  if (unformatted.empty()) return;
  // Every node of one cluster carries the same cluster id: reuse the formatted nodes' one.
  std::string cluster_id = existing_cluster_id();
  if (cluster_id.empty()) {
    std::random_device seed;
    std::mt19937_64 random((static_cast<std::uint64_t>(seed()) << 32) ^ seed());
    cluster_id = new_cluster_id(random);
  }
  spdlog::info("formatting storage of {} node(s) in {} (cluster id {})", unformatted.size(), plan_.root.root.string(),
               cluster_id);
  // One storage tool JVM per node, all at once: each takes seconds to start.
  std::vector<std::pair<const NodePlan*, pid_t>> running;
  for (const auto* node : unformatted) {
    fs::create_directories(node->layout.logs_dir());
    running.emplace_back(node, os::spawn({
        .argv = {java.string(), "-Xmx256m", "-Dlog4j.configuration=file:" + node->layout.log4j_properties().string(),
                 "-cp", classpath(), "kafka.tools.StorageTool", "format", "--cluster-id=" + cluster_id,
                 "--config=" + node->layout.server_properties().string()},
        .output_file = node->layout.format_log(),
        .working_directory = node->layout.root,
        .new_session = false,
        .die_with_parent = true,
    }));
  }
  std::string failures;
  for (const auto& [node, pid] : running) {
    std::optional<int> code;
    while (!(code = os::try_reap(pid))) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (*code != 0) {
      failures += fmt::format("{} (exit {}), Kafka said:\n{}", node->layout.data_dir().string(), *code,
                              os::tail_of_file(node->layout.format_log(), 15));
    }
  }
  if (!failures.empty()) {
    throw StorageFormatFailed(fmt::format(
        "formatting the broker storage failed in {}Check that the folder is writable and not used by another "
        "broker, or remove it with `smsim kafka destroy`.",
        failures));
  }
}

pid_t LocalBroker::spawn_jvm(const fs::path& java, const NodePlan& node) const {
  const auto& layout = node.layout;
  return os::spawn({
      // -Xms = -Xmx, as Kafka's start script does: a heap that grows in steps starts a G1 concurrent
      // mark cycle every few seconds, which on a small machine takes CPU from everything else.
      .argv = {java.string(), "-Xms" + settings_.heap, "-Xmx" + settings_.heap, "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
               "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
               // GC pauses, as Kafka's own start script logs them: the first thing to check when
               // latency has a tail (docs/benchmarks.md).
               "-Xlog:gc:file=" + (layout.logs_dir() / "gc.log").string() + ":uptime,time:filecount=3,filesize=10M",
               "-Dlog4j.configuration=file:" + layout.log4j_properties().string(),
               "-Dkafka.logs.dir=" + layout.logs_dir().string(), "-cp", classpath(), "kafka.Kafka",
               layout.server_properties().string()},
      .output_file = layout.console_log(),
      .working_directory = layout.root,
      .new_session = true,
      .die_with_parent = die_with_parent_,
      .network_namespace = settings_.network_namespace,
  });
}

void LocalBroker::wait_until_ready(const std::vector<std::pair<int, pid_t>>& started) const {
  const auto deadline = Clock::now() + settings_.start_timeout;
  const auto wanted = plan_.nodes.size();
  const auto answers = [](const std::string& bootstrap) {
    return kafka::probe_cluster({bootstrap, {}}, std::chrono::milliseconds(500));
  };
  std::vector<int> registered;
  while (Clock::now() < deadline) {
    for (const auto& [id, pid] : started) {
      if (os::is_alive(pid)) continue;
      const auto& node = plan_.node(id);
      throw BrokerStartFailed(fmt::format("{} ({}:{}, pid {}) exited during start-up. Its last log lines:\n{}",
                                          plan_.clustered() ? node.name() : "the broker JVM", plan_.host, node.port,
                                          pid, log_excerpt(node)));
    }
    // Ready: the quorum has an active controller and every node answers on its own port listing
    // the whole cluster. (One node's metadata may lag another's by a moment: a client asking it
    // would count fewer brokers and, say, create topics with fewer replicas. And the others may
    // still list a killed node until it is fenced, so a restarted node must answer itself.)
    const auto cluster = answers(plan_.bootstrap_servers);
    if (!cluster) continue;
    registered.clear();
    for (const auto& b : cluster->brokers) registered.push_back(b.id);
    if (cluster->brokers.size() < wanted || !quorum().leader) continue;
    bool all_answer = true;
    for (const auto& node : plan_.nodes) {
      if (!plan_.clustered() || !all_answer) break;
      const auto seen = answers(fmt::format("{}:{}", plan_.host, node.port));
      all_answer = seen && seen->brokers.size() >= wanted;
    }
    if (all_answer) return;
  }
  std::string logs;
  for (const auto& node : plan_.nodes) logs += fmt::format("  {}:\n{}", node.name(), log_excerpt(node));
  const auto q = quorum();
  const auto voters_override = settings_.overrides.find("controller.quorum.voters");
  const std::string voters =
      voters_override != settings_.overrides.end() ? voters_override->second : plan_.quorum_voters;
  if (!q.leader) {
    throw QuorumNotFormed(fmt::format(
        "the KRaft quorum cannot form: no active controller was elected within {} ms. Voters {}; {} of {} run{}. "
        "Check controller.quorum.voters and the controller ports; the nodes' last log lines:\n{}",
        settings_.start_timeout.count(), voters, q.live_voters.size(), q.voters.size(),
        q.has_majority() ? "" : fmt::format(" (a majority needs {})", q.voters.size() / 2 + 1), logs));
  }
  throw BrokerStartFailed(fmt::format(
      "Kafka did not answer at {} with all {} broker(s) within {} ms (registered: {}; raise it with --timeout). "
      "The nodes' last log lines:\n{}",
      plan_.bootstrap_servers, wanted, settings_.start_timeout.count(), join_ids(registered), logs));
}

std::string LocalBroker::log_excerpt(const NodePlan& node) const {
  const auto& layout = node.layout;
  // Shorter per node in a cluster: every node's tail is printed.
  const std::size_t lines = plan_.clustered() ? 10 : 15;
  std::string out = os::tail_of_file(layout.console_log(), 10);
  const std::string server = os::tail_of_file(layout.server_log(), lines);
  if (!server.empty()) out += "  (" + layout.server_log().string() + ")\n" + server;
  return out;
}

}  // namespace smsim::broker
