#pragma once
#include <CLI/CLI.hpp>

namespace smsim::app {

/// Registers `smsim kafka start|stop|status|destroy` on the root app.
void add_kafka_command(CLI::App& root);

}  // namespace smsim::app
