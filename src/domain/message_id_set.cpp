#include "domain/message_id_set.hpp"

#include "domain/message_generator.hpp"

namespace smsim::domain {
namespace {
// A bitmap grows only this far; beyond it (a forged index) the id goes to the hash set.
constexpr std::uint64_t kMaxIndex = 1'000'000'000;
}  // namespace

bool MessageIdSet::insert(const std::string& message_id) {
  const auto parsed = parse_message_id(message_id);
  if (!parsed || parsed->second >= kMaxIndex) {
    const bool inserted = others_.insert(message_id).second;
    size_ += inserted;
    return inserted;
  }
  auto& bits = bitmaps_[parsed->first];
  const auto word = parsed->second / 64;
  const auto mask = std::uint64_t{1} << (parsed->second % 64);
  if (bits.size() <= word) bits.resize(std::max<std::size_t>(word + 1, bits.size() * 2), 0);
  if (bits[word] & mask) return false;
  bits[word] |= mask;
  ++size_;
  return true;
}

bool MessageIdSet::contains(const std::string& message_id) const {
  const auto parsed = parse_message_id(message_id);
  if (!parsed || parsed->second >= kMaxIndex) return others_.count(message_id) > 0;
  const auto it = bitmaps_.find(parsed->first);
  if (it == bitmaps_.end()) return false;
  const auto word = parsed->second / 64;
  return word < it->second.size() && (it->second[word] & (std::uint64_t{1} << (parsed->second % 64)));
}

}  // namespace smsim::domain
