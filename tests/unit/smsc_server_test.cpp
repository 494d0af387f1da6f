// The SMSC simulator over loopback, PDU by PDU: binds and their refusals, every kind of bad input
// the issue lists (lengths under 16 or over 64 KiB, truncated bodies, unknown commands, submit
// before bind, C-Octet Strings without terminator, a UDH that lies about its length, a garbage
// receipt answer), throttling, the window, and receipts: held while no receiver is bound,
// delivered on bind, offered again when unanswered or when the session closes.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <set>
#include <thread>

#include "smpp/message.hpp"
#include "smpp/pdu.hpp"
#include "smpp/receipt.hpp"
#include "smsc/smsc_server.hpp"

using namespace smsim;
using namespace smsim::smpp;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// An SMSC on an ephemeral loopback port, run on a thread of its own for the test.
class RunningSmsc {
 public:
  explicit RunningSmsc(smsc::SmscSettings settings) {
    settings.port = 0;
    settings.metrics_port = 0;
    server_ = std::make_unique<smsc::SmscServer>(io_, std::move(settings));
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~RunningSmsc() {
    asio::post(io_, [this] { server_->stop(100ms); });
    thread_.join();
  }
  std::uint16_t port() const { return server_->port(); }
  std::string metrics() {
    std::promise<std::string> text;
    asio::post(io_, [&] { text.set_value(server_->metrics_text()); });
    return text.get_future().get();
  }

 private:
  asio::io_context io_{1};
  std::unique_ptr<smsc::SmscServer> server_;
  std::thread thread_;
};

struct Pdu {
  Header header;
  std::string body;
};

// A blocking SMPP client for tests: write raw octets, read whole PDUs.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(shared_io()) {
    socket_.connect(asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), port));
  }
  void close() { socket_.close(); }
  void send_raw(const std::string& octets) { asio::write(socket_, asio::buffer(octets)); }
  // The next PDU, or nullopt when the server closed the connection (or nothing came within 5 s).
  std::optional<Pdu> read(std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const auto frame = next_frame(buffer_);
      if (frame.kind == Frame::Kind::Complete) {
        Pdu pdu{frame.header, buffer_.substr(kHeaderSize, frame.header.length - kHeaderSize)};
        buffer_.erase(0, frame.header.length);
        return pdu;
      }
      if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
      socket_.non_blocking(true);
      char chunk[4096];
      boost::system::error_code ec;
      const auto n = socket_.read_some(asio::buffer(chunk), ec);
      if (ec == asio::error::would_block) {
        std::this_thread::sleep_for(2ms);
        continue;
      }
      if (ec) return std::nullopt;
      buffer_.append(chunk, n);
    }
  }
  Pdu expect(std::uint32_t command_id) {
    auto pdu = read();
    if (!pdu) throw std::runtime_error("no PDU arrived");
    EXPECT_EQ(pdu->header.command_id, command_id) << command_name(pdu->header.command_id);
    return *pdu;
  }
  bool closed_by_server(std::chrono::milliseconds timeout = 3000ms) { return !read(timeout).has_value(); }

  Pdu bind(BindType type, const std::string& system_id, const std::string& password, std::uint32_t sequence = 1) {
    std::string out;
    BindRequest b;
    b.type = type;
    b.system_id = system_id;
    b.password = password;
    encode_bind(out, sequence, b);
    send_raw(out);
    return expect(command::response_of(bind_command(type)));
  }
  Pdu submit(const ShortMessage& sm, std::uint32_t sequence) {
    std::string out;
    encode_short_message(out, command::kSubmitSm, sequence, sm);
    send_raw(out);
    return expect(command::response_of(command::kSubmitSm));
  }

 private:
  // Blocking calls only: one context serves every client of the test (1,000 in one of them).
  static asio::io_context& shared_io() {
    static asio::io_context io;
    return io;
  }
  asio::ip::tcp::socket socket_;
  std::string buffer_;
};

ShortMessage text_message(const std::string& text, std::uint8_t registered_delivery = 0) {
  ShortMessage sm;
  sm.source_addr = "smsim";
  sm.destination_addr = "4915112345678";
  sm.short_message = text;
  sm.registered_delivery = registered_delivery;
  return sm;
}

std::string header(std::uint32_t length, std::uint32_t id, std::uint32_t sequence) {
  std::string out;
  encode_header_only(out, id, 0, sequence);
  out[0] = static_cast<char>(length >> 24);
  out[1] = static_cast<char>((length >> 16) & 0xFF);
  out[2] = static_cast<char>((length >> 8) & 0xFF);
  out[3] = static_cast<char>(length & 0xFF);
  return out;
}

