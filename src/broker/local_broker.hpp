#pragma once
// A single-node Kafka broker in KRaft mode, run from the Apache jars as a background JVM.
//
// Lifecycle: start() formats the storage on first use, spawns the JVM in its own session, records
// its pid in <root>/broker.pid and returns once the broker answers a metadata request. The JVM
// outlives this object and this process (that is what `smsim kafka start` wants); stop() or
// destroy() end it, from this process or a later one, using the pid file. Tests set
// `die_with_parent` so that a crashed test run cannot leave a broker behind.
//
// Threads: not thread-safe; one thread drives one LocalBroker.
#include <sys/types.h>

#include <optional>

#include "broker/broker_settings.hpp"
#include "kafka/metadata_probe.hpp"

namespace smsim::broker {

class LocalBroker {
 public:
  explicit LocalBroker(BrokerSettings settings, bool die_with_parent = false);

  enum class StartOutcome { Started, AlreadyRunning };

  /// Throws PortInUse, JavaNotFound, KafkaJarsMissing, StorageFormatFailed or BrokerStartFailed.
  StartOutcome start();

  /// Graceful shutdown (SIGTERM, SIGKILL after stop_timeout). Returns false if it was not running.
  bool stop();

  /// Stops the broker and deletes its folder (data, logs, config).
  void destroy();

  struct Status {
    std::optional<pid_t> pid;                    // our broker's JVM, if it runs
    std::optional<kafka::ClusterInfo> cluster;   // set when a broker answers at our address
  };
  Status status(std::chrono::milliseconds timeout) const;

  /// The pid of our broker JVM if it is running (pid file present and the process is ours).
  std::optional<pid_t> running_pid() const;

  std::string bootstrap_servers() const { return settings_.bootstrap_servers(); }
  const BrokerSettings& settings() const { return settings_; }
  const BrokerLayout& layout() const { return layout_; }

 private:
  std::filesystem::path resolve_java() const;
  void check_jars() const;
  void check_ports_free() const;
  void write_config_files() const;
  void format_storage_if_needed(const std::filesystem::path& java) const;
  pid_t spawn_jvm(const std::filesystem::path& java) const;
  void wait_until_ready(pid_t pid) const;
  std::string classpath() const;
  std::string log_excerpt() const;

  BrokerSettings settings_;
  BrokerLayout layout_;
  bool die_with_parent_;
};

}  // namespace smsim::broker
