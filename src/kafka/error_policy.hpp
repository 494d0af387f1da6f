#pragma once
// The one place that decides what a librdkafka error means for smsim (userver's IsRetryable is the
// model): retriable errors are transient (a broker restarting, a leader moving, a full local queue)
// and are retried with backoff, a bounded number of times; fatal ones will not go away by waiting
// (authorisation, a record too large, a missing topic, a fenced idempotent producer) and are
// reported at once, with a sentence saying how to fix them. Pure.
#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <string>
#include <string_view>

namespace smsim::kafka {

/// True for errors that may succeed when tried again later.
bool is_retryable(RdKafka::ErrorCode error);

/// "cannot <what>: <librdkafka's text> (<code name>). <how to fix it>".
std::string explain_error(RdKafka::ErrorCode error, std::string_view what);

/// How often and how long a retriable error is retried: exponential backoff from `initial_backoff`
/// doubling to `max_backoff`, until `budget` has passed.
struct RetryPolicy {
  std::chrono::milliseconds initial_backoff{1};
  std::chrono::milliseconds max_backoff{100};
  std::chrono::milliseconds budget{60'000};

  /// The wait before attempt `attempt` (1 = the first retry).
  std::chrono::milliseconds backoff(int attempt) const;
};

}  // namespace smsim::kafka
