#include "app/service_commands.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "app/common_options.hpp"
#include "common/duration.hpp"
#include "common/error.hpp"
#include "gateway/gateway_service.hpp"
#include "sender/sender_program.hpp"

namespace smsim::app {

void add_gateway_command(CLI::App& root) {
  struct Options {
    gateway::GatewaySettings settings;
    KafkaClientOptions kafka;
    std::string dispatch = "credit";
  };
  auto o = std::make_shared<Options>();
  auto* cmd = root.add_subcommand("gateway", "Run the producer service: HTTP API, campaign dispatch, live figures");
  cmd->add_option("--host", o->settings.host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", o->settings.port, "HTTP port (0: any free port)")->check(CLI::Range(0, 65535))->capture_default_str();
  add_kafka_client_options(*cmd, o->kafka);
  cmd->add_option("--dispatch", o->dispatch,
                  "credit: each message goes to a sender with room in its queue (work follows capacity); "
                  "eager: publish everything at once, spread by key (the original exercise)")
      ->check(CLI::IsMember({"credit", "eager"}))
      ->capture_default_str();
  cmd->add_option("--sender-group", o->settings.sender_group, "Consumer group of the senders")->capture_default_str();
  cmd->add_option("--max-campaign-size", o->settings.limits.max_messages, "Largest num_messages accepted")
      ->check(CLI::Range(1, 1'000'000'000))->capture_default_str();
  cmd->add_option("--max-body-bytes", o->settings.max_body_bytes, "Largest request body accepted")
      ->check(CLI::Range(16, 64 * 1024 * 1024))->capture_default_str();
  cmd->add_option("--topic-messages", o->settings.topics.messages, "Topic of whole messages to send")->capture_default_str();
  cmd->add_option("--topic-status", o->settings.topics.status, "Topic of sender status updates")->capture_default_str();
  cmd->add_option("--topic-campaigns", o->settings.topics.campaigns, "Topic of accepted campaigns")->capture_default_str();
  o->settings.static_dir = SMSIM_DEFAULT_STATIC_DIR;
  cmd->add_option("--static-dir", o->settings.static_dir, "The exported monitor (Next.js), served at /")
      ->capture_default_str();
  cmd->add_option("--refresh-interval", o->settings.refresh_interval_s, "The monitor's default refresh interval, seconds")
      ->check(CLI::Range(0.5, 3600.0))
      ->capture_default_str();
  cmd->add_option("--cors-origin", o->settings.cors_origins, "Origins allowed to call the API from a browser (repeatable)")
      ->capture_default_str();
  cmd->callback([o] {
    o->settings.kafka = o->kafka.config();
    o->settings.dispatch = o->dispatch == "eager" ? gateway::DispatchMode::Eager : gateway::DispatchMode::Credit;
    gateway::GatewayService service(o->settings);
    SignalWatcher signals([&service](int signal) {
      spdlog::info("signal {}: stopping the gateway", signal);
      service.stop();
    });
    service.run();
  });
}

void add_sender_command(CLI::App& root) {
  struct Options {
    sender::SenderSettings settings;
    KafkaClientOptions kafka;
    std::string mean = "250ms";
    std::string stddev = "50ms";
    std::string distribution = "normal";
  };
  auto o = std::make_shared<Options>();
  auto* cmd = root.add_subcommand("sender", "Run N sender threads, each a Kafka consumer in the senders' group");
  cmd->add_option("-n,--senders", o->settings.senders, "Sender threads in this program")->capture_default_str();
  cmd->add_option("--mean", o->mean, "Mean simulated send time, with unit (250ms, 1.5s)")->capture_default_str();
  cmd->add_option("--stddev", o->stddev, "Standard deviation of the send time, with unit")->capture_default_str();
  cmd->add_option("--distribution", o->distribution, "normal, exponential, uniform or constant")
      ->check(CLI::IsMember({"normal", "exponential", "uniform", "constant"}))
      ->capture_default_str();
  cmd->add_option("--failure-rate", o->settings.failure_rate, "Probability that a message fails, 0..1")
      ->capture_default_str();
  cmd->add_option("--window", o->settings.window, "Messages in flight per sender (1: one at a time)")
      ->capture_default_str();
  cmd->add_option("--name", o->settings.name, "Name of this program; sender ids are <name>-<n>-<random>")
      ->capture_default_str();
  cmd->add_option("--seed", o->settings.seed, "Seed for reproducible timing and failures (0: random)");
  cmd->add_option("--group", o->settings.group, "Consumer group")->capture_default_str();
  add_kafka_client_options(*cmd, o->kafka);
  cmd->add_option("--topic-messages", o->settings.topics.messages, "Topic of whole messages to send")->capture_default_str();
  cmd->add_option("--topic-status", o->settings.topics.status, "Topic of sender status updates")->capture_default_str();
  cmd->callback([o] {
    o->settings.kafka = o->kafka.config();
    o->settings.timing.mean = parse_duration(o->mean);
    o->settings.timing.stddev = parse_duration(o->stddev);
    o->settings.timing.distribution = *domain::parse_distribution(o->distribution);
    sender::SenderProgram program(o->settings);
    SignalWatcher signals([&program](int signal) {
      spdlog::info("signal {}: finishing in-flight messages and leaving the group", signal);
      program.request_stop();
    });
    const auto finished = program.run();
    fmt::print("sender program '{}' stopped after finishing {} message(s)\n", o->settings.name, finished);
  });
}

}  // namespace smsim::app
