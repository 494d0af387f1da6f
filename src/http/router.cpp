#include "http/router.hpp"

#include <algorithm>
#include <atomic>
#include <string_view>

namespace smsim::http {

struct Responder::State {
  Send send;
  std::atomic<bool> used{false};
  // A handler that lost its Responder without answering must not leave the client hanging.
  ~State() {
    if (!used.load() && send) send(Response::error(500, "the request was dropped without an answer"));
  }
};

Responder::Responder(Send send) : state_(std::make_shared<State>()) { state_->send = std::move(send); }

void Responder::operator()(Response response) const {
  if (state_->used.exchange(true)) return;
  state_->send(std::move(response));
}

void Router::add(std::string method, std::string pattern, AsyncHandler handler, Execution execution) {
  routes_.push_back({std::move(method), std::move(pattern), std::move(handler), execution});
}

void Router::add(std::string method, std::string pattern, Handler handler, Execution execution) {
  add(std::move(method), std::move(pattern),
      AsyncHandler([handler = std::move(handler)](const Request& request, Responder respond) {
        respond(handler(request));
      }),
      execution);
}

bool match_pattern(const std::string& pattern, const std::string& path, std::vector<std::string>& params) {
  params.clear();
  if (pattern == "*") return true;
  std::string_view p(pattern), s(path);
  while (!p.empty() || !s.empty()) {
    if (p.empty() || s.empty() || p.front() != '/' || s.front() != '/') return false;
    p.remove_prefix(1);
    s.remove_prefix(1);
    const auto p_end = std::min(p.find('/'), p.size());
    const auto s_end = std::min(s.find('/'), s.size());
    const auto p_seg = p.substr(0, p_end);
    const auto s_seg = s.substr(0, s_end);
    if (p_seg.size() >= 2 && p_seg.front() == '{' && p_seg.back() == '}') {
      if (s_seg.empty()) return false;
      params.emplace_back(s_seg);
    } else if (p_seg != s_seg) {
      return false;
    }
    p.remove_prefix(p_end);
    s.remove_prefix(s_end);
  }
  return true;
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
  Match result;
  std::vector<std::string> params;
  const Route* head_fallback = nullptr;
  std::vector<std::string> head_params;
  for (const auto& route : routes_) {
    if (!match_pattern(route.pattern, path, params)) continue;
    if (route.method == method) {
      result.route = &route;
      result.params = params;
      return result;
    }
    if (method == "HEAD" && route.method == "GET" && !head_fallback) {
      head_fallback = &route;
      head_params = params;
    }
    // The catch-all pattern says nothing about which methods a path knows.
    if (route.pattern != "*" && std::find(result.allowed.begin(), result.allowed.end(), route.method) == result.allowed.end()) {
      result.allowed.push_back(route.method);
      if (route.method == "GET") result.allowed.push_back("HEAD");
    }
  }
  if (head_fallback) {
    result.route = head_fallback;
    result.params = std::move(head_params);
  }
  return result;
}

}  // namespace smsim::http
