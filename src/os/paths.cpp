#include "os/paths.hpp"

#include <cerrno>
#include <cstdlib>
#include <system_error>
#include <vector>

namespace smsim::os {
namespace fs = std::filesystem;

namespace {
const char* non_empty_env(const char* name) {
  const char* value = std::getenv(name);
  return (value && *value) ? value : nullptr;
}
}  // namespace

fs::path default_state_dir() {
  if (const char* dir = non_empty_env("SMSIM_STATE_DIR")) return dir;
  if (const char* xdg = non_empty_env("XDG_STATE_HOME")) return fs::path(xdg) / "smsim";
  if (const char* home = non_empty_env("HOME")) return fs::path(home) / ".local" / "state" / "smsim";
  return fs::temp_directory_path() / "smsim-state";
}

fs::path default_kafka_lib_dir() {
  if (const char* dir = non_empty_env("SMSIM_KAFKA_LIB")) return dir;
  return SMSIM_DEFAULT_KAFKA_LIB_DIR;
}

fs::path make_temp_dir(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  }
  return fs::path(buffer.data());
}

}  // namespace smsim::os
