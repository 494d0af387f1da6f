#pragma once
// Thin, exception-throwing wrappers over the POSIX process and socket calls smsim needs to run the
// broker as a child process. Nothing here knows about Kafka.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace smsim::os {

struct SpawnOptions {
  std::vector<std::string> argv;            // argv[0] is the program (a path, or a name looked up in PATH)
  std::filesystem::path output_file;        // stdout and stderr are appended here; stdin is /dev/null
  std::filesystem::path working_directory;  // empty: inherit
  bool new_session = true;                  // setsid(): Ctrl-C in the caller's terminal does not reach it
  bool die_with_parent = false;             // PR_SET_PDEATHSIG: killed if the spawning thread dies (tests)
  std::string network_namespace;            // `ip netns` name to run in (setns before exec); empty: ours
};

/// Starts a process and returns its pid without waiting for it. Throws std::system_error.
pid_t spawn(const SpawnOptions& options);

/// Runs a process to completion and returns its exit code (128+signal when killed by a signal).
int run_and_wait(const SpawnOptions& options);

/// If `pid` is our child and has exited, reaps it and returns its exit code; otherwise nullopt.
std::optional<int> try_reap(pid_t pid);

/// True while the process exists and is not a zombie (works for children and non-children).
bool is_alive(pid_t pid);

/// SIGTERM, then SIGKILL once `grace` has passed. Returns true if it had to use SIGKILL.
/// Returns once the process is gone (reaping it if it is our child).
bool terminate(pid_t pid, std::chrono::milliseconds grace);

/// The NUL-separated /proc/<pid>/cmdline joined with spaces; empty if the process is gone.
std::string command_line(pid_t pid);

/// True if nothing listens on, or holds, host:port (we can bind it ourselves right now).
bool tcp_port_is_free(const std::string& host, std::uint16_t port);

/// Runs `work` on a short-lived thread that has joined the network namespace `name` (as made by
/// `ip netns add`), so that sockets it opens live there; an empty name runs it here. Throws
/// std::system_error when the namespace cannot be entered.
void run_in_network_namespace(const std::string& name, const std::function<void()>& work);

/// A port the kernel considers free on 127.0.0.1 at the moment of the call (for tests).
std::uint16_t pick_free_port();

/// The first of `count` consecutive ports that are all free on `host` right now, below the
/// kernel's ephemeral range (so that no outgoing connection takes one meanwhile). For tests and
/// benchmarks that start a cluster; throws std::runtime_error after many unlucky tries.
std::uint16_t pick_free_port_block(int count, const std::string& host = "127.0.0.1");

/// Looks `name` up in PATH; a name with a slash is checked as a path.
std::optional<std::filesystem::path> find_executable(const std::string& name);

/// The last `max_lines` lines of a text file, or "" if it cannot be read. For error messages.
std::string tail_of_file(const std::filesystem::path& file, std::size_t max_lines);

}  // namespace smsim::os
