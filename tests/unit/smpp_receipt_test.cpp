// SMPP delivery receipt text: stat names, the exact formatted string, UTC dates without any
// timezone, round trips, tolerant parsing, and errors that name the offending field.
#include "domain/smpp_receipt.hpp"

#include <gtest/gtest.h>

#include <string>

#include "common/error.hpp"

using smsim::InvalidArgument;
using smsim::domain::DeliveryReceipt;
using smsim::domain::DeliveryStat;
using smsim::domain::format_receipt;
using smsim::domain::is_final;
using smsim::domain::parse_receipt;
using smsim::domain::parse_smpp_stat;
using smsim::domain::to_smpp;

namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t k2026_11_21_1405 = 1'795'269'900'000;  // 2026-11-21 14:05:00 UTC
constexpr std::int64_t k2000_01_01 = 946'684'800'000;         // 2000-01-01 00:00:00 UTC
constexpr std::int64_t k2100_01_01 = 4'102'444'800'000;       // 2100-01-01 00:00:00 UTC

constexpr DeliveryStat kAllStats[] = {DeliveryStat::Delivered, DeliveryStat::Undeliverable, DeliveryStat::Expired,
                                      DeliveryStat::Rejected,  DeliveryStat::Unknown,       DeliveryStat::Deleted,
                                      DeliveryStat::Accepted,  DeliveryStat::Enroute};

const std::string kGood =
    "id:abc123 sub:001 dlvrd:001 submit date:2611211405 done date:2611211406 stat:DELIVRD err:000";

DeliveryReceipt sample() {
  DeliveryReceipt r;
  r.supplier_message_id = "abc123";
  r.submit_date_ms = k2026_11_21_1405;
  r.done_date_ms = k2026_11_21_1405 + kMinute;
  return r;
}

// The message of the InvalidArgument that parsing `text` throws ("" when it does not throw).
std::string parse_error(std::string_view text) {
  try {
    parse_receipt(text);
  } catch (const InvalidArgument& e) {
    return e.what();
  }
  return "";
}

std::string format_error(const DeliveryReceipt& r) {
  try {
    format_receipt(r);
  } catch (const InvalidArgument& e) {
    return e.what();
  }
  return "";
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

}  // namespace

// ---------------------------------------------------------------- stat

TEST(DeliveryStat, SmppNamesRoundTrip) {
  const char* names[] = {"DELIVRD", "UNDELIV", "EXPIRED", "REJECTD", "UNKNOWN", "DELETED", "ACCEPTD", "ENROUTE"};
  for (std::size_t i = 0; i < std::size(kAllStats); ++i) {
    EXPECT_EQ(to_smpp(kAllStats[i]), names[i]);
    EXPECT_EQ(parse_smpp_stat(names[i]), kAllStats[i]);
  }
  EXPECT_EQ(parse_smpp_stat("delivrd"), DeliveryStat::Delivered);
  EXPECT_EQ(parse_smpp_stat("DELIVERED"), std::nullopt);
  EXPECT_EQ(parse_smpp_stat(""), std::nullopt);
}

TEST(DeliveryStat, OnlyAcceptedAndEnrouteAreNotFinal) {
  for (const DeliveryStat s : kAllStats) {
    EXPECT_EQ(is_final(s), s != DeliveryStat::Accepted && s != DeliveryStat::Enroute) << to_smpp(s);
  }
}

// ---------------------------------------------------------------- format

TEST(FormatReceipt, ExactStringForAKnownUtcTime) {
  EXPECT_EQ(format_receipt(sample()), kGood);
}

TEST(FormatReceipt, TruncatesDatesToTheMinuteAndPadsNumbers) {
  DeliveryReceipt r = sample();
  r.submit_date_ms = k2026_11_21_1405 + 59'999;  // 14:05:59.999 is still 14:05
  r.done_date_ms = k2000_01_01;
  r.submitted = 3;
  r.delivered = 42;
  r.error_code = 999;
  r.stat = DeliveryStat::Undeliverable;
  EXPECT_EQ(format_receipt(r),
            "id:abc123 sub:003 dlvrd:042 submit date:2611211405 done date:0001010000 stat:UNDELIV err:999");
}

TEST(FormatReceipt, LeapDayAndLastMinuteOfTheCentury) {
  DeliveryReceipt r = sample();
  r.submit_date_ms = 1'709'251'140'000;  // 2024-02-29 23:59 UTC
  r.done_date_ms = k2100_01_01 - 1;      // 2099-12-31 23:59:59.999
  const std::string s = format_receipt(r);
  EXPECT_NE(s.find("submit date:2402292359 "), std::string::npos) << s;
  EXPECT_NE(s.find("done date:9912312359 "), std::string::npos) << s;
}

TEST(FormatReceipt, AppendsTextCutToTwentyCharacters) {
  DeliveryReceipt r = sample();
  r.text = "Hello there, this is longer than twenty";
  EXPECT_EQ(format_receipt(r), kGood + " text:Hello there, this is");
  r.text = "\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9\u20AC\u20AC\u20AC\u20AC\u20AC"
           "\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600xyz";  // 23 characters, 2-4 bytes each
  EXPECT_EQ(format_receipt(r), kGood +
                                   " text:\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9\u20AC\u20AC"
                                   "\u20AC\u20AC\u20AC\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600");
}

