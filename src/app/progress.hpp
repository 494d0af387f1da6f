#pragma once
// One line of campaign progress for terminals: counts, a bar and an ETA. Pure.
#include <cstdint>
#include <optional>
#include <string>

namespace smsim::app {

struct ProgressFigures {
  std::uint64_t total = 0, sent = 0, failed = 0, published = 0;
  double rate_per_s = 0;
  std::optional<double> eta_s;
};

/// e.g. "[##########----------]  50.0%  sent 480  failed 20  in flight 12  150/s  ETA 3s"
std::string progress_line(const ProgressFigures& figures, int bar_width = 24);

/// "3s", "2m05s", "1h02m" — for ETAs.
std::string human_seconds(double seconds);

}  // namespace smsim::app