smsc::SmscSettings quick() {
  smsc::SmscSettings s;
  s.accounts = {{"alice", "pw", 0}, {"slow", "pw", 20}};
  s.receipt_delay = 0s;
  s.receipts = {1.0, 0, 0, 0};
  s.seed = 7;
  return s;
}

}  // namespace

TEST(Smsc, BindsWithScInterfaceVersionAndRefusesBadCredentials) {
  RunningSmsc smsc(quick());
  Client c(smsc.port());
  auto r = c.bind(BindType::Transceiver, "nobody", "pw");
  EXPECT_EQ(r.header.status, status::kInvSysId);
  r = c.bind(BindType::Transceiver, "alice", "wrong", 2);
  EXPECT_EQ(r.header.status, status::kInvPaswd);
  r = c.bind(BindType::Transceiver, "alice", "pw", 3);
  EXPECT_EQ(r.header.status, status::kOk);
  EXPECT_EQ(r.header.sequence, 3u);
  const auto resp = decode_bind_resp(r.body);
  EXPECT_EQ(resp.system_id, "smsim");
  ASSERT_TRUE(resp.sc_interface_version.has_value()) << "without it some clients fall back to SMPP 3.3";
  EXPECT_EQ(*resp.sc_interface_version, 0x34);
  r = c.bind(BindType::Transmitter, "alice", "pw", 4);
  EXPECT_EQ(r.header.status, status::kAlyBnd);
}

TEST(Smsc, SubmitBeforeBindIsInvalidBindStatus) {
  RunningSmsc smsc(quick());
  Client c(smsc.port());
  EXPECT_EQ(c.submit(text_message("hi"), 9).header.status, status::kInvBndSts);
  c.bind(BindType::Receiver, "alice", "pw");
  EXPECT_EQ(c.submit(text_message("hi"), 10).header.status, status::kInvBndSts) << "a receiver cannot submit";
}