TEST(FormatReceipt, RejectsValuesTheFormatCannotCarryNamingTheField) {
  DeliveryReceipt r = sample();
  r.supplier_message_id = "";
  EXPECT_NE(format_error(r).find("\"id\""), std::string::npos);
  r.supplier_message_id = std::string(66, 'x');
  EXPECT_NE(format_error(r).find("\"id\""), std::string::npos);
  r.supplier_message_id = std::string(65, 'x');
  EXPECT_EQ(format_error(r), "");
  r.supplier_message_id = "a b";
  EXPECT_NE(format_error(r).find("\"id\""), std::string::npos);

  r = sample();
  r.submitted = 1000;
  EXPECT_NE(format_error(r).find("\"sub\""), std::string::npos);
  r = sample();
  r.delivered = -1;
  EXPECT_NE(format_error(r).find("\"dlvrd\""), std::string::npos);
  r = sample();
  r.error_code = 1000;
  EXPECT_NE(format_error(r).find("\"err\""), std::string::npos);
  r = sample();
  r.submit_date_ms = k2000_01_01 - 1;
  EXPECT_NE(format_error(r).find("\"submit date\""), std::string::npos);
  r = sample();
  r.done_date_ms = k2100_01_01;
  EXPECT_NE(format_error(r).find("\"done date\""), std::string::npos);
}

// ---------------------------------------------------------------- round trip

TEST(ParseReceipt, RoundTripsEveryStat) {
  for (const DeliveryStat s : kAllStats) {
    DeliveryReceipt r = sample();
    r.stat = s;
    r.submitted = 2;
    r.delivered = s == DeliveryStat::Delivered ? 2 : 0;
    r.error_code = s == DeliveryStat::Delivered ? 0 : 17;
    r.text = "Your code is 4711";
    const DeliveryReceipt back = parse_receipt(format_receipt(r));
    EXPECT_EQ(back.supplier_message_id, r.supplier_message_id) << to_smpp(s);
    EXPECT_EQ(back.submitted, r.submitted);
    EXPECT_EQ(back.delivered, r.delivered);
    EXPECT_EQ(back.submit_date_ms, r.submit_date_ms);
    EXPECT_EQ(back.done_date_ms, r.done_date_ms);
    EXPECT_EQ(back.stat, s);
    EXPECT_EQ(back.error_code, r.error_code);
    EXPECT_EQ(back.text, r.text);
  }
}

TEST(ParseReceipt, RoundTripTruncatesToTheMinute) {
  DeliveryReceipt r = sample();
  r.submit_date_ms = k2026_11_21_1405 + 37'123;
  r.done_date_ms = k2000_01_01 + 59'999;
  const DeliveryReceipt back = parse_receipt(format_receipt(r));
  EXPECT_EQ(back.submit_date_ms, k2026_11_21_1405);
  EXPECT_EQ(back.done_date_ms, k2000_01_01);
}

TEST(ParseReceipt, ParsesTheKnownStringToTheKnownEpoch) {
  const DeliveryReceipt r = parse_receipt(kGood);
  EXPECT_EQ(r.supplier_message_id, "abc123");
  EXPECT_EQ(r.submitted, 1);
  EXPECT_EQ(r.delivered, 1);
  EXPECT_EQ(r.submit_date_ms, k2026_11_21_1405);
  EXPECT_EQ(r.done_date_ms, k2026_11_21_1405 + kMinute);
  EXPECT_EQ(r.stat, DeliveryStat::Delivered);
  EXPECT_EQ(r.error_code, 0);
  EXPECT_EQ(r.text, "");
}

TEST(ParseReceipt, YearsAreTwoThousandAndSomething) {
  EXPECT_EQ(parse_receipt(replaced(kGood, "2611211405", "0001010000")).submit_date_ms, k2000_01_01);
  EXPECT_EQ(parse_receipt(replaced(kGood, "2611211405", "9912312359")).submit_date_ms, k2100_01_01 - kMinute);
  EXPECT_EQ(parse_receipt(replaced(kGood, "2611211405", "2402292359")).submit_date_ms, 1'709'251'140'000);
}

// ---------------------------------------------------------------- tolerance

TEST(ParseReceipt, ToleratesCaseAndExtraWhitespace) {
  const DeliveryReceipt r = parse_receipt(
      "  ID:abc123   SUB:1\tDlvrd:01 \n Submit   Date:2611211405 DONE\tdate:2611211406  Stat:delivrd  ERR:0  ");
  EXPECT_EQ(r.supplier_message_id, "abc123");
  EXPECT_EQ(r.submitted, 1);
  EXPECT_EQ(r.delivered, 1);
  EXPECT_EQ(r.submit_date_ms, k2026_11_21_1405);
  EXPECT_EQ(r.stat, DeliveryStat::Delivered);
  EXPECT_EQ(r.error_code, 0);
  EXPECT_EQ(r.text, "");
}

