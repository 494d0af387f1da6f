#include "app/smpp_load.hpp"

#include <fmt/format.h>

#include <boost/asio.hpp>
#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include "app/smpp_commands.hpp"
#include "common/error.hpp"
#include "smpp/pdu.hpp"
#include "smpp/status.hpp"

namespace smsim::app {
namespace {

namespace asio = boost::asio;
namespace command = smpp::command;
using Clock = std::chrono::steady_clock;

struct Shared {
  const LoadSettings& settings;
  std::string submit_template;  // an encoded submit_sm, sequence patched per use
  std::uint64_t to_send = 0;    // submits not yet sent, over all sessions
  LoadResult result;
  int bound = 0, finished = 0;
  Clock::time_point started{}, last_answer{};
  std::string failure;
};

class LoadSession : public std::enable_shared_from_this<LoadSession> {
 public:
  LoadSession(asio::io_context& io, Shared& shared) : io_(io), socket_(io), shared_(shared), in_(2 * smpp::kMaxPduSize, '\0') {}

  void start(const asio::ip::tcp::endpoint& endpoint) {
    socket_.async_connect(endpoint, [self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return self->fail(fmt::format("cannot connect: {}", ec.message()));
      self->socket_.set_option(asio::ip::tcp::no_delay(true));
      smpp::BindRequest bind;
      bind.type = smpp::BindType::Transmitter;
      bind.system_id = self->shared_.settings.system_id;
      bind.password = self->shared_.settings.password;
      smpp::encode_bind(self->out_, self->next_sequence_++, bind);
      self->write();
      self->read();
    });
  }

  // All sessions are bound: start the run.
  void go() {
    top_up();
    write();
  }

 private:
  void fail(const std::string& why) {
    if (shared_.failure.empty()) shared_.failure = why;
    io_.stop();
  }

  void top_up() {
    while (outstanding_ < shared_.settings.window && shared_.to_send > 0) {
      const std::size_t at = out_.size();
      out_ += shared_.submit_template;
      const std::uint32_t s = next_sequence_++;
      out_[at + 12] = static_cast<char>(s >> 24);
      out_[at + 13] = static_cast<char>((s >> 16) & 0xFF);
      out_[at + 14] = static_cast<char>((s >> 8) & 0xFF);
      out_[at + 15] = static_cast<char>(s & 0xFF);
      ++outstanding_;
      --shared_.to_send;
    }
  }

  void read() {
    if (end_ == in_.size()) {
      std::memmove(in_.data(), in_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    socket_.async_read_some(asio::buffer(in_.data() + end_, in_.size() - end_),
                            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                              if (ec) return self->fail(fmt::format("connection lost: {}", ec.message()));
                              self->end_ += n;
                              self->on_data();
                            });
  }

  void on_data() {
    while (true) {
      const std::string_view pending(in_.data() + begin_, end_ - begin_);
      const auto frame = smpp::next_frame(pending);
      if (frame.kind == smpp::Frame::Kind::NeedMore) break;
      if (frame.kind == smpp::Frame::Kind::BadLength) return fail("the SMSC sent a PDU of impossible length");
      const auto& h = frame.header;
      if (h.command_id == command::response_of(command::kBindTransmitter)) {
        if (h.status != smpp::status::kOk) return fail(fmt::format("bind refused: {}", smpp::status::name(h.status)));
        if (++shared_.bound == shared_.settings.sessions) shared_.started = Clock::now();
        bound_ = true;
      } else if (h.command_id == command::response_of(command::kSubmitSm)) {
        --outstanding_;
        ++shared_.result.answered;
        if (h.status == smpp::status::kOk) {
          ++shared_.result.accepted;
        } else {
          ++shared_.result.errors[smpp::status::name(h.status)];
        }
      } else if (h.command_id == command::kEnquireLink) {
        smpp::encode_header_only(out_, command::response_of(command::kEnquireLink), 0, h.sequence);
      } else if (h.command_id == command::kUnbind) {
        return fail("the SMSC unbound");
      }
      begin_ += h.length;
    }
    if (begin_ == end_) begin_ = end_ = 0;
    if (bound_ && shared_.bound == shared_.settings.sessions) top_up();
    if (outstanding_ == 0 && shared_.to_send == 0 && !done_) {
      done_ = true;
      shared_.last_answer = Clock::now();
      if (++shared_.finished == shared_.settings.sessions) {
        io_.stop();
        return;
      }
    }
    write();
    read();
  }

  void write() {
    if (writing_ || out_.empty()) return;
    writing_ = true;
    std::swap(out_, batch_);
    asio::async_write(socket_, asio::buffer(batch_), [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
      self->writing_ = false;
      self->batch_.clear();
      if (ec) return self->fail(fmt::format("write failed: {}", ec.message()));
      self->write();
    });
  }

  asio::io_context& io_;
  asio::ip::tcp::socket socket_;
  Shared& shared_;
  std::string in_;
  std::size_t begin_ = 0, end_ = 0;
  std::string out_, batch_;
  bool writing_ = false, bound_ = false, done_ = false;
  int outstanding_ = 0;
  std::uint32_t next_sequence_ = 1;
};

}  // namespace

LoadResult run_load(const LoadSettings& settings) {
  if (settings.sessions < 1 || settings.window < 1 || settings.count < 1) {
    throw InvalidArgument("--sessions, --window and -n must be at least 1");
  }
  raise_open_file_limit();
  Shared shared{settings};
  shared.to_send = settings.count;
  smpp::ShortMessage sm;
  sm.source_addr = "smsim";
  sm.destination_addr = "4915112345678";
  sm.short_message = settings.text;
  smpp::encode_short_message(shared.submit_template, command::kSubmitSm, 0, sm);

  asio::io_context io(1);
  boost::system::error_code ec;
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(settings.host, ec), static_cast<std::uint16_t>(settings.port));
  if (ec) throw InvalidArgument(fmt::format("--smsc host '{}' is not an IP address", settings.host));
  std::vector<std::shared_ptr<LoadSession>> sessions;
  for (int i = 0; i < settings.sessions; ++i) {
    sessions.push_back(std::make_shared<LoadSession>(io, shared));
    sessions.back()->start(endpoint);
  }
  // Once every session is bound, all start at once.
  asio::steady_timer poll(io);
  bool started = false;
  std::function<void()> wait_for_binds = [&] {
    if (shared.bound == settings.sessions && !started) {
      started = true;
      for (auto& s : sessions) s->go();
      return;
    }
    poll.expires_after(std::chrono::milliseconds(5));
    poll.async_wait([&](const boost::system::error_code& e) {
      if (!e) wait_for_binds();
    });
  };
  wait_for_binds();
  asio::steady_timer deadline(io);
  deadline.expires_after(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(settings.timeout_s)));
  deadline.async_wait([&](const boost::system::error_code& e) {
    if (!e) {
      shared.failure = fmt::format("not finished within {} s ({} of {} answered)", settings.timeout_s,
                                   shared.result.answered, settings.count);
      io.stop();
    }
  });
  io.run();
  if (!shared.failure.empty()) throw Error("smpp-load: " + shared.failure);
  shared.result.seconds = std::chrono::duration<double>(shared.last_answer - shared.started).count();
  return shared.result;
}

