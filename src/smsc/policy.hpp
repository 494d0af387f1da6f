#pragma once
// The SMSC simulator's decisions, pure and deterministic for a seed: the per-account rate limit,
// which error status a failing submit_sm gets, and which fate a receipt reports.
#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

#include "domain/smpp_receipt.hpp"
#include "smsc/smsc_settings.hpp"

namespace smsim::smsc {

/// A token bucket: `rate` per second, holding at most a tenth of a second's worth (at least 1).
/// Thread: not thread-safe; the SMSC's one I/O thread owns it.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(double rate_per_second);
  /// Takes one token if there is one; false means ESME_RTHROTTLED. Always true for rate 0.
  bool try_take(Clock::time_point now);

 private:
  double rate_, capacity_, tokens_;
  Clock::time_point last_{};
};

/// Picks failure statuses and receipt fates. Not thread-safe (owns a generator).
class Outcomes {
 public:
  Outcomes(double failure_rate, std::vector<WeightedStatus> statuses, ReceiptMix receipts, std::uint64_t seed);
  /// ESME_ROK, or an error status from the mix with probability failure_rate.
  std::uint32_t next_submit_status();
  domain::DeliveryStat next_receipt_stat();
  /// Seconds until the receipt, exponentially distributed with this mean (0: none).
  double next_receipt_delay_s(double mean_s);

 private:
  double failure_rate_;
  std::vector<WeightedStatus> statuses_;
  std::discrete_distribution<std::size_t> pick_status_;
  ReceiptMix receipts_;
  std::mt19937_64 rng_;
};

}  // namespace smsim::smsc
