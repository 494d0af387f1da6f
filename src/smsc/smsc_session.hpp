#pragma once
// One SMPP connection to the SMSC simulator: reads PDUs from the byte stream (several per read),
// answers each request, and writes answers in batches (one write carries every answer ready at
// that moment). States: open (only bind, enquire_link and unbind are served) -> bound (as
// transmitter, receiver or transceiver) -> closing (after unbind/unbind_resp or a fatal framing
// fault: what is queued is written, then the socket closes) -> closed.
//
// Lifecycle: created by the server on accept, kept alive by the server's session table and by its
// own pending handlers; close() hands its unacknowledged receipts back to the server. Threads: the
// SMSC's single I/O thread only.
#include <boost/asio.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "smpp/pdu.hpp"
#include "smsc/smsc_server.hpp"

namespace smsim::smsc {

class Session : public std::enable_shared_from_this<Session> {
 public:
  using Clock = std::chrono::steady_clock;

  Session(SmscServer& server, boost::asio::ip::tcp::socket socket, std::uint64_t id);
  void start();
  void close(const std::string& reason);
  /// Server shutdown: unbind if bound (closing on unbind_resp or after `grace`), else close.
  void begin_unbind(std::chrono::milliseconds grace);

  std::uint64_t id() const { return id_; }
  bool open() const { return !closed_ && !closing_; }
  std::optional<smpp::BindType> bind_type() const { return bound_ ? std::optional(type_) : std::nullopt; }
  AccountState* account() const { return account_; }
  std::size_t outstanding_submits() const { return responses_.size(); }
  std::size_t outstanding_receipts() const { return receipts_.size(); }
  bool has_receipt_room() const;
  void send_receipt(PendingReceipt receipt);

 private:
  struct PendingResponse {
    Clock::time_point due;
    std::uint32_t sequence;
    std::uint32_t status;
    std::string message_id;
    // For the receipt of an accepted part.
    smpp::ShortMessage submit;
    std::string text;
    bool operator>(const PendingResponse& o) const { return due > o.due; }
  };
  struct ReceiptInFlight {
    PendingReceipt receipt;
    Clock::time_point sent_at;
  };

  void read();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  void handle(const smpp::Header& header, std::string_view body);
  void on_bind(const smpp::Header& header, std::string_view body);
  void on_submit(const smpp::Header& header, std::string_view body);
  void on_receipt_answer(const smpp::Header& header);
  void answer_submit(PendingResponse& response);
  void reject_submit(std::uint32_t sequence, std::uint32_t status);
  void respond_header_only(std::uint32_t command_id, std::uint32_t status, std::uint32_t sequence);
  void arm_response_timer();
  void on_response_timer();
  void arm_housekeeping();
  void on_housekeeping();
  void flush();
  void close_after_flush(const std::string& reason);
  void sent(std::uint32_t command_id, std::uint32_t status);

  SmscServer& server_;
  boost::asio::ip::tcp::socket socket_;
  std::uint64_t id_;
  std::string in_;  // read buffer: [begin_, end_) holds unparsed octets
  std::size_t begin_ = 0, end_ = 0;
  std::string out_, batch_;  // queued answers; the batch being written
  bool reading_ = false, writing_ = false, read_paused_ = false;
  bool closing_ = false, closed_ = false, unbinding_ = false;
  std::string closing_reason_;
  bool bound_ = false;
  smpp::BindType type_ = smpp::BindType::Transceiver;
  AccountState* account_ = nullptr;
  Clock::time_point connected_at_;
  std::uint32_t next_sequence_ = 1;
  std::priority_queue<PendingResponse, std::vector<PendingResponse>, std::greater<>> responses_;
  boost::asio::steady_timer response_timer_;
  Clock::time_point response_timer_due_ = Clock::time_point::max();
  std::unordered_map<std::uint32_t, ReceiptInFlight> receipts_;
  boost::asio::steady_timer housekeeping_;
  std::optional<Clock::time_point> unbind_deadline_;
};

}  // namespace smsim::smsc
