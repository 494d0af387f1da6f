#include "domain/latency_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "common/error.hpp"

namespace smsim::domain {
namespace {

// Bucket bounds in whole nanoseconds, so that a value exactly on a bound (e.g. 1ms) is placed
// without floating-point doubt. The +Inf bucket has no entry here.
constexpr std::array<Duration::rep, LatencyHistogram::kBucketCount - 1> kUpperBoundsNs{
    100'000,        200'000,        500'000,                                  // 100us..500us
    1'000'000,      2'000'000,      5'000'000,                                // 1ms..5ms
    10'000'000,     20'000'000,     50'000'000,                               // 10ms..50ms
    100'000'000,    200'000'000,    500'000'000,                              // 100ms..500ms
    1'000'000'000,  2'000'000'000,  5'000'000'000,                            // 1s..5s
    10'000'000'000, 20'000'000'000, 50'000'000'000,                           // 10s..50s
    100'000'000'000};                                                         // 100s

std::size_t bucket_of(Duration d) {
  const auto it = std::lower_bound(kUpperBoundsNs.begin(), kUpperBoundsNs.end(), d.count());
  return static_cast<std::size_t>(it - kUpperBoundsNs.begin());  // == size() means +Inf
}

}  // namespace

void LatencyHistogram::record(Duration d) {
  d = std::max(d, Duration::zero());
  ++buckets_[bucket_of(d)];
  if (count_ == 0 || d < min_) min_ = d;
  if (count_ == 0 || d > max_) max_ = d;
  ++count_;
  sum_seconds_ += to_seconds(d);
}

std::optional<double> LatencyHistogram::quantile_seconds(double q) const {
  if (!(q >= 0.0 && q <= 1.0)) {  // also rejects NaN
    throw InvalidArgument(fmt::format("invalid quantile {}: it must lie in [0, 1]", q));
  }
  if (count_ == 0) return std::nullopt;
  const std::vector<double>& bounds = upper_bounds_seconds();
  const double rank = q * static_cast<double>(count_);
  std::uint64_t below = 0;  // observations in the buckets before i
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    const std::uint64_t in_bucket = buckets_[i];
    // The first non-empty bucket that reaches the rank. Skipping empty buckets makes q = 0 land on
    // the minimum rather than on an empty bucket's bound.
    if (in_bucket == 0 || static_cast<double>(below + in_bucket) < rank) {
      below += in_bucket;
      continue;
    }
    const double lower = std::max(i == 0 ? 0.0 : bounds[i - 1], to_seconds(min_));
    const double upper = std::min(bounds[i], to_seconds(max_));  // also bounds the +Inf bucket
    const double fraction = std::clamp((rank - static_cast<double>(below)) / static_cast<double>(in_bucket), 0.0, 1.0);
    return lower + (upper - lower) * fraction;
  }
  return to_seconds(max_);  // unreachable: the last non-empty bucket always reaches rank <= count_
}

const std::vector<double>& LatencyHistogram::upper_bounds_seconds() {
  static const std::vector<double> bounds = [] {
    std::vector<double> result;
    for (const Duration::rep ns : kUpperBoundsNs) result.push_back(static_cast<double>(ns) / 1e9);
    result.push_back(std::numeric_limits<double>::infinity());
    return result;
  }();
  return bounds;
}

std::vector<std::uint64_t> LatencyHistogram::cumulative_counts() const {
  std::vector<std::uint64_t> result(kBucketCount);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < kBucketCount; ++i) result[i] = running += buckets_[i];
  return result;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < kBucketCount; ++i) buckets_[i] += other.buckets_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = count_ == 0 ? other.max_ : std::max(max_, other.max_);
  count_ += other.count_;
  sum_seconds_ += other.sum_seconds_;
}

}  // namespace smsim::domain
