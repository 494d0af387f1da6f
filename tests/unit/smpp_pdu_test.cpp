// SMPP 3.4 PDU codec: byte vectors laid out as the specification's PDU tables define them
// (section 4: header, then each mandatory field in order, C-Octet Strings NUL-terminated, TLVs as
// tag/length/value), the widely used 60-octet submit_sm example, and every decoding fault with the
// command_status the server answers it with.
#include "smpp/pdu.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

using namespace smsim::smpp;

namespace {

// "00 00 00 10 ..." -> octets.
std::string hex(std::string_view text) {
  std::string out;
  int high = -1;
  for (const char c : text) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) continue;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<char>(high * 16 + v));
      high = -1;
    }
  }
  return out;
}

std::string body_of(const std::string& pdu) { return pdu.substr(kHeaderSize); }

std::uint32_t status_of(const std::function<void()>& decode) {
  try {
    decode();
  } catch (const PduError& e) {
    return e.status();
  }
  return 0xFFFFFFFF;  // no error: the caller's EXPECT fails with a clear value
}

// The 60-octet submit_sm example: seq 5, source 555 (TON 2, NPI 8), destination 555555555
// (TON 1, NPI 1), default data coding, short_message "Hello wikipedia".
const std::string kSubmitExample = hex(
    "00 00 00 3C 00 00 00 04 00 00 00 00 00 00 00 05 00 02 08 35 35 35 00 01 01"
    "35 35 35 35 35 35 35 35 35 00 00 00 00 00 00 00 00 00 00 0F 48 65 6C 6C 6F"
    "20 77 69 6B 69 70 65 64 69 61");

}  // namespace

TEST(SmppPdu, DecodesTheSixtyOctetSubmitSmExample) {
  const auto frame = next_frame(kSubmitExample);
  ASSERT_EQ(frame.kind, Frame::Kind::Complete);
  EXPECT_EQ(frame.header.length, 60u);
  EXPECT_EQ(frame.header.command_id, command::kSubmitSm);
  EXPECT_EQ(frame.header.status, 0u);
  EXPECT_EQ(frame.header.sequence, 5u);
  const auto sm = decode_short_message(body_of(kSubmitExample));
  EXPECT_EQ(sm.service_type, "");
  EXPECT_EQ(sm.source_addr_ton, 2);
  EXPECT_EQ(sm.source_addr_npi, 8);
  EXPECT_EQ(sm.source_addr, "555");
  EXPECT_EQ(sm.dest_addr_ton, 1);
  EXPECT_EQ(sm.dest_addr_npi, 1);
  EXPECT_EQ(sm.destination_addr, "555555555");
  EXPECT_EQ(sm.esm_class, 0);
  EXPECT_EQ(sm.registered_delivery, 0);
  EXPECT_EQ(sm.data_coding, 0);
  EXPECT_EQ(sm.short_message, "Hello wikipedia");
  EXPECT_TRUE(sm.tlvs.empty());
}

TEST(SmppPdu, EncodesTheSixtyOctetSubmitSmExampleByteForByte) {
  ShortMessage sm;
  sm.source_addr_ton = 2;
  sm.source_addr_npi = 8;
  sm.source_addr = "555";
  sm.dest_addr_ton = 1;
  sm.dest_addr_npi = 1;
  sm.destination_addr = "555555555";
  sm.short_message = "Hello wikipedia";
  std::string out;
  encode_short_message(out, command::kSubmitSm, 5, sm);
  EXPECT_EQ(out, kSubmitExample);
}

TEST(SmppPdu, HeaderOnlyPdusAreSixteenOctets) {
  // enquire_link (4.11.1), its response, unbind (4.2.1) and generic_nack (4.3.1) have no body.
  std::string out;
  encode_header_only(out, command::kEnquireLink, status::kOk, 1);
  EXPECT_EQ(out, hex("00000010 00000015 00000000 00000001"));
  out.clear();
  encode_header_only(out, command::response_of(command::kEnquireLink), status::kOk, 1);
  EXPECT_EQ(out, hex("00000010 80000015 00000000 00000001"));
  out.clear();
  encode_header_only(out, command::kUnbind, status::kOk, 0x7FFFFFFF);
  EXPECT_EQ(out, hex("00000010 00000006 00000000 7FFFFFFF"));
  out.clear();
  encode_header_only(out, command::kGenericNack, status::kInvCmdId, 42);
  EXPECT_EQ(out, hex("00000010 80000000 00000003 0000002A"));
}

