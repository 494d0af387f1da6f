#include "os/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <random>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

namespace smsim::os {
namespace {

std::system_error system_error(const std::string& what) {
  return std::system_error(errno, std::generic_category(), what);
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

char process_state(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return '\0';
  // The state follows the parenthesised command name, which may itself contain spaces or ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos || close + 2 >= line.size()) return '\0';
  return line[close + 2];
}

// `ip netns add NAME` bind-mounts the namespace at /run/netns/NAME.
int open_network_namespace(const std::string& name) {
  const std::string path = "/run/netns/" + name;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw system_error("cannot open network namespace " + path);
  return fd;
}

}  // namespace

pid_t spawn(const SpawnOptions& options) {
  if (options.argv.empty()) throw std::invalid_argument("spawn: empty argv");
  // Everything the child needs is prepared before fork(): after it only async-signal-safe calls.
  std::vector<char*> argv;
  for (const auto& arg : options.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  const int out_fd = options.output_file.empty()
                         ? ::open("/dev/null", O_WRONLY | O_CLOEXEC)
                         : ::open(options.output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out_fd < 0) throw system_error("cannot open " + options.output_file.string());
  const int in_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const std::string cwd = options.working_directory.string();
  const pid_t parent = ::getpid();
  const int netns_fd = options.network_namespace.empty() ? -1 : open_network_namespace(options.network_namespace);

  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out_fd);
    ::close(in_fd);
    if (netns_fd >= 0) ::close(netns_fd);
    throw system_error("fork failed");
  }
  if (pid == 0) {
    if (netns_fd >= 0 && ::setns(netns_fd, CLONE_NEWNET) != 0) ::_exit(125);
    if (options.die_with_parent) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
    }
    if (options.new_session) ::setsid();
    ::dup2(in_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(out_fd, STDERR_FILENO);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out_fd);
  ::close(in_fd);
  if (netns_fd >= 0) ::close(netns_fd);
  return pid;
}

int run_and_wait(const SpawnOptions& options) {
  SpawnOptions attached = options;
  attached.new_session = false;
  const pid_t pid = spawn(attached);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw system_error("waitpid failed");
  }
  return exit_code_of(status);
}

std::optional<int> try_reap(pid_t pid) {
  int status = 0;
  const pid_t r = ::waitpid(pid, &status, WNOHANG);
  if (r == pid) return exit_code_of(status);
  return std::nullopt;
}

bool is_alive(pid_t pid) {
  if (pid <= 0) return false;
  if (try_reap(pid)) return false;
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  const char state = process_state(pid);
  return state != '\0' && state != 'Z' && state != 'X';
}

bool terminate(pid_t pid, std::chrono::milliseconds grace) {
  using Clock = std::chrono::steady_clock;
  if (!is_alive(pid)) return false;
  ::kill(pid, SIGTERM);
  const auto deadline = Clock::now() + grace;
  while (Clock::now() < deadline) {
    if (!is_alive(pid)) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  while (is_alive(pid)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return true;
}

std::string command_line(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (char& c : raw) {
    if (c == '\0') c = ' ';
  }
  while (!raw.empty() && raw.back() == ' ') raw.pop_back();
  return raw;
}

bool tcp_port_is_free(const std::string& host, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw system_error("socket failed");
  // SO_REUSEADDR mirrors what the broker does, so a port in TIME_WAIT counts as free.
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    ::close(fd);
    throw std::invalid_argument("not an IPv4 address: " + host);
  }
  const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return free;
}

void run_in_network_namespace(const std::string& name, const std::function<void()>& work) {
  if (name.empty()) return work();
  const int fd = open_network_namespace(name);
  std::exception_ptr failure;
  // The namespace of a thread is its own: entering it here leaves the caller's threads alone.
  std::thread worker([&] {
    try {
      if (::setns(fd, CLONE_NEWNET) != 0) throw system_error("cannot enter network namespace " + name);
      work();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  worker.join();
  ::close(fd);
  if (failure) std::rethrow_exception(failure);
}

std::uint16_t pick_free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw system_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw system_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::uint16_t pick_free_port_block(int count, const std::string& host) {
  // 20000..32767: above most services, below Linux's default ephemeral range (32768..60999).
  static std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> base(20000, 32767 - count);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int first = base(random);
    bool all_free = true;
    for (int p = first; p < first + count && all_free; ++p) all_free = tcp_port_is_free(host, static_cast<std::uint16_t>(p));
    if (all_free) return static_cast<std::uint16_t>(first);
  }
  throw std::runtime_error("no block of " + std::to_string(count) + " free ports found on " + host);
}

std::optional<std::filesystem::path> find_executable(const std::string& name) {
  namespace fs = std::filesystem;
  const auto executable = [](const fs::path& p) { return ::access(p.c_str(), X_OK) == 0 && !fs::is_directory(p); };
  if (name.find('/') != std::string::npos) {
    return executable(name) ? std::optional<fs::path>(name) : std::nullopt;
  }
  const char* path_env = std::getenv("PATH");
  std::stringstream dirs(path_env ? path_env : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / name;
    if (executable(candidate)) return candidate;
  }
  return std::nullopt;
}

std::string tail_of_file(const std::filesystem::path& file, std::size_t max_lines) {
  std::ifstream in(file);
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(std::move(line));
    if (lines.size() > max_lines) lines.pop_front();
  }
  std::string out;
  for (const auto& l : lines) out += "    " + l + "\n";
  return out;
}

}  // namespace smsim::os
