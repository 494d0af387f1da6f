// Segmentation: the GSM 03.38 tables, UTF-8 decoding, part counts at every boundary a network
// applies (160/153 septets, 70/67 UCS-2 units), 2-unit characters never split, and the UDH bytes.
#include "domain/segmentation.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <random>
#include <vector>
#include <string>

#include "common/error.hpp"

using smsim::domain::billed_parts;
using smsim::domain::concatenation_udh;
using smsim::domain::decode_utf8;
using smsim::domain::encode_utf8;
using smsim::domain::Encoding;
using smsim::domain::gsm7_septets;
using smsim::domain::segment;
using smsim::domain::SegmentedMessage;

namespace {

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

const std::string kEuro = "\u20AC";        // GSM-7 extension: 2 septets
const std::string kCyrillic = "\u0436";    // not GSM-7: 1 UCS-2 unit
const std::string kEmoji = "\U0001F600";   // not GSM-7: 2 UCS-2 units (surrogate pair)

std::string joined(const SegmentedMessage& m) {
  return std::accumulate(m.parts.begin(), m.parts.end(), std::string());
}

// Invariants every segmentation must keep, whatever the text.
void expect_consistent(const SegmentedMessage& m, std::string_view original) {
  ASSERT_EQ(m.parts.size(), m.part_units.size());
  ASSERT_FALSE(m.parts.empty());
  EXPECT_EQ(std::accumulate(m.part_units.begin(), m.part_units.end(), 0), m.total_units);
  EXPECT_EQ(joined(m), original);
  const bool gsm7 = m.encoding == Encoding::Gsm7;
  const int limit = !m.concatenated() ? (gsm7 ? 160 : 70) : (gsm7 ? 153 : 67);
  for (std::size_t i = 0; i < m.parts.size(); ++i) {
    EXPECT_LE(m.part_units[i], limit) << "part " << i;
    if (m.total_units > 0) {
      EXPECT_GT(m.part_units[i], 0) << "part " << i;  // no empty parts
    }
    // Each part re-segments to the units claimed for it (it is whole characters).
    const SegmentedMessage alone = segment(m.parts[i]);
    EXPECT_EQ(alone.total_units, m.part_units[i]) << "part " << i;
  }
}

}  // namespace

// ---------------------------------------------------------------- tables

TEST(Gsm7Table, BasicTableHas127CharactersAndExtensionTable10) {
  int basic = 0;
  int extension = 0;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    const int septets = gsm7_septets(cp);
    if (septets == 1) ++basic;
    if (septets == 2) ++extension;
  }
  EXPECT_EQ(basic, 127);  // 128 codes minus 0x1B (escape)
  EXPECT_EQ(extension, 10);
}

TEST(Gsm7Table, EveryBasicCharacterIsOneSeptet) {
  const std::u32string basic = decode_utf8(
      "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
      "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà");
  EXPECT_EQ(basic.size(), 127u);
  for (const char32_t cp : basic) EXPECT_EQ(gsm7_septets(cp), 1) << "U+" << std::hex << static_cast<int>(cp);
}

TEST(Gsm7Table, ExtensionCharactersAreTwoSeptets) {
  for (const char32_t cp : decode_utf8("\f^{}\\[~]|€")) {
    EXPECT_EQ(gsm7_septets(cp), 2) << "U+" << std::hex << static_cast<int>(cp);
  }
}

TEST(Gsm7Table, LookalikesAndControlsAreNotGsm7) {
  for (const char32_t cp : decode_utf8("`\t\x7F\x1B" "çÀÈáíóúê\u00A0\u0436\u03B1\uFFFD\U0001F600")) {
    EXPECT_EQ(gsm7_septets(cp), 0) << "U+" << std::hex << static_cast<int>(cp);
  }
}

// ---------------------------------------------------------------- UTF-8

TEST(Utf8, DecodesOneToFourByteSequences) {
  EXPECT_EQ(decode_utf8("a\u00E9\u20AC\U0001F600"), (std::u32string{U'a', 0xE9, 0x20AC, 0x1F600}));
  EXPECT_EQ(decode_utf8(""), std::u32string());
}

