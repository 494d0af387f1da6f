#pragma once
// Runs the real `smsim` binary as a user would, for tests of the command line itself.
#include <string>
#include <vector>

namespace smsim::test {

struct CliResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

/// Runs `smsim <args...>` to completion (args are shell-quoted) and captures its output.
CliResult run_smsim(const std::vector<std::string>& args);

}  // namespace smsim::test
