#include "smsc/smsc_session.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstring>

#include "smpp/message.hpp"
#include "smpp/status.hpp"

namespace smsim::smsc {
namespace {

namespace asio = boost::asio;
using smpp::Header;
namespace command = smpp::command;
namespace status = smpp::status;

constexpr std::size_t kReadBuffer = 2 * smpp::kMaxPduSize;
// A client that stops reading its answers: stop reading its requests until they drain.
constexpr std::size_t kPauseReadingAbove = 4 * 1024 * 1024;
constexpr std::size_t kResumeReadingBelow = 1024 * 1024;
constexpr auto kHousekeeping = std::chrono::milliseconds(250);

void patch_sequence(std::string& pdu, std::uint32_t sequence) {
  pdu[12] = static_cast<char>(sequence >> 24);
  pdu[13] = static_cast<char>((sequence >> 16) & 0xFF);
  pdu[14] = static_cast<char>((sequence >> 8) & 0xFF);
  pdu[15] = static_cast<char>(sequence & 0xFF);
}

// Requests that have a response PDU of their own, which we send with ESME_RINVCMDID: a client
// waiting for query_sm_resp may not match a generic_nack to its request.
bool has_own_response(std::uint32_t id) {
  switch (id) {
    case command::kQuerySm:
    case command::kReplaceSm:
    case command::kCancelSm:
    case command::kSubmitMulti:
    case command::kDataSm:
    case command::kDeliverSm:
      return true;
    default:
      return false;
  }
}

}  // namespace

Session::Session(SmscServer& server, asio::ip::tcp::socket socket, std::uint64_t id)
    : server_(server),
      socket_(std::move(socket)),
      id_(id),
      in_(kReadBuffer, '\0'),
      connected_at_(Clock::now()),
      response_timer_(server.io()),
      housekeeping_(server.io()) {}

void Session::start() {
  boost::system::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  socket_.set_option(asio::socket_base::keep_alive(true), ignored);
  read();
  arm_housekeeping();
}

bool Session::has_receipt_room() const {
  return open() && bound_ && smpp::can_receive(type_) &&
         static_cast<int>(receipts_.size()) < server_.settings().receipt_window;
}

// ---------------------------------------------------------------- reading

void Session::read() {
  if (reading_ || read_paused_ || closing_ || closed_) return;
  if (end_ == in_.size()) {
    // Move the unparsed tail to the front; the buffer holds two PDUs of the largest size, so
    // there is always room for the rest of the one being read.
    std::memmove(in_.data(), in_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  reading_ = true;
  socket_.async_read_some(asio::buffer(in_.data() + end_, in_.size() - end_),
                          [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                            self->on_read(ec, n);
                          });
}

void Session::on_read(const boost::system::error_code& ec, std::size_t n) {
  reading_ = false;
  if (closed_) return;
  if (ec) {
    close(ec == asio::error::eof ? "peer closed" : "read error");
    return;
  }
  end_ += n;
  while (!closing_ && !closed_) {
    const std::string_view pending(in_.data() + begin_, end_ - begin_);
    const auto frame = smpp::next_frame(pending);
    if (frame.kind == smpp::Frame::Kind::NeedMore) break;
    if (frame.kind == smpp::Frame::Kind::BadLength) {
      // The stream cannot be resynchronised: say why (generic_nack, with the sequence number if it
      // could be read) and close (SMPP 3.4 section 2.11).
      spdlog::debug("smsc session {}: command_length {} is outside 16..{}; closing", id_, frame.header.length,
                    smpp::kMaxPduSize);
      server_.metrics().pdu(SmscMetrics::Direction::Received, frame.header.command_id, frame.header.status);
      respond_header_only(command::kGenericNack, status::kInvCmdLen, frame.header.sequence);
      close_after_flush("bad command_length");
      break;
    }
    handle(frame.header, pending.substr(smpp::kHeaderSize, frame.header.length - smpp::kHeaderSize));
    begin_ += frame.header.length;
  }
  if (begin_ == end_) begin_ = end_ = 0;
  flush();
  if (out_.size() > kPauseReadingAbove) read_paused_ = true;
  read();
}

void Session::handle(const Header& h, std::string_view body) {
  server_.metrics().pdu(SmscMetrics::Direction::Received, h.command_id, h.status);
  switch (h.command_id) {
    case command::kBindTransmitter:
    case command::kBindReceiver:
    case command::kBindTransceiver:
      on_bind(h, body);
      return;
    case command::kSubmitSm:
      on_submit(h, body);
      return;
    case command::kEnquireLink:
      respond_header_only(command::response_of(command::kEnquireLink), status::kOk, h.sequence);
      return;
    case command::kUnbind:
      respond_header_only(command::response_of(command::kUnbind), status::kOk, h.sequence);
      close_after_flush("unbind");
      return;
    case command::response_of(command::kUnbind):
      if (unbinding_) close_after_flush("unbound");
      return;
    case command::response_of(command::kDeliverSm):
    case command::kGenericNack:
      on_receipt_answer(h);
      return;
    default:
      break;
  }
  if (command::is_response(h.command_id)) return;  // a response to nothing we sent: nothing to answer
  // Every request gets an answer, including the ones we do not serve.
  respond_header_only(has_own_response(h.command_id) ? command::response_of(h.command_id) : command::kGenericNack,
                      status::kInvCmdId, h.sequence);
}

void Session::on_bind(const Header& h, std::string_view body) {
  const auto type = *smpp::bind_type_of(h.command_id);
  const smpp::BindResponse ours{server_.settings().system_id, smpp::kInterfaceVersion34};
  const auto refuse = [&](std::uint32_t s) {
    out_.reserve(out_.size() + 64);
    smpp::encode_bind_resp(out_, type, s, h.sequence, {server_.settings().system_id, std::nullopt});
    sent(command::response_of(h.command_id), s);
  };
  if (bound_) {
    refuse(status::kAlyBnd);
    return;
  }
  smpp::BindRequest bind;
  try {
    bind = smpp::decode_bind(h, body);
  } catch (const smpp::PduError& e) {
    spdlog::debug("smsc session {}: bind refused: {}", id_, e.what());
    refuse(e.status());
    return;
  }
  const auto [result, account] = server_.authenticate(bind);
  if (result != status::kOk) {
    spdlog::info("smsc session {}: bind of '{}' refused: {}", id_, bind.system_id, status::name(result));
    refuse(result);
    return;
  }
  bound_ = true;
  type_ = type;
  account_ = account;
  // sc_interface_version tells 3.4 clients that we speak TLVs (without it some fall back to 3.3).
  smpp::BindResponse response = ours;
  if (bind.interface_version < smpp::kInterfaceVersion34) response.sc_interface_version.reset();
  smpp::encode_bind_resp(out_, type, status::kOk, h.sequence, response);
  sent(command::response_of(h.command_id), status::kOk);
  spdlog::debug("smsc session {}: bound as {} '{}'", id_, smpp::to_string(type), bind.system_id);
  server_.on_bound(shared_from_this());
}

// ---------------------------------------------------------------- submit_sm

void Session::reject_submit(std::uint32_t sequence, std::uint32_t s) {
  // An empty message_id (one NUL octet): parsers that expect the field find it.
  smpp::encode_message_id_resp(out_, command::response_of(command::kSubmitSm), s, sequence, "");
  sent(command::response_of(command::kSubmitSm), s);
}

void Session::on_submit(const Header& h, std::string_view body) {
  if (!bound_ || !smpp::can_submit(type_)) {
    reject_submit(h.sequence, status::kInvBndSts);
    return;
  }
  PendingResponse response;
  smpp::ReceivedText text;
  try {
    response.submit = smpp::decode_short_message(body);
    if (response.submit.destination_addr.empty()) throw smpp::PduError(status::kInvDstAdr, "empty destination_addr");
    text = smpp::read_text(response.submit);
  } catch (const smpp::PduError& e) {
    spdlog::debug("smsc session {}: submit_sm {} refused: {}", id_, h.sequence, e.what());
    reject_submit(h.sequence, e.status());
    return;
  }
  const auto now = Clock::now();
  if (static_cast<int>(responses_.size()) >= server_.settings().window) {
    reject_submit(h.sequence, status::kMsgQFul);
    return;
  }
  if (!account_->limiter.try_take(now)) {
    reject_submit(h.sequence, status::kThrottled);
    return;
  }
  const bool wants_receipt = (response.submit.registered_delivery & 0x03) != 0;
  if (wants_receipt && account_->held() >= server_.settings().max_held_receipts) {
    reject_submit(h.sequence, status::kMsgQFul);
    return;
  }
  server_.note_part(account_->account.system_id, response.submit, text);
  response.sequence = h.sequence;
  response.status = server_.next_status();
  if (response.status == status::kOk) response.message_id = server_.next_message_id();
  response.text = std::move(text.text);
  const auto latency = server_.next_latency();
  if (latency <= Duration::zero()) {
    answer_submit(response);
    return;
  }
  response.due = now + latency;
  responses_.push(std::move(response));
  arm_response_timer();
}

void Session::answer_submit(PendingResponse& r) {
  smpp::encode_message_id_resp(out_, command::response_of(command::kSubmitSm), r.status, r.sequence, r.message_id);
  sent(command::response_of(command::kSubmitSm), r.status);
  if (r.status == status::kOk && account_ != nullptr) {
    server_.schedule_receipt(*account_, r.submit, r.message_id, r.text, id_);
  }
}

void Session::arm_response_timer() {
  if (responses_.empty() || closed_) return;
  const auto due = responses_.top().due;
  if (due >= response_timer_due_) return;  // already armed for an earlier (or the same) moment
  response_timer_due_ = due;
  response_timer_.expires_at(due);
  response_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted) return;
    self->on_response_timer();
  });
}

