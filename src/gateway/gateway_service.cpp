#include "gateway/gateway_service.hpp"

#include <httplib.h>
#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <future>
#include <random>

#include "common/error.hpp"
#include "domain/delivery_statistics.hpp"
#include "gateway/monitor_view.hpp"
#include "gateway/status_listener.hpp"
#include "kafka/cluster_inspector.hpp"
#include "kafka/errors.hpp"
#include "kafka/producer.hpp"
#include "kafka/topic_admin.hpp"
#include "domain/segmentation.hpp"
#include "gateway/message_state_view.hpp"
#include "tracker/tracker_service.hpp"

namespace smsim::gateway {
namespace {

using nlohmann::json;

void reply_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  // Record values shown in the Kafka panel may hold anything: never let bad UTF-8 become a 500.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void reply_error(httplib::Response& res, int status, const std::string& field, const std::string& message) {
  json body{{"error", message}};
  body["field"] = field.empty() ? json(nullptr) : json(field);
  reply_json(res, status, body);
}

}  // namespace

class GatewayService::Impl {
 public:
  explicit Impl(const GatewaySettings& settings) : settings_(settings) {}

  void start_pipeline() {
    {
      kafka::TopicAdmin admin(settings_.kafka);
      kafka::ensure_topics(admin, settings_.topics, 1);
    }
    campaign_writer_ = std::make_unique<kafka::Producer>(
        settings_.kafka, std::map<std::string, std::string>{{"acks", "all"}, {"enable.idempotence", "true"}, {"linger.ms", "0"}},
        [](const kafka::Delivery& d) {
          auto* promise = static_cast<std::promise<RdKafka::ErrorCode>*>(d.opaque);
          if (promise) promise->set_value(d.error);
        });
    dispatcher_ = std::make_unique<Dispatcher>(settings_.kafka, settings_.topics, settings_.sender_group,
                                               settings_.dispatch, statistics_);
    // Accepted campaigns first, so that status records replayed next find their campaign.
    const auto stored = load_campaigns(settings_.kafka, settings_.topics.campaigns);
    for (const auto& c : stored) {
      statistics_.register_campaign(c.spec.campaign_id, c.spec.count, c.spec.created_at_ms);
      statistics_.set_published(c.spec.campaign_id, c.published);
      dispatcher_->add_campaign(c.spec, c.published);
    }
    if (!stored.empty()) spdlog::info("resumed {} campaign(s) from {}", stored.size(), settings_.topics.campaigns);
    listener_ = std::make_unique<StatusListener>(settings_.kafka, settings_.topics, statistics_, *dispatcher_,
                                                 message_states_);
    if (settings_.embedded_tracker) {
      tracker_ = std::make_unique<tracker::TrackerService>(tracker::TrackerSettings{settings_.kafka, settings_.topics});
      tracker_->start();
    }
    listener_->start();
    if (!listener_->wait_caught_up(std::chrono::seconds(60))) {
      spdlog::warn("status replay has not caught up after 60 s; dispatching anyway");
    }
    dispatcher_->start();
    inspector_ = std::make_unique<kafka::ClusterInspector>(settings_.kafka);
  }

  void stop_pipeline() {
    if (dispatcher_) dispatcher_->stop();
    if (tracker_) tracker_->stop();
    if (listener_) listener_->stop();
  }

