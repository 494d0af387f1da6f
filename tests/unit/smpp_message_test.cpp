// Text in SMPP: GSM 03.38 unpacked (data_coding 0) and UCS-2 (8), submit_sm parts with the
// concatenation UDH or sar_* TLVs, reading them back, and receipts as deliver_sm.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "domain/segmentation.hpp"
#include "smpp/message.hpp"
#include "smpp/receipt.hpp"
#include "smpp/text.hpp"

using namespace smsim::smpp;
using smsim::domain::decode_utf8;
using smsim::domain::DeliveryReceipt;
using smsim::domain::DeliveryStat;
using smsim::domain::encode_utf8;

namespace {

std::uint32_t status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const PduError& e) {
    return e.status();
  }
  return 0xFFFFFFFF;
}

}  // namespace

TEST(SmppText, GsmSeptetsFollowTheDefaultAlphabet) {
  // 3GPP 23.038 table 6.2.1: '@' 0x00, '£' 0x01, '$' 0x02, 'è' 0x04, LF 0x0A, 'Δ' 0x10,
  // '_' 0x11, ' ' 0x20, '¡' 0x40, 'Ä' 0x5B, '§' 0x5F, '¿' 0x60, 'à' 0x7F.
  const auto septets = encode_gsm7(U"@£$è\nΔ_ ¡Ä§¿à");
  ASSERT_TRUE(septets.has_value());
  EXPECT_EQ(*septets, std::string("\x00\x01\x02\x04\x0A\x10\x11\x20\x40\x5B\x5F\x60\x7F", 13));
  // Extension table after ESC (0x1B): '€' 0x65, '[' 0x3C, '{' 0x28, '|' 0x40, '^' 0x14.
  EXPECT_EQ(encode_gsm7(U"€[{|^").value(), std::string("\x1B\x65\x1B\x3C\x1B\x28\x1B\x40\x1B\x14", 10));
  EXPECT_FALSE(encode_gsm7(U"naïve").has_value()) << "ï is not GSM-7";
  EXPECT_FALSE(encode_gsm7(U"`").has_value());
}

TEST(SmppText, EveryGsmCharacterRoundTrips) {
  // Every code point segmentation calls GSM-7 encodes, and decodes back to itself.
  for (char32_t cp = 0; cp < 0x2200; ++cp) {
    const int septets = smsim::domain::gsm7_septets(cp);
    if (septets == 0) continue;
    const std::u32string one(1, cp);
    const auto encoded = encode_gsm7(one);
    ASSERT_TRUE(encoded.has_value()) << "U+" << std::hex << static_cast<int>(cp);
    EXPECT_EQ(encoded->size(), static_cast<std::size_t>(septets)) << "U+" << std::hex << static_cast<int>(cp);
    EXPECT_EQ(decode_gsm7(*encoded), one) << "U+" << std::hex << static_cast<int>(cp);
  }
}

TEST(SmppText, GsmDecodingIsLenient) {
  EXPECT_EQ(decode_gsm7(std::string("A\x1B", 2)), U"A") << "a trailing ESC is dropped";
  EXPECT_EQ(decode_gsm7(std::string("\x1B\x41", 2)), U"A") << "unknown extension: the basic character";
  EXPECT_EQ(decode_gsm7(std::string("\xC3", 1)), U"\uFFFD") << "bit 7 set is not a septet";
}

TEST(SmppText, Ucs2IsUtf16BigEndianWithSurrogatePairs) {
  EXPECT_EQ(encode_ucs2(U"Aж"), std::string("\x00\x41\x04\x36", 4));
  EXPECT_EQ(encode_ucs2(U"😀"), std::string("\xD8\x3D\xDE\x00", 4));
  EXPECT_EQ(decode_ucs2(std::string("\xD8\x3D\xDE\x00\x00\x41", 6)).value(), U"😀A");
  EXPECT_EQ(decode_ucs2(std::string("\xD8\x3D\x00\x41", 4)).value(), U"\uFFFDA") << "unpaired surrogate";
  EXPECT_FALSE(decode_ucs2(std::string("\x00\x41\x00", 3)).has_value());
}

