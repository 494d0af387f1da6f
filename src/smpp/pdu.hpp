#pragma once
// SMPP 3.4 PDUs: the header, the bodies smsim speaks (bind, submit_sm, deliver_sm and their
// responses, unbind, enquire_link, generic_nack) and their TLVs, encoded into and decoded from
// octet strings. Pure: no sockets, no clocks. Strings are octet strings with explicit lengths
// (short_message may hold 0x00, which is '@' in GSM 03.38); C-Octet Strings are read only up to
// their specified maximum length, never past the end of the PDU.
//
// Decoding throws PduError carrying the command_status the specification prescribes for the
// fault (ESME_RINVCMDLEN for a body that ends early, ESME_RINVSYSID for a system_id without its
// terminator within 16 octets, ESME_RINVOPTPARSTREAM for a TLV that runs past the end, ...), so
// a server answers it as is. docs/smpp.md lists every rule.
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "smpp/status.hpp"

namespace smsim::smpp {

namespace command {
inline constexpr std::uint32_t kGenericNack = 0x80000000;
inline constexpr std::uint32_t kBindReceiver = 0x00000001;
inline constexpr std::uint32_t kBindTransmitter = 0x00000002;
inline constexpr std::uint32_t kQuerySm = 0x00000003;
inline constexpr std::uint32_t kSubmitSm = 0x00000004;
inline constexpr std::uint32_t kDeliverSm = 0x00000005;
inline constexpr std::uint32_t kUnbind = 0x00000006;
inline constexpr std::uint32_t kReplaceSm = 0x00000007;
inline constexpr std::uint32_t kCancelSm = 0x00000008;
inline constexpr std::uint32_t kBindTransceiver = 0x00000009;
inline constexpr std::uint32_t kOutbind = 0x0000000B;
inline constexpr std::uint32_t kEnquireLink = 0x00000015;
inline constexpr std::uint32_t kSubmitMulti = 0x00000021;
inline constexpr std::uint32_t kAlertNotification = 0x00000102;
inline constexpr std::uint32_t kDataSm = 0x00000103;
inline constexpr std::uint32_t kResponseBit = 0x80000000;
inline constexpr std::uint32_t response_of(std::uint32_t request) { return request | kResponseBit; }
inline constexpr bool is_response(std::uint32_t id) { return (id & kResponseBit) != 0; }
}  // namespace command

/// "submit_sm", "bind_transceiver_resp", ...; "unknown" for anything else.
std::string_view command_name(std::uint32_t command_id);

namespace tlv {
inline constexpr std::uint16_t kPayloadType = 0x0019;
inline constexpr std::uint16_t kReceiptedMessageId = 0x001E;
inline constexpr std::uint16_t kUserMessageReference = 0x0204;
inline constexpr std::uint16_t kSarMsgRefNum = 0x020C;
inline constexpr std::uint16_t kSarTotalSegments = 0x020E;
inline constexpr std::uint16_t kSarSegmentSeqnum = 0x020F;
inline constexpr std::uint16_t kScInterfaceVersion = 0x0210;
inline constexpr std::uint16_t kNetworkErrorCode = 0x0423;
inline constexpr std::uint16_t kMessagePayload = 0x0424;
inline constexpr std::uint16_t kMessageState = 0x0427;
}  // namespace tlv

inline constexpr std::size_t kHeaderSize = 16;
/// Largest PDU accepted: far above any legal one (a message_payload of 64 KiB is the largest
/// sensible body), small enough that a hostile length cannot make us buffer much.
inline constexpr std::size_t kMaxPduSize = 64 * 1024;
inline constexpr std::uint8_t kInterfaceVersion34 = 0x34;

/// esm_class bits (SMPP 3.4 5.2.12).
inline constexpr std::uint8_t kEsmUdhi = 0x40;
inline constexpr std::uint8_t kEsmDeliveryReceipt = 0x04;
inline constexpr std::uint8_t kEsmMessageTypeMask = 0x3C;

/// data_coding values smsim writes and understands.
inline constexpr std::uint8_t kDataCodingDefault = 0x00;  // GSM 03.38, one septet per octet
inline constexpr std::uint8_t kDataCodingIa5 = 0x01;      // IA5 (ASCII)
inline constexpr std::uint8_t kDataCodingLatin1 = 0x03;
inline constexpr std::uint8_t kDataCodingUcs2 = 0x08;     // UTF-16BE, no BOM

/// A decoding fault and the command_status that answers it.
class PduError : public std::runtime_error {
 public:
  PduError(std::uint32_t status, const std::string& what) : std::runtime_error(what), status_(status) {}
  std::uint32_t status() const { return status_; }

