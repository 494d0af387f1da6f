#include "domain/dispatch_planner.hpp"

#include <algorithm>
#include <cmath>

namespace smsim::domain {

void DispatchPlanner::on_heartbeat(const SenderCapacity& sender, const std::vector<std::int32_t>& partitions,
                                   bool leaving, std::int64_t now_ms) {
  // Drop this sender's previous claims; a rebalance may have moved them elsewhere.
  for (auto it = owner_of_.begin(); it != owner_of_.end();) {
    it = it->second == sender.sender_id ? owner_of_.erase(it) : std::next(it);
  }
  if (leaving) {
    senders_.erase(sender.sender_id);
    return;
  }
  auto& state = senders_[sender.sender_id];
  state.capacity = sender;
  state.partitions = partitions;
  state.last_heard_ms = now_ms;
  for (const auto p : partitions) {
    // The newest claim wins: the previous owner's heartbeat after the same rebalance drops it.
    const auto previous = owner_of_.find(p);
    if (previous != owner_of_.end() && previous->second != sender.sender_id) {
      auto& other = senders_[previous->second].partitions;
      other.erase(std::remove(other.begin(), other.end(), p), other.end());
    }
    owner_of_[p] = sender.sender_id;
  }
}

void DispatchPlanner::on_dispatched(std::int32_t partition) { ++outstanding_[partition]; }

void DispatchPlanner::on_finished(std::int32_t partition) {
  auto& count = outstanding_[partition];
  if (count > 0) --count;
}

void DispatchPlanner::set_outstanding(std::int32_t partition, std::int64_t count) {
  outstanding_[partition] = std::max<std::int64_t>(0, count);
}

void DispatchPlanner::set_legacy_members(const std::vector<LegacyMember>& members, std::int64_t depth) {
  legacy_ = members;
  legacy_depth_ = std::max<std::int64_t>(1, depth);
}

bool DispatchPlanner::is_legacy_partition(std::int32_t partition) const {
  for (const auto& m : legacy_) {
    if (std::find(m.partitions.begin(), m.partitions.end(), partition) != m.partitions.end()) return true;
  }
  return false;
}

std::vector<std::int32_t> DispatchPlanner::legacy_partitions(const LegacyMember& member, std::int64_t now_ms) const {
  std::vector<std::int32_t> out;
  for (const auto p : member.partitions) {
    const auto owner = owner_of_.find(p);
    const bool smsim_owned = owner != owner_of_.end() && senders_.count(owner->second) &&
                             is_live(senders_.at(owner->second), now_ms);
    if (!smsim_owned) out.push_back(p);
  }
  return out;
}

std::int64_t DispatchPlanner::outstanding_of(const LegacyMember& member) const {
  std::int64_t total = 0;
  for (const auto p : member.partitions) total += outstanding(p);
  return total;
}

void DispatchPlanner::on_legacy_finished(std::uint64_t n) {
  for (std::uint64_t i = 0; i < n; ++i) {
    std::optional<std::int32_t> longest;
    for (const auto& m : legacy_) {
      for (const auto p : m.partitions) {
        if (outstanding(p) > 0 && (!longest || outstanding(p) > outstanding(*longest))) longest = p;
      }
    }
    if (!longest) return;
    --outstanding_[*longest];
  }
}

std::int64_t DispatchPlanner::target_depth(const SenderCapacity& sender) const {
  const std::int64_t window = std::max(1, sender.window);
  // The cap bounds what lead_time adds; it never starves the window itself. (A window may be wider
  // than the cap — senders accept up to 100,000 — and std::clamp with lo > hi is undefined.)
  const auto at_least = window + 1;
  if (sender.mean.count() <= 0) return std::max(at_least, options_.max_outstanding_per_sender);
  // What the sender finishes during lead_time, on top of a full window.
  const double per_lead = static_cast<double>(window) * static_cast<double>(options_.lead_time.count()) /
                          static_cast<double>(sender.mean.count());
  const double cap = static_cast<double>(options_.max_outstanding_per_sender);
  const auto depth = window + static_cast<std::int64_t>(std::min(std::ceil(per_lead), cap));
  return std::max(at_least, std::min(depth, options_.max_outstanding_per_sender));
}

std::optional<std::int32_t> DispatchPlanner::next_partition(std::int64_t now_ms) const {
  std::optional<std::int32_t> best;
  double best_room = 0;  // free share of the target: 1 = idle, 0 = full
  for (const auto& [id, state] : senders_) {
    if (state.partitions.empty() || !is_live(state, now_ms)) continue;
    std::int64_t queued = 0;
    std::int32_t emptiest = state.partitions.front();
    for (const auto p : state.partitions) {
      const auto it = outstanding_.find(p);
      const auto n = it == outstanding_.end() ? 0 : it->second;
      queued += n;
      const auto e = outstanding_.find(emptiest);
      if (n < (e == outstanding_.end() ? 0 : e->second)) emptiest = p;
    }
    const auto target = target_depth(state.capacity);
    if (queued >= target) continue;
    const double room = static_cast<double>(target - queued) / static_cast<double>(target);
    if (!best || room > best_room) {
      best = emptiest;
      best_room = room;
    }
  }
  for (const auto& member : legacy_) {
    const auto partitions = legacy_partitions(member, now_ms);
    if (partitions.empty()) continue;
    std::int64_t queued = 0;
    std::int32_t emptiest = partitions.front();
    for (const auto p : partitions) {
      queued += outstanding(p);
      if (outstanding(p) < outstanding(emptiest)) emptiest = p;
    }
    if (queued >= legacy_depth_) continue;
    const double room = static_cast<double>(legacy_depth_ - queued) / static_cast<double>(legacy_depth_);
    if (!best || room > best_room) {
      best = emptiest;
      best_room = room;
    }
  }
  return best;
}

int DispatchPlanner::live_senders(std::int64_t now_ms) const {
  return static_cast<int>(std::count_if(senders_.begin(), senders_.end(),
                                        [&](const auto& entry) { return is_live(entry.second, now_ms); })) +
         static_cast<int>(legacy_.size());
}

std::int64_t DispatchPlanner::outstanding(std::int32_t partition) const {
  const auto it = outstanding_.find(partition);
  return it == outstanding_.end() ? 0 : it->second;
}

std::int64_t DispatchPlanner::outstanding_total() const {
  std::int64_t total = 0;
  for (const auto& [p, n] : outstanding_) total += n;
  return total;
}

}  // namespace smsim::domain
