#pragma once
// `smsim gateway`: the producer service of the original exercise, on 127.0.0.1:5000 by default.
//
// Lifecycle: the constructor only stores settings. run() binds the port, starts serving HTTP (the
// API answers 503 "starting" until the pipeline is up), creates the topics, reloads accepted
// campaigns, replays the status topic, starts dispatching, and serves until stop() (from a signal
// handler thread or a test). Threads: the HTTP server's I/O threads and worker pool (src/http), and
// the pipeline's threads (dispatcher, status reader, tracker, campaign intake; gateway/pipeline.hpp),
// which share DeliveryStatistics, Dispatcher and MessageStateView, all internally locked.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "gateway/dispatcher.hpp"
#include "gateway/produce_request.hpp"
#include "kafka/client_config.hpp"
#include "kafka/topics.hpp"

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
  // The HTTP server (src/http): connections cost no thread, deadlines cut slow clients off.
  int http_io_threads = 2;
  int http_threads = 4;  // worker pool for endpoints that wait on Kafka (the Kafka panel)
  std::size_t http_max_connections = 10'000;  // also capped by the open-files limit
  std::chrono::milliseconds http_header_timeout{10'000};
  std::chrono::milliseconds http_body_timeout{30'000};
  std::chrono::milliseconds http_idle_timeout{60'000};
  // Kafka's answer to a campaign's write is awaited this long (message.timeout.ms of the intake).
  std::chrono::milliseconds accept_timeout{10'000};
  // A background thread whose loop has not turned for this long is reported stalled by /healthz.
  std::chrono::milliseconds stall_timeout{30'000};
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
  GatewaySettings settings_;
  std::atomic<int> bound_port_{0};
  std::atomic<bool> stop_requested_{false};
};

}  // namespace smsim::gateway
