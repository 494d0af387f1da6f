#include "http/server.hpp"

#include <sys/resource.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "common/error.hpp"
#include "http/static_files.hpp"

namespace smsim::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr auto kRejectTimeout = std::chrono::seconds(2);  // an over-the-cap connection gets this long

}  // namespace

class Session;

// Responders post to a connection only while the gate is open: stop() closes it before the
// io_context goes away, so a late answer (a Kafka callback, a worker) never touches a dead one.
// Shared with every Responder, which may outlive the server itself.
struct Gate {
  std::mutex mutex;
  bool open = true;
};

// What the server shares with its connections. Outlives every Session that can still run.
struct Shared {
  ServerSettings settings;
  Router router;
  asio::thread_pool workers;
  std::atomic<std::uint64_t> open{0}, accepted{0}, rejected{0}, timed_out{0}, requests{0};
  std::shared_ptr<Gate> gate = std::make_shared<Gate>();
  // Every live connection, so that stop() can close them.
  std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

  Shared(ServerSettings s, Router r) : settings(std::move(s)), router(std::move(r)), workers(std::max(1, settings.worker_threads)) {}
};

// One connection. Lives on its own strand; owned by its pending asynchronous operation, or (while
// a handler works on its request) by itself through `awaiting_answer_`, released when the answer
// is written or the server stops.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Shared& shared, bool reject)
      : stream_(std::move(socket)), shared_(shared), reject_(reject),
        buffer_(shared.settings.max_header_bytes + shared.settings.max_body_bytes + 4096) {}

  ~Session() {
    if (!reject_) shared_.open.fetch_sub(1);
    std::lock_guard lock(shared_.sessions_mutex);
    shared_.sessions.erase(this);
  }

  void start() {
    {
      std::lock_guard lock(shared_.sessions_mutex);
      shared_.sessions.emplace(this, weak_from_this());
    }
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  /// Only from Server::stop, after the I/O threads were joined: nothing else runs on this session.
  void close_now() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
    awaiting_answer_.reset();
  }

 private:
  const ServerSettings& settings() const { return shared_.settings; }

  void wait_for_next_request() {
    if (buffer_.size() > 0) return read_header();  // pipelined: the next request is here already
    stream_.expires_after(settings().idle_timeout);
    stream_.async_read_some(buffer_.prepare(1024), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      if (ec) return self->on_read_error(ec);
      self->buffer_.commit(n);
      self->read_header();
    });
  }

  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(settings().max_header_bytes));
    parser_->body_limit(settings().max_body_bytes);
    stream_.expires_after(reject_ ? std::chrono::duration_cast<std::chrono::milliseconds>(kRejectTimeout)
                                  : settings().header_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_header(ec);
    });
  }

  void on_header(beast::error_code ec) {
    if (reject_) {
      // Over the connection cap: say so (after reading the header, so the client sees the answer).
      if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream || ec == asio::error::eof) return close();
      auto r = Response::error(503, fmt::format("the server has too many open connections ({}); try again later",
                                                settings().max_connections));
      r.set_header("Retry-After", "1");
      r.close = true;
      return write(std::move(r), false);
    }
    if (ec == bhttp::error::header_limit) {
      // Which part was too long: the request line (414) or the header fields (431). Beast parses
      // (and consumes) the request line before the fields, so a parsed target means the fields.
      const auto target = parser_->get().target();
      if (target.empty() || target.size() > settings().max_uri_bytes) {
        return reply_and_close(414, fmt::format("the URI is longer than {} bytes", settings().max_uri_bytes));
      }
      return reply_and_close(431, "the request header fields are too large");
    }
    if (ec == bhttp::error::body_limit) return reply_and_close(413, body_too_large());
    if (ec) return on_read_error(ec);
    auto& message = parser_->get();
    if (message.target().size() > settings().max_uri_bytes) {
      return reply_and_close(414, fmt::format("the URI is longer than {} bytes", settings().max_uri_bytes));
    }
    if (parser_->is_done()) return dispatch();
    stream_.expires_after(settings().body_timeout);
    const auto expect = message[bhttp::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return asio::async_write(stream_, asio::buffer(kContinue), [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return self->on_read_error(ec);
        self->read_body();
      });
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec == bhttp::error::body_limit) return self->reply_and_close(413, self->body_too_large());
      if (ec) return self->on_read_error(ec);
      self->dispatch();
    });
  }

  std::string body_too_large() const {
    return fmt::format("the request body is too large (at most {} bytes)", settings().max_body_bytes);
  }

  void on_read_error(beast::error_code ec) {
    if (ec == beast::error::timeout) {
      shared_.timed_out.fetch_add(1);
      return close();
    }
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted || ec == asio::error::broken_pipe || ec == beast::errc::not_connected ||
        ec == asio::error::bad_descriptor) {
      return close();
    }
    // Anything else is a malformed request.
    reply_and_close(400, fmt::format("malformed HTTP request: {}", ec.message()));
  }

  void reply_and_close(int status, std::string message) {
    auto r = Response::error(status, message);
    r.close = true;
    write(std::move(r), false);
  }

  void dispatch() {
    shared_.requests.fetch_add(1);
    auto& message = parser_->get();
    request_ = Request{};
    request_.method = std::string(message.method_string());
    request_.target = std::string(message.target());
    const auto question = request_.target.find('?');
    request_.path = percent_decode(std::string_view(request_.target).substr(0, question), false);
    if (question != std::string::npos) request_.query = parse_query(std::string_view(request_.target).substr(question + 1));
    for (const auto& field : message) request_.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    request_.body = std::move(message.body());
    keep_alive_ = message.keep_alive();
    is_head_ = request_.method == "HEAD";

    auto match = shared_.router.match(request_.method, request_.path);
    if (!match.route) return answer_unrouted(match);
    request_.params = std::move(match.params);
    awaiting_answer_ = shared_from_this();
    Responder respond(make_send());
    const auto* route = match.route;
    if (route->execution == Execution::Inline) {
      run_handler(*route, request_, respond);
    } else {
      asio::post(shared_.workers, [route, request = request_, respond] { run_handler(*route, request, respond); });
    }
  }

  static void run_handler(const Route& route, const Request& request, const Responder& respond) {
    try {
      route.handler(request, respond);
    } catch (const std::exception& e) {
      spdlog::error("{} {} failed: {}", request.method, request.path.substr(0, 200), e.what());
      respond(Response::error(500, e.what()));
    } catch (...) {
      respond(Response::error(500, "internal error"));
    }
  }

  // The Responder's way back: onto this connection's strand, if the server still runs.
  Responder::Send make_send() {
    return [weak = weak_from_this(), gate = shared_.gate](Response response) {
      std::lock_guard lock(gate->mutex);
      if (!gate->open) return;
      auto self = weak.lock();
      if (!self) return;
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->write(std::move(response), self->keep_alive_);
      });
    };
  }

  void answer_unrouted(const Router::Match& match) {
    const bool get = request_.method == "GET" || request_.method == "HEAD";
    if (get && !settings().static_dir.empty()) {
      if (auto file = serve_static_file(settings().static_dir, request_.path)) return write(std::move(*file), keep_alive_);
    }
    if (!match.allowed.empty()) {
      std::string allow;
      for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
      auto r = Response::error(405, fmt::format("{} is not allowed here; use {}", request_.method.substr(0, 20), allow));
      r.set_header("Allow", allow);
      return write(std::move(r), keep_alive_);
    }
    write(Response::error(404, "no such endpoint: " + request_.path.substr(0, 200)), keep_alive_);
  }

  void write(Response response, bool keep_alive) {
    awaiting_answer_.reset();
    if (settings().decorate && !reject_) {
      try {
        settings().decorate(request_, response);
      } catch (const std::exception& e) {
        spdlog::warn("decorating a response failed: {}", e.what());
      }
    }
    keep_alive = keep_alive && !response.close;
    auto& res = response_.emplace(static_cast<bhttp::status>(response.status), 11);
    res.set(bhttp::field::server, "smsim");
    if (response.status != 204 && response.status != 304) res.set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) res.set(name, value);
    res.keep_alive(keep_alive);
    res.body() = std::move(response.body);
    res.prepare_payload();
    if (is_head_) res.body().clear();  // Content-Length stays: HEAD says what GET would send
    stream_.expires_after(settings().write_timeout);
    bhttp::async_write(stream_, res, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
      if (ec) {
        // Whatever went wrong, nothing more can be said on this connection.
        if (ec == beast::error::timeout) self->shared_.timed_out.fetch_add(1);
        return self->close();
      }
      self->response_.reset();
      if (!keep_alive) return self->close();
      self->is_head_ = false;
      self->wait_for_next_request();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  Shared& shared_;
  const bool reject_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  Request request_;
  bool keep_alive_ = true;
  bool is_head_ = false;
  std::shared_ptr<Session> awaiting_answer_;
};

