#include <gtest/gtest.h>

#include "ruralnet/roads/stake.hpp"

using ruralnet::roads::parse_stake_m;

TEST(Stake, ParsesKilometresPlusMetres) {
  EXPECT_DOUBLE_EQ(*parse_stake_m("K12+300"), 12300.0);
  EXPECT_DOUBLE_EQ(*parse_stake_m("K0+000"), 0.0);
  EXPECT_DOUBLE_EQ(*parse_stake_m("k3+050.5"), 3050.5);
  EXPECT_DOUBLE_EQ(*parse_stake_m(" K 7 + 5 "), 7005.0);
  EXPECT_DOUBLE_EQ(*parse_stake_m("\xEF\xBC\xAB" "2\xEF\xBC\x8B" "100"), 2100.0);  // Ｋ2＋100
}

TEST(Stake, RejectsWhatIsNotAStake) {
  for (const char* bad : {"K12+3OO", "12+300", "K12+1000", "K12", "K-1+000", "", "K+300", "K12+", "K12+30.5.1",
                          "K12+300m", "KK1+000"})
    EXPECT_FALSE(parse_stake_m(bad).has_value()) << bad;
}
