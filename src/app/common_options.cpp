#include "app/common_options.hpp"

#include <pthread.h>
#include <signal.h>

namespace smsim::app {

kafka::ClientConfig KafkaClientOptions::config() const {
  kafka::ClientConfig c;
  c.bootstrap_servers = bootstrap_servers;
  for (const auto& p : properties) c.properties.insert(kafka::parse_property(p));
  c.replication = replication;
  return c;
}

void add_kafka_client_options(CLI::App& cmd, KafkaClientOptions& options) {
  cmd.add_option("--bootstrap-servers", options.bootstrap_servers, "Kafka bootstrap servers")->capture_default_str();
  cmd.add_option("-X,--kafka-property", options.properties,
                 "librdkafka property name=value, passed through (repeatable), e.g. -X security.protocol=SSL");
  add_replication_options(cmd, options.replication);
}

void add_replication_options(CLI::App& cmd, kafka::TopicReplication& replication) {
  cmd.add_option("--replication-factor", replication.factor,
                 "Replicas of each topic smsim creates (0: min(3, brokers in the cluster)); existing topics are kept")
      ->check(CLI::Range(0, 32))
      ->capture_default_str();
  cmd.add_option("--min-insync-replicas", replication.min_insync,
                 "min.insync.replicas of each topic smsim creates (0: 2 at a replication factor of 3 or more, else 1)")
      ->check(CLI::Range(0, 32))
      ->capture_default_str();
}

SignalWatcher::SignalWatcher(std::function<void(int)> on_signal) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);  // used only to wake the watcher for shutdown
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([set, on_signal = std::move(on_signal)] {
    while (true) {
      int signal = 0;
      if (sigwait(&set, &signal) != 0) continue;
      if (signal == SIGUSR1) return;
      on_signal(signal);
    }
  });
}

SignalWatcher::~SignalWatcher() {
  pthread_kill(thread_.native_handle(), SIGUSR1);
  thread_.join();
}

}  // namespace smsim::app
