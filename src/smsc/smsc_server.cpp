#include "smsc/smsc_server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <random>

#include "common/error.hpp"
#include "domain/segmentation.hpp"
#include "smpp/receipt.hpp"
#include "smpp/status.hpp"
#include "smsc/metrics_http.hpp"
#include "smsc/smsc_session.hpp"

namespace smsim::smsc {
namespace {

namespace asio = boost::asio;
namespace status = smpp::status;

constexpr std::size_t kMaxReassemblies = 100'000;
constexpr std::size_t kReceiptTextChars = 20;

std::uint64_t random_seed() {
  std::random_device device;
  return (std::uint64_t{device()} << 32) ^ device();
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

SmscServer::SmscServer(asio::io_context& io, SmscSettings settings)
    : io_(io),
      settings_((validate(settings), std::move(settings))),
      acceptor_(io),
      latency_(settings_.latency, settings_.seed != 0 ? settings_.seed : random_seed()),
      outcomes_(settings_.failure_rate, settings_.failure_statuses, settings_.receipts,
                settings_.seed != 0 ? settings_.seed : random_seed()),
      receipt_timer_(io) {
  for (const auto& a : settings_.accounts) accounts_.emplace(a.system_id, std::make_unique<AccountState>(a));
  // Message ids: a random 32-bit prefix per run and a counter, so ids of a restarted SMSC never
  // repeat those of the previous run (a client may still map them to its messages).
  id_prefix_ = std::random_device{}() & 0xFFFFFFFFu;
  if (settings_.metrics_port >= 0) {
    metrics_http_ = std::make_unique<MetricsHttp>(io_, settings_.host, settings_.metrics_port,
                                                  [this] { return metrics_text(); });
  }
}

SmscServer::~SmscServer() = default;

void SmscServer::start() {
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(settings_.host, ec);
  if (ec) throw InvalidArgument(fmt::format("--host '{}' is not an IP address", settings_.host));
  const asio::ip::tcp::endpoint endpoint(address, static_cast<std::uint16_t>(settings_.port));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw Error(fmt::format("cannot listen for SMPP on {}:{}: {} (another SMSC running? choose another --port)",
                            settings_.host, settings_.port, ec.message()));
  }
  if (metrics_http_) metrics_http_->start();
  accept();
}

std::uint16_t SmscServer::port() const { return acceptor_.local_endpoint().port(); }
std::uint16_t SmscServer::metrics_port() const { return metrics_http_ ? metrics_http_->port() : 0; }

void SmscServer::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket socket) {
    if (ec == asio::error::operation_aborted || stopping_) return;
    if (ec) {
      // Out of file descriptors, most likely: say so and keep serving the sessions we have.
      spdlog::warn("smsc: accept failed: {}", ec.message());
    } else {
      metrics_.connection_accepted();
      const auto id = next_session_id_++;
      auto session = std::make_shared<Session>(*this, std::move(socket), id);
      sessions_.emplace(id, session);
      session->start();
    }
    accept();
  });
}

void SmscServer::stop(std::chrono::milliseconds grace) {
  if (stopping_) return;
  stopping_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  if (metrics_http_) metrics_http_->stop();
  receipt_timer_.cancel();
  std::uint64_t held = 0;
  for (const auto& [id, account] : accounts_) held += account->held();
  if (held > 0) spdlog::warn("smsc: stopping with {} receipt(s) not yet acknowledged; they are lost with this process", held);
  // Copy: closing a session removes it from the table.
  std::vector<std::shared_ptr<Session>> open;
  for (const auto& [id, s] : sessions_) open.push_back(s);
  for (const auto& s : open) s->begin_unbind(grace);
}

std::pair<std::uint32_t, AccountState*> SmscServer::authenticate(const smpp::BindRequest& bind) {
  const auto it = accounts_.find(bind.system_id);
  if (it == accounts_.end()) return {status::kInvSysId, nullptr};
  if (it->second->account.password != bind.password) return {status::kInvPaswd, nullptr};
  return {status::kOk, it->second.get()};
}

