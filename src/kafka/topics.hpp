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

/// Creates any missing smsim topic; grows sms-messages to at least `message_partitions`.
void ensure_topics(TopicAdmin& admin, const TopicNames& names, int message_partitions);

}  // namespace smsim::kafka