  void install_routes(httplib::Server& server) {
    server.Post("/produce-messages", [this](const httplib::Request& req, httplib::Response& res) {
      if (authorized(req, res)) produce(req, res);
    });
    server.Get("/monitor", [this](const httplib::Request&, httplib::Response& res) {
      const auto now = now_ms();
      auto body = monitor_json(statistics_.snapshot(now), figures(), now);
      body["funnel"] = message_states_.funnel_json();
      reply_json(res, 200, body);
    });
    server.Post("/api/messages", [this](const httplib::Request& req, httplib::Response& res) {
      if (authorized(req, res)) send_one(req, res);
    });
    server.Get(R"(/api/messages/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
      const std::string id = req.matches[1];
      if (const auto lifecycle = message_states_.lifecycle(id)) {
        res.status = 200;
        res.set_content(*lifecycle, "application/json");
        return;
      }
      reply_error(res, 404, "message_id",
                  "no state known for message '" + id.substr(0, 80) + "' (not sent yet, or older than the lookup cache)");
    });
    server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(prometheus_text(statistics_.snapshot(now_ms()), figures()), "text/plain; version=0.0.4");
    });
    server.Get("/api/campaigns", [this](const httplib::Request&, httplib::Response& res) {
      const auto now = now_ms();
      const auto snapshot = statistics_.snapshot(now);
      json list = json::array();
      for (const auto& view : dispatcher_->campaigns()) list.push_back(campaign_json(view, snapshot, now));
      reply_json(res, 200, {{"campaigns", list}});
    });
    server.Get(R"(/api/campaigns/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
      const auto view = dispatcher_->campaign(req.matches[1]);
      if (!view) return reply_error(res, 404, "campaign_id", "no campaign with id '" + std::string(req.matches[1]).substr(0, 64) + "'");
      const auto now = now_ms();
      reply_json(res, 200, campaign_json(*view, statistics_.snapshot(now), now));
    });
    server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { reply_json(res, 200, {{"status", "ok"}}); });
    server.Get("/api/config", [this](const httplib::Request&, httplib::Response& res) {
      reply_json(res, 200, {{"refresh_interval_s", settings_.refresh_interval_s}, {"version", SMSIM_VERSION}});
    });
    server.Get("/api/kafka/overview", [this](const httplib::Request&, httplib::Response& res) { kafka_overview(res); });
    server.Get("/api/kafka/records", [this](const httplib::Request& req, httplib::Response& res) { kafka_records(req, res); });
    // Known paths with the wrong method: 405 naming the allowed one.
    const auto wrong_method = [](const char* allowed) {
      return [allowed](const httplib::Request& req, httplib::Response& res) {
        res.set_header("Allow", allowed);
        reply_error(res, 405, "", fmt::format("{} is not allowed here; use {}", req.method, allowed));
      };
    };
    for (const char* path : {"/monitor", "/metrics", "/api/campaigns", "/healthz", "/api/config", "/api/kafka/overview",
                             "/api/kafka/records"}) {
      server.Post(path, wrong_method("GET"));
      server.Put(path, wrong_method("GET"));
      server.Delete(path, wrong_method("GET"));
    }
    server.Get("/produce-messages", wrong_method("POST"));
    server.Get("/api/messages", wrong_method("POST"));
    server.Put("/produce-messages", wrong_method("POST"));
    server.Delete("/produce-messages", wrong_method("POST"));
    server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      if (res.status == 404) {
        reply_error(res, 404, "", "no such endpoint: " + req.path.substr(0, 200));
      } else if (res.status == 413) {
        reply_error(res, 413, "", "the request body is too large");
      } else {
        reply_error(res, res.status, "", fmt::format("HTTP {}", res.status));
      }
    });
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      std::string what = "internal error";
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      spdlog::error("request failed: {}", what);
      reply_error(res, 500, "", what);
    });
  }

 private:
  // With --auth-token, every mutating endpoint needs the bearer token (compared in constant time).
  bool authorized(const httplib::Request& req, httplib::Response& res) const {
    if (settings_.auth_token.empty()) return true;
    const std::string expected = "Bearer " + settings_.auth_token;
    const std::string given = req.get_header_value("Authorization");
    unsigned char diff = given.size() == expected.size() ? 0 : 1;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      diff |= static_cast<unsigned char>(expected[i] ^ (i < given.size() ? given[i] : 0));
    }
    if (diff == 0) return true;
    res.set_header("WWW-Authenticate", "Bearer");
    reply_error(res, 401, "Authorization", "this endpoint needs the header 'Authorization: Bearer <token>' (--auth-token)");
    return false;
  }

  std::vector<std::string> known_topics() const {
    const auto& t = settings_.topics;
    return {t.messages, t.status, t.campaigns, t.delivery_reports, t.message_status};
  }

  void kafka_overview(httplib::Response& res) {
    json topics = json::array();
    for (const auto& name : known_topics()) {
      const auto offsets = inspector_->topic_offsets(name);
      json partitions = json::array();
      for (const auto& p : offsets.partitions) {
        partitions.push_back({{"partition", p.partition}, {"end_offset", p.end_offset}, {"leader", p.leader},
                              {"replicas", p.replicas}, {"isr", p.isr}});
      }
      topics.push_back({{"name", name}, {"partitions", partitions}});
    }
    json brokers = json::array();
    for (const auto& b : inspector_->brokers()) brokers.push_back({{"id", b.id}, {"host", b.host}, {"port", b.port}});
    const auto group = inspector_->group_state(settings_.sender_group, settings_.topics.messages);
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
    reply_json(res, 200, {{"brokers", brokers},
                          {"topics", topics},
                          {"sender_group", {{"group_id", group.group_id}, {"state", group.state}, {"members", members}, {"lag", lag}}}});
  }

  void kafka_records(const httplib::Request& req, httplib::Response& res) {
    const auto topic = req.get_param_value("topic");
    const auto topics = known_topics();
    if (std::find(topics.begin(), topics.end(), topic) == topics.end()) {
      return reply_error(res, 400, "topic", fmt::format("topic must be one of smsim's topics: {}", fmt::join(topics, ", ")));
    }
    int limit = 10;
    if (req.has_param("limit")) {
      const auto text = req.get_param_value("limit");
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
      if (ec != std::errc{} || end != text.data() + text.size() || limit < 1 || limit > 50) {
        return reply_error(res, 400, "limit", "limit must be a whole number from 1 to 50");
      }
    }
    json records = json::array();
    for (const auto& r : inspector_->newest_records(topic, limit)) {
      records.push_back({{"partition", r.partition}, {"offset", r.offset}, {"timestamp_ms", r.timestamp_ms},
                         {"key", r.key}, {"value", r.value}});
    }
    reply_json(res, 200, {{"topic", topic}, {"records", records}});
  }

  GatewayFigures figures() const {
    GatewayFigures g;
    g.dispatch_mode = settings_.dispatch == DispatchMode::Credit ? "credit" : "eager";
    g.live_senders = dispatcher_->live_senders();
    g.outstanding = dispatcher_->outstanding();
    g.status_consumer_lag = listener_->lag();
    g.invalid_records = listener_->invalid_records();
    g.dead_letters = listener_->dead_letters();
    return g;
  }

  void produce(const httplib::Request& req, httplib::Response& res) {
    const auto parsed = parse_produce_request(req.body, req.get_header_value("Content-Type"), settings_.limits);
    if (const auto* error = std::get_if<RequestError>(&parsed)) {
      return reply_error(res, error->status, error->field, error->message);
    }
    const auto& request = std::get<ProduceRequest>(parsed);
    records::CampaignSpec spec = new_spec(request.seed);
    spec.count = request.num_messages;
    spec.generator = request.generator;
    spec.rate_per_second = request.rate_per_second;
    if (!accept(spec, res)) return;
    spdlog::info("campaign {} accepted: {} messages, {}..{} chars, {}", spec.campaign_id, spec.count,
                 spec.generator.min_length, spec.generator.max_length, domain::to_string(spec.generator.alphabet));
    const auto view = dispatcher_->campaign(spec.campaign_id);
    json body = campaign_json(*view, statistics_.snapshot(now_ms()), now_ms());
    body["status_url"] = "/api/campaigns/" + spec.campaign_id;
    body["accepted"] = true;
    reply_json(res, 202, body);
  }

  // POST /api/messages {"to": "+4915112345678", "text": "..."}: one message, tracked to delivery.
  void send_one(const httplib::Request& req, httplib::Response& res) {
    const auto parsed = parse_single_message(req.body, req.get_header_value("Content-Type"));
    if (const auto* error = std::get_if<RequestError>(&parsed)) {
      return reply_error(res, error->status, error->field, error->message);
    }
    const auto& request = std::get<SingleMessageRequest>(parsed);
    records::CampaignSpec spec = new_spec(std::nullopt);
    spec.count = 1;
    spec.single = std::make_pair(request.to, request.text);
    if (!accept(spec, res)) return;
    const auto segmented = domain::segment(request.text);
    const auto id = domain::message_id(spec.campaign_id, 0);
    reply_json(res, 202, {{"message_id", id},
                          {"campaign_id", spec.campaign_id},
                          {"parts", segmented.parts.size()},
                          {"encoding", domain::to_string(segmented.encoding)},
                          {"status_url", "/api/messages/" + id}});
  }

  records::CampaignSpec new_spec(std::optional<std::uint64_t> seed) {
    records::CampaignSpec spec;
    std::lock_guard lock(random_mutex_);
    spec.campaign_id = domain::new_campaign_id(random_);
    spec.seed = seed.value_or(random_() | 1);
    spec.created_at_ms = now_ms();
    return spec;
  }

  // Durable before we say yes: a crash after the reply cannot lose the campaign.
  bool accept(const records::CampaignSpec& spec, httplib::Response& res) {
    std::promise<RdKafka::ErrorCode> written;
    auto result = written.get_future();
    campaign_writer_->produce(settings_.topics.campaigns, kafka::Producer::kAnyPartition, spec.campaign_id,
                              records::encode_campaign(spec), &written);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (result.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready &&
           std::chrono::steady_clock::now() < deadline) {
      campaign_writer_->poll(20);
    }
    if (result.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready || result.get() != RdKafka::ERR_NO_ERROR) {
      // The promise must outlive a late delivery report: flush before it goes out of scope.
      campaign_writer_->flush(30'000);
      reply_error(res, 503, "", "Kafka did not confirm the campaign; nothing was accepted, try again");
      return false;
    }
    statistics_.register_campaign(spec.campaign_id, spec.count, spec.created_at_ms);
    dispatcher_->add_campaign(spec, 0);
    return true;
  }

  const GatewaySettings& settings_;
  domain::DeliveryStatistics statistics_;
  std::unique_ptr<kafka::Producer> campaign_writer_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<StatusListener> listener_;
  std::unique_ptr<kafka::ClusterInspector> inspector_;
  std::unique_ptr<tracker::TrackerService> tracker_;
  MessageStateView message_states_;
  std::mutex random_mutex_;
  std::mt19937_64 random_{std::random_device{}()};
};

