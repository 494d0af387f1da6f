#include "gateway/gateway_service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <thread>

#include "gateway/api_routes.hpp"
#include "gateway/pipeline.hpp"
#include "http/server.hpp"

namespace smsim::gateway {
namespace {

// Connections need file descriptors, and so do Kafka clients, the log and the static files:
// keep this many for them.
constexpr std::uint64_t kReservedDescriptors = 256;

// The exported Next.js monitor at / (no Node at run time); a hint page when it is not built.
void add_monitor(http::Router& router, http::ServerSettings& server, const GatewaySettings& settings) {
  namespace fs = std::filesystem;
  if (!settings.static_dir.empty() && fs::exists(fs::path(settings.static_dir) / "index.html")) {
    server.static_dir = settings.static_dir;
    return;
  }
  router.add("GET", "/", http::Handler([where = settings.static_dir](const http::Request&) {
    http::Response r;
    r.content_type = "text/html";
    r.body = fmt::format("<!doctype html><title>smsim</title><p>The monitor is not built ({}/index.html is "
                         "missing): run <code>make build</code>. The API works: <a href=\"/monitor\">/monitor</a>, "
                         "<a href=\"/metrics\">/metrics</a>.",
                         where);
    return r;
  }));
}

}  // namespace

GatewayService::GatewayService(GatewaySettings settings) : settings_(std::move(settings)) {}

GatewayService::~GatewayService() = default;

void GatewayService::run() {
  // Each connection is a descriptor: use all the process may have, and cap connections below it.
  const auto open_files = http::raise_open_files_limit();
  http::ServerSettings server_settings;
  server_settings.host = settings_.host;
  server_settings.port = settings_.port;
  server_settings.io_threads = settings_.http_io_threads;
  server_settings.worker_threads = settings_.http_threads;
  server_settings.max_body_bytes = settings_.max_body_bytes;
  server_settings.header_timeout = settings_.http_header_timeout;
  server_settings.body_timeout = settings_.http_body_timeout;
  server_settings.idle_timeout = settings_.http_idle_timeout;
  server_settings.max_connections = settings_.http_max_connections;
  if (open_files > kReservedDescriptors && open_files - kReservedDescriptors < server_settings.max_connections) {
    server_settings.max_connections = open_files - kReservedDescriptors;
    spdlog::warn("at most {} HTTP connections: the open-files limit is {} (raise `ulimit -n` for more)",
                 server_settings.max_connections, open_files);
  }
  server_settings.decorate = [origins = settings_.cors_origins](const http::Request& req, http::Response& res) {
    add_cors_headers(origins, req, res);
  };

  // The pipeline is declared before the server: the server (and every handler using the
  // pipeline) stops and goes first.
  Pipeline pipeline(settings_);
  auto router = make_api_router(pipeline);
  add_monitor(router, server_settings, settings_);
  http::Server server(server_settings, std::move(router));
  // Bind first: a taken port fails before we spend time on Kafka.
  const int port = server.bind();
  server.start();
  bound_port_.store(port);
  spdlog::info("gateway listening on http://{}:{} (starting; Kafka {}, dispatch {}, up to {} connections)",
               settings_.host, port, settings_.kafka.bootstrap_servers,
               settings_.dispatch == DispatchMode::Credit ? "credit" : "eager", server_settings.max_connections);
  try {
    pipeline.start();
  } catch (...) {
    server.stop();
    pipeline.stop();
    throw;
  }
  spdlog::info("gateway ready on http://{}:{}", settings_.host, port);
  while (!stop_requested_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server.stop();
  pipeline.stop();
}

void GatewayService::stop() { stop_requested_.store(true); }

}  // namespace smsim::gateway