void Session::on_response_timer() {
  response_timer_due_ = Clock::time_point::max();
  if (closed_) return;
  const auto now = Clock::now();
  while (!responses_.empty() && responses_.top().due <= now) {
    auto r = std::move(const_cast<PendingResponse&>(responses_.top()));
    responses_.pop();
    answer_submit(r);
  }
  flush();
  arm_response_timer();
}

// ---------------------------------------------------------------- receipts

void Session::send_receipt(PendingReceipt receipt) {
  const std::uint32_t sequence = next_sequence_++;
  if (next_sequence_ > 0x7FFFFFFF) next_sequence_ = 1;
  patch_sequence(receipt.pdu, sequence);
  out_.append(receipt.pdu);
  sent(command::kDeliverSm, status::kOk);
  receipts_.emplace(sequence, ReceiptInFlight{std::move(receipt), Clock::now()});
  flush();
}

void Session::on_receipt_answer(const Header& h) {
  const auto it = receipts_.find(h.sequence);
  if (it == receipts_.end()) return;  // late answer to a receipt already offered again
  auto receipt = std::move(it->second.receipt);
  receipts_.erase(it);
  auto& account = *account_;
  if (h.command_id == command::response_of(command::kDeliverSm) && h.status == status::kOk) {
    server_.metrics().receipt(SmscMetrics::ReceiptEvent::Acknowledged);
    server_.receipt_done(account);
  } else if (h.command_id != command::kGenericNack &&
             (h.status == status::kTempAppError || status::is_transient(h.status))) {
    server_.metrics().receipt(SmscMetrics::ReceiptEvent::Resent);
    server_.requeue(account, std::move(receipt));
  } else {
    // A permanent refusal (ESME_RX_P_APPN, ...) or a generic_nack: offering it again would be
    // refused again. It is counted, not retried.
    spdlog::debug("smsc session {}: receipt refused with {} ({})", id_, status::name(h.status),
                  smpp::command_name(h.command_id));
    server_.metrics().receipt(SmscMetrics::ReceiptEvent::Refused);
    server_.receipt_done(account);
  }
  server_.dispatch(account);
}

