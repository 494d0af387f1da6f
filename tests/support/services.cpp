#include "support/services.hpp"

#include <httplib.h>
#include <signal.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <thread>

#include "os/process.hpp"
#include "support/broker_environment.hpp"

namespace smsim::test {

ServiceProcess::ServiceProcess(std::string name, std::vector<std::string> args, std::filesystem::path log_file,
                               Program program, std::string network_namespace)
    : name_(std::move(name)), log_file_(std::move(log_file)) {
  if (program == Program::Smsim) args.insert(args.begin(), SMSIM_BINARY);
  pid_ = os::spawn({.argv = args,
                    .output_file = log_file_,
                    .new_session = true,
                    .die_with_parent = true,
                    .network_namespace = std::move(network_namespace)});
}

ServiceProcess::~ServiceProcess() {
  if (alive()) stop(std::chrono::seconds(10));
}

void ServiceProcess::kill_hard() {
  ::kill(pid_, SIGKILL);
  while (os::is_alive(pid_)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

int ServiceProcess::stop(std::chrono::seconds grace) {
  if (!os::is_alive(pid_)) return os::try_reap(pid_).value_or(0);
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (const auto code = os::try_reap(pid_)) return *code;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  while (os::is_alive(pid_)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return 128 + SIGKILL;
}

bool ServiceProcess::alive() const { return os::is_alive(pid_); }

std::string ServiceProcess::log_tail(std::size_t lines) const {
  return "--- " + name_ + " log (" + log_file_.string() + ") ---\n" + os::tail_of_file(log_file_, lines);
}

nlohmann::json HttpReply::json() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

std::string HttpReply::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return "";
}

bool HttpReply::has_header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return true;
    }
  }
  return false;
}

HttpReply http_request(int port, const std::string& method, const std::string& path, const std::string& body,
                       const std::vector<std::pair<std::string, std::string>>& headers) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(20, 0);
  httplib::Request req;
  req.method = method;
  req.path = path;
  req.body = body;
  for (const auto& [name, value] : headers) req.headers.emplace(name, value);
  auto res = client.send(req);
  if (!res) return {};
  HttpReply reply{res->status, res->body, {}};
  for (const auto& [name, value] : res->headers) reply.headers.emplace_back(name, value);
  return reply;
}

HttpReply http_get(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(10, 0);
  auto res = client.Get(path.c_str());
  if (!res) return {};
  return {res->status, res->body};
}

HttpReply http_post(int port, const std::string& path, const std::string& body, const std::string& content_type) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(20, 0);
  auto res = client.Post(path.c_str(), body, content_type.c_str());
  if (!res) return {};
  return {res->status, res->body};
}

nlohmann::json poll_json(int port, const std::string& path, const std::function<bool(const nlohmann::json&)>& done,
                         std::chrono::seconds timeout) {
  nlohmann::json last;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto reply = http_get(port, path);
    if (reply.status == 200) {
      last = reply.json();
      if (done(last)) return last;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return last;
}

int processes_mentioning(const std::vector<std::string>& needles) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = std::stoi(name);
    if (pid == ::getpid() || !os::is_alive(pid)) continue;
    const auto cmdline = os::command_line(pid);
    bool all = true;
    for (const auto& needle : needles) all = all && cmdline.find(needle) != std::string::npos;
    count += all;
  }
  return count;
}

IsolatedNames::IsolatedNames(const std::string& tag)
    : messages(unique_name(tag + "-messages")),
      status(unique_name(tag + "-status")),
      campaigns(unique_name(tag + "-campaigns")),
      group(unique_name(tag + "-senders")) {}

std::vector<std::string> IsolatedNames::gateway_flags() const {
  return {"--bootstrap-servers", BrokerEnvironment::broker().bootstrap_servers(), "--topic-messages", messages,
          "--topic-status", status, "--topic-campaigns", campaigns, "--sender-group", group};
}

std::vector<std::string> IsolatedNames::sender_flags() const {
  return {"--bootstrap-servers", BrokerEnvironment::broker().bootstrap_servers(), "--topic-messages", messages,
          "--topic-status", status, "--group", group};
}

}  // namespace smsim::test
