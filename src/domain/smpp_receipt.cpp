#include "domain/smpp_receipt.hpp"

#include <array>
#include <chrono>
#include <fmt/format.h>
#include <utility>

#include "common/error.hpp"

namespace smsim::domain {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::sys_days;

constexpr std::size_t kMaxIdLength = 65;
constexpr std::size_t kMaxTextChars = 20;
constexpr int kMaxCount = 999;

// The representable range: YY can only say 2000-2099.
constexpr std::int64_t kFirstMs =
    std::chrono::duration_cast<milliseconds>(sys_days{std::chrono::year{2000} / 1 / 1}.time_since_epoch()).count();
constexpr std::int64_t kEndMs =
    std::chrono::duration_cast<milliseconds>(sys_days{std::chrono::year{2100} / 1 / 1}.time_since_epoch()).count();

constexpr std::array<std::pair<DeliveryStat, std::string_view>, 8> kStats = {{
    {DeliveryStat::Delivered, "DELIVRD"},
    {DeliveryStat::Undeliverable, "UNDELIV"},
    {DeliveryStat::Expired, "EXPIRED"},
    {DeliveryStat::Rejected, "REJECTD"},
    {DeliveryStat::Unknown, "UNKNOWN"},
    {DeliveryStat::Deleted, "DELETED"},
    {DeliveryStat::Accepted, "ACCEPTD"},
    {DeliveryStat::Enroute, "ENROUTE"},
}};

constexpr std::string_view kShape =
    "id:<id> sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 [text:...]";

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// ---------------------------------------------------------------- formatting

std::string format_date(std::int64_t epoch_ms, std::string_view field) {
  if (epoch_ms < kFirstMs || epoch_ms >= kEndMs) {
    throw InvalidArgument(fmt::format(
        "delivery receipt: field \"{}\" is {} ms since the epoch, outside 2000-2099; YYMMDDhhmm can only "
        "carry years 2000 to 2099 (UTC)",
        field, epoch_ms));
  }
  const std::chrono::sys_time<milliseconds> t{milliseconds{epoch_ms}};
  const sys_days day = std::chrono::floor<days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{std::chrono::floor<minutes>(t - day)};
  return fmt::format("{:02}{:02}{:02}{:02}{:02}", static_cast<int>(ymd.year()) - 2000,
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count());
}

void check_count(int value, std::string_view field) {
  if (value < 0 || value > kMaxCount) {
    throw InvalidArgument(fmt::format(
        "delivery receipt: field \"{}\" is {}, outside 0..999; the receipt format has 3 digits for it", field,
        value));
  }
}

// The first `max_chars` UTF-8 characters: cut before the lead byte of the next one, so a
// multi-byte character is never split.
std::string_view first_chars(std::string_view utf8, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const bool continuation = (static_cast<unsigned char>(utf8[i]) & 0xC0) == 0x80;
    if (!continuation && chars++ == max_chars) return utf8.substr(0, i);
  }
  return utf8;
}

