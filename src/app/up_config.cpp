#include "app/up_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "common/duration.hpp"
#include "common/error.hpp"
#include "sender/sender_program.hpp"

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
  reject_unknown_keys(root, source, "", {"gateway", "campaign", "pool"});
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
  const auto* pools = root["pool"].as_array();
  if (!pools || pools->empty()) fail(source, "pool", "at least one [[pool]] of senders is needed");
  std::size_t index = 0;
  for (const auto& node : *pools) {
    const std::string where = fmt::format("pool[{}].", index++);
    const auto* table = node.as_table();
    if (!table) fail(source, where, "must be a table ([[pool]])");
    reject_unknown_keys(*table, source, where,
                        {"name", "senders", "mean", "stddev", "distribution", "failure_rate", "window", "seed"});
    sender::SenderSettings pool;
    pool.name = get_or<std::string>(*table, source, "name", fmt::format("pool{}", index));
    pool.senders = get_or<int>(*table, source, "senders", 1);
    pool.window = get_or<int>(*table, source, "window", 1);
    pool.seed = get_or<std::uint64_t>(*table, source, "seed", 0);
    pool.failure_rate = get_or<double>(*table, source, "failure_rate", 0.0);
    const auto distribution = domain::parse_distribution(get_or<std::string>(*table, source, "distribution", "normal"));
    if (!distribution) fail(source, where + "distribution", "must be normal, exponential, uniform or constant");
    pool.timing.distribution = *distribution;
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
  return args;
}

}  // namespace smsim::app
