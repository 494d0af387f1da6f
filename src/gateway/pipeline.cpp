#include "gateway/pipeline.hpp"

#include <spdlog/spdlog.h>

#include "kafka/topic_admin.hpp"

namespace smsim::gateway {

void Pipeline::start() {
  // Everything that can throw first, before any thread runs.
  {
    kafka::TopicAdmin admin(settings_.kafka);
    kafka::ensure_topics(admin, settings_.topics, 1);
  }
  dispatcher_ = std::make_unique<Dispatcher>(settings_.kafka, settings_.topics, settings_.sender_group,
                                             settings_.dispatch, statistics_, settings_.legacy_credit);
  // Accepted campaigns first, so that status records replayed next find their campaign.
  const auto stored = load_campaigns(settings_.kafka, settings_.topics.campaigns);
  for (const auto& c : stored) {
    statistics_.register_campaign(c.spec.campaign_id, c.spec.count, c.spec.created_at_ms, c.spec.rate_per_second);
    statistics_.set_published(c.spec.campaign_id, c.published);
    dispatcher_->add_campaign(c.spec, c.published);
    message_states_.on_accepted(c.spec);
  }
  if (!stored.empty()) spdlog::info("resumed {} campaign(s) from {}", stored.size(), settings_.topics.campaigns);
  listener_ = std::make_unique<StatusListener>(settings_.kafka, settings_.topics, statistics_, *dispatcher_,
                                               message_states_);
  if (settings_.embedded_tracker) {
    tracker_ = std::make_unique<tracker::TrackerService>(tracker::TrackerSettings{settings_.kafka, settings_.topics});
  }
  intake_ = std::make_unique<CampaignIntake>(
      settings_.kafka, settings_.topics.campaigns, settings_.accept_timeout, [this](const records::CampaignSpec& spec) {
        statistics_.register_campaign(spec.campaign_id, spec.count, spec.created_at_ms, spec.rate_per_second);
        message_states_.on_accepted(spec);  // its status URLs answer ACCEPTED from now on
        dispatcher_->add_campaign(spec, 0);
      });
  inspector_ = std::make_unique<kafka::ClusterInspector>(settings_.kafka);
  legacy_groups_ = std::make_unique<LegacyGroupWatcher>(settings_.kafka, settings_.topics.messages,
                                                        settings_.sender_group, *dispatcher_);

  if (tracker_) tracker_->start();
  listener_->start();
  if (!listener_->wait_caught_up(std::chrono::seconds(60))) {
    spdlog::warn("status replay has not caught up after 60 s; dispatching anyway (/readyz says when it has)");
  }
  dispatcher_->start();
  intake_->start();
  legacy_groups_->start();
  started_.store(true, std::memory_order_release);
}

void Pipeline::stop() {
  if (stopped_) return;
  stopped_ = true;
  started_.store(false, std::memory_order_release);
  // New campaigns stop first, then publishing, then the readers that feed the views.
  if (legacy_groups_) legacy_groups_->stop();
  if (intake_) intake_->stop();
  if (dispatcher_) dispatcher_->stop();
  if (tracker_) tracker_->stop();
  if (listener_) listener_->stop();
}

HealthInputs Pipeline::health_inputs(std::int64_t now) const {
  HealthInputs in;
  in.now_ms = now;
  in.started_at_ms = created_at_ms_;
  in.stall_after_ms = settings_.stall_timeout.count();
  in.kafka_down_after_ms = std::min<std::int64_t>(10'000, settings_.stall_timeout.count());
  in.pipeline_started = started();
  if (!in.pipeline_started) {
    if (settings_.embedded_tracker) in.tracker = Liveness::Snapshot{};  // "starting", not "off"
    return in;
  }
  in.dispatcher = dispatcher_->liveness().snapshot();
  in.status_reader = listener_->liveness().snapshot();
  in.intake = intake_->liveness().snapshot();
  if (tracker_) in.tracker = tracker_->liveness().snapshot();
  in.kafka_last_connected_ms = listener_->connection().last_connected_ms();
  in.last_progress_ms = std::max(listener_->last_record_ms(), dispatcher_->last_published_ms());
  return in;
}

}  // namespace smsim::gateway
