#include "gateway/monitor_view.hpp"

#include <fmt/format.h>

#include <cmath>

namespace smsim::gateway {
namespace {

using nlohmann::json;

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::string label_escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void histogram(std::string& out, const char* name, const char* help, const domain::LatencyHistogram& h) {
  out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name, help, name);  // see family()
  const auto& bounds = h.upper_bounds_seconds();
  const auto counts = h.cumulative_counts();
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    const std::string le = std::isinf(bounds[i]) ? "+Inf" : fmt::format("{:g}", bounds[i]);
    out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, le, counts[i]);
  }
  out += fmt::format("{}_sum {}\n{}_count {}\n", name, h.sum_seconds(), name, h.count());
}

const domain::CampaignFigures* find_campaign(const domain::StatisticsSnapshot& s, const std::string& id) {
  for (const auto& c : s.campaigns) {
    if (c.campaign_id == id) return &c;
  }
  return nullptr;
}

}  // namespace

json monitor_json(const domain::StatisticsSnapshot& s, const GatewayFigures& g, std::int64_t now_ms) {
  json senders = json::array();
  for (const auto& f : s.senders) {
    json sender{{"sender_id", f.sender_id},
                {"messages_sent", f.sent},
                {"messages_failed", f.failed},
                {"average_time_per_message", f.average_s() ? *f.average_s() : -1.0},
                {"rate_per_second", f.rate_per_s},
                {"last_heard_ms", f.last_heard_ms},
                {"seconds_since_heard", f.last_heard_ms > 0 ? (now_ms - f.last_heard_ms) / 1000.0 : -1.0},
                {"alive", f.last_heard_ms > 0 && now_ms - f.last_heard_ms <= g.sender_timeout_ms},
                {"legacy", f.legacy}};
    if (f.settings) {
      sender["settings"] = {{"program", f.settings->program},       {"distribution", f.settings->distribution},
                            {"mean", f.settings->mean_s},           {"stddev", f.settings->stddev_s},
                            {"failure_rate", f.settings->failure_rate}, {"window", f.settings->window}};
      if (const auto& smpp = f.settings->smpp) {
        sender["settings"]["smpp"] = {{"smsc", smpp->smsc},
                                      {"system_id", smpp->system_id},
                                      {"bind", smpp->bind},
                                      {"state", smpp->state},
                                      {"outstanding", smpp->outstanding},
                                      {"queued", smpp->queued},
                                      {"submitted", smpp->submitted},
                                      {"resent", smpp->resent},
                                      {"throttled", smpp->throttled},
                                      {"reconnects", smpp->reconnects},
                                      {"receipts", smpp->receipts},
                                      {"receipts_unmatched", smpp->receipts_unmatched}};
      }
    } else {
      sender["settings"] = nullptr;
    }
    sender["kind"] = f.legacy ? "legacy_counters" : "smsim";
    if (f.legacy) sender["legacy_restarts"] = f.legacy_restarts;
    senders.push_back(std::move(sender));
  }
  // The original exercise's senders as Kafka shows them: settings unknown, their queue as measured.
  // Their figures are those of the legacy records above (which name no consumer).
  for (const auto& m : g.legacy_members) {
    senders.push_back({{"sender_id", m.member.id},
                       {"kind", "legacy_consumer"},
                       {"legacy", true},
                       {"messages_sent", nullptr},
                       {"messages_failed", nullptr},
                       {"average_time_per_message", -1.0},
                       {"rate_per_second", 0.0},
                       {"last_heard_ms", now_ms},
                       {"seconds_since_heard", 0.0},
                       {"alive", true},
                       {"settings", nullptr},
                       {"partitions", m.member.partitions},
                       {"queued", m.queued}});
  }
  json series = json::array();
  for (const auto& [second, counts] : s.per_second) series.push_back({second, counts.first, counts.second});
  return {
      // The original exercise's contract: keep names and meanings.
      {"messages_sent", s.messages_sent},
      {"messages_failed", s.messages_failed},
      {"average_time_per_message", s.average_time_per_message_s},
      // Beside it.
      {"messages_produced", s.messages_produced},
      {"messages_in_flight", s.in_flight()},
      {"duplicates_ignored", s.duplicates_ignored},
      // Finishes that no produced message accounts for (legacy records that cannot be squared):
      // counted here, never in sent/failed. docs/design.md, "Legacy status format".
      {"anomalies", s.anomalies},
      {"anomaly", s.anomaly.empty() ? json(nullptr) : json(s.anomaly)},
      {"legacy_waiting", s.legacy_waiting},
      {"foreign_records", s.foreign_records},
      {"throughput_per_second", s.throughput_per_s},
      {"latency",
       {{"end_to_end", {{"p50", optional_number(s.e2e_p50_s)}, {"p90", optional_number(s.e2e_p90_s)},
                        {"p99", optional_number(s.e2e_p99_s)}}},
        {"accepted_to_counted", {{"p50", optional_number(s.accepted_p50_s)}, {"p90", optional_number(s.accepted_p90_s)},
                                 {"p99", optional_number(s.accepted_p99_s)}}},
        {"processing", {{"p50", optional_number(s.processing_p50_s)}, {"p99", optional_number(s.processing_p99_s)}}}}},
      {"senders", std::move(senders)},
      {"live_senders", g.live_senders},
      {"dispatch_mode", g.dispatch_mode},
      {"queued_at_senders", g.outstanding},
      {"invalid_records", g.invalid_records},
      {"dead_letters", g.dead_letters},
      {"per_second", std::move(series)},  // [epoch second, sent, failed]
      {"time_ms", now_ms},
  };
}

