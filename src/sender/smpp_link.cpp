#include "sender/smpp_link.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstring>

#include "smpp/receipt.hpp"
#include "smpp/status.hpp"

namespace smsim::sender {
namespace {

namespace asio = boost::asio;
namespace command = smpp::command;
namespace status = smpp::status;

constexpr auto kHousekeeping = std::chrono::milliseconds(500);
constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);
constexpr auto kMaxThrottlePause = std::chrono::milliseconds(1000);

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void patch_sequence(std::string& pdu, std::uint32_t sequence) {
  pdu[12] = static_cast<char>(sequence >> 24);
  pdu[13] = static_cast<char>((sequence >> 16) & 0xFF);
  pdu[14] = static_cast<char>((sequence >> 8) & 0xFF);
  pdu[15] = static_cast<char>(sequence & 0xFF);
}

}  // namespace

// ---------------------------------------------------------------- Inbox

void Inbox::push(std::vector<PartAnswer> answers, std::vector<ReceiptEvent> receipts) {
  std::lock_guard lock(mutex_);
  const bool was_empty = answers_.empty() && receipts_.empty();
  if (answers_.empty()) {
    answers_ = std::move(answers);
  } else {
    for (auto& a : answers) answers_.push_back(std::move(a));
  }
  for (auto& r : receipts) receipts_.push_back(std::move(r));
  if (was_empty) {
    if (waker_) waker_();
    ready_.notify_one();
  }
}

bool Inbox::take(std::vector<PartAnswer>& answers, std::vector<ReceiptEvent>& receipts) {
  std::lock_guard lock(mutex_);
  if (answers_.empty() && receipts_.empty()) return false;
  answers.swap(answers_);
  receipts.swap(receipts_);
  answers_.clear();
  receipts_.clear();
  return true;
}

void Inbox::wait_until(LinkClock::time_point until) {
  std::unique_lock lock(mutex_);
  ready_.wait_until(lock, until, [this] { return !answers_.empty() || !receipts_.empty(); });
}

void Inbox::detach() {
  std::lock_guard lock(mutex_);
  waker_ = nullptr;
}

// ---------------------------------------------------------------- SmppLink

SmppLink::SmppLink(SmppClientIo& io, const SmppSettings& settings, int window, std::string name,
                   std::shared_ptr<Inbox> inbox)
    : io_(io),
      settings_(settings),
      window_(window),
      name_(std::move(name)),
      inbox_(std::move(inbox)),
      resolver_(io.io()),
      reconnect_timer_(io.io()),
      housekeeping_(io.io()),
      pause_timer_(io.io()),
      effective_window_(window) {
  info_.smsc = settings.endpoint();
  info_.system_id = settings.system_id;
  info_.bind = std::string(smpp::to_string(settings.bind));
  info_.state = "idle";
}

void SmppLink::start() {
  asio::post(io_.io(), [self = shared_from_this()] {
    self->connect();
    self->arm_housekeeping();
  });
}

std::uint32_t SmppLink::next_sequence() {
  sequence_ = sequence_ >= 0x7FFFFFFF ? 1 : sequence_ + 1;
  return sequence_;
}

void SmppLink::set_state(State state, const std::string& text) {
  state_ = state;
  state_since_ = LinkClock::now();
  {
    std::lock_guard lock(info_mutex_);
    info_.state = text;
  }
}

void SmppLink::publish() {
  std::lock_guard lock(info_mutex_);
  info_.outstanding = outstanding_.size();
  info_.queued = queue_.size();
  info_.submitted = submitted_;
  info_.resent = resent_;
  info_.throttled = throttled_;
  info_.reconnects = reconnects_;
  info_.receipts = receipt_count_;
  info_.receipts_unmatched = unmatched_;
}

domain::SmppSessionInfo SmppLink::info() const {
  std::lock_guard lock(info_mutex_);
  return info_;
}

// ---------------------------------------------------------------- connection

