#include "smpp/pdu.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace smsim::smpp {
namespace {

// Maximum sizes of C-Octet Strings, terminating NUL included (SMPP 3.4 section 4).
constexpr std::size_t kSystemIdMax = 16;
constexpr std::size_t kPasswordMax = 9;
constexpr std::size_t kSystemTypeMax = 13;
constexpr std::size_t kAddressRangeMax = 41;
constexpr std::size_t kServiceTypeMax = 6;
constexpr std::size_t kAddrMax = 21;
constexpr std::size_t kTimeMax = 17;
constexpr std::size_t kMessageIdMax = 65;
constexpr std::size_t kShortMessageMax = 254;

std::uint32_t get_u32(std::string_view s, std::size_t at) {
  return (std::uint32_t{static_cast<std::uint8_t>(s[at])} << 24) |
         (std::uint32_t{static_cast<std::uint8_t>(s[at + 1])} << 16) |
         (std::uint32_t{static_cast<std::uint8_t>(s[at + 2])} << 8) | std::uint32_t{static_cast<std::uint8_t>(s[at + 3])};
}

void put_u8(std::string& out, std::uint8_t v) { out.push_back(static_cast<char>(v)); }
void put_u16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xFF));
}
void put_u32(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>((v >> 16) & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
  out.push_back(static_cast<char>(v & 0xFF));
}
void patch_u32(std::string& out, std::size_t at, std::uint32_t v) {
  out[at] = static_cast<char>(v >> 24);
  out[at + 1] = static_cast<char>((v >> 16) & 0xFF);
  out[at + 2] = static_cast<char>((v >> 8) & 0xFF);
  out[at + 3] = static_cast<char>(v & 0xFF);
}

// Appends a PDU: begin() writes the header with a placeholder length, finish() patches it.
class Writer {
 public:
  Writer(std::string& out, std::uint32_t command_id, std::uint32_t status, std::uint32_t sequence)
      : out_(out), start_(out.size()) {
    put_u32(out_, 0);
    put_u32(out_, command_id);
    put_u32(out_, status);
    put_u32(out_, sequence);
  }
  Writer& u8(std::uint8_t v) {
    put_u8(out_, v);
    return *this;
  }
  // A C-Octet String: the value, then NUL. A value that would not fit (or holds a NUL, which
  // would end it early) is refused with the field's status, before anything is written wrong.
  Writer& c_string(std::string_view value, std::size_t max_with_nul, std::uint32_t status, std::string_view field) {
    if (value.size() + 1 > max_with_nul || value.find('\0') != std::string_view::npos) {
      out_.resize(start_);
      throw PduError(status, fmt::format("{} \"{}\" does not fit a C-Octet String of at most {} octets", field, value,
                                         max_with_nul));
    }
    out_.append(value);
    out_.push_back('\0');
    return *this;
  }
  Writer& octets(std::string_view value) {
    out_.append(value);
    return *this;
  }
  Writer& tlv(std::uint16_t tag, std::string_view value) {
    put_u16(out_, tag);
    put_u16(out_, static_cast<std::uint16_t>(value.size()));
    out_.append(value);
    return *this;
  }
  void finish() {
    const std::size_t length = out_.size() - start_;
    if (length > kMaxPduSize) {
      out_.resize(start_);
      throw PduError(status::kInvCmdLen, fmt::format("PDU of {} octets is over the {} octet limit", length, kMaxPduSize));
    }
    patch_u32(out_, start_, static_cast<std::uint32_t>(length));
  }

 private:
  std::string& out_;
  std::size_t start_;
};

// Reads a body front to back; every read is bounded by what is left.
class Reader {
 public:
  explicit Reader(std::string_view body) : body_(body) {}

  std::uint8_t u8(std::string_view field) {
    need(1, field);
    return static_cast<std::uint8_t>(body_[pos_++]);
  }
  // A C-Octet String of at most `max_with_nul` octets. No NUL within what is left of the body:
  // the PDU was cut short (ESME_RINVCMDLEN). No NUL within the maximum: the field is too long,
  // answered with the field's own status.
  std::string c_string(std::size_t max_with_nul, std::uint32_t too_long_status, std::string_view field) {
    const std::size_t window = std::min(max_with_nul, body_.size() - pos_);
    const std::size_t nul = body_.substr(pos_, window).find('\0');
    if (nul == std::string_view::npos) {
      if (window < max_with_nul) {
        throw PduError(status::kInvCmdLen, fmt::format("PDU ends inside {} (no terminating NUL)", field));
      }
      throw PduError(too_long_status,
                     fmt::format("{} has no terminating NUL within its {} octets", field, max_with_nul));
    }
    std::string value(body_.substr(pos_, nul));
    pos_ += nul + 1;
    return value;
  }
  std::string octets(std::size_t n, std::string_view field) {
    need(n, field);
    std::string value(body_.substr(pos_, n));
    pos_ += n;
    return value;
  }
  std::string_view rest() const { return body_.substr(pos_); }
  bool at_end() const { return pos_ >= body_.size(); }

 private:
  void need(std::size_t n, std::string_view field) const {
    if (body_.size() - pos_ < n) {
      throw PduError(status::kInvCmdLen, fmt::format("PDU ends before {} ({} octet(s) needed, {} left)", field, n,
                                                     body_.size() - pos_));
    }
  }
  std::string_view body_;
  std::size_t pos_ = 0;
};

// TLVs whose value has one fixed size: a different length is ESME_RINVPARLEN.
std::optional<std::size_t> fixed_tlv_size(std::uint16_t tag) {
  switch (tag) {
    case tlv::kSarMsgRefNum:
    case tlv::kUserMessageReference:
      return 2;
    case tlv::kSarTotalSegments:
    case tlv::kSarSegmentSeqnum:
    case tlv::kScInterfaceVersion:
    case tlv::kMessageState:
    case tlv::kPayloadType:
      return 1;
    case tlv::kNetworkErrorCode:
      return 3;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string_view command_name(std::uint32_t id) {
  switch (id) {
    case command::kGenericNack: return "generic_nack";
    case command::kBindReceiver: return "bind_receiver";
    case command::kBindTransmitter: return "bind_transmitter";
    case command::kBindTransceiver: return "bind_transceiver";
    case command::kQuerySm: return "query_sm";
    case command::kSubmitSm: return "submit_sm";
    case command::kDeliverSm: return "deliver_sm";
    case command::kUnbind: return "unbind";
    case command::kReplaceSm: return "replace_sm";
    case command::kCancelSm: return "cancel_sm";
    case command::kOutbind: return "outbind";
    case command::kEnquireLink: return "enquire_link";
    case command::kSubmitMulti: return "submit_multi";
    case command::kAlertNotification: return "alert_notification";
    case command::kDataSm: return "data_sm";
    case command::response_of(command::kBindReceiver): return "bind_receiver_resp";
    case command::response_of(command::kBindTransmitter): return "bind_transmitter_resp";
    case command::response_of(command::kBindTransceiver): return "bind_transceiver_resp";
    case command::response_of(command::kQuerySm): return "query_sm_resp";
    case command::response_of(command::kSubmitSm): return "submit_sm_resp";
    case command::response_of(command::kDeliverSm): return "deliver_sm_resp";
    case command::response_of(command::kUnbind): return "unbind_resp";
    case command::response_of(command::kReplaceSm): return "replace_sm_resp";
    case command::response_of(command::kCancelSm): return "cancel_sm_resp";
    case command::response_of(command::kEnquireLink): return "enquire_link_resp";
    case command::response_of(command::kSubmitMulti): return "submit_multi_resp";
    case command::response_of(command::kDataSm): return "data_sm_resp";
    default: return "unknown";
  }
}

Header read_header(std::string_view s) {
  return Header{get_u32(s, 0), get_u32(s, 4), get_u32(s, 8), get_u32(s, 12)};
}

Frame next_frame(std::string_view stream) {
  Frame frame;
  if (stream.size() < 4) return frame;  // NeedMore
  const std::uint32_t length = get_u32(stream, 0);
  if (length < kHeaderSize || length > kMaxPduSize) {
    // Report what can be read; the sequence number only if the 16 octets are there.
    frame.kind = Frame::Kind::BadLength;
    frame.header.length = length;
    if (stream.size() >= kHeaderSize) {
      frame.header = read_header(stream);
    } else if (stream.size() >= 8) {
      frame.header.command_id = get_u32(stream, 4);
    }
    return frame;
  }
  if (stream.size() < length) return frame;  // NeedMore
  frame.kind = Frame::Kind::Complete;
  frame.header = read_header(stream);
  return frame;
}

const Tlv* find_tlv(const std::vector<Tlv>& tlvs, std::uint16_t tag) {
  for (const auto& t : tlvs) {
    if (t.tag == tag) return &t;
  }
  return nullptr;
}

std::string_view to_string(BindType type) {
  switch (type) {
    case BindType::Transmitter: return "transmitter";
    case BindType::Receiver: return "receiver";
    case BindType::Transceiver: return "transceiver";
  }
  return "unknown";
}

std::optional<BindType> parse_bind_type(std::string_view text) {
  if (text == "transmitter") return BindType::Transmitter;
  if (text == "receiver") return BindType::Receiver;
  if (text == "transceiver") return BindType::Transceiver;
  return std::nullopt;
}

std::uint32_t bind_command(BindType type) {
  switch (type) {
    case BindType::Transmitter: return command::kBindTransmitter;
    case BindType::Receiver: return command::kBindReceiver;
    case BindType::Transceiver: return command::kBindTransceiver;
  }
  return command::kBindTransceiver;
}

std::optional<BindType> bind_type_of(std::uint32_t id) {
  switch (id & ~command::kResponseBit) {
    case command::kBindTransmitter: return BindType::Transmitter;
    case command::kBindReceiver: return BindType::Receiver;
    case command::kBindTransceiver: return BindType::Transceiver;
    default: return std::nullopt;
  }
}

// ---------------------------------------------------------------- encoding

void encode_header_only(std::string& out, std::uint32_t command_id, std::uint32_t status, std::uint32_t sequence) {
  Writer(out, command_id, status, sequence).finish();
}

void encode_bind(std::string& out, std::uint32_t sequence, const BindRequest& b) {
  Writer w(out, bind_command(b.type), status::kOk, sequence);
  w.c_string(b.system_id, kSystemIdMax, status::kInvSysId, "system_id")
      .c_string(b.password, kPasswordMax, status::kInvPaswd, "password")
      .c_string(b.system_type, kSystemTypeMax, status::kInvSysTyp, "system_type")
      .u8(b.interface_version)
      .u8(b.addr_ton)
      .u8(b.addr_npi)
      .c_string(b.address_range, kAddressRangeMax, status::kInvSrcAdr, "address_range")
      .finish();
}

void encode_bind_resp(std::string& out, BindType type, std::uint32_t status, std::uint32_t sequence,
                      const BindResponse& r) {
  Writer w(out, command::response_of(bind_command(type)), status, sequence);
  w.c_string(r.system_id, kSystemIdMax, status::kInvSysId, "system_id");
  if (r.sc_interface_version) w.tlv(tlv::kScInterfaceVersion, std::string(1, static_cast<char>(*r.sc_interface_version)));
  w.finish();
}

void encode_short_message(std::string& out, std::uint32_t command_id, std::uint32_t sequence, const ShortMessage& m) {
  if (m.short_message.size() > kShortMessageMax) {
    throw PduError(status::kInvMsgLen, fmt::format("short_message of {} octets is over the {} octets sm_length allows "
                                                   "(use message_payload)",
                                                   m.short_message.size(), kShortMessageMax));
  }
  Writer w(out, command_id, status::kOk, sequence);
  w.c_string(m.service_type, kServiceTypeMax, status::kInvSerTyp, "service_type")
      .u8(m.source_addr_ton)
      .u8(m.source_addr_npi)
      .c_string(m.source_addr, kAddrMax, status::kInvSrcAdr, "source_addr")
      .u8(m.dest_addr_ton)
      .u8(m.dest_addr_npi)
      .c_string(m.destination_addr, kAddrMax, status::kInvDstAdr, "destination_addr")
      .u8(m.esm_class)
      .u8(m.protocol_id)
      .u8(m.priority_flag)
      .c_string(m.schedule_delivery_time, kTimeMax, status::kInvSched, "schedule_delivery_time")
      .c_string(m.validity_period, kTimeMax, status::kInvExpiry, "validity_period")
      .u8(m.registered_delivery)
      .u8(m.replace_if_present_flag)
      .u8(m.data_coding)
      .u8(m.sm_default_msg_id)
      .u8(static_cast<std::uint8_t>(m.short_message.size()))
      .octets(m.short_message);
  for (const auto& t : m.tlvs) {
    if (t.value.size() > 0xFFFF) throw PduError(status::kInvParLen, fmt::format("TLV 0x{:04X} is over 65535 octets", t.tag));
    w.tlv(t.tag, t.value);
  }
  w.finish();
}

void encode_message_id_resp(std::string& out, std::uint32_t command_id, std::uint32_t status, std::uint32_t sequence,
                            std::string_view message_id) {
  Writer(out, command_id, status, sequence).c_string(message_id, kMessageIdMax, status::kInvMsgId, "message_id").finish();
}

std::string encode_tlv(std::uint16_t tag, std::string_view value) {
  std::string out;
  put_u16(out, tag);
  put_u16(out, static_cast<std::uint16_t>(value.size()));
  out.append(value);
  return out;
}

// ---------------------------------------------------------------- decoding

std::vector<Tlv> decode_tlvs(std::string_view body) {
  std::vector<Tlv> tlvs;
  std::size_t pos = 0;
  while (pos < body.size()) {
    if (body.size() - pos < 4) {
      throw PduError(status::kInvOptParStream,
                     fmt::format("{} octet(s) after the last TLV: too few for a TLV header", body.size() - pos));
    }
    const auto tag = static_cast<std::uint16_t>((static_cast<std::uint8_t>(body[pos]) << 8) |
                                                static_cast<std::uint8_t>(body[pos + 1]));
    const std::size_t length = (static_cast<std::size_t>(static_cast<std::uint8_t>(body[pos + 2])) << 8) |
                               static_cast<std::uint8_t>(body[pos + 3]);
    pos += 4;
    if (length > body.size() - pos) {
      throw PduError(status::kInvOptParStream, fmt::format("TLV 0x{:04X} says {} octets but only {} remain", tag, length,
                                                           body.size() - pos));
    }
    if (const auto size = fixed_tlv_size(tag); size && *size != length) {
      throw PduError(status::kInvParLen,
                     fmt::format("TLV 0x{:04X} has length {}; the specification fixes it at {}", tag, length, *size));
    }
    tlvs.push_back({tag, std::string(body.substr(pos, length))});
    pos += length;
  }
  return tlvs;
}

BindRequest decode_bind(const Header& header, std::string_view body) {
  const auto type = bind_type_of(header.command_id);
  if (!type || command::is_response(header.command_id)) {
    throw PduError(status::kInvCmdId, fmt::format("command 0x{:08X} is not a bind request", header.command_id));
  }
  Reader r(body);
  BindRequest b;
  b.type = *type;
  b.system_id = r.c_string(kSystemIdMax, status::kInvSysId, "system_id");
  b.password = r.c_string(kPasswordMax, status::kInvPaswd, "password");
  b.system_type = r.c_string(kSystemTypeMax, status::kInvSysTyp, "system_type");
  b.interface_version = r.u8("interface_version");
  b.addr_ton = r.u8("addr_ton");
  b.addr_npi = r.u8("addr_npi");
  b.address_range = r.c_string(kAddressRangeMax, status::kInvSrcAdr, "address_range");
  // A bind has no TLVs in 3.4; anything after address_range is ignored, as the spec asks of
  // unknown optional parameters.
  return b;
}

BindResponse decode_bind_resp(std::string_view body) {
  BindResponse r;
  if (body.empty()) return r;
  Reader reader(body);
  r.system_id = reader.c_string(kSystemIdMax, status::kInvSysId, "system_id");
  const auto tlvs = decode_tlvs(reader.rest());
  if (const auto* v = find_tlv(tlvs, tlv::kScInterfaceVersion)) r.sc_interface_version = static_cast<std::uint8_t>(v->value[0]);
  return r;
}

ShortMessage decode_short_message(std::string_view body) {
  Reader r(body);
  ShortMessage m;
  m.service_type = r.c_string(kServiceTypeMax, status::kInvSerTyp, "service_type");
  m.source_addr_ton = r.u8("source_addr_ton");
  m.source_addr_npi = r.u8("source_addr_npi");
  m.source_addr = r.c_string(kAddrMax, status::kInvSrcAdr, "source_addr");
  m.dest_addr_ton = r.u8("dest_addr_ton");
  m.dest_addr_npi = r.u8("dest_addr_npi");
  m.destination_addr = r.c_string(kAddrMax, status::kInvDstAdr, "destination_addr");
  m.esm_class = r.u8("esm_class");
  m.protocol_id = r.u8("protocol_id");
  m.priority_flag = r.u8("priority_flag");
  m.schedule_delivery_time = r.c_string(kTimeMax, status::kInvSched, "schedule_delivery_time");
  m.validity_period = r.c_string(kTimeMax, status::kInvExpiry, "validity_period");
  m.registered_delivery = r.u8("registered_delivery");
  m.replace_if_present_flag = r.u8("replace_if_present_flag");
  m.data_coding = r.u8("data_coding");
  m.sm_default_msg_id = r.u8("sm_default_msg_id");
  const std::uint8_t sm_length = r.u8("sm_length");
  if (sm_length > kShortMessageMax) {
    throw PduError(status::kInvMsgLen, fmt::format("sm_length {} is over 254", sm_length));
  }
  // sm_length beyond the end of the PDU is a message length that lies, not a short PDU.
  if (sm_length > r.rest().size()) {
    throw PduError(status::kInvMsgLen,
                   fmt::format("sm_length {} runs past the end of the PDU ({} octets left)", sm_length, r.rest().size()));
  }
  m.short_message = r.octets(sm_length, "short_message");
  m.tlvs = decode_tlvs(r.rest());
  return m;
}

MessageIdResponse decode_message_id_resp(std::string_view body) {
  MessageIdResponse r;
  if (body.empty()) return r;
  Reader reader(body);
  r.message_id = reader.c_string(kMessageIdMax, status::kInvMsgId, "message_id");
  return r;
}

}  // namespace smsim::smpp
