#pragma once
// Shared by the libFuzzer targets: invariant checks that abort (libFuzzer then saves the input as a
// crash file), and the input as text. Anything thrown out of LLVMFuzzerTestOneInput also aborts
// (std::terminate prints the exception's type and what()), which is how "only InvalidArgument may
// escape" is enforced: the targets catch InvalidArgument where it is allowed and nothing else.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace smsim::fuzz {

[[noreturn]] inline void fail(const char* file, int line, const char* condition, const std::string& detail) {
  std::fprintf(stderr, "\n*** fuzz invariant violated at %s:%d: %s\n", file, line, condition);
  if (!detail.empty()) std::fprintf(stderr, "*** %s\n", detail.c_str());
  std::fflush(stderr);
  std::abort();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace smsim::fuzz

/// Aborts with the condition and `detail` (anything convertible to std::string) when `cond` is false.
#define FUZZ_CHECK(cond, detail)                                                       \
  do {                                                                                 \
    if (!(cond)) ::smsim::fuzz::fail(__FILE__, __LINE__, #cond, std::string(detail));  \
  } while (0)
