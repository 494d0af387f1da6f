#include "smpp/text.hpp"

#include <array>

#include "domain/segmentation.hpp"
#include "smpp/pdu.hpp"

namespace smsim::smpp {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr std::uint8_t kEscape = 0x1B;

// GSM 03.38 default alphabet, septet value -> Unicode (0x1B, the escape, maps to nothing here).
constexpr std::array<char32_t, 128> kBasic = {
    U'@',    U'£',    U'$',    U'¥',    U'è',    U'é',    U'ù',    U'ì',    U'ò',    U'Ç',    U'\n',   U'Ø',    U'ø',
    U'\r',   U'Å',    U'å',    U'Δ',    U'_',    U'Φ',    U'Γ',    U'Λ',    U'Ω',    U'Π',    U'Ψ',    U'Σ',    U'Θ',
    U'Ξ',    0,       U'Æ',    U'æ',    U'ß',    U'É',    U' ',    U'!',    U'"',    U'#',    U'¤',    U'%',    U'&',
    U'\'',   U'(',    U')',    U'*',    U'+',    U',',    U'-',    U'.',    U'/',    U'0',    U'1',    U'2',    U'3',
    U'4',    U'5',    U'6',    U'7',    U'8',    U'9',    U':',    U';',    U'<',    U'=',    U'>',    U'?',    U'¡',
    U'A',    U'B',    U'C',    U'D',    U'E',    U'F',    U'G',    U'H',    U'I',    U'J',    U'K',    U'L',    U'M',
    U'N',    U'O',    U'P',    U'Q',    U'R',    U'S',    U'T',    U'U',    U'V',    U'W',    U'X',    U'Y',    U'Z',
    U'Ä',    U'Ö',    U'Ñ',    U'Ü',    U'§',    U'¿',    U'a',    U'b',    U'c',    U'd',    U'e',    U'f',    U'g',
    U'h',    U'i',    U'j',    U'k',    U'l',    U'm',    U'n',    U'o',    U'p',    U'q',    U'r',    U's',    U't',
    U'u',    U'v',    U'w',    U'x',    U'y',    U'z',    U'ä',    U'ö',    U'ñ',    U'ü',    U'à',
};

// The extension table (after ESC): septet value -> Unicode.
struct Extension {
  std::uint8_t code;
  char32_t cp;
};
constexpr std::array<Extension, 10> kExtension = {{
    {0x0A, U'\f'},
    {0x14, U'^'},
    {0x28, U'{'},
    {0x29, U'}'},
    {0x2F, U'\\'},
    {0x3C, U'['},
    {0x3D, U'~'},
    {0x3E, U']'},
    {0x40, U'|'},
    {0x65, 0x20AC},  // €
}};

// Reverse lookup for the basic table: a small linear scan is fine (128 entries, only on encode of
// non-ASCII characters; ASCII takes the fast path below).
std::optional<std::uint8_t> basic_code(char32_t cp) {
  for (std::size_t i = 0; i < kBasic.size(); ++i) {
    if (i != kEscape && kBasic[i] == cp) return static_cast<std::uint8_t>(i);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> encode_gsm7(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char32_t cp : text) {
    const int septets = domain::gsm7_septets(cp);
    if (septets == 0) return std::nullopt;
    if (septets == 2) {
      for (const auto& e : kExtension) {
        if (e.cp == cp) {
          out.push_back(static_cast<char>(kEscape));
          out.push_back(static_cast<char>(e.code));
          break;
        }
      }
      continue;
    }
    // ASCII letters and digits sit at their ASCII values in GSM 03.38; the rest needs the table.
    if ((cp >= U'A' && cp <= U'Z') || (cp >= U'a' && cp <= U'z') || (cp >= U'0' && cp <= U'9') || cp == U' ') {
      out.push_back(static_cast<char>(cp));
      continue;
    }
    const auto code = basic_code(cp);
    if (!code) return std::nullopt;  // cannot happen while the two tables agree (a unit test checks)
    out.push_back(static_cast<char>(*code));
  }
  return out;
}

std::u32string decode_gsm7(std::string_view septets) {
  std::u32string out;
  out.reserve(septets.size());
  for (std::size_t i = 0; i < septets.size(); ++i) {
    const auto code = static_cast<std::uint8_t>(septets[i]);
    if (code >= 0x80) {
      out.push_back(kReplacement);
      continue;
    }
    if (code != kEscape) {
      out.push_back(kBasic[code]);
      continue;
    }
    if (i + 1 >= septets.size()) break;  // trailing ESC
    const auto next = static_cast<std::uint8_t>(septets[++i]);
    char32_t cp = next < 0x80 && next != kEscape ? kBasic[next] : kReplacement;
    for (const auto& e : kExtension) {
      if (e.code == next) cp = e.cp;
    }
    out.push_back(cp);
  }
  return out;
}

std::string encode_ucs2(std::u32string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  const auto unit = [&out](std::uint16_t u) {
    out.push_back(static_cast<char>(u >> 8));
    out.push_back(static_cast<char>(u & 0xFF));
  };
  for (char32_t cp : text) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacement;
    if (cp > 0xFFFF) {
      const char32_t v = cp - 0x10000;
      unit(static_cast<std::uint16_t>(0xD800 + (v >> 10)));
      unit(static_cast<std::uint16_t>(0xDC00 + (v & 0x3FF)));
    } else {
      unit(static_cast<std::uint16_t>(cp));
    }
  }
  return out;
}

std::optional<std::u32string> decode_ucs2(std::string_view octets) {
  if (octets.size() % 2 != 0) return std::nullopt;
  std::u32string out;
  out.reserve(octets.size() / 2);
  const auto unit_at = [&octets](std::size_t i) {
    return static_cast<char32_t>((static_cast<std::uint8_t>(octets[i]) << 8) | static_cast<std::uint8_t>(octets[i + 1]));
  };
  for (std::size_t i = 0; i < octets.size(); i += 2) {
    const char32_t u = unit_at(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < octets.size()) {
      const char32_t low = unit_at(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        out.push_back(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
        i += 2;
        continue;
      }
    }
    out.push_back(u >= 0xD800 && u <= 0xDFFF ? kReplacement : u);
  }
  return out;
}

std::optional<std::string> decode_text(std::uint8_t data_coding, std::string_view octets) {
  switch (data_coding) {
    case kDataCodingDefault:
      return domain::encode_utf8(decode_gsm7(octets));
    case kDataCodingUcs2: {
      auto text = decode_ucs2(octets);
      if (!text) return std::nullopt;
      return domain::encode_utf8(*text);
    }
    case kDataCodingIa5: {
      std::u32string text;
      for (const char c : octets) text.push_back(static_cast<std::uint8_t>(c) < 0x80 ? static_cast<char32_t>(c) : kReplacement);
      return domain::encode_utf8(text);
    }
    default: {
      std::u32string text;
      for (const char c : octets) text.push_back(static_cast<std::uint8_t>(c));
      return domain::encode_utf8(text);
    }
  }
}

}  // namespace smsim::smpp
