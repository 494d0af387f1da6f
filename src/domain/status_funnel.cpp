#include "domain/status_funnel.hpp"

#include "domain/message_generator.hpp"

namespace smsim::domain {
namespace {

// PENDING < SENT < final; FAILED and the delivery outcomes are all final.
int rank(MessageState s) {
  switch (s) {
    case MessageState::Pending: return 1;
    case MessageState::Sent: return 2;
    default: return 3;
  }
}

constexpr std::uint64_t kMaxIndex = 1'000'000'000;

}  // namespace

std::uint8_t& StatusFunnel::slot(const std::string& message_id) {
  const auto parsed = parse_message_id(message_id);
  if (!parsed || parsed->second >= kMaxIndex) return others_[message_id];
  auto& states = campaigns_[parsed->first];
  if (states.size() <= parsed->second) states.resize(std::max<std::size_t>(parsed->second + 1, states.size() * 2), 0);
  return states[parsed->second];
}

std::optional<MessageState> StatusFunnel::state_of(const std::string& message_id) const {
  std::uint8_t value = 0;
  const auto parsed = parse_message_id(message_id);
  if (!parsed || parsed->second >= kMaxIndex) {
    const auto it = others_.find(message_id);
    if (it != others_.end()) value = it->second;
  } else if (const auto it = campaigns_.find(parsed->first); it != campaigns_.end() && parsed->second < it->second.size()) {
    value = it->second[parsed->second];
  }
  if (value == 0) return std::nullopt;
  return static_cast<MessageState>(value - 1);
}

bool StatusFunnel::apply(const std::string& message_id, MessageState state, int total_parts) {
  auto& current = slot(message_id);
  if (current == 0) {
    ++messages_;
    ++parts_[total_parts];
  } else {
    const auto previous = static_cast<MessageState>(current - 1);
    if (rank(state) <= rank(previous)) return false;
    --counts_[static_cast<std::size_t>(previous)];
  }
  current = static_cast<std::uint8_t>(static_cast<int>(state) + 1);
  ++counts_[static_cast<std::size_t>(state)];
  return true;
}

}  // namespace smsim::domain
