#include "kafka/client_config.hpp"

#include <gtest/gtest.h>

#include "kafka/errors.hpp"

using namespace smsim::kafka;

TEST(ParseProperty, SplitsAtTheFirstEquals) {
  EXPECT_EQ(parse_property("a=b"), std::make_pair(std::string("a"), std::string("b")));
  EXPECT_EQ(parse_property("sasl.jaas=x=y"), std::make_pair(std::string("sasl.jaas"), std::string("x=y")));
  EXPECT_EQ(parse_property("empty="), std::make_pair(std::string("empty"), std::string("")));
}

TEST(ParseProperty, RejectsMissingNameOrEquals) {
  EXPECT_THROW(parse_property("novalue"), ConfigError);
  EXPECT_THROW(parse_property("=value"), ConfigError);
}

TEST(MakeConf, PassesPropertiesThroughToLibrdkafka) {
  ClientConfig config{"127.0.0.1:1234", {{"client.id", "smsim-test"}, {"linger.ms", "7"}}};
  const auto conf = make_conf(config, {{"linger.ms", "1"}});
  std::string value;
  ASSERT_EQ(conf->get("bootstrap.servers", value), RdKafka::Conf::CONF_OK);
  EXPECT_EQ(value, "127.0.0.1:1234");
  ASSERT_EQ(conf->get("client.id", value), RdKafka::Conf::CONF_OK);
  EXPECT_EQ(value, "smsim-test");
  ASSERT_EQ(conf->get("linger.ms", value), RdKafka::Conf::CONF_OK);
  EXPECT_EQ(value, "7") << "the user's property must win over smsim's default";
}

TEST(MakeConf, UnknownPropertyNamesItInTheError) {
  try {
    make_conf({"127.0.0.1:1", {{"no.such.property", "1"}}});
    FAIL() << "accepted an unknown property";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no.such.property"), std::string::npos) << e.what();
  }
}
