#include "common/duration.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <charconv>
#include <fmt/format.h>

#include "common/error.hpp"

namespace smsim {
namespace {

struct Unit {
  std::string_view suffix;
  double nanoseconds;
};

// Longer suffixes first so that "ms" is not read as "m" followed by garbage.
constexpr std::array<Unit, 6> kUnits{{{"ns", 1.0},
                                      {"us", 1e3},
                                      {"ms", 1e6},
                                      {"s", 1e9},
                                      {"m", 60e9},
                                      {"h", 3600e9}}};

}  // namespace

Duration parse_duration(std::string_view text) {
  const auto fail = [&](std::string_view why) {
    return InvalidArgument(fmt::format("invalid duration '{}': {} (examples: 250ms, 1.5s, 2m)", text, why));
  };
  std::size_t unit_start = 0;
  while (unit_start < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[unit_start])) || text[unit_start] == '.')) {
    ++unit_start;
  }
  if (unit_start == 0) throw fail("expected a non-negative number first");
  const std::string_view number = text.substr(0, unit_start);
  const std::string_view suffix = text.substr(unit_start);
  if (suffix.empty()) throw fail("a unit is required");

  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc{} || end != number.data() + number.size() || !std::isfinite(value)) {
    throw fail("the number is malformed");
  }
  for (const Unit& unit : kUnits) {
    if (suffix == unit.suffix) {
      const double ns = value * unit.nanoseconds;
      if (ns > 1e18) throw fail("too large");
      return Duration(static_cast<Duration::rep>(std::llround(ns)));
    }
  }
  throw fail(fmt::format("unknown unit '{}'", suffix));
}

std::string format_duration(Duration d) {
  const double ns = static_cast<double>(d.count());
  if (d.count() == 0) return "0s";
  if (ns >= 3600e9 && std::fmod(ns, 3600e9) == 0) return fmt::format("{}h", ns / 3600e9);
  if (ns >= 60e9 && std::fmod(ns, 60e9) == 0) return fmt::format("{}m", ns / 60e9);
  if (ns >= 1e9) return fmt::format("{:g}s", ns / 1e9);
  if (ns >= 1e6) return fmt::format("{:g}ms", ns / 1e6);
  if (ns >= 1e3) return fmt::format("{:g}us", ns / 1e3);
  return fmt::format("{}ns", d.count());
}

}  // namespace smsim
