#pragma once
// What every smsim Kafka client is configured from: a bootstrap address plus any librdkafka
// properties, passed through untouched (`-X key=value` on the command line). This is how TLS, SASL
// and tuning reach librdkafka without smsim having to know about them.
#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace smsim::kafka {

/// How smsim creates its topics on this cluster (--replication-factor, --min-insync-replicas).
/// 0 means "fit the cluster": see kafka/topics.hpp, resolve_replication().
struct TopicReplication {
  int factor = 0;
  int min_insync = 0;
};

struct ClientConfig {
  std::string bootstrap_servers = "127.0.0.1:9092";
  std::map<std::string, std::string> properties;  // librdkafka names, e.g. "security.protocol"
  TopicReplication replication;                    // used when this process creates topics
};

/// Splits "key=value" (the value may itself contain '='). Throws ConfigError on a missing '='.
std::pair<std::string, std::string> parse_property(std::string_view assignment);

/// Builds a librdkafka global config: bootstrap servers, then `defaults` (smsim's choices for this
/// client), then the user's pass-through properties, which win. Every property is checked by
/// librdkafka itself; a rejected one throws ConfigError naming it and librdkafka's reason.
std::unique_ptr<RdKafka::Conf> make_conf(const ClientConfig& config,
                                         const std::map<std::string, std::string>& defaults = {});

/// Sets one property, throwing ConfigError with librdkafka's reason when it is rejected.
void set_property(RdKafka::Conf& conf, const std::string& name, const std::string& value);

/// Swallows librdkafka's log lines (connection refused while a broker starts, and the like) and
/// forwards real errors to spdlog at debug level. Shared by short-lived helper clients.
class QuietEventCb final : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override;
};

}  // namespace smsim::kafka
