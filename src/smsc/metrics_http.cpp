#include "smsc/metrics_http.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include <memory>

#include "common/error.hpp"

namespace smsim::smsc {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(asio::ip::tcp::socket socket, const std::function<std::string()>& render)
      : stream_(std::move(socket)), render_(render) {}

  void start() {
    stream_.expires_after(std::chrono::seconds(5));
    http::async_read(stream_, buffer_, request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) self->respond();
    });
  }

 private:
  void respond() {
    response_.version(request_.version());
    response_.keep_alive(false);
    const auto target = request_.target();
    if (request_.method() != http::verb::get) {
      response_.result(http::status::method_not_allowed);
      response_.set(http::field::content_type, "application/json");
      response_.body() = R"({"error":"only GET is served"})";
    } else if (target == "/metrics") {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, "text/plain; version=0.0.4");
      response_.body() = render_();
    } else if (target == "/healthz") {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, "application/json");
      response_.body() = R"({"status":"ok"})";
    } else {
      response_.result(http::status::not_found);
      response_.set(http::field::content_type, "application/json");
      response_.body() = R"({"error":"not found; try /metrics or /healthz"})";
    }
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    });
  }

  beast::tcp_stream stream_;
  const std::function<std::string()>& render_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

}  // namespace

MetricsHttp::MetricsHttp(asio::io_context& io, const std::string& host, int port, std::function<std::string()> render)
    : io_(io), host_(host), requested_port_(port), render_(std::move(render)), acceptor_(io) {}

void MetricsHttp::start() {
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(host_), static_cast<std::uint16_t>(requested_port_));
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw Error(fmt::format("cannot listen for /metrics on {}:{}: {} (choose another with --metrics-port, or -1 for none)",
                            host_, requested_port_, ec.message()));
  }
  port_ = acceptor_.local_endpoint().port();
  accept();
}

void MetricsHttp::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void MetricsHttp::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) std::make_shared<Exchange>(std::move(socket), render_)->start();
    accept();
  });
}

}  // namespace smsim::smsc
