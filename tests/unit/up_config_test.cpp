#include "app/up_config.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/progress.hpp"
#include "common/error.hpp"

using namespace smsim::app;
using namespace std::chrono_literals;

namespace {
std::string error_of(const std::string& toml) {
  try {
    parse_up_config(toml, "test.toml");
  } catch (const smsim::InvalidArgument& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(UpConfig, TheShippedDefaultConfigIsValid) {
  const auto config = load_up_config(SMSIM_DEFAULT_CONFIG);
  EXPECT_EQ(config.gateway_port, 5000);
  EXPECT_EQ(config.campaign_messages, 1000u);
  ASSERT_EQ(config.pools.size(), 3u);
  EXPECT_EQ(config.pools[0].name, "fast");
  EXPECT_EQ(config.pools[0].timing.mean, 50ms);
  EXPECT_EQ(config.pools[2].window, 2);
}

TEST(UpConfig, ParsesPoolsWithDefaults) {
  const auto config = parse_up_config(R"(
[[pool]]
name = "a"
mean = "1.5s"
failure_rate = 0.333
[[pool]]
name = "b"
senders = 4
distribution = "exponential"
)", "t");
  ASSERT_EQ(config.pools.size(), 2u);
  EXPECT_EQ(config.pools[0].timing.mean, 1500ms);
  EXPECT_DOUBLE_EQ(config.pools[0].failure_rate, 0.333);
  EXPECT_EQ(config.pools[0].senders, 1);
  EXPECT_EQ(config.pools[1].senders, 4);
  EXPECT_EQ(config.pools[1].timing.distribution, smsim::domain::Distribution::Exponential);
}

TEST(UpConfig, ErrorsNameTheFileAndTheKey) {
  EXPECT_NE(error_of("[gateway]\nport = 5000\n").find("at least one [[pool]]"), std::string::npos);
  EXPECT_NE(error_of("[[pool]]\nname='x'\nfailure_rate = 1.5\n").find("--failure-rate"), std::string::npos);
  EXPECT_NE(error_of("[[pool]]\nname='x'\nmean = '250'\n").find("pool[0]"), std::string::npos);
  EXPECT_NE(error_of("[[pool]]\nname='x'\ncolour = 'red'\n").find("pool[0].colour: unknown key"), std::string::npos);
  EXPECT_NE(error_of("[[pool]]\nname='x'\nsenders = -2\n").find("must not be negative"), std::string::npos);
  EXPECT_NE(error_of("[[pool]]\nname='x'\n[[pool]]\nname='x'\n").find("used by two pools"), std::string::npos);
  EXPECT_NE(error_of("[gateway]\ndispatch = 'fast'\n[[pool]]\n").find("gateway.dispatch"), std::string::npos);
  EXPECT_NE(error_of("this is = = not toml").find("test.toml: line 1"), std::string::npos);
}

TEST(UpConfig, SenderArgumentsRoundTripThroughTheFlags) {
  const auto config = parse_up_config("[[pool]]\nname='p'\nsenders=3\nmean='250ms'\nstddev='1.5s'\n"
                                      "distribution='exponential'\nfailure_rate=0.25\nwindow=4\nseed=9\n", "t");
  const auto args = sender_arguments(config.pools[0]);
  const std::vector<std::string> expected{"sender", "--name", "p", "--senders", "3", "--mean", "250ms",
                                          "--stddev", "1.5s", "--distribution", "exponential",
                                          "--failure-rate", "0.25", "--window", "4", "--seed", "9"};
  EXPECT_EQ(args, expected);
}

TEST(UpConfig, TheShippedSmppConfigIsValid) {
  const auto config = load_up_config(std::filesystem::path(SMSIM_DEFAULT_CONFIG).parent_path() / "smsim-smpp.toml");
  ASSERT_TRUE(config.smsc.has_value());
  EXPECT_EQ(config.smsc->port, 2775);
  ASSERT_EQ(config.pools.size(), 3u);
  ASSERT_TRUE(config.pools[0].smpp.has_value());
  EXPECT_EQ(config.pools[0].smpp->endpoint(), "127.0.0.1:2775");
  EXPECT_EQ(config.pools[0].smpp->system_id, "smsim");
  EXPECT_EQ(config.pools[1].smpp->system_id, "bulk");
  EXPECT_TRUE(config.pool_uses_local_smsc[0]);
  EXPECT_FALSE(config.pools[2].smpp.has_value()) << "a simulated pool beside the SMPP ones";
}

TEST(UpConfig, SmppPoolsBecomeSenderFlags) {
  const auto config = parse_up_config(R"(
[smsc]
port = 3775
accounts = ["acme:pw:50"]
[[pool]]
name = "local"
smsc = "local"
[[pool]]
name = "remote"
smsc = "10.0.0.7:2775"
system_id = "other"
password = "pw2"
bind = "transmitter"
concatenation = "sar"
window = 3
)", "t");
  ASSERT_EQ(config.pools.size(), 2u);
  EXPECT_EQ(config.pools[0].window, 10) << "an SMPP pool's window defaults to 10 submit_sm";
  const std::vector<std::string> local{"sender", "--name", "local", "--senders", "1", "--mean", "250ms", "--stddev",
                                       "50ms", "--distribution", "normal", "--failure-rate", "0", "--window", "10",
                                       "--smsc", "127.0.0.1:3775", "--system-id", "acme", "--password", "pw",
                                       "--bind", "transceiver", "--enquire-link", "30s", "--concatenation", "udh"};
  EXPECT_EQ(sender_arguments(config.pools[0]), local);
  const auto remote = sender_arguments(config.pools[1]);
  EXPECT_NE(std::find(remote.begin(), remote.end(), "10.0.0.7:2775"), remote.end());
  EXPECT_NE(std::find(remote.begin(), remote.end(), "transmitter"), remote.end());
  EXPECT_NE(std::find(remote.begin(), remote.end(), "sar"), remote.end());
  const auto smsc = smsc_arguments(*config.smsc);
  EXPECT_NE(std::find(smsc.begin(), smsc.end(), "3775"), smsc.end());
  EXPECT_NE(std::find(smsc.begin(), smsc.end(), "acme:pw:50"), smsc.end());
}

TEST(UpConfig, SmppErrorsNameTheKey) {
  EXPECT_NE(error_of("[[pool]]\nname='x'\nsmsc='local'\n").find("needs an [smsc] table"), std::string::npos);
  EXPECT_NE(error_of("[[pool]]\nname='x'\nsmsc='nowhere'\n").find("pool[0].smsc"), std::string::npos);
  EXPECT_NE(error_of("[[pool]]\nname='x'\nsystem_id='a'\n").find("only for a pool with an smsc"), std::string::npos);
  EXPECT_NE(error_of("[smsc]\naccounts=['nopassword']\n[[pool]]\nname='x'\n").find("smsc.accounts"), std::string::npos);
  EXPECT_NE(error_of("[smsc]\nfailure_rate=2\n[[pool]]\nname='x'\n").find("--failure-rate"), std::string::npos);
  EXPECT_NE(error_of("[[pool]]\nname='x'\nsmsc='1.2.3.4:5'\nbind='receiver'\n").find("pool[0].bind"), std::string::npos);
  EXPECT_NE(error_of("[[pool]]\nname='x'\nsmsc='1.2.3.4:5'\npassword='ninechars'\n").find("--password"),
            std::string::npos);
}

TEST(Progress, LineShowsCountsBarAndEta) {
  ProgressFigures f{.total = 1000, .sent = 450, .failed = 50, .published = 520, .rate_per_s = 100, .eta_s = 5.0};
  const auto line = progress_line(f, 10);
  EXPECT_EQ(line, "[#####-----]  50.0%  sent 450  failed 50  in flight 20  100/s  ETA 5s");
  f.sent = 950;
  EXPECT_NE(progress_line(f, 10).find("done"), std::string::npos);
  EXPECT_EQ(human_seconds(125), "2m05s");
  EXPECT_EQ(human_seconds(3720), "1h02m");
}
