#pragma once
#include <CLI/CLI.hpp>

namespace smsim::app {

/// `smsim gateway` and `smsim sender`: the two long-running services.
void add_gateway_command(CLI::App& root);
void add_sender_command(CLI::App& root);
/// `smsim tracker`: message-state tracking outside the gateway.
void add_tracker_command(CLI::App& root);

}  // namespace smsim::app
