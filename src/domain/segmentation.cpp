#include "domain/segmentation.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "common/error.hpp"

namespace smsim::domain {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// The non-ASCII characters of the GSM 03.38 basic table (Unicode mapping of GSM0338.TXT), sorted
// for binary search. With LF, CR and the 86 printable ASCII characters that GSM-7 keeps, the basic
// table has 127 characters (its 128th code, 0x1B, is the escape to the extension table).
constexpr std::array<char32_t, 39> kBasicNonAscii = {
    0x00A1,  // ¡
    0x00A3,  // £
    0x00A4,  // ¤
    0x00A5,  // ¥
    0x00A7,  // §
    0x00BF,  // ¿
    0x00C4,  // Ä
    0x00C5,  // Å
    0x00C6,  // Æ
    0x00C7,  // Ç
    0x00C9,  // É
    0x00D1,  // Ñ
    0x00D6,  // Ö
    0x00D8,  // Ø
    0x00DC,  // Ü
    0x00DF,  // ß
    0x00E0,  // à
    0x00E4,  // ä
    0x00E5,  // å
    0x00E6,  // æ
    0x00E8,  // è
    0x00E9,  // é
    0x00EC,  // ì
    0x00F1,  // ñ
    0x00F2,  // ò
    0x00F6,  // ö
    0x00F8,  // ø
    0x00F9,  // ù
    0x00FC,  // ü
    0x0393,  // Γ
    0x0394,  // Δ
    0x0398,  // Θ
    0x039B,  // Λ
    0x039E,  // Ξ
    0x03A0,  // Π
    0x03A3,  // Σ
    0x03A6,  // Φ
    0x03A8,  // Ψ
    0x03A9,  // Ω
};
static_assert(std::is_sorted(kBasicNonAscii.begin(), kBasicNonAscii.end()));

bool is_scalar_value(char32_t cp) { return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF); }

int units_of(char32_t cp, Encoding encoding) {
  if (encoding == Encoding::Gsm7) return gsm7_septets(cp);
  return cp > 0xFFFF ? 2 : 1;  // a surrogate pair in UTF-16
}

}  // namespace

std::string_view to_string(Encoding encoding) {
  switch (encoding) {
    case Encoding::Gsm7:
      return "gsm7";
    case Encoding::Ucs2:
      return "ucs2";
  }
  return "unknown";
}

int gsm7_septets(char32_t cp) {
  if (cp < 0x80) {
    switch (cp) {
      case U'\n':
      case U'\r':
        return 1;
      case U'\f':  // extension 0x0A, "page break"
      case U'^':
      case U'{':
      case U'}':
      case U'\\':
      case U'[':
      case U']':
      case U'~':
      case U'|':
        return 2;
      case U'`':  // the only printable ASCII character GSM-7 lacks entirely
        return 0;
      default:
        return cp >= 0x20 && cp < 0x7F ? 1 : 0;  // other control characters (tab, ...) are not GSM-7
    }
  }
  if (cp == 0x20AC) return 2;  // €
  return std::binary_search(kBasicNonAscii.begin(), kBasicNonAscii.end(), cp) ? 1 : 0;
}

namespace {
void decode_utf8_into(std::string_view utf8, std::u32string& out);
}  // namespace

std::u32string decode_utf8(std::string_view utf8) {
  std::u32string out;
  decode_utf8_into(utf8, out);
  return out;
}

