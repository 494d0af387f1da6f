#pragma once
#include "common/error.hpp"

namespace smsim::kafka {

/// A librdkafka property was rejected (unknown name or bad value). The message names it.
class ConfigError : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

/// The cluster could not be reached or refused an operation.
class KafkaError : public Error {
 public:
  using Error::Error;
};

}  // namespace smsim::kafka
