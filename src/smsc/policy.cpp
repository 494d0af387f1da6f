#include "smsc/policy.hpp"

#include <algorithm>

namespace smsim::smsc {

RateLimiter::RateLimiter(double rate) : rate_(rate), capacity_(std::max(1.0, rate / 10)), tokens_(capacity_) {}

bool RateLimiter::try_take(Clock::time_point now) {
  if (rate_ <= 0) return true;
  if (last_ != Clock::time_point{}) {
    tokens_ = std::min(capacity_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
  }
  last_ = now;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

namespace {
std::vector<double> weights_of(const std::vector<WeightedStatus>& statuses) {
  std::vector<double> w;
  for (const auto& s : statuses) w.push_back(s.weight);
  if (w.empty()) w.push_back(1);
  return w;
}
}  // namespace

Outcomes::Outcomes(double failure_rate, std::vector<WeightedStatus> statuses, ReceiptMix receipts, std::uint64_t seed)
    : failure_rate_(failure_rate),
      statuses_(std::move(statuses)),
      receipts_(receipts),
      rng_(seed ^ 0x2545F4914F6CDD1DULL) {
  const auto w = weights_of(statuses_);
  pick_status_ = std::discrete_distribution<std::size_t>(w.begin(), w.end());
}

std::uint32_t Outcomes::next_submit_status() {
  if (failure_rate_ <= 0) return 0;
  if (failure_rate_ < 1 && std::uniform_real_distribution<double>(0, 1)(rng_) >= failure_rate_) return 0;
  if (statuses_.empty()) return 0x45;
  return statuses_[pick_status_(rng_)].status;
}

domain::DeliveryStat Outcomes::next_receipt_stat() {
  const double u = std::uniform_real_distribution<double>(0, 1)(rng_);
  double edge = receipts_.delivered;
  if (u < edge) return domain::DeliveryStat::Delivered;
  edge += receipts_.undelivered;
  if (u < edge) return domain::DeliveryStat::Undeliverable;
  edge += receipts_.expired;
  if (u < edge) return domain::DeliveryStat::Expired;
  return domain::DeliveryStat::Rejected;
}

double Outcomes::next_receipt_delay_s(double mean_s) {
  if (mean_s <= 0) return 0;
  return std::exponential_distribution<double>(1.0 / mean_s)(rng_);
}

}  // namespace smsim::smsc
