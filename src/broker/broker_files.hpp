#pragma once
// Pure functions that render the broker's configuration files; unit-tested without a JVM.
#include <random>
#include <string>

#include "broker/broker_settings.hpp"
#include "broker/cluster_plan.hpp"

namespace smsim::broker {

/// server.properties for `node`, a combined broker+controller KRaft node of `plan` listening on the
/// plan's host only. With several nodes, internal topics are replicated min(3, nodes) times.
/// settings.overrides replace or extend our entries.
std::string render_server_properties(const BrokerSettings& settings, const ClusterPlan& plan, const NodePlan& node);

/// log4j 1.x configuration (Kafka 3.9 logs through reload4j): rolling file in logs/, nothing on stdout.
std::string render_log4j_properties(const BrokerLayout& layout);

/// A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (22 characters), as
/// `kafka-storage random-uuid` prints. Avoids the all-zero id Kafka reserves.
std::string new_cluster_id(std::mt19937_64& random);

}  // namespace smsim::broker
