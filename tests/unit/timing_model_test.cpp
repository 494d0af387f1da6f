// Unit tests of the sender's timing and failure models. Statistical checks use fixed seeds (so they
// are deterministic) and bounds derived from the standard error, so they would also pass for most
// other seeds: a bound of k standard errors is exceeded by chance with probability ~erfc(k/sqrt2).
#include "domain/timing_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "common/error.hpp"

using namespace std::chrono_literals;
using smsim::Duration;
using smsim::domain::Distribution;
using smsim::domain::FailureModel;
using smsim::domain::TimingModel;
using smsim::domain::TimingSettings;

namespace {

constexpr int kSamples = 200'000;
const double kRootN = std::sqrt(static_cast<double>(kSamples));

struct Stats {
  double mean = 0;    // ns
  double stddev = 0;  // ns
  Duration min = Duration::max();
  Duration max = Duration::min();
};

Stats sample(TimingSettings settings, std::uint64_t seed, int n = kSamples) {
  TimingModel model(settings, seed);
  Stats s;
  double m2 = 0;  // Welford: no cancellation between E[x^2] and E[x]^2
  for (int i = 1; i <= n; ++i) {
    const Duration d = model.next();
    s.min = std::min(s.min, d);
    s.max = std::max(s.max, d);
    const double x = static_cast<double>(d.count());
    const double delta = x - s.mean;
    s.mean += delta / i;
    m2 += delta * (x - s.mean);
  }
  s.stddev = std::sqrt(m2 / (n - 1));
  return s;
}

double ns(Duration d) { return static_cast<double>(d.count()); }

std::string validation_message(const TimingSettings& settings) {
  try {
    smsim::domain::validate(settings);
  } catch (const smsim::InvalidArgument& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(Distribution, ParsesTheFourNamesAndRoundTrips) {
  for (Distribution d : {Distribution::Normal, Distribution::Exponential, Distribution::Uniform, Distribution::Constant}) {
    EXPECT_EQ(smsim::domain::parse_distribution(smsim::domain::to_string(d)), d);
  }
  EXPECT_EQ(smsim::domain::parse_distribution("exponential"), Distribution::Exponential);
}

TEST(Distribution, RejectsUnknownNames) {
  for (const char* bad : {"", "Normal", "gauss", "poisson", "exp", "normal ", "uniform\n"}) {
    EXPECT_EQ(smsim::domain::parse_distribution(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(Validate, AcceptsTheDefaults) { EXPECT_NO_THROW(smsim::domain::validate(TimingSettings{})); }

TEST(Validate, RejectsNegativeMeanOrStddevNamingTheFlag) {
  for (Distribution d : {Distribution::Normal, Distribution::Exponential, Distribution::Uniform, Distribution::Constant}) {
    const std::string mean_message = validation_message({d, -5ms, 1ms});
    EXPECT_TRUE(contains(mean_message, "--mean")) << mean_message;
    EXPECT_TRUE(contains(mean_message, "-5ms")) << mean_message;
    const std::string stddev_message = validation_message({d, 5ms, -1ms});
    EXPECT_TRUE(contains(stddev_message, "--stddev")) << stddev_message;
  }
}

TEST(Validate, RejectsUniformThatWouldNeedNegativeDelaysAndSuggestsALegalStddev) {
  const std::string message = validation_message({Distribution::Uniform, 100ms, 58ms});
  EXPECT_TRUE(contains(message, "--stddev 58ms")) << message;
  EXPECT_TRUE(contains(message, "--distribution uniform")) << message;
  EXPECT_TRUE(contains(message, "--mean 100ms")) << message;
  EXPECT_TRUE(contains(message, "use --stddev 57.735ms or less")) << message;
  // The suggestion itself is accepted, as is the exact limit floor(mean / sqrt(3)).
  EXPECT_NO_THROW(smsim::domain::validate({Distribution::Uniform, 100ms, smsim::parse_duration("57.735ms")}));
  EXPECT_NO_THROW(smsim::domain::validate({Distribution::Uniform, 100ms, Duration(57'735'026)}));
  EXPECT_THROW(smsim::domain::validate({Distribution::Uniform, 100ms, Duration(57'735'027)}), smsim::InvalidArgument);
}

TEST(Validate, WideStddevIsFineForTheOtherDistributions) {
  for (Distribution d : {Distribution::Normal, Distribution::Exponential, Distribution::Constant}) {
    EXPECT_NO_THROW(smsim::domain::validate({d, 10ms, 30ms}));
  }
}

TEST(TimingModel, ConstructorValidates) {
  EXPECT_THROW(TimingModel({Distribution::Normal, -1ms, 1ms}, 1), smsim::InvalidArgument);
  EXPECT_THROW(TimingModel({Distribution::Uniform, 10ms, 10ms}, 1), smsim::InvalidArgument);
}

// Decision: a mean of 0 means "no delay" whatever the distribution. It is the limit of the normal
// and exponential families as the mean goes to 0; uniform keeps its own rule (stddev <= mean/sqrt3).
TEST(TimingModel, MeanZeroGivesOnlyZeros) {
  for (Distribution d : {Distribution::Normal, Distribution::Exponential, Distribution::Constant}) {
    TimingModel model({d, 0s, 50ms}, 3);
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(model.next(), 0s) << smsim::domain::to_string(d);
  }
  EXPECT_THROW(TimingModel({Distribution::Uniform, 0s, 50ms}, 3), smsim::InvalidArgument);
  TimingModel uniform({Distribution::Uniform, 0s, 0s}, 3);
  EXPECT_EQ(uniform.next(), 0s);
}

TEST(TimingModel, ConstantIsExactAndIgnoresStddev) {
  TimingModel model({Distribution::Constant, 250ms, 80ms}, 1);
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(model.next(), 250ms);
  EXPECT_EQ(model.settings().stddev, 80ms);
}

TEST(TimingModel, NormalWithoutSpreadIsConstant) {
  TimingModel model({Distribution::Normal, 250ms, 0s}, 1);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(model.next(), 250ms);
}

// sigma/mean = 0.2: truncation is negligible (mu' = mean - 74ns), so mean and stddev are both
// honoured. Standard errors: mean 50ms/sqrt(n) = 0.11ms; stddev ~ sigma/sqrt(2n) = 0.08ms, so the
// 1% (0.5ms) stddev bound is ~6 standard errors.
TEST(TimingModel, NormalHonoursMeanAndStddevWhenStddevIsSmall) {
  const Stats s = sample({Distribution::Normal, 250ms, 50ms}, 42);
  EXPECT_NEAR(s.mean, ns(250ms), 0.01 * ns(250ms));
  EXPECT_NEAR(s.mean, ns(250ms), 5 * ns(50ms) / kRootN);
  EXPECT_NEAR(s.stddev, ns(50ms), 0.01 * ns(50ms));
  EXPECT_GE(s.min, 0s);
}

// sigma/mean = 0.5: the mean stays exact, the stddev drops to the truncated normal's 46.758ms
// (computed independently with mpmath, see docs/timing-model.md).
TEST(TimingModel, NormalKeepsTheMeanAndMatchesTheTruncatedStddev) {
  const Stats s = sample({Distribution::Normal, 100ms, 50ms}, 7);
  EXPECT_NEAR(s.mean, ns(100ms), 5 * 46.758e6 / kRootN);  // 0.52ms
  EXPECT_NEAR(s.stddev, 46.758e6, 0.01 * 46.758e6);
  EXPECT_GE(s.min, 0s);
}

// stddev 3x the mean: mu' = -71.5ms, the cut is 2.4 sigma into the tail. Model figures: mean 10ms,
// stddev 9.2038ms. SE of the mean = 9.2ms/sqrt(n) = 0.021ms, so 5 SE (0.1ms) is tighter than 2%.
TEST(TimingModel, NormalWithStddevLargerThanMeanKeepsTheMean) {
  const Stats s = sample({Distribution::Normal, 10ms, 30ms}, 2024);
  EXPECT_NEAR(s.mean, ns(10ms), 0.02 * ns(10ms));
  EXPECT_NEAR(s.mean, ns(10ms), 5 * 9.2038e6 / kRootN);
  EXPECT_NEAR(s.stddev, 9.2038e6, 0.02 * 9.2038e6);
  EXPECT_GE(s.min, 0s);
}

// Absurd ratios must neither hang (plain rejection would) nor lose the mean: mu' = -1e6 sigma.
TEST(TimingModel, NormalWithExtremeStddevStillKeepsTheMean) {
  using Case = std::pair<Duration, Duration>;
  for (const auto& [mean, stddev] : {Case{1ms, 1s}, Case{1us, 1s}}) {
    const Stats s = sample({Distribution::Normal, mean, stddev}, 5);
    // The distribution is then essentially exponential: stddev ~ mean, SE = mean/sqrt(n).
    EXPECT_NEAR(s.mean, ns(mean), 5 * ns(mean) / kRootN) << smsim::format_duration(stddev);
    EXPECT_NEAR(s.stddev, ns(mean), 0.02 * ns(mean));
    EXPECT_GE(s.min, 0s);
  }
}

TEST(TimingModel, NormalWithTinyStddevStaysAtTheMean) {
  const Stats s = sample({Distribution::Normal, 1s, 1ns}, 9, 10'000);
  EXPECT_GE(s.min, 1s - 10ns);
  EXPECT_LE(s.max, 1s + 10ns);
}

// Uniform on [mean - sqrt3*sd, mean + sqrt3*sd] = [76.8ms, 423.2ms]. SE of the mean = 0.22ms;
// SE of the stddev = sd*sqrt((kurtosis - 1)/(4n)) = 0.1ms for kurtosis 1.8, so 1% is 10 SE.
TEST(TimingModel, UniformHonoursMeanStddevAndRange) {
  const Stats s = sample({Distribution::Uniform, 250ms, 100ms}, 11);
  EXPECT_NEAR(s.mean, ns(250ms), 0.01 * ns(250ms));
  EXPECT_NEAR(s.mean, ns(250ms), 5 * ns(100ms) / kRootN);
  EXPECT_NEAR(s.stddev, ns(100ms), 0.01 * ns(100ms));
  const double half_width = std::sqrt(3.0) * ns(100ms);
  EXPECT_GE(ns(s.min), ns(250ms) - half_width);
  EXPECT_LE(ns(s.max), ns(250ms) + half_width);
  EXPECT_LT(ns(s.min), ns(250ms) - 0.99 * half_width);  // and it does reach the ends
  EXPECT_GT(ns(s.max), ns(250ms) + 0.99 * half_width);
}

TEST(TimingModel, WidestLegalUniformNeverGoesNegative) {
  const Stats s = sample({Distribution::Uniform, 100ms, Duration(57'735'026)}, 13);
  EXPECT_GE(s.min, 0s);
  EXPECT_LT(s.min, 1ms);
  EXPECT_NEAR(s.mean, ns(100ms), 5 * ns(57735026ns) / kRootN);
}

// Exponential: stddev = mean whatever --stddev says. SE of the mean = 250ms/sqrt(n) = 0.56ms, so
// 1% is 4.5 SE; SE of the stddev = mean*sqrt((9 - 1)/(4n)) = 0.79ms (kurtosis 9), so 2% is 6 SE.
TEST(TimingModel, ExponentialHasTheMeanAndStddevEqualToIt) {
  const Stats s = sample({Distribution::Exponential, 250ms, 50ms}, 17);
  EXPECT_NEAR(s.mean, ns(250ms), 0.01 * ns(250ms));
  EXPECT_NEAR(s.stddev, ns(250ms), 0.02 * ns(250ms));
  EXPECT_GE(s.min, 0s);
}

TEST(TimingModel, SameSeedSameSequenceOtherSeedOtherSequence) {
  for (Distribution d : {Distribution::Normal, Distribution::Exponential, Distribution::Uniform}) {
    const TimingSettings settings{d, 10ms, 5ms};
    TimingModel a(settings, 99), b(settings, 99), c(settings, 100);
    int differ = 0;
    for (int i = 0; i < 1000; ++i) {
      const Duration x = a.next();
      ASSERT_EQ(x, b.next());
      differ += x != c.next();
    }
    EXPECT_GT(differ, 990) << smsim::domain::to_string(d);
  }
}

TEST(FailureRate, ValidateAcceptsProbabilitiesOnly) {
  for (double ok : {0.0, 1.0, 0.5, 1e-9}) EXPECT_NO_THROW(smsim::domain::validate_failure_rate(ok));
  for (double bad : {-0.1, 1.5, std::nan(""), std::numeric_limits<double>::infinity()}) {
    try {
      smsim::domain::validate_failure_rate(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const smsim::InvalidArgument& e) {
      EXPECT_TRUE(contains(e.what(), "--failure-rate")) << e.what();
    }
  }
  EXPECT_THROW(FailureModel(2.0, 1), smsim::InvalidArgument);
}

TEST(FailureModel, ZeroNeverFailsAndOneAlwaysFails) {
  FailureModel never(0.0, 1), always(1.0, 1);
  for (int i = 0; i < 100'000; ++i) {
    ASSERT_FALSE(never.next_fails());
    ASSERT_TRUE(always.next_fails());
  }
  EXPECT_EQ(never.rate(), 0.0);
}

TEST(FailureModel, RealizedRateWithinFourStandardErrors) {
  constexpr int n = 100'000;
  constexpr double p = 0.333;
  FailureModel model(p, 2718);
  int failures = 0;
  for (int i = 0; i < n; ++i) failures += model.next_fails();
  const double standard_error = std::sqrt(p * (1 - p) / n);  // 0.0015
  EXPECT_NEAR(static_cast<double>(failures) / n, p, 4 * standard_error);
}

TEST(FailureModel, SameSeedSameSequence) {
  FailureModel a(0.5, 7), b(0.5, 7), c(0.5, 8);
  int differ = 0;
  for (int i = 0; i < 1000; ++i) {
    const bool x = a.next_fails();
    ASSERT_EQ(x, b.next_fails());
    differ += x != c.next_fails();
  }
  EXPECT_GT(differ, 400);  // independent fair coins disagree half of the time
}

// A sender may well pass one seed to both models; slow messages must not be the failing ones.
TEST(FailureModel, IsIndependentOfATimingModelWithTheSameSeed) {
  constexpr int n = 100'000;
  TimingModel timing({Distribution::Uniform, 100ms, 10ms}, 5);
  FailureModel failure(0.5, 5);
  int agree = 0;
  for (int i = 0; i < n; ++i) agree += (timing.next() > 100ms) == failure.next_fails();
  EXPECT_NEAR(static_cast<double>(agree) / n, 0.5, 4 * std::sqrt(0.25 / n));
}