void SmppLink::connect() {
  if (state_ == State::Finished || state_ == State::Unbinding) return;
  set_state(State::Connecting, "connecting");
  const auto generation = ++generation_;
  resolver_.async_resolve(settings_.host, std::to_string(settings_.port),
                          [self = shared_from_this(), generation](const boost::system::error_code& ec,
                                                                  asio::ip::tcp::resolver::results_type results) {
                            if (generation != self->generation_ || self->state_ != State::Connecting) return;
                            if (ec) return self->drop(fmt::format("cannot resolve {}: {}", self->settings_.host, ec.message()));
                            auto conn = std::make_shared<Connection>(self->io_.io(), generation);
                            self->conn_ = conn;
                            asio::async_connect(conn->socket, results,
                                                [self, conn](const boost::system::error_code& e, const asio::ip::tcp::endpoint&) {
                                                  if (conn != self->conn_ || self->state_ != State::Connecting) return;
                                                  if (e) return self->drop(fmt::format("cannot connect: {}", e.message()));
                                                  self->on_connected();
                                                });
                          });
}

void SmppLink::on_connected() {
  boost::system::error_code ignored;
  conn_->socket.set_option(asio::ip::tcp::no_delay(true), ignored);
  smpp::BindRequest bind;
  bind.type = settings_.bind;
  bind.system_id = settings_.system_id;
  bind.password = settings_.password;
  bind.system_type = "smsim";
  bind_sequence_ = next_sequence();
  smpp::encode_bind(conn_->out, bind_sequence_, bind);
  set_state(State::Binding, "binding");
  last_heard_ = LinkClock::now();
  flush();
  read();
}

void SmppLink::drop(const std::string& reason) {
  if (state_ == State::Finished) return;
  if (conn_) {
    boost::system::error_code ignored;
    conn_->socket.close(ignored);
    conn_.reset();
  }
  ++generation_;  // stale handlers of the old connection see they are stale
  drop_after_flush_.reset();
  // Every submit_sm without an answer goes again, in its order, ahead of what never went.
  resent_ += outstanding_.size();
  for (auto it = outstanding_.rbegin(); it != outstanding_.rend(); ++it) queue_.push_front(std::move(it->second));
  outstanding_.clear();
  sent_at_.clear();
  // Receipts not yet acknowledged stay with the SMSC, which offers them again.
  pending_acks_.clear();
  enquire_pending_ = false;
  pause_timer_.cancel();
  if (state_ == State::Unbinding) {
    close_for_good();
    return;
  }
  const bool was_bound = state_ == State::Bound;
  set_state(State::Idle, reason);
  if (reason != last_logged_state_) {
    // Once per distinct reason: an SMSC that stays down must not flood the log.
    if (was_bound) {
      spdlog::warn("sender {}: SMPP session to {}: {}; reconnecting", name_, settings_.endpoint(), reason);
    } else {
      spdlog::info("sender {}: SMPP session to {}: {}; retrying", name_, settings_.endpoint(), reason);
    }
    last_logged_state_ = reason;
  }
  publish();
  schedule_reconnect();
}

void SmppLink::schedule_reconnect() {
  ++reconnects_;
  reconnect_timer_.expires_after(backoff_);
  backoff_ = std::min(kMaxBackoff, backoff_ * 2);
  reconnect_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted) return;
    self->connect();
  });
}

void SmppLink::finish(std::chrono::milliseconds grace, std::function<void()> done) {
  finished_ = std::move(done);
  if (state_ == State::Bound && conn_) {
    set_state(State::Unbinding, "unbinding");
    unbind_sequence_ = next_sequence();
    smpp::encode_header_only(conn_->out, command::kUnbind, status::kOk, unbind_sequence_);
    finish_deadline_ = LinkClock::now() + grace;
    flush();
    return;
  }
  close_for_good();
}

