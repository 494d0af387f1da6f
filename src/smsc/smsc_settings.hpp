#pragma once
// `smsim smsc` settings: where it listens, who may bind, how it answers (latency from the
// sender's timing model, a failure mix of error statuses, throttling and window limits) and what
// it reports later (delivery receipts: delay and outcome mix). Parsed from flags or a TOML file.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/duration.hpp"
#include "domain/timing_model.hpp"

namespace smsim::smsc {

struct Account {
  std::string system_id;  // 1..15 characters (a C-Octet String of at most 16)
  std::string password;   // 0..8 characters (at most 9)
  double max_per_second = 0;  // submit_sm accepted per second; 0: no limit
};

/// "system_id:password[:max_per_second]" (the --account flag). Throws InvalidArgument naming the flag.
Account parse_account(const std::string& spec);

/// One error status of the failure mix and its weight.
struct WeightedStatus {
  std::uint32_t status = 0;
  double weight = 1;
};
/// "ESME_RSUBMITFAIL:0.7,ESME_RSYSERR:0.3" (names with or without ESME_; weights need not add up to
/// 1, they are relative). Throws InvalidArgument naming --failure-status.
std::vector<WeightedStatus> parse_status_mix(const std::string& spec);

struct ReceiptMix {
  double delivered = 0.90, undelivered = 0.05, expired = 0.03, rejected = 0.02;
};

struct SmscSettings {
  std::string host = "127.0.0.1";
  int port = 2775;
  int metrics_port = 2776;  // Prometheus /metrics; 0: any free port (printed); -1: none
  std::string system_id = "smsim";  // our name in bind responses
  std::vector<Account> accounts;    // empty after parsing: one account smsim/secret
  domain::TimingSettings latency{domain::Distribution::Constant, Duration::zero(), Duration::zero()};
  double failure_rate = 0;
  std::vector<WeightedStatus> failure_statuses;  // empty: ESME_RSUBMITFAIL
  Duration receipt_delay = std::chrono::milliseconds(500);  // mean, exponentially distributed; 0: at once
  ReceiptMix receipts;
  int window = 100;          // submit_sm awaiting a response per session; beyond: ESME_RMSGQFUL
  int receipt_window = 10;   // deliver_sm awaiting deliver_sm_resp per session
  Duration receipt_timeout = std::chrono::seconds(10);  // then the receipt is offered again
  std::uint64_t max_held_receipts = 1'000'000;  // per account; beyond: submits asking for receipts get ESME_RMSGQFUL
  Duration bind_timeout = std::chrono::seconds(30);  // a connection that has not bound by then is closed
  std::uint64_t seed = 0;  // 0: random
};

/// Throws InvalidArgument naming the flag when a value is out of range; fills the defaults
/// (the smsim/secret account, the ESME_RSUBMITFAIL failure status).
void validate(SmscSettings& settings);

/// Reads accounts from a TOML file: [[account]] tables with system_id, password, max_per_second.
std::vector<Account> load_accounts(const std::filesystem::path& file);

}  // namespace smsim::smsc