namespace {

// The exported Next.js monitor at / (no Node at run time), and CORS for the allowed dev origins.
void install_monitor_and_cors(httplib::Server& server, const GatewaySettings& settings) {
  namespace fs = std::filesystem;
  if (!settings.static_dir.empty() && fs::exists(fs::path(settings.static_dir) / "index.html")) {
    server.set_mount_point("/", settings.static_dir);
  } else {
    const std::string where = settings.static_dir;
    server.Get("/", [where](const httplib::Request&, httplib::Response& res) {
      res.set_content(fmt::format("<!doctype html><title>smsim</title><p>The monitor is not built ({}/index.html is "
                                  "missing): run <code>make build</code>. The API works: <a href=\"/monitor\">/monitor</a>, "
                                  "<a href=\"/metrics\">/metrics</a>.",
                                  where),
                      "text/html");
    });
  }
  const auto origins = settings.cors_origins;
  const auto allowed = [origins](const httplib::Request& req) -> std::string {
    const auto origin = req.get_header_value("Origin");
    return std::find(origins.begin(), origins.end(), origin) != origins.end() ? origin : "";
  };
  server.set_post_routing_handler([allowed](const httplib::Request& req, httplib::Response& res) {
    if (const auto origin = allowed(req); !origin.empty()) {
      res.set_header("Access-Control-Allow-Origin", origin);
      res.set_header("Vary", "Origin");
    }
  });
  server.Options(R"(/.*)", [allowed](const httplib::Request& req, httplib::Response& res) {
    const auto origin = allowed(req);
    if (origin.empty()) {
      res.status = 403;
      return;
    }
    res.status = 204;
    res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "Content-Type, Authorization");
    res.set_header("Access-Control-Max-Age", "600");
  });
}

}  // namespace

