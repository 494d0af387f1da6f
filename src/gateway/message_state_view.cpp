#include "gateway/message_state_view.hpp"

#include "domain/message_generator.hpp"
#include "domain/segmentation.hpp"
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

void MessageStateView::on_accepted(const records::CampaignSpec& spec) {
  std::lock_guard lock(mutex_);
  accepted_[spec.campaign_id] = {spec.count, spec.created_at_ms, spec.single};
}

ViewReply MessageStateView::lookup(const std::string& message_id) const {
  using nlohmann::json;
  const auto dump = [](const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); };
  std::lock_guard lock(mutex_);
  if (const auto it = latest_.find(message_id); it != latest_.end()) return {200, it->second};
  if (const auto state = funnel_.state_of(message_id)) {
    return {200, dump({{"message_id", message_id},
                       {"state", domain::to_string(*state)},
                       {"detail", "older than the lookup cache: only its latest state is kept"}})};
  }
  if (const auto parsed = domain::parse_message_id(message_id)) {
    const auto it = accepted_.find(parsed->first);
    if (it != accepted_.end() && parsed->second < it->second.count) {
      const auto& a = it->second;
      json body{{"message_id", message_id},
                {"campaign_id", parsed->first},
                {"state", "ACCEPTED"},
                {"history", json::array({{{"state", "ACCEPTED"}, {"at_ms", a.created_at_ms}}})},
                {"updated_at_ms", a.created_at_ms}};
      if (a.single) {
        const auto count = domain::count_parts(a.single->second);
        body["number"] = a.single->first;
        body["text"] = a.single->second;
        body["encoding"] = domain::to_string(count.encoding);
        body["total_parts"] = count.parts;
      }
      return {200, dump(body)};
    }
  }
  return {404, dump({{"error", "no message with id '" + message_id.substr(0, 80) + "' was accepted"},
                     {"field", "message_id"}})};
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
