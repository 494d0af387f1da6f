#include "app/client_commands.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "app/common_options.hpp"
#include "app/gateway_client.hpp"
#include "app/progress.hpp"
#include "app/up_config.hpp"
#include "broker/cluster_plan.hpp"
#include "broker/local_broker.hpp"
#include "common/error.hpp"
#include "kafka/metadata_probe.hpp"
#include "os/paths.hpp"
#include "os/process.hpp"

namespace smsim::app {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

ProgressFigures figures_of(const json& campaign) {
  ProgressFigures f;
  f.total = campaign.value("num_messages", std::uint64_t{0});
  f.sent = campaign.value("messages_sent", std::uint64_t{0});
  f.failed = campaign.value("messages_failed", std::uint64_t{0});
  f.published = campaign.value("published", std::uint64_t{0});
  f.rate_per_s = campaign.value("messages_per_second", 0.0);
  if (campaign.contains("eta_seconds") && campaign["eta_seconds"].is_number()) f.eta_s = campaign["eta_seconds"].get<double>();
  return f;
}

// On a terminal the line is redrawn in place; in a log (CI, a pipe) one line per change.
class ProgressPrinter {
 public:
  void show(const std::string& line) {
    if (tty_) {
      fmt::print("\r\x1b[2K{}", line);
      std::fflush(stdout);
    } else if (line != last_) {
      fmt::print("{}\n", line);
      std::fflush(stdout);
    }
    last_ = line;
  }
  void finish() {
    if (tty_ && !last_.empty()) fmt::print("\n");
  }

 private:
  bool tty_ = ::isatty(STDOUT_FILENO) == 1;
  std::string last_;
};

std::string self_executable() { return fs::read_symlink("/proc/self/exe").string(); }

}  // namespace

