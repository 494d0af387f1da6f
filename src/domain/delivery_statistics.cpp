#include "domain/delivery_statistics.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <string_view>
#include <unordered_map>

#include "common/error.hpp"

namespace smsim::domain {
namespace {

constexpr std::int64_t kRateWindowMs = 10'000;
constexpr std::int64_t kSeriesSeconds = 300;

/// "<campaign>:<index>" with a canonical decimal index (no sign, no leading zero, no overflow), the
/// format message_generator writes. Strictness keeps id <-> (campaign, index) one to one, so "c:07"
/// cannot alias "c:7" in a bitmap; anything else is simply not a campaign message.
std::optional<std::pair<std::string_view, std::uint64_t>> parse_id(std::string_view id) {
  const std::size_t colon = id.find(':');  // campaign ids never contain ':'
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  const std::string_view digits = id.substr(colon + 1);
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
  std::uint64_t index = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return std::pair{id.substr(0, colon), index};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return -floor_div(-a, b); }

/// The seconds [first, last] of the rate window: the 10 one-second slots that start within
/// [now - 10 s, now). Whole seconds keep the figure stable between polls within one second.
std::pair<std::int64_t, std::int64_t> rate_window(std::int64_t now_ms) {
  return {ceil_div(now_ms - kRateWindowMs, 1000), ceil_div(now_ms, 1000) - 1};
}

/// Finished-message counts for the last N seconds seen, keyed by epoch second. Fixed memory: a
/// second's slot is reused N seconds later. Reports older than the slot's current second are
/// dropped here (the caller still counts them in its totals).
template <std::size_t N>
class SecondRing {
 public:
  void add(std::int64_t second, std::uint64_t sent, std::uint64_t failed) {
    constexpr auto n = static_cast<std::int64_t>(N);
    Slot& slot = slots_[static_cast<std::size_t>((second % n + n) % n)];
    if (slot.second > second) return;
    if (slot.second < second) slot = Slot{second, 0, 0};
    slot.sent += sent;
    slot.failed += failed;
  }

  std::uint64_t finished_between(std::int64_t first, std::int64_t last) const {
    std::uint64_t total = 0;
    for (const Slot& slot : slots_) {
      if (slot.second >= first && slot.second <= last) total += slot.sent + slot.failed;
    }
    return total;
  }

  /// (second, (sent, failed)) for the seconds in [first, last] with any activity, ascending.
  std::vector<std::pair<std::int64_t, std::pair<std::uint64_t, std::uint64_t>>> active_between(
      std::int64_t first, std::int64_t last) const {
    std::vector<std::pair<std::int64_t, std::pair<std::uint64_t, std::uint64_t>>> result;
    for (const Slot& slot : slots_) {
      if (slot.second >= first && slot.second <= last && slot.sent + slot.failed > 0) {
        result.push_back({slot.second, {slot.sent, slot.failed}});
      }
    }
    std::sort(result.begin(), result.end());
    return result;
  }

 private:
  struct Slot {
    std::int64_t second = std::numeric_limits<std::int64_t>::min();  // older than any real second
    std::uint64_t sent = 0, failed = 0;
  };
  std::array<Slot, N> slots_{};
};

double rate_per_s(std::uint64_t finished_in_window) {
  return static_cast<double>(finished_in_window) / (static_cast<double>(kRateWindowMs) / 1000.0);
}

}  // namespace

struct DeliveryStatistics::State {
  struct Campaign {
    CampaignFigures figures;
    double rate_per_second = 0;         // its pace, for message_due_at_ms (0: unpaced)
    std::uint64_t order = 0;            // registration order, breaks created_at ties
    std::int64_t newest_finished_ms = 0;
    std::vector<std::uint64_t> counted;  // one bit per message index

    // Marks the index counted; false if it already was.
    bool mark(std::uint64_t index) {
      std::uint64_t& word = counted[index / 64];
      const std::uint64_t bit = std::uint64_t{1} << (index % 64);
      if (word & bit) return false;
      word |= bit;
      return true;
    }
    bool is_marked(std::uint64_t index) const { return (counted[index / 64] >> (index % 64)) & 1; }

