#pragma once
// `smsim smsc` (the SMSC simulator) and `smsim smpp-load` (a load generator for it).
#include <CLI/CLI.hpp>

namespace smsim::app {

void add_smsc_command(CLI::App& root);
void add_smpp_load_command(CLI::App& root);
/// Raises the soft limit of open files to the hard limit (each SMPP session is a socket).
void raise_open_file_limit();

}  // namespace smsim::app
