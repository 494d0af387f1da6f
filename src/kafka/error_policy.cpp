#include "kafka/error_policy.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace smsim::kafka {

bool is_retryable(RdKafka::ErrorCode error) {
  switch (error) {
    // Local, transient: librdkafka's queue is full, a request or message timed out, brokers are
    // (re)connecting, metadata is not there yet.
    case RdKafka::ERR__QUEUE_FULL:
    case RdKafka::ERR__MSG_TIMED_OUT:
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__TIMED_OUT_QUEUE:
    case RdKafka::ERR__TRANSPORT:
    case RdKafka::ERR__ALL_BROKERS_DOWN:
    case RdKafka::ERR__RESOLVE:
    case RdKafka::ERR__UNKNOWN_PARTITION:  // a partition created a moment ago, not in our metadata yet
    case RdKafka::ERR__WAIT_COORD:
    case RdKafka::ERR__RETRY:
    case RdKafka::ERR__IN_PROGRESS:
    case RdKafka::ERR__PREV_IN_PROGRESS:
    case RdKafka::ERR__PURGE_INFLIGHT:
    // Broker-side, transient (Kafka's RetriableException family).
    case RdKafka::ERR_LEADER_NOT_AVAILABLE:
    case RdKafka::ERR_NOT_LEADER_FOR_PARTITION:
    case RdKafka::ERR_REQUEST_TIMED_OUT:
    case RdKafka::ERR_BROKER_NOT_AVAILABLE:
    case RdKafka::ERR_REPLICA_NOT_AVAILABLE:
    case RdKafka::ERR_NETWORK_EXCEPTION:
    case RdKafka::ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RdKafka::ERR_COORDINATOR_NOT_AVAILABLE:
    case RdKafka::ERR_NOT_COORDINATOR:
    case RdKafka::ERR_NOT_ENOUGH_REPLICAS:
    case RdKafka::ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RdKafka::ERR_KAFKA_STORAGE_ERROR:
    case RdKafka::ERR_FENCED_LEADER_EPOCH:
    case RdKafka::ERR_UNKNOWN_LEADER_EPOCH:
    case RdKafka::ERR_OFFSET_NOT_AVAILABLE:
    case RdKafka::ERR_PREFERRED_LEADER_NOT_AVAILABLE:
    case RdKafka::ERR_ELIGIBLE_LEADERS_NOT_AVAILABLE:
    case RdKafka::ERR_THROTTLING_QUOTA_EXCEEDED:
    case RdKafka::ERR_REBALANCE_IN_PROGRESS:
    case RdKafka::ERR_UNSTABLE_OFFSET_COMMIT:
      return true;
    default:
      return false;
  }
}

namespace {

std::string_view how_to_fix(RdKafka::ErrorCode error) {
  switch (error) {
    case RdKafka::ERR__QUEUE_FULL:
      return "The broker takes records slower than they are produced, or is unreachable: check that it runs "
             "(`smsim kafka status`), or raise -X queue.buffering.max.messages.";
    case RdKafka::ERR__MSG_TIMED_OUT:
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__TRANSPORT:
    case RdKafka::ERR__ALL_BROKERS_DOWN:
    case RdKafka::ERR__RESOLVE:
      return "The broker did not answer in time: check that it runs and that --bootstrap-servers names it.";
    case RdKafka::ERR__UNKNOWN_TOPIC:
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
      return "The topic does not exist: smsim creates its topics at start, so check the --topic-* names, or "
             "create it by hand on a cluster that forbids topic creation.";
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:
    case RdKafka::ERR_RECORD_LIST_TOO_LARGE:
    case RdKafka::ERR_INVALID_MSG_SIZE:
      return "The record is larger than the broker accepts: raise the topic's max.message.bytes (and "
             "-X message.max.bytes), or send shorter texts.";
    case RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED:
    case RdKafka::ERR_GROUP_AUTHORIZATION_FAILED:
    case RdKafka::ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RdKafka::ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
      return "The broker refuses this client: grant its principal the ACLs it needs (Write and Describe on "
             "the topics, Read on the groups, IdempotentWrite on the cluster).";
    case RdKafka::ERR__AUTHENTICATION:
    case RdKafka::ERR_SASL_AUTHENTICATION_FAILED:
    case RdKafka::ERR_UNSUPPORTED_SASL_MECHANISM:
    case RdKafka::ERR__SSL:
      return "Authentication failed: check -X security.protocol, sasl.* and ssl.* properties.";
    case RdKafka::ERR__FATAL:
    case RdKafka::ERR_PRODUCER_FENCED:
    case RdKafka::ERR_OUT_OF_ORDER_SEQUENCE_NUMBER:
    case RdKafka::ERR_UNKNOWN_PRODUCER_ID:
      return "The idempotent producer hit a fatal error and cannot go on: restart the process (records not "
             "confirmed are published again from Kafka's state).";
    case RdKafka::ERR__INVALID_ARG:
    case RdKafka::ERR_INVALID_CONFIG:
      return "A setting is invalid: check the -X properties.";
    default:
      return "See librdkafka's error text above.";
  }
}

}  // namespace

std::string explain_error(RdKafka::ErrorCode error, std::string_view what) {
  return fmt::format("cannot {}: {} ({}). {}", what, RdKafka::err2str(error), static_cast<int>(error), how_to_fix(error));
}

std::chrono::milliseconds RetryPolicy::backoff(int attempt) const {
  auto wait = initial_backoff;
  for (int i = 1; i < attempt && wait < max_backoff; ++i) wait *= 2;
  return std::min(wait, max_backoff);
}

}  // namespace smsim::kafka