namespace {
void decode_utf8_into(std::string_view utf8, std::u32string& out) {
  out.clear();
  out.reserve(utf8.size());
  std::size_t i = 0;
  while (i < utf8.size()) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    if (lead < 0x80) {
      out.push_back(lead);
      ++i;
      continue;
    }
    // Length and the allowed range of the *second* byte, which is what excludes overlongs (E0, F0),
    // surrogates (ED) and values above U+10FFFF (F4) (Unicode Table 3-7).
    int length = 0;
    char32_t cp = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      cp = lead & 0x0F;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      cp = lead & 0x07;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      out.push_back(kReplacement);  // stray continuation byte, C0/C1, F5..FF
      ++i;
      continue;
    }
    // Consume continuation bytes while they fit; a sequence cut short is one maximal subpart and
    // becomes a single U+FFFD, and the byte that broke it is decoded afresh.
    std::size_t j = i + 1;
    bool complete = true;
    for (int k = 1; k < length; ++k) {
      if (j >= utf8.size()) {
        complete = false;
        break;
      }
      const auto byte = static_cast<unsigned char>(utf8[j]);
      if (byte < (k == 1 ? low : 0x80) || byte > (k == 1 ? high : 0xBF)) {
        complete = false;
        break;
      }
      cp = (cp << 6) | (byte & 0x3F);
      ++j;
    }
    out.push_back(complete ? cp : kReplacement);
    i = j;
  }
}
}  // namespace

std::string encode_utf8(std::u32string_view code_points) {
  std::string out;
  out.reserve(code_points.size());
  for (char32_t cp : code_points) {
    if (!is_scalar_value(cp)) cp = kReplacement;
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

namespace {
// Walks the greedy part split of decoded text: calls on_part(begin, end, units) for each part.
template <typename OnPart>
Encoding split(std::u32string_view text, OnPart&& on_part) {
  // One character outside GSM-7 makes the whole message UCS-2: an SMS has a single data coding.
  const bool gsm7 = std::all_of(text.begin(), text.end(), [](char32_t cp) { return gsm7_septets(cp) > 0; });
  const auto encoding = gsm7 ? Encoding::Gsm7 : Encoding::Ucs2;
  int total_units = 0;
  for (const char32_t cp : text) total_units += units_of(cp, encoding);
  if (total_units <= (gsm7 ? kGsm7SingleUnits : kUcs2SingleUnits)) {
    on_part(std::size_t{0}, text.size(), total_units);
    return encoding;
  }
  // Greedy fill by whole characters: a 2-unit character (GSM-7 extension, UTF-16 surrogate pair)
  // that does not fit moves wholly to the next part, leaving that part one unit short.
  const int part_limit = gsm7 ? kGsm7PartUnits : kUcs2PartUnits;
  std::size_t part_begin = 0;
  int part_units = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int units = units_of(text[i], encoding);
    if (part_units + units > part_limit) {
      on_part(part_begin, i, part_units);
      part_begin = i;
      part_units = 0;
    }
    part_units += units;
  }
  on_part(part_begin, text.size(), part_units);
  return encoding;
}
}  // namespace

SegmentedMessage segment(std::string_view utf8_text) {
  const std::u32string text = decode_utf8(utf8_text);
  SegmentedMessage message;
  message.encoding = split(text, [&](std::size_t begin, std::size_t end, int units) {
    message.parts.push_back(encode_utf8(std::u32string_view(text).substr(begin, end - begin)));
    message.part_units.push_back(units);
    message.total_units += units;
  });
  return message;
}

PartCount count_parts(std::string_view utf8_text) {
  thread_local std::u32string text;  // reused: counting allocates nothing once warm
  decode_utf8_into(utf8_text, text);
  PartCount count;
  count.encoding = split(text, [&](std::size_t, std::size_t, int units) {
    ++count.parts;
    count.total_units += units;
  });
  return count;
}

int billed_parts(std::string_view utf8_text) { return count_parts(utf8_text).parts; }

std::array<std::uint8_t, 6> concatenation_udh(std::uint8_t reference, std::uint8_t total,
                                              std::uint8_t sequence) {
  if (total == 0) {
    throw InvalidArgument("concatenation UDH: total parts is 0; a concatenated message has 1 to 255 parts");
  }
  if (sequence == 0 || sequence > total) {
    throw InvalidArgument(fmt::format(
        "concatenation UDH: sequence {} is outside 1..{}; sequence numbers are 1-based and at most the total",
        sequence, total));
  }
  return {0x05, 0x00, 0x03, reference, total, sequence};
}

}  // namespace smsim::domain
