// LatencyHistogram: bucket layout (it is the Prometheus series shape), placement on bounds,
// quantile accuracy, cumulative counts and merging.
#include "domain/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/error.hpp"

using namespace std::chrono_literals;
using smsim::domain::LatencyHistogram;

namespace {

// The bounds (lower, upper] of the bucket holding `seconds`.
std::pair<double, double> bucket_around(double seconds) {
  const auto& bounds = LatencyHistogram::upper_bounds_seconds();
  double lower = 0;
  for (const double upper : bounds) {
    if (seconds <= upper) return {lower, upper};
    lower = upper;
  }
  return {lower, bounds.back()};
}

}  // namespace

TEST(LatencyHistogram, BucketsStepOneTwoFiveFrom100usTo100sThenInfinity) {
  const auto& bounds = LatencyHistogram::upper_bounds_seconds();
  ASSERT_EQ(bounds.size(), LatencyHistogram::kBucketCount);
  EXPECT_DOUBLE_EQ(bounds.front(), 0.0001);
  EXPECT_DOUBLE_EQ(bounds[1], 0.0002);
  EXPECT_DOUBLE_EQ(bounds[2], 0.0005);
  EXPECT_DOUBLE_EQ(bounds[3], 0.001);
  EXPECT_DOUBLE_EQ(bounds[bounds.size() - 2], 100.0);
  EXPECT_TRUE(std::isinf(bounds.back()));
  for (std::size_t i = 1; i < bounds.size(); ++i) EXPECT_LT(bounds[i - 1], bounds[i]);
  LatencyHistogram h;
  EXPECT_EQ(h.cumulative_counts().size(), bounds.size());
}

TEST(LatencyHistogram, EmptyHasNoQuantilesAndZeroCounts) {
  const LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.sum_seconds(), 0.0);
  EXPECT_FALSE(h.quantile_seconds(0.5).has_value());
  EXPECT_FALSE(h.quantile_seconds(0.0).has_value());
  for (const auto c : h.cumulative_counts()) EXPECT_EQ(c, 0u);
}

TEST(LatencyHistogram, ValueOnABoundIsInThatBucketLikePrometheusLe) {
  LatencyHistogram h;
  h.record(1ms);  // bound index 3
  const auto cumulative = h.cumulative_counts();
  EXPECT_EQ(cumulative[2], 0u);
  EXPECT_EQ(cumulative[3], 1u);
  h.record(1ms + 1ns);  // just above: next bucket
  EXPECT_EQ(h.cumulative_counts()[3], 1u);
  EXPECT_EQ(h.cumulative_counts()[4], 2u);
}

TEST(LatencyHistogram, NegativeDurationCountsAsZero) {
  LatencyHistogram h;
  h.record(-5ms);
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.sum_seconds(), 0.0);
  EXPECT_EQ(h.cumulative_counts()[0], 1u);
  EXPECT_EQ(h.quantile_seconds(0.5), 0.0);
}

TEST(LatencyHistogram, CountSumAndCumulativeCounts) {
  LatencyHistogram h;
  h.record(50us);   // bucket 0 (<= 100us)
  h.record(150us);  // bucket 1 (<= 200us)
  h.record(150us);
  h.record(3s);     // bucket 14 (<= 5s)
  h.record(1000s);  // +Inf
  EXPECT_EQ(h.count(), 5u);
  EXPECT_NEAR(h.sum_seconds(), 0.00005 + 0.0003 + 3 + 1000, 1e-9);
  const auto cumulative = h.cumulative_counts();
  EXPECT_EQ(cumulative[0], 1u);
  EXPECT_EQ(cumulative[1], 3u);
  EXPECT_EQ(cumulative[13], 3u);
  EXPECT_EQ(cumulative[14], 4u);
  EXPECT_EQ(cumulative[18], 4u);  // <= 100s
  EXPECT_EQ(cumulative.back(), 5u);
  for (std::size_t i = 1; i < cumulative.size(); ++i) EXPECT_LE(cumulative[i - 1], cumulative[i]);
}

