#include "app/up_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "common/duration.hpp"
#include "common/error.hpp"
#include "app/service_commands.hpp"
#include "sender/sender_program.hpp"
#include "smsc/smsc_settings.hpp"

namespace smsim::app {
namespace {

[[noreturn]] void fail(const std::string& source, const std::string& key, const std::string& why) {
  throw InvalidArgument(fmt::format("{}: {}: {}", source, key, why));
}

template <typename T>
T get_or(const toml::table& table, const std::string& source, const std::string& key, T fallback) {
  const auto* node = table.get(key);
  if (!node) return fallback;
  if constexpr (std::is_same_v<T, std::string>) {
    if (const auto v = node->value<std::string>()) return *v;
    fail(source, key, "must be a string");
  } else if constexpr (std::is_floating_point_v<T>) {
    if (const auto v = node->value<double>()) return *v;
    fail(source, key, "must be a number");
  } else {
    if (const auto* i = node->as_integer()) {
      const auto v = i->get();
      if (v < 0) fail(source, key, "must not be negative");
      return static_cast<T>(v);
    }
    fail(source, key, "must be a whole number");
  }
}

void reject_unknown_keys(const toml::table& table, const std::string& source, const std::string& where,
                         std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : table) {
    if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
      fail(source, where + std::string(key.str()), "unknown key");
    }
  }
}

}  // namespace

UpConfig parse_up_config(const std::string& text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw InvalidArgument(fmt::format("{}: line {}: {}", source, e.source().begin.line, e.description()));
  }
  reject_unknown_keys(root, source, "", {"gateway", "campaign", "smsc", "pool"});
  UpConfig config;
  if (const auto* gateway = root["gateway"].as_table()) {
    reject_unknown_keys(*gateway, source, "gateway.", {"port", "dispatch"});
    config.gateway_port = get_or<int>(*gateway, source, "port", config.gateway_port);
    if (config.gateway_port < 1 || config.gateway_port > 65535) fail(source, "gateway.port", "must be 1..65535");
    config.dispatch = get_or<std::string>(*gateway, source, "dispatch", config.dispatch);
    if (config.dispatch != "credit" && config.dispatch != "eager") fail(source, "gateway.dispatch", "must be credit or eager");
  }
  if (const auto* campaign = root["campaign"].as_table()) {
    reject_unknown_keys(*campaign, source, "campaign.", {"messages", "max_length"});
    config.campaign_messages = get_or<std::uint64_t>(*campaign, source, "messages", config.campaign_messages);
    config.campaign_max_length = get_or<int>(*campaign, source, "max_length", config.campaign_max_length);
  }
  if (const auto* smsc_table = root["smsc"].as_table()) {
    const auto& table = *smsc_table;
    reject_unknown_keys(table, source, "smsc.",
                        {"port", "metrics_port", "accounts", "mean", "stddev", "distribution", "failure_rate",
                         "receipt_delay", "window"});
    UpSmsc s;
    s.port = get_or<int>(table, source, "port", s.port);
    if (s.port < 1 || s.port > 65535) fail(source, "smsc.port", "must be 1..65535");
    s.metrics_port = get_or<int>(table, source, "metrics_port", s.metrics_port);
    if (s.metrics_port < 1 || s.metrics_port > 65535) fail(source, "smsc.metrics_port", "must be 1..65535");
    if (const auto* accounts = table.get("accounts")) {
      const auto* list = accounts->as_array();
      if (!list || list->empty()) fail(source, "smsc.accounts", "must be a list of \"system_id:password[:max_per_second]\"");
      s.accounts.clear();
      for (const auto& a : *list) {
        const auto text = a.value<std::string>();
        if (!text) fail(source, "smsc.accounts", "must hold strings \"system_id:password[:max_per_second]\"");
        try {
          smsc::parse_account(*text);
        } catch (const InvalidArgument& e) {
          fail(source, "smsc.accounts", e.what());
        }
        s.accounts.push_back(*text);
      }
    }
    s.mean = get_or<std::string>(table, source, "mean", s.mean);
    s.stddev = get_or<std::string>(table, source, "stddev", s.stddev);
    s.distribution = get_or<std::string>(table, source, "distribution", s.distribution);
    s.failure_rate = get_or<double>(table, source, "failure_rate", s.failure_rate);
    s.receipt_delay = get_or<std::string>(table, source, "receipt_delay", s.receipt_delay);
    s.window = get_or<int>(table, source, "window", s.window);
    try {
      smsc::SmscSettings check;
      check.latency.mean = parse_duration(s.mean);
      check.latency.stddev = parse_duration(s.stddev);
      const auto distribution = domain::parse_distribution(s.distribution);
      if (!distribution) throw InvalidArgument("distribution must be normal, exponential, uniform or constant");
      check.latency.distribution = *distribution;
      check.failure_rate = s.failure_rate;
      check.receipt_delay = parse_duration(s.receipt_delay);
      check.window = s.window;
      smsc::validate(check);
    } catch (const InvalidArgument& e) {
      fail(source, "smsc", e.what());
    }
    config.smsc = s;
  }
  const auto* pools = root["pool"].as_array();
  if (!pools || pools->empty()) fail(source, "pool", "at least one [[pool]] of senders is needed");
  std::size_t index = 0;
  for (const auto& node : *pools) {
    const std::string where = fmt::format("pool[{}].", index++);
    const auto* table = node.as_table();
    if (!table) fail(source, where, "must be a table ([[pool]])");
    reject_unknown_keys(*table, source, where,
                        {"name", "senders", "mean", "stddev", "distribution", "failure_rate", "window", "seed", "smsc",
                         "system_id", "password", "bind", "enquire_link", "concatenation"});
    sender::SenderSettings pool;
    pool.name = get_or<std::string>(*table, source, "name", fmt::format("pool{}", index));
    pool.senders = get_or<int>(*table, source, "senders", 1);
    pool.window = get_or<int>(*table, source, "window", 1);
    pool.seed = get_or<std::uint64_t>(*table, source, "seed", 0);
    pool.failure_rate = get_or<double>(*table, source, "failure_rate", 0.0);
    const auto distribution = domain::parse_distribution(get_or<std::string>(*table, source, "distribution", "normal"));
    if (!distribution) fail(source, where + "distribution", "must be normal, exponential, uniform or constant");
    pool.timing.distribution = *distribution;
    bool local_smsc = false;
    if (const auto* smsc_node = table->get("smsc")) {
      const auto address = smsc_node->value<std::string>();
      if (!address) fail(source, where + "smsc", "must be \"local\" (the [smsc] table) or \"host:port\"");
      try {
        if (*address == "local") {
          if (!config.smsc) fail(source, where + "smsc", "\"local\" needs an [smsc] table");
          local_smsc = true;
          pool.smpp = sender::SmppSettings{};
          pool.smpp->port = config.smsc->port;
          const auto first = smsc::parse_account(config.smsc->accounts.front());
          pool.smpp->system_id = first.system_id;
          pool.smpp->password = first.password;
        } else {
          pool.smpp = parse_smsc_address(*address);
        }
      } catch (const InvalidArgument& e) {
        fail(source, where + "smsc", e.what());
      }
      pool.smpp->system_id = get_or<std::string>(*table, source, "system_id", pool.smpp->system_id);
      pool.smpp->password = get_or<std::string>(*table, source, "password", pool.smpp->password);
      const auto bind = smpp::parse_bind_type(get_or<std::string>(*table, source, "bind", "transceiver"));
      if (!bind || !smpp::can_submit(*bind)) fail(source, where + "bind", "must be transceiver or transmitter");
      pool.smpp->bind = *bind;
      const auto concatenation = smpp::parse_concatenation(get_or<std::string>(*table, source, "concatenation", "udh"));
      if (!concatenation) fail(source, where + "concatenation", "must be udh or sar");
      pool.smpp->concatenation = *concatenation;
      try {
        pool.smpp->enquire_link = parse_duration(get_or<std::string>(*table, source, "enquire_link", "30s"));
      } catch (const InvalidArgument& e) {
        fail(source, where + "enquire_link", e.what());
      }
      if (!table->get("window")) pool.window = 10;
    } else {
      for (const char* key : {"system_id", "password", "bind", "enquire_link", "concatenation"}) {
        if (table->get(key)) fail(source, where + key, "only for a pool with an smsc");
      }
    }
    try {
      pool.timing.mean = parse_duration(get_or<std::string>(*table, source, "mean", "250ms"));
      pool.timing.stddev = parse_duration(get_or<std::string>(*table, source, "stddev", "50ms"));
      sender::validate(pool);
    } catch (const InvalidArgument& e) {
      fail(source, where + pool.name, e.what());
    }
    for (const auto& other : config.pools) {
      if (other.name == pool.name) fail(source, where + "name", "'" + pool.name + "' is used by two pools");
    }
    config.pools.push_back(pool);
    config.pool_uses_local_smsc.push_back(local_smsc);
  }
  return config;
}