TEST(ParseReceipt, TextIsEverythingAfterItsKeyVerbatim) {
  EXPECT_EQ(parse_receipt(kGood + " text:Hello  world, stat:x err:1 ").text, "Hello  world, stat:x err:1 ");
  EXPECT_EQ(parse_receipt(kGood + "   Text:").text, "");
  EXPECT_EQ(parse_receipt(kGood + " TEXT:\u20AC\u0436").text, "\u20AC\u0436");
}

// ---------------------------------------------------------------- errors

TEST(ParseReceipt, MissingFieldsAreNamed) {
  EXPECT_NE(parse_error("").find("\"id\" is missing"), std::string::npos) << parse_error("");
  EXPECT_NE(parse_error(replaced(kGood, " stat:DELIVRD", "")).find("\"stat\" is missing"), std::string::npos);
  EXPECT_NE(parse_error(replaced(kGood, "sub:001 ", "")).find("\"sub\" is missing"), std::string::npos);
  EXPECT_NE(parse_error(replaced(kGood, " err:000", "")).find("\"err\" is missing"), std::string::npos);
  EXPECT_NE(parse_error(replaced(kGood, "done date:2611211406 ", "")).find("\"done date\" is missing"),
            std::string::npos);
  // Out of order counts as missing where the order breaks.
  EXPECT_NE(parse_error(replaced(kGood, "sub:001 dlvrd:001", "dlvrd:001 sub:001")).find("\"sub\" is missing"),
            std::string::npos);
}

TEST(ParseReceipt, MalformedValuesAreNamed) {
  const struct {
    std::string_view from, to, expected;
  } cases[] = {
      {"submit date:2611211405", "submit date:2613211405", "\"submit date\" is malformed"},  // month 13
      {"submit date:2611211405", "submit date:2602301405", "\"submit date\" is malformed"},  // 30 February
      {"submit date:2611211405", "submit date:2502291405", "\"submit date\" is malformed"},  // 2025 not leap
      {"done date:2611211406", "done date:2611212406", "\"done date\" is malformed"},        // hour 24
      {"done date:2611211406", "done date:2611211460", "\"done date\" is malformed"},        // minute 60
      {"done date:2611211406", "done date:261121140", "\"done date\" is malformed"},         // 9 digits
      {"done date:2611211406", "done date:26112114061", "\"done date\" is malformed"},       // 11 digits
      {"done date:2611211406", "done date:261121140660", "\"done date\" is malformed"},      // second 60
      {"done date:2611211406", "done date:19991121140600", "\"done date\" is malformed"},   // year 1999
      {"sub:001", "sub:abc", "\"sub\" is malformed"},
      {"sub:001", "sub:0001", "\"sub\" is malformed"},
      {"sub:001", "sub:-01", "\"sub\" is malformed"},
      {"dlvrd:001", "dlvrd:", "\"dlvrd\" is malformed"},
      {"err:000", "err:0x1", "\"err\" is malformed"},
      {"stat:DELIVRD", "stat:DELIVERED", "\"stat\" is malformed"},
      {"stat:DELIVRD", "stat:", "\"stat\" is malformed"},
      {"id:abc123", "id: abc123", "\"id\" is malformed"},
      {"err:000", "err:000 extra", "\"text\" is expected"},
  };
  for (const auto& c : cases) {
    const std::string message = parse_error(replaced(kGood, c.from, c.to));
    EXPECT_NE(message.find(c.expected), std::string::npos) << c.to << " -> " << message;
  }
  EXPECT_NE(parse_error(replaced(kGood, "abc123", std::string(66, 'x'))).find("\"id\" is malformed"),
            std::string::npos);
  EXPECT_EQ(parse_receipt(replaced(kGood, "abc123", std::string(65, 'x'))).supplier_message_id, std::string(65, 'x'));
}

TEST(ParseReceipt, DatesWithSecondsOrCenturyAsSomeSmscsWriteThem) {
  // SMPP interop notes: strict parsers elsewhere take 10, 12 or 14 digits; so do we.
  const auto ten = parse_receipt(kGood);
  const auto twelve = parse_receipt(replaced(kGood, "done date:2611211406", "done date:261121140659"));
  const auto fourteen = parse_receipt(replaced(kGood, "done date:2611211406", "done date:20261121140600"));
  EXPECT_EQ(twelve.done_date_ms, ten.done_date_ms) << "seconds are dropped: a receipt carries whole minutes";
  EXPECT_EQ(fourteen.done_date_ms, ten.done_date_ms);
}

TEST(ParseReceipt, ErrorMessageSaysWhatAReceiptLooksLike) {
  const std::string message = parse_error(replaced(kGood, "2611211405", "2613211405"));
  EXPECT_NE(message.find("month"), std::string::npos) << message;
  EXPECT_NE(message.find("YYMMDDhhmm"), std::string::npos) << message;
  EXPECT_NE(message.find("2613211405"), std::string::npos) << message;
}