    void add_finished(Outcome outcome, std::int64_t finished_at_ms) {
      ++(outcome == Outcome::Sent ? figures.sent : figures.failed);
      newest_finished_ms = std::max(newest_finished_ms, finished_at_ms);
      // The newest finish time rather than the completing report's own: reports can arrive out of
      // order, and the campaign ended when its last message did (equal when in order). Without any
      // finish time, the creation time (at least 1) still marks the campaign finished.
      if (figures.finished_at_ms == 0 && figures.sent + figures.failed == figures.total) {
        figures.finished_at_ms =
            newest_finished_ms > 0 ? newest_finished_ms : std::max<std::int64_t>(figures.created_at_ms, 1);
      }
    }
  };

  // A counted message that is not (yet) of a registered campaign. The outcome is kept so the message
  // can move into its campaign if that is registered later (e.g. while replaying the status topic).
  struct Unregistered {
    Outcome outcome;
    std::int64_t finished_at_ms;
    std::int64_t counted_at_ms;  // 0: not observed live
  };

  struct Sender {
    SenderFigures figures;                      // id-counted figures; rate_per_s is filled in by snapshot()
    std::optional<LegacyCounterTrack> legacy;   // its legacy cumulative records, if any
    SecondRing<16> recent;                      // more than the 10 seconds of a rate window
  };

  std::unordered_map<std::string, Campaign> campaigns;
  std::uint64_t next_order = 0;
  std::unordered_map<std::string, Unregistered> unregistered;
  std::uint64_t adhoc_produced = 0;
  std::uint64_t foreign_records = 0;
  std::uint64_t historic_bound = 0, historic_used = 0;  // see set_historic_records
  std::uint64_t sent = 0, failed = 0, duplicates = 0;  // counted by message id
  std::uint64_t legacy_sent = 0, legacy_failed = 0;    // squared legacy finishes
  std::uint64_t anomalies = 0;
  LegacySquaring legacy_waiting;
  double total_processing_s = 0;                       // both kinds
  std::map<std::string, Sender> senders;  // ordered: snapshots list senders by id
  SecondRing<kSeriesSeconds> per_second;
  LatencyHistogram e2e_latency, processing_time, accepted_to_counted;

  void observe_accepted_to_counted(const Campaign& campaign, std::uint64_t index, std::int64_t counted_at_ms) {
    if (counted_at_ms <= 0 || campaign.figures.created_at_ms <= 0) return;  // not live, or acceptance unknown
    const std::int64_t due = message_due_at_ms(campaign.figures.created_at_ms, campaign.rate_per_second, index);
    accepted_to_counted.record(std::chrono::milliseconds(counted_at_ms - due));  // < 0 → 0
  }

  // The campaign and index this id names, if that campaign is registered and the index in range.
  std::pair<Campaign*, std::uint64_t> campaign_slot(std::string_view id) {
    const auto parsed = parse_id(id);
    if (!parsed) return {nullptr, 0};
    const auto it = campaigns.find(std::string(parsed->first));
    if (it == campaigns.end() || parsed->second >= it->second.figures.total) return {nullptr, 0};
    return {&it->second, parsed->second};
  }

  Sender& sender(const std::string& id) {
    Sender& s = senders[id];
    s.figures.sender_id = id;
    return s;
  }

  void heard(Sender& s, std::int64_t at_ms) { s.figures.last_heard_ms = std::max(s.figures.last_heard_ms, at_ms); }

  // Messages known to be on the messages topic. A finished message proves it was published (a
  // sender can only read what is durable), so each campaign counts at least its finished ones, and
  // messages outside campaigns at least those counted by id.
  std::uint64_t produced() const {
    std::uint64_t total = std::max<std::uint64_t>(adhoc_produced + foreign_records, unregistered.size()) + historic_used;
    for (const auto& [id, c] : campaigns) total += std::max(c.figures.published, c.figures.sent + c.figures.failed);
    return total;
  }

