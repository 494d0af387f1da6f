#pragma once
// Pieces shared by the subcommands: Kafka client flags, duration flags, signal handling.
#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "kafka/client_config.hpp"

namespace smsim::app {

/// --bootstrap-servers, repeatable -X name=value (librdkafka properties passed through), and how
/// topics this process creates are replicated (--replication-factor, --min-insync-replicas).
struct KafkaClientOptions {
  std::string bootstrap_servers = "127.0.0.1:9092";
  std::vector<std::string> properties;
  kafka::TopicReplication replication;
  kafka::ClientConfig config() const;
};
void add_kafka_client_options(CLI::App& cmd, KafkaClientOptions& options);
/// Only the two replication flags (for commands that pass them on, like `smsim up`).
void add_replication_options(CLI::App& cmd, kafka::TopicReplication& replication);

/// Blocks SIGINT and SIGTERM in this thread and every thread started after it, and waits for them
/// on a thread of its own, calling `on_signal` once per signal. Construct it before starting any
/// worker (librdkafka's threads inherit the mask). Destruction ends the waiting thread.
class SignalWatcher {
 public:
  explicit SignalWatcher(std::function<void(int)> on_signal);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  std::thread thread_;
};

}  // namespace smsim::app
