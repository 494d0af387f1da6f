#pragma once
// Synthetic SMS traffic: the messages a campaign sends, the ids that name them, and the campaign ids.
//
// A campaign can hold up to 10,000,000 messages, so it is never materialised. Instead a message is
// a pure function of (campaign id, seed, index): MessageGenerator::at(index) recomputes it on demand,
// in any order, from any thread. After a crash the gateway regenerates exactly the same messages
// from the same three values, so the generation algorithm is part of the persisted format: changing
// it (tables, draw order, mixing constants) changes every in-flight campaign. The golden test in
// tests/unit/message_generator_test.cpp pins it; update it only on purpose.
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>

namespace smsim::domain {

/// Which characters message texts are drawn from.
/// - Gsm7: printable characters of the GSM 03.38 basic table only (letters, digits, space, basic
///   punctuation; never an extension-table character, so each costs exactly one septet).
/// - Unicode: characters outside GSM-7 (Greek, Cyrillic, Hiragana, CJK, Hangul, emoji above
///   U+FFFF), so the text must go as UCS-2.
/// - Mixed: each message picks one of the two with probability 1/2.
enum class Alphabet { Gsm7, Unicode, Mixed };

/// "gsm7", "unicode" or "mixed" (ASCII case-insensitive); nullopt otherwise.
std::optional<Alphabet> parse_alphabet(std::string_view text);
/// The canonical lower-case name, the one parse_alphabet reads back.
std::string_view to_string(Alphabet alphabet);

/// How message texts are shaped. Lengths count characters (Unicode code points), not bytes.
struct GeneratorSettings {
  int min_length = 1;    // inclusive
  int max_length = 100;  // inclusive; the original exercise: "up to 100 random characters"
  Alphabet alphabet = Alphabet::Gsm7;
};

/// Longest text a generator produces: the 10-part concatenated-SMS ceiling of 1600 GSM characters.
inline constexpr int kMaxMessageLength = 1600;

/// Checks 1 <= min_length <= max_length <= 1600. Throws InvalidArgument naming the field.
void validate(const GeneratorSettings& settings);

/// One generated message.
struct SmsMessage {
  std::string id;  // message_id(campaign_id, index)
  std::string campaign_id;
  std::uint64_t index = 0;
  std::string number;   // E.164: '+', country code, subscriber number; 8..15 digits, no spaces
  std::string content;  // UTF-8
};

/// "<campaign_id>:<index>", e.g. "c7f3a2b1:42". Campaign ids never contain ':'.
std::string message_id(std::string_view campaign_id, std::uint64_t index);

/// Inverse of message_id. nullopt unless the text is exactly "<campaign>:<index>" with a valid
/// campaign id (is_valid_campaign_id) and a canonical decimal index: digits only, no sign, no
/// leading zero (except "0" itself), no overflow. Being strict keeps id <-> (campaign, index) one
/// to one, so an id can serve as a deduplication key.
std::optional<std::pair<std::string, std::uint64_t>> parse_message_id(std::string_view id);

/// A new campaign id: 'c' followed by 11 lowercase base32 characters [a-z2-7] (55 random bits)
/// drawn from `random`.
std::string new_campaign_id(std::mt19937_64& random);

/// True for 1..64 characters of [a-z0-9_-]: every id new_campaign_id produces, and ids chosen by
/// users. Such ids are safe in message ids (no ':'), file names, URLs and Kafka keys.
bool is_valid_campaign_id(std::string_view id);

/// True for '+' then 8..15 digits, the first not '0' (the E.164 shape, without a country check).
bool is_e164(std::string_view number);

/// Produces the messages of one campaign.
///
/// Lifecycle: construct once per campaign (validates the campaign id and the settings, throwing
/// InvalidArgument); it is then immutable. at() is const, touches no shared state and is safe to
/// call concurrently from any number of threads. Copying is cheap and yields an equal generator.
class MessageGenerator {
 public:
  MessageGenerator(std::string campaign_id, std::uint64_t seed, GeneratorSettings settings);

  /// Message number `index` (any value, no upper bound). Depends only on (campaign id, seed,
  /// settings, index): same inputs, same message, whatever was generated before.
  SmsMessage at(std::uint64_t index) const;

  const GeneratorSettings& settings() const { return settings_; }
  const std::string& campaign_id() const { return campaign_id_; }
  std::uint64_t seed() const { return seed_; }

 private:
  std::string campaign_id_;
  std::uint64_t seed_;
  GeneratorSettings settings_;
  std::uint64_t key_;  // (campaign id, seed) folded once; each index is hashed from it
};

}  // namespace smsim::domain
