// The gateway's HTTP surface against a real `smsim gateway` process and broker: the bearer token,
// the CORS allowlist, /healthz and /readyz, and the limits and error bodies of the HTTP server.
#include <gtest/gtest.h>

#include <filesystem>

#include "os/paths.hpp"
#include "os/process.hpp"
#include "support/broker_environment.hpp"
#include "support/services.hpp"

using namespace smsim::test;
using nlohmann::json;

namespace {

const std::string kToken = "s3cret-token";
const std::string kAllowedOrigin = "http://monitor.allowed.test:3000";
const std::vector<std::pair<std::string, std::string>> kJson = {{"Content-Type", "application/json"}};

std::vector<std::pair<std::string, std::string>> with(std::vector<std::pair<std::string, std::string>> headers,
                                                      const std::string& name, const std::string& value) {
  headers.emplace_back(name, value);
  return headers;
}

// One gateway for the suite: --auth-token, one allowed CORS origin, a small body limit.
class GatewayHttp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(smsim::os::make_temp_dir("smsim-it-http"));
    port_ = smsim::os::pick_free_port();
    names_ = new IsolatedNames("http");
    auto args = std::vector<std::string>{"gateway",       "--port",        std::to_string(port_), "--auth-token",
                                         kToken,          "--cors-origin", kAllowedOrigin,        "--max-body-bytes",
                                         "2048"};
    for (const auto& f : names_->gateway_flags()) args.push_back(f);
    gateway_ = new ServiceProcess("gateway", args, *dir_ / "gateway.log");
    const auto health = poll_json(port_, "/healthz", [](const json& j) { return j.value("status", "") == "ok"; },
                                  std::chrono::seconds(60));
    ASSERT_EQ(health.value("status", ""), "ok") << gateway_->log_tail();
  }
  static void TearDownTestSuite() {
    delete gateway_;
    delete names_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  void TearDown() override {
    if (HasFailure()) std::cout << gateway_->log_tail(30) << "\n";
  }

  static inline std::filesystem::path* dir_ = nullptr;
  static inline int port_ = 0;
  static inline IsolatedNames* names_ = nullptr;
  static inline ServiceProcess* gateway_ = nullptr;
};

TEST_F(GatewayHttp, PostsNeedTheBearerTokenAndGetsStayOpen) {
  const std::string campaign = json{{"num_messages", 3}}.dump();
  // No token, a wrong one, another scheme: 401 naming the header, nothing accepted.
  for (const auto& auth : std::vector<std::string>{"", "Bearer wrong", "Basic " + kToken, "Bearer " + kToken + "x"}) {
    const auto headers = auth.empty() ? kJson : with(kJson, "Authorization", auth);
    const auto refused = http_request(port_, "POST", "/produce-messages", campaign, headers);
    EXPECT_EQ(refused.status, 401) << auth << ": " << refused.body;
    EXPECT_EQ(refused.json().value("field", ""), "Authorization") << refused.body;
    EXPECT_EQ(refused.header("WWW-Authenticate"), "Bearer");
  }
  EXPECT_EQ(http_request(port_, "POST", "/api/messages", R"({"to":"+4915112345678","text":"hi"})", kJson).status, 401);
  const auto campaigns_before = http_get(port_, "/api/campaigns").json()["campaigns"].size();
  EXPECT_EQ(campaigns_before, 0u) << "a refused POST must not have started anything";

  // With the token: accepted, and the campaign is there to see.
  const auto accepted =
      http_request(port_, "POST", "/produce-messages", campaign, with(kJson, "Authorization", "Bearer " + kToken));
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const auto id = accepted.json()["campaign_id"].get<std::string>();
  EXPECT_EQ(accepted.json()["accepted"], true);
  const auto one = http_request(port_, "POST", "/api/messages", R"({"to":"+4915112345678","text":"hi"})",
                                with(kJson, "Authorization", "Bearer " + kToken));
  EXPECT_EQ(one.status, 202) << one.body;

  // GETs need no token.
  for (const std::string path : {"/monitor", "/metrics", "/api/campaigns", "/api/config", "/healthz", "/readyz"}) {
    EXPECT_EQ(http_get(port_, path).status, 200) << path;
  }
  const auto status = http_get(port_, "/api/campaigns/" + id);
  EXPECT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.json()["num_messages"], 3);
}

