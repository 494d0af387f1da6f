#include "app/smpp_commands.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <boost/asio.hpp>
#include <memory>

#include "app/smpp_load.hpp"
#include "common/duration.hpp"
#include "common/error.hpp"
#include "smsc/smsc_server.hpp"

namespace smsim::app {

void raise_open_file_limit() {
  // Each SMPP session is a socket: let the process use what the hard limit allows.
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

void add_smsc_command(CLI::App& root) {
  struct Options {
    smsc::SmscSettings settings;
    std::vector<std::string> accounts;
    std::string accounts_file;
    std::string mean = "0s", stddev = "0s", distribution = "constant";
    std::string failure_statuses = "ESME_RSUBMITFAIL";
    std::string receipt_delay = "500ms", receipt_timeout = "10s", bind_timeout = "30s";
  };
  auto o = std::make_shared<Options>();
  auto* cmd = root.add_subcommand(
      "smsc", "Run an SMPP 3.4 SMSC simulator: binds, submit_sm with latency and failures, throttling, delivery "
              "receipts, its own /metrics");
  auto& s = o->settings;
  cmd->add_option("--host", s.host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", s.port, "SMPP port (0: any free port, printed)")->capture_default_str();
  cmd->add_option("--metrics-port", s.metrics_port, "HTTP port of /metrics and /healthz (0: any free port, -1: none)")
      ->capture_default_str();
  cmd->add_option("--system-id", s.system_id, "Our system_id in bind responses")->capture_default_str();
  cmd->add_option("--account", o->accounts,
                  "system_id:password[:max_per_second] that may bind (repeatable; default smsim:secret, no rate "
                  "limit)");
  cmd->add_option("--accounts-file", o->accounts_file, "TOML file of [[account]] tables (system_id, password, "
                                                       "max_per_second)");
  cmd->add_option("--mean", o->mean, "Mean latency of a submit_sm_resp, with unit (0s: at once)")->capture_default_str();
  cmd->add_option("--stddev", o->stddev, "Standard deviation of the latency")->capture_default_str();
  cmd->add_option("--distribution", o->distribution, "normal, exponential, uniform or constant")
      ->check(CLI::IsMember({"normal", "exponential", "uniform", "constant"}))
      ->capture_default_str();
  cmd->add_option("--failure-rate", s.failure_rate, "Share of submit_sm answered with an error status, 0..1")
      ->capture_default_str();
  cmd->add_option("--failure-status", o->failure_statuses,
                  "The error statuses of failures and their weights, e.g. ESME_RSUBMITFAIL:0.7,ESME_RSYSERR:0.3")
      ->capture_default_str();
  cmd->add_option("--receipt-delay", o->receipt_delay, "Mean delay of delivery receipts (exponential; 0s: at once)")
      ->capture_default_str();
  cmd->add_option("--delivered", s.receipts.delivered, "Share of receipts DELIVRD")->capture_default_str();
  cmd->add_option("--undelivered", s.receipts.undelivered, "Share of receipts UNDELIV")->capture_default_str();
  cmd->add_option("--expired", s.receipts.expired, "Share of receipts EXPIRED")->capture_default_str();
  cmd->add_option("--rejected", s.receipts.rejected, "Share of receipts REJECTD")->capture_default_str();
  cmd->add_option("--window", s.window, "submit_sm a session may have unanswered (then ESME_RMSGQFUL)")
      ->capture_default_str();
  cmd->add_option("--receipt-window", s.receipt_window, "deliver_sm a session may have unacknowledged")
      ->capture_default_str();
  cmd->add_option("--receipt-timeout", o->receipt_timeout, "Offer a receipt again when its deliver_sm_resp is this late")
      ->capture_default_str();
  cmd->add_option("--max-held-receipts", s.max_held_receipts,
                  "Receipts held per account; beyond, submits asking for one get ESME_RMSGQFUL")
      ->capture_default_str();
  cmd->add_option("--bind-timeout", o->bind_timeout, "Close connections that have not bound by then")
      ->capture_default_str();
  cmd->add_option("--seed", s.seed, "Seed for reproducible latency, failures and receipts (0: random)");
  cmd->callback([o] {
    auto& s = o->settings;
    for (const auto& spec : o->accounts) s.accounts.push_back(smsc::parse_account(spec));
    if (!o->accounts_file.empty()) {
      for (auto& a : smsc::load_accounts(o->accounts_file)) s.accounts.push_back(std::move(a));
    }
    s.latency.mean = parse_duration(o->mean);
    s.latency.stddev = parse_duration(o->stddev);
    s.latency.distribution = *domain::parse_distribution(o->distribution);
    s.failure_statuses = smsc::parse_status_mix(o->failure_statuses);
    s.receipt_delay = parse_duration(o->receipt_delay);
    s.receipt_timeout = parse_duration(o->receipt_timeout);
    s.bind_timeout = parse_duration(o->bind_timeout);
    raise_open_file_limit();

    boost::asio::io_context io(1);  // one thread: no locking anywhere in the SMSC
    smsc::SmscServer server(io, s);
    server.start();
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      spdlog::info("signal {}: unbinding every session and stopping", signal);
      server.stop(std::chrono::seconds(2));
    });
    std::string accounts;
    for (const auto& a : server.settings().accounts) accounts += (accounts.empty() ? "" : ", ") + a.system_id;
    fmt::print("smsc listening on {}:{} (SMPP 3.4){}; accounts: {}\n", s.host, server.port(),
               server.metrics_port() ? fmt::format(", metrics on http://{}:{}/metrics", s.host, server.metrics_port())
                                     : std::string(),
               accounts);
    std::fflush(stdout);
    io.run();
    fmt::print("smsc stopped\n");
  });
}

}  // namespace smsim::app