json campaign_json(const CampaignView& view, const domain::StatisticsSnapshot& s, std::int64_t now_ms) {
  const auto* f = find_campaign(s, view.spec.campaign_id);
  const std::uint64_t sent = f ? f->sent : 0;
  const std::uint64_t failed = f ? f->failed : 0;
  const std::uint64_t finished = sent + failed;
  const bool done = finished >= view.spec.count;
  // A finished campaign's rate is over its own duration, not over the time since it started.
  const std::int64_t end_ms = done && f && f->finished_at_ms > 0 ? f->finished_at_ms : now_ms;
  const double elapsed_s = std::max<double>(0.001, (end_ms - view.spec.created_at_ms) / 1000.0);
  const double rate = finished / elapsed_s;
  json eta = nullptr;
  if (!done && rate > 0) eta = (view.spec.count - finished) / rate;
  // ACCEPTED from the 202 until its first message is durably published.
  const char* state = done ? "FINISHED" : (view.published == 0 && finished == 0) ? "ACCEPTED" : "RUNNING";
  return {{"campaign_id", view.spec.campaign_id},
          {"state", state},
          {"num_messages", view.spec.count},
          {"published", view.published},
          {"fully_published", view.published >= view.spec.count},
          {"messages_sent", sent},
          {"messages_failed", failed},
          {"messages_finished", finished},
          {"messages_in_flight", view.published > finished ? view.published - finished : 0},
          {"finished", done},
          {"created_at_ms", view.spec.created_at_ms},
          {"finished_at_ms", f && f->finished_at_ms ? json(f->finished_at_ms) : json(nullptr)},
          {"messages_per_second", rate},
          {"eta_seconds", eta},
          {"settings",
           {{"min_length", view.spec.generator.min_length},
            {"max_length", view.spec.generator.max_length},
            {"alphabet", domain::to_string(view.spec.generator.alphabet)},
            {"seed", view.spec.seed}}}};
}

namespace {
// "# HELP" and "# TYPE" lines of one metric family.
void family(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}
// A family with a single unlabelled sample.
template <typename T>
void single(std::string& out, const char* name, const char* type, const char* help, T value) {
  family(out, name, type, help);
  out += fmt::format("{} {}\n", name, value);
}
}  // namespace

std::string prometheus_text(const domain::StatisticsSnapshot& s, const GatewayFigures& g) {
  std::string out;
  single(out, "smsim_messages_produced_total", "counter", "Messages durably published to the sender topic.",
         s.messages_produced);
  family(out, "smsim_messages_finished_total", "counter", "Messages finished, counted once per message id.");
  out += fmt::format("smsim_messages_finished_total{{outcome=\"sent\"}} {}\n", s.messages_sent);
  out += fmt::format("smsim_messages_finished_total{{outcome=\"failed\"}} {}\n", s.messages_failed);
  family(out, "smsim_sender_messages_total", "counter", "Messages finished per sender and outcome.");
  for (const auto& f : s.senders) {
    const auto id = label_escape(f.sender_id);
    out += fmt::format("smsim_sender_messages_total{{sender_id=\"{}\",outcome=\"sent\"}} {}\n", id, f.sent);
    out += fmt::format("smsim_sender_messages_total{{sender_id=\"{}\",outcome=\"failed\"}} {}\n", id, f.failed);
  }
  single(out, "smsim_duplicate_reports_total", "counter",
         "Status reports ignored because the message was already counted.", s.duplicates_ignored);
  single(out, "smsim_invalid_records_total", "counter", "Records that could not be decoded.", g.invalid_records);
  single(out, "smsim_anomalies_total", "counter",
         "Finished messages no produced message accounts for (legacy records that cannot be squared); not counted.",
         s.anomalies);
  single(out, "smsim_dead_letters_total", "counter",
         "Poison records moved to the dead-letter topic (by any smsim process).", g.dead_letters);
  single(out, "smsim_messages_in_flight", "gauge", "Published messages not yet finished.", s.in_flight());
  single(out, "smsim_sender_queue_messages", "gauge", "Messages queued at senders (published, not yet reported).",
         g.outstanding);
  single(out, "smsim_status_consumer_lag", "gauge", "Status records not yet read by the gateway.",
         g.status_consumer_lag);
  single(out, "smsim_live_senders", "gauge", "Senders heard from recently.", g.live_senders);
  histogram(out, "smsim_send_time_seconds", "Simulated send time per message.", s.processing_time);
  histogram(out, "smsim_end_to_end_latency_seconds", "From publish by the gateway to the sender's report.",
            s.e2e_latency);
  histogram(out, "smsim_accepted_to_counted_latency_seconds",
            "From the campaign's acceptance (paced: the message's due time) to the gateway counting its status.",
            s.accepted_to_counted);
  return out;
}

}  // namespace smsim::gateway
