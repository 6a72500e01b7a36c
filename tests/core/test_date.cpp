#include <gtest/gtest.h>

#include "ruralnet/core/date.hpp"

using ruralnet::Date;
using ruralnet::parse_date;
using ruralnet::parse_date_or_serial;

TEST(Date, AcceptsThePlannersForms) {
  EXPECT_EQ(parse_date("2018-07-05"), Date(2018, 7, 5));
  EXPECT_EQ(parse_date("2018/7/5"), Date(2018, 7, 5));
  EXPECT_EQ(parse_date("2018年7月5日"), Date(2018, 7, 5));
  EXPECT_EQ(parse_date("2018.12.31"), Date(2018, 12, 31));
  EXPECT_EQ(parse_date(" 2018-07-05T00:00:00 "), Date(2018, 7, 5));
}

TEST(Date, RejectsAmbiguousAndImpossibleDates) {
  EXPECT_FALSE(parse_date("05/07/2018"));
  EXPECT_FALSE(parse_date("2018-02-29"));  // 2018 is not a leap year
  EXPECT_FALSE(parse_date("2018-13-01"));
  EXPECT_FALSE(parse_date("next week"));
  EXPECT_FALSE(parse_date(""));
  EXPECT_TRUE(parse_date("2020-02-29"));
}

TEST(Date, SpreadsheetSerials) {
  // 43281 is 2018-06-30 in the 1900 date system (checked against LibreOffice).
  EXPECT_EQ(parse_date_or_serial("43281"), Date(2018, 6, 30));
  EXPECT_EQ(parse_date_or_serial("25569"), Date(1970, 1, 1));
  EXPECT_FALSE(parse_date_or_serial("43281.5x"));
}

TEST(Date, DayArithmeticRoundTrips) {
  EXPECT_EQ(Date(1970, 1, 1).days_since_epoch(), 0);
  EXPECT_EQ(Date(2018, 12, 31).days_since_epoch() - Date(2018, 1, 1).days_since_epoch(), 364);
  for (long d = -600000; d < 800000; d += 997) EXPECT_EQ(Date::from_days_since_epoch(d).days_since_epoch(), d);
  EXPECT_EQ(Date(2019, 3, 31).iso(), "2019-03-31");
}
