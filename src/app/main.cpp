// smsim: one binary, many subcommands. Each subcommand lives in its own app/*_command.cpp.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "app/kafka_command.hpp"
#include "app/service_commands.hpp"
#include "app/client_commands.hpp"
#include "app/smpp_commands.hpp"
#include "common/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"smsim — an SMS alert gateway simulator on Apache Kafka", "smsim"};
  app.set_version_flag("--version", SMSIM_VERSION);
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  app.parse_complete_callback([&] {
    auto logger = spdlog::stderr_color_mt("smsim");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    logger->set_level(spdlog::level::from_str(log_level));
    spdlog::set_default_logger(logger);
  });

  smsim::app::add_kafka_command(app);
  smsim::app::add_gateway_command(app);
  smsim::app::add_sender_command(app);
  smsim::app::add_tracker_command(app);
  smsim::app::add_up_command(app);
  smsim::app::add_produce_command(app);
  smsim::app::add_smsc_command(app);
  smsim::app::add_smpp_load_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const smsim::Error& e) {
    fmt::print(stderr, "smsim: error: {}\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "smsim: unexpected error: {}\n", e.what());
    return 2;
  }
  return 0;
}
