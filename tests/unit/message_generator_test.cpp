#include "domain/message_generator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "common/error.hpp"

using namespace smsim::domain;

namespace {

// An independent strict UTF-8 decoder (rejects overlongs, surrogates, values above U+10FFFF and
// truncated sequences), so the tests do not trust the encoder they are checking.
std::optional<std::vector<char32_t>> decode_utf8(std::string_view text) {
  std::vector<char32_t> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    int extra;
    char32_t cp;
    char32_t min;
    if (b0 < 0x80) {
      extra = 0, cp = b0, min = 0;
    } else if ((b0 & 0xE0) == 0xC0) {
      extra = 1, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      extra = 2, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      extra = 3, cp = b0 & 0x07, min = 0x10000;
    } else {
      return std::nullopt;
    }
    if (i + static_cast<std::size_t>(extra) >= text.size()) return std::nullopt;  // truncated
    for (int k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((b & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    out.push_back(cp);
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

// Printable characters of the GSM 03.38 basic table (LF, CR and ESC left out), as Unicode.
const std::set<char32_t>& gsm_basic_printable() {
  static const std::set<char32_t> table = [] {
    std::set<char32_t> t{U'@', U'£', U'$', U'¥', U'è', U'é', U'ù', U'ì', U'ò', U'Ç', U'Ø', U'ø', U'Å', U'å',
                         U'Δ', U'_', U'Φ', U'Γ', U'Λ', U'Ω', U'Π', U'Ψ', U'Σ', U'Θ', U'Ξ', U'Æ', U'æ', U'ß',
                         U'É', U' ', U'!', U'"', U'#', U'¤', U'%', U'&', U'\'', U'(', U')', U'*', U'+', U',',
                         U'-', U'.', U'/', U':', U';', U'<', U'=', U'>', U'?', U'¡', U'Ä', U'Ö', U'Ñ', U'Ü',
                         U'§', U'¿', U'ä', U'ö', U'ñ', U'ü', U'à'};
    for (char32_t c = U'0'; c <= U'9'; ++c) t.insert(c);
    for (char32_t c = U'A'; c <= U'Z'; ++c) t.insert(c);
    for (char32_t c = U'a'; c <= U'z'; ++c) t.insert(c);
    return t;
  }();
  return table;
}

// Anything GSM-7 can carry at all, basic or extension table.
bool in_gsm7(char32_t cp) {
  static const std::set<char32_t> extension{U'\f', U'^', U'{', U'}', U'\\', U'[', U'~', U']', U'|', U'€'};
  return gsm_basic_printable().count(cp) > 0 || extension.count(cp) > 0 || cp == U'\n' || cp == U'\r';
}

std::size_t code_points(std::string_view text) {
  const auto decoded = decode_utf8(text);
  return decoded ? decoded->size() : 0;
}

bool needs_ucs2(std::string_view text) {
  const auto decoded = decode_utf8(text);
  return decoded && std::any_of(decoded->begin(), decoded->end(), [](char32_t cp) { return !in_gsm7(cp); });
}

MessageGenerator make(Alphabet alphabet, int min_length = 1, int max_length = 100, std::uint64_t seed = 42) {
  return MessageGenerator("c7f3a2b1test", seed, GeneratorSettings{min_length, max_length, alphabet});
}

}  // namespace

// --- the test helper itself -----------------------------------------------------------------------

TEST(Utf8Decoder, RejectsMalformedInput) {
  EXPECT_TRUE(decode_utf8("a\xC3\xA9z"));
  EXPECT_FALSE(decode_utf8("\xC3"));              // truncated
  EXPECT_FALSE(decode_utf8("\xE4\xB8"));          // truncated
  EXPECT_FALSE(decode_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(decode_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(decode_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(decode_utf8("\x80"));              // stray continuation
}

// --- lengths -----------------------------------------------------------------------------------------

TEST(MessageGenerator, DefaultSettingsGiveOneToHundredCharacters) {
  const GeneratorSettings defaults;
  EXPECT_EQ(defaults.min_length, 1);
  EXPECT_EQ(defaults.max_length, 100);
  EXPECT_EQ(defaults.alphabet, Alphabet::Gsm7);
  const MessageGenerator generator("c1", 7, defaults);
  std::size_t shortest = 1000, longest = 0;
  for (std::uint64_t i = 0; i < 20'000; ++i) {
    const std::size_t n = code_points(generator.at(i).content);
    shortest = std::min(shortest, n);
    longest = std::max(longest, n);
  }
  EXPECT_EQ(shortest, 1u);
  EXPECT_EQ(longest, 100u);
}

TEST(MessageGenerator, LengthsStayWithinBoundsAndReachBothEndsInEveryAlphabet) {
  for (const Alphabet alphabet : {Alphabet::Gsm7, Alphabet::Unicode, Alphabet::Mixed}) {
    for (const auto& [lo, hi] : std::vector<std::pair<int, int>>{{1, 100}, {5, 7}, {160, 161}, {1, 1}, {1600, 1600}}) {
      const auto generator = make(alphabet, lo, hi);
      std::size_t shortest = 100'000, longest = 0;
      const std::uint64_t count = hi >= 1000 ? 500 : 20'000;
      for (std::uint64_t i = 0; i < count; ++i) {
        const std::size_t n = code_points(generator.at(i).content);
        ASSERT_GE(n, static_cast<std::size_t>(lo)) << to_string(alphabet) << " index " << i;
        ASSERT_LE(n, static_cast<std::size_t>(hi)) << to_string(alphabet) << " index " << i;
        shortest = std::min(shortest, n);
        longest = std::max(longest, n);
      }
      EXPECT_EQ(shortest, static_cast<std::size_t>(lo)) << to_string(alphabet) << " " << lo << ".." << hi;
      EXPECT_EQ(longest, static_cast<std::size_t>(hi)) << to_string(alphabet) << " " << lo << ".." << hi;
    }
  }
}

TEST(MessageGenerator, LengthsAreRoughlyUniform) {
  const auto generator = make(Alphabet::Gsm7, 1, 10);
  std::vector<int> histogram(11, 0);
  for (std::uint64_t i = 0; i < 100'000; ++i) ++histogram[generator.at(i).content.size()];
  for (int n = 1; n <= 10; ++n) {
    EXPECT_GT(histogram[static_cast<std::size_t>(n)], 9'000) << n;
    EXPECT_LT(histogram[static_cast<std::size_t>(n)], 11'000) << n;
  }
}

// --- alphabets ---------------------------------------------------------------------------------------

TEST(MessageGenerator, Gsm7TextsUseOnlyPrintableBasicTableCharacters) {
  const auto generator = make(Alphabet::Gsm7);
  const auto& table = gsm_basic_printable();
  for (std::uint64_t i = 0; i < 20'000; ++i) {
    const std::string content = generator.at(i).content;
    const auto decoded = decode_utf8(content);
    ASSERT_TRUE(decoded) << "index " << i;
    for (char32_t cp : *decoded) {
      ASSERT_TRUE(table.count(cp)) << "index " << i << " has U+" << std::hex << static_cast<std::uint32_t>(cp);
    }
  }
}

TEST(MessageGenerator, UnicodeTextsAreValidUtf8AndNeedUcs2) {
  const auto generator = make(Alphabet::Unicode);
  bool saw_astral = false;  // above U+FFFF: a surrogate pair in UCS-2/UTF-16
  for (std::uint64_t i = 0; i < 20'000; ++i) {
    const std::string content = generator.at(i).content;
    const auto decoded = decode_utf8(content);
    ASSERT_TRUE(decoded) << "index " << i << " is not valid UTF-8";
    ASSERT_TRUE(needs_ucs2(content)) << "index " << i << ": " << content;
    saw_astral = saw_astral || std::any_of(decoded->begin(), decoded->end(), [](char32_t cp) { return cp > 0xFFFF; });
  }
  EXPECT_TRUE(saw_astral);
}

TEST(MessageGenerator, UnicodeTextsDrawFromTheDocumentedBlocksOnly) {
  struct Range {
    char32_t first, last;
  };
  const std::vector<Range> blocks{{U'\u03B1', U'\u03C9'}, {U'\u0410', U'\u044F'}, {U'\u3041', U'\u3096'},
                                  {U'\u4E00', U'\u9FA5'}, {U'\uAC00', U'\uD7A3'}, {U'\U0001F600', U'\U0001F64F'},
                                  {U' ', U' '}};
  std::vector<int> hits(blocks.size(), 0);
  const auto generator = make(Alphabet::Unicode);
  for (std::uint64_t i = 0; i < 5'000; ++i) {
    const auto decoded = decode_utf8(generator.at(i).content);
    ASSERT_TRUE(decoded);
    for (char32_t cp : *decoded) {
      const auto in = std::find_if(blocks.begin(), blocks.end(), [cp](Range r) { return cp >= r.first && cp <= r.last; });
      ASSERT_NE(in, blocks.end()) << "index " << i << " has U+" << std::hex << static_cast<std::uint32_t>(cp);
      ++hits[static_cast<std::size_t>(in - blocks.begin())];
    }
  }
  for (std::size_t b = 0; b < blocks.size(); ++b) EXPECT_GT(hits[b], 0) << "block " << b << " never used";
}

TEST(MessageGenerator, OneCharacterUnicodeTextStillNeedsUcs2) {
  const auto generator = make(Alphabet::Unicode, 1, 1);
  for (std::uint64_t i = 0; i < 2'000; ++i) ASSERT_TRUE(needs_ucs2(generator.at(i).content)) << i;
}

TEST(MessageGenerator, MixedGivesBothKindsInRoughlyEqualShares) {
  const auto generator = make(Alphabet::Mixed);
  int unicode = 0;
  const int total = 20'000;
  for (std::uint64_t i = 0; i < total; ++i) {
    const std::string content = generator.at(i).content;
    ASSERT_TRUE(decode_utf8(content)) << i;
    if (needs_ucs2(content)) ++unicode;
  }
  EXPECT_GT(unicode, total * 45 / 100);
  EXPECT_LT(unicode, total * 55 / 100);
}

TEST(Alphabet, ParsesAndPrintsEveryName) {
  for (const Alphabet a : {Alphabet::Gsm7, Alphabet::Unicode, Alphabet::Mixed}) EXPECT_EQ(parse_alphabet(to_string(a)), a);
  EXPECT_EQ(to_string(Alphabet::Gsm7), "gsm7");
  EXPECT_EQ(to_string(Alphabet::Unicode), "unicode");
  EXPECT_EQ(to_string(Alphabet::Mixed), "mixed");
  EXPECT_EQ(parse_alphabet("GSM7"), Alphabet::Gsm7);
  EXPECT_FALSE(parse_alphabet(""));
  EXPECT_FALSE(parse_alphabet("gsm"));
  EXPECT_FALSE(parse_alphabet("ucs2"));
  EXPECT_FALSE(parse_alphabet(" mixed"));
}

// --- phone numbers -----------------------------------------------------------------------------------

TEST(MessageGenerator, EveryNumberIsE164AndSeveralCountriesAppear) {
  const auto generator = make(Alphabet::Mixed);
  std::set<std::string> prefixes;
  std::unordered_set<std::string> numbers;
  for (std::uint64_t i = 0; i < 20'000; ++i) {
    const std::string number = generator.at(i).number;
    ASSERT_TRUE(is_e164(number)) << number;
    prefixes.insert(number.substr(0, 3));
    numbers.insert(number);
  }
  EXPECT_GE(prefixes.size(), 10u);
  EXPECT_GT(numbers.size(), 19'900u);  // random numbers: collisions are rare
}

TEST(IsE164, AcceptsAndRejects) {
  EXPECT_TRUE(is_e164("+15551234567"));
  EXPECT_TRUE(is_e164("+12345678"));         // 8 digits
  EXPECT_TRUE(is_e164("+123456789012345"));  // 15 digits
  for (const char* bad : {"12345", "+0123456789", "+1 555", "+1234567890123456", "", "+", "+1234567",
                          "15551234567", "+1555123456a", "++15551234567", "+1-555-123-4567"}) {
    EXPECT_FALSE(is_e164(bad)) << bad;
  }
}

// --- determinism and ids ---------------------------------------------------------------------------

TEST(MessageGenerator, SameInputsGiveSameMessageWhateverTheCallOrder) {
  const auto forward = make(Alphabet::Mixed);
  std::vector<SmsMessage> expected;
  for (std::uint64_t i = 0; i < 1'000; ++i) expected.push_back(forward.at(i));

  const auto other = make(Alphabet::Mixed);  // a separate instance, used backwards and with gaps
  std::vector<std::uint64_t> order(1'000);
  std::iota(order.begin(), order.end(), 0);
  std::reverse(order.begin(), order.end());
  std::rotate(order.begin(), order.begin() + 377, order.end());
  (void)other.at(123'456'789);
  for (const std::uint64_t i : order) {
    const SmsMessage m = other.at(i);
    EXPECT_EQ(m.id, expected[i].id);
    EXPECT_EQ(m.campaign_id, expected[i].campaign_id);
    EXPECT_EQ(m.index, i);
    EXPECT_EQ(m.number, expected[i].number);
    EXPECT_EQ(m.content, expected[i].content);
  }
}

TEST(MessageGenerator, ConcurrentCallsAgreeWithSequentialOnes) {
  const auto generator = make(Alphabet::Mixed);
  std::vector<std::string> expected;
  for (std::uint64_t i = 0; i < 2'000; ++i) expected.push_back(generator.at(i).content);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint64_t i = 0; i < 2'000; ++i) {
        if (generator.at(i).content != expected[i]) ++mismatches[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(MessageGenerator, DifferentSeedsOrCampaignsGiveDifferentTexts) {
  const GeneratorSettings settings{20, 40, Alphabet::Gsm7};
  const MessageGenerator a("c1", 1, settings);
  const MessageGenerator b("c1", 2, settings);
  const MessageGenerator c("c2", 1, settings);
  for (std::uint64_t i = 0; i < 1'000; ++i) {
    EXPECT_NE(a.at(i).content, b.at(i).content) << i;
    EXPECT_NE(a.at(i).content, c.at(i).content) << i;
  }
}

TEST(MessageGenerator, NeighbouringIndicesAreUnrelated) {
  const auto generator = make(Alphabet::Gsm7, 30, 30);
  std::unordered_set<std::string> texts;
  for (std::uint64_t i = 0; i < 10'000; ++i) texts.insert(generator.at(i).content);
  EXPECT_EQ(texts.size(), 10'000u);
}

TEST(MessageGenerator, IdsAreUniqueAndNameTheirMessage) {
  const auto generator = make(Alphabet::Gsm7, 1, 1);
  std::unordered_set<std::string> ids;
  for (std::uint64_t i = 0; i < 100'000; ++i) {
    const SmsMessage m = generator.at(i);
    ASSERT_EQ(m.campaign_id, "c7f3a2b1test");
    ASSERT_EQ(m.index, i);
    ASSERT_EQ(m.id, message_id(m.campaign_id, i));
    ids.insert(m.id);
  }
  EXPECT_EQ(ids.size(), 100'000u);
}

// The generation algorithm is a persisted format: a crashed campaign is regenerated from
// (campaign id, seed, settings). If this test fails after a change, in-flight campaigns would
// resume with different messages; change the expected values only if that is intended.
TEST(MessageGenerator, GoldenOutputIsStable) {
  const MessageGenerator gsm("golden", 20240601, GeneratorSettings{1, 100, Alphabet::Gsm7});
  const SmsMessage m0 = gsm.at(0);
  EXPECT_EQ(m0.id, "golden:0");
  EXPECT_EQ(m0.number, "+5536806459038");
  EXPECT_EQ(m0.content, "U0 Wom ?Ixo!a0s%7pcPwVg eQV  d6mhGmHz# ;av(hszV0V04wjvN>rk");
  const SmsMessage far = gsm.at(9'999'999);
  EXPECT_EQ(far.number, "+498109686922");
  EXPECT_EQ(far.content, "nHBt\"ab tv +18V9oap cQsgjaHaidm   $ eboinuycJnfNtF'mLcj 3rf+ot5");
  const MessageGenerator uni("golden", 20240601, GeneratorSettings{5, 12, Alphabet::Unicode});
  EXPECT_EQ(uni.at(7).content, "\xE7\xA8\x99\xE8\xB1\x9F\xE9\xA0\x8F\xE5\x9D\xB1\xE5\xA2\xAF\xE5\x9A\x84\xE9\xA7\x83\xE7\x8A\xA8\xE5\x94\xA2\xE7\x86\xB4");
}

TEST(MessageId, RoundTrips) {
  for (const std::uint64_t index : {std::uint64_t{0}, std::uint64_t{42}, std::uint64_t{9'999'999},
                                    std::numeric_limits<std::uint64_t>::max()}) {
    for (const char* campaign : {"c7f3a2b1", "cabcdefgh234", "my-campaign_01"}) {
      const std::string id = message_id(campaign, index);
      const auto parsed = parse_message_id(id);
      ASSERT_TRUE(parsed) << id;
      EXPECT_EQ(parsed->first, campaign);
      EXPECT_EQ(parsed->second, index);
    }
  }
  EXPECT_EQ(message_id("c7f3a2b1", 42), "c7f3a2b1:42");
  EXPECT_EQ(message_id("c1", 18446744073709551615ULL), "c1:18446744073709551615");
}

TEST(MessageId, RejectsMalformedIds) {
  for (const char* bad : {"abc", "c1:", ":5", "c1:-5", "c1:5x", "c1:99999999999999999999999", "", ":", "c1:+5",
                          "c1: 5", "c1:5 ", "c1:2:3", "c1:007", "C1:5", "c 1:5", "c1:18446744073709551616"}) {
    EXPECT_FALSE(parse_message_id(bad)) << bad;
  }
  EXPECT_EQ(parse_message_id("c1:0")->second, 0u);
}

// --- campaign ids ------------------------------------------------------------------------------------

TEST(CampaignId, NewIdsAreTwelveCharsValidAndDistinct) {
  std::mt19937_64 random(12345);
  std::unordered_set<std::string> ids;
  for (int i = 0; i < 10'000; ++i) {
    const std::string id = new_campaign_id(random);
    ASSERT_EQ(id.size(), 12u) << id;
    ASSERT_EQ(id[0], 'c') << id;
    for (char ch : id.substr(1)) ASSERT_TRUE((ch >= 'a' && ch <= 'z') || (ch >= '2' && ch <= '7')) << id;
    ASSERT_TRUE(is_valid_campaign_id(id)) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 10'000u);
}

TEST(CampaignId, ValidatesUserIds) {
  EXPECT_TRUE(is_valid_campaign_id("a"));
  EXPECT_TRUE(is_valid_campaign_id("alert-2024_06"));
  EXPECT_TRUE(is_valid_campaign_id(std::string(64, 'x')));
  for (const std::string& bad : {std::string(), std::string(65, 'x'), std::string("Alert"), std::string("a:b"),
                                std::string("a b"), std::string("a/b"), std::string("caf\xC3\xA9")}) {
    EXPECT_FALSE(is_valid_campaign_id(bad)) << bad;
  }
}

// --- settings ----------------------------------------------------------------------------------------

TEST(GeneratorSettings, ValidateRejectsOutOfRangeWithTheFieldName) {
  const auto expect_rejected = [](GeneratorSettings s, const std::string& field) {
    try {
      validate(s);
      ADD_FAILURE() << "accepted " << s.min_length << ".." << s.max_length;
    } catch (const smsim::InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  expect_rejected({0, 100, Alphabet::Gsm7}, "min_length");
  expect_rejected({-3, 100, Alphabet::Gsm7}, "min_length");
  expect_rejected({1, 0, Alphabet::Gsm7}, "max_length");
  expect_rejected({1, 1601, Alphabet::Gsm7}, "max_length");
  expect_rejected({1601, 1601, Alphabet::Gsm7}, "min_length");
  expect_rejected({50, 10, Alphabet::Gsm7}, "min_length");
  expect_rejected({50, 10, Alphabet::Gsm7}, "max_length");
  EXPECT_NO_THROW(validate({1, 1, Alphabet::Gsm7}));
  EXPECT_NO_THROW(validate({1600, 1600, Alphabet::Unicode}));
  EXPECT_NO_THROW(validate(GeneratorSettings{}));
}

TEST(MessageGenerator, ConstructorValidatesSettingsAndCampaignId) {
  EXPECT_THROW(MessageGenerator("c1", 1, GeneratorSettings{0, 10, Alphabet::Gsm7}), smsim::InvalidArgument);
  EXPECT_THROW(MessageGenerator("c1:x", 1, GeneratorSettings{}), smsim::InvalidArgument);
  EXPECT_THROW(MessageGenerator("", 1, GeneratorSettings{}), smsim::InvalidArgument);
  const MessageGenerator ok("c1", 1, GeneratorSettings{3, 9, Alphabet::Mixed});
  EXPECT_EQ(ok.campaign_id(), "c1");
  EXPECT_EQ(ok.settings().min_length, 3);
  EXPECT_EQ(ok.settings().max_length, 9);
  EXPECT_EQ(ok.settings().alphabet, Alphabet::Mixed);
}