// ---------------------------------------------------------------- housekeeping

void Session::arm_housekeeping() {
  housekeeping_.expires_after(kHousekeeping);
  housekeeping_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted) return;
    self->on_housekeeping();
  });
}

void Session::on_housekeeping() {
  if (closed_) return;
  const auto now = Clock::now();
  if (!bound_ && !closing_ && now - connected_at_ > server_.settings().bind_timeout) {
    close("bind timeout");
    return;
  }
  if (unbind_deadline_ && now >= *unbind_deadline_) {
    close("unbind timeout");
    return;
  }
  // Receipts the client did not answer in time are offered again (to this or another session).
  bool requeued = false;
  for (auto it = receipts_.begin(); it != receipts_.end();) {
    if (now - it->second.sent_at >= server_.settings().receipt_timeout) {
      server_.metrics().receipt(SmscMetrics::ReceiptEvent::Resent);
      server_.requeue(*account_, std::move(it->second.receipt));
      it = receipts_.erase(it);
      requeued = true;
    } else {
      ++it;
    }
  }
  if (requeued) server_.dispatch(*account_);
  arm_housekeeping();
}

// ---------------------------------------------------------------- writing and closing

void Session::respond_header_only(std::uint32_t command_id, std::uint32_t s, std::uint32_t sequence) {
  smpp::encode_header_only(out_, command_id, s, sequence);
  sent(command_id, s);
}

void Session::sent(std::uint32_t command_id, std::uint32_t s) {
  server_.metrics().pdu(SmscMetrics::Direction::Sent, command_id, s);
}

void Session::flush() {
  if (closed_) return;
  if (writing_) return;
  if (out_.empty()) {
    if (closing_) close(closing_reason_);
    return;
  }
  writing_ = true;
  std::swap(out_, batch_);
  asio::async_write(socket_, asio::buffer(batch_),
                    [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                      self->writing_ = false;
                      self->batch_.clear();
                      if (self->closed_) return;
                      if (ec) {
                        self->close("write error");
                        return;
                      }
                      if (self->read_paused_ && self->out_.size() < kResumeReadingBelow) {
                        self->read_paused_ = false;
                        self->read();
                      }
                      self->flush();
                    });
}

void Session::close_after_flush(const std::string& reason) {
  if (closing_ || closed_) return;
  closing_ = true;
  closing_reason_ = reason;
  flush();
}

void Session::begin_unbind(std::chrono::milliseconds grace) {
  if (closed_ || closing_) return;
  if (!bound_) {
    close("server stopping");
    return;
  }
  unbinding_ = true;
  unbind_deadline_ = Clock::now() + grace;
  respond_header_only(command::kUnbind, status::kOk, next_sequence_++);
  flush();
}

void Session::close(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  response_timer_.cancel();
  housekeeping_.cancel();
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  // Submits still waiting for their latency get no answer: the client sees the connection drop
  // and resends them. Receipts it did not acknowledge go back to the account.
  std::vector<PendingReceipt> returned;
  returned.reserve(receipts_.size());
  for (auto& [sequence, r] : receipts_) returned.push_back(std::move(r.receipt));
  receipts_.clear();
  while (!responses_.empty()) responses_.pop();
  server_.on_closed(*this, std::move(returned), reason);
}

}  // namespace smsim::smsc
