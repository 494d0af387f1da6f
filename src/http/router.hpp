#pragma once
// Routes: method + path pattern -> handler. Patterns are literal segments and `{name}` segments
// (one non-empty segment each, captured into Request::params in order); the pattern "*" matches
// every path (used for CORS preflight). GET routes answer HEAD too. A path known under other
// methods gives 405 with the Allow header; an unknown path, 404 (decided by the server).
//
// Handlers answer through a Responder, exactly once, from any thread, now or later: that is how a
// handler waits for Kafka without holding a thread. Built before the server starts, then only read.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace smsim::http {

/// Sends the response of one request. Copyable; only the first call counts; calls after the server
/// stopped are dropped. Safe from any thread.
class Responder {
 public:
  using Send = std::function<void(Response)>;
  explicit Responder(Send send);
  void operator()(Response response) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

using AsyncHandler = std::function<void(const Request&, Responder)>;
using Handler = std::function<Response(const Request&)>;

/// Where a handler runs. Inline: on the I/O thread (must be quick and never block on I/O).
/// Blocking: on the worker pool (may wait on Kafka for seconds without delaying anyone else).
enum class Execution { Inline, Blocking };

struct Route {
  std::string method;
  std::string pattern;
  AsyncHandler handler;
  Execution execution = Execution::Inline;
};

class Router {
 public:
  void add(std::string method, std::string pattern, AsyncHandler handler, Execution execution = Execution::Inline);
  /// A handler that returns its response.
  void add(std::string method, std::string pattern, Handler handler, Execution execution = Execution::Inline);

  struct Match {
    const Route* route = nullptr;      // null: no route for this method
    std::vector<std::string> params;   // captured segments
    std::vector<std::string> allowed;  // methods known for this path (for 405), empty: unknown path
  };
  Match match(const std::string& method, const std::string& path) const;

 private:
  std::vector<Route> routes_;
};

/// True if `path` matches `pattern`; fills `params` with the {...} segments.
bool match_pattern(const std::string& pattern, const std::string& path, std::vector<std::string>& params);

}  // namespace smsim::http
