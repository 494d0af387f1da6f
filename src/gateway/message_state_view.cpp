#include "gateway/message_state_view.hpp"

#include "records/records.hpp"

namespace smsim::gateway {

void MessageStateView::on_record(std::string_view json_text) {
  const auto summary = records::decode_lifecycle_summary(json_text);
  std::lock_guard lock(mutex_);
  funnel_.apply(summary.id, summary.state, summary.total_parts);
  auto [it, inserted] = latest_.try_emplace(summary.id);
  it->second = std::string(json_text);
  if (inserted) {
    order_.push_back(summary.id);
    if (order_.size() > cache_size_) {
      latest_.erase(order_.front());
      order_.pop_front();
    }
  }
}

std::optional<std::string> MessageStateView::lifecycle(const std::string& message_id) const {
  std::lock_guard lock(mutex_);
  const auto it = latest_.find(message_id);
  if (it == latest_.end()) return std::nullopt;
  return it->second;
}

nlohmann::json MessageStateView::funnel_json() const {
  using domain::MessageState;
  std::lock_guard lock(mutex_);
  nlohmann::json parts = nlohmann::json::object();
  for (const auto& [n, count] : funnel_.parts_histogram()) parts[std::to_string(n)] = count;
  return {{"messages", funnel_.messages()},
          {"pending", funnel_.count(MessageState::Pending)},
          {"sent", funnel_.count(MessageState::Sent)},
          {"delivered", funnel_.count(MessageState::Delivered)},
          {"failed", funnel_.count(MessageState::Failed)},
          {"undelivered", funnel_.count(MessageState::Undelivered)},
          {"expired", funnel_.count(MessageState::Expired)},
          {"parts_per_message", parts}};
}

}  // namespace smsim::gateway