void SmppLink::close_for_good() {
  if (conn_) {
    boost::system::error_code ignored;
    conn_->socket.close(ignored);
    conn_.reset();
  }
  ++generation_;
  state_ = State::Finished;
  reconnect_timer_.cancel();
  housekeeping_.cancel();
  pause_timer_.cancel();
  resolver_.cancel();
  {
    std::lock_guard lock(info_mutex_);
    info_.state = "closed";
  }
  if (finished_) {
    auto done = std::move(finished_);
    finished_ = nullptr;
    done();
  }
}

// ---------------------------------------------------------------- reading

void SmppLink::read() {
  const auto conn = conn_;
  if (!conn) return;
  if (conn->end == conn->in.size()) {
    std::memmove(conn->in.data(), conn->in.data() + conn->begin, conn->end - conn->begin);
    conn->end -= conn->begin;
    conn->begin = 0;
  }
  conn->socket.async_read_some(
      asio::buffer(conn->in.data() + conn->end, conn->in.size() - conn->end),
      [self = shared_from_this(), conn](const boost::system::error_code& ec, std::size_t n) {
        if (conn != self->conn_) return;
        if (ec) return self->drop(ec == asio::error::eof ? "the SMSC closed the connection" : "read: " + ec.message());
        conn->end += n;
        self->on_data();
      });
}

void SmppLink::on_data() {
  const auto conn = conn_;
  while (conn == conn_) {
    const std::string_view pending(conn->in.data() + conn->begin, conn->end - conn->begin);
    const auto frame = smpp::next_frame(pending);
    if (frame.kind == smpp::Frame::Kind::NeedMore) break;
    if (frame.kind == smpp::Frame::Kind::BadLength) {
      drop(fmt::format("the SMSC sent a PDU with command_length {}", frame.header.length));
      break;
    }
    last_heard_ = LinkClock::now();
    handle(frame.header, pending.substr(smpp::kHeaderSize, frame.header.length - smpp::kHeaderSize));
    conn->begin += frame.header.length;
  }
  if (conn->begin == conn->end) conn->begin = conn->end = 0;
  if (!answers_.empty() || !receipts_.empty()) {
    inbox_->push(std::move(answers_), std::move(receipts_));
    answers_.clear();
    receipts_.clear();
  }
  if (conn != conn_) return;  // dropped while handling
  pump();
  flush();
  read();
}

void SmppLink::handle(const smpp::Header& h, std::string_view body) {
  switch (h.command_id) {
    case command::response_of(command::kBindTransceiver):
    case command::response_of(command::kBindTransmitter):
    case command::response_of(command::kBindReceiver):
      if (state_ != State::Binding || h.sequence != bind_sequence_) return;
      if (h.status != status::kOk) {
        drop(fmt::format("bind refused: {}", status::name(h.status)));
        return;
      }
      set_state(State::Bound, "bound");
      backoff_ = std::chrono::milliseconds(100);
      effective_window_ = window_;
      spdlog::info("sender {}: bound to {} as {} '{}'", name_, settings_.endpoint(), smpp::to_string(settings_.bind),
                   settings_.system_id);
      last_logged_state_.clear();
      return;
    case command::response_of(command::kSubmitSm):
      on_submit_resp(h, body);
      return;
    case command::kDeliverSm:
      on_deliver_sm(h, body);
      return;
    case command::kEnquireLink:
      smpp::encode_header_only(conn_->out, command::response_of(command::kEnquireLink), status::kOk, h.sequence);
      return;
    case command::response_of(command::kEnquireLink):
      enquire_pending_ = false;
      return;
    case command::kUnbind:
      // The SMSC ends the session: answer, then close once the answer is out, and reconnect.
      smpp::encode_header_only(conn_->out, command::response_of(command::kUnbind), status::kOk, h.sequence);
      drop_after_flush_ = "the SMSC unbound";
      return;
    case command::response_of(command::kUnbind):
      if (state_ == State::Unbinding) close_for_good();
      return;
    case command::kGenericNack:
      // The SMSC could not read one of our PDUs: for a submit_sm that is its answer.
      if (outstanding_.count(h.sequence) != 0) {
        smpp::Header as_answer = h;
        if (as_answer.status == status::kOk) as_answer.status = status::kUnknownErr;
        on_submit_resp(as_answer, {});
      }
      return;
    default:
      if (!command::is_response(h.command_id)) {
        smpp::encode_header_only(conn_->out, command::kGenericNack, status::kInvCmdId, h.sequence);
      }
      return;
  }
}

