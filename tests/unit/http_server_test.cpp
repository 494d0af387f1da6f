// The event-driven HTTP server (src/http) on loopback, driven with raw sockets so that every byte,
// deadline and limit is under the test's control.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "http/server.hpp"
#include "http/static_files.hpp"
#include "os/paths.hpp"

using namespace smsim::http;
using namespace std::chrono_literals;

namespace {

// A blocking loopback client socket with a receive timeout.
class Connection {
 public:
  explicit Connection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect failed");
  }
  ~Connection() { ::close(fd_); }
  void send(const std::string& bytes) const {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }
  // One response (header + Content-Length body), or what came before the peer closed / `timeout`.
  std::string read_response(std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const auto header_end = pending_.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::size_t length = 0;
        const auto at = lower(pending_.substr(0, header_end)).find("content-length: ");
        if (at != std::string::npos) length = std::stoul(pending_.substr(at + 16));
        if (pending_.size() >= header_end + 4 + length) {
          auto response = pending_.substr(0, header_end + 4 + length);
          pending_.erase(0, header_end + 4 + length);
          return response;
        }
      }
      if (!receive(deadline)) {
        auto rest = pending_;
        pending_.clear();
        return rest;
      }
    }
  }
  // True if the server closed the connection within `timeout` (reads EOF or a reset).
  bool closed_within(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!receive(deadline)) return eof_;
    }
    return false;
  }

 private:
  static std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  bool receive(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buffer[8192];
    const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    pending_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }
  int fd_ = -1;
  std::string pending_;
  bool eof_ = false;
};

int status_of(const std::string& response) {
  return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}
std::string body_of(const std::string& response) {
  const auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}
std::string get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

class HttpServerTest : public ::testing::Test {
 protected:
  void start(ServerSettings settings = {}) {
    Router router;
    router.add("GET", "/hello", Handler([](const Request&) {
      Response r;
      r.body = R"({"hello":"world"})";
      return r;
    }));
    router.add("GET", "/items/{id}", Handler([](const Request& req) {
      Response r;
      r.body = req.params.at(0) + "|" + req.query_value("q");
      return r;
    }));
    router.add("POST", "/echo", Handler([](const Request& req) {
      Response r;
      r.body = req.body;
      return r;
    }));
    // Answered later from another thread: no I/O thread waits for it.
    router.add("GET", "/later", AsyncHandler([](const Request&, Responder respond) {
      std::thread([respond] {
        std::this_thread::sleep_for(200ms);
        Response r;
        r.body = "later";
        respond(r);
      }).detach();
    }));
    router.add("GET", "/slow", Handler([](const Request&) {
      std::this_thread::sleep_for(1500ms);
      return Response{};
    }), Execution::Blocking);
    router.add("GET", "/throws", Handler([](const Request&) -> Response { throw std::runtime_error("boom"); }));
    router.add("GET", "/dropped", AsyncHandler([](const Request&, Responder) {}));
    settings.port = 0;
    settings.decorate = [](const Request&, Response& res) { res.set_header("X-Decorated", "yes"); };
    server_ = std::make_unique<Server>(settings, std::move(router));
    port_ = server_->bind();
    server_->start();
  }
  void TearDown() override {
    if (server_) server_->stop();
  }
  std::unique_ptr<Server> server_;
  int port_ = 0;
};

TEST_F(HttpServerTest, RoutesParametersQueriesAndKeepAlive) {
  start();
  Connection c(port_);
  c.send(get("/hello"));
  const auto first = c.read_response();
  EXPECT_EQ(status_of(first), 200);
  EXPECT_EQ(body_of(first), R"({"hello":"world"})");
  EXPECT_NE(first.find("X-Decorated: yes"), std::string::npos);
  // The same connection serves the next request (keep-alive), with decoded segments and queries.
  c.send(get("/items/a%20b?q=x%2By+z"));
  const auto second = c.read_response();
  EXPECT_EQ(status_of(second), 200);
  EXPECT_EQ(body_of(second), "a b|x+y z");
  EXPECT_EQ(server_->counters().accepted_connections, 1u);
  EXPECT_EQ(server_->counters().requests, 2u);
}