 private:
  std::uint32_t status_;
};

struct Header {
  std::uint32_t length = 0, command_id = 0, status = 0, sequence = 0;
};

/// What the front of a byte stream holds.
struct Frame {
  enum class Kind {
    NeedMore,   // fewer than 16 octets, or fewer than command_length: read on
    Complete,   // header.length octets form one PDU
    BadLength,  // command_length under 16 or over kMaxPduSize: the stream cannot be resynchronised
  };
  Kind kind = Kind::NeedMore;
  Header header;  // valid for Complete and BadLength (BadLength: what could be read of it)
};
/// Looks at the start of `stream` without consuming it.
Frame next_frame(std::string_view stream);
/// Reads the 16 header octets (stream.size() >= 16).
Header read_header(std::string_view stream);

struct Tlv {
  std::uint16_t tag = 0;
  std::string value;  // octets
};
const Tlv* find_tlv(const std::vector<Tlv>& tlvs, std::uint16_t tag);

enum class BindType { Transmitter, Receiver, Transceiver };
std::string_view to_string(BindType type);  // "transmitter", "receiver", "transceiver"
std::optional<BindType> parse_bind_type(std::string_view text);
std::uint32_t bind_command(BindType type);
/// The bind type of a bind request or response command id; nullopt for other commands.
std::optional<BindType> bind_type_of(std::uint32_t command_id);
inline bool can_submit(BindType t) { return t != BindType::Receiver; }
inline bool can_receive(BindType t) { return t != BindType::Transmitter; }

struct BindRequest {
  BindType type = BindType::Transceiver;
  std::string system_id, password, system_type;
  std::uint8_t interface_version = kInterfaceVersion34;
  std::uint8_t addr_ton = 0, addr_npi = 0;
  std::string address_range;
};

struct BindResponse {
  std::string system_id;
  std::optional<std::uint8_t> sc_interface_version;
};

/// The body of submit_sm and deliver_sm (their mandatory fields are the same).
struct ShortMessage {
  std::string service_type;
  std::uint8_t source_addr_ton = 0, source_addr_npi = 0;
  std::string source_addr;
  std::uint8_t dest_addr_ton = 0, dest_addr_npi = 0;
  std::string destination_addr;
  std::uint8_t esm_class = 0, protocol_id = 0, priority_flag = 0;
  std::string schedule_delivery_time, validity_period;
  std::uint8_t registered_delivery = 0, replace_if_present_flag = 0, data_coding = 0, sm_default_msg_id = 0;
  std::string short_message;  // octets; sm_length is its size (0..254)
  std::vector<Tlv> tlvs;
};

/// submit_sm_resp and deliver_sm_resp: a message_id (empty in deliver_sm_resp and in error responses).
struct MessageIdResponse {
  std::string message_id;
};

// ---------------------------------------------------------------- encoding
// Each appends one complete PDU to `out` (so a session can batch several into one write).

void encode_header_only(std::string& out, std::uint32_t command_id, std::uint32_t status, std::uint32_t sequence);
void encode_bind(std::string& out, std::uint32_t sequence, const BindRequest& bind);
/// bind_*_resp for `type`; the body carries the system_id and, when given, sc_interface_version.
void encode_bind_resp(std::string& out, BindType type, std::uint32_t status, std::uint32_t sequence,
                      const BindResponse& response);
/// submit_sm or deliver_sm (command_id chooses). Throws PduError(ESME_RINVMSGLEN) when
/// short_message is over 254 octets, and a status naming the field when a C-Octet String is too long.
void encode_short_message(std::string& out, std::uint32_t command_id, std::uint32_t sequence, const ShortMessage& sm);
/// submit_sm_resp / deliver_sm_resp.
void encode_message_id_resp(std::string& out, std::uint32_t command_id, std::uint32_t status, std::uint32_t sequence,
                            std::string_view message_id);
std::string encode_tlv(std::uint16_t tag, std::string_view value);

// ---------------------------------------------------------------- decoding
// `body` is the PDU without its 16 header octets.

BindRequest decode_bind(const Header& header, std::string_view body);
/// Tolerates an empty body (some servers send none with an error status).
BindResponse decode_bind_resp(std::string_view body);
ShortMessage decode_short_message(std::string_view body);
/// Tolerates an empty body (error responses need not carry one).
MessageIdResponse decode_message_id_resp(std::string_view body);
/// TLVs from `body`: throws ESME_RINVOPTPARSTREAM when one runs past the end, ESME_RINVPARLEN when
/// a TLV of fixed size (sar_*, message_state, sc_interface_version, ...) has another length.
std::vector<Tlv> decode_tlvs(std::string_view body);

}  // namespace smsim::smpp
