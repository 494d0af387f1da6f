#include "gateway/api_routes.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <mutex>
#include <random>

#include "domain/segmentation.hpp"
#include "gateway/monitor_view.hpp"
#include "gateway/produce_request.hpp"

namespace smsim::gateway {
namespace {

using nlohmann::json;
using http::Request;
using http::Responder;
using http::Response;

Response reply_json(int status, const json& body) {
  Response r;
  r.status = status;
  // Record values shown in the Kafka panel may hold anything: never let bad UTF-8 become a 500.
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Response reply_error(int status, const std::string& field, const std::string& message) {
  return Response::error(status, message, field);
}

bool allowed_origin(const std::vector<std::string>& origins, const std::string& origin) {
  return !origin.empty() && std::find(origins.begin(), origins.end(), origin) != origins.end();
}

class Api {
 public:
  explicit Api(Pipeline& pipeline) : p_(pipeline), settings_(pipeline.settings()) {}

  // Endpoints that need the pipeline answer 503 while it starts.
  http::Handler when_started(Response (Api::*method)(const Request&)) {
    return [this, method](const Request& req) {
      if (!p_.started()) return starting();
      return (this->*method)(req);
    };
  }
  http::AsyncHandler when_started_async(void (Api::*method)(const Request&, Responder)) {
    return [this, method](const Request& req, Responder respond) {
      if (!authorized(req)) return respond(unauthorized());
      if (!p_.started()) return respond(starting());
      (this->*method)(req, std::move(respond));
    };
  }

  static Response starting() {
    auto r = reply_error(503, "", "the gateway is starting (replaying its topics); try again in a moment");
    r.set_header("Retry-After", "1");
    return r;
  }

  Response monitor(const Request&) {
    const auto now = now_ms();
    auto body = monitor_json(p_.statistics().snapshot(now), figures(), now);
    body["funnel"] = p_.message_states().funnel_json();
    return reply_json(200, body);
  }

  Response message(const Request& req) {
    const auto reply = p_.message_states().lookup(req.params.at(0));
    Response r;
    r.status = reply.status;
    r.body = reply.body;
    return r;
  }

  Response metrics(const Request&) {
    Response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = prometheus_text(p_.statistics().snapshot(now_ms()), figures());
    return r;
  }

  Response campaigns(const Request&) {
    const auto now = now_ms();
    const auto snapshot = p_.statistics().snapshot(now);
    json list = json::array();
    for (const auto& view : p_.dispatcher().campaigns()) list.push_back(campaign_json(view, snapshot, now));
    return reply_json(200, {{"campaigns", list}});
  }

  Response campaign(const Request& req) {
    const auto& id = req.params.at(0);
    const auto view = p_.dispatcher().campaign(id);
    if (!view) return reply_error(404, "campaign_id", "no campaign with id '" + id.substr(0, 64) + "'");
    const auto now = now_ms();
    return reply_json(200, campaign_json(*view, p_.statistics().snapshot(now), now));
  }

  Response healthz(const Request&) {
    const auto in = p_.health_inputs(now_ms());
    const auto report = evaluate_health(in);
    return reply_json(report.healthy ? 200 : 503, health_json(report, in));
  }

  Response readyz(const Request&) {
    const bool ready = p_.started() && p_.listener().caught_up();
    json body{{"ready", ready}};
    if (!p_.started()) {
      body["reason"] = "starting";
    } else {
      body["status_consumer_lag"] = p_.listener().lag();
      if (!ready) body["reason"] = "the statistics are still replaying the status topic";
    }
    return reply_json(ready ? 200 : 503, body);
  }

  Response config(const Request&) {
    return reply_json(200, {{"refresh_interval_s", settings_.refresh_interval_s}, {"version", SMSIM_VERSION}});
  }

  Response kafka_overview(const Request&) {
    auto& inspector = p_.inspector();
    json topics = json::array();
    for (const auto& name : known_topics()) {
      const auto offsets = inspector.topic_offsets(name);
      json partitions = json::array();
      for (const auto& part : offsets.partitions) {
        partitions.push_back({{"partition", part.partition}, {"end_offset", part.end_offset}, {"leader", part.leader},
                              {"replicas", part.replicas}, {"isr", part.isr}});
      }
      topics.push_back({{"name", name}, {"partitions", partitions}});
    }
    json brokers = json::array();
    for (const auto& b : inspector.brokers()) brokers.push_back({{"id", b.id}, {"host", b.host}, {"port", b.port}});
    const auto group = inspector.group_state(settings_.sender_group, settings_.topics.messages);
    json members = json::array();
    for (const auto& m : group.members) {
      members.push_back({{"member_id", m.member_id}, {"client_id", m.client_id}, {"host", m.host}, {"partitions", m.partitions}});
    }
    json lag = json::array();
    for (const auto& l : group.lag) {
      lag.push_back({{"partition", l.partition},
                     {"committed", l.committed ? json(*l.committed) : json(nullptr)},
                     {"end_offset", l.end_offset},
                     {"lag", l.lag}});
    }
    return reply_json(200, {{"brokers", brokers},
                            {"topics", topics},
                            {"sender_group", {{"group_id", group.group_id}, {"state", group.state}, {"members", members}, {"lag", lag}}}});
  }

  Response kafka_records(const Request& req) {
    const auto topic = req.query_value("topic");
    const auto topics = known_topics();
    if (std::find(topics.begin(), topics.end(), topic) == topics.end()) {
      return reply_error(400, "topic", fmt::format("topic must be one of smsim's topics: {}", fmt::join(topics, ", ")));
    }
    int limit = 10;
    if (req.has_query("limit")) {
      const auto text = req.query_value("limit");
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
      if (ec != std::errc{} || end != text.data() + text.size() || limit < 1 || limit > 50) {
        return reply_error(400, "limit", "limit must be a whole number from 1 to 50");
      }
    }
    json records = json::array();
    for (const auto& r : p_.inspector().newest_records(topic, limit)) {
      records.push_back({{"partition", r.partition}, {"offset", r.offset}, {"timestamp_ms", r.timestamp_ms},
                         {"key", r.key}, {"value", r.value}});
    }
    return reply_json(200, {{"topic", topic}, {"records", records}});
  }

  // POST /produce-messages: answered when Kafka has answered for the campaign's record.
  void produce(const Request& req, Responder respond) {
    const auto parsed = parse_produce_request(req.body, req.header("Content-Type"), settings_.limits);
    if (const auto* error = std::get_if<RequestError>(&parsed)) {
      return respond(reply_error(error->status, error->field, error->message));
    }
    const auto& request = std::get<ProduceRequest>(parsed);
    records::CampaignSpec spec = new_spec(request.seed);
    spec.count = request.num_messages;
    spec.generator = request.generator;
    spec.rate_per_second = request.rate_per_second;
    accept(spec, std::move(respond), [this](const records::CampaignSpec& s) {
      spdlog::info("campaign {} accepted: {} messages, {}..{} chars, {}", s.campaign_id, s.count, s.generator.min_length,
                   s.generator.max_length, domain::to_string(s.generator.alphabet));
      const auto view = p_.dispatcher().campaign(s.campaign_id);
      json body = campaign_json(*view, p_.statistics().snapshot(now_ms()), now_ms());
      body["status_url"] = "/api/campaigns/" + s.campaign_id;
      body["accepted"] = true;
      return reply_json(202, body);
    });
  }

  // POST /api/messages {"to": "+4915112345678", "text": "..."}: one message, tracked to delivery.
  void send_one(const Request& req, Responder respond) {
    const auto parsed = parse_single_message(req.body, req.header("Content-Type"));
    if (const auto* error = std::get_if<RequestError>(&parsed)) {
      return respond(reply_error(error->status, error->field, error->message));
    }
    const auto& request = std::get<SingleMessageRequest>(parsed);
    records::CampaignSpec spec = new_spec(std::nullopt);
    spec.count = 1;
    spec.single = std::make_pair(request.to, request.text);
    const auto segmented = domain::segment(request.text);
    accept(spec, std::move(respond), [parts = segmented.parts.size(), encoding = std::string(domain::to_string(segmented.encoding))](
                                         const records::CampaignSpec& s) {
      const auto id = domain::message_id(s.campaign_id, 0);
      return reply_json(202, {{"message_id", id},
                              {"campaign_id", s.campaign_id},
                              {"parts", parts},
                              {"encoding", encoding},
                              {"status_url", "/api/messages/" + id}});
    });
  }

  // With --auth-token, every mutating endpoint needs the bearer token (compared in constant time).
  bool authorized(const Request& req) const {
    if (settings_.auth_token.empty()) return true;
    const std::string expected = "Bearer " + settings_.auth_token;
    const std::string given = req.header("Authorization");
    unsigned char diff = given.size() == expected.size() ? 0 : 1;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      diff |= static_cast<unsigned char>(expected[i] ^ (i < given.size() ? given[i] : 0));
    }
    return diff == 0;
  }

  static Response unauthorized() {
    auto r = reply_error(401, "Authorization", "this endpoint needs the header 'Authorization: Bearer <token>' (--auth-token)");
    r.set_header("WWW-Authenticate", "Bearer");
    return r;
  }

 private:
  // Durable before we say yes; the answer says truthfully what Kafka said (CampaignIntake).
  void accept(const records::CampaignSpec& spec, Responder respond,
              std::function<Response(const records::CampaignSpec&)> accepted_body) {
    const auto timeout_s = p_.intake().delivery_timeout().count() / 1000.0;
    p_.intake().submit(spec, [spec, respond, accepted_body = std::move(accepted_body), timeout_s](
                                 CampaignIntake::Outcome outcome, const std::string& detail) {
      const std::string status_url = "/api/campaigns/" + spec.campaign_id;
      switch (outcome) {
        case CampaignIntake::Outcome::Accepted:
          return respond(accepted_body(spec));
        case CampaignIntake::Outcome::NotAccepted: {
          auto r = reply_json(503, {{"error", "Kafka did not take the campaign, so nothing was accepted; try again. " + detail},
                                    {"field", nullptr},
                                    {"accepted", false},
                                    {"campaign_id", spec.campaign_id}});
          r.set_header("Retry-After", "5");
          return respond(std::move(r));
        }
        case CampaignIntake::Outcome::Unknown: {
          auto r = reply_json(
              503, {{"error", fmt::format("Kafka has not confirmed campaign {} within {:g} s ({}): it may have been stored. "
                                          "The gateway keeps writing it and runs it once Kafka confirms; watch status_url "
                                          "(404 until then) instead of posting again.",
                                          spec.campaign_id, timeout_s, detail)},
                    {"field", nullptr},
                    {"accepted", "unknown"},
                    {"campaign_id", spec.campaign_id},
                    {"status_url", status_url}});
          r.set_header("Retry-After", "10");
          return respond(std::move(r));
        }
      }
    });
  }

  std::vector<std::string> known_topics() const {
    const auto& t = settings_.topics;
    return {t.messages, t.status, t.campaigns, t.delivery_reports, t.message_status};
  }

  GatewayFigures figures() {
    GatewayFigures g;
    g.dispatch_mode = settings_.dispatch == DispatchMode::Credit ? "credit" : "eager";
    g.live_senders = p_.dispatcher().live_senders();
    g.outstanding = p_.dispatcher().outstanding();
    g.status_consumer_lag = p_.listener().lag();
    g.invalid_records = p_.listener().invalid_records();
    g.dead_letters = p_.listener().dead_letters();
    g.legacy_members = p_.dispatcher().legacy_members();
    return g;
  }

  records::CampaignSpec new_spec(std::optional<std::uint64_t> seed) {
    records::CampaignSpec spec;
    std::lock_guard lock(random_mutex_);
    spec.campaign_id = domain::new_campaign_id(random_);
    spec.seed = seed.value_or(random_() | 1);
    spec.created_at_ms = now_ms();
    return spec;
  }

  Pipeline& p_;
  const GatewaySettings& settings_;
  std::mutex random_mutex_;
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace

http::Router make_api_router(Pipeline& pipeline) {
  using http::Execution;
  // Shared by every handler; lives as long as the router's handlers do.
  auto api = std::make_shared<Api>(pipeline);
  http::Router router;
  const auto bind = [api](Response (Api::*method)(const Request&)) {
    return http::Handler([api, handler = api->when_started(method)](const Request& r) { return handler(r); });
  };
  const auto bind_async = [api](void (Api::*method)(const Request&, Responder)) {
    return http::AsyncHandler([api, handler = api->when_started_async(method)](const Request& r, Responder respond) {
      handler(r, std::move(respond));
    });
  };
  router.add("POST", "/produce-messages", bind_async(&Api::produce));
  router.add("POST", "/api/messages", bind_async(&Api::send_one));
  router.add("GET", "/monitor", bind(&Api::monitor));
  router.add("GET", "/api/messages/{id}", bind(&Api::message));
  router.add("GET", "/metrics", bind(&Api::metrics));
  router.add("GET", "/api/campaigns", bind(&Api::campaigns));
  router.add("GET", "/api/campaigns/{id}", bind(&Api::campaign));
  // Health answers while starting too ("starting", 503).
  router.add("GET", "/healthz", http::Handler([api](const Request& r) { return api->healthz(r); }));
  router.add("GET", "/readyz", http::Handler([api](const Request& r) { return api->readyz(r); }));
  router.add("GET", "/api/config", http::Handler([api](const Request& r) { return api->config(r); }));
  // These wait on Kafka round trips: on the worker pool, never on an I/O thread.
  router.add("GET", "/api/kafka/overview", bind(&Api::kafka_overview), Execution::Blocking);
  router.add("GET", "/api/kafka/records", bind(&Api::kafka_records), Execution::Blocking);
  // CORS preflight for any path: 204 for an allowed origin, 403 otherwise.
  router.add("OPTIONS", "*", http::Handler([origins = pipeline.settings().cors_origins](const Request& req) {
    if (!allowed_origin(origins, req.header("Origin"))) {
      return reply_error(403, "Origin", "this origin may not call the API from a browser (--cors-origin)");
    }
    Response r;
    r.status = 204;
    r.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    r.set_header("Access-Control-Allow-Headers", "Content-Type, Authorization");
    r.set_header("Access-Control-Max-Age", "600");
    return r;
  }));
  return router;
}

void add_cors_headers(const std::vector<std::string>& allowed_origins, const http::Request& request,
                      http::Response& response) {
  const auto origin = request.header("Origin");
  if (!allowed_origin(allowed_origins, origin)) return;
  response.set_header("Access-Control-Allow-Origin", origin);
  response.set_header("Vary", "Origin");
}

}  // namespace smsim::gateway
