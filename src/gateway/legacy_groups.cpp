#include "gateway/legacy_groups.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <set>

#include "gateway/dispatcher.hpp"
#include "kafka/cluster_inspector.hpp"

namespace smsim::gateway {

std::string legacy_member_id(const std::string& group, const std::string& client_id, const std::string& member_id) {
  // Member ids are "<client id>-<uuid>"; the uuid's first block is enough to tell members apart.
  std::string suffix = member_id;
  if (suffix.rfind(client_id + "-", 0) == 0) suffix = suffix.substr(client_id.size() + 1);
  return fmt::format("{}/{}/{}", group, client_id, suffix.substr(0, 8));
}

LegacyGroupWatcher::LegacyGroupWatcher(const kafka::ClientConfig& config, std::string topic, std::string sender_group,
                                       Dispatcher& dispatcher)
    : topic_(std::move(topic)),
      sender_group_(std::move(sender_group)),
      dispatcher_(dispatcher),
      inspector_(std::make_unique<kafka::ClusterInspector>(config)) {}

LegacyGroupWatcher::~LegacyGroupWatcher() { stop(); }

void LegacyGroupWatcher::start() { thread_ = std::thread([this] { run(); }); }

void LegacyGroupWatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LegacyGroupWatcher::run() {
  std::set<std::string> known;  // for logging changes only
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    try {
      std::vector<domain::LegacyMember> members;
      for (const auto& group : inspector_->consumer_groups_of(topic_, sender_group_)) {
        for (const auto& m : group.members) {
          members.push_back({legacy_member_id(group.group_id, m.client_id, m.member_id), m.partitions});
        }
      }
      std::set<std::string> now;
      for (const auto& m : members) now.insert(m.id);
      if (now != known) {
        spdlog::info("legacy senders on {} (other consumer groups): [{}]", topic_, fmt::join(now, ", "));
        known = std::move(now);
      }
      dispatcher_.on_legacy_members(members);
    } catch (const std::exception& e) {
      spdlog::debug("looking for legacy consumer groups: {}", e.what());
    }
    lock.lock();
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; });
  }
}

}  // namespace smsim::gateway
