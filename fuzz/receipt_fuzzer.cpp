// Fuzzes the SMPP delivery receipt text (src/domain/smpp_receipt.hpp) in both directions.
//
// Invariants (docs/fuzzing.md):
//  - parse_receipt() of any bytes returns or throws smsim::InvalidArgument, nothing else;
//  - an accepted receipt has the documented ranges (id 1..65 bytes without whitespace, counts and err
//    0..999, dates in 2000-2099 on a whole minute);
//  - format_receipt() of an accepted receipt does not throw, and parse(format(parse(x))) ==
//    parse(x), except that format keeps only the first 20 characters of "text:" (documented), so
//    the text compared is that prefix; formatting is then a fixed point;
//  - format_receipt() of a receipt built from the input's bytes (any field values) throws only
//    InvalidArgument, and what it writes parses back to the receipt (dates cut to the minute, text
//    to 20 characters).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "domain/smpp_receipt.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace smsim;
using domain::DeliveryReceipt;

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t k2000Ms = 946'684'800'000;  // 2000-01-01T00:00:00Z
constexpr std::int64_t k2100Ms = 4'102'444'800'000;  // 2100-01-01T00:00:00Z

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The first `n` UTF-8 characters, counted as the receipt format counts them: by lead bytes (any
// byte that is not 10xxxxxx starts a character).
std::string first_chars(std::string_view s, std::size_t n) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && chars++ == n) return std::string(s.substr(0, i));
  }
  return std::string(s);
}

std::int64_t floor_minute(std::int64_t ms) { return ms - ((ms % kMinuteMs) + kMinuteMs) % kMinuteMs; }

bool same(const DeliveryReceipt& a, const DeliveryReceipt& b) {
  return a.supplier_message_id == b.supplier_message_id && a.submitted == b.submitted && a.delivered == b.delivered &&
         a.submit_date_ms == b.submit_date_ms && a.done_date_ms == b.done_date_ms && a.stat == b.stat &&
         a.error_code == b.error_code && a.text == b.text;
}

std::optional<DeliveryReceipt> parse_or_nothing(std::string_view text) {
  try {
    return domain::parse_receipt(text);
  } catch (const InvalidArgument&) {
    return std::nullopt;
  }
}

void check_accepted(const DeliveryReceipt& r) {
  const auto& id = r.supplier_message_id;
  bool id_has_space = false;
  for (const char c : id) id_has_space = id_has_space || is_space(c);
  FUZZ_CHECK(!id.empty() && id.size() <= 65 && !id_has_space, "accepted an id of the wrong shape");
  FUZZ_CHECK(r.submitted >= 0 && r.submitted <= 999 && r.delivered >= 0 && r.delivered <= 999 &&
                 r.error_code >= 0 && r.error_code <= 999,
             "accepted a count outside 0..999");
  for (const std::int64_t date : {r.submit_date_ms, r.done_date_ms}) {
    FUZZ_CHECK(date >= k2000Ms && date < k2100Ms && date % kMinuteMs == 0, "accepted a date outside 2000-2099");
  }
}

// `r` parsed (or was built to be formattable): format it, parse that back.
void check_round_trip(const DeliveryReceipt& r, const char* origin) {
  const std::string formatted = domain::format_receipt(r);  // must not throw for these receipts
  const auto again = parse_or_nothing(formatted);
  FUZZ_CHECK(again.has_value(), std::string(origin) + ": format_receipt wrote a receipt parse_receipt rejects: " + formatted);
  DeliveryReceipt expected = r;
  expected.submit_date_ms = floor_minute(r.submit_date_ms);
  expected.done_date_ms = floor_minute(r.done_date_ms);
  expected.text = first_chars(r.text, 20);
  FUZZ_CHECK(same(*again, expected), std::string(origin) + ": parse(format(r)) != r: " + formatted);
  FUZZ_CHECK(domain::format_receipt(*again) == formatted, std::string(origin) + ": formatting is not a fixed point");
  // The stat's name reads back through the public helpers too.
  FUZZ_CHECK(domain::parse_smpp_stat(domain::to_smpp(r.stat)) == r.stat, "to_smpp/parse_smpp_stat disagree");
}

void check_format_of_any(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  DeliveryReceipt r;
  r.supplier_message_id = fdp.ConsumeRandomLengthString(80);
  r.submitted = fdp.ConsumeIntegralInRange<int>(-2, 1001);
  r.delivered = fdp.ConsumeIntegralInRange<int>(-2, 1001);
  // Mostly in range, sometimes anywhere.
  r.submit_date_ms = fdp.ConsumeBool() ? fdp.ConsumeIntegral<std::int64_t>()
                                       : fdp.ConsumeIntegralInRange<std::int64_t>(k2000Ms - 1, k2100Ms);
  r.done_date_ms = fdp.ConsumeBool() ? fdp.ConsumeIntegral<std::int64_t>()
                                     : fdp.ConsumeIntegralInRange<std::int64_t>(k2000Ms - 1, k2100Ms);
  r.stat = static_cast<domain::DeliveryStat>(fdp.ConsumeIntegralInRange<int>(0, 7));
  r.error_code = fdp.ConsumeIntegralInRange<int>(-2, 1001);
  r.text = fdp.ConsumeRemainingBytesAsString();

  bool id_has_space = false;
  for (const char c : r.supplier_message_id) id_has_space = id_has_space || is_space(c);
  const auto count_ok = [](int v) { return v >= 0 && v <= 999; };
  const auto date_ok = [](std::int64_t ms) { return ms >= k2000Ms && ms < k2100Ms; };
  const bool formattable = !r.supplier_message_id.empty() && r.supplier_message_id.size() <= 65 && !id_has_space &&
                           count_ok(r.submitted) && count_ok(r.delivered) && count_ok(r.error_code) &&
                           date_ok(r.submit_date_ms) && date_ok(r.done_date_ms);
  if (!formattable) {
    bool threw = false;
    try {
      (void)domain::format_receipt(r);
    } catch (const InvalidArgument&) {
      threw = true;
    }
    FUZZ_CHECK(threw, "format_receipt wrote a receipt with a value the format cannot carry");
    return;
  }
  check_round_trip(r, "built receipt");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (const auto r = parse_or_nothing(smsim::fuzz::as_text(data, size))) {
    check_accepted(*r);
    check_round_trip(*r, "parsed receipt");
  }
  check_format_of_any(data, size);
  return 0;
}
