#pragma once
// `smsim gateway`: the producer service of the original exercise, on 127.0.0.1:5000 by default.
//
// Lifecycle: the constructor only stores settings. run() creates the topics, reloads accepted
// campaigns, replays the status topic, starts dispatching and serves HTTP until stop() (from a
// signal handler thread or a test). Threads: HTTP worker threads (cpp-httplib's pool), the
// dispatcher thread and the status listener thread; they share DeliveryStatistics and Dispatcher,
// both internally locked.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "gateway/dispatcher.hpp"
#include "gateway/produce_request.hpp"
#include "kafka/client_config.hpp"
#include "kafka/topics.hpp"

namespace httplib {
class Server;
}

namespace smsim::gateway {

struct GatewaySettings {
  std::string host = "127.0.0.1";
  int port = 5000;
  kafka::ClientConfig kafka;
  kafka::TopicNames topics;
  std::string sender_group = "smsim-senders";
  int legacy_credit = 5;  // queue depth for each member of another group on the messages topic
  DispatchMode dispatch = DispatchMode::Credit;
  ProduceLimits limits;
  std::size_t max_body_bytes = 64 * 1024;
  int http_threads = 32;  // a few slow clients must not starve the rest
  std::string auth_token;             // when set, POST endpoints need "Authorization: Bearer <token>"
  bool embedded_tracker = true;       // run the tracker (message-status) inside the gateway
  std::string static_dir;             // the exported monitor, served at /; empty: none
  double refresh_interval_s = 3;      // the monitor's default refresh interval (GET /api/config)
  std::vector<std::string> cors_origins = {"http://localhost:3000", "http://127.0.0.1:3000"};  // `npm run dev`
};

class GatewayService {
 public:
  explicit GatewayService(GatewaySettings settings);
  ~GatewayService();

  /// Blocks until stop(). Throws if Kafka is unreachable at start or the port cannot be bound.
  void run();
  void stop();
  /// The port actually bound (useful with port 0); 0 before run() bound it.
  int bound_port() const { return bound_port_.load(); }

 private:
  class Impl;
  GatewaySettings settings_;
  std::unique_ptr<Impl> impl_;
  std::atomic<int> bound_port_{0};
  std::atomic<bool> stop_requested_{false};
};

}  // namespace smsim::gateway
