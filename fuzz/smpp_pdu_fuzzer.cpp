// Fuzzes SMPP PDU decoding (src/smpp): the byte stream an SMSC or an SMPP client reads from a peer
// it does not control.
//
// Invariants (docs/fuzzing.md):
//  - next_frame() of any bytes never reports a complete PDU shorter than 16 octets, longer than
//    64 KiB or longer than the input; it splits a stream into consecutive frames;
//  - every decoder (bind, bind_resp, submit_sm / deliver_sm, submit_sm_resp, TLVs), read_text() and
//    read_receipt() returns or throws smpp::PduError, nothing else, and a PduError carries a non-zero
//    command_status;
//  - a decoded submit_sm / deliver_sm encodes again without error, and decoding that gives the same
//    fields and TLVs (decode . encode . decode == decode);
//  - a decoded bind encodes again and decodes to the same bind;
//  - read_text() yields valid UTF-8 and, for a concatenated part, 1 <= sequence <= total;
//  - a receipt read_receipt() accepts names a printable ASCII id and has valid UTF-8 text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/segmentation.hpp"
#include "fuzz_support.hpp"
#include "smpp/message.hpp"
#include "smpp/pdu.hpp"
#include "smpp/receipt.hpp"

namespace {

using namespace smsim;
using namespace smsim::smpp;

bool same(const ShortMessage& a, const ShortMessage& b) {
  if (a.tlvs.size() != b.tlvs.size()) return false;
  for (std::size_t i = 0; i < a.tlvs.size(); ++i) {
    if (a.tlvs[i].tag != b.tlvs[i].tag || a.tlvs[i].value != b.tlvs[i].value) return false;
  }
  return a.service_type == b.service_type && a.source_addr_ton == b.source_addr_ton &&
         a.source_addr_npi == b.source_addr_npi && a.source_addr == b.source_addr && a.dest_addr_ton == b.dest_addr_ton &&
         a.dest_addr_npi == b.dest_addr_npi && a.destination_addr == b.destination_addr && a.esm_class == b.esm_class &&
         a.protocol_id == b.protocol_id && a.priority_flag == b.priority_flag &&
         a.schedule_delivery_time == b.schedule_delivery_time && a.validity_period == b.validity_period &&
         a.registered_delivery == b.registered_delivery && a.replace_if_present_flag == b.replace_if_present_flag &&
         a.data_coding == b.data_coding && a.sm_default_msg_id == b.sm_default_msg_id &&
         a.short_message == b.short_message;
}

bool valid_utf8(std::string_view s) { return domain::encode_utf8(domain::decode_utf8(s)) == s; }

void check_short_message(std::uint32_t command_id, std::string_view body) {
  ShortMessage sm;
  try {
    sm = decode_short_message(body);
  } catch (const PduError& e) {
    FUZZ_CHECK(e.status() != 0, "a decoding fault must name a status");
    return;
  }
  std::string again;
  try {
    encode_short_message(again, command_id, 1, sm);
  } catch (const PduError& e) {
    FUZZ_CHECK(false, std::string("a decoded short message does not encode again: ") + e.what());
  }
  const auto back = decode_short_message(std::string_view(again).substr(kHeaderSize));
  FUZZ_CHECK(same(sm, back), "decode . encode . decode differs from decode");
  try {
    const auto text = read_text(sm);
    FUZZ_CHECK(valid_utf8(text.text), "read_text must give valid UTF-8");
    if (text.segment) {
      FUZZ_CHECK(text.segment->sequence >= 1 && text.segment->sequence <= text.segment->total,
                 "a segment's sequence must be within 1..total");
    }
  } catch (const PduError& e) {
    FUZZ_CHECK(e.status() != 0, "a text fault must name a status");
  }
  if (const auto receipt = read_receipt(sm, 1'795'269'900'000)) {
    FUZZ_CHECK(!receipt->supplier_message_id.empty(), "a receipt names a message id");
    for (const char c : receipt->supplier_message_id) FUZZ_CHECK(c > 0x20 && c < 0x7F, "an id is printable ASCII");
    FUZZ_CHECK(valid_utf8(receipt->text), "a receipt's text is valid UTF-8 (it goes into JSON records)");
  }
}

void check_pdu(const Header& h, std::string_view body) {
  try {
    switch (h.command_id) {
      case command::kBindTransceiver:
      case command::kBindTransmitter:
      case command::kBindReceiver: {
        const auto bind = decode_bind(h, body);
        std::string again;
        encode_bind(again, h.sequence, bind);
        const auto back = decode_bind(h, std::string_view(again).substr(kHeaderSize));
        FUZZ_CHECK(back.system_id == bind.system_id && back.password == bind.password &&
                       back.system_type == bind.system_type && back.address_range == bind.address_range &&
                       back.interface_version == bind.interface_version,
                   "a bind does not round-trip");
        break;
      }
      case command::response_of(command::kBindTransceiver):
        decode_bind_resp(body);
        break;
      case command::kSubmitSm:
      case command::kDeliverSm:
        check_short_message(h.command_id, body);
        break;
      case command::response_of(command::kSubmitSm):
        decode_message_id_resp(body);
        break;
      default:
        decode_tlvs(body);
        break;
    }
  } catch (const PduError& e) {
    FUZZ_CHECK(e.status() != 0, "a decoding fault must name a status");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view stream = fuzz::as_text(data, size);
  // The input as a stream of PDUs, as a session reads it.
  while (true) {
    const auto frame = next_frame(stream);
    if (frame.kind != Frame::Kind::Complete) break;
    FUZZ_CHECK(frame.header.length >= kHeaderSize && frame.header.length <= kMaxPduSize &&
                   frame.header.length <= stream.size(),
               "a complete frame must be 16..64 KiB octets and within the input");
    check_pdu(frame.header, stream.substr(kHeaderSize, frame.header.length - kHeaderSize));
    stream.remove_prefix(frame.header.length);
  }
  // And the whole input as the body of a submit_sm, whatever its header would have said: every
  // byte string is some submit_sm body, which reaches the deepest decoding most often.
  check_short_message(command::kSubmitSm, fuzz::as_text(data, size));
  return 0;
}
