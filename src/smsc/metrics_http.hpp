#pragma once
// A minimal HTTP endpoint for the SMSC simulator: GET /metrics (Prometheus text) and GET /healthz.
// Boost.Beast on the SMSC's io_context, one request per connection.
//
// Lifecycle: start() listens (throws naming the port when taken), stop() closes the listener.
// Threads: the io_context's thread; `render` is called there.
#include <boost/asio.hpp>

#include <functional>
#include <string>

namespace smsim::smsc {

class MetricsHttp {
 public:
  MetricsHttp(boost::asio::io_context& io, const std::string& host, int port, std::function<std::string()> render);
  void start();
  void stop();
  std::uint16_t port() const { return port_; }

 private:
  void accept();

  boost::asio::io_context& io_;
  std::string host_;
  int requested_port_;
  std::uint16_t port_ = 0;
  std::function<std::string()> render_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace smsim::smsc
