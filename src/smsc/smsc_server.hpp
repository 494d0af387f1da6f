#pragma once
// `smsim smsc`: an SMPP 3.4 server simulating a supplier's SMSC. It accepts binds of the
// configured accounts, answers submit_sm after a latency drawn from the timing model (or with an
// error status from the failure mix, ESME_RTHROTTLED past an account's rate, ESME_RMSGQFUL past
// the session's window), gives every accepted part a message id, and later reports each part's
// fate as a deliver_sm receipt to a receiver or transceiver session of the same system_id, held
// (not lost) while none is bound and offered again when a deliver_sm goes unanswered.
//
// Lifecycle: construct with an io_context, start() binds the ports (throws naming a port that is
// taken), stop() unbinds every session and closes the listeners; io_context::run() returns once
// everything is closed. Threads: one. Every session, timer and the metrics HTTP server run on the
// io_context's single thread, so no state here is locked: the SMSC holds thousands of sessions
// without a thread per session (docs/smpp.md).
#include <boost/asio.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/timing_model.hpp"
#include "smpp/message.hpp"
#include "smpp/pdu.hpp"
#include "smsc/policy.hpp"
#include "smsc/smsc_metrics.hpp"
#include "smsc/smsc_settings.hpp"

namespace smsim::smsc {

class Session;
class MetricsHttp;

/// A receipt waiting for, or travelling to, a session: the encoded deliver_sm (its sequence
/// number is patched when it is sent) and the session whose submit it reports, preferred.
struct PendingReceipt {
  std::string pdu;
  std::uint64_t origin_session = 0;
};

/// Per account: its limits, its receipts and its sessions able to receive them.
struct AccountState {
  Account account;
  RateLimiter limiter;
  std::deque<PendingReceipt> ready;  // due, waiting for a session with room
  std::uint64_t scheduled = 0;       // in the delay heap
  std::uint64_t in_flight = 0;       // sent, awaiting deliver_sm_resp
  std::vector<std::shared_ptr<Session>> receivers;  // bound as receiver or transceiver
  std::size_t next_receiver = 0;                    // round robin
  std::uint64_t held() const { return ready.size() + scheduled + in_flight; }
  explicit AccountState(Account a) : account(std::move(a)), limiter(account.max_per_second) {}
};

class SmscServer {
 public:
  using Clock = std::chrono::steady_clock;

  SmscServer(boost::asio::io_context& io, SmscSettings settings);
  ~SmscServer();
  SmscServer(const SmscServer&) = delete;
  SmscServer& operator=(const SmscServer&) = delete;

  void start();
  /// Graceful: stop accepting, send unbind to every bound session, close each on unbind_resp or
  /// after `grace`. Receipts still held are reported in the log (they live in memory only).
  void stop(std::chrono::milliseconds grace);
  std::uint16_t port() const;
  std::uint16_t metrics_port() const;  // 0 when off
  std::string metrics_text() const;

  // ---- for sessions (same thread)
  const SmscSettings& settings() const { return settings_; }
  boost::asio::io_context& io() { return io_; }
  SmscMetrics& metrics() { return metrics_; }
  /// ESME_ROK and the account, or the status refusing the bind.
  std::pair<std::uint32_t, AccountState*> authenticate(const smpp::BindRequest& bind);
  void on_bound(const std::shared_ptr<Session>& session);
  /// A session closed: its unacknowledged receipts go back to the front of their account's queue.
  void on_closed(Session& session, std::vector<PendingReceipt> returned, const std::string& reason);
  /// A receipt came back to be offered again (temporary error).
  void requeue(AccountState& account, PendingReceipt receipt);
  /// A receipt left the account for good (acknowledged or refused).
  void receipt_done(AccountState& account);
  /// A session has room for receipts again.
  void dispatch(AccountState& account);
  /// Decisions for one accepted part: latency, status, id.
  Duration next_latency() { return latency_.next(); }
  std::uint32_t next_status() { return outcomes_.next_submit_status(); }
  std::string next_message_id();
  /// Plans the receipt of an accepted part (when its registered_delivery asks for one).
  void schedule_receipt(AccountState& account, const smpp::ShortMessage& submit, const std::string& message_id,
                        const std::string& text, std::uint64_t origin_session);
  /// Counts parts and completes concatenated messages (metrics only).
  void note_part(const std::string& system_id, const smpp::ShortMessage& submit, const smpp::ReceivedText& text);
  bool stopping() const { return stopping_; }

 private:
  struct ScheduledReceipt {
    Clock::time_point due;
    AccountState* account;
    PendingReceipt receipt;
    bool operator>(const ScheduledReceipt& o) const { return due > o.due; }
  };
  struct Reassembly {
    std::uint8_t total = 0;
    std::vector<bool> seen;
    int count = 0;
  };

  void accept();
  void arm_receipt_timer();
  void on_receipt_timer();
  SmscGauges gauges() const;

  boost::asio::io_context& io_;
  SmscSettings settings_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<MetricsHttp> metrics_http_;
  std::unordered_map<std::string, std::unique_ptr<AccountState>> accounts_;
  std::unordered_map<std::uint64_t, std::shared_ptr<Session>> sessions_;
  std::uint64_t next_session_id_ = 1;
  domain::TimingModel latency_;
  Outcomes outcomes_;
  std::uint64_t id_prefix_ = 0, id_counter_ = 0;
  std::priority_queue<ScheduledReceipt, std::vector<ScheduledReceipt>, std::greater<>> receipt_heap_;
  boost::asio::steady_timer receipt_timer_;
  Clock::time_point receipt_timer_due_ = Clock::time_point::max();
  std::unordered_map<std::string, Reassembly> reassembly_;
  std::deque<std::string> reassembly_order_;  // oldest first, for the size cap
  SmscMetrics metrics_;
  bool stopping_ = false;
};

}  // namespace smsim::smsc