TEST(LatencyHistogram, QuantilesLieInTheBucketOfTheTrueQuantile) {
  LatencyHistogram h;
  for (int ms = 1; ms <= 1000; ++ms) h.record(std::chrono::milliseconds(ms));  // uniform 1ms..1s
  for (const double q : {0.01, 0.1, 0.25, 0.5, 0.9, 0.99, 1.0}) {
    const double truth = q * 1.0;  // the q-quantile of 1..1000 ms, in seconds
    const auto [lower, upper] = bucket_around(truth);
    const auto estimate = h.quantile_seconds(q);
    ASSERT_TRUE(estimate.has_value());
    EXPECT_GE(*estimate, lower) << "q=" << q;
    EXPECT_LE(*estimate, upper) << "q=" << q;
  }
}

TEST(LatencyHistogram, InterpolatesLinearlyInsideTheBucketNarrowedToTheObservedRange) {
  LatencyHistogram h;
  h.record(101ms);  // (0.1, 0.2]
  h.record(199ms);
  h.record(201ms);  // (0.2, 0.5]
  h.record(499ms);
  EXPECT_NEAR(*h.quantile_seconds(0.0), 0.101, 1e-12);  // the minimum
  EXPECT_NEAR(*h.quantile_seconds(0.25), 0.101 + (0.2 - 0.101) * 0.5, 1e-12);
  EXPECT_NEAR(*h.quantile_seconds(0.5), 0.2, 1e-12);  // rank 2 = top of the first bucket
  EXPECT_NEAR(*h.quantile_seconds(0.75), 0.2 + (0.499 - 0.2) * 0.5, 1e-12);
  EXPECT_NEAR(*h.quantile_seconds(1.0), 0.499, 1e-12);  // the maximum
}

TEST(LatencyHistogram, RepeatedValueGivesThatValueForEveryQuantile) {
  LatencyHistogram h;
  for (int i = 0; i < 100; ++i) h.record(150ms);
  for (const double q : {0.0, 0.5, 0.9, 0.99, 1.0}) EXPECT_NEAR(*h.quantile_seconds(q), 0.15, 1e-12);
}

TEST(LatencyHistogram, InfinityBucketInterpolatesUpToTheLargestValue) {
  LatencyHistogram h;
  h.record(200s);
  h.record(300s);
  EXPECT_NEAR(*h.quantile_seconds(0.0), 200.0, 1e-9);
  EXPECT_NEAR(*h.quantile_seconds(0.5), 250.0, 1e-9);
  EXPECT_NEAR(*h.quantile_seconds(1.0), 300.0, 1e-9);
}

TEST(LatencyHistogram, QuantileOutsideZeroToOneIsRejected) {
  LatencyHistogram h;
  h.record(1ms);
  EXPECT_THROW((void)h.quantile_seconds(-0.1), smsim::InvalidArgument);
  EXPECT_THROW((void)h.quantile_seconds(1.5), smsim::InvalidArgument);
  EXPECT_THROW((void)h.quantile_seconds(std::numeric_limits<double>::quiet_NaN()), smsim::InvalidArgument);
}

TEST(LatencyHistogram, MergeEqualsRecordingEverythingInOne) {
  LatencyHistogram a, b, all;
  for (int i = 1; i <= 50; ++i) {
    a.record(std::chrono::milliseconds(i * 3));
    all.record(std::chrono::milliseconds(i * 3));
  }
  for (int i = 1; i <= 70; ++i) {
    b.record(std::chrono::milliseconds(i * 40));
    all.record(std::chrono::milliseconds(i * 40));
  }
  LatencyHistogram merged = a;
  merged.merge(b);
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_NEAR(merged.sum_seconds(), all.sum_seconds(), 1e-9);
  EXPECT_EQ(merged.cumulative_counts(), all.cumulative_counts());
  for (const double q : {0.0, 0.5, 0.9, 0.99, 1.0}) EXPECT_DOUBLE_EQ(*merged.quantile_seconds(q), *all.quantile_seconds(q));
}

TEST(LatencyHistogram, MergeWithEmptyOnEitherSide) {
  LatencyHistogram filled;
  filled.record(20ms);
  filled.record(40ms);
  LatencyHistogram empty;
  empty.merge(filled);
  EXPECT_EQ(empty.count(), 2u);
  EXPECT_NEAR(*empty.quantile_seconds(0.0), 0.02, 1e-12);  // min/max come across too
  EXPECT_NEAR(*empty.quantile_seconds(1.0), 0.04, 1e-12);
  filled.merge(LatencyHistogram{});
  EXPECT_EQ(filled.count(), 2u);
  EXPECT_EQ(filled.cumulative_counts(), empty.cumulative_counts());
}
