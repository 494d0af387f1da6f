#pragma once
// smsim's topic names (all configurable) and the one place that creates them.
#include <string>

#include "kafka/topic_admin.hpp"

namespace smsim::kafka {

struct TopicNames {
  std::string messages = "sms-messages";             // whole messages to send; partitions >= live senders
  std::string status = "sender-status-updates";      // per-message outcomes, sender heartbeats, legacy counters
  // smsim's own status records of senders run with --legacy-status (which write only the original's
  // cumulative record to `status`); co-partitioned with `status`. docs/design.md.
  std::string smsim_status = "smsim-status-updates";
  std::string campaigns = "sms-campaigns";           // accepted campaigns and publishing progress (compacted)
  std::string delivery_reports = "delivery-reports";
  std::string message_status = "message-status";     // latest state per whole message (compacted)
  std::string dead_letters = "smsim-dead-letters";   // poison records with the reason (compacted)
};

/// Partition count of every keyed-by-message-id topic except sms-messages (whose count follows the
/// number of senders). Equal counts keep records about one message co-partitioned.
inline constexpr int kKeyedTopicPartitions = 6;

/// The replication smsim's topics get: factor min(3, brokers) and min.insync.replicas 2 at a
/// factor of 3 or more (1 below: with 2 replicas, 2 in sync would stop writes when either node
/// is lost), unless the user asked for other values. Throws InvalidArgument naming the flag when
/// the cluster cannot hold the factor or min.insync.replicas exceeds it.
struct ResolvedReplication {
  int factor = 1;
  int min_insync = 1;
};
ResolvedReplication resolve_replication(const TopicReplication& wanted, int brokers);

/// Creates any missing smsim topic with the replication of the admin's config (resolved against
/// the cluster's broker count); grows sms-messages to at least `message_partitions`. An existing
/// topic with fewer replicas than wanted is left alone with a warning (Kafka cannot add replicas
/// without a reassignment).
void ensure_topics(TopicAdmin& admin, const TopicNames& names, int message_partitions);

}  // namespace smsim::kafka
