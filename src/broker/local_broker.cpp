#include "broker/local_broker.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fstream>
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

// The JVM's main class and its config file identify our broker in /proc/<pid>/cmdline, so that a
// stale pid file whose pid was reused by another program is never mistaken for the broker.
bool is_our_broker(pid_t pid, const BrokerLayout& layout) {
  const std::string cmdline = os::command_line(pid);
  return cmdline.find("kafka.Kafka") != std::string::npos &&
         cmdline.find(layout.server_properties().string()) != std::string::npos;
}

}  // namespace

LocalBroker::LocalBroker(BrokerSettings settings, bool die_with_parent)
    : settings_(std::move(settings)), layout_(BrokerLayout::for_settings(settings_)), die_with_parent_(die_with_parent) {}

std::optional<pid_t> LocalBroker::running_pid() const {
  std::ifstream in(layout_.pid_file());
  pid_t pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  if (!os::is_alive(pid) || !is_our_broker(pid, layout_)) return std::nullopt;
  return pid;
}

LocalBroker::StartOutcome LocalBroker::start() {
  if (const auto pid = running_pid()) {
    wait_until_ready(*pid);  // it may still be starting (a second `start` right after the first)
    return StartOutcome::AlreadyRunning;
  }
  const fs::path java = resolve_java();
  check_jars();
  check_ports_free();
  fs::create_directories(layout_.data_dir());
  fs::create_directories(layout_.logs_dir());
  write_config_files();
  format_storage_if_needed(java);
  const pid_t pid = spawn_jvm(java);
  write_file(layout_.pid_file(), std::to_string(pid) + "\n");
  try {
    wait_until_ready(pid);
  } catch (...) {
    os::terminate(pid, std::chrono::seconds(5));
    fs::remove(layout_.pid_file());
    throw;
  }
  return StartOutcome::Started;
}

bool LocalBroker::stop() {
  const auto pid = running_pid();
  if (!pid) {
    fs::remove(layout_.pid_file());
    return false;
  }
  if (os::terminate(*pid, settings_.stop_timeout)) {
    spdlog::warn("broker pid {} did not stop within {} ms and was killed", *pid, settings_.stop_timeout.count());
  }
  fs::remove(layout_.pid_file());
  return true;
}

void LocalBroker::destroy() {
  stop();
  std::error_code ec;
  fs::remove_all(layout_.root, ec);
  if (ec) throw BrokerError(fmt::format("cannot delete {}: {}", layout_.root.string(), ec.message()));
}

LocalBroker::Status LocalBroker::status(std::chrono::milliseconds timeout) const {
  Status status;
  status.pid = running_pid();
  status.cluster = kafka::probe_cluster({settings_.bootstrap_servers(), {}}, timeout);
  return status;
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

void LocalBroker::check_ports_free() const {
  for (const auto& [port, role] : {std::pair{settings_.port, "client"},
                                  std::pair{settings_.effective_controller_port(), "controller"}}) {
    if (!os::tcp_port_is_free(settings_.host, port)) {
      throw PortInUse(fmt::format(
          "port {} on {} (the broker's {} listener) is already in use by another process. Stop that "
          "process (`ss -ltnp 'sport = :{}'` shows it) or choose other ports with --port / --controller-port.",
          port, settings_.host, role, port));
    }
  }
}

void LocalBroker::write_config_files() const {
  write_file(layout_.server_properties(), render_server_properties(settings_, layout_));
  write_file(layout_.log4j_properties(), render_log4j_properties(layout_));
}

std::string LocalBroker::classpath() const { return (settings_.kafka_lib_dir / "*").string(); }

void LocalBroker::format_storage_if_needed(const fs::path& java) const {
  if (fs::exists(layout_.meta_properties())) return;
  std::random_device seed;
  std::mt19937_64 random((static_cast<std::uint64_t>(seed()) << 32) ^ seed());
  const std::string cluster_id = new_cluster_id(random);
  spdlog::info("formatting broker storage in {} (cluster id {})", layout_.data_dir().string(), cluster_id);
  const int code = os::run_and_wait({
      .argv = {java.string(), "-Xmx256m", "-Dlog4j.configuration=file:" + layout_.log4j_properties().string(),
               "-cp", classpath(), "kafka.tools.StorageTool", "format", "--cluster-id=" + cluster_id,
               "--config=" + layout_.server_properties().string()},
      .output_file = layout_.format_log(),
      .working_directory = layout_.root,
  });
  if (code != 0) {
    throw StorageFormatFailed(fmt::format(
        "formatting the broker storage in {} failed (exit {}). Kafka said:\n{}"
        "Check that the folder is writable and not used by another broker, or remove it with `smsim kafka destroy`.",
        layout_.data_dir().string(), code, os::tail_of_file(layout_.format_log(), 15)));
  }
}

pid_t LocalBroker::spawn_jvm(const fs::path& java) const {
  return os::spawn({
      // -Xms = -Xmx, as Kafka's start script does: a heap that grows in steps starts a G1 concurrent
      // mark cycle every few seconds, which on a small machine takes CPU from everything else.
      .argv = {java.string(), "-Xms" + settings_.heap, "-Xmx" + settings_.heap, "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
               "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
               // GC pauses, as Kafka's own start script logs them: the first thing to check when
               // latency has a tail (docs/benchmarks.md).
               "-Xlog:gc:file=" + (layout_.logs_dir() / "gc.log").string() + ":uptime,time:filecount=3,filesize=10M",
               "-Dlog4j.configuration=file:" + layout_.log4j_properties().string(),
               "-Dkafka.logs.dir=" + layout_.logs_dir().string(), "-cp", classpath(), "kafka.Kafka",
               layout_.server_properties().string()},
      .output_file = layout_.console_log(),
      .working_directory = layout_.root,
      .new_session = true,
      .die_with_parent = die_with_parent_,
  });
}

void LocalBroker::wait_until_ready(pid_t pid) const {
  const auto deadline = Clock::now() + settings_.start_timeout;
  const kafka::ClientConfig client{settings_.bootstrap_servers(), {}};
  while (Clock::now() < deadline) {
    if (!os::is_alive(pid)) {
      throw BrokerStartFailed(fmt::format("the broker JVM (pid {}) exited during start-up. Its last log lines:\n{}",
                                          pid, log_excerpt()));
    }
    if (kafka::probe_cluster(client, std::chrono::milliseconds(500))) return;
  }
  throw BrokerStartFailed(fmt::format(
      "the broker did not answer at {} within {} ms (raise it with --timeout). Its last log lines:\n{}",
      settings_.bootstrap_servers(), settings_.start_timeout.count(), log_excerpt()));
}

std::string LocalBroker::log_excerpt() const {
  std::string out = os::tail_of_file(layout_.console_log(), 10);
  const std::string server = os::tail_of_file(layout_.server_log(), 15);
  if (!server.empty()) out += "  (" + layout_.server_log().string() + ")\n" + server;
  return out;
}

}  // namespace smsim::broker