TEST_F(HttpServerTest, UnknownPathsWrongMethodsAndHead) {
  start();
  Connection c(port_);
  c.send(get("/nothing"));
  auto r = c.read_response();
  EXPECT_EQ(status_of(r), 404);
  EXPECT_EQ(body_of(r), R"({"error":"no such endpoint: /nothing","field":null})");
  EXPECT_NE(r.find("X-Decorated: yes"), std::string::npos) << "errors are decorated too (CORS)";
  c.send("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  r = c.read_response();
  EXPECT_EQ(status_of(r), 405);
  EXPECT_NE(r.find("Allow: GET, HEAD"), std::string::npos) << r;
  c.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  // HEAD: the header of GET (its Content-Length) and no body; the next response follows at once.
  c.send(get("/hello"));
  const auto both = c.read_response();
  EXPECT_EQ(status_of(both), 200);
  EXPECT_NE(both.find("Content-Length: 17"), std::string::npos);
  EXPECT_EQ(body_of(both).substr(0, 8), "HTTP/1.1") << "HEAD must not send a body";
}

TEST_F(HttpServerTest, LimitsAnswerWithJsonAndClose) {
  ServerSettings s;
  s.max_body_bytes = 100;
  start(s);
  {
    Connection c(port_);
    c.send(get("/hello?x=" + std::string(9000, 'a')));
    const auto r = c.read_response();
    EXPECT_EQ(status_of(r), 414);
    EXPECT_NE(body_of(r).find("URI is longer than 8192 bytes"), std::string::npos);
    EXPECT_TRUE(c.closed_within(2000ms));
  }
  {
    Connection c(port_);
    c.send(get("/hello", "X-Big: " + std::string(70'000, 'a') + "\r\n"));
    EXPECT_EQ(status_of(c.read_response()), 431);
  }
  {
    // Refused from Content-Length alone, before any of the body is sent.
    Connection c(port_);
    c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n");
    const auto r = c.read_response();
    EXPECT_EQ(status_of(r), 413);
    EXPECT_NE(body_of(r).find("at most 100 bytes"), std::string::npos);
  }
  {
    Connection c(port_);
    c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
    EXPECT_EQ(body_of(c.read_response()), "hello");
  }
  {
    Connection c(port_);
    c.send("NOT HTTP AT ALL\r\n\r\n");
    EXPECT_EQ(status_of(c.read_response()), 400);
  }
}

TEST_F(HttpServerTest, ExpectContinueIsAnswered) {
  start();
  Connection c(port_);
  c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  const auto interim = c.read_response(2000ms);
  EXPECT_EQ(status_of(interim), 100);
  c.send("abc");
  EXPECT_EQ(body_of(c.read_response()), "abc");
}

TEST_F(HttpServerTest, HeaderBodyAndIdleDeadlinesCloseSlowClients) {
  ServerSettings s;
  s.header_timeout = 300ms;
  s.body_timeout = 300ms;
  s.idle_timeout = 300ms;
  start(s);
  Connection loris(port_);
  loris.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n");  // and never the end of the header
  Connection body(port_);
  body.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
  Connection idle(port_);
  idle.send(get("/hello"));
  EXPECT_EQ(status_of(idle.read_response()), 200);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(loris.closed_within(3000ms));
  EXPECT_TRUE(body.closed_within(3000ms));
  EXPECT_TRUE(idle.closed_within(3000ms));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2000ms);
  // Counted when the read completes, a moment after the socket is closed.
  for (int i = 0; i < 100 && server_->counters().timed_out_connections < 3; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server_->counters().timed_out_connections, 3u);
}

TEST_F(HttpServerTest, DeadlineIsTotalNotPerByte) {
  ServerSettings s;
  s.header_timeout = 500ms;
  start(s);
  Connection trickle(port_);
  trickle.send("GET /hello HTTP/1.1\r\n");
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  while (!closed && std::chrono::steady_clock::now() - start < 3s) {
    trickle.send("X");  // a byte every 100 ms must not keep the connection open
    closed = trickle.closed_within(100ms);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
}

TEST_F(HttpServerTest, ConnectionsOverTheCapGet503) {
  ServerSettings s;
  s.max_connections = 2;
  start(s);
  auto a = std::make_unique<Connection>(port_);
  Connection b(port_);
  a->send(get("/hello"));
  EXPECT_EQ(status_of(a->read_response()), 200);
  Connection c(port_);
  c.send(get("/hello"));
  const auto refused = c.read_response();
  EXPECT_EQ(status_of(refused), 503);
  EXPECT_NE(body_of(refused).find("too many open connections"), std::string::npos);
  EXPECT_TRUE(c.closed_within(2000ms));
  a.reset();  // room again
  std::this_thread::sleep_for(100ms);
  Connection d(port_);
  d.send(get("/hello"));
  EXPECT_EQ(status_of(d.read_response()), 200);
  EXPECT_EQ(server_->counters().rejected_connections, 1u);
}

TEST_F(HttpServerTest, AsyncAndBlockingHandlersHoldNoIoThread) {
  ServerSettings s;
  s.io_threads = 1;
  start(s);
  Connection slow(port_);
  slow.send(get("/slow"));
  Connection later(port_);
  later.send(get("/later"));
  // While both wait, the single I/O thread still answers at once.
  const auto start = std::chrono::steady_clock::now();
  Connection quick(port_);
  quick.send(get("/hello"));
  EXPECT_EQ(status_of(quick.read_response()), 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 150ms);
  EXPECT_EQ(body_of(later.read_response()), "later");
  EXPECT_EQ(status_of(slow.read_response()), 200);
}

TEST_F(HttpServerTest, HandlerErrorsBecomeJson500) {
  start();
  Connection c(port_);
  c.send(get("/throws"));
  const auto r = c.read_response();
  EXPECT_EQ(status_of(r), 500);
  EXPECT_EQ(body_of(r), R"({"error":"boom","field":null})");
  c.send(get("/dropped"));
  EXPECT_EQ(status_of(c.read_response()), 500) << "a handler that drops its responder still answers";
}

TEST_F(HttpServerTest, StopsWithConnectionsOpenAndAnswersPending) {
  start();
  std::vector<std::unique_ptr<Connection>> open;
  for (int i = 0; i < 20; ++i) open.push_back(std::make_unique<Connection>(port_));
  open[0]->send(get("/slow"));
  open[1]->send(get("/later"));
  std::this_thread::sleep_for(50ms);
  server_->stop();  // must return, closing every connection; late answers are dropped
  for (auto& c : open) EXPECT_TRUE(c->closed_within(2000ms));
  server_.reset();
}

TEST(StaticFiles, ServesIndexAndRefusesTraversal) {
  const auto dir = smsim::os::make_temp_dir("smsim-static");
  std::filesystem::create_directories(dir / "sub");
  std::ofstream(dir / "index.html") << "<p>home";
  std::ofstream(dir / "sub" / "app.js") << "x=1";
  const auto home = serve_static_file(dir.string(), "/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->body, "<p>home");
  EXPECT_EQ(home->content_type, "text/html; charset=utf-8");
  const auto js = serve_static_file(dir.string(), "/sub/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->content_type, "text/javascript");
  EXPECT_FALSE(serve_static_file(dir.string(), "/../etc/passwd"));
  EXPECT_FALSE(serve_static_file(dir.string(), "/sub/../../x"));
  EXPECT_FALSE(serve_static_file(dir.string(), "/missing.html"));
  std::filesystem::remove_all(dir);
}

TEST(Router, MatchesPatternsAndListsAllowedMethods) {
  Router router;
  router.add("GET", "/a/{id}", Handler([](const Request&) { return Response{}; }));
  router.add("POST", "/a/{id}", Handler([](const Request&) { return Response{}; }));
  router.add("OPTIONS", "*", Handler([](const Request&) { return Response{}; }));
  auto m = router.match("GET", "/a/x");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(m.params, std::vector<std::string>{"x"});
  EXPECT_FALSE(router.match("GET", "/a/").route);
  EXPECT_FALSE(router.match("GET", "/a/x/y").route);
  m = router.match("PUT", "/a/x");
  EXPECT_FALSE(m.route);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "HEAD", "POST"}));
  EXPECT_TRUE(router.match("HEAD", "/a/x").route);
  EXPECT_TRUE(router.match("OPTIONS", "/anything/at/all").route);
  EXPECT_TRUE(router.match("PUT", "/other").allowed.empty());
}

TEST(HttpMessage, ErrorBodiesAndDecoding) {
  EXPECT_EQ(Response::error(400, "bad \"x\"\n", "num_messages").body,
            R"({"error":"bad \"x\"\n","field":"num_messages"})");
  EXPECT_EQ(Response::error(404, "no such endpoint: /\xc3\xa9\xff").body,
            "{\"error\":\"no such endpoint: /\xc3\xa9\xef\xbf\xbd\",\"field\":null}")
      << "valid UTF-8 is kept, an invalid byte becomes U+FFFD";
  EXPECT_EQ(percent_decode("a%2Fb+c%zz", true), "a/b c%zz");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  const auto q = parse_query("topic=sms-messages&limit=5&empty&x=%41");
  EXPECT_EQ(q.find("limit")->second, "5");
  EXPECT_EQ(q.find("x")->second, "A");
  EXPECT_EQ(q.count("empty"), 1u);
}

}  // namespace
