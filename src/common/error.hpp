#pragma once
// The base of smsim's typed exceptions. Every message says what went wrong *and* how to fix it,
// because these messages are what a user sees on the terminal (main() prints them and exits 1).
#include <stdexcept>
#include <string>

namespace smsim {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A value given by the user (flag, config file, HTTP field) is not acceptable.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

}  // namespace smsim
