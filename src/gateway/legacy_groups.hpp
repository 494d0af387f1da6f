#pragma once
// Finds the original exercise's senders: members of other consumer groups on the messages topic.
// They send no heartbeats, so the gateway asks Kafka every second which groups (other than the
// senders' group and smsim's own "smsim-…" groups) have members assigned partitions of the topic,
// and hands them to the Dispatcher, which treats each member as a sender with a fixed credit.
//
// Lifecycle: start() spawns the thread, stop() joins it (also in the destructor). Threads: its own
// thread asks Kafka; members() may be called from any thread (mutex).
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/dispatch_planner.hpp"
#include "kafka/client_config.hpp"

namespace smsim::kafka {
class ClusterInspector;
}

namespace smsim::gateway {

class Dispatcher;

class LegacyGroupWatcher {
 public:
  LegacyGroupWatcher(const kafka::ClientConfig& config, std::string topic, std::string sender_group,
                     Dispatcher& dispatcher);
  ~LegacyGroupWatcher();

  void start();
  void stop();

 private:
  void run();

  std::string topic_, sender_group_;
  Dispatcher& dispatcher_;
  std::unique_ptr<kafka::ClusterInspector> inspector_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

/// "<group>/<client id>/<member id>": unique, and readable in the monitor.
std::string legacy_member_id(const std::string& group, const std::string& client_id, const std::string& member_id);

}  // namespace smsim::gateway
