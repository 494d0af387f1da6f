#include "domain/timing_model.hpp"

#include <cmath>
#include <fmt/format.h>
#include <initializer_list>
#include <numbers>

#include "common/error.hpp"

namespace smsim::domain {
namespace {

// Distinct salts so that a TimingModel and a FailureModel given the same seed draw unrelated
// streams (otherwise "fails" would be correlated with "was slow").
constexpr std::uint64_t kTimingSalt = 0x7469'6d69'6e67'0001ULL;
constexpr std::uint64_t kFailureSalt = 0x6661'696c'7572'0002ULL;

// splitmix64 finalizer: spreads adjacent seeds (sender 0, 1, 2...) over the whole state space.
std::uint64_t mix_seed(std::uint64_t x) {
  x += 0x9e37'79b9'7f4a'7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58'476d'1ce4'e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d0'49bb'1331'11ebULL;
  return x ^ (x >> 31);
}

// The generators below use only mt19937_64's raw output (fixed by the standard) and our own
// transforms, never std::*_distribution, so a seed gives the same sequence with any library.

// [0, 1) on a 2^-53 grid: exact comparisons with 0 and 1 for FailureModel.
double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1p-53; }

// (0, 1), symmetric about 1/2: safe to take the log of, and its mean is exactly 1/2.
double uniform_open01(std::mt19937_64& rng) { return (static_cast<double>(rng() >> 11) + 0.5) * 0x1p-53; }

double standard_exponential(std::mt19937_64& rng) { return -std::log(uniform_open01(rng)); }

// Box-Muller; one value per pair keeps the generator free of hidden state.
double standard_normal(std::mt19937_64& rng) {
  const double radius = std::sqrt(-2.0 * std::log(uniform_open01(rng)));
  return radius * std::cos(2.0 * std::numbers::pi * uniform_open01(rng));
}

// Mean, in units of sigma, of N(a, 1) truncated to (0, inf): a + phi(a)/Phi(a). For very negative a
// the sum cancels (and phi, Phi underflow past a = -38), so there we use the continued fraction of
// the Mills ratio, which gives phi(t)/Q(t) - t = 1/(t + 2/(t + 3/(t + ...))) with t = -a directly.
double truncated_mean_in_sigmas(double a) {
  // From t = 2 on, 200 terms are exact to double precision (checked against mpmath); below it the
  // fraction converges slowly but the direct form has no cancellation to speak of.
  constexpr double kContinuedFractionFrom = 2.0;
  const double t = -a;
  if (t < kContinuedFractionFrom) {
    const double pdf = std::exp(-0.5 * a * a) / std::sqrt(2.0 * std::numbers::pi);
    const double cdf = 0.5 * std::erfc(t / std::numbers::sqrt2);
    return a + pdf / cdf;
  }
  double tail = t;
  for (int k = 200; k >= 2; --k) tail = t + k / tail;
  return 1.0 / tail;
}

// Solves truncated_mean_in_sigmas(a) == target (> 0) for a. The function increases with a, and
// t/(t^2+1) < Q(t)/phi(t) bounds it by 1/|a| for a < 0, so [-1/target, target] brackets the root.
double solve_location_in_sigmas(double target) {
  double lo = -1.0 / target;
  double hi = target;
  for (int i = 0; i < 4000; ++i) {  // stops far earlier: when the bracket is two adjacent doubles
    const double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    (truncated_mean_in_sigmas(mid) < target ? lo : hi) = mid;
  }
  return lo + (hi - lo) / 2;
}

Duration to_duration(double ns) {
  if (!(ns > 0)) return Duration::zero();
  if (ns >= 9.0e18) return Duration::max();  // only absurd settings get here; avoid overflow
  return Duration(std::llround(ns));
}

std::string show(Duration d) { return d < Duration::zero() ? "-" + format_duration(-d) : format_duration(d); }

// Rounds down to 5 significant digits so that format_duration (6 digits) prints it exactly and a
// user who copies the suggestion is not rejected again by a rounded-up last digit.
Duration round_down_for_display(Duration d) {
  const double ns = static_cast<double>(d.count());
  if (ns < 1e5) return d;
  const double step = std::pow(10.0, std::floor(std::log10(ns)) - 4);
  return Duration(static_cast<Duration::rep>(std::floor(ns / step) * step));
}

}  // namespace

std::optional<Distribution> parse_distribution(std::string_view name) {
  for (Distribution d : {Distribution::Normal, Distribution::Exponential, Distribution::Uniform, Distribution::Constant}) {
    if (name == to_string(d)) return d;
  }
  return std::nullopt;
}

