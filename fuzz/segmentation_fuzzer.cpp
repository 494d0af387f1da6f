// Fuzzes SMS segmentation (src/domain/segmentation.hpp) with arbitrary bytes as message text.
//
// Invariants (docs/fuzzing.md, docs/segmentation.md):
//  - decode_utf8 agrees with an independent reference decoder written here (bit arithmetic plus
//    range checks, not the Unicode table the library uses): valid sequences give their code point,
//    each maximal invalid subsequence gives one U+FFFD;
//  - encode_utf8 writes valid UTF-8 for any code points, non-scalar values as U+FFFD, and
//    decode_utf8 reads them back;
//  - segment(): one part_units entry per part; a single part holds at most 160 septets / 70 units,
//    each part of a concatenated message at most 153 / 67 and at least 1; sum(part_units) ==
//    total_units; the encoding is GSM-7 exactly when every character is in GSM 03.38; each part's
//    units recount to its part_units; parts are filled greedily (the next character did not fit);
//    the parts concatenate to the re-encoded text, and for valid UTF-8 to the input itself;
//  - billed_parts() == segment().parts.size();
//  - concatenation_udh() throws only InvalidArgument, exactly for total 0 or sequence outside 1..total.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "domain/segmentation.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace smsim;
using domain::Encoding;

constexpr char32_t kReplacement = 0xFFFD;

bool is_scalar(char32_t cp) { return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF); }

