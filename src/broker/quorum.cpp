#include "broker/quorum.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace smsim::broker {

std::optional<ElectionState> parse_quorum_state(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  const auto integer = [&json](const char* name) {
    const auto it = json.find(name);
    return it != json.end() && it->is_number_integer() ? it->get<int>() : -1;
  };
  if (!json.contains("leaderEpoch")) return std::nullopt;
  return ElectionState{integer("leaderId"), integer("leaderEpoch"), integer("votedId")};
}

QuorumSummary summarize_quorum(const std::vector<VoterReport>& reports) {
  QuorumSummary summary;
  for (const auto& r : reports) {
    summary.voters.push_back(r.id);
    if (r.alive) summary.live_voters.push_back(r.id);
  }
  std::sort(summary.voters.begin(), summary.voters.end());
  std::sort(summary.live_voters.begin(), summary.live_voters.end());
  const auto alive = [&summary](int id) {
    return std::binary_search(summary.live_voters.begin(), summary.live_voters.end(), id);
  };
  int leader_epoch = -1;
  for (const auto& r : reports) {
    if (!r.alive || !r.state) continue;
    summary.epoch = std::max(summary.epoch, r.state->leader_epoch);
    // A leader counts only while its node runs: a killed leader's own file still names itself.
    if (r.state->leader_id >= 0 && alive(r.state->leader_id) && r.state->leader_epoch > leader_epoch) {
      leader_epoch = r.state->leader_epoch;
      summary.leader = r.state->leader_id;
    }
  }
  return summary;
}

}  // namespace smsim::broker
