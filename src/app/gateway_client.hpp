#pragma once
// A small HTTP client of the gateway's API, for `smsim produce` and `smsim up`.
#include <nlohmann/json.hpp>
#include <string>

namespace smsim::app {

class GatewayClient {
 public:
  /// `base_url` like "http://127.0.0.1:5000". Throws InvalidArgument if it is not such a URL.
  explicit GatewayClient(std::string base_url);

  /// POST /produce-messages; returns the accepted campaign. Throws Error with the gateway's own
  /// message on a 4xx/5xx, or saying the gateway cannot be reached.
  nlohmann::json start_campaign(const nlohmann::json& request) const;
  nlohmann::json campaign(const std::string& id) const;
  nlohmann::json monitor() const;
  bool healthy() const;
  const std::string& base_url() const { return base_url_; }

 private:
  nlohmann::json get(const std::string& path) const;
  std::string base_url_;
};

}  // namespace smsim::app
