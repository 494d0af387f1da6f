#pragma once
// Where smsim keeps things on disk when the user does not say.
#include <filesystem>
#include <string>

namespace smsim::os {

/// $SMSIM_STATE_DIR, else $XDG_STATE_HOME/smsim, else ~/.local/state/smsim.
std::filesystem::path default_state_dir();

/// $SMSIM_KAFKA_LIB, else the build's kafka/lib folder (filled by scripts/bootstrap.sh).
std::filesystem::path default_kafka_lib_dir();

/// A fresh, empty directory under $TMPDIR (mkdtemp), named after `prefix`.
std::filesystem::path make_temp_dir(const std::string& prefix);

}  // namespace smsim::os
