// Huge pages for large vectors: storage advised before it is touched, the
// vector behaving as any other through growth, swaps and small sizes.
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>

#include "ruralnet/core/huge_pages.hpp"

TEST(HugePages, LargeVectorHoldsItsValuesThroughGrowth) {
  std::vector<std::uint64_t> v;
  ruralnet::assign_huge(v, 5'000'000, std::uint64_t{0});  // 40 MB: above the threshold
  std::iota(v.begin(), v.end(), std::uint64_t{0});
  v.resize(9'000'000, 7);  // reallocates: the values move across
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < 5'000'000; ++i) sum += v[i];
  EXPECT_EQ(sum, std::uint64_t{5'000'000} * 4'999'999 / 2);
  EXPECT_EQ(v[8'999'999], 7u);
  std::vector<std::uint64_t> w;
  w.swap(v);
  EXPECT_EQ(w.size(), 9'000'000u);
  EXPECT_TRUE(v.empty());
  // Advice on memory already in use changes nothing in it.
  ruralnet::advise_huge_pages(w.data() + 3, (w.size() - 3) * sizeof(std::uint64_t));
  EXPECT_EQ(w[4'999'999], 4'999'999u);
}

TEST(HugePages, SmallVectorIsAnOrdinaryOne) {
  std::vector<double> v{9.0};
  ruralnet::assign_huge(v, 2, 1.5);
  v[1] = 2.5;
  for (int i = 0; i < 1000; ++i) v.push_back(i);
  EXPECT_EQ(v.size(), 1002u);
  EXPECT_EQ(v[1], 2.5);
  EXPECT_EQ(v.back(), 999.0);
}

TEST(HugePages, AssignHugeFillsAPlainVector) {
  std::vector<double> v{1.0, 2.0};
  ruralnet::assign_huge(v, 6'000'000, 3.5);  // 48 MB: reserved, advised, filled
  ASSERT_EQ(v.size(), 6'000'000u);
  EXPECT_EQ(v.front(), 3.5);
  EXPECT_EQ(v.back(), 3.5);
  const double* before = v.data();
  ruralnet::assign_huge(v, 10, -1.0);  // smaller: the storage is kept
  EXPECT_EQ(v.size(), 10u);
  EXPECT_EQ(v.data(), before);
  EXPECT_EQ(v[9], -1.0);
}