TEST_F(GatewayHttp, CorsEchoesOnlyTheAllowedOrigin) {
  const auto allowed = http_request(port_, "GET", "/monitor", "", {{"Origin", kAllowedOrigin}});
  EXPECT_EQ(allowed.status, 200);
  EXPECT_EQ(allowed.header("Access-Control-Allow-Origin"), kAllowedOrigin);
  EXPECT_EQ(allowed.header("Vary"), "Origin");

  for (const std::string& origin :
       std::vector<std::string>{"http://evil.test", "http://localhost:3000", kAllowedOrigin + ".evil.test", "null"}) {
    const auto other = http_request(port_, "GET", "/monitor", "", {{"Origin", origin}});
    EXPECT_EQ(other.status, 200) << "the request itself is answered; the browser withholds it";
    EXPECT_FALSE(other.has_header("Access-Control-Allow-Origin")) << origin;
  }
  EXPECT_FALSE(http_get(port_, "/monitor").body.empty());

  // Preflight: allowed origin 204 with the methods and headers a browser may use; others 403.
  const auto preflight = http_request(port_, "OPTIONS", "/produce-messages", "",
                                      {{"Origin", kAllowedOrigin}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.header("Access-Control-Allow-Origin"), kAllowedOrigin);
  EXPECT_NE(preflight.header("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(preflight.header("Access-Control-Allow-Headers").find("Authorization"), std::string::npos);
  const auto refused = http_request(port_, "OPTIONS", "/produce-messages", "",
                                    {{"Origin", "http://evil.test"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_FALSE(refused.has_header("Access-Control-Allow-Origin"));

  // Errors carry the header too, so the allowed page can read why (here: no token).
  const auto unauthorized = http_request(port_, "POST", "/produce-messages", "{}", with(kJson, "Origin", kAllowedOrigin));
  EXPECT_EQ(unauthorized.status, 401);
  EXPECT_EQ(unauthorized.header("Access-Control-Allow-Origin"), kAllowedOrigin);
}

TEST_F(GatewayHttp, HealthNamesEveryComponentAndReadinessFollowsTheReplay) {
  const auto health = http_get(port_, "/healthz");
  ASSERT_EQ(health.status, 200) << health.body;
  const auto j = health.json();
  EXPECT_EQ(j["status"], "ok");
  for (const auto* name : {"dispatcher", "status_reader", "tracker", "campaign_intake", "kafka"}) {
    EXPECT_EQ(j["components"][name]["status"], "ok") << name << ": " << health.body;
    EXPECT_LT(j["components"][name]["seconds_since_beat"].get<double>(), 10.0) << name;
  }
  EXPECT_TRUE(j.contains("last_progress_ms"));
  const auto ready = http_get(port_, "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json()["ready"], true);
}

TEST_F(GatewayHttp, LimitsAndErrorsAreJsonNamingTheProblem) {
  const auto auth = with(kJson, "Authorization", "Bearer " + kToken);
  const auto long_uri = http_get(port_, "/monitor?pad=" + std::string(9000, 'a'));
  EXPECT_EQ(long_uri.status, 414);
  EXPECT_NE(long_uri.json().value("error", "").find("8192"), std::string::npos) << long_uri.body;
  const auto big = http_request(port_, "POST", "/produce-messages", "{\"seed\":" + std::string(3000, '1') + "}", auth);
  EXPECT_EQ(big.status, 413) << big.body;
  const auto form = http_request(port_, "POST", "/produce-messages", "num_messages=5",
                                 {{"Authorization", "Bearer " + kToken}, {"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415) << form.body;
  const auto typo = http_request(port_, "POST", "/produce-messages", R"({"num_message": 5})", auth);
  EXPECT_EQ(typo.status, 400);
  EXPECT_EQ(typo.json().value("field", ""), "num_message") << typo.body;
  const auto wrong_method = http_request(port_, "DELETE", "/monitor");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_NE(wrong_method.header("Allow").find("GET"), std::string::npos);
  EXPECT_EQ(http_get(port_, "/no/such/thing").status, 404);
  const auto head = http_request(port_, "HEAD", "/metrics");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(http_get(port_, "/api/kafka/records?topic=" + names_->messages + "&limit=0").status, 400);
}

}  // namespace
