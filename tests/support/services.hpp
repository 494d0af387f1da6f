#pragma once
// smsim services run as real child processes for integration tests: `smsim gateway` and
// `smsim sender`, each logging to a file in the test's temp folder, killed (SIGKILL) or stopped
// (SIGTERM) on demand, and always stopped when the handle goes away.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace smsim::test {

class ServiceProcess {
 public:
  /// `smsim <args...>`; with Program::AsGiven, args[0] is the program (another stack, e.g. node).
  /// `network_namespace`: an `ip netns` name to run in (another "host"); empty: this one.
  enum class Program { Smsim, AsGiven };
  ServiceProcess(std::string name, std::vector<std::string> args, std::filesystem::path log_file,
                 Program program = Program::Smsim, std::string network_namespace = {});
  ~ServiceProcess();
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  void kill_hard();                 // SIGKILL, as a crash
  int stop(std::chrono::seconds grace = std::chrono::seconds(20));  // SIGTERM; returns exit code
  bool alive() const;
  std::string log_tail(std::size_t lines = 30) const;
  pid_t pid() const { return pid_; }

 private:
  std::string name_;
  std::filesystem::path log_file_;
  pid_t pid_ = -1;
};

struct HttpReply {
  int status = 0;  // 0: no connection
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // only from http_request()
  nlohmann::json json() const;
  /// The first header of that name (case-insensitive), or "" when absent.
  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const;
};
HttpReply http_get(int port, const std::string& path);
HttpReply http_post(int port, const std::string& path, const std::string& body,
                    const std::string& content_type = "application/json");

/// Any method, with request headers; the reply carries the response headers.
HttpReply http_request(int port, const std::string& method, const std::string& path, const std::string& body = "",
                       const std::vector<std::pair<std::string, std::string>>& headers = {});

/// Polls GET path until `done(json)` or the timeout; returns the last JSON seen (null if none).
nlohmann::json poll_json(int port, const std::string& path, const std::function<bool(const nlohmann::json&)>& done,
                         std::chrono::seconds timeout);

/// Live processes (other than this one) whose command line contains every one of `needles`:
/// what must be gone after a stop.
int processes_mentioning(const std::vector<std::string>& needles);

/// Topic names and groups unique to one test, so tests sharing a broker never see each other.
struct IsolatedNames {
  std::string messages, status, campaigns, group;
  explicit IsolatedNames(const std::string& tag);
  std::vector<std::string> gateway_flags() const;
  std::vector<std::string> sender_flags() const;
};

}  // namespace smsim::test
