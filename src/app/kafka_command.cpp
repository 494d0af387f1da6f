#include "app/kafka_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <memory>

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
  int port = 9092;
  int controller_port = 0;
  std::string java = "java";
  std::string heap = "512m";
  std::string timeout;  // per subcommand default, see below
  std::vector<std::string> broker_config;

  broker::BrokerSettings settings(const std::string& default_timeout, bool for_stop) const {
    broker::BrokerSettings s;
    s.state_dir = state_dir;
    s.kafka_lib_dir = kafka_lib;
    s.port = static_cast<std::uint16_t>(port);
    s.controller_port = static_cast<std::uint16_t>(controller_port);
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
  cmd.add_option("--port", o.port, "Client listener port on 127.0.0.1")->check(CLI::Range(1, 65534))
      ->capture_default_str();
  cmd.add_option("--controller-port", o.controller_port, "KRaft controller port (default: port + 1)")
      ->check(CLI::Range(0, 65535));
  cmd.add_option("--state-dir", o.state_dir,
                 "Folder for broker data and logs; the broker lives in <state-dir>/kafka-<port> "
                 "(env SMSIM_STATE_DIR)")
      ->capture_default_str();
}

void print_cluster(const broker::LocalBroker& broker, const broker::LocalBroker::Status& status) {
  const auto& cluster = *status.cluster;
  fmt::print("Kafka is answering at {} ({} broker{}, {} topic{})\n", broker.bootstrap_servers(),
             cluster.brokers.size(), cluster.brokers.size() == 1 ? "" : "s", cluster.topics.size(),
             cluster.topics.size() == 1 ? "" : "s");
  for (const auto& topic : cluster.topics) fmt::print("  topic {} ({} partitions)\n", topic.name, topic.partitions);
  if (status.pid) {
    fmt::print("  local broker pid {}, data in {}\n", *status.pid, broker.layout().root.string());
  } else {
    fmt::print("  (not a broker started by smsim from {})\n", broker.layout().root.string());
  }
}

}  // namespace

void add_kafka_command(CLI::App& root) {
  auto* kafka = root.add_subcommand("kafka", "Start, stop and inspect the local single-node Kafka broker (KRaft)");
  kafka->require_subcommand(1);
  auto options = std::make_shared<KafkaOptions>();

  auto* start = kafka->add_subcommand("start", "Start the local broker in the background and wait until it answers");
  add_location_options(*start, *options);
  start->add_option("--kafka-lib", options->kafka_lib, "Folder with the broker jars (env SMSIM_KAFKA_LIB)")
      ->capture_default_str();
  start->add_option("--java", options->java, "Java executable (default: $JAVA_HOME/bin/java, then PATH)");
  start->add_option("--heap", options->heap, "Broker JVM heap (-Xms and -Xmx)")->capture_default_str();
  start->add_option("--timeout", options->timeout, "How long to wait for the broker to answer (default 60s)");
  start->add_option("--broker-config", options->broker_config,
                    "Extra server.properties entry name=value (repeatable); wins over smsim's");
  start->callback([options] {
    broker::LocalBroker broker(options->settings("60s", false));
    const auto outcome = broker.start();
    const auto pid = broker.running_pid();
    fmt::print("{} at {} (pid {}, data in {})\n",
               outcome == broker::LocalBroker::StartOutcome::Started ? "Kafka started" : "Kafka is already running",
               broker.bootstrap_servers(), pid ? *pid : -1, broker.layout().root.string());
  });

  auto* stop = kafka->add_subcommand("stop", "Stop the local broker gracefully (SIGTERM, then SIGKILL after --timeout)");
  add_location_options(*stop, *options);
  stop->add_option("--timeout", options->timeout, "Grace period before SIGKILL (default 30s)");
  stop->callback([options] {
    broker::LocalBroker broker(options->settings("30s", true));
    if (broker.stop()) {
      fmt::print("Kafka stopped ({})\n", broker.bootstrap_servers());
    } else {
      fmt::print("Kafka was not running ({})\n", broker.layout().root.string());
    }
  });

  auto* status = kafka->add_subcommand("status", "Exit 0 if a broker answers at the address, 1 otherwise");
  add_location_options(*status, *options);
  status->add_option("--timeout", options->timeout, "How long to wait for an answer (default 3s)");
  status->callback([options] {
    broker::LocalBroker broker(options->settings("3s", false));
    const auto st = broker.status(broker.settings().start_timeout);
    if (!st.cluster) {
      fmt::print("No Kafka broker answers at {}{}\n", broker.bootstrap_servers(),
                 st.pid ? fmt::format(" (our broker pid {} is running but not answering)", *st.pid) : "");
      throw CLI::RuntimeError(1);
    }
    print_cluster(broker, st);
  });

  auto* destroy = kafka->add_subcommand("destroy", "Stop the local broker and delete its data and logs");
  add_location_options(*destroy, *options);
  destroy->callback([options] {
    broker::LocalBroker broker(options->settings("30s", true));
    broker.destroy();
    fmt::print("Kafka destroyed: {} removed\n", broker.layout().root.string());
  });
}

}  // namespace smsim::app