std::string_view to_string(Distribution d) {
  switch (d) {
    case Distribution::Normal: return "normal";
    case Distribution::Exponential: return "exponential";
    case Distribution::Uniform: return "uniform";
    case Distribution::Constant: return "constant";
  }
  return "unknown";
}

void validate(const TimingSettings& s) {
  if (s.mean < Duration::zero()) {
    throw InvalidArgument(fmt::format("--mean must be 0s or more (got {})", show(s.mean)));
  }
  if (s.stddev < Duration::zero()) {
    throw InvalidArgument(fmt::format("--stddev must be 0s or more (got {})", show(s.stddev)));
  }
  if (s.distribution == Distribution::Uniform) {
    const Duration widest(static_cast<Duration::rep>(std::floor(static_cast<double>(s.mean.count()) / std::numbers::sqrt3)));
    if (s.stddev > widest) {
      throw InvalidArgument(fmt::format(
          "--stddev {} is too wide for --distribution uniform with --mean {}: uniform delays span "
          "mean ± sqrt(3)·stddev and would go below zero; use --stddev {} or less (mean/sqrt(3)), "
          "or --distribution normal or exponential",
          show(s.stddev), show(s.mean), show(round_down_for_display(widest))));
    }
  }
}

TimingModel::TimingModel(TimingSettings settings, std::uint64_t seed)
    : settings_(settings), rng_(mix_seed(seed ^ kTimingSalt)) {
  validate(settings_);
  mean_ns_ = static_cast<double>(settings_.mean.count());
  sigma_ns_ = static_cast<double>(settings_.stddev.count());
  half_width_ns_ = std::numbers::sqrt3 * sigma_ns_;
  if (settings_.distribution == Distribution::Normal && mean_ns_ > 0 && sigma_ns_ > 0) {
    const double a = solve_location_in_sigmas(mean_ns_ / sigma_ns_);
    location_ns_ = a * sigma_ns_;
    lower_z_ = -a;
  }
}

Duration TimingModel::next() {
  // Constant, mean 0 and a normal without spread need no randomness, and are exact.
  if (settings_.distribution == Distribution::Constant || mean_ns_ == 0 ||
      (settings_.distribution == Distribution::Normal && sigma_ns_ == 0)) {
    return settings_.mean;
  }
  return to_duration(sample_ns());
}

double TimingModel::sample_ns() {
  switch (settings_.distribution) {
    case Distribution::Exponential: return mean_ns_ * standard_exponential(rng_);
    case Distribution::Uniform: return mean_ns_ + half_width_ns_ * (2.0 * uniform_open01(rng_) - 1.0);
    case Distribution::Normal: return sample_truncated_normal_ns();
    case Distribution::Constant: break;
  }
  return mean_ns_;
}

// Draws from N(mu', sigma^2) conditioned on > 0, i.e. z ~ N(0,1) conditioned on z > lower_z_.
double TimingModel::sample_truncated_normal_ns() {
  if (lower_z_ <= 0) {
    // At least half of N(0,1) is above the cut: plain rejection takes < 2 tries on average.
    for (;;) {
      const double z = standard_normal(rng_);
      if (z > lower_z_) return location_ns_ + sigma_ns_ * z;
    }
  }
  // Cut far in the tail (happens when stddev > mean): plain rejection could take forever. Robert
  // (1995): propose z = a + E with E ~ Exp(alpha), accept with exp(-(z - alpha)^2 / 2); at least
  // 76% of proposals are accepted for every a >= 0. We return sigma*E, i.e. x = mu' + sigma*z
  // without the cancellation between mu' and sigma*a.
  const double a = lower_z_;
  const double root = std::sqrt(a * a + 4.0);
  const double alpha = (a + root) / 2;
  const double alpha_minus_a = 2.0 / (root + a);  // = alpha - a, computed without cancellation
  for (;;) {
    const double e = standard_exponential(rng_) / alpha;
    const double d = e - alpha_minus_a;  // = z - alpha
    if (uniform01(rng_) < std::exp(-0.5 * d * d)) return sigma_ns_ * e;
  }
}

void validate_failure_rate(double rate) {
  if (!std::isfinite(rate) || rate < 0.0 || rate > 1.0) {
    throw InvalidArgument(fmt::format(
        "--failure-rate must be a probability between 0 and 1 inclusive, e.g. 0.05 for 5% (got {})", rate));
  }
}

FailureModel::FailureModel(double rate, std::uint64_t seed) : rate_(rate), rng_(mix_seed(seed ^ kFailureSalt)) {
  validate_failure_rate(rate);
}

// uniform01 is in [0, 1): rate 0 can never fire and rate 1 always does.
bool FailureModel::next_fails() { return uniform01(rng_) < rate_; }

}  // namespace smsim::domain
