#include "support/broker_environment.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>

#include "os/paths.hpp"
#include "os/process.hpp"

namespace smsim::test {

std::unique_ptr<broker::LocalBroker> BrokerEnvironment::broker_;

void BrokerEnvironment::SetUp() {
  broker::BrokerSettings settings;
  settings.state_dir = os::make_temp_dir("smsim-it-broker");
  settings.kafka_lib_dir = os::default_kafka_lib_dir();
  settings.brokers = brokers_;
  if (brokers_ == 1) {
    settings.port = os::pick_free_port();
    settings.controller_port = os::pick_free_port();
    while (settings.controller_port == settings.port) settings.controller_port = os::pick_free_port();
  } else {
    settings.port = os::pick_free_port_block(2 * brokers_);  // client ports, then controller ports
  }
  settings.start_timeout = std::chrono::seconds(90);
  settings.stop_timeout = std::chrono::seconds(20);
  broker_ = std::make_unique<broker::LocalBroker>(settings, /*die_with_parent=*/true);
  const auto started_at = std::chrono::steady_clock::now();
  broker_->start();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_at);
  std::printf("[ broker   ] started at %s in %lld ms (%s)\n", broker_->bootstrap_servers().c_str(),
              static_cast<long long>(ms.count()), broker_->layout().root.c_str());
}

void BrokerEnvironment::TearDown() {
  if (!broker_) return;
  const auto state_dir = broker_->settings().state_dir;
  broker_->destroy();
  std::filesystem::remove_all(state_dir);
  broker_.reset();
}

broker::LocalBroker& BrokerEnvironment::broker() { return *broker_; }

kafka::ClientConfig BrokerEnvironment::client_config() { return {broker_->bootstrap_servers(), {}}; }

std::string unique_name(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

}  // namespace smsim::test
