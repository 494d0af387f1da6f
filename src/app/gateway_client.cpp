#include "app/gateway_client.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include "common/error.hpp"

namespace smsim::app {
namespace {

httplib::Client make_client(const std::string& base_url) {
  httplib::Client client(base_url);
  client.set_connection_timeout(3, 0);
  client.set_read_timeout(30, 0);
  return client;
}

nlohmann::json parse_reply(const httplib::Result& result, const std::string& base_url, const std::string& what) {
  if (!result) {
    throw Error(fmt::format("cannot reach the gateway at {} ({}): is `smsim gateway` running there?", base_url,
                            httplib::to_string(result.error())));
  }
  auto body = nlohmann::json::parse(result->body, nullptr, false);
  if (result->status >= 400) {
    const std::string message =
        body.is_object() && body.contains("error") ? body["error"].get<std::string>() : result->body.substr(0, 200);
    throw Error(fmt::format("the gateway refused {} (HTTP {}): {}", what, result->status, message));
  }
  if (body.is_discarded()) throw Error(fmt::format("the gateway answered {} with something that is not JSON", what));
  return body;
}

}  // namespace

GatewayClient::GatewayClient(std::string base_url) : base_url_(std::move(base_url)) {
  if (base_url_.rfind("http://", 0) != 0) {
    throw InvalidArgument(fmt::format("--gateway must be an http:// URL such as http://127.0.0.1:5000, not '{}'", base_url_));
  }
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

nlohmann::json GatewayClient::start_campaign(const nlohmann::json& request) const {
  auto client = make_client(base_url_);
  return parse_reply(client.Post("/produce-messages", request.dump(), "application/json"), base_url_,
                     "the campaign");
}

nlohmann::json GatewayClient::get(const std::string& path) const {
  auto client = make_client(base_url_);
  return parse_reply(client.Get(path.c_str()), base_url_, "GET " + path);
}

nlohmann::json GatewayClient::campaign(const std::string& id) const { return get("/api/campaigns/" + id); }

nlohmann::json GatewayClient::monitor() const { return get("/monitor"); }

bool GatewayClient::healthy() const {
  auto client = make_client(base_url_);
  client.set_connection_timeout(1, 0);
  const auto result = client.Get("/healthz");
  return result && result->status == 200;
}

}  // namespace smsim::app
