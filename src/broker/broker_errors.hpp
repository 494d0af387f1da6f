#pragma once
// Why the local Kafka could not be started, one type per cause, each message saying how to fix it.
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
/// A node's JVM exited during start-up, or the cluster did not answer in time.
class BrokerStartFailed : public BrokerError {
 public:
  using BrokerError::BrokerError;
};
/// The nodes run, but their KRaft quorum has not elected an active controller.
class QuorumNotFormed : public BrokerStartFailed {
 public:
  using BrokerStartFailed::BrokerStartFailed;
};
/// The folder holds an installation with another node count than the one asked for.
class ClusterShapeMismatch : public BrokerError {
 public:
  using BrokerError::BrokerError;
};

}  // namespace smsim::broker
