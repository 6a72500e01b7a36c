#include <gtest/gtest.h>

#include "ruralnet/report/table.hpp"

using namespace ruralnet::report;

TEST(TextTable, ChineseTakesTwoColumns) {
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("霍邱县"), 6u);
  EXPECT_EQ(display_width("K12+300 霍邱"), 12u);
}

TEST(TextTable, AlignsByDisplayWidthAndRightAlignsNumbers) {
  TextTable t({"name", ">km"});
  t.add({"霍邱县", "1.5"});
  t.add({"Yeji", "12.25"});
  const std::string expected =
      "name       km\n"
      "------  -----\n"
      "霍邱县    1.5\n"
      "Yeji    12.25\n";
  EXPECT_EQ(t.render(), expected);
}