// ---------------------------------------------------------------- parsing

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }
  bool at_end() const { return pos_ >= text_.size(); }

  // Consumes `key` (like "submit date:") case-insensitively, a space in it matching any run of
  // whitespace. Leaves the position unchanged and returns false when the key is not there.
  bool consume_key(std::string_view key) {
    std::size_t p = pos_;
    for (const char k : key) {
      if (k == ' ') {
        if (p >= text_.size() || !is_space(text_[p])) return false;
        while (p < text_.size() && is_space(text_[p])) ++p;
      } else {
        if (p >= text_.size() || lower(text_[p]) != k) return false;
        ++p;
      }
    }
    pos_ = p;
    return true;
  }

  // The key of `field`, after optional whitespace; names the field when it is not there.
  void expect_key(std::string_view field) {
    skip_space();
    if (!consume_key(fmt::format("{}:", field))) {
      fail(field, fmt::format("is missing: expected \"{}:\" at \"{}\"", field, excerpt()));
    }
  }

  // The run of non-whitespace right after the colon.
  std::string_view token() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && !is_space(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  std::string_view rest() {
    const std::string_view r = text_.substr(pos_);
    pos_ = text_.size();
    return r;
  }

  int count_field(std::string_view field) {
    expect_key(field);
    const std::string_view value = token();
    if (value.empty() || value.size() > 3 || !all_digits(value)) {
      fail(field, fmt::format("is malformed: \"{}\" is not 1 to 3 decimal digits", value));
    }
    return to_int(value);
  }

  // YYMMDDhhmm (10 digits, SMPP 3.4 Appendix B), or with seconds YYMMDDhhmmss (12) or with the
  // century YYYYMMDDhhmmss (14), which some SMSCs write. Seconds are checked and dropped: the
  // receipt carries whole minutes.
  std::int64_t date_field(std::string_view field) {
    expect_key(field);
    const std::string_view value = token();
    if ((value.size() != 10 && value.size() != 12 && value.size() != 14) || !all_digits(value)) {
      fail(field, fmt::format("is malformed: \"{}\" is not 10, 12 or 14 digits (YYMMDDhhmm, YYMMDDhhmmss or "
                              "YYYYMMDDhhmmss)",
                              value));
    }
    const bool century = value.size() == 14;
    const std::string_view rest = value.substr(century ? 4 : 2);
    const int year = century ? to_int(value.substr(0, 4)) : 2000 + to_int(value.substr(0, 2));
    const int mm = to_int(rest.substr(0, 2));
    const int dd = to_int(rest.substr(2, 2));
    const int hh = to_int(rest.substr(4, 2));
    const int mi = to_int(rest.substr(6, 2));
    const int ss = rest.size() > 8 ? to_int(rest.substr(8, 2)) : 0;
    const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(mm)},
                                          std::chrono::day{static_cast<unsigned>(dd)}};
    const char* problem = year < 2000 || year > 2099 ? "year is not 2000-2099"
                          : !ymd.month().ok()        ? "month is not 01-12"
                          : !ymd.ok()                ? "day does not exist in that month"
                          : hh > 23                  ? "hour is not 00-23"
                          : mi > 59                  ? "minute is not 00-59"
                          : ss > 59                  ? "second is not 00-59"
                                                     : nullptr;
    if (problem != nullptr) {
      fail(field, fmt::format("is malformed: \"{}\" is not a valid date ({})", value, problem));
    }
    const auto t = sys_days{ymd} + hours{hh} + minutes{mi};
    return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
  }

  [[noreturn]] void fail(std::string_view field, std::string_view what) const {
    throw InvalidArgument(fmt::format("delivery receipt: field \"{}\" {}; a receipt reads \"{}\" (got \"{}\")", field,
                                      what, kShape, abbreviated(text_)));
  }

  std::string excerpt() const {
    if (at_end()) return "end of receipt";
    return std::string(abbreviated(text_.substr(pos_)));
  }

 private:
  static bool all_digits(std::string_view s) {
    for (const char c : s) {
      if (!is_digit(c)) return false;
    }
    return true;
  }
  static int to_int(std::string_view digits) {
    int v = 0;
    for (const char c : digits) v = v * 10 + (c - '0');
    return v;
  }
  // Receipts come from suppliers; keep a hostile one from flooding the message.
  static std::string abbreviated(std::string_view s) {
    constexpr std::size_t kMax = 200;
    return s.size() <= kMax ? std::string(s) : fmt::format("{}...", s.substr(0, kMax));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string_view to_smpp(DeliveryStat stat) {
  for (const auto& [s, name] : kStats) {
    if (s == stat) return name;
  }
  return "UNKNOWN";
}

std::optional<DeliveryStat> parse_smpp_stat(std::string_view text) {
  for (const auto& [s, name] : kStats) {
    if (iequals(text, name)) return s;
  }
  return std::nullopt;
}

bool is_final(DeliveryStat stat) { return stat != DeliveryStat::Accepted && stat != DeliveryStat::Enroute; }

std::string format_receipt(const DeliveryReceipt& r) {
  const std::string& id = r.supplier_message_id;
  if (id.empty() || id.size() > kMaxIdLength) {
    throw InvalidArgument(fmt::format(
        "delivery receipt: field \"id\" has {} characters; a supplier message id has 1 to 65", id.size()));
  }
  for (const char c : id) {
    if (is_space(c)) {
      throw InvalidArgument(fmt::format(
          "delivery receipt: field \"id\" (\"{}\") contains whitespace, which would end it early in the receipt text",
          id));
    }
  }
  check_count(r.submitted, "sub");
  check_count(r.delivered, "dlvrd");
  check_count(r.error_code, "err");
  std::string out = fmt::format("id:{} sub:{:03} dlvrd:{:03} submit date:{} done date:{} stat:{} err:{:03}", id,
                                r.submitted, r.delivered, format_date(r.submit_date_ms, "submit date"),
                                format_date(r.done_date_ms, "done date"), to_smpp(r.stat), r.error_code);
  if (!r.text.empty()) {
    out += " text:";
    out += first_chars(r.text, kMaxTextChars);
  }
  return out;
}

DeliveryReceipt parse_receipt(std::string_view text) {
  Parser p(text);
  DeliveryReceipt r;

  p.expect_key("id");
  const std::string_view id = p.token();
  if (id.empty() || id.size() > kMaxIdLength) {
    p.fail("id", fmt::format("is malformed: \"{}\" has {} characters, a supplier message id has 1 to 65 (and no "
                             "space after \"id:\")",
                             id, id.size()));
  }
  r.supplier_message_id = std::string(id);

  r.submitted = p.count_field("sub");
  r.delivered = p.count_field("dlvrd");
  r.submit_date_ms = p.date_field("submit date");
  r.done_date_ms = p.date_field("done date");

  p.expect_key("stat");
  const std::string_view stat = p.token();
  const std::optional<DeliveryStat> parsed = parse_smpp_stat(stat);
  if (!parsed) {
    p.fail("stat", fmt::format("is malformed: \"{}\" is not one of DELIVRD UNDELIV EXPIRED REJECTD UNKNOWN DELETED "
                               "ACCEPTD ENROUTE",
                               stat));
  }
  r.stat = *parsed;

  r.error_code = p.count_field("err");

  p.skip_space();
  if (!p.at_end()) {
    if (!p.consume_key("text:")) {
      p.fail("text", fmt::format("is expected after \"err:\" (or nothing at all), found \"{}\"", p.excerpt()));
    }
    r.text = std::string(p.rest());
  }
  return r;
}

}  // namespace smsim::domain
