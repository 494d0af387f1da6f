#pragma once
// How a background thread tells the world it is alive: it beats on every loop iteration, and its
// top-level catch reports its death with the reason, so that /healthz can tell a dead or stalled
// thread from a working one instead of trusting a log line.
//
// Threads: written by the one thread it describes, read from any thread (atomics, and a mutex for
// the death message).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace smsim {

class Liveness {
 public:
  enum class State { NotStarted, Running, Stopped, Dead };
  struct Snapshot {
    State state = State::NotStarted;
    std::int64_t last_beat_ms = 0;  // wall clock; 0: never
    std::string death;              // why it died (State::Dead)
  };

  static std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  void started() {
    last_beat_ms_.store(wall_ms());
    state_.store(State::Running);
  }
  void beat() { last_beat_ms_.store(wall_ms()); }
  /// The thread ends because it was asked to.
  void stopped() { state_.store(State::Stopped); }
  /// The thread ends because of an error it could not handle.
  void died(const std::string& why) {
    {
      std::lock_guard lock(mutex_);
      death_ = why;
    }
    state_.store(State::Dead);
  }

  Snapshot snapshot() const {
    Snapshot s;
    s.state = state_.load();
    s.last_beat_ms = last_beat_ms_.load();
    if (s.state == State::Dead) {
      std::lock_guard lock(mutex_);
      s.death = death_;
    }
    return s;
  }

 private:
  std::atomic<State> state_{State::NotStarted};
  std::atomic<std::int64_t> last_beat_ms_{0};
  mutable std::mutex mutex_;
  std::string death_;
};

}  // namespace smsim
