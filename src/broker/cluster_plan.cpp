#include "broker/cluster_plan.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace smsim::broker {
namespace fs = std::filesystem;

int nodes_on_disk(const fs::path& root) {
  std::error_code ec;
  int n = 0;
  while (fs::is_directory(root / ("node-" + std::to_string(n + 1)), ec)) ++n;
  if (n > 0) return n;
  return fs::is_directory(root / "data", ec) ? 1 : 0;
}

ClusterPlan plan_cluster(const BrokerSettings& settings, int brokers) {
  if (brokers < 1 || brokers > kMaxBrokers) {
    throw InvalidArgument(fmt::format("--brokers must be 1..{} (got {})", kMaxBrokers, brokers));
  }
  const int port = settings.port;
  const int controller = settings.controller_port != 0 ? settings.controller_port : port + brokers;
  if (port < 1 || port + brokers - 1 > 65535) {
    throw InvalidArgument(fmt::format("--port {}: {} node(s) need ports {}..{}, past 65535", port, brokers, port,
                                      port + brokers - 1));
  }
  if (controller + brokers - 1 > 65535) {
    throw InvalidArgument(fmt::format("--controller-port {}: {} node(s) need ports {}..{}, past 65535", controller,
                                      brokers, controller, controller + brokers - 1));
  }
  if (controller < port + brokers && port < controller + brokers) {
    throw InvalidArgument(fmt::format(
        "--controller-port {}: controller ports {}..{} overlap the client ports {}..{}; leave it out (default: port + "
        "brokers) or choose ports outside that range",
        controller, controller, controller + brokers - 1, port, port + brokers - 1));
  }
  ClusterPlan plan;
  plan.host = settings.host;
  plan.root = BrokerLayout::for_settings(settings);
  for (int id = 1; id <= brokers; ++id) {
    NodePlan node;
    node.id = id;
    node.port = static_cast<std::uint16_t>(port + id - 1);
    node.controller_port = static_cast<std::uint16_t>(controller + id - 1);
    node.layout = brokers == 1 ? plan.root : BrokerLayout{plan.root.root / ("node-" + std::to_string(id))};
    const std::string sep = id == 1 ? "" : ",";
    plan.quorum_voters += fmt::format("{}{}@{}:{}", sep, id, settings.host, node.controller_port);
    plan.bootstrap_servers += fmt::format("{}{}:{}", sep, settings.host, node.port);
    plan.nodes.push_back(std::move(node));
  }
  return plan;
}

ClusterPlan plan_cluster(const BrokerSettings& settings) {
  int brokers = settings.brokers;
  if (brokers == 0) brokers = std::max(1, nodes_on_disk(BrokerLayout::for_settings(settings).root));
  return plan_cluster(settings, brokers);
}

}  // namespace smsim::broker