// The well-formed sequence at the start of `s` (its code point and length), if there is one.
struct Decoded {
  char32_t cp;
  std::size_t length;
};
std::optional<Decoded> well_formed_at(std::string_view s) {
  if (s.empty()) return std::nullopt;
  const auto lead = static_cast<unsigned char>(s[0]);
  std::size_t length = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (lead < 0x80) return Decoded{lead, 1};
  if ((lead & 0xE0) == 0xC0) {
    length = 2, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (s.size() < length) return std::nullopt;
  for (std::size_t k = 1; k < length; ++k) {
    const auto byte = static_cast<unsigned char>(s[k]);
    if ((byte & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (byte & 0x3F);
  }
  if (cp < min || !is_scalar(cp)) return std::nullopt;  // overlong, surrogate, above U+10FFFF
  return Decoded{cp, length};
}

// Length of the maximal subpart at the start of `s` (Unicode 3.9, U+FFFD substitution): the longest
// prefix that can still be completed to a well-formed sequence, at least 1 byte. The ranges of the
// later bytes depend only on the lead and the second byte, so a prefix can be completed exactly when
// completing it with 0x80 bytes gives a well-formed sequence.
std::size_t maximal_subpart(std::string_view s) {
  std::size_t best = 1;
  for (std::size_t k = 2; k <= 3 && k <= s.size(); ++k) {
    std::string candidate(s.substr(0, k));
    bool completed = false;
    for (std::size_t pad = 1; pad + k <= 4 && !completed; ++pad) {
      candidate.push_back('\x80');
      const auto d = well_formed_at(candidate);
      completed = d && d->length == candidate.size();
    }
    if (!completed) break;
    best = k;
  }
  return best;
}

std::u32string reference_decode(std::string_view s, bool& valid) {
  std::u32string out;
  valid = true;
  while (!s.empty()) {
    if (const auto d = well_formed_at(s)) {
      out.push_back(d->cp);
      s.remove_prefix(d->length);
    } else {
      valid = false;
      out.push_back(kReplacement);
      s.remove_prefix(maximal_subpart(s));
    }
  }
  return out;
}

int units_of(char32_t cp, Encoding encoding) {
  if (encoding == Encoding::Gsm7) return domain::gsm7_septets(cp);
  return cp > 0xFFFF ? 2 : 1;
}

std::string hex(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : s.substr(0, 64)) {
    out += kDigits[static_cast<unsigned char>(c) >> 4];
    out += kDigits[static_cast<unsigned char>(c) & 0xF];
  }
  return out;
}

void check_segment(std::string_view input) {
  bool valid = false;
  const std::u32string expected = reference_decode(input, valid);
  const std::u32string decoded = domain::decode_utf8(input);
  FUZZ_CHECK(decoded == expected, "decode_utf8 disagrees with the reference decoder on " + hex(input));
  const std::string reencoded = domain::encode_utf8(decoded);
  if (valid) FUZZ_CHECK(reencoded == input, "valid UTF-8 does not survive decode/encode: " + hex(input));

  const auto m = domain::segment(input);
  FUZZ_CHECK(!m.parts.empty() && m.parts.size() == m.part_units.size(), "parts and part_units disagree");
  FUZZ_CHECK(domain::billed_parts(input) == static_cast<int>(m.parts.size()), "billed_parts != parts.size()");

  bool all_gsm7 = true;
  for (const char32_t cp : decoded) all_gsm7 = all_gsm7 && domain::gsm7_septets(cp) > 0;
  FUZZ_CHECK((m.encoding == Encoding::Gsm7) == all_gsm7, "wrong encoding for " + hex(input));
  const bool gsm7 = m.encoding == Encoding::Gsm7;

  int total = 0;
  for (const char32_t cp : decoded) total += units_of(cp, m.encoding);
  FUZZ_CHECK(m.total_units == total, "total_units is not the sum of the characters' units");
  FUZZ_CHECK(std::accumulate(m.part_units.begin(), m.part_units.end(), 0) == m.total_units,
             "sum(part_units) != total_units");

  const int single_limit = gsm7 ? domain::kGsm7SingleUnits : domain::kUcs2SingleUnits;
  const int part_limit = gsm7 ? domain::kGsm7PartUnits : domain::kUcs2PartUnits;
  if (m.parts.size() == 1) {
    FUZZ_CHECK(m.total_units <= single_limit, "a single SMS over its limit");
  } else {
    FUZZ_CHECK(m.total_units > single_limit, "concatenated although the text fits a single SMS");
  }

  std::string joined;
  for (std::size_t i = 0; i < m.parts.size(); ++i) {
    const std::u32string part = domain::decode_utf8(m.parts[i]);
    FUZZ_CHECK(domain::encode_utf8(part) == m.parts[i], "a part is not valid UTF-8");
    int units = 0;
    for (const char32_t cp : part) units += units_of(cp, m.encoding);
    FUZZ_CHECK(units == m.part_units[i], "a part's units do not recount to its part_units");
    if (m.parts.size() > 1) {
      FUZZ_CHECK(m.part_units[i] >= 1 && m.part_units[i] <= part_limit, "a concatenated part over 153/67 units");
      if (i + 1 < m.parts.size()) {
        // Greedy: the first character of the next part did not fit in this one.
        const std::u32string next = domain::decode_utf8(m.parts[i + 1]);
        FUZZ_CHECK(!next.empty() && m.part_units[i] + units_of(next.front(), m.encoding) > part_limit,
                   "a part was closed although the next character fitted");
      }
    }
    joined += m.parts[i];
  }
  FUZZ_CHECK(joined == reencoded, "the parts do not concatenate to the text");
  if (valid) FUZZ_CHECK(joined == input, "for valid UTF-8 the parts do not concatenate to the input");
}

// The input read as code points, 4 bytes each: most are not scalar values.
void check_encode(const std::uint8_t* data, std::size_t size, bool fold_into_range) {
  std::u32string cps(size / 4, U'\0');
  for (std::size_t i = 0; i < cps.size(); ++i) {
    std::uint32_t raw = 0;
    std::memcpy(&raw, data + 4 * i, 4);
    cps[i] = fold_into_range ? static_cast<char32_t>(raw % 0x110000) : static_cast<char32_t>(raw);
  }
  const std::string utf8 = domain::encode_utf8(cps);
  bool valid = false;
  const std::u32string back = reference_decode(utf8, valid);
  FUZZ_CHECK(valid, "encode_utf8 wrote invalid UTF-8: " + hex(utf8));
  std::u32string expected = cps;
  for (auto& cp : expected) {
    if (!is_scalar(cp)) cp = kReplacement;
  }
  FUZZ_CHECK(back == expected, "encode_utf8 does not write the code points it was given");
  FUZZ_CHECK(domain::decode_utf8(utf8) == expected, "decode_utf8(encode_utf8(x)) != x");
}

void check_udh(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return;
  const std::uint8_t reference = data[0], total = data[1], sequence = data[2];
  const bool acceptable = total != 0 && sequence != 0 && sequence <= total;
  try {
    const auto udh = domain::concatenation_udh(reference, total, sequence);
    FUZZ_CHECK(acceptable, "concatenation_udh accepted a bad total/sequence");
    FUZZ_CHECK(udh[0] == 5 && udh[1] == 0 && udh[2] == 3 && udh[3] == reference && udh[4] == total &&
                   udh[5] == sequence,
               "concatenation_udh wrote the wrong bytes");
  } catch (const InvalidArgument&) {
    FUZZ_CHECK(!acceptable, "concatenation_udh rejected a valid total/sequence");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_segment(smsim::fuzz::as_text(data, size));
  check_encode(data, size, /*fold_into_range=*/false);
  check_encode(data, size, /*fold_into_range=*/true);
  check_udh(data, size);
  return 0;
}