  // Squares waiting legacy finishes with what produced messages leave unaccounted for.
  void square_legacy() {
    if (legacy_waiting.waiting() == 0) return;
    const std::uint64_t used = sent + failed + legacy_sent + legacy_failed;
    const std::uint64_t produced_now = produced();
    const std::uint64_t headroom = produced_now > used ? produced_now - used : 0;
    const std::uint64_t historic = historic_bound - historic_used;
    if (headroom + historic == 0) return;
    std::uint64_t moved = 0;
    for (const auto& part : legacy_waiting.square(headroom + historic)) {
      moved += part.delta.count();
      legacy_sent += part.delta.sent;
      legacy_failed += part.delta.failed;
      total_processing_s += part.delta.processing_s;
      if (part.received_at_ms > 0) per_second.add(floor_div(part.received_at_ms, 1000), part.delta.sent, part.delta.failed);
    }
    if (moved > headroom) historic_used += moved - headroom;  // history now known to be produced
  }

  void settle_legacy(std::int64_t now_ms) {
    square_legacy();
    anomalies += legacy_waiting.expire(now_ms);
  }

  // Moves counted messages of a newly registered campaign out of the unregistered set.
  void adopt_unregistered(const std::string& campaign_id, Campaign& campaign) {
    for (auto it = unregistered.begin(); it != unregistered.end();) {
      const auto parsed = parse_id(it->first);
      if (parsed && parsed->first == campaign_id && parsed->second < campaign.figures.total) {
        campaign.mark(parsed->second);
        campaign.add_finished(it->second.outcome, it->second.finished_at_ms);
        observe_accepted_to_counted(campaign, parsed->second, it->second.counted_at_ms);
        it = unregistered.erase(it);
      } else {
        ++it;
      }
    }
  }
};

std::optional<double> SenderFigures::average_s() const {
  if (sent + failed == 0) return std::nullopt;
  return total_processing_s / static_cast<double>(sent + failed);
}

std::int64_t message_due_at_ms(std::int64_t accepted_at_ms, double rate_per_second, std::uint64_t index) {
  if (!(rate_per_second > 0) || !std::isfinite(rate_per_second)) return accepted_at_ms;
  return accepted_at_ms + std::llround(static_cast<double>(index) * 1000.0 / rate_per_second);
}

std::uint64_t StatisticsSnapshot::in_flight() const {
  const std::uint64_t finished = messages_sent + messages_failed;
  return messages_produced > finished ? messages_produced - finished : 0;
}

DeliveryStatistics::DeliveryStatistics() : state_(std::make_unique<State>()) {}
DeliveryStatistics::~DeliveryStatistics() = default;

void DeliveryStatistics::register_campaign(const std::string& campaign_id, std::uint64_t total,
                                           std::int64_t created_at_ms, double rate_per_second) {
  if (campaign_id.empty() || campaign_id.find(':') != std::string::npos) {
    throw InvalidArgument(
        fmt::format("invalid campaign id '{}': it must be non-empty and contain no ':'", campaign_id));
  }
  if (total == 0 || total > kMaxCampaignMessages) {
    throw InvalidArgument(fmt::format("invalid size {} for campaign '{}': it must be between 1 and {} messages",
                                      total, campaign_id, kMaxCampaignMessages));
  }
  if (!std::isfinite(rate_per_second) || rate_per_second < 0) {
    throw InvalidArgument(fmt::format("invalid pace {} for campaign '{}': it must be 0 (unpaced) or a positive rate",
                                      rate_per_second, campaign_id));
  }
  std::lock_guard lock(mutex_);
  State& s = *state_;
  if (const auto it = s.campaigns.find(campaign_id); it != s.campaigns.end()) {
    if (it->second.figures.total == total) return;
    throw InvalidArgument(fmt::format("campaign '{}' is already registered with {} messages, not {}", campaign_id,
                                      it->second.figures.total, total));
  }
  State::Campaign& campaign = s.campaigns[campaign_id];
  campaign.figures.campaign_id = campaign_id;
  campaign.figures.total = total;
  campaign.figures.created_at_ms = created_at_ms;
  campaign.rate_per_second = rate_per_second;
  campaign.order = s.next_order++;
  campaign.counted.assign((total + 63) / 64, 0);
  if (!s.unregistered.empty()) s.adopt_unregistered(campaign_id, campaign);
}

void DeliveryStatistics::set_published(const std::string& campaign_id, std::uint64_t published) {
  std::lock_guard lock(mutex_);
  const auto it = state_->campaigns.find(campaign_id);
  if (it == state_->campaigns.end()) {
    throw InvalidArgument(
        fmt::format("unknown campaign '{}': register it before reporting published messages", campaign_id));
  }
  CampaignFigures& figures = it->second.figures;
  if (published > figures.total) {
    throw InvalidArgument(fmt::format("campaign '{}' has {} messages, so {} cannot have been published",
                                      campaign_id, figures.total, published));
  }
  figures.published = std::max(figures.published, published);  // a late, lower value is stale
  state_->square_legacy();
}

void DeliveryStatistics::add_produced(std::uint64_t n) {
  std::lock_guard lock(mutex_);
  state_->adhoc_produced += n;
  state_->square_legacy();
}

void DeliveryStatistics::set_historic_records(std::uint64_t upper_bound) {
  std::lock_guard lock(mutex_);
  state_->historic_bound = std::max(upper_bound, state_->historic_used);
  state_->square_legacy();
}

void DeliveryStatistics::set_foreign_records(std::uint64_t n) {
  std::lock_guard lock(mutex_);
  state_->foreign_records = n;
  state_->square_legacy();
}

bool DeliveryStatistics::record(const StatusReport& report, std::int64_t counted_at_ms) {
  if (report.message_id.empty()) throw InvalidArgument("a status report has an empty message id: it cannot be counted");
  std::lock_guard lock(mutex_);
  State& s = *state_;
  State::Sender* sender = report.sender_id.empty() ? nullptr : &s.sender(report.sender_id);
  if (sender != nullptr) s.heard(*sender, report.finished_at_ms);  // a duplicate still shows the sender alive

  const auto [campaign, index] = s.campaign_slot(report.message_id);
  const bool fresh =
      campaign != nullptr
          ? campaign->mark(index)
          : s.unregistered
                .try_emplace(report.message_id,
                             State::Unregistered{report.outcome, report.finished_at_ms, counted_at_ms})
                .second;
  if (!fresh) {
    ++s.duplicates;
    return false;
  }

  const bool sent = report.outcome == Outcome::Sent;
  const Duration processing = std::max(report.processing_time, Duration::zero());
  ++(sent ? s.sent : s.failed);
  s.total_processing_s += to_seconds(processing);
  s.processing_time.record(processing);
  if (report.produced_at_ms > 0 && report.finished_at_ms > 0) {
    s.e2e_latency.record(std::chrono::milliseconds(report.finished_at_ms - report.produced_at_ms));  // < 0 → 0
  }
  if (campaign != nullptr) {
    campaign->add_finished(report.outcome, report.finished_at_ms);
    s.observe_accepted_to_counted(*campaign, index, counted_at_ms);
  }

  const std::int64_t second = floor_div(report.finished_at_ms, 1000);
  if (report.finished_at_ms > 0) s.per_second.add(second, sent ? 1 : 0, sent ? 0 : 1);
  if (sender != nullptr) {
    ++(sent ? sender->figures.sent : sender->figures.failed);
    sender->figures.total_processing_s += to_seconds(processing);
    if (report.finished_at_ms > 0) sender->recent.add(second, sent ? 1 : 0, sent ? 0 : 1);
  }
  return true;
}

LegacyDelta DeliveryStatistics::record_legacy(const LegacyCounters& counters, std::int64_t received_at_ms) {
  if (counters.sender_id.empty()) throw InvalidArgument("a legacy status record has an empty sender_id");
  if (!std::isfinite(counters.total_processing_time_s) || counters.total_processing_time_s < 0) {
    throw InvalidArgument(fmt::format("legacy status record of sender '{}': invalid total_processing_time {}",
                                      counters.sender_id, counters.total_processing_time_s));
  }
  std::lock_guard lock(mutex_);
  State& s = *state_;
  State::Sender& sender = s.sender(counters.sender_id);
  sender.figures.legacy = true;
  s.heard(sender, received_at_ms);
  if (!sender.legacy) sender.legacy.emplace();
  const LegacyDelta delta = sender.legacy->apply(counters);
  if (received_at_ms > 0 && delta.count() > 0) {
    sender.recent.add(floor_div(received_at_ms, 1000), delta.sent, delta.failed);
  }
  s.legacy_waiting.add(delta, counters.sender_id, received_at_ms);
  s.settle_legacy(received_at_ms);
  return delta;
}

void DeliveryStatistics::record_heartbeat(const SenderSettingsInfo& settings, std::int64_t at_ms) {
  if (settings.sender_id.empty()) throw InvalidArgument("a sender heartbeat has an empty sender_id");
  std::lock_guard lock(mutex_);
  State::Sender& sender = state_->sender(settings.sender_id);
  sender.figures.settings = settings;
  state_->heard(sender, at_ms);
}

StatisticsSnapshot DeliveryStatistics::snapshot(std::int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  state_->settle_legacy(now_ms);  // the state is behind a pointer: settling is allowed in a const snapshot
  const State& s = *state_;
  StatisticsSnapshot out;
  out.messages_produced = s.produced();
  out.messages_sent = s.sent + s.legacy_sent;
  out.messages_failed = s.failed + s.legacy_failed;
  out.duplicates_ignored = s.duplicates;
  out.anomalies = s.anomalies;
  out.anomaly = s.legacy_waiting.first_anomaly();
  out.legacy_waiting = s.legacy_waiting.waiting();
  out.foreign_records = s.foreign_records;
  if (const std::uint64_t finished = out.messages_sent + out.messages_failed; finished > 0) {
    out.average_time_per_message_s = s.total_processing_s / static_cast<double>(finished);
  }

  const auto [first, last] = rate_window(now_ms);
  out.throughput_per_s = rate_per_s(s.per_second.finished_between(first, last));
  out.e2e_p50_s = s.e2e_latency.quantile_seconds(0.50);
  out.e2e_p90_s = s.e2e_latency.quantile_seconds(0.90);
  out.e2e_p99_s = s.e2e_latency.quantile_seconds(0.99);
  out.processing_p50_s = s.processing_time.quantile_seconds(0.50);
  out.processing_p99_s = s.processing_time.quantile_seconds(0.99);
  out.accepted_p50_s = s.accepted_to_counted.quantile_seconds(0.50);
  out.accepted_p90_s = s.accepted_to_counted.quantile_seconds(0.90);
  out.accepted_p99_s = s.accepted_to_counted.quantile_seconds(0.99);

  for (const auto& [id, sender] : s.senders) {
    SenderFigures f = sender.figures;
    f.rate_per_s = rate_per_s(sender.recent.finished_between(first, last));
    if (sender.legacy) {  // what the sender says it did (anomalies included), beside what was counted by id
      f.sent += sender.legacy->sent();
      f.failed += sender.legacy->failed();
      f.total_processing_s += sender.legacy->processing_s();
      f.legacy_restarts = sender.legacy->restarts();
    }
    out.senders.push_back(std::move(f));
  }

  std::vector<const State::Campaign*> campaigns;
  for (const auto& [id, campaign] : s.campaigns) campaigns.push_back(&campaign);
  std::sort(campaigns.begin(), campaigns.end(), [](const State::Campaign* a, const State::Campaign* b) {
    return std::pair(a->figures.created_at_ms, a->order) > std::pair(b->figures.created_at_ms, b->order);
  });
  for (const State::Campaign* campaign : campaigns) out.campaigns.push_back(campaign->figures);

  const std::int64_t now_s = floor_div(now_ms, 1000);
  out.per_second = s.per_second.active_between(now_s - kSeriesSeconds + 1, now_s);
  out.e2e_latency = s.e2e_latency;
  out.processing_time = s.processing_time;
  out.accepted_to_counted = s.accepted_to_counted;
  return out;
}

std::pair<std::uint64_t, std::string> DeliveryStatistics::anomalies(std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  state_->settle_legacy(now_ms);
  return {state_->anomalies, state_->legacy_waiting.first_anomaly()};
}

bool DeliveryStatistics::is_counted(const std::string& message_id) const {
  std::lock_guard lock(mutex_);
  const auto [campaign, index] = state_->campaign_slot(message_id);
  if (campaign != nullptr) return campaign->is_marked(index);
  return state_->unregistered.contains(message_id);
}

}  // namespace smsim::domain