GatewayService::GatewayService(GatewaySettings settings) : settings_(std::move(settings)) {}

GatewayService::~GatewayService() = default;

void GatewayService::run() {
  httplib::Server server;
  server.new_task_queue = [threads = settings_.http_threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(settings_.max_body_bytes);
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_keep_alive_timeout(5);
  impl_ = std::make_unique<Impl>(settings_);
  impl_->install_routes(server);
  install_monitor_and_cors(server, settings_);
  // Bind first: a taken port fails before we spend time on Kafka.
  const int port = settings_.port == 0 ? server.bind_to_any_port(settings_.host) : (server.bind_to_port(settings_.host, settings_.port) ? settings_.port : -1);
  if (port < 0) {
    throw Error(fmt::format("cannot listen on {}:{} (in use, or not an address of this machine); choose another with --port",
                            settings_.host, settings_.port));
  }
  impl_->start_pipeline();
  bound_port_.store(port);
  spdlog::info("gateway listening on http://{}:{} (Kafka {}, dispatch {})", settings_.host, port,
               settings_.kafka.bootstrap_servers, settings_.dispatch == DispatchMode::Credit ? "credit" : "eager");
  std::thread stopper([this, &server] {
    while (!stop_requested_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    server.stop();
  });
  server.listen_after_bind();
  stop_requested_.store(true);
  stopper.join();
  impl_->stop_pipeline();
}

void GatewayService::stop() { stop_requested_.store(true); }

}  // namespace smsim::gateway
