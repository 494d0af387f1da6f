#pragma once
#include <CLI/CLI.hpp>

namespace smsim::app {

/// `smsim produce` (start a campaign and follow it) and `smsim up` (the whole demo, one command).
void add_produce_command(CLI::App& root);
void add_up_command(CLI::App& root);

}  // namespace smsim::app
