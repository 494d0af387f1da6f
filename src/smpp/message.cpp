#include "smpp/message.hpp"

#include <fmt/format.h>

#include "domain/segmentation.hpp"
#include "smpp/text.hpp"

namespace smsim::smpp {
namespace {

constexpr std::uint8_t kIeiConcat8 = 0x00;
constexpr std::uint8_t kIeiConcat16 = 0x08;

std::uint8_t byte_at(std::string_view s, std::size_t i) { return static_cast<std::uint8_t>(s[i]); }

void check_segment(const SegmentInfo& s, std::string_view where) {
  if (s.total == 0 || s.sequence == 0 || s.sequence > s.total) {
    throw PduError(status::kInvOptParamVal,
                   fmt::format("{}: part {} of {} (parts are numbered 1..total, total at least 1)", where, s.sequence,
                               s.total));
  }
}

// The UDH at the front of `sm`: its concatenation element (if any) and where the text starts.
std::size_t read_udh(std::string_view sm, std::optional<SegmentInfo>& segment) {
  if (sm.empty()) throw PduError(status::kInvMsgLen, "esm_class has UDHI set but short_message is empty");
  const std::size_t udhl = byte_at(sm, 0);
  if (1 + udhl > sm.size()) {
    throw PduError(status::kInvMsgLen, fmt::format("UDH length {} runs past short_message ({} octets)", udhl, sm.size()));
  }
  std::size_t pos = 1;
  const std::size_t end = 1 + udhl;
  while (pos < end) {
    if (end - pos < 2) throw PduError(status::kInvMsgLen, "UDH ends inside an information element header");
    const std::uint8_t iei = byte_at(sm, pos);
    const std::size_t iedl = byte_at(sm, pos + 1);
    pos += 2;
    if (iedl > end - pos) {
      throw PduError(status::kInvMsgLen,
                     fmt::format("UDH element 0x{:02X} says {} octets but the UDH has {} left", iei, iedl, end - pos));
    }
    if (iei == kIeiConcat8 || iei == kIeiConcat16) {
      const std::size_t want = iei == kIeiConcat8 ? 3 : 4;
      if (iedl != want) {
        throw PduError(status::kInvMsgLen,
                       fmt::format("UDH concatenation element 0x{:02X} has length {}, not {}", iei, iedl, want));
      }
      SegmentInfo s;
      if (iei == kIeiConcat8) {
        s.source = SegmentInfo::Source::Udh8;
        s.reference = byte_at(sm, pos);
        s.total = byte_at(sm, pos + 1);
        s.sequence = byte_at(sm, pos + 2);
      } else {
        s.source = SegmentInfo::Source::Udh16;
        s.reference = static_cast<std::uint16_t>((byte_at(sm, pos) << 8) | byte_at(sm, pos + 1));
        s.total = byte_at(sm, pos + 2);
        s.sequence = byte_at(sm, pos + 3);
      }
      check_segment(s, "UDH concatenation");
      segment = s;
    }
    // Other elements (ports, special SMS indication, ...) are skipped.
    pos += iedl;
  }
  return end;
}

}  // namespace

std::string_view to_string(Concatenation c) { return c == Concatenation::Udh ? "udh" : "sar"; }

std::optional<Concatenation> parse_concatenation(std::string_view text) {
  if (text == "udh") return Concatenation::Udh;
  if (text == "sar") return Concatenation::Sar;
  return std::nullopt;
}

std::vector<OutgoingPart> build_parts(std::string_view utf8_text, std::uint16_t reference, Concatenation mode) {
  const auto segmented = domain::segment(utf8_text);
  const int total = static_cast<int>(segmented.parts.size());
  if (total > domain::kMaxParts) {
    throw PduError(status::kInvMsgLen, fmt::format("text needs {} parts; a concatenated message has at most 255", total));
  }
  std::vector<OutgoingPart> parts;
  parts.reserve(segmented.parts.size());
  for (int i = 0; i < total; ++i) {
    OutgoingPart p;
    p.part = i + 1;
    p.total = total;
    const auto text = domain::decode_utf8(segmented.parts[static_cast<std::size_t>(i)]);
    std::string encoded;
    if (segmented.encoding == domain::Encoding::Gsm7) {
      p.data_coding = kDataCodingDefault;
      encoded = encode_gsm7(text).value_or(std::string());
    } else {
      p.data_coding = kDataCodingUcs2;
      encoded = encode_ucs2(text);
    }
    if (total > 1 && mode == Concatenation::Udh) {
      const auto udh = domain::concatenation_udh(static_cast<std::uint8_t>(reference & 0xFF),
                                                 static_cast<std::uint8_t>(total), static_cast<std::uint8_t>(p.part));
      p.esm_class = kEsmUdhi;
      p.short_message.assign(reinterpret_cast<const char*>(udh.data()), udh.size());
    } else if (total > 1) {
      p.tlvs.push_back({tlv::kSarMsgRefNum, std::string{static_cast<char>(reference >> 8), static_cast<char>(reference & 0xFF)}});
      p.tlvs.push_back({tlv::kSarTotalSegments, std::string(1, static_cast<char>(total))});
      p.tlvs.push_back({tlv::kSarSegmentSeqnum, std::string(1, static_cast<char>(p.part))});
    }
    p.short_message += encoded;
    parts.push_back(std::move(p));
  }
  return parts;
}

ReceivedText read_text(const ShortMessage& sm) {
  ReceivedText out;
  std::string_view octets = sm.short_message;
  const Tlv* payload = find_tlv(sm.tlvs, tlv::kMessagePayload);
  if (payload) {
    if (!sm.short_message.empty()) {
      throw PduError(status::kInvMsgLen, "both short_message and message_payload are given; sm_length must be 0 with "
                                         "message_payload");
    }
    octets = payload->value;
    out.from_payload = true;
  }
  std::size_t text_start = 0;
  if ((sm.esm_class & kEsmUdhi) != 0) text_start = read_udh(octets, out.segment);

  const Tlv* ref = find_tlv(sm.tlvs, tlv::kSarMsgRefNum);
  const Tlv* total = find_tlv(sm.tlvs, tlv::kSarTotalSegments);
  const Tlv* seq = find_tlv(sm.tlvs, tlv::kSarSegmentSeqnum);
  const int sar_count = (ref != nullptr) + (total != nullptr) + (seq != nullptr);
  if (sar_count != 0 && sar_count != 3) {
    throw PduError(status::kMissingOptParam, "sar_msg_ref_num, sar_total_segments and sar_segment_seqnum come together");
  }
  if (sar_count == 3 && !out.segment) {
    SegmentInfo s;
    s.source = SegmentInfo::Source::Sar;
    s.reference = static_cast<std::uint16_t>((byte_at(ref->value, 0) << 8) | byte_at(ref->value, 1));
    s.total = byte_at(total->value, 0);
    s.sequence = byte_at(seq->value, 0);
    check_segment(s, "sar_* TLVs");
    out.segment = s;
  }
  auto text = decode_text(sm.data_coding, octets.substr(text_start));
  if (!text) {
    throw PduError(status::kInvMsgLen,
                   fmt::format("UCS-2 text of {} octets: UTF-16 needs an even number", octets.size() - text_start));
  }
  out.text = std::move(*text);
  // A single-part "concatenated" message is just a message.
  if (out.segment && out.segment->total == 1) out.segment.reset();
  return out;
}

}  // namespace smsim::smpp
