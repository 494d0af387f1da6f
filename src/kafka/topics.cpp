#include "kafka/topics.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/error.hpp"

namespace smsim::kafka {

ResolvedReplication resolve_replication(const TopicReplication& wanted, int brokers) {
  if (wanted.factor < 0) throw InvalidArgument(fmt::format("--replication-factor must be 0 (fit the cluster) or more, got {}", wanted.factor));
  if (wanted.min_insync < 0) {
    throw InvalidArgument(fmt::format("--min-insync-replicas must be 0 (fit the factor) or more, got {}", wanted.min_insync));
  }
  ResolvedReplication out;
  out.factor = wanted.factor != 0 ? wanted.factor : std::clamp(brokers, 1, 3);
  if (out.factor > brokers) {
    throw InvalidArgument(fmt::format(
        "--replication-factor {} needs at least {} brokers, but the cluster has {}: lower it or leave it out "
        "(default: min(3, brokers))",
        out.factor, out.factor, brokers));
  }
  out.min_insync = wanted.min_insync != 0 ? wanted.min_insync : (out.factor >= 3 ? 2 : 1);
  if (out.min_insync > out.factor) {
    throw InvalidArgument(fmt::format(
        "--min-insync-replicas {} exceeds the replication factor {}: no write could ever succeed", out.min_insync,
        out.factor));
  }
  return out;
}

void ensure_topics(TopicAdmin& admin, const TopicNames& names, int message_partitions) {
  const auto replication = resolve_replication(admin.replication(), admin.broker_count());
  const auto spec = [&](const std::string& name, int partitions, std::map<std::string, std::string> configs = {}) {
    configs["min.insync.replicas"] = std::to_string(replication.min_insync);
    return TopicSpec{name, partitions, replication.factor, std::move(configs)};
  };
  const auto ensure = [&](const TopicSpec& topic) {
    if (admin.ensure_topic(topic)) return;
    const auto existing = admin.replication_factor(topic.name);
    if (existing && *existing < topic.replication_factor) {
      spdlog::warn("topic {} has {} replica(s), fewer than the {} wanted on this cluster; it stays as it is "
                   "(delete it, or reassign its partitions, to replicate it)",
                   topic.name, *existing, topic.replication_factor);
    }
  };
  ensure(spec(names.messages, message_partitions));
  admin.ensure_partitions(names.messages, message_partitions);
  ensure(spec(names.status, kKeyedTopicPartitions));
  ensure(spec(names.smsim_status, kKeyedTopicPartitions));
  ensure(spec(names.campaigns, 1, {{"cleanup.policy", "compact"}}));
  ensure(spec(names.delivery_reports, kKeyedTopicPartitions));
  ensure(spec(names.dead_letters, 1, {{"cleanup.policy", "compact"}}));
  // Segments roll every minute so the cleaner can compact them soon: one record per message remains.
  ensure(spec(names.message_status, kKeyedTopicPartitions,
              {{"cleanup.policy", "compact"}, {"segment.ms", "60000"}, {"min.cleanable.dirty.ratio", "0.1"}}));
}

}  // namespace smsim::kafka