UpConfig load_up_config(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw InvalidArgument(fmt::format("cannot read config file {}", file.string()));
  std::stringstream text;
  text << in.rdbuf();
  return parse_up_config(text.str(), file.string());
}

std::vector<std::string> sender_arguments(const sender::SenderSettings& pool) {
  std::vector<std::string> args{"sender",
                                "--name", pool.name,
                                "--senders", std::to_string(pool.senders),
                                "--mean", format_duration(pool.timing.mean),
                                "--stddev", format_duration(pool.timing.stddev),
                                "--distribution", std::string(domain::to_string(pool.timing.distribution)),
                                "--failure-rate", fmt::format("{}", pool.failure_rate),
                                "--window", std::to_string(pool.window)};
  if (pool.seed != 0) args.insert(args.end(), {"--seed", std::to_string(pool.seed)});
  if (const auto& s = pool.smpp) {
    args.insert(args.end(), {"--smsc", s->endpoint(), "--system-id", s->system_id, "--password", s->password, "--bind",
                             std::string(smpp::to_string(s->bind)), "--enquire-link", format_duration(s->enquire_link),
                             "--concatenation", std::string(smpp::to_string(s->concatenation))});
  }
  return args;
}

std::vector<std::string> smsc_arguments(const UpSmsc& s) {
  std::vector<std::string> args{"smsc",
                                "--port", std::to_string(s.port),
                                "--metrics-port", std::to_string(s.metrics_port),
                                "--mean", s.mean,
                                "--stddev", s.stddev,
                                "--distribution", s.distribution,
                                "--failure-rate", fmt::format("{}", s.failure_rate),
                                "--receipt-delay", s.receipt_delay,
                                "--window", std::to_string(s.window)};
  for (const auto& a : s.accounts) args.insert(args.end(), {"--account", a});
  return args;
}

}  // namespace smsim::app
