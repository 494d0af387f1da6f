#pragma once
#include <CLI/CLI.hpp>

#include <string>

#include "sender/sender_settings.hpp"

namespace smsim::app {

/// "host:port" of --smsc (and of a pool's smsc in the `up` config); throws InvalidArgument.
sender::SmppSettings parse_smsc_address(const std::string& text);

/// `smsim gateway` and `smsim sender`: the two long-running services.
void add_gateway_command(CLI::App& root);
void add_sender_command(CLI::App& root);
/// `smsim tracker`: message-state tracking outside the gateway.
void add_tracker_command(CLI::App& root);

}  // namespace smsim::app
