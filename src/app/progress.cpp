#include "app/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace smsim::app {

std::string human_seconds(double seconds) {
  const auto s = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

std::string progress_line(const ProgressFigures& f, int bar_width) {
  const auto finished = f.sent + f.failed;
  const double fraction = f.total == 0 ? 1.0 : std::min(1.0, static_cast<double>(finished) / static_cast<double>(f.total));
  const int filled = static_cast<int>(std::floor(fraction * bar_width));
  const auto in_flight = f.published > finished ? f.published - finished : 0;
  std::string line = fmt::format("[{}{}] {:5.1f}%  sent {}  failed {}  in flight {}  {:.0f}/s", std::string(filled, '#'),
                                 std::string(bar_width - filled, '-'), fraction * 100, f.sent, f.failed, in_flight,
                                 f.rate_per_s);
  if (finished >= f.total) {
    line += "  done";
  } else if (f.eta_s) {
    line += "  ETA " + human_seconds(*f.eta_s);
  }
  return line;
}

}  // namespace smsim::app
