#pragma once
// Who is the active controller of the local KRaft quorum? Each node persists its election state
// (leader id, epoch, vote) in data/__cluster_metadata-0/quorum-state on every change; reading those
// files answers the question without a JVM tool (librdkafka 2.0 cannot ask DescribeQuorum, and the
// "controller" of a KRaft broker's metadata answer is a random broker, not the active controller).
// Pure functions, unit-tested.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smsim::broker {

/// One node's persisted election state. leader_id is -1 while no leader is known.
struct ElectionState {
  int leader_id = -1;
  int leader_epoch = -1;
  int voted_id = -1;
};

/// Parses a quorum-state file (JSON, Kafka 3.x: data_version 0 and 1). nullopt if unreadable.
std::optional<ElectionState> parse_quorum_state(std::string_view json);

/// What a node of the quorum reports: whether its JVM runs and its persisted state, if any.
struct VoterReport {
  int id = 0;
  bool alive = false;
  std::optional<ElectionState> state;
};

struct QuorumSummary {
  std::vector<int> voters;       // every voter id, ascending
  std::vector<int> live_voters;  // those whose JVM runs
  std::optional<int> leader;     // the active controller, when a live node knows a live leader
  int epoch = -1;                // the newest epoch any live node has seen
  bool has_majority() const { return live_voters.size() * 2 > voters.size(); }
};

/// The leader is the live leader of the newest epoch that live nodes know one for; a killed
/// leader's own file still names itself, so it never counts. No leader while an election runs.
QuorumSummary summarize_quorum(const std::vector<VoterReport>& reports);

}  // namespace smsim::broker
