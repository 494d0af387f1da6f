#include "app/service_commands.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "app/common_options.hpp"
#include "common/duration.hpp"
#include "common/error.hpp"
#include "gateway/gateway_service.hpp"
#include "kafka/topic_admin.hpp"
#include "sender/sender_program.hpp"
#include "tracker/tracker_service.hpp"

#include <atomic>
#include <chrono>
#include <thread>

namespace smsim::app {
namespace {

// A duration flag ("10s", "500ms") stored in milliseconds; must be positive.
void add_duration_option(CLI::App& cmd, const std::string& name, std::chrono::milliseconds& target,
                         const std::string& help) {
  cmd.add_option_function<std::string>(
         name,
         [&target, name](const std::string& text) {
           std::chrono::milliseconds value{};
           try {
             value = std::chrono::duration_cast<std::chrono::milliseconds>(parse_duration(text));
           } catch (const std::exception& e) {
             throw CLI::ValidationError(name, e.what());
           }
           if (value.count() <= 0) throw CLI::ValidationError(name, "must be at least 1ms, e.g. 10s");
           target = value;
         },
         help)
      ->default_str(format_duration(target));
}

}  // namespace

sender::SmppSettings parse_smsc_address(const std::string& text) {
  sender::SmppSettings s;
  const auto colon = text.rfind(':');
  const auto fail = [&] {
    throw InvalidArgument(fmt::format("--smsc '{}' must be host:port (for example 127.0.0.1:2775)", text));
  };
  if (colon == std::string::npos || colon == 0) fail();
  s.host = text.substr(0, colon);
  const std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) fail();
  s.port = std::stoi(port);
  if (s.port < 1 || s.port > 65535) fail();
  return s;
}

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
  cmd->add_option("--legacy-credit", o->settings.legacy_credit,
                  "Messages queued at once for each member of another consumer group on the messages topic "
                  "(the original exercise's senders: their settings are unknown)")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  cmd->add_option("--max-campaign-size", o->settings.limits.max_messages, "Largest num_messages accepted")
      ->check(CLI::Range(1, 1'000'000'000))->capture_default_str();
  cmd->add_option("--max-body-bytes", o->settings.max_body_bytes, "Largest request body accepted")
      ->check(CLI::Range(16, 64 * 1024 * 1024))->capture_default_str();
  cmd->add_option("--topic-messages", o->settings.topics.messages, "Topic of whole messages to send")->capture_default_str();
  cmd->add_option("--topic-status", o->settings.topics.status, "Topic of sender status updates")->capture_default_str();
  cmd->add_option("--topic-smsim-status", o->settings.topics.smsim_status,
                  "Topic of the statuses and heartbeats of senders run with --legacy-status")
      ->capture_default_str();
  cmd->add_option("--topic-campaigns", o->settings.topics.campaigns, "Topic of accepted campaigns")->capture_default_str();
  cmd->add_option("--topic-delivery-reports", o->settings.topics.delivery_reports, "Topic of delivery reports")
      ->capture_default_str();
  cmd->add_option("--topic-message-status", o->settings.topics.message_status, "Compacted topic of message states")
      ->capture_default_str();
  std::string tracker = "embedded";
  cmd->add_option_function<std::string>(
         "--tracker", [o](const std::string& v) { o->settings.embedded_tracker = v == "embedded"; },
         "embedded: track message states inside the gateway; off: leave it to `smsim tracker` instances")
      ->check(CLI::IsMember({"embedded", "off"}))
      ->default_str("embedded");
  cmd->add_option("--auth-token", o->settings.auth_token,
                  "Require 'Authorization: Bearer <token>' on POST endpoints (env SMSIM_AUTH_TOKEN)")
      ->envname("SMSIM_AUTH_TOKEN");
  cmd->add_option("--http-threads", o->settings.http_threads,
                  "Worker threads for endpoints that wait on Kafka (the Kafka panel)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--http-io-threads", o->settings.http_io_threads,
                  "Threads running every HTTP connection (event-driven: a connection costs no thread)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--http-max-connections", o->settings.http_max_connections,
                  "Open connections at most; more are answered 503 (also capped by the open-files limit)")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  add_duration_option(*cmd, "--http-header-timeout", o->settings.http_header_timeout,
                      "A request's header must arrive within this, from its first byte (slow clients are cut off)");
  add_duration_option(*cmd, "--http-body-timeout", o->settings.http_body_timeout,
                      "A request's body must arrive within this, after its header");
  add_duration_option(*cmd, "--http-idle-timeout", o->settings.http_idle_timeout,
                      "A keep-alive connection is closed after this long without a request");
  add_duration_option(*cmd, "--accept-timeout", o->settings.accept_timeout,
                      "How long a campaign's write to Kafka is awaited before the answer says 'unknown yet'");
  add_duration_option(*cmd, "--stall-timeout", o->settings.stall_timeout,
                      "/healthz reports a background thread stalled after this long without progress of its loop");
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
    std::string report_delay = "1s";
    bool no_reports = false;
    // SMPP: set when --smsc is given.
    std::string smsc;
    sender::SmppSettings smpp;
    std::string bind = "transceiver", enquire_link = "30s", concatenation = "udh";
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
  auto* window = cmd->add_option("--window", o->settings.window,
                                 "Messages in flight per sender (1: one at a time); with --smsc, submit_sm outstanding "
                                 "per SMPP session (default 10 then)")
                      ->capture_default_str();
  cmd->add_option("--name", o->settings.name, "Name of this program; sender ids are <name>-<n>-<random>")
      ->capture_default_str();
  cmd->add_option("--seed", o->settings.seed, "Seed for reproducible timing and failures (0: random)");
  cmd->add_option("--group", o->settings.group, "Consumer group")->capture_default_str();
  cmd->add_option("--report-delay", o->report_delay, "Mean delay of the supplier's delivery reports")->capture_default_str();
  cmd->add_option("--delivered", o->settings.delivered_share, "Share of parts reported DELIVRD")->capture_default_str();
  cmd->add_option("--undelivered", o->settings.undelivered_share, "Share of parts reported UNDELIV")->capture_default_str();
  cmd->add_option("--expired", o->settings.expired_share, "Share of parts reported EXPIRED")->capture_default_str();
  cmd->add_flag("--no-delivery-reports", o->no_reports, "The supplier sends no delivery reports");
  cmd->add_flag("--legacy-status", o->settings.legacy_status,
                "Write to the status topic only the original exercise's cumulative record (what its producer "
                "service reads); statuses and heartbeats go to --topic-smsim-status, which smsim's gateway also reads");
  auto* smpp = cmd->add_option_group("SMPP", "Submit to an SMSC over SMPP 3.4 instead of simulating (docs/smpp.md)");
  smpp->add_option("--smsc", o->smsc, "host:port of the SMSC; each sender thread binds one session");
  smpp->add_option("--system-id", o->smpp.system_id, "system_id to bind with")->capture_default_str();
  smpp->add_option("--password", o->smpp.password, "Password to bind with")->capture_default_str();
  smpp->add_option("--bind", o->bind, "transceiver (receipts come back on the session) or transmitter (no receipts asked)")
      ->check(CLI::IsMember({"transceiver", "transmitter"}))
      ->capture_default_str();
  smpp->add_option("--enquire-link", o->enquire_link, "enquire_link after this long without traffic; unanswered for as "
                                                      "long again, the session is dropped and rebuilt")
      ->capture_default_str();
  smpp->add_option("--concatenation", o->concatenation, "Long messages: udh (esm_class 0x40, IEI 0x00) or sar (sar_* TLVs)")
      ->check(CLI::IsMember({"udh", "sar"}))
      ->capture_default_str();
  smpp->add_option("--source-addr", o->smpp.source_addr, "Alphanumeric sender (source_addr, TON 5)")->capture_default_str();
  add_kafka_client_options(*cmd, o->kafka);
  cmd->add_option("--topic-messages", o->settings.topics.messages, "Topic of whole messages to send")->capture_default_str();
  cmd->add_option("--topic-status", o->settings.topics.status, "Topic of sender status updates")->capture_default_str();
  cmd->add_option("--topic-smsim-status", o->settings.topics.smsim_status,
                  "Topic of the statuses and heartbeats of senders run with --legacy-status")
      ->capture_default_str();
  cmd->add_option("--topic-delivery-reports", o->settings.topics.delivery_reports, "Topic of delivery reports")
      ->capture_default_str();
  cmd->callback([o, window] {
    o->settings.kafka = o->kafka.config();
    if (!o->smsc.empty()) {
      o->settings.smpp = parse_smsc_address(o->smsc);
      o->settings.smpp->system_id = o->smpp.system_id;
      o->settings.smpp->password = o->smpp.password;
      o->settings.smpp->source_addr = o->smpp.source_addr;
      o->settings.smpp->bind = *smpp::parse_bind_type(o->bind);
      o->settings.smpp->enquire_link = parse_duration(o->enquire_link);
      o->settings.smpp->concatenation = *smpp::parse_concatenation(o->concatenation);
      if (window->count() == 0) o->settings.window = 10;
    }
    o->settings.report_delay = parse_duration(o->report_delay);
    o->settings.delivery_reports = !o->no_reports;
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

void add_tracker_command(CLI::App& root) {
  struct Options {
    tracker::TrackerSettings settings;
    KafkaClientOptions kafka;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = root.add_subcommand(
      "tracker", "Track whole-message states (aggregate parts and delivery reports) into message-status; "
                 "instances share the work by partition (run the gateway with --tracker off)");
  add_kafka_client_options(*cmd, o->kafka);
  cmd->add_option("--group", o->settings.group, "Consumer group shared by tracker instances")->capture_default_str();
  cmd->add_option("--topic-status", o->settings.topics.status, "Topic of sender status updates")->capture_default_str();
  cmd->add_option("--topic-smsim-status", o->settings.topics.smsim_status,
                  "Topic of the statuses and heartbeats of senders run with --legacy-status")
      ->capture_default_str();
  cmd->add_option("--topic-delivery-reports", o->settings.topics.delivery_reports, "Topic of delivery reports")
      ->capture_default_str();
  cmd->add_option("--topic-message-status", o->settings.topics.message_status, "Compacted topic of message states")
      ->capture_default_str();
  cmd->callback([o] {
    o->settings.kafka = o->kafka.config();
    {
      kafka::TopicAdmin admin(o->settings.kafka);
      kafka::ensure_topics(admin, o->settings.topics, 1);
    }
    std::atomic<bool> stop{false};
    tracker::TrackerService service(o->settings);
    SignalWatcher signals([&stop](int) { stop.store(true); });
    service.start();
    spdlog::info("tracker running in group {}", o->settings.group);
    while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    service.stop();
    fmt::print("tracker stopped after {} state change(s), {} message-status record(s)\n", service.state_changes(),
               service.states_published());
  });
}

}  // namespace smsim::app
