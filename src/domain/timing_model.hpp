#pragma once
// The random behaviour of a simulated sender: how long it "takes" to send a message (TimingModel)
// and whether the send fails (FailureModel). Pure: no clock, no sleeping, no I/O. The sender
// thread asks for the next delay and sleeps it itself.
//
// Promise kept by every distribution: the realized mean delay equals the configured --mean (in
// expectation) and no delay is ever negative. How each distribution keeps it, and what that costs
// the stddev, is in docs/timing-model.md.
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

#include "common/duration.hpp"

namespace smsim::domain {

enum class Distribution { Normal, Exponential, Uniform, Constant };

/// "normal", "exponential", "uniform", "constant" (lower case, exact); anything else is nullopt.
std::optional<Distribution> parse_distribution(std::string_view name);
std::string_view to_string(Distribution d);

struct TimingSettings {
  Distribution distribution = Distribution::Normal;
  Duration mean = std::chrono::milliseconds(250);
  Duration stddev = std::chrono::milliseconds(50);  // ignored by constant and exponential
};

/// Throws InvalidArgument when the settings cannot be honoured (negative mean/stddev; uniform whose
/// stddev would need negative delays: stddev > mean/sqrt(3)). Message names the flag (--mean,
/// --stddev, --distribution). A mean of 0 is legal for every distribution and yields only zeros
/// (uniform then needs stddev 0, by the rule above).
void validate(const TimingSettings& settings);

/// Samples simulated processing times. Realized mean == configured mean (in expectation), never
/// negative. Deterministic for a given seed.
///
/// Lifecycle: construct once per sender with its settings and a per-sender seed (the constructor
/// validates and does all the numeric set-up), then call next() once per message.
/// Threads: not thread-safe (it owns a generator); one instance per sender thread.
class TimingModel {
 public:
  TimingModel(TimingSettings settings, std::uint64_t seed);  // calls validate()
  Duration next();
  const TimingSettings& settings() const { return settings_; }

 private:
  double sample_ns();
  double sample_truncated_normal_ns();

  TimingSettings settings_;
  std::mt19937_64 rng_;
  // Set up at construction, in nanoseconds.
  double mean_ns_ = 0;
  double sigma_ns_ = 0;     // normal: stddev of the underlying (untruncated) normal
  double location_ns_ = 0;  // normal: mu' of the underlying normal, solved so the truncated mean is exact
  double lower_z_ = 0;      // normal: the truncation point 0 in standard units, -mu'/sigma
  double half_width_ns_ = 0;  // uniform: sqrt(3) * stddev
};

/// Throws InvalidArgument naming --failure-rate unless 0 <= rate <= 1 and finite.
void validate_failure_rate(double rate);

/// Each message fails independently with probability `rate`; 0 and 1 are exact (never / always).
///
/// Lifecycle: construct once per sender (validates the rate), call next_fails() once per message.
/// Threads: not thread-safe; one instance per sender thread. Passing the same seed as the sender's
/// TimingModel is fine: each model mixes the seed with its own salt, so the streams are unrelated.
class FailureModel {
 public:
  FailureModel(double rate, std::uint64_t seed);
  bool next_fails();
  double rate() const { return rate_; }

 private:
  double rate_;
  std::mt19937_64 rng_;
};

}  // namespace smsim::domain