void SmppLink::on_submit_resp(const smpp::Header& h, std::string_view body) {
  const auto it = outstanding_.find(h.sequence);
  if (it == outstanding_.end()) return;  // not ours (or answered already)
  PartJob job = std::move(it->second);
  outstanding_.erase(it);
  sent_at_.erase(h.sequence);
  const auto now = LinkClock::now();
  if (status::is_transient(h.status)) {
    // Not an answer: the SMSC is busy. The part goes again after a pause, first in line.
    queue_.push_front(std::move(job));
    std::chrono::milliseconds pause(10);
    if (h.status == status::kThrottled) {
      ++throttled_;
      pause = throttle_pause_;
      throttle_pause_ = std::min(kMaxThrottlePause, throttle_pause_ * 2);
    } else {
      effective_window_ = std::max<int>(1, static_cast<int>(outstanding_.size()));  // its window is smaller than ours
    }
    paused_until_ = std::max(paused_until_, now + pause);
    return;
  }
  effective_window_ = std::min(window_, effective_window_ + 1);
  throttle_pause_ = std::chrono::milliseconds(100);
  PartAnswer answer;
  answer.ticket = job.ticket;
  answer.part = job.part;
  answer.status = h.status;
  answer.first_sent = job.first_sent.value_or(now);
  answer.answered = now;
  answer.at_ms = now_ms();
  if (h.status == status::kOk) {
    try {
      answer.supplier_id = smpp::decode_message_id_resp(body).message_id;
    } catch (const smpp::PduError& e) {
      spdlog::debug("sender {}: submit_sm_resp without a readable message_id: {}", name_, e.what());
    }
    if (smpp::can_receive(settings_.bind) && !answer.supplier_id.empty()) {
      io_.registry().add(answer.supplier_id, {job.message_id, job.part, job.total_parts});
    }
  }
  answers_.push_back(std::move(answer));
}

void SmppLink::on_deliver_sm(const smpp::Header& h, std::string_view body) {
  const auto respond = [&](std::uint32_t s) {
    smpp::encode_message_id_resp(conn_->out, command::response_of(command::kDeliverSm), s, h.sequence, "");
  };
  smpp::ShortMessage sm;
  try {
    sm = smpp::decode_short_message(body);
  } catch (const smpp::PduError& e) {
    respond(e.status());
    return;
  }
  if (!smpp::is_receipt(sm)) {
    respond(status::kOk);  // a mobile-originated message: not ours to handle, but answered
    return;
  }
  const auto receipt = smpp::read_receipt(sm, now_ms());
  if (!receipt) {
    // Neither the text nor the TLVs say which message and what happened: a permanent refusal, so
    // the SMSC does not offer it again and again.
    spdlog::warn("sender {}: refusing a receipt that names no message id and state (ESME_RX_P_APPN)", name_);
    respond(status::kPermAppError);
    return;
  }
  const auto* part = io_.registry().find(receipt->supplier_message_id);
  if (part == nullptr) {
    // A message this program did not submit (or submitted before it restarted): acknowledged,
    // counted, not reported (docs/smpp.md).
    if (unmatched_++ % 1000 == 0) {
      spdlog::warn("sender {}: receipt for unknown supplier id {} ({} so far)", name_, receipt->supplier_message_id,
                   unmatched_);
    }
    respond(status::kOk);
    return;
  }
  ++receipt_count_;
  const std::uint64_t ack = (generation_ << 32) | h.sequence;
  pending_acks_[ack] = {receipt->supplier_message_id, domain::is_final(receipt->stat)};
  receipts_.push_back({{part->message_id, part->part, part->total_parts, receipt->text, now_ms()}, ack});
}

