// The records' JSON writer: whatever it writes is valid JSON that reads back to the same values
// (checked with nlohmann, an independent parser), including escapes and non-ASCII text.
#include "records/json_writer.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <string>

using smsim::records::JsonWriter;

TEST(JsonWriter, WritesFieldsOfEveryTypeThatReadBack) {
  const std::string text = JsonWriter()
                               .field("s", "plain")
                               .field("i", std::int64_t{-42})
                               .field("u", std::uint64_t{18446744073709551615ULL})
                               .field("d", 0.0021)
                               .field("b", true)
                               .null_field("n")
                               .raw_field("a", "[1,2]")
                               .finish();
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["s"], "plain");
  EXPECT_EQ(j["i"], -42);
  EXPECT_EQ(j["u"].get<std::uint64_t>(), 18446744073709551615ULL);
  EXPECT_DOUBLE_EQ(j["d"].get<double>(), 0.0021);
  EXPECT_EQ(j["b"], true);
  EXPECT_TRUE(j["n"].is_null());
  EXPECT_EQ(j["a"], nlohmann::json::array({1, 2}));
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharactersAndKeepsUtf8) {
  std::string nasty = "say \"hi\" \\ back\nline\ttab\r\b\f";
  nasty += '\0';
  nasty += "\x01\x1f end ü € 😀";
  const std::string text = JsonWriter().field(nasty, nasty).finish();
  const auto j = nlohmann::json::parse(text);
  ASSERT_TRUE(j.contains(nasty));
  EXPECT_EQ(j[nasty].get<std::string>(), nasty);
  EXPECT_NE(text.find("ü € 😀"), std::string::npos) << "UTF-8 is written as is, not as \\u escapes";
}

TEST(JsonWriter, DoublesReadBackExactlyAndNonFiniteOnesAreNull) {
  for (const double d : {0.1, 1.0 / 3, 1e300, 5e-324, 123456789.125, 0.0}) {
    const auto j = nlohmann::json::parse(JsonWriter().field("d", d).finish());
    EXPECT_EQ(j["d"].get<double>(), d);
  }
  const auto j = nlohmann::json::parse(JsonWriter()
                                           .field("nan", std::numeric_limits<double>::quiet_NaN())
                                           .field("inf", std::numeric_limits<double>::infinity())
                                           .finish());
  EXPECT_TRUE(j["nan"].is_null());
  EXPECT_TRUE(j["inf"].is_null());
}

TEST(JsonWriter, AnEmptyObjectIsBraces) { EXPECT_EQ(JsonWriter().finish(), "{}"); }
