#include "os/process.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "os/paths.hpp"

using namespace smsim::os;
using namespace std::chrono_literals;

TEST(Process, SpawnRunsAndTerminateEndsIt) {
  const pid_t pid = spawn({.argv = {"sleep", "30"}});
  EXPECT_TRUE(is_alive(pid));
  // Right after fork() the child still shows our command line; it changes at exec().
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (command_line(pid).find("sleep 30") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(command_line(pid), "sleep 30");
  EXPECT_FALSE(terminate(pid, 5s)) << "sleep obeys SIGTERM; SIGKILL should not be needed";
  EXPECT_FALSE(is_alive(pid));
}

TEST(Process, TerminateFallsBackToSigkill) {
  const pid_t pid = spawn({.argv = {"sh", "-c", "trap '' TERM; sleep 30"}});
  std::this_thread::sleep_for(200ms);  // let the shell install its trap
  EXPECT_TRUE(terminate(pid, 300ms));
  EXPECT_FALSE(is_alive(pid));
}

TEST(Process, RunAndWaitReturnsTheExitCodeAndCapturesOutput) {
  const auto dir = make_temp_dir("smsim-unit");
  const auto out = dir / "out.txt";
  EXPECT_EQ(run_and_wait({.argv = {"sh", "-c", "echo hello; exit 3"}, .output_file = out}), 3);
  EXPECT_EQ(tail_of_file(out, 5), "    hello\n");
  std::filesystem::remove_all(dir);
}

TEST(Process, MissingProgramExits127) { EXPECT_EQ(run_and_wait({.argv = {"/no/such/program"}}), 127); }

TEST(Ports, AHeldPortIsNotFree) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const auto port = ntohs(addr.sin_port);
  EXPECT_FALSE(tcp_port_is_free("127.0.0.1", port));
  ::close(fd);
  EXPECT_TRUE(tcp_port_is_free("127.0.0.1", port));
}

TEST(FindExecutable, FindsShellAndNotNonsense) {
  EXPECT_TRUE(find_executable("sh").has_value());
  EXPECT_FALSE(find_executable("smsim-no-such-tool").has_value());
  EXPECT_FALSE(find_executable("/etc/passwd").has_value());
}
