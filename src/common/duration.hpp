#pragma once
// Durations as users write them on the command line and in config files: "250ms", "1.5s", "2m".
#include <chrono>
#include <string>
#include <string_view>

namespace smsim {

using Duration = std::chrono::nanoseconds;

/// Parses "<number><unit>" with unit one of ns, us, ms, s, m, h. The number may be fractional
/// ("1.5s") but not negative. A bare number is rejected: a missing unit is the classic way to ask
/// for 250 seconds when 250 ms was meant. Throws InvalidArgument naming the bad text.
Duration parse_duration(std::string_view text);

/// Renders a duration compactly, choosing the largest unit that keeps it readable: "250ms", "1.5s".
std::string format_duration(Duration d);

/// Seconds as a double, the unit of every figure smsim reports.
inline double to_seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace smsim