void SmscServer::on_bound(const std::shared_ptr<Session>& session) {
  auto* account = session->account();
  if (account == nullptr || !smpp::can_receive(*session->bind_type())) return;
  account->receivers.push_back(session);
  dispatch(*account);  // receipts held while nobody could take them
}

void SmscServer::on_closed(Session& session, std::vector<PendingReceipt> returned, const std::string& reason) {
  metrics_.session_closed(reason);
  if (auto* account = session.account()) {
    auto& receivers = account->receivers;
    for (auto it = receivers.begin(); it != receivers.end();) {
      it = it->get() == &session ? receivers.erase(it) : it + 1;
    }
    // Back to the front, oldest first: they were due before anything still waiting.
    for (auto it = returned.rbegin(); it != returned.rend(); ++it) {
      --account->in_flight;
      metrics_.receipt(SmscMetrics::ReceiptEvent::Resent);
      account->ready.push_front(std::move(*it));
    }
    if (!returned.empty()) dispatch(*account);
  }
  sessions_.erase(session.id());
}

void SmscServer::requeue(AccountState& account, PendingReceipt receipt) {
  --account.in_flight;
  account.ready.push_back(std::move(receipt));
}

void SmscServer::receipt_done(AccountState& account) { --account.in_flight; }

void SmscServer::dispatch(AccountState& account) {
  if (stopping_) return;
  auto& receivers = account.receivers;
  while (!account.ready.empty()) {
    auto& receipt = account.ready.front();
    Session* target = nullptr;
    // The session that submitted the message first, if it can take it; else round robin.
    if (const auto origin = sessions_.find(receipt.origin_session);
        origin != sessions_.end() && origin->second->account() == &account && origin->second->has_receipt_room()) {
      target = origin->second.get();
    } else {
      for (std::size_t tried = 0; tried < receivers.size() && target == nullptr; ++tried) {
        auto& candidate = receivers[account.next_receiver++ % receivers.size()];
        if (candidate->has_receipt_room()) target = candidate.get();
      }
    }
    if (target == nullptr) return;  // held until a session has room (or binds)
    ++account.in_flight;
    target->send_receipt(std::move(receipt));
    account.ready.pop_front();
  }
}

std::string SmscServer::next_message_id() { return fmt::format("{:08x}{:08x}", id_prefix_, ++id_counter_); }

void SmscServer::schedule_receipt(AccountState& account, const smpp::ShortMessage& submit,
                                  const std::string& message_id, const std::string& text, std::uint64_t origin) {
  const auto requested = submit.registered_delivery & 0x03;
  if (requested == 0) return;
  const auto stat = outcomes_.next_receipt_stat();
  if (requested == 2 && stat == domain::DeliveryStat::Delivered) return;  // receipts on failure only
  const double delay_s = outcomes_.next_receipt_delay_s(to_seconds(settings_.receipt_delay));
  domain::DeliveryReceipt r;
  r.supplier_message_id = message_id;
  r.submitted = 1;
  r.delivered = stat == domain::DeliveryStat::Delivered ? 1 : 0;
  r.submit_date_ms = now_ms();
  r.done_date_ms = r.submit_date_ms + static_cast<std::int64_t>(delay_s * 1000);
  r.stat = stat;
  r.error_code = stat == domain::DeliveryStat::Delivered ? 0
                 : stat == domain::DeliveryStat::Expired ? 254
                 : stat == domain::DeliveryStat::Rejected ? 2
                                                          : 1;
  const auto code_points = domain::decode_utf8(text);
  r.text = domain::encode_utf8(std::u32string_view(code_points).substr(0, kReceiptTextChars));
  PendingReceipt pending;
  pending.origin_session = origin;
  try {
    smpp::encode_short_message(pending.pdu, smpp::command::kDeliverSm, 0,
                               smpp::make_receipt(r, submit.source_addr, submit.destination_addr));
  } catch (const std::exception& e) {
    // Addresses that cannot go back (over 20 characters came in within limits, so this is not
    // expected); the receipt is not sent rather than sent wrong.
    spdlog::warn("smsc: receipt for {} not sent: {}", message_id, e.what());
    return;
  }
  metrics_.receipt(SmscMetrics::ReceiptEvent::Scheduled);
  if (delay_s <= 0) {
    account.ready.push_back(std::move(pending));
    dispatch(account);
    return;
  }
  ++account.scheduled;
  const auto due = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(delay_s));
  receipt_heap_.push({due, &account, std::move(pending)});
  arm_receipt_timer();
}

