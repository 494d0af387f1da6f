#pragma once
// A whole text as submit_sm parts, and a received submit_sm or deliver_sm read back as text and
// concatenation info. Pure.
//
// Outgoing: the split is domain::segment()'s (the same part count the gateway and tracker use):
// GSM-7 as data_coding 0, one septet per octet (a concatenated part is 6 UDH octets + up to 153
// septets = 159 octets, a single part up to 160); otherwise UCS-2 as data_coding 8 (6 + 134 = 140
// octets, 140 single). Long messages carry a UDH with IEI 0x00 (8-bit reference), or the sar_*
// TLVs instead. (Not IEI 0x08 outgoing: its 7-octet UDH needs a different split, 152 septets or 66
// UCS-2 units a part, which would disagree with the part count every other smsim process uses.)
//
// Incoming: both UDH forms and sar_* TLVs are recognised, message_payload is read when
// short_message is empty. Faults raise PduError with the status to answer (docs/smpp.md).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smpp/pdu.hpp"

namespace smsim::smpp {

enum class Concatenation { Udh, Sar };
std::string_view to_string(Concatenation c);  // "udh", "sar"
std::optional<Concatenation> parse_concatenation(std::string_view text);

struct OutgoingPart {
  int part = 1, total = 1;
  std::uint8_t esm_class = 0, data_coding = kDataCodingDefault;
  std::string short_message;  // UDH (if any) + encoded text
  std::vector<Tlv> tlvs;      // sar_* when Concatenation::Sar
};

/// The parts of `utf8_text` as submit_sm fields. `reference` identifies the concatenated message
/// (only its low 8 bits with Udh8). Throws PduError(ESME_RINVMSGLEN) above 255 parts.
std::vector<OutgoingPart> build_parts(std::string_view utf8_text, std::uint16_t reference, Concatenation mode);

/// Which part of which concatenated message a PDU is.
struct SegmentInfo {
  enum class Source { Udh8, Udh16, Sar };
  Source source = Source::Udh8;
  std::uint16_t reference = 0;
  std::uint8_t total = 1, sequence = 1;
};

struct ReceivedText {
  std::string text;                    // UTF-8
  std::optional<SegmentInfo> segment;  // none for a single message
  bool from_payload = false;           // the text came from message_payload
};

/// Reads text and concatenation info of a submit_sm / deliver_sm. Throws PduError:
///   ESME_RINVMSGLEN   UDHI set but the UDH length runs past short_message, an information element
///                     runs past the UDH, a concatenation IE with the wrong length, both
///                     short_message and message_payload, UCS-2 of odd length;
///   ESME_RINVOPTPARAMVAL  sar_* or UDH concatenation with total 0, sequence 0 or sequence > total;
///   ESME_RMISSINGOPTPARAM only some of the three sar_* TLVs.
ReceivedText read_text(const ShortMessage& sm);

}  // namespace smsim::smpp