TEST(SmppPdu, BindTransmitterFollowsTheFieldTable) {
  // 4.1.1: system_id, password, system_type (C-Octet Strings), interface_version, addr_ton,
  // addr_npi (1 octet each), address_range (C-Octet String).
  BindRequest bind;
  bind.type = BindType::Transmitter;
  bind.system_id = "SMPP3TEST";
  bind.password = "secret08";
  bind.system_type = "SUBMIT1";
  bind.addr_ton = 1;
  bind.addr_npi = 1;
  std::string out;
  encode_bind(out, 1, bind);
  const std::string want = hex(
      "0000002F 00000002 00000000 00000001"
      "534D50503354455354 00"  // SMPP3TEST
      "7365637265743038 00"    // secret08
      "5355424D495431 00"      // SUBMIT1
      "34 01 01"               // interface_version 3.4, addr_ton, addr_npi
      "00");                   // address_range: empty
  EXPECT_EQ(out, want);
  const auto frame = next_frame(out);
  ASSERT_EQ(frame.kind, Frame::Kind::Complete);
  const auto back = decode_bind(frame.header, body_of(out));
  EXPECT_EQ(back.type, BindType::Transmitter);
  EXPECT_EQ(back.system_id, "SMPP3TEST");
  EXPECT_EQ(back.password, "secret08");
  EXPECT_EQ(back.system_type, "SUBMIT1");
  EXPECT_EQ(back.interface_version, 0x34);
  EXPECT_EQ(back.addr_ton, 1);
  EXPECT_EQ(back.address_range, "");
}

TEST(SmppPdu, BindRespCarriesScInterfaceVersion) {
  // 4.1.6 bind_transceiver_resp: system_id, then the sc_interface_version TLV (tag 0x0210, 1 octet).
  std::string out;
  encode_bind_resp(out, BindType::Transceiver, status::kOk, 7, {"SMSC", 0x34});
  EXPECT_EQ(out, hex("0000001A 80000009 00000000 00000007 534D534300 0210 0001 34"));
  const auto r = decode_bind_resp(body_of(out));
  EXPECT_EQ(r.system_id, "SMSC");
  ASSERT_TRUE(r.sc_interface_version.has_value());
  EXPECT_EQ(*r.sc_interface_version, 0x34);
  // An error response may come without a body.
  EXPECT_EQ(decode_bind_resp("").system_id, "");
}

TEST(SmppPdu, SubmitSmRespCarriesTheMessageId) {
  std::string out;
  encode_message_id_resp(out, command::response_of(command::kSubmitSm), status::kOk, 5, "0a1b2c");
  EXPECT_EQ(out, hex("00000017 80000004 00000000 00000005 306131623263 00"));
  EXPECT_EQ(decode_message_id_resp(body_of(out)).message_id, "0a1b2c");
  EXPECT_EQ(decode_message_id_resp("").message_id, "");  // error responses may have no body
}

TEST(SmppPdu, ShortMessageIsAnOctetStringNotACString) {
  // '@' is 0x00 in GSM 03.38: a NUL inside short_message is data, sm_length says where it ends.
  ShortMessage sm;
  sm.destination_addr = "4915112345678";
  sm.short_message = std::string("a\0b\0", 4);
  std::string out;
  encode_short_message(out, command::kSubmitSm, 9, sm);
  EXPECT_EQ(decode_short_message(body_of(out)).short_message, std::string("a\0b\0", 4));
}

TEST(SmppPdu, ShortMessageUpTo254OctetsIsNotCappedAt140) {
  ShortMessage sm;
  sm.short_message = std::string(159, 'x');  // 6 UDH octets + 153 unpacked septets
  std::string out;
  encode_short_message(out, command::kSubmitSm, 1, sm);
  EXPECT_EQ(decode_short_message(body_of(out)).short_message.size(), 159u);
  sm.short_message = std::string(254, 'x');
  out.clear();
  encode_short_message(out, command::kSubmitSm, 1, sm);
  EXPECT_EQ(decode_short_message(body_of(out)).short_message.size(), 254u);
  sm.short_message = std::string(255, 'x');
  out.clear();
  EXPECT_EQ(status_of([&] { encode_short_message(out, command::kSubmitSm, 1, sm); }), status::kInvMsgLen);
  EXPECT_TRUE(out.empty()) << "nothing half-written";
}

