#pragma once
// The text encodings of short_message: GSM 03.38 default alphabet, one septet per octet
// (data_coding 0, "unpacked", as SMPP clients send it), and UCS-2 (data_coding 8, UTF-16BE, no
// BOM). Pure. Which characters are GSM-7 is decided by domain/segmentation (one table for counting
// and for encoding); this file maps them to septet values and back.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smsim::smpp {

/// The septets of `text` (decoded code points), extension characters as ESC (0x1B) + code.
/// nullopt when a character is not in GSM 03.38 (the text then goes as UCS-2).
std::optional<std::string> encode_gsm7(std::u32string_view text);

/// Unpacked septets to code points. An octet with bit 7 set is not a septet and reads as U+FFFD;
/// ESC followed by a code the extension table lacks reads as the basic table's character for that
/// code (what GSM 03.38 asks of a receiver); a trailing ESC is dropped.
std::u32string decode_gsm7(std::string_view septets);

/// UTF-16BE; characters above U+FFFF become surrogate pairs.
std::string encode_ucs2(std::u32string_view text);

/// UTF-16BE to code points; an unpaired surrogate reads as U+FFFD. An odd number of octets is not
/// UCS-2: nullopt.
std::optional<std::u32string> decode_ucs2(std::string_view octets);

/// short_message octets to UTF-8 by data_coding: 0 GSM 03.38, 1 IA5/ASCII, 3 Latin-1, 8 UCS-2;
/// anything else (binary, national codings) is read as Latin-1, which never fails. nullopt only for
/// UCS-2 of odd length.
std::optional<std::string> decode_text(std::uint8_t data_coding, std::string_view octets);

}  // namespace smsim::smpp