void SmppLink::ack_receipt(std::uint64_t ack) {
  const auto it = pending_acks_.find(ack);
  if (it == pending_acks_.end() || !conn_) return;  // its connection is gone: the SMSC offers it again
  smpp::encode_message_id_resp(conn_->out, command::response_of(command::kDeliverSm), status::kOk,
                               static_cast<std::uint32_t>(ack & 0xFFFFFFFFu), "");
  if (it->second.second) io_.registry().erase(it->second.first);
  pending_acks_.erase(it);
  flush();
}

// ---------------------------------------------------------------- sending

void SmppLink::enqueue(std::vector<PartJob> jobs) {
  for (auto& j : jobs) queue_.push_back(std::move(j));
  pump();
}

void SmppLink::pump() {
  if (state_ != State::Bound || !conn_) {
    publish();
    return;
  }
  const auto now = LinkClock::now();
  if (paused_until_ > now) {
    pause_timer_.expires_at(paused_until_);
    pause_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec == asio::error::operation_aborted) return;
      self->pump();
    });
    publish();
    return;
  }
  while (!queue_.empty() && static_cast<int>(outstanding_.size()) < effective_window_) {
    PartJob job = std::move(queue_.front());
    queue_.pop_front();
    const auto sequence = next_sequence();
    patch_sequence(job.pdu, sequence);
    conn_->out.append(job.pdu);
    if (!job.first_sent) job.first_sent = now;
    sent_at_[sequence] = now;
    outstanding_.emplace(sequence, std::move(job));
    ++submitted_;
  }
  flush();
  publish();
}

void SmppLink::flush() {
  const auto conn = conn_;
  if (!conn || conn->writing) return;
  if (conn->out.empty()) {
    if (drop_after_flush_) {
      const auto reason = *drop_after_flush_;
      drop(reason);
    }
    return;
  }
  conn->writing = true;
  std::swap(conn->out, conn->batch);
  asio::async_write(conn->socket, asio::buffer(conn->batch),
                    [self = shared_from_this(), conn](const boost::system::error_code& ec, std::size_t) {
                      conn->writing = false;
                      conn->batch.clear();
                      if (conn != self->conn_) return;
                      if (ec) return self->drop("write: " + ec.message());
                      self->flush();
                    });
}

// ---------------------------------------------------------------- timers

void SmppLink::arm_housekeeping() {
  housekeeping_.expires_after(kHousekeeping);
  housekeeping_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted) return;
    self->on_housekeeping();
  });
}

void SmppLink::on_housekeeping() {
  if (state_ == State::Finished) return;
  const auto now = LinkClock::now();
  if ((state_ == State::Connecting || state_ == State::Binding) && now - state_since_ > kConnectTimeout) {
    drop(state_ == State::Connecting ? "connect timed out" : "bind_resp did not come");
  } else if (state_ == State::Unbinding && finish_deadline_ && now >= *finish_deadline_) {
    close_for_good();
    return;
  } else if (state_ == State::Bound) {
    if (!sent_at_.empty() && now - sent_at_.begin()->second > settings_.response_timeout) {
      drop(fmt::format("a submit_sm had no answer for {}", format_duration(settings_.response_timeout)));
    } else if (enquire_pending_ && now - last_enquire_sent_ > settings_.enquire_link) {
      drop("enquire_link unanswered");
    } else if (!enquire_pending_ && now - last_heard_ >= settings_.enquire_link) {
      // Quiet for an interval: make sure the link is alive (and keep NAT and firewalls open).
      smpp::encode_header_only(conn_->out, command::kEnquireLink, status::kOk, next_sequence());
      enquire_pending_ = true;
      last_enquire_sent_ = now;
      flush();
    }
  }
  publish();
  arm_housekeeping();
}

}  // namespace smsim::sender