TEST(Utf8, InvalidSequencesBecomeOneReplacementPerMaximalSubpart) {
  constexpr char32_t R = 0xFFFD;
  EXPECT_EQ(decode_utf8("a\x80z"), (std::u32string{U'a', R, U'z'}));                // stray continuation
  EXPECT_EQ(decode_utf8("\xC0\xAF"), (std::u32string{R, R}));                      // overlong lead
  EXPECT_EQ(decode_utf8("\xE0\x80\x80"), (std::u32string{R, R, R}));               // overlong 3-byte
  EXPECT_EQ(decode_utf8("\xED\xA0\x80"), (std::u32string{R, R, R}));               // surrogate
  EXPECT_EQ(decode_utf8("\xF4\x90\x80\x80"), (std::u32string{R, R, R, R}));        // above U+10FFFF
  EXPECT_EQ(decode_utf8("\xE2\x82z"), (std::u32string{R, U'z'}));                  // truncated, then ASCII
  EXPECT_EQ(decode_utf8("\xF0\x9F\x98"), (std::u32string{R}));                     // truncated at end
  EXPECT_EQ(decode_utf8("\xFF\xFE"), (std::u32string{R, R}));
}

TEST(Utf8, EncodeRoundTripsAndReplacesNonScalarValues) {
  const std::string text = "h\u00E9llo \u20AC \u0436 \U0001F600";
  EXPECT_EQ(encode_utf8(decode_utf8(text)), text);
  EXPECT_EQ(encode_utf8(std::u32string{0xD800, 0x110000}), "\uFFFD\uFFFD");
}

// ---------------------------------------------------------------- GSM-7

TEST(SegmentGsm7, EmptyTextIsOnePartOfZeroUnits) {
  const SegmentedMessage m = segment("");
  EXPECT_EQ(m.encoding, Encoding::Gsm7);
  ASSERT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(m.parts[0], "");
  EXPECT_EQ(m.part_units, std::vector<int>{0});
  EXPECT_EQ(m.total_units, 0);
  EXPECT_FALSE(m.concatenated());
  EXPECT_EQ(billed_parts(""), 1);
}

TEST(SegmentGsm7, Exactly160SeptetsIsASingleSms) {
  const std::string text = repeat("a", 160);
  const SegmentedMessage m = segment(text);
  EXPECT_EQ(m.encoding, Encoding::Gsm7);
  EXPECT_EQ(m.part_units, std::vector<int>{160});
  EXPECT_FALSE(m.concatenated());
  expect_consistent(m, text);
}

TEST(SegmentGsm7, OneSeptetMoreSplitsInto153AndTheRest) {
  const std::string text = repeat("a", 161);
  const SegmentedMessage m = segment(text);
  EXPECT_EQ(m.part_units, (std::vector<int>{153, 8}));
  EXPECT_EQ(m.total_units, 161);
  EXPECT_TRUE(m.concatenated());
  expect_consistent(m, text);
}

TEST(SegmentGsm7, TwoFullPartsThenThree) {
  EXPECT_EQ(segment(repeat("a", 306)).part_units, (std::vector<int>{153, 153}));
  EXPECT_EQ(segment(repeat("a", 307)).part_units, (std::vector<int>{153, 153, 1}));
  EXPECT_EQ(billed_parts(repeat("a", 306)), 2);
  EXPECT_EQ(billed_parts(repeat("a", 307)), 3);
  expect_consistent(segment(repeat("a", 307)), repeat("a", 307));
}

TEST(SegmentGsm7, ExtensionCharacterOnAPartBoundaryMovesWhollyToTheNextPart) {
  // 152 septets, then '€' would need septets 153 and 154: it goes to part 2.
  const std::string text = repeat("a", 152) + kEuro + repeat("b", 10);
  const SegmentedMessage m = segment(text);
  EXPECT_EQ(m.encoding, Encoding::Gsm7);
  EXPECT_EQ(m.total_units, 164);
  EXPECT_EQ(m.part_units, (std::vector<int>{152, 12}));
  EXPECT_EQ(m.parts[0], repeat("a", 152));
  EXPECT_EQ(m.parts[1], kEuro + repeat("b", 10));
  expect_consistent(m, text);
}

