#pragma once
// `smsim sender`: one program running N sender threads with the same settings.
//
// Lifecycle: run() creates the topics if missing, starts the threads, and blocks until
// request_stop() (SIGINT/SIGTERM in the CLI) and every thread has finished cleanly.
#include <atomic>
#include <string>
#include <vector>

#include "sender/sender_settings.hpp"

namespace smsim::sender {

/// Throws InvalidArgument naming the flag when a setting is out of range.
void validate(const SenderSettings& settings);

/// "<name>-<n>-<incarnation>": unique across programs and restarts (the incarnation is random per
/// program start), readable in the monitor.
std::vector<std::string> make_sender_ids(const std::string& name, int count, std::uint64_t incarnation_seed);

class SenderProgram {
 public:
  explicit SenderProgram(SenderSettings settings);
  /// Returns the total number of messages finished by this program's threads.
  std::uint64_t run();
  void request_stop() { stop_.store(true); }
  const std::atomic<bool>& stop_flag() const { return stop_; }

 private:
  SenderSettings settings_;
  std::atomic<bool> stop_{false};
};

}  // namespace smsim::sender
