#include "kafka/topics.hpp"

namespace smsim::kafka {

void ensure_topics(TopicAdmin& admin, const TopicNames& names, int message_partitions) {
  admin.ensure_topic({.name = names.messages, .partitions = message_partitions});
  admin.ensure_partitions(names.messages, message_partitions);
  admin.ensure_topic({.name = names.status, .partitions = kKeyedTopicPartitions});
  admin.ensure_topic({.name = names.smsim_status, .partitions = kKeyedTopicPartitions});
  admin.ensure_topic({.name = names.campaigns, .partitions = 1, .configs = {{"cleanup.policy", "compact"}}});
  admin.ensure_topic({.name = names.delivery_reports, .partitions = kKeyedTopicPartitions});
  admin.ensure_topic({.name = names.dead_letters, .partitions = 1, .configs = {{"cleanup.policy", "compact"}}});
  // Segments roll every minute so the cleaner can compact them soon: one record per message remains.
  admin.ensure_topic({.name = names.message_status,
                      .partitions = kKeyedTopicPartitions,
                      .configs = {{"cleanup.policy", "compact"},
                                  {"segment.ms", "60000"},
                                  {"min.cleanable.dirty.ratio", "0.1"}}});
}

}  // namespace smsim::kafka
