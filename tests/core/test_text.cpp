#include <gtest/gtest.h>

#include <cmath>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/core/types.hpp"

using namespace ruralnet;

TEST(Text, NumbersAsPlannersTypeThem) {
  EXPECT_EQ(parse_number("1,300"), 1300.0);
  EXPECT_EQ(parse_number(" 12.5 "), 12.5);
  EXPECT_EQ(parse_number("-1,234,567.25"), -1234567.25);
  EXPECT_FALSE(parse_number("1,3"));
  EXPECT_FALSE(parse_number("12a"));
  EXPECT_FALSE(parse_number(""));
  EXPECT_FALSE(parse_number("nan"));
  EXPECT_EQ(parse_integer("45"), 45);
  EXPECT_FALSE(parse_integer("4.5"));
}

TEST(Text, Booleans) {
  EXPECT_EQ(parse_bool("是"), true);
  EXPECT_EQ(parse_bool("FALSE"), false);
  EXPECT_FALSE(parse_bool("maybe"));
}

TEST(Text, Utf8Validity) {
  EXPECT_TRUE(is_valid_utf8("六安市"));
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_FALSE(is_valid_utf8("\xc1\xf9\xb0\xb2"));  // 六安 in GBK
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
}

TEST(Types, TravelTimeFromDistanceAndSpeed) {
  // 30 km at 60 km/h is 30 minutes.
  EXPECT_DOUBLE_EQ(travel_time(Metres(30000), Kmh(60)).value(), 30.0);
  EXPECT_LT(Metres(1), Metres(2));
}

namespace ruralnet {
namespace {

TEST(CompactNumber, DropsTrailingZerosOnly) {
  EXPECT_EQ(compact_number(2.5), "2.5");
  EXPECT_EQ(compact_number(3.0), "3");
  EXPECT_EQ(compact_number(100.0), "100");  // zeros before the point stay
  EXPECT_EQ(compact_number(0.1234567, 3), "0.123");
  EXPECT_EQ(compact_number(-0.0001, 3), "0");
  EXPECT_EQ(compact_number(std::nan(""), 3), "NaN");
  EXPECT_EQ(compact_number(-INFINITY, 3), "-inf");
}

TEST(HtmlEscape, EscapesMarkupAndKeepsChinese) {
  EXPECT_EQ(html_escape("<b a=\"1\">&'</b>"), "&lt;b a=&quot;1&quot;&gt;&amp;&#39;&lt;/b&gt;");
  EXPECT_EQ(html_escape("六安市"), "六安市");
}

TEST(RequirePositive, NamesOptionUnitAndValue) {
  EXPECT_NO_THROW(require_positive(0.5, "--time", "minutes"));
  try {
    require_positive(-2.0, "--time", "minutes");
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--time must be a positive number of minutes, got -2");
  }
  EXPECT_THROW(require_positive(0.0, "--x", "m"), UsageError);
  EXPECT_THROW(require_positive(std::nan(""), "--x", "m"), UsageError);
  EXPECT_THROW(require_positive(INFINITY, "--x", "m"), UsageError);
}

}  // namespace
}  // namespace ruralnet
