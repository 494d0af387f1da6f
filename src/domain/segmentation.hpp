#pragma once
// How a message text is split into SMS parts, as an SMSC would do it. The whole message is the
// business entity the gateway tracks; the parts are what is submitted to (and billed by) a
// supplier, so the part count must match what a real network does: GSM 03.38 septet counting with
// the two-septet extension table, UCS-2 (UTF-16 units) otherwise, and the 6-byte concatenation UDH
// that shrinks each part of a long message. Pure: no I/O, no locale. Rules and tables are in
// docs/segmentation.md.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smsim::domain {

enum class Encoding { Gsm7, Ucs2 };

/// "gsm7", "ucs2".
std::string_view to_string(Encoding encoding);

/// Size limits, in septets (GSM-7) or UTF-16 code units (UCS-2). A concatenated part loses room to
/// the 6-byte UDH: 48 bits, padded to 7 septets in GSM-7 (160 - 7 = 153) and 3 units in UCS-2.
inline constexpr int kGsm7SingleUnits = 160;
inline constexpr int kGsm7PartUnits = 153;
inline constexpr int kUcs2SingleUnits = 70;
inline constexpr int kUcs2PartUnits = 67;
/// The UDH counts parts in one byte: a message needing more parts cannot be sent concatenated.
/// segment() does not enforce it (it is a pure calculation); a caller that submits must.
inline constexpr int kMaxParts = 255;

/// Septets a code point takes in GSM 03.38: 1 (basic table), 2 (extension table: ^ { } \ [ ] ~ | €
/// and form feed, sent as ESC + char), 0 (not GSM-7, which forces UCS-2 for the whole text).
int gsm7_septets(char32_t code_point);

/// Decodes UTF-8 strictly (no overlongs, no surrogates, nothing above U+10FFFF). Each maximal
/// invalid subsequence becomes one U+FFFD (the Unicode-recommended practice); U+FFFD is not GSM-7.
std::u32string decode_utf8(std::string_view utf8);

/// Encodes code points as UTF-8; a value that is not a Unicode scalar value (a surrogate, or above
/// U+10FFFF) is written as U+FFFD.
std::string encode_utf8(std::u32string_view code_points);

struct SegmentedMessage {
  Encoding encoding = Encoding::Gsm7;
  std::vector<std::string> parts;  // UTF-8 text of each part, in order; one part for a single SMS (also for empty text)
  std::vector<int> part_units;     // septets (GSM-7) or UCS-2 code units per part
  int total_units = 0;
  bool concatenated() const { return parts.size() > 1; }
};

/// GSM-7 if every character is in the basic or extension table: single SMS up to 160 septets, else
/// parts of at most 153 septets, an extension character (2 septets) never split across parts.
/// Otherwise UCS-2: single up to 70 UTF-16 code units, else parts of at most 67 units, never
/// splitting a surrogate pair (characters above U+FFFF take 2 units).
/// Parts are filled greedily in text order. Invalid UTF-8 is decoded as by decode_utf8(), so the
/// parts then carry U+FFFD; for valid UTF-8 the parts concatenate back to the input exactly.
SegmentedMessage segment(std::string_view utf8_text);

/// What segment() decides, without building the parts' text: for the hot path (every message is
/// counted by the dispatcher and by its sender), where only the number of parts is needed.
struct PartCount {
  Encoding encoding = Encoding::Gsm7;
  int parts = 0;
  int total_units = 0;
};
PartCount count_parts(std::string_view utf8_text);

/// Parts a user would be billed for: segment(utf8_text).parts.size(). Empty text bills 1.
int billed_parts(std::string_view utf8_text);

/// The 6-byte concatenation UDH (UDHL=05, IEI=00, IEDL=03, reference, total, sequence 1-based).
/// Throws InvalidArgument when total is 0 or sequence is not in 1..total (a receiving handset
/// would ignore such a header, so the message would be shown garbled).
std::array<std::uint8_t, 6> concatenation_udh(std::uint8_t reference, std::uint8_t total,
                                              std::uint8_t sequence);

}  // namespace smsim::domain
