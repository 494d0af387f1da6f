#include "common/duration.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

using namespace std::chrono_literals;
using smsim::parse_duration;

TEST(ParseDuration, AcceptsEveryUnit) {
  EXPECT_EQ(parse_duration("7ns"), 7ns);
  EXPECT_EQ(parse_duration("7us"), 7us);
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("3s"), 3s);
  EXPECT_EQ(parse_duration("2m"), 2min);
  EXPECT_EQ(parse_duration("1h"), 1h);
}

TEST(ParseDuration, AcceptsFractions) {
  EXPECT_EQ(parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(parse_duration("0.25ms"), 250us);
  EXPECT_EQ(parse_duration("0s"), 0s);
}

TEST(ParseDuration, RejectsWithAMessageNamingTheText) {
  for (const char* bad : {"", "250", "ms", "-1s", "1.2.3s", "5 s", "5sec", "1e3ms", "99999999999h"}) {
    try {
      parse_duration(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const smsim::InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos) << e.what();
    }
  }
}

TEST(FormatDuration, RoundTripsCommonValues) {
  for (const char* text : {"250ms", "1.5s", "2m", "1h", "40us", "0s"}) {
    EXPECT_EQ(smsim::format_duration(parse_duration(text)), text);
  }
}