TEST(SmppPdu, TlvsAreTagLengthValue) {
  EXPECT_EQ(encode_tlv(tlv::kSarMsgRefNum, hex("1234")), hex("020C 0002 1234"));
  const auto tlvs = decode_tlvs(hex("020C 0002 1234 020E 0001 03 020F 0001 02 1400 0000"));
  ASSERT_EQ(tlvs.size(), 4u);
  EXPECT_EQ(tlvs[0].tag, tlv::kSarMsgRefNum);
  EXPECT_EQ(tlvs[0].value, hex("1234"));
  EXPECT_EQ(tlvs[2].value, hex("02"));
  EXPECT_EQ(tlvs[3].tag, 0x1400);  // unknown (vendor) TLVs are kept, not refused
  EXPECT_TRUE(tlvs[3].value.empty());
  ASSERT_NE(find_tlv(tlvs, tlv::kSarTotalSegments), nullptr);
  EXPECT_EQ(find_tlv(tlvs, tlv::kMessagePayload), nullptr);
}

TEST(SmppPdu, DeliverSmWithReceiptTlvsRoundTrips) {
  ShortMessage sm;
  sm.source_addr = "4915112345678";
  sm.destination_addr = "smsim";
  sm.esm_class = kEsmDeliveryReceipt;
  sm.short_message = "id:1 sub:001 dlvrd:001 submit date:2611211405 done date:2611211406 stat:DELIVRD err:000";
  sm.tlvs = {{tlv::kReceiptedMessageId, std::string("1\0", 2)}, {tlv::kMessageState, std::string(1, '\x02')}};
  std::string out;
  encode_short_message(out, command::kDeliverSm, 3, sm);
  // The TLVs sit at the very end: 001E 0002 "1\0", 0427 0001 02.
  EXPECT_EQ(out.substr(out.size() - 11), hex("001E 0002 3100 0427 0001 02"));
  const auto back = decode_short_message(body_of(out));
  EXPECT_EQ(back.esm_class, kEsmDeliveryReceipt);
  EXPECT_EQ(back.short_message, sm.short_message);
  ASSERT_EQ(back.tlvs.size(), 2u);
  EXPECT_EQ(back.tlvs[1].value, std::string(1, '\x02'));
}

TEST(SmppPdu, FramesNeedSixteenOctetsAndTheirWholeLength) {
  EXPECT_EQ(next_frame("").kind, Frame::Kind::NeedMore);
  EXPECT_EQ(next_frame(hex("00000010 0000")).kind, Frame::Kind::NeedMore);
  EXPECT_EQ(next_frame(kSubmitExample.substr(0, 59)).kind, Frame::Kind::NeedMore);
  const auto two = kSubmitExample + hex("00000010 00000015 00000000 00000006");
  const auto first = next_frame(two);
  ASSERT_EQ(first.kind, Frame::Kind::Complete);
  const auto second = next_frame(std::string_view(two).substr(first.header.length));
  ASSERT_EQ(second.kind, Frame::Kind::Complete);
  EXPECT_EQ(second.header.command_id, command::kEnquireLink);
  EXPECT_EQ(second.header.sequence, 6u);
}

TEST(SmppPdu, LengthsUnderSixteenOrOver64KiBAreBadFrames) {
  auto frame = next_frame(hex("0000000F 00000015 00000000 00000009"));
  EXPECT_EQ(frame.kind, Frame::Kind::BadLength);
  EXPECT_EQ(frame.header.sequence, 9u) << "the sequence number is still read for the generic_nack";
  frame = next_frame(hex("00010001 00000004 00000000 0000000A"));
  EXPECT_EQ(frame.kind, Frame::Kind::BadLength);
  EXPECT_EQ(frame.header.sequence, 10u);
  EXPECT_EQ(next_frame(hex("FFFFFFFF")).kind, Frame::Kind::BadLength) << "decided from 4 octets, no waiting for more";
  EXPECT_EQ(next_frame(hex("00010000 00000004 00000000 0000000A")).kind, Frame::Kind::NeedMore) << "64 KiB is allowed";
}