TEST(SmppMessage, ASingleGsmMessageIsOnePartOf160Octets) {
  const std::string text(160, 'a');
  const auto parts = build_parts(text, 7, Concatenation::Udh);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].esm_class, 0);
  EXPECT_EQ(parts[0].data_coding, kDataCodingDefault);
  EXPECT_EQ(parts[0].short_message.size(), 160u) << "unpacked: one septet per octet, not capped at 140";
  EXPECT_TRUE(parts[0].tlvs.empty());
}

TEST(SmppMessage, LongGsmTextGoesIn159OctetPartsWithUdh) {
  const std::string text = std::string(153, 'a') + std::string(153, 'b') + "c@";
  const auto parts = build_parts(text, 0x1A7, Concatenation::Udh);
  ASSERT_EQ(parts.size(), 3u);
  for (const auto& p : parts) {
    EXPECT_EQ(p.esm_class, kEsmUdhi);
    EXPECT_EQ(p.total, 3);
    // UDHL 05, IEI 00, IEDL 03, reference (low 8 bits), total, sequence.
    EXPECT_EQ(p.short_message.substr(0, 6), std::string("\x05\x00\x03\xA7\x03", 5) + static_cast<char>(p.part));
  }
  EXPECT_EQ(parts[0].short_message.size(), 159u);
  EXPECT_EQ(parts[2].short_message.substr(6), std::string("c\x00", 2)) << "'@' is septet 0x00";
  // Read back: the same text, part by part.
  std::string joined;
  for (const auto& p : parts) {
    ShortMessage sm;
    sm.esm_class = p.esm_class;
    sm.data_coding = p.data_coding;
    sm.short_message = p.short_message;
    const auto r = read_text(sm);
    ASSERT_TRUE(r.segment.has_value());
    EXPECT_EQ(r.segment->source, SegmentInfo::Source::Udh8);
    EXPECT_EQ(r.segment->reference, 0xA7);
    EXPECT_EQ(r.segment->total, 3);
    EXPECT_EQ(r.segment->sequence, p.part);
    joined += r.text;
  }
  EXPECT_EQ(joined, text);
}

TEST(SmppMessage, ExtensionCharactersAreNeverSplitAcrossParts) {
  const std::string text = std::string(152, 'a') + "€" + std::string(10, 'b');
  const auto parts = build_parts(text, 1, Concatenation::Udh);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].short_message.size(), 6u + 152u) << "the two-septet euro moves to part 2";
  EXPECT_EQ(parts[1].short_message.substr(6, 2), std::string("\x1B\x65", 2));
}

TEST(SmppMessage, UnicodeTextGoesAsUcs2In140OctetParts) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "ж";
  const auto parts = build_parts(text, 9, Concatenation::Udh);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].data_coding, kDataCodingUcs2);
  EXPECT_EQ(parts[0].short_message.size(), 140u) << "6 UDH octets + 67 UTF-16 units";
  EXPECT_EQ(parts[1].short_message.size(), 6u + 2 * 33u);
  // A surrogate pair is not split: 66 units + an emoji would be 68.
  std::string emoji = "";
  for (int i = 0; i < 66; ++i) emoji += "ж";
  emoji += "😀жжжж";
  const auto split = build_parts(emoji, 9, Concatenation::Udh);
  ASSERT_EQ(split.size(), 2u);
  EXPECT_EQ(split[0].short_message.size(), 6u + 132u);
  EXPECT_EQ(split[1].short_message.substr(6, 4), std::string("\xD8\x3D\xDE\x00", 4));
}

TEST(SmppMessage, SarModeCarriesTheSegmentsInTlvs) {
  const auto parts = build_parts(std::string(200, 'x'), 0x0102, Concatenation::Sar);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].esm_class, 0);
  EXPECT_EQ(parts[1].short_message, std::string(47, 'x'));
  ShortMessage sm;
  sm.short_message = parts[1].short_message;
  sm.tlvs = parts[1].tlvs;
  const auto r = read_text(sm);
  ASSERT_TRUE(r.segment.has_value());
  EXPECT_EQ(r.segment->source, SegmentInfo::Source::Sar);
  EXPECT_EQ(r.segment->reference, 0x0102);
  EXPECT_EQ(r.segment->total, 2);
  EXPECT_EQ(r.segment->sequence, 2);
}

