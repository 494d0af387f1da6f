#pragma once
// One sender's SMPP session to its SMSC, on the program's I/O thread: connect, bind (transceiver
// or transmitter), keep up to `window` submit_sm outstanding (correlated by sequence number),
// answer enquire_link and deliver_sm, send enquire_link, and on any loss of the connection
// reconnect and rebind with backoff, sending again every submit_sm that had no answer.
//
// It knows nothing of Kafka: parts come in through enqueue(), answers and receipts go out through
// the Inbox it shares with the worker's SmppSupplier, and a receipt is acknowledged to the SMSC
// (deliver_sm_resp) only when the worker says its delivery report is durable (ack_receipt()).
// A transient refusal (ESME_RTHROTTLED, ESME_RMSGQFUL) is not an answer: the part waits and goes
// again; any other status is the part's answer.
//
// Lifecycle: created by SmppSupplier, start()ed, and finish()ed when the worker stops (unbind,
// close, no more reconnects). Threads: every member runs on the I/O thread, except info(), which
// any thread may call.
#include <boost/asio.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "domain/delivery_statistics.hpp"
#include "records/records.hpp"
#include "sender/sender_settings.hpp"
#include "sender/smpp_client_io.hpp"

namespace smsim::sender {

using LinkClock = std::chrono::steady_clock;

/// One part to submit: the encoded submit_sm (sequence number patched when sent) and who it is.
struct PartJob {
  std::uint64_t ticket = 0;
  std::string message_id;
  int part = 1, total_parts = 1;
  std::string pdu;
  std::optional<LinkClock::time_point> first_sent;  // kept across resends: the message's time starts there
};

/// What the link tells the worker.
struct PartAnswer {
  std::uint64_t ticket = 0;
  int part = 1;
  std::uint32_t status = 0;
  std::string supplier_id;  // when status is ESME_ROK
  LinkClock::time_point first_sent, answered;
  std::int64_t at_ms = 0;
};
struct ReceiptEvent {
  records::DeliveryReportRecord report;
  std::uint64_t ack = 0;
};

/// The mailbox between the I/O thread (push) and the worker (take). A push onto an empty inbox
/// wakes the worker (the waker cuts its Kafka wait short, the condition variable its idle wait).
class Inbox {
 public:
  explicit Inbox(std::function<void()> waker) : waker_(std::move(waker)) {}
  void push(std::vector<PartAnswer> answers, std::vector<ReceiptEvent> receipts);
  /// Moves everything out; returns false when there was nothing.
  bool take(std::vector<PartAnswer>& answers, std::vector<ReceiptEvent>& receipts);
  void wait_until(LinkClock::time_point until);
  /// After this the I/O thread no longer calls the waker (the worker is going away).
  void detach();

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::function<void()> waker_;
  std::vector<PartAnswer> answers_;
  std::vector<ReceiptEvent> receipts_;
};

class SmppLink : public std::enable_shared_from_this<SmppLink> {
 public:
  SmppLink(SmppClientIo& io, const SmppSettings& settings, int window, std::string name, std::shared_ptr<Inbox> inbox);

  void start();
  void enqueue(std::vector<PartJob> jobs);
  void ack_receipt(std::uint64_t ack);
  /// Unbinds (waiting up to `grace` for unbind_resp), closes and stops reconnecting; calls `done`.
  void finish(std::chrono::milliseconds grace, std::function<void()> done);
  domain::SmppSessionInfo info() const;

 private:
  enum class State { Idle, Connecting, Binding, Bound, Unbinding, Finished };
  // One TCP connection and its buffers. Handlers hold it, so a late completion on a connection
  // that was dropped finds its own (closed) buffers and sees it is no longer current.
  struct Connection {
    explicit Connection(boost::asio::io_context& io, std::uint64_t id) : socket(io), generation(id) {}
    boost::asio::ip::tcp::socket socket;
    std::uint64_t generation;
    std::string in = std::string(2 * smpp::kMaxPduSize, '\0');
    std::size_t begin = 0, end = 0;
    std::string out, batch;
    bool writing = false;
  };

  void connect();
  void on_connected();
  void drop(const std::string& reason);
  void close_for_good();
  void schedule_reconnect();
  void read();
  void on_data();
  void handle(const smpp::Header& header, std::string_view body);
  void on_submit_resp(const smpp::Header& header, std::string_view body);
  void on_deliver_sm(const smpp::Header& header, std::string_view body);
  void pump();
  void flush();
  void arm_housekeeping();
  void on_housekeeping();
  void set_state(State state, const std::string& text);
  void publish();
  std::uint32_t next_sequence();

  SmppClientIo& io_;
  const SmppSettings& settings_;
  const int window_;
  std::string name_;
  std::shared_ptr<Inbox> inbox_;
  boost::asio::ip::tcp::resolver resolver_;
  std::shared_ptr<Connection> conn_;
  boost::asio::steady_timer reconnect_timer_, housekeeping_, pause_timer_;
  State state_ = State::Idle;
  LinkClock::time_point state_since_{};
  std::uint64_t generation_ = 0;  // one per connection: acks for an older one are void
  std::optional<std::string> drop_after_flush_;
  std::uint32_t sequence_ = 0;
  std::uint32_t bind_sequence_ = 0, unbind_sequence_ = 0;
  std::deque<PartJob> queue_;                      // waiting for a window slot or the session
  std::map<std::uint32_t, PartJob> outstanding_;   // sent, by sequence number
  std::map<std::uint32_t, LinkClock::time_point> sent_at_;  // for the response timeout
  int effective_window_;                           // shrinks on ESME_RMSGQFUL, grows back on answers
  LinkClock::time_point paused_until_{};
  std::chrono::milliseconds throttle_pause_{100};
  std::chrono::milliseconds backoff_{100};
  LinkClock::time_point last_enquire_sent_{}, last_heard_{};
  bool enquire_pending_ = false;
  std::map<std::uint64_t, std::pair<std::string, bool>> pending_acks_;  // ack -> (supplier id, final)
  std::vector<PartAnswer> answers_;  // gathered during one read, pushed together
  std::vector<ReceiptEvent> receipts_;
  std::function<void()> finished_;
  std::optional<LinkClock::time_point> finish_deadline_;
  std::uint64_t submitted_ = 0, resent_ = 0, throttled_ = 0, reconnects_ = 0, receipt_count_ = 0, unmatched_ = 0;
  std::string last_logged_state_;

  mutable std::mutex info_mutex_;
  domain::SmppSessionInfo info_;  // guarded by info_mutex_
};

}  // namespace smsim::sender
