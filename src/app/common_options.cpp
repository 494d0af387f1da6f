#include "app/common_options.hpp"

#include <pthread.h>
#include <signal.h>

namespace smsim::app {

kafka::ClientConfig KafkaClientOptions::config() const {
  kafka::ClientConfig c;
  c.bootstrap_servers = bootstrap_servers;
  for (const auto& p : properties) c.properties.insert(kafka::parse_property(p));
  return c;
}

void add_kafka_client_options(CLI::App& cmd, KafkaClientOptions& options) {
  cmd.add_option("--bootstrap-servers", options.bootstrap_servers, "Kafka bootstrap servers")->capture_default_str();
  cmd.add_option("-X,--kafka-property", options.properties,
                 "librdkafka property name=value, passed through (repeatable), e.g. -X security.protocol=SSL");
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