TEST(SmppMessage, ReadsSixteenBitReferenceUdh) {
  ShortMessage sm;
  sm.esm_class = kEsmUdhi;
  sm.short_message = std::string("\x06\x08\x04\xBE\xEF\x02\x01hi", 9);
  const auto r = read_text(sm);
  ASSERT_TRUE(r.segment.has_value());
  EXPECT_EQ(r.segment->source, SegmentInfo::Source::Udh16);
  EXPECT_EQ(r.segment->reference, 0xBEEF);
  EXPECT_EQ(r.segment->total, 2);
  EXPECT_EQ(r.segment->sequence, 1);
  EXPECT_EQ(r.text, "hi");
}

TEST(SmppMessage, SkipsOtherInformationElements) {
  ShortMessage sm;
  sm.esm_class = kEsmUdhi;
  // Port addressing (IEI 0x05, 4 octets), then the 8-bit concatenation element.
  sm.short_message = std::string("\x0B\x05\x04\x0B\x84\x23\xF0\x00\x03\x01\x02\x02ok", 14);
  const auto r = read_text(sm);
  ASSERT_TRUE(r.segment.has_value());
  EXPECT_EQ(r.segment->sequence, 2);
  EXPECT_EQ(r.text, "ok");
}

TEST(SmppMessage, ReadsMessagePayload) {
  ShortMessage sm;
  sm.data_coding = kDataCodingUcs2;
  sm.tlvs = {{tlv::kMessagePayload, encode_ucs2(U"привет, long text")}};
  const auto r = read_text(sm);
  EXPECT_TRUE(r.from_payload);
  EXPECT_EQ(r.text, "привет, long text");
  sm.short_message = "x";
  EXPECT_EQ(status_of([&] { read_text(sm); }), status::kInvMsgLen) << "not both";
}

TEST(SmppMessage, AUdhThatLiesAboutItsLengthIsRefused) {
  ShortMessage sm;
  sm.esm_class = kEsmUdhi;
  sm.short_message = std::string("\x05\x00\x03\x01", 4);  // says 5, has 3
  EXPECT_EQ(status_of([&] { read_text(sm); }), status::kInvMsgLen);
  sm.short_message = std::string("\x05\x00\x07\x01\x02\x01", 6);  // element says 7 octets, UDH has 3
  EXPECT_EQ(status_of([&] { read_text(sm); }), status::kInvMsgLen);
  sm.short_message = std::string("\x04\x00\x02\x01\x02x", 6);  // concatenation element of 2 octets
  EXPECT_EQ(status_of([&] { read_text(sm); }), status::kInvMsgLen);
  sm.short_message = "";
  EXPECT_EQ(status_of([&] { read_text(sm); }), status::kInvMsgLen);
  sm.short_message = std::string("\x05\x00\x03\x01\x02\x03x", 7);  // part 3 of 2
  EXPECT_EQ(status_of([&] { read_text(sm); }), status::kInvOptParamVal);
  sm.short_message = std::string("\x05\x00\x03\x01\x00\x00x", 7);  // total 0
  EXPECT_EQ(status_of([&] { read_text(sm); }), status::kInvOptParamVal);
}

TEST(SmppMessage, IncompleteOrInconsistentSarIsRefused) {
  ShortMessage sm;
  sm.short_message = "x";
  sm.tlvs = {{tlv::kSarMsgRefNum, std::string("\x00\x01", 2)}};
  EXPECT_EQ(status_of([&] { read_text(sm); }), status::kMissingOptParam);
  sm.tlvs = {{tlv::kSarMsgRefNum, std::string("\x00\x01", 2)},
             {tlv::kSarTotalSegments, std::string(1, '\x02')},
             {tlv::kSarSegmentSeqnum, std::string(1, '\x00')}};
  EXPECT_EQ(status_of([&] { read_text(sm); }), status::kInvOptParamVal);
}

TEST(SmppMessage, OddUcs2IsRefused) {
  ShortMessage sm;
  sm.data_coding = kDataCodingUcs2;
  sm.short_message = std::string("\x00\x41\x00", 3);
  EXPECT_EQ(status_of([&] { read_text(sm); }), status::kInvMsgLen);
}

