#include "support/netns_hosts.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <map>
#include <stdexcept>

namespace smsim::test {
namespace {

struct Result {
  int exit_code = -1;
  std::string output;
};

Result run_shell(const std::string& command) {
  Result result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe)) result.output += buffer.data();
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

const std::string kScript = std::string(SMSIM_SOURCE_DIR) + "/scripts/netns-hosts.sh";

}  // namespace

NetnsHosts::NetnsHosts() : prefix_("smt" + std::to_string(::getpid() % 100000)) {
  // A /24 of our own; if this machine routes it already, the script says so and we try the next.
  std::string failures;
  for (int attempt = 0; attempt < 8 && !up_; ++attempt) {
    subnet_ = "10.232." + std::to_string((::getpid() + attempt * 31) % 250 + 1);
    const auto result = run_shell("SMSIM_NETNS_PREFIX=" + prefix_ + " SMSIM_NETNS_SUBNET=" + subnet_ + " bash " +
                                  kScript + " up");
    if (result.exit_code == 0) {
      up_ = true;
      break;
    }
    failures += result.output;
    if (result.output.find("already routed") == std::string::npos) break;
  }
  if (!up_) throw std::runtime_error("cannot build the network namespaces (scripts/netns-hosts.sh up):\n" + failures);
}

NetnsHosts::~NetnsHosts() {
  run_shell("SMSIM_NETNS_PREFIX=" + prefix_ + " SMSIM_NETNS_SUBNET=" + subnet_ + " bash " + kScript + " down");
}

std::string NetnsHosts::address(const std::string& host) const {
  static const std::map<std::string, int> octet = {{"this", 1}, {"kafka", 2}, {"gateway", 3}, {"sender1", 4},
                                                   {"sender2", 5}};
  return subnet_ + "." + std::to_string(octet.at(host));
}

std::string NetnsHosts::run(const std::string& arguments) const {
  const auto result =
      run_shell("SMSIM_NETNS_PREFIX=" + prefix_ + " SMSIM_NETNS_SUBNET=" + subnet_ + " bash " + kScript + " " + arguments);
  if (result.exit_code != 0) {
    throw std::runtime_error("scripts/netns-hosts.sh " + arguments + " failed:\n" + result.output);
  }
  return result.output;
}

void NetnsHosts::cut(const std::string& host) const { run("cut " + host); }
void NetnsHosts::restore(const std::string& host) const { run("restore " + host); }

}  // namespace smsim::test