TEST(SmppPdu, TruncatedBodiesAreInvalidCommandLength) {
  const std::string body = body_of(kSubmitExample);
  // Cut anywhere inside the mandatory fields before short_message: ESME_RINVCMDLEN.
  for (std::size_t cut = 0; cut < 29; ++cut) {
    EXPECT_EQ(status_of([&] { decode_short_message(body.substr(0, cut)); }), status::kInvCmdLen) << "cut at " << cut;
  }
  // Cut inside the short_message: sm_length lies about what follows.
  EXPECT_EQ(status_of([&] { decode_short_message(body.substr(0, body.size() - 1)); }), status::kInvMsgLen);
  Header bind{0, command::kBindTransceiver, 0, 1};
  EXPECT_EQ(status_of([&] { decode_bind(bind, hex("6162")); }), status::kInvCmdLen);
  EXPECT_EQ(status_of([&] { decode_bind(bind, hex("6100 6200 6300 34 00")); }), status::kInvCmdLen);
}

TEST(SmppPdu, CStringsWithoutTerminatorWithinTheirMaximumGetTheFieldsStatus) {
  Header bind{0, command::kBindTransmitter, 0, 1};
  // system_id: 16 octets without NUL (max 15 + NUL) -> ESME_RINVSYSID.
  EXPECT_EQ(status_of([&] { decode_bind(bind, std::string(16, 'a') + std::string(20, '\0')); }), status::kInvSysId);
  // password: 9 octets without NUL -> ESME_RINVPASWD.
  EXPECT_EQ(status_of([&] { decode_bind(bind, std::string("sys\0", 4) + std::string(9, 'p') + std::string(20, '\0')); }),
            status::kInvPaswd);
  // destination_addr over 20 characters -> ESME_RINVDSTADR.
  std::string body = hex("00 01 01 3500 01 01") + std::string(21, '9') + std::string(30, '\0');
  EXPECT_EQ(status_of([&] { decode_short_message(body); }), status::kInvDstAdr);
  // service_type over 5 characters -> ESME_RINVSERTYP.
  EXPECT_EQ(status_of([&] { decode_short_message(std::string(6, 'S') + std::string(40, '\0')); }), status::kInvSerTyp);
}

TEST(SmppPdu, MalformedTlvsGetTheirStatuses) {
  // Runs past the end: ESME_RINVOPTPARSTREAM.
  EXPECT_EQ(status_of([] { decode_tlvs(hex("0424 0010 4142")); }), status::kInvOptParStream);
  EXPECT_EQ(status_of([] { decode_tlvs(hex("0424 00")); }), status::kInvOptParStream);
  // A fixed-size TLV with another length: ESME_RINVPARLEN.
  EXPECT_EQ(status_of([] { decode_tlvs(hex("020C 0001 12")); }), status::kInvParLen);
  EXPECT_EQ(status_of([] { decode_tlvs(hex("0427 0002 0202")); }), status::kInvParLen);
  // In a submit_sm, after the short_message.
  const std::string body = body_of(kSubmitExample) + hex("020E 0002 0001");
  EXPECT_EQ(status_of([&] { decode_short_message(body); }), status::kInvParLen);
}

TEST(SmppPdu, EncodingRefusesValuesThatDoNotFit) {
  BindRequest bind;
  bind.system_id = "a-system-id-that-is-too-long";
  std::string out = "kept";
  EXPECT_EQ(status_of([&] { encode_bind(out, 1, bind); }), status::kInvSysId);
  EXPECT_EQ(out, "kept") << "the buffer is left as it was";
  bind.system_id = "ok";
  bind.password = "ninechars";
  EXPECT_EQ(status_of([&] { encode_bind(out, 1, bind); }), status::kInvPaswd);
}

TEST(SmppPdu, NamesCommandsAndStatuses) {
  EXPECT_EQ(command_name(command::kSubmitSm), "submit_sm");
  EXPECT_EQ(command_name(command::response_of(command::kBindTransceiver)), "bind_transceiver_resp");
  EXPECT_EQ(command_name(0x12345), "unknown");
  EXPECT_EQ(status::name(status::kThrottled), "ESME_RTHROTTLED");
  EXPECT_EQ(status::name(0x400), "0x00000400");
  EXPECT_EQ(status::parse("ESME_RSUBMITFAIL"), status::kSubmitFail);
  EXPECT_EQ(status::parse("rsubmitfail"), status::kSubmitFail);
  EXPECT_FALSE(status::parse("ESME_NOPE").has_value());
  EXPECT_TRUE(status::is_transient(status::kThrottled));
  EXPECT_TRUE(status::is_transient(status::kMsgQFul));
  EXPECT_FALSE(status::is_transient(status::kSubmitFail));
}