TEST(Smsc, AnswersSubmitWithAMessageIdPerPart) {
  RunningSmsc smsc(quick());
  Client c(smsc.port());
  c.bind(BindType::Transmitter, "alice", "pw");
  std::set<std::string> ids;
  const auto parts = build_parts(std::string(400, 'x'), 77, Concatenation::Udh);
  ASSERT_EQ(parts.size(), 3u);
  std::uint32_t sequence = 100;
  for (const auto& p : parts) {
    auto sm = text_message("");
    sm.esm_class = p.esm_class;
    sm.short_message = p.short_message;
    const auto r = c.submit(sm, sequence);
    EXPECT_EQ(r.header.status, status::kOk);
    EXPECT_EQ(r.header.sequence, sequence++);
    const auto id = decode_message_id_resp(r.body).message_id;
    EXPECT_EQ(id.size(), 16u);
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 3u);
  const auto metrics = smsc.metrics();
  EXPECT_NE(metrics.find("smsc_parts_total{kind=\"udh8\"} 3"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("smsc_concatenated_messages_total 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("smsc_sessions{bind=\"transmitter\"} 1"), std::string::npos) << metrics;
}

TEST(Smsc, EnquireLinkAndUnknownCommandsAreAnswered) {
  RunningSmsc smsc(quick());
  Client c(smsc.port());
  c.send_raw(header(16, command::kEnquireLink, 5));
  EXPECT_EQ(c.expect(command::response_of(command::kEnquireLink)).header.sequence, 5u);
  c.send_raw(header(16, 0x00000777, 6));
  const auto nack = c.expect(command::kGenericNack);
  EXPECT_EQ(nack.header.status, status::kInvCmdId);
  EXPECT_EQ(nack.header.sequence, 6u);
  c.send_raw(header(16, command::kQuerySm, 7));
  const auto query = c.expect(command::response_of(command::kQuerySm));
  EXPECT_EQ(query.header.status, status::kInvCmdId) << "a known request we do not serve gets its own response";
  // The session is still usable.
  EXPECT_EQ(c.bind(BindType::Transceiver, "alice", "pw", 8).header.status, status::kOk);
}

TEST(Smsc, LengthsUnderSixteenOrOver64KiBGetGenericNackAndClose) {
  RunningSmsc smsc(quick());
  {
    Client c(smsc.port());
    c.send_raw(header(15, command::kEnquireLink, 11));
    const auto nack = c.expect(command::kGenericNack);
    EXPECT_EQ(nack.header.status, status::kInvCmdLen);
    EXPECT_EQ(nack.header.sequence, 11u);
    EXPECT_TRUE(c.closed_by_server());
  }
  {
    Client c(smsc.port());
    c.send_raw(header(70000, command::kSubmitSm, 12));
    EXPECT_EQ(c.expect(command::kGenericNack).header.status, status::kInvCmdLen);
    EXPECT_TRUE(c.closed_by_server());
  }
  // The server is fine.
  Client c(smsc.port());
  EXPECT_EQ(c.bind(BindType::Transceiver, "alice", "pw").header.status, status::kOk);
}

TEST(Smsc, MalformedBodiesGetTheirStatusAndTheSessionGoesOn) {
  RunningSmsc smsc(quick());
  Client c(smsc.port());
  // bind whose system_id has no terminator within 16 octets.
  std::string bind = header(16 + 40, command::kBindTransceiver, 1) + std::string(40, 'a');
  c.send_raw(bind);
  EXPECT_EQ(c.expect(command::response_of(command::kBindTransceiver)).header.status, status::kInvSysId);
  // A bind cut short (command_length says where it ends; the fields do not fit).
  c.send_raw(header(16 + 3, command::kBindTransceiver, 2) + std::string("al\0", 3));
  EXPECT_EQ(c.expect(command::response_of(command::kBindTransceiver)).header.status, status::kInvCmdLen);
  c.bind(BindType::Transceiver, "alice", "pw", 3);
  // A UDH that says 5 octets but short_message has 3.
  auto sm = text_message(std::string("\x05\x00\x03", 3));
  sm.esm_class = kEsmUdhi;
  EXPECT_EQ(c.submit(sm, 4).header.status, status::kInvMsgLen);
  // A submit_sm whose TLV runs past the end.
  std::string pdu;
  encode_short_message(pdu, command::kSubmitSm, 5, text_message("x"));
  pdu += std::string("\x04\x24\x00\x10\x41", 5);
  const auto length = static_cast<std::uint32_t>(pdu.size());
  pdu[3] = static_cast<char>(length & 0xFF);
  c.send_raw(pdu);
  EXPECT_EQ(c.expect(command::response_of(command::kSubmitSm)).header.status, status::kInvOptParStream);
  // An empty destination.
  auto nowhere = text_message("x");
  nowhere.destination_addr = "";
  EXPECT_EQ(c.submit(nowhere, 6).header.status, status::kInvDstAdr);
  // And a good one still works.
  EXPECT_EQ(c.submit(text_message("fine"), 7).header.status, status::kOk);
}

TEST(Smsc, ThrottlesPastTheAccountRate) {
  RunningSmsc smsc(quick());
  Client c(smsc.port());
  c.bind(BindType::Transmitter, "slow", "pw");  // 20 per second: a burst of 2
  std::string burst;
  for (std::uint32_t i = 1; i <= 10; ++i) encode_short_message(burst, command::kSubmitSm, i, text_message("x"));
  c.send_raw(burst);
  int ok = 0, throttled = 0;
  for (int i = 0; i < 10; ++i) {
    const auto r = c.expect(command::response_of(command::kSubmitSm));
    (r.header.status == status::kOk ? ok : throttled) += 1;
    if (r.header.status != status::kOk) {
      EXPECT_EQ(r.header.status, status::kThrottled);
    }
  }
  EXPECT_GE(throttled, 7);
  EXPECT_GE(ok, 1);
  std::this_thread::sleep_for(150ms);  // tokens come back at 20/s
  EXPECT_EQ(c.submit(text_message("x"), 11).header.status, status::kOk);
}

TEST(Smsc, RefusesPastTheWindowWithMessageQueueFull) {
  auto settings = quick();
  settings.window = 3;
  settings.latency = {domain::Distribution::Constant, 300ms, 0ms};
  RunningSmsc smsc(settings);
  Client c(smsc.port());
  c.bind(BindType::Transmitter, "alice", "pw");
  std::string burst;
  for (std::uint32_t i = 1; i <= 5; ++i) encode_short_message(burst, command::kSubmitSm, i, text_message("x"));
  c.send_raw(burst);
  // Two refusals at once, then three answers after the latency.
  auto first = c.expect(command::response_of(command::kSubmitSm));
  auto second = c.expect(command::response_of(command::kSubmitSm));
  EXPECT_EQ(first.header.status, status::kMsgQFul);
  EXPECT_EQ(second.header.status, status::kMsgQFul);
  EXPECT_EQ(first.header.sequence, 4u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.expect(command::response_of(command::kSubmitSm)).header.status, status::kOk);
}

TEST(Smsc, FailureMixAnswersWithTheConfiguredStatuses) {
  auto settings = quick();
  settings.failure_rate = 1.0;
  settings.failure_statuses = {{status::kSysErr, 1}};
  RunningSmsc smsc(settings);
  Client c(smsc.port());
  c.bind(BindType::Transmitter, "alice", "pw");
  const auto r = c.submit(text_message("x"), 1);
  EXPECT_EQ(r.header.status, status::kSysErr);
  EXPECT_EQ(r.body, std::string(1, '\0')) << "an empty message_id";
}

TEST(Smsc, ReceiptsAreHeldWhileNoReceiverIsBoundAndDeliveredOnBind) {
  RunningSmsc smsc(quick());
  std::string id;
  {
    Client tx(smsc.port());
    tx.bind(BindType::Transmitter, "alice", "pw");
    const auto r = tx.submit(text_message("held receipt", 1), 1);
    ASSERT_EQ(r.header.status, status::kOk);
    id = decode_message_id_resp(r.body).message_id;
    EXPECT_FALSE(tx.read(300ms).has_value()) << "a transmitter gets no receipts";
  }
  std::this_thread::sleep_for(100ms);
  EXPECT_NE(smsc.metrics().find("smsc_receipts_pending{state=\"held\"} 1"), std::string::npos) << smsc.metrics();
  Client rx(smsc.port());
  rx.bind(BindType::Receiver, "alice", "pw");
  const auto deliver = rx.expect(command::kDeliverSm);
  const auto sm = decode_short_message(deliver.body);
  EXPECT_EQ(sm.esm_class, kEsmDeliveryReceipt);
  const auto receipt = read_receipt(sm, 0);
  ASSERT_TRUE(receipt.has_value());
  EXPECT_TRUE(receipt->text_parsed);
  EXPECT_EQ(receipt->supplier_message_id, id);
  EXPECT_EQ(receipt->stat, domain::DeliveryStat::Delivered);
  EXPECT_NE(receipt->text.find("text:held receipt"), std::string::npos) << receipt->text;
  std::string ack;
  encode_message_id_resp(ack, command::response_of(command::kDeliverSm), 0, deliver.header.sequence, "");
  rx.send_raw(ack);
  std::this_thread::sleep_for(100ms);
  EXPECT_NE(smsc.metrics().find("smsc_receipts_total{event=\"acknowledged\"} 1"), std::string::npos);
}

TEST(Smsc, AReceiptLeftUnansweredGoesToTheNextSession) {
  auto settings = quick();
  settings.receipt_timeout = 300ms;
  RunningSmsc smsc(settings);
  Client first(smsc.port());
  first.bind(BindType::Transceiver, "alice", "pw");
  first.submit(text_message("x", 1), 1);
  const auto offered = first.expect(command::kDeliverSm);
  // Not answered: offered again after the timeout (here to the same, only session).
  const auto again = first.expect(command::kDeliverSm);
  EXPECT_EQ(decode_short_message(again.body).short_message, decode_short_message(offered.body).short_message);
  // The session closes without answering: the receipt goes to the next receiver.
  first.close();
  Client second(smsc.port());
  second.bind(BindType::Receiver, "alice", "pw");
  const auto third = second.expect(command::kDeliverSm);
  EXPECT_EQ(decode_short_message(third.body).short_message, decode_short_message(offered.body).short_message);
}

TEST(Smsc, AnswersAReceiptRefusalWithoutOfferingItForEver) {
  RunningSmsc smsc(quick());
  Client c(smsc.port());
  c.bind(BindType::Transceiver, "alice", "pw");
  c.submit(text_message("x", 1), 1);
  const auto deliver = c.expect(command::kDeliverSm);
  std::string refusal;
  encode_message_id_resp(refusal, command::response_of(command::kDeliverSm), status::kPermAppError,
                         deliver.header.sequence, "");
  c.send_raw(refusal);
  EXPECT_FALSE(c.read(500ms).has_value());
  EXPECT_NE(smsc.metrics().find("smsc_receipts_total{event=\"refused\"} 1"), std::string::npos);
}

TEST(Smsc, UnbindIsAnsweredAndTheConnectionCloses) {
  RunningSmsc smsc(quick());
  Client c(smsc.port());
  c.bind(BindType::Transceiver, "alice", "pw");
  c.send_raw(header(16, command::kUnbind, 9));
  EXPECT_EQ(c.expect(command::response_of(command::kUnbind)).header.sequence, 9u);
  EXPECT_TRUE(c.closed_by_server());
}

TEST(Smsc, HoldsAThousandBoundSessions) {
  RunningSmsc smsc(quick());
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 1000; ++i) {
    clients.push_back(std::make_unique<Client>(smsc.port()));
    std::string out;
    BindRequest b;
    b.system_id = "alice";
    b.password = "pw";
    encode_bind(out, 1, b);
    clients.back()->send_raw(out);
  }
  for (auto& c : clients) ASSERT_EQ(c->expect(command::response_of(command::kBindTransceiver)).header.status, status::kOk);
  EXPECT_NE(smsc.metrics().find("smsc_sessions{bind=\"transceiver\"} 1000"), std::string::npos);
  // Every one of them is served.
  for (std::size_t i = 0; i < clients.size(); i += 97) {
    EXPECT_EQ(clients[i]->submit(text_message("x"), 2).header.status, status::kOk);
  }
}
