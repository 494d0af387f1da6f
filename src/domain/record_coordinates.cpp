#include "domain/record_coordinates.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace smsim::domain {
namespace {
bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 19 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
}  // namespace

std::string coordinate_id(std::string_view topic, std::int32_t partition, std::int64_t offset) {
  return fmt::format("{}/{}/{}", topic, partition, offset);
}

bool is_coordinate_id(std::string_view id) {
  // Topic names may not contain '/', so the last two slashes delimit partition and offset.
  const auto last = id.rfind('/');
  if (last == std::string_view::npos || last == 0) return false;
  const auto middle = id.rfind('/', last - 1);
  if (middle == std::string_view::npos || middle == 0) return false;
  return all_digits(id.substr(middle + 1, last - middle - 1)) && all_digits(id.substr(last + 1)) &&
         id.substr(0, middle).find('/') == std::string_view::npos;
}

}  // namespace smsim::domain
