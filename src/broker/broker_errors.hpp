#pragma once
// Why a local broker could not be started, one type per cause, each message saying how to fix it.
#include "common/error.hpp"

namespace smsim::broker {

class BrokerError : public Error {
 public:
  using Error::Error;
};
class PortInUse : public BrokerError {
 public:
  using BrokerError::BrokerError;
};
class JavaNotFound : public BrokerError {
 public:
  using BrokerError::BrokerError;
};
class KafkaJarsMissing : public BrokerError {
 public:
  using BrokerError::BrokerError;
};
class StorageFormatFailed : public BrokerError {
 public:
  using BrokerError::BrokerError;
};
class BrokerStartFailed : public BrokerError {
 public:
  using BrokerError::BrokerError;
};

}  // namespace smsim::broker