TEST(SegmentGsm7, AMovedExtensionCharacterCanCostAWholeExtraPart) {
  // 306 septets fit two full parts, but the '€' cannot straddle septets 153/154: 152 + 153 + 1.
  const std::string text = repeat("a", 152) + kEuro + repeat("a", 152);
  const SegmentedMessage m = segment(text);
  EXPECT_EQ(m.total_units, 306);
  EXPECT_EQ(m.part_units, (std::vector<int>{152, 153, 1}));
  EXPECT_EQ(billed_parts(text), 3);
  expect_consistent(m, text);
}

TEST(SegmentGsm7, ExtensionCharacterEndingExactlyOnTheBoundaryStays) {
  const std::string text = repeat("a", 151) + kEuro + repeat("b", 10);  // 163 septets
  const SegmentedMessage m = segment(text);
  EXPECT_EQ(m.part_units, (std::vector<int>{153, 10}));
  EXPECT_EQ(m.parts[0], repeat("a", 151) + kEuro);
}

TEST(SegmentGsm7, ExtensionCharactersCountTwoSeptetsTowardTheSingleLimit) {
  EXPECT_EQ(segment(repeat(kEuro, 80)).part_units, std::vector<int>{160});   // 160 septets
  EXPECT_EQ(billed_parts(repeat(kEuro, 80)), 1);
  const SegmentedMessage m = segment(repeat(kEuro, 81));                      // 162 septets
  EXPECT_EQ(m.part_units, (std::vector<int>{152, 10}));                       // 76 whole '€' then 5
  EXPECT_EQ(billed_parts(repeat("a", 159) + "{"), 2);                         // 161 septets
  expect_consistent(m, repeat(kEuro, 81));
}

TEST(SegmentGsm7, NonAsciiBasicCharactersStayGsm7) {
  const std::string text = repeat("\u00E9", 160);  // é: 2 UTF-8 bytes, 1 septet
  const SegmentedMessage m = segment(text);
  EXPECT_EQ(m.encoding, Encoding::Gsm7);
  EXPECT_EQ(m.part_units, std::vector<int>{160});
}

// ---------------------------------------------------------------- UCS-2

TEST(SegmentUcs2, OneNonGsmCharacterMakesTheWholeTextUcs2) {
  const std::string text = repeat("a", 69) + kCyrillic;
  const SegmentedMessage m = segment(text);
  EXPECT_EQ(m.encoding, Encoding::Ucs2);
  EXPECT_EQ(m.part_units, std::vector<int>{70});
  // The same text GSM-7 fits in 1 SMS up to 160; one foreign character drops the limit to 70.
  EXPECT_EQ(billed_parts(repeat("a", 70) + kCyrillic), 2);
  // Extension characters are one unit in UCS-2.
  EXPECT_EQ(segment(repeat(kEuro, 69) + kCyrillic).total_units, 70);
}

TEST(SegmentUcs2, Exactly70UnitsIsASingleSms) {
  const SegmentedMessage m = segment(repeat(kCyrillic, 70));
  EXPECT_EQ(m.encoding, Encoding::Ucs2);
  EXPECT_EQ(m.part_units, std::vector<int>{70});
  EXPECT_FALSE(m.concatenated());
}

TEST(SegmentUcs2, SeventyOneSplitsInto67AndTheRest) {
  const std::string text = repeat(kCyrillic, 71);
  const SegmentedMessage m = segment(text);
  EXPECT_EQ(m.part_units, (std::vector<int>{67, 4}));
  expect_consistent(m, text);
}

TEST(SegmentUcs2, TwoFullPartsThenThree) {
  EXPECT_EQ(segment(repeat(kCyrillic, 134)).part_units, (std::vector<int>{67, 67}));
  EXPECT_EQ(segment(repeat(kCyrillic, 135)).part_units, (std::vector<int>{67, 67, 1}));
  EXPECT_EQ(billed_parts(repeat(kCyrillic, 134)), 2);
  EXPECT_EQ(billed_parts(repeat(kCyrillic, 135)), 3);
}

TEST(SegmentUcs2, ThirtyFiveEmojiFillExactly70Units) {
  const SegmentedMessage m = segment(repeat(kEmoji, 35));
  EXPECT_EQ(m.encoding, Encoding::Ucs2);
  EXPECT_EQ(m.part_units, std::vector<int>{70});
  EXPECT_EQ(m.parts[0], repeat(kEmoji, 35));
}

