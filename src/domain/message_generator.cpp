// Synthetic SMS traffic. See message_generator.hpp; everything here is part of the regeneration
// contract, so tables and draw order are fixed on purpose and std:: distributions (whose output
// differs between standard libraries) are not used.
#include "domain/message_generator.hpp"

#include <array>
#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "common/error.hpp"

namespace smsim::domain {
namespace {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

// The splitmix64 finaliser: a bijection on 64 bits with full avalanche, so nearby inputs
// (index 41 and 42) give unrelated outputs.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// FNV-1a: folds the campaign id into the key, so two campaigns with the same seed still differ.
constexpr std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return h;
}

// The per-message generator: splitmix64, seeded from hash(key, index). Lives on the stack of
// one at() call; nothing is shared between indices.
class Draws {
 public:
  explicit Draws(std::uint64_t state) : state_(state) {}

  std::uint64_t next() {
    state_ += kGolden;
    return mix64(state_);
  }

  // Uniform in [0, n) for n < 2^32 by multiply-shift on the high 32 bits (Lemire, without the
  // rejection step): the bias is below n / 2^32, invisible for the small n used here, and every
  // value costs exactly one draw, which keeps the draw order simple to reason about.
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32);
  }

 private:
  std::uint64_t state_;
};

// Printable GSM 03.38 basic-table characters that are also ASCII: one byte, one code point and
// one septet each. Extension-table characters (^{}[]~|\ and the euro sign) are deliberately absent
// because they cost two septets. Letters and spaces are repeated so texts look like words.
constexpr std::string_view kGsmChars =
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "              "
    ".,!?'\"-:;()@#%&*+=/<>$_";

// Non-Latin blocks for Unicode texts, every code point in each range assigned since Unicode 2.0.
// None of them is in the GSM-7 tables (GSM has some capital Greek letters, so only lower case).
struct Block {
  char32_t first;
  std::uint32_t count;
};
constexpr std::array<Block, 5> kScripts{{
    {U'\u03B1', 25},     // Greek small alpha..omega
    {U'\u0410', 64},     // Cyrillic capital A..small ya
    {U'\u3041', 86},     // Hiragana
    {U'\u4E00', 20902},  // CJK unified ideographs (URO)
    {U'\uAC00', 11172},  // Hangul syllables
}};
constexpr Block kEmoji{U'\U0001F600', 80};  // Emoticons: above U+FFFF, a surrogate pair in UCS-2

// Appends the UTF-8 form of `cp` at `out` and returns the new end. `cp` is a scalar value.
char* put_utf8(char* out, char32_t cp) {
  if (cp < 0x80) {
    *out++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out++ = static_cast<char>(0xC0 | (cp >> 6));
    *out++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out++ = static_cast<char>(0xE0 | (cp >> 12));
    *out++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out++ = static_cast<char>(0xF0 | (cp >> 18));
    *out++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

std::string gsm_text(Draws& draws, std::size_t length) {
  std::string text(length, ' ');
  for (char& c : text) c = kGsmChars[draws.below(static_cast<std::uint32_t>(kGsmChars.size()))];
  return text;
}

// One script per message (as real messages are written), with spaces and the odd emoji. The
// first character always comes from the script, so even a 1-character text needs UCS-2.
std::string unicode_text(Draws& draws, std::size_t length) {
  std::string text(length * 4, '\0');  // 4 bytes is the longest UTF-8 sequence
  const Block script = kScripts[draws.below(kScripts.size())];
  char* out = text.data();
  for (std::size_t i = 0; i < length; ++i) {
    const std::uint32_t roll = draws.below(16);
    char32_t cp;
    if (i > 0 && roll < 2) {
      cp = U' ';
    } else if (i > 0 && roll == 2) {
      cp = kEmoji.first + draws.below(kEmoji.count);
    } else {
      cp = script.first + draws.below(script.count);
    }
    out = put_utf8(out, cp);
  }
  text.resize(static_cast<std::size_t>(out - text.data()));
  return text;
}

// (country calling code, subscriber digits). Every row gives 8..15 digits in all.
struct Country {
  std::string_view code;
  int subscriber_digits;
};
constexpr std::array<Country, 10> kCountries{{
    {"1", 10},
    {"44", 10},
    {"49", 10},
    {"33", 9},
    {"61", 9},
    {"81", 10},
    {"91", 10},
    {"55", 11},
    {"34", 9},
    {"39", 10},
}};

std::string phone_number(Draws& draws) {
  const Country& country = kCountries[draws.below(kCountries.size())];
  std::string number;
  number.reserve(16);  // '+' and 15 digits: within the small-string buffer, no allocation
  number += '+';
  number += country.code;
  number += static_cast<char>('1' + draws.below(9));  // a subscriber number never starts with 0
  for (int i = 1; i < country.subscriber_digits; ++i) number += static_cast<char>('0' + draws.below(10));
  return number;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<Alphabet> parse_alphabet(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lower == "gsm7") return Alphabet::Gsm7;
  if (lower == "unicode") return Alphabet::Unicode;
  if (lower == "mixed") return Alphabet::Mixed;
  return std::nullopt;
}

std::string_view to_string(Alphabet alphabet) {
  switch (alphabet) {
    case Alphabet::Gsm7:
      return "gsm7";
    case Alphabet::Unicode:
      return "unicode";
    case Alphabet::Mixed:
      return "mixed";
  }
  return "unknown";
}

void validate(const GeneratorSettings& settings) {
  if (settings.min_length < 1 || settings.min_length > kMaxMessageLength) {
    throw InvalidArgument(fmt::format("min_length must be between 1 and {} (got {})", kMaxMessageLength,
                                      settings.min_length));
  }
  if (settings.max_length < 1 || settings.max_length > kMaxMessageLength) {
    throw InvalidArgument(fmt::format("max_length must be between 1 and {} (got {})", kMaxMessageLength,
                                      settings.max_length));
  }
  if (settings.min_length > settings.max_length) {
    throw InvalidArgument(fmt::format("min_length ({}) must not exceed max_length ({}); raise max_length or lower min_length",
                                      settings.min_length, settings.max_length));
  }
}

std::string message_id(std::string_view campaign_id, std::uint64_t index) {
  std::array<char, 20> digits;  // 2^64 - 1 has 20 decimal digits
  const auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), index);
  (void)ec;  // cannot fail: the buffer fits every uint64
  std::string id;
  id.reserve(campaign_id.size() + 1 + static_cast<std::size_t>(end - digits.data()));
  id += campaign_id;
  id += ':';
  id.append(digits.data(), end);
  return id;
}

