#include "kafka/client_config.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kafka/errors.hpp"

namespace smsim::kafka {

std::pair<std::string, std::string> parse_property(std::string_view assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw ConfigError(fmt::format("librdkafka property '{}' must look like name=value "
                                  "(for example -X security.protocol=SASL_SSL)",
                                  assignment));
  }
  return {std::string(assignment.substr(0, eq)), std::string(assignment.substr(eq + 1))};
}

void set_property(RdKafka::Conf& conf, const std::string& name, const std::string& value) {
  std::string reason;
  if (conf.set(name, value, reason) != RdKafka::Conf::CONF_OK) {
    throw ConfigError(fmt::format("librdkafka rejected property {}={}: {}", name, value, reason));
  }
}

std::unique_ptr<RdKafka::Conf> make_conf(const ClientConfig& config,
                                         const std::map<std::string, std::string>& defaults) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  set_property(*conf, "bootstrap.servers", config.bootstrap_servers);
  for (const auto& [name, value] : defaults) set_property(*conf, name, value);
  for (const auto& [name, value] : config.properties) set_property(*conf, name, value);
  return conf;
}

void QuietEventCb::event_cb(RdKafka::Event& event) {
  if (event.type() == RdKafka::Event::EVENT_ERROR) {
    spdlog::debug("librdkafka: {} ({})", event.str(), RdKafka::err2str(event.err()));
  } else if (event.type() == RdKafka::Event::EVENT_LOG && event.severity() <= RdKafka::Event::EVENT_SEVERITY_ERROR) {
    spdlog::debug("librdkafka {}: {}", event.fac(), event.str());
  }
}

}  // namespace smsim::kafka
