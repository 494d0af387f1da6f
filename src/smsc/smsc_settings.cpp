#include "smsc/smsc_settings.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "common/error.hpp"
#include "smpp/status.hpp"

namespace smsim::smsc {
namespace {

void check_account(const Account& a, const std::string& where) {
  if (a.system_id.empty() || a.system_id.size() > 15) {
    throw InvalidArgument(fmt::format("{}: system_id '{}' must be 1 to 15 characters", where, a.system_id));
  }
  if (a.password.size() > 8) {
    throw InvalidArgument(fmt::format("{}: the password of '{}' has {} characters; SMPP allows at most 8", where,
                                      a.system_id, a.password.size()));
  }
  for (const auto& s : {a.system_id, a.password}) {
    if (s.find_first_of(std::string("\0:", 2)) != std::string::npos) {
      throw InvalidArgument(fmt::format("{}: system_id and password may not contain ':' or NUL", where));
    }
  }
  if (!(a.max_per_second >= 0) || !std::isfinite(a.max_per_second)) {
    throw InvalidArgument(fmt::format("{}: max_per_second of '{}' must be 0 (no limit) or positive", where, a.system_id));
  }
}

}  // namespace

Account parse_account(const std::string& spec) {
  Account a;
  const auto first = spec.find(':');
  if (first == std::string::npos) {
    throw InvalidArgument(fmt::format("--account '{}' must be system_id:password[:max_per_second]", spec));
  }
  a.system_id = spec.substr(0, first);
  const auto second = spec.find(':', first + 1);
  a.password = spec.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
  if (second != std::string::npos) {
    const std::string rate = spec.substr(second + 1);
    std::size_t used = 0;
    try {
      a.max_per_second = std::stod(rate, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (rate.empty() || used != rate.size()) {
      throw InvalidArgument(fmt::format("--account '{}': max_per_second '{}' is not a number", spec, rate));
    }
  }
  check_account(a, "--account");
  return a;
}

std::vector<WeightedStatus> parse_status_mix(const std::string& spec) {
  std::vector<WeightedStatus> mix;
  std::stringstream items(spec);
  std::string item;
  while (std::getline(items, item, ',')) {
    const auto colon = item.find(':');
    const std::string name = item.substr(0, colon);
    const auto status = smpp::status::parse(name);
    if (!status || *status == smpp::status::kOk) {
      throw InvalidArgument(fmt::format("--failure-status: '{}' is not an SMPP error status (e.g. ESME_RSUBMITFAIL)", name));
    }
    double weight = 1;
    if (colon != std::string::npos) {
      std::size_t used = 0;
      const std::string w = item.substr(colon + 1);
      try {
        weight = std::stod(w, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (w.empty() || used != w.size() || !(weight > 0) || !std::isfinite(weight)) {
        throw InvalidArgument(fmt::format("--failure-status: weight '{}' of {} must be a positive number", w, name));
      }
    }
    mix.push_back({*status, weight});
  }
  if (mix.empty()) throw InvalidArgument("--failure-status must name at least one status");
  return mix;
}

void validate(SmscSettings& s) {
  if (s.port < 0 || s.port > 65535) throw InvalidArgument(fmt::format("--port must be 0..65535, not {}", s.port));
  if (s.metrics_port < -1 || s.metrics_port > 65535) {
    throw InvalidArgument(fmt::format("--metrics-port must be -1 (none), 0 (any) or a port, not {}", s.metrics_port));
  }
  if (s.system_id.empty() || s.system_id.size() > 15) throw InvalidArgument("--system-id must be 1 to 15 characters");
  domain::validate(s.latency);
  domain::validate_failure_rate(s.failure_rate);
  if (s.accounts.empty()) s.accounts.push_back({"smsim", "secret", 0});
  for (std::size_t i = 0; i < s.accounts.size(); ++i) {
    check_account(s.accounts[i], "account");
    for (std::size_t j = 0; j < i; ++j) {
      if (s.accounts[j].system_id == s.accounts[i].system_id) {
        throw InvalidArgument(fmt::format("account '{}' is given twice", s.accounts[i].system_id));
      }
    }
  }
  if (s.failure_statuses.empty()) s.failure_statuses.push_back({smpp::status::kSubmitFail, 1});
  const auto& m = s.receipts;
  for (const auto& [flag, share] : {std::pair{"--delivered", m.delivered}, std::pair{"--undelivered", m.undelivered},
                                    std::pair{"--expired", m.expired}, std::pair{"--rejected", m.rejected}}) {
    if (!(share >= 0 && share <= 1)) throw InvalidArgument(fmt::format("{} must be a fraction 0..1, not {}", flag, share));
  }
  const double sum = m.delivered + m.undelivered + m.expired + m.rejected;
  if (std::abs(sum - 1.0) > 1e-9) {
    throw InvalidArgument(
        fmt::format("--delivered, --undelivered, --expired and --rejected must add up to 1 (they add up to {})", sum));
  }
  if (s.receipt_delay.count() < 0) throw InvalidArgument("--receipt-delay must not be negative");
  if (s.window < 1 || s.window > 100'000) throw InvalidArgument(fmt::format("--window must be 1..100000, not {}", s.window));
  if (s.receipt_window < 1 || s.receipt_window > 10'000) {
    throw InvalidArgument(fmt::format("--receipt-window must be 1..10000, not {}", s.receipt_window));
  }
  if (s.receipt_timeout < std::chrono::milliseconds(100)) throw InvalidArgument("--receipt-timeout must be at least 100ms");
  if (s.bind_timeout < std::chrono::milliseconds(100)) throw InvalidArgument("--bind-timeout must be at least 100ms");
  if (s.max_held_receipts < 1) throw InvalidArgument("--max-held-receipts must be at least 1");
}

std::vector<Account> load_accounts(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw InvalidArgument(fmt::format("cannot read accounts file {}", file.string()));
  std::stringstream text;
  text << in.rdbuf();
  toml::table root;
  try {
    root = toml::parse(text.str(), file.string());
  } catch (const toml::parse_error& e) {
    throw InvalidArgument(fmt::format("{}: line {}: {}", file.string(), e.source().begin.line, e.description()));
  }
  std::vector<Account> accounts;
  const auto* list = root["account"].as_array();
  if (!list || list->empty()) throw InvalidArgument(fmt::format("{}: needs at least one [[account]]", file.string()));
  std::size_t index = 0;
  for (const auto& node : *list) {
    const std::string where = fmt::format("{}: account[{}]", file.string(), index++);
    const auto* t = node.as_table();
    if (!t) throw InvalidArgument(where + " must be a table");
    for (const auto& [key, value] : *t) {
      if (key != "system_id" && key != "password" && key != "max_per_second") {
        throw InvalidArgument(fmt::format("{}.{}: unknown key", where, key.str()));
      }
    }
    Account a;
    a.system_id = t->get("system_id") ? t->get("system_id")->value_or(std::string()) : "";
    a.password = t->get("password") ? t->get("password")->value_or(std::string()) : "";
    if (const auto* rate = t->get("max_per_second")) {
      const auto v = rate->value<double>();
      if (!v) throw InvalidArgument(where + ".max_per_second must be a number");
      a.max_per_second = *v;
    }
    check_account(a, where);
    accounts.push_back(a);
  }
  return accounts;
}

}  // namespace smsim::smsc