std::optional<std::pair<std::string, std::uint64_t>> parse_message_id(std::string_view id) {
  const auto colon = id.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view campaign = id.substr(0, colon);
  const std::string_view index_text = id.substr(colon + 1);
  if (!is_valid_campaign_id(campaign)) return std::nullopt;
  if (index_text.empty() || index_text.size() > 20) return std::nullopt;
  for (char c : index_text) {
    if (!is_digit(c)) return std::nullopt;  // also rejects a second ':', signs and spaces
  }
  if (index_text.size() > 1 && index_text.front() == '0') return std::nullopt;
  std::uint64_t index = 0;
  const auto [end, ec] = std::from_chars(index_text.data(), index_text.data() + index_text.size(), index);
  if (ec != std::errc{} || end != index_text.data() + index_text.size()) return std::nullopt;  // overflow
  return std::pair{std::string(campaign), index};
}

std::string new_campaign_id(std::mt19937_64& random) {
  constexpr std::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";
  std::uint64_t bits = random();
  std::string id(12, 'c');
  for (std::size_t i = 1; i < id.size(); ++i) {
    id[i] = kBase32[bits & 31];
    bits >>= 5;
  }
  return id;
}

bool is_valid_campaign_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '-')) return false;
  }
  return true;
}

bool is_e164(std::string_view number) {
  if (number.size() < 9 || number.size() > 16 || number[0] != '+' || number[1] == '0') return false;
  for (char c : number.substr(1)) {
    if (!is_digit(c)) return false;
  }
  return true;
}

MessageGenerator::MessageGenerator(std::string campaign_id, std::uint64_t seed, GeneratorSettings settings)
    : campaign_id_(std::move(campaign_id)),
      seed_(seed),
      settings_(settings),
      key_(mix64(seed ^ mix64(fnv1a(campaign_id_)))) {
  if (!is_valid_campaign_id(campaign_id_)) {
    throw InvalidArgument(fmt::format(
        "campaign_id '{}' is not valid: use 1 to 64 characters of a-z, 0-9, '_' and '-'", campaign_id_));
  }
  validate(settings_);
}

SmsMessage MessageGenerator::at(std::uint64_t index) const {
  // The index-th output of a splitmix64 stream seeded with key_: a strong hash of (key, index),
  // used in turn as the seed of this message's own stream.
  Draws draws(mix64(key_ + (index + 1) * kGolden));

  // Draw order is fixed: alphabet choice, length, number, text.
  Alphabet alphabet = settings_.alphabet;
  if (alphabet == Alphabet::Mixed) alphabet = draws.below(2) == 0 ? Alphabet::Gsm7 : Alphabet::Unicode;
  const auto span = static_cast<std::uint32_t>(settings_.max_length - settings_.min_length + 1);
  const auto length = static_cast<std::size_t>(settings_.min_length) + draws.below(span);

  SmsMessage message;
  message.id = message_id(campaign_id_, index);
  message.campaign_id = campaign_id_;
  message.index = index;
  message.number = phone_number(draws);
  message.content = alphabet == Alphabet::Gsm7 ? gsm_text(draws, length) : unicode_text(draws, length);
  return message;
}

}  // namespace smsim::domain
