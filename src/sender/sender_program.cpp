#include "sender/sender_program.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <random>
#include <thread>

#include "common/error.hpp"
#include "kafka/topic_admin.hpp"
#include "sender/smpp_client_io.hpp"
#include "sender/sender_worker.hpp"

namespace smsim::sender {

void validate(const SenderSettings& s) {
  if (s.senders < 1 || s.senders > 256) throw InvalidArgument(fmt::format("--senders must be 1..256, not {}", s.senders));
  if (s.window < 1 || s.window > 100'000) throw InvalidArgument(fmt::format("--window must be 1..100000, not {}", s.window));
  if (s.name.empty() || s.name.size() > 64 || s.name.find_first_of(" \t\n\"\\") != std::string::npos) {
    throw InvalidArgument("--name must be 1..64 characters without spaces, quotes or backslashes");
  }
  domain::validate(s.timing);
  domain::validate_failure_rate(s.failure_rate);
  for (const auto& [flag, share] : {std::pair{"--delivered", s.delivered_share}, std::pair{"--undelivered", s.undelivered_share},
                                    std::pair{"--expired", s.expired_share}}) {
    if (!(share >= 0 && share <= 1)) throw InvalidArgument(fmt::format("{} must be a fraction 0..1, not {}", flag, share));
  }
  if (std::abs(s.delivered_share + s.undelivered_share + s.expired_share - 1.0) > 1e-9) {
    throw InvalidArgument(fmt::format("--delivered, --undelivered and --expired must add up to 1 (they add up to {})",
                                      s.delivered_share + s.undelivered_share + s.expired_share));
  }
  if (s.report_delay.count() < 0) throw InvalidArgument("--report-delay must not be negative");
  if (const auto& smpp = s.smpp) {
    if (smpp->host.empty() || smpp->port < 1 || smpp->port > 65535) {
      throw InvalidArgument(fmt::format("--smsc '{}' must be host:port with a port 1..65535", smpp->endpoint()));
    }
    if (smpp->system_id.empty() || smpp->system_id.size() > 15) {
      throw InvalidArgument("--system-id must be 1 to 15 characters (an SMPP system_id)");
    }
    if (smpp->password.size() > 8) throw InvalidArgument("--password must be at most 8 characters (SMPP allows no more)");
    if (!smpp::can_submit(smpp->bind)) {
      throw InvalidArgument("--bind must be transceiver or transmitter: a receiver cannot submit");
    }
    if (smpp->enquire_link < std::chrono::seconds(1)) throw InvalidArgument("--enquire-link must be at least 1s");
    if (smpp->source_addr.empty() || smpp->source_addr.size() > 11) {
      throw InvalidArgument("--source-addr must be 1 to 11 characters (an alphanumeric sender)");
    }
  }
}

std::vector<std::string> make_sender_ids(const std::string& name, int count, std::uint64_t incarnation_seed) {
  static constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::mt19937_64 random(incarnation_seed);
  std::string incarnation;
  for (int i = 0; i < 4; ++i) incarnation += kBase32[random() % 32];
  std::vector<std::string> ids;
  for (int i = 1; i <= count; ++i) ids.push_back(fmt::format("{}-{}-{}", name, i, incarnation));
  return ids;
}

SenderProgram::SenderProgram(SenderSettings settings) : settings_(std::move(settings)) { validate(settings_); }

std::uint64_t SenderProgram::run() {
  std::random_device device;
  const std::uint64_t seed = settings_.seed != 0 ? settings_.seed : (std::uint64_t{device()} << 32) ^ device();
  {
    // Senders may start before the gateway: make sure there is something to subscribe to, with at
    // least one partition per sender of this program (the gateway grows it for all programs).
    kafka::TopicAdmin admin(settings_.kafka);
    kafka::ensure_topics(admin, settings_.topics, settings_.senders);
  }
  // The ids use fresh randomness even when --seed is given: a restarted program must not reuse them.
  const auto ids = make_sender_ids(settings_.name, settings_.senders, (std::uint64_t{device()} << 32) ^ device());
  // One I/O thread for every SMPP session of the program; it outlives the workers.
  std::unique_ptr<SmppClientIo> smpp_io;
  if (settings_.smpp) smpp_io = std::make_unique<SmppClientIo>();
  std::vector<std::unique_ptr<SenderWorker>> workers;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    workers.push_back(std::make_unique<SenderWorker>(settings_, ids[i], seed + 7919 * (i + 1), stop_, smpp_io.get()));
  }
  if (settings_.smpp) {
    spdlog::info("sender program '{}': {} sender(s) [{}], each an SMPP {} session to {} as '{}', window {}",
                 settings_.name, ids.size(), fmt::join(ids, ", "), smpp::to_string(settings_.smpp->bind),
                 settings_.smpp->endpoint(), settings_.smpp->system_id, settings_.window);
  } else {
    spdlog::info("sender program '{}': {} sender(s) [{}], {} mean {} stddev {}, failure rate {}, window {}",
                 settings_.name, ids.size(), fmt::join(ids, ", "), domain::to_string(settings_.timing.distribution),
                 format_duration(settings_.timing.mean), format_duration(settings_.timing.stddev),
                 settings_.failure_rate, settings_.window);
  }
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (auto& worker : workers) {
    threads.emplace_back([&worker, &failures, this] {
      try {
        worker->run();
      } catch (const std::exception& e) {
        spdlog::error("sender {} stopped: {}", worker->id(), e.what());
        failures.fetch_add(1);
        stop_.store(true);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::uint64_t total = 0;
  for (const auto& w : workers) total += w->finished();
  if (failures.load() > 0) throw Error(fmt::format("{} sender thread(s) failed; see the log above", failures.load()));
  return total;
}

}  // namespace smsim::sender
