#pragma once
// A fixed-bucket latency histogram: what /monitor reads percentiles from and what /metrics exposes
// as a Prometheus histogram. The buckets are the same for every instance, so histograms from
// different senders or processes merge by adding counts, and the Prometheus series never change
// shape between scrapes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/duration.hpp"

namespace smsim::domain {

/// Counts durations in log-spaced buckets with 1-2-5 steps per decade from 100us to 100s, plus
/// +Inf: upper bounds 0.0001, 0.0002, 0.0005, 0.001, ..., 50, 100, +Inf seconds (20 buckets).
/// A value lands in the first bucket whose upper bound is >= the value (Prometheus "le").
///
/// Also keeps the smallest and largest value seen, so quantiles never leave the observed range:
/// a histogram of one repeated value reports exactly that value for every quantile.
///
/// Thread-compatible: a plain value type, copied freely; callers lock around shared instances.
class LatencyHistogram {
 public:
  static constexpr std::size_t kBucketCount = 20;

  /// Counts one duration. A negative duration (clock skew between hosts) counts as 0.
  void record(Duration d);

  std::uint64_t count() const { return count_; }
  double sum_seconds() const { return sum_seconds_; }

  /// The q-quantile in seconds, q in [0, 1] (InvalidArgument otherwise); nullopt when empty.
  /// Interpolates linearly inside the bucket holding the rank, between the bucket's bounds narrowed
  /// to the observed minimum and maximum. The true quantile lies in the same bucket, so the error is
  /// at most that bucket's width (for +Inf: up to the largest value seen).
  std::optional<double> quantile_seconds(double q) const;

  /// Ascending upper bounds in seconds; the last is +infinity. The same vector for every instance.
  static const std::vector<double>& upper_bounds_seconds();

  /// Observations <= each upper bound; same length as upper_bounds_seconds(), last == count().
  std::vector<std::uint64_t> cumulative_counts() const;

  /// Adds every observation of `other` to this one (the buckets are always compatible).
  void merge(const LatencyHistogram& other);

 private:
  std::array<std::uint64_t, kBucketCount> buckets_{};  // per bucket, not cumulative
  std::uint64_t count_ = 0;
  double sum_seconds_ = 0;
  Duration min_{};  // meaningful only when count_ > 0
  Duration max_{};
};

}  // namespace smsim::domain
