// The tracker's write-behind buffer: one publish per key per drain, with the newest value, in the
// order keys first changed.
#include "domain/write_behind.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

using smsim::domain::WriteBehind;

namespace {
std::vector<std::pair<std::string, std::string>> drained(WriteBehind<std::string>& buffer) {
  std::vector<std::pair<std::string, std::string>> out;
  buffer.drain([&](const std::string& key, const std::string& value) { out.emplace_back(key, value); });
  return out;
}
}  // namespace

TEST(WriteBehind, ALaterChangeReplacesTheEarlierOneAndKeepsItsPlace) {
  WriteBehind<std::string> buffer;
  buffer.put("c:1", "PENDING");
  buffer.put("c:2", "PENDING");
  buffer.put("c:1", "SENT");
  EXPECT_EQ(buffer.size(), 2u);
  const std::vector<std::pair<std::string, std::string>> expected{{"c:1", "SENT"}, {"c:2", "PENDING"}};
  EXPECT_EQ(drained(buffer), expected);
}

TEST(WriteBehind, DrainingEmptiesItAndTheNextRoundStartsAfresh) {
  WriteBehind<std::string> buffer;
  buffer.put("c:1", "SENT");
  EXPECT_EQ(drained(buffer).size(), 1u);
  EXPECT_TRUE(buffer.empty());
  EXPECT_TRUE(drained(buffer).empty());
  buffer.put("c:1", "DELIVERED");
  const std::vector<std::pair<std::string, std::string>> expected{{"c:1", "DELIVERED"}};
  EXPECT_EQ(drained(buffer), expected) << "a key published before is published again when it changes again";
}
