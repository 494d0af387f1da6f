#pragma once
// An event-driven HTTP/1.1 server on Boost.Beast and Asio: a connection costs a socket and a few
// kilobytes, not a thread, so slow or idle clients cannot starve the others.
//
// Per connection: a header deadline (from the first byte of a request to the end of its header), a
// body deadline, an idle deadline between keep-alive requests and a write deadline; past any of
// them the connection is closed. Limits: URI length (414), header size (431), body size (413,
// also from Content-Length before any of the body is read), connection count (503 to the extra
// connection, then close). Unknown paths get 404, known paths with another method 405 + Allow;
// GET routes answer HEAD; GET/HEAD that no route takes are served from `static_dir` if set.
// `decorate` sees every response (e.g. CORS headers). Knows nothing about smsim.
//
// Lifecycle: construct with a Router (routes fixed from then on), bind() (throws if the address
// cannot be bound), start() (spawns the I/O threads and the worker pool), stop() (closes the
// listener and every connection, joins all threads; responses not sent by then are dropped).
// Threads: `io_threads` run every connection (each connection on its own strand); Inline handlers
// run there, Blocking handlers on `worker_threads` others. Counters are atomics, readable anywhere.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/router.hpp"

namespace smsim::http {

struct ServerSettings {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
  int io_threads = 2;
  int worker_threads = 8;
  std::size_t max_connections = 10'000;
  std::size_t max_uri_bytes = 8 * 1024;
  std::size_t max_header_bytes = 64 * 1024;
  std::size_t max_body_bytes = 64 * 1024;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::string static_dir;  // files served at / for GET/HEAD; empty: none
  std::function<void(const Request&, Response&)> decorate;
};

struct ServerCounters {
  std::uint64_t open_connections = 0;
  std::uint64_t accepted_connections = 0;
  std::uint64_t rejected_connections = 0;  // over max_connections: answered 503
  std::uint64_t timed_out_connections = 0;
  std::uint64_t requests = 0;
};

class Server {
 public:
  Server(ServerSettings settings, Router router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and listens; returns the bound port. Throws Error naming the address when it cannot.
  int bind();
  void start();
  void stop();
  ServerCounters counters() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// Raises the soft open-files limit (RLIMIT_NOFILE) to the hard limit; returns the new soft limit.
std::uint64_t raise_open_files_limit();

}  // namespace smsim::http