void add_produce_command(CLI::App& root) {
  struct Options {
    std::string gateway = "http://127.0.0.1:5000";
    std::uint64_t messages = 1000;
    int max_length = 100;
    int min_length = 1;
    std::string alphabet = "gsm7";
    std::uint64_t seed = 0;
    bool no_wait = false;
    std::string timeout = "0s";
  };
  auto o = std::make_shared<Options>();
  auto* cmd = root.add_subcommand("produce", "Start a campaign on a running gateway and follow it to the end");
  cmd->add_option("--gateway", o->gateway, "Gateway base URL")->capture_default_str();
  cmd->add_option("-n,--messages", o->messages, "Messages in the campaign")->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000'000}))->capture_default_str();
  cmd->add_option("--max-length", o->max_length, "Longest text, characters")->check(CLI::Range(1, 1600))->capture_default_str();
  cmd->add_option("--min-length", o->min_length, "Shortest text, characters")->check(CLI::Range(1, 1600))->capture_default_str();
  cmd->add_option("--alphabet", o->alphabet, "gsm7, unicode or mixed")->check(CLI::IsMember({"gsm7", "unicode", "mixed"}))->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed for reproducible texts (0: random)");
  cmd->add_flag("--no-wait", o->no_wait, "Print the accepted campaign and exit");
  cmd->add_option("--timeout", o->timeout, "Give up following after this long (0s: never)")->capture_default_str();
  cmd->callback([o] {
    const GatewayClient client(o->gateway);
    json request{{"num_messages", o->messages}, {"max_length", o->max_length}, {"min_length", o->min_length},
                 {"alphabet", o->alphabet}};
    if (o->seed != 0) request["seed"] = o->seed;
    const auto timeout = parse_duration(o->timeout);
    const auto accepted = client.start_campaign(request);
    const auto id = accepted.at("campaign_id").get<std::string>();
    fmt::print("campaign {} accepted: {} messages ({}/api/campaigns/{})\n", id, o->messages, client.base_url(), id);
    if (o->no_wait) return;
    const auto started = std::chrono::steady_clock::now();
    ProgressPrinter printer;
    while (true) {
      const auto campaign = client.campaign(id);
      printer.show(progress_line(figures_of(campaign)));
      if (campaign.value("finished", false)) break;
      if (timeout.count() > 0 && std::chrono::steady_clock::now() - started > timeout) {
        printer.finish();
        throw Error(fmt::format("campaign {} not finished after {}; it goes on in the gateway", id, o->timeout));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    printer.finish();
  });
}

void add_up_command(CLI::App& root) {
  struct Options {
    std::string config = SMSIM_DEFAULT_CONFIG;
    std::optional<std::uint64_t> messages;
    bool no_campaign = false;
    std::optional<int> port;
    std::optional<int> smsc_port;
    std::string bootstrap_servers;
    int kafka_port = 9092;
    int brokers = 0;  // 0: what the state dir holds, else 1
    kafka::TopicReplication replication;
    std::string state_dir = os::default_state_dir().string();
    bool exit_when_done = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = root.add_subcommand("up", "Run the whole demo: broker (if none), gateway, sender pools, a campaign");
  cmd->add_option("-c,--config", o->config, "Sender pools and campaign (TOML)")->capture_default_str();
  cmd->add_option("-n,--messages", o->messages, "Campaign size (overrides the config)");
  cmd->add_flag("--no-campaign", o->no_campaign, "Start no campaign");
  cmd->add_option("--port", o->port, "Gateway HTTP port (overrides the config)")->check(CLI::Range(1, 65535));
  cmd->add_option("--smsc-port", o->smsc_port, "SMPP port of the config's [smsc] (its /metrics: the next port)")
      ->check(CLI::Range(1, 65534));
  cmd->add_option("--bootstrap-servers", o->bootstrap_servers, "Use this Kafka instead of the local broker");
  cmd->add_option("--kafka-port", o->kafka_port, "Port of the local broker (node 1 of a cluster)")
      ->check(CLI::Range(1, 65534))
      ->capture_default_str();
  cmd->add_option("--brokers", o->brokers,
                 "Nodes of the local Kafka when smsim starts it (3: a replicated cluster; default: what the state "
                 "dir holds, else 1)")
      ->check(CLI::Range(1, broker::kMaxBrokers));
  add_replication_options(*cmd, o->replication);
  cmd->add_option("--state-dir", o->state_dir, "Broker data and service logs")->capture_default_str();
  cmd->add_flag("--exit-when-done", o->exit_when_done, "Stop everything once the campaign has finished");
  cmd->callback([o] {
    auto config = load_up_config(o->config);
    if (o->port) config.gateway_port = *o->port;
    if (o->messages) config.campaign_messages = *o->messages;
    if (o->no_campaign) config.campaign_messages = 0;
    if (o->smsc_port) {
      if (!config.smsc) throw InvalidArgument("--smsc-port: the config has no [smsc] to start");
      config.smsc->port = *o->smsc_port;
      config.smsc->metrics_port = *o->smsc_port + 1;
      for (std::size_t i = 0; i < config.pools.size(); ++i) {
        if (config.pool_uses_local_smsc[i]) config.pools[i].smpp->port = *o->smsc_port;
      }
    }

    std::atomic<bool> stop{false};
    SignalWatcher signals([&stop](int) { stop.store(true); });

    // Kafka: an external cluster as given, else the local broker, started if none answers.
    std::unique_ptr<broker::LocalBroker> local;
    std::string bootstrap = o->bootstrap_servers;
    bool started_broker = false;
    if (bootstrap.empty()) {
      broker::BrokerSettings settings;
      settings.state_dir = o->state_dir;
      settings.kafka_lib_dir = os::default_kafka_lib_dir();
      settings.port = static_cast<std::uint16_t>(o->kafka_port);
      settings.brokers = o->brokers;
      local = std::make_unique<broker::LocalBroker>(settings);
      bootstrap = local->bootstrap_servers();
      const auto running = kafka::probe_cluster({bootstrap, {}}, std::chrono::milliseconds(1500));
      if (!running) {
        fmt::print("starting the local Kafka {} at {} ...\n",
                   local->node_count() == 1 ? std::string("broker") : fmt::format("cluster ({} brokers)", local->node_count()),
                   bootstrap);
        started_broker = local->start() == broker::LocalBroker::StartOutcome::Started;
      } else if (static_cast<int>(running->brokers.size()) < local->node_count()) {
        throw Error(fmt::format("a Kafka with {} broker(s) already answers at {}, not the {} asked for: stop it "
                                "(`smsim kafka stop --port {}`) or choose another --kafka-port",
                                running->brokers.size(), bootstrap, local->node_count(), o->kafka_port));
      } else {
        fmt::print("using the Kafka already answering at {} ({} broker(s))\n", bootstrap, running->brokers.size());
      }
    } else if (!kafka::probe_cluster({bootstrap, {}}, std::chrono::seconds(10))) {
      throw Error(fmt::format("no Kafka broker answers at {}", bootstrap));
    }

    const fs::path logs = fs::path(o->state_dir) / "up-logs";
    fs::create_directories(logs);
    const std::string exe = self_executable();
    struct Child {
      std::string name;
      pid_t pid;
      fs::path log;
    };
    std::vector<Child> children;
    const auto spawn = [&](const std::string& name, std::vector<std::string> args, bool kafka = true) {
      args.insert(args.begin(), exe);
      if (kafka) {
        args.insert(args.end(), {"--bootstrap-servers", bootstrap});
        if (o->replication.factor != 0) args.insert(args.end(), {"--replication-factor", std::to_string(o->replication.factor)});
        if (o->replication.min_insync != 0) {
          args.insert(args.end(), {"--min-insync-replicas", std::to_string(o->replication.min_insync)});
        }
      }
      const auto log = logs / (name + ".log");
      fs::remove(log);
      children.push_back({name, os::spawn({.argv = args, .output_file = log}), log});
    };
    const auto shutdown = [&] {
      // Senders first (they finish in-flight work and leave the group), then the gateway, then Kafka.
      for (auto it = children.rbegin(); it != children.rend(); ++it) os::terminate(it->pid, std::chrono::seconds(20));
      if (started_broker) {
        fmt::print("stopping the local Kafka\n");
        local->stop();
      }
    };

    try {
      spawn("gateway", {"gateway", "--port", std::to_string(config.gateway_port), "--dispatch", config.dispatch});
      const GatewayClient client(fmt::format("http://127.0.0.1:{}", config.gateway_port));
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (!client.healthy()) {
        if (!os::is_alive(children.front().pid) || std::chrono::steady_clock::now() > deadline || stop.load()) {
          throw Error(fmt::format("the gateway did not come up; its log ({}):\n{}", children.front().log.string(),
                                  os::tail_of_file(children.front().log, 15)));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
      if (config.smsc) {
        // The SMSC before its senders, so that their first bind finds it.
        spawn("smsc", smsc_arguments(*config.smsc), /*kafka=*/false);
        const auto& child = children.back();
        const auto listening_by = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (os::tcp_port_is_free("127.0.0.1", static_cast<std::uint16_t>(config.smsc->port))) {
          if (!os::is_alive(child.pid) || std::chrono::steady_clock::now() > listening_by || stop.load()) {
            throw Error(fmt::format("the SMSC did not come up; its log ({}):\n{}", child.log.string(),
                                    os::tail_of_file(child.log, 15)));
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      }
      int total_senders = 0;
      for (const auto& pool : config.pools) {
        spawn("sender-" + pool.name, sender_arguments(pool));
        total_senders += pool.senders;
      }
      fmt::print("gateway: {}  (monitor JSON: {}/monitor, metrics: {}/metrics)\n", client.base_url(), client.base_url(),
                 client.base_url());
      if (config.smsc) {
        fmt::print("smsc: 127.0.0.1:{} (SMPP 3.4; metrics: http://127.0.0.1:{}/metrics), latency {} mean, failure "
                   "rate {}\n",
                   config.smsc->port, config.smsc->metrics_port, config.smsc->mean, config.smsc->failure_rate);
      }
      for (const auto& pool : config.pools) {
        if (pool.smpp) {
          fmt::print("  pool {:<8} {} sender(s), SMPP {} to {} as '{}', window {}\n", pool.name, pool.senders,
                     smpp::to_string(pool.smpp->bind), pool.smpp->endpoint(), pool.smpp->system_id, pool.window);
          continue;
        }
        fmt::print("  pool {:<8} {} sender(s), {} mean {} stddev {}, failure rate {}, window {}\n", pool.name,
                   pool.senders, domain::to_string(pool.timing.distribution), format_duration(pool.timing.mean),
                   format_duration(pool.timing.stddev), pool.failure_rate, pool.window);
      }
      fmt::print("logs in {}; Ctrl-C stops everything\n", logs.string());

      std::string campaign_id;
      if (config.campaign_messages > 0) {
        // Let the senders join first, so the campaign starts on all of them.
        const auto joined_by = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (!stop.load() && std::chrono::steady_clock::now() < joined_by &&
               client.monitor().value("live_senders", 0) < total_senders) {
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        const auto accepted = client.start_campaign(
            {{"num_messages", config.campaign_messages}, {"max_length", config.campaign_max_length}});
        campaign_id = accepted.at("campaign_id").get<std::string>();
        fmt::print("campaign {} started: {} messages\n", campaign_id, config.campaign_messages);
      }
      ProgressPrinter printer;
      while (!stop.load()) {
        for (const auto& child : children) {
          if (!os::is_alive(child.pid)) {
            printer.finish();
            throw Error(fmt::format("{} exited unexpectedly; its log ({}):\n{}", child.name, child.log.string(),
                                    os::tail_of_file(child.log, 15)));
          }
        }
        const auto monitor = client.monitor();
        std::string line = fmt::format("sent {}  failed {}  avg {:.3f}s  {} live sender(s)",
                                       monitor.value("messages_sent", 0), monitor.value("messages_failed", 0),
                                       monitor.value("average_time_per_message", -1.0),
                                       monitor.value("live_senders", 0));
        bool done = false;
        if (!campaign_id.empty()) {
          const auto campaign = client.campaign(campaign_id);
          line = progress_line(figures_of(campaign)) + "  |  " + line;
          done = campaign.value("finished", false);
        }
        printer.show(line);
        if (done && o->exit_when_done) break;
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
      printer.finish();
    } catch (...) {
      shutdown();
      throw;
    }
    shutdown();
    fmt::print("stopped\n");
  });
}

}  // namespace smsim::app