class Server::Impl {
 public:
  Impl(ServerSettings settings, Router router) : shared_(std::move(settings), std::move(router)) {}

  int bind() {
    const auto& s = shared_.settings;
    beast::error_code ec;
    const auto address = asio::ip::make_address(s.host, ec);
    if (ec) throw InvalidArgument(fmt::format("'{}' is not an IP address to listen on (--host)", s.host));
    const tcp::endpoint endpoint(address, static_cast<unsigned short>(s.port));
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      throw Error(fmt::format("cannot listen on {}:{} ({}); choose another with --port", s.host, s.port, ec.message()));
    }
    return acceptor_.local_endpoint().port();
  }

  void start() {
    accept();
    for (int i = 0; i < std::max(1, shared_.settings.io_threads); ++i) {
      threads_.emplace_back([this] { ioc_.run(); });
    }
  }

  void stop() {
    {
      std::lock_guard lock(shared_.gate->mutex);
      if (!shared_.gate->open) return;
      shared_.gate->open = false;
    }
    ioc_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    beast::error_code ec;
    acceptor_.close(ec);  // no I/O thread runs any more: safe from here
    shared_.workers.join();  // running blocking handlers finish; their answers are dropped at the gate
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(shared_.sessions_mutex);
      for (auto& [raw, weak] : shared_.sessions) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) s->close_now();
  }

  ServerCounters counters() const {
    return {shared_.open.load(), shared_.accepted.load(), shared_.rejected.load(), shared_.timed_out.load(),
            shared_.requests.load()};
  }

  ~Impl() {
    stop();
    // Pending handlers (and the connections they own) are destroyed with the io_context, below.
  }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (ec) {
        // Typically EMFILE: out of file descriptors. Back off instead of spinning.
        spdlog::warn("accepting a connection failed: {}", ec.message());
        retry_.expires_after(std::chrono::milliseconds(100));
        retry_.async_wait([this](beast::error_code) { accept(); });
        return;
      }
      const bool reject = shared_.open.load() >= shared_.settings.max_connections;
      if (reject) {
        shared_.rejected.fetch_add(1);
      } else {
        shared_.open.fetch_add(1);
        shared_.accepted.fetch_add(1);
      }
      std::make_shared<Session>(std::move(socket), shared_, reject)->start();
      accept();
    });
  }

  Shared shared_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_{ioc_};
  asio::steady_timer retry_{ioc_};
  std::vector<std::thread> threads_;
};

Server::Server(ServerSettings settings, Router router) : impl_(std::make_unique<Impl>(std::move(settings), std::move(router))) {}
Server::~Server() = default;
int Server::bind() { return impl_->bind(); }
void Server::start() { impl_->start(); }
void Server::stop() { impl_->stop(); }
ServerCounters Server::counters() const { return impl_->counters(); }

std::uint64_t raise_open_files_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? UINT64_MAX : static_cast<std::uint64_t>(limit.rlim_cur);
}

}  // namespace smsim::http