TEST(SmppReceipt, ADeliverSmReceiptCarriesTextAndTlvs) {
  DeliveryReceipt r;
  r.supplier_message_id = "00c0ffee00000001";
  r.submit_date_ms = 1'795'269'900'000;
  r.done_date_ms = 1'795'269'960'000;
  r.stat = DeliveryStat::Undeliverable;
  r.delivered = 0;
  r.error_code = 1;
  r.text = "Grüße, 😀 world";
  const auto sm = make_receipt(r, "smsim", "4915112345678");
  EXPECT_EQ(sm.esm_class, kEsmDeliveryReceipt);
  EXPECT_EQ(sm.source_addr, "4915112345678");
  EXPECT_EQ(sm.destination_addr, "smsim");
  EXPECT_EQ(sm.data_coding, kDataCodingDefault);
  ASSERT_NE(find_tlv(sm.tlvs, tlv::kReceiptedMessageId), nullptr);
  EXPECT_EQ(find_tlv(sm.tlvs, tlv::kReceiptedMessageId)->value, std::string("00c0ffee00000001\0", 17));
  EXPECT_EQ(find_tlv(sm.tlvs, tlv::kMessageState)->value, std::string(1, '\x05'));
  EXPECT_TRUE(is_receipt(sm));
  const auto back = read_receipt(sm, 0);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->text_parsed);
  EXPECT_EQ(back->supplier_message_id, "00c0ffee00000001");
  EXPECT_EQ(back->stat, DeliveryStat::Undeliverable);
  EXPECT_EQ(back->text,
            "id:00c0ffee00000001 sub:001 dlvrd:000 submit date:2611211405 done date:2611211406 stat:UNDELIV err:001 "
            "text:Grüße, ? world");
}

TEST(SmppReceipt, TlvsAloneAreEnoughAndWin) {
  ShortMessage sm;
  sm.esm_class = kEsmDeliveryReceipt;
  sm.short_message = "garbage, not a receipt";
  sm.tlvs = {{tlv::kReceiptedMessageId, "abc"}, {tlv::kMessageState, std::string(1, '\x02')}};
  const auto r = read_receipt(sm, 1'795'269'900'000);
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->text_parsed);
  EXPECT_EQ(r->supplier_message_id, "abc");
  EXPECT_EQ(r->stat, DeliveryStat::Delivered);
  EXPECT_EQ(r->text, "id:abc sub:001 dlvrd:001 submit date:2611211405 done date:2611211405 stat:DELIVRD err:000");
}

TEST(SmppReceipt, GarbageWithoutTlvsIsNotAReceipt) {
  ShortMessage sm;
  sm.esm_class = kEsmDeliveryReceipt;
  sm.short_message = "id:abc stat:whatever";
  EXPECT_FALSE(read_receipt(sm, 0).has_value());
  sm.tlvs = {{tlv::kReceiptedMessageId, "abc"}};  // an id but no state anywhere
  EXPECT_FALSE(read_receipt(sm, 0).has_value());
  sm.tlvs = {{tlv::kMessageState, std::string(1, '\x09')}};  // no id, unknown state
  EXPECT_FALSE(read_receipt(sm, 0).has_value());
}

TEST(SmppReceipt, IdsThatAreNotPrintableAsciiAreNotTrusted) {
  // Found by fuzz/smpp_pdu_fuzzer.cpp: an id with arbitrary octets would have gone on into the
  // receipt text and JSON records.
  ShortMessage sm;
  sm.esm_class = kEsmDeliveryReceipt;
  sm.short_message = "not a receipt";
  sm.tlvs = {{tlv::kReceiptedMessageId, std::string("ab\xC3\x28", 4)}, {tlv::kMessageState, std::string(1, '\x02')}};
  EXPECT_FALSE(read_receipt(sm, 0).has_value());
  sm.tlvs[0].value = "ab c";
  EXPECT_FALSE(read_receipt(sm, 0).has_value()) << "no spaces either: the text format could not carry it";
  sm.tlvs[0].value = "0123456789abcdef";
  EXPECT_TRUE(read_receipt(sm, 1'795'269'900'000).has_value());
}