TEST(SegmentUcs2, SurrogatePairIsNeverSplitAcrossParts) {
  // 36 emoji = 72 units: 67 is odd, so part 1 holds 33 emoji (66 units) and the 34th moves on.
  const std::string text = repeat(kEmoji, 36);
  const SegmentedMessage m = segment(text);
  EXPECT_EQ(m.part_units, (std::vector<int>{66, 6}));
  EXPECT_EQ(m.parts[0], repeat(kEmoji, 33));
  EXPECT_EQ(m.parts[1], repeat(kEmoji, 3));
  expect_consistent(m, text);
}

TEST(SegmentUcs2, EmojiAfterOddPrefixFillsThePartExactly) {
  const std::string text = "x" + repeat(kEmoji, 40);  // 81 units
  const SegmentedMessage m = segment(text);
  EXPECT_EQ(m.part_units, (std::vector<int>{67, 14}));  // 1 + 33*2 = 67
  expect_consistent(m, text);
}

TEST(SegmentUcs2, InvalidUtf8IsSentAsUcs2WithReplacementCharacters) {
  const SegmentedMessage m = segment("ab\xFF" "c");
  EXPECT_EQ(m.encoding, Encoding::Ucs2);
  EXPECT_EQ(m.parts, std::vector<std::string>{"ab\uFFFDc"});
  EXPECT_EQ(m.total_units, 4);
}

// ---------------------------------------------------------------- mixed and long

TEST(Segment, LongMixedTextsKeepEveryInvariant) {
  const std::vector<std::string> texts = {
      repeat("Hello [world] {x} ~ \u20AC 12 ", 40),
      repeat("\u041F\u0440\u0438\u0432\u0435\u0442 \U0001F600 ", 50),
      repeat("a\U0001F44D", 200),
      repeat("\u00E9\u00E8^", 300),
  };
  for (const std::string& text : texts) {
    SCOPED_TRACE(text.substr(0, 30));
    expect_consistent(segment(text), text);
  }
}

TEST(Segment, ToStringNamesTheEncoding) {
  EXPECT_EQ(to_string(Encoding::Gsm7), "gsm7");
  EXPECT_EQ(to_string(Encoding::Ucs2), "ucs2");
}

// ---------------------------------------------------------------- UDH

TEST(ConcatenationUdh, HasTheSixBytesOfIei00) {
  EXPECT_EQ(concatenation_udh(0x42, 3, 1), (std::array<std::uint8_t, 6>{0x05, 0x00, 0x03, 0x42, 0x03, 0x01}));
  EXPECT_EQ(concatenation_udh(0xFF, 255, 255), (std::array<std::uint8_t, 6>{0x05, 0x00, 0x03, 0xFF, 0xFF, 0xFF}));
}

TEST(ConcatenationUdh, RejectsZeroTotalAndOutOfRangeSequence) {
  EXPECT_THROW(concatenation_udh(1, 0, 0), smsim::InvalidArgument);
  EXPECT_THROW(concatenation_udh(1, 3, 0), smsim::InvalidArgument);
  EXPECT_THROW(concatenation_udh(1, 3, 4), smsim::InvalidArgument);
}

TEST(CountParts, AgreesWithSegmentOnEveryBoundaryAndAlphabet) {
  std::mt19937 random(7);
  const std::vector<std::string> alphabet = {"a", "Z", "0", " ", "€", "{", "^", "é", "Ω", "ж", "中", "😀", "\n", "`"};
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int length = static_cast<int>(random() % 420);
    const bool gsm_only = round % 2 == 0;
    for (int i = 0; i < length; ++i) {
      text += alphabet[random() % (gsm_only ? 8 : alphabet.size())];
    }
    const auto segmented = smsim::domain::segment(text);
    const auto count = smsim::domain::count_parts(text);
    ASSERT_EQ(count.parts, static_cast<int>(segmented.parts.size())) << text;
    ASSERT_EQ(count.encoding, segmented.encoding) << text;
    ASSERT_EQ(count.total_units, segmented.total_units) << text;
  }
  EXPECT_EQ(smsim::domain::count_parts("").parts, 1);
  EXPECT_EQ(smsim::domain::count_parts("\xff\xfe").encoding, smsim::domain::Encoding::Ucs2);  // U+FFFD is not GSM-7
}