void SmscServer::arm_receipt_timer() {
  if (receipt_heap_.empty() || stopping_) return;
  const auto due = receipt_heap_.top().due;
  if (due >= receipt_timer_due_) return;
  receipt_timer_due_ = due;
  receipt_timer_.expires_at(due);
  receipt_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted) return;
    on_receipt_timer();
  });
}

void SmscServer::on_receipt_timer() {
  receipt_timer_due_ = Clock::time_point::max();
  const auto now = Clock::now();
  std::vector<AccountState*> touched;
  while (!receipt_heap_.empty() && receipt_heap_.top().due <= now) {
    auto item = std::move(const_cast<ScheduledReceipt&>(receipt_heap_.top()));
    receipt_heap_.pop();
    --item.account->scheduled;
    item.account->ready.push_back(std::move(item.receipt));
    if (touched.empty() || touched.back() != item.account) touched.push_back(item.account);
  }
  for (auto* account : touched) dispatch(*account);
  arm_receipt_timer();
}

void SmscServer::note_part(const std::string& system_id, const smpp::ShortMessage& submit,
                           const smpp::ReceivedText& text) {
  if (!text.segment) {
    metrics_.part(SmscMetrics::Part::Single, text.from_payload);
    return;
  }
  const auto& s = *text.segment;
  metrics_.part(s.source == smpp::SegmentInfo::Source::Udh8    ? SmscMetrics::Part::Udh8
                : s.source == smpp::SegmentInfo::Source::Udh16 ? SmscMetrics::Part::Udh16
                                                               : SmscMetrics::Part::Sar,
                text.from_payload);
  // Parts of one message share account, addresses, reference and total (3GPP 23.040 9.2.3.24.1).
  const auto key = fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}", system_id, submit.source_addr, submit.destination_addr,
                               s.reference, s.total);
  auto [it, inserted] = reassembly_.try_emplace(key);
  auto& r = it->second;
  if (inserted) {
    r.total = s.total;
    r.seen.assign(s.total, false);
    reassembly_order_.push_back(key);
    while (reassembly_.size() > kMaxReassemblies && !reassembly_order_.empty()) {
      reassembly_.erase(reassembly_order_.front());  // the oldest incomplete message is forgotten
      reassembly_order_.pop_front();
    }
  }
  if (r.seen.empty() || r.seen[s.sequence - 1]) return;  // a resent part
  r.seen[s.sequence - 1] = true;
  if (++r.count == r.total) {
    metrics_.concatenated_complete();
    reassembly_.erase(key);
    // Its key stays in reassembly_order_ until the next compaction, which keeps that queue from
    // growing with every completed message.
    if (reassembly_order_.size() > 2 * reassembly_.size() + 1024) {
      std::deque<std::string> kept;
      for (auto& k : reassembly_order_) {
        if (reassembly_.count(k) != 0) kept.push_back(std::move(k));
      }
      reassembly_order_.swap(kept);
    }
  }
}

SmscGauges SmscServer::gauges() const {
  SmscGauges g;
  g.window_limit = static_cast<std::uint64_t>(settings_.window);
  for (const char* bind : {"transmitter", "receiver", "transceiver", "unbound"}) g.sessions[bind] = 0;
  for (const auto& [id, s] : sessions_) {
    const auto type = s->bind_type();
    ++g.sessions[type ? std::string(smpp::to_string(*type)) : "unbound"];
    g.window_outstanding += s->outstanding_submits();
  }
  for (const auto& [name, a] : accounts_) {
    g.receipts_scheduled += a->scheduled;
    g.receipts_held += a->ready.size();
    g.receipts_in_flight += a->in_flight;
  }
  return g;
}

std::string SmscServer::metrics_text() const { return metrics_.render(gauges()); }

}  // namespace smsim::smsc