void add_smpp_load_command(CLI::App& root) {
  struct Options {
    LoadSettings settings;
    std::string smsc = "127.0.0.1:2775";
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = root.add_subcommand("smpp-load",
                                  "Measure an SMSC: N sessions each keep --window submit_sm outstanding until -n are "
                                  "answered; prints submit_sm/s");
  cmd->add_option("--smsc", o->smsc, "host:port of the SMSC")->capture_default_str();
  cmd->add_option("--system-id", o->settings.system_id, "Account to bind with")->capture_default_str();
  cmd->add_option("--password", o->settings.password, "Its password")->capture_default_str();
  cmd->add_option("--sessions", o->settings.sessions, "Sessions (bound as transmitters)")->capture_default_str();
  cmd->add_option("--window", o->settings.window, "submit_sm outstanding per session")->capture_default_str();
  cmd->add_option("-n,--count", o->settings.count, "submit_sm to send in all")->capture_default_str();
  cmd->add_option("--text", o->settings.text, "short_message of every submit_sm (GSM-7, at most 160)")
      ->capture_default_str();
  cmd->add_option("--timeout", o->settings.timeout_s, "Give up after this many seconds")->capture_default_str();
  cmd->add_flag("--json", o->json, "Print one JSON object instead of a sentence");
  cmd->callback([o] {
    const auto colon = o->smsc.rfind(':');
    if (colon == std::string::npos) throw InvalidArgument(fmt::format("--smsc '{}' must be host:port", o->smsc));
    o->settings.host = o->smsc.substr(0, colon);
    try {
      o->settings.port = std::stoi(o->smsc.substr(colon + 1));
    } catch (const std::exception&) {
      throw InvalidArgument(fmt::format("--smsc '{}' must be host:port", o->smsc));
    }
    const auto r = run_load(o->settings);
    std::string errors;
    for (const auto& [name, n] : r.errors) errors += fmt::format("{}\"{}\":{}", errors.empty() ? "" : ",", name, n);
    if (o->json) {
      fmt::print("{{\"sessions\":{},\"window\":{},\"answered\":{},\"accepted\":{},\"seconds\":{:.4f},"
                 "\"submit_sm_per_second\":{:.0f},\"errors\":{{{}}}}}\n",
                 o->settings.sessions, o->settings.window, r.answered, r.accepted, r.seconds, r.per_second(), errors);
    } else {
      fmt::print("smpp-load: {} submit_sm answered in {:.3f} s = {:.0f} submit_sm/s ({} session(s), window {}); "
                 "accepted {}, errors {{{}}}\n",
                 r.answered, r.seconds, r.per_second(), o->settings.sessions, o->settings.window, r.accepted, errors);
    }
  });
}

}  // namespace smsim::app
