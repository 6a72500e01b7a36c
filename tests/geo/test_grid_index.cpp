// The grid index against brute force on random points, and on small cases
// worked by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>

#include "ruralnet/core/error.hpp"
#include "ruralnet/geo/grid_index.hpp"

using namespace ruralnet;
using geo::GridIndex;

namespace {

std::vector<XY> random_points(std::size_t n, double span, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, span);
  std::vector<XY> pts(n);
  for (auto& p : pts) p = {500000.0 + u(rng), 3500000.0 + u(rng)};
  return pts;
}

double dist(XY a, XY b) { return std::hypot(a.x - b.x, a.y - b.y); }

}  // namespace

TEST(RadixSort, SortsStablyByKey) {
  std::mt19937_64 rng(7);
  std::vector<geo::KeyedIndex> v(5000);
  for (std::uint32_t i = 0; i < v.size(); ++i) {
    // Few distinct keys spread over all 64 bits, so equal keys occur and every pass runs.
    const std::uint64_t k = rng() % 50;
    v[i] = {k * 0x0123456789ABCDEFull, i};
  }
  auto expected = v;
  std::stable_sort(expected.begin(), expected.end(), [](auto& a, auto& b) { return a.key < b.key; });
  geo::radix_sort(v);
  ASSERT_EQ(v.size(), expected.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(v[i].key, expected[i].key);
    EXPECT_EQ(v[i].index, expected[i].index);
  }
  std::vector<geo::KeyedIndex> empty;
  geo::radix_sort(empty);
  EXPECT_TRUE(empty.empty());
}

TEST(RadixSort, ThreadsGiveTheStableSortOrder) {
  // Above the size where the sort shares its passes out; keys with many
  // duplicates, some passes constant (skipped), every thread count alike.
  std::mt19937_64 rng(11);
  std::vector<geo::KeyedIndex> v(300001);
  for (std::uint32_t i = 0; i < v.size(); ++i) {
    // Mostly a few keys in one corner of the key space (one crowded first-pass
    // bucket, small ones elsewhere), the rest over all 64 bits.
    const std::uint64_t k = i % 10 == 0 ? rng() : ((rng() % 4000) << 20) * 0x9E3779B9ull + (rng() % 3);
    v[i] = {i % 3 == 0 ? k : k >> 40, i};
  }
  auto expected = v;
  std::stable_sort(expected.begin(), expected.end(), [](auto& a, auto& b) { return a.key < b.key; });
  for (const std::size_t threads : {1u, 2u, 3u, 8u}) {
    auto got = v;
    geo::radix_sort(got, threads);
    ASSERT_EQ(got.size(), expected.size());
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < got.size(); ++i)
      wrong += got[i].key != expected[i].key || got[i].index != expected[i].index ? 1 : 0;
    EXPECT_EQ(wrong, 0u) << threads << " threads";
  }
}

TEST(GridIndex, WithinMatchesBruteForce) {
  const auto pts = random_points(2000, 1000.0, 1);
  const GridIndex g(pts, 25.0);
  EXPECT_EQ(g.item_count(), pts.size());
  for (const XY q : {XY{500500.0, 3500500.0}, XY{500000.0, 3500000.0}, XY{499990.0, 3501010.0}}) {
    for (const double r : {0.0, 10.0, 40.0, 130.0}) {
      auto got = g.within(q, r);
      std::sort(got.begin(), got.end());
      std::vector<std::uint32_t> want;
      for (std::uint32_t i = 0; i < pts.size(); ++i)
        if (dist(pts[i], q) <= r) want.push_back(i);
      EXPECT_EQ(got, want) << "radius " << r;
    }
  }
}

TEST(GridIndex, NearestAndKNearestMatchBruteForce) {
  const auto pts = random_points(500, 2000.0, 2);
  const GridIndex g(pts, 50.0);
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(-500.0, 2500.0);  // some queries outside the data
  for (int t = 0; t < 200; ++t) {
    const XY q{500000.0 + u(rng), 3500000.0 + u(rng)};
    std::vector<std::pair<double, std::uint32_t>> all;
    for (std::uint32_t i = 0; i < pts.size(); ++i) all.push_back({dist(pts[i], q), i});
    std::sort(all.begin(), all.end());
    const auto n = g.nearest(q);
    ASSERT_TRUE(n);
    EXPECT_DOUBLE_EQ(n->distance, all[0].first);
    const auto k = g.k_nearest(q, 5);
    ASSERT_EQ(k.size(), 5u);
    for (std::size_t i = 0; i < 5; ++i) EXPECT_DOUBLE_EQ(k[i].distance, all[i].first);
    // A bound leaves out what is farther.
    const double bound = all[2].first;
    const auto kb = g.k_nearest(q, 5, bound);
    EXPECT_EQ(kb.size(), 3u);
  }
  EXPECT_FALSE(g.nearest({0.0, 0.0}, 100.0));  // far away, bounded
}

TEST(GridIndex, ClosepairsMatchBruteForce) {
  const auto pts = random_points(3000, 800.0, 4);
  const double r = 6.0;
  const GridIndex g(pts, r);
  std::set<std::pair<std::uint32_t, std::uint32_t>> got;
  g.for_each_close_pair(r, [&](std::uint32_t i, std::uint32_t j, double d) {
    EXPECT_LT(i, j);
    EXPECT_NEAR(d, dist(pts[i], pts[j]), 1e-9);
    EXPECT_TRUE(got.insert({i, j}).second) << "pair reported twice";
  });
  std::set<std::pair<std::uint32_t, std::uint32_t>> want;
  for (std::uint32_t i = 0; i < pts.size(); ++i)
    for (std::uint32_t j = i + 1; j < pts.size(); ++j)
      if (dist(pts[i], pts[j]) <= r) want.insert({i, j});
  EXPECT_FALSE(want.empty());
  EXPECT_EQ(got, want);
}

TEST(GridIndex, ClosepairsOnAHandDrawnRow) {
  // Points 4, 5 and 7 m apart along a row, crossing cell borders.
  const std::vector<XY> pts{{0.0, 0.0}, {4.0, 0.0}, {9.0, 0.0}, {16.0, 0.0}, {16.0, 5.0}};
  const GridIndex g(pts, 5.0);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> got;
  g.for_each_close_pair(5.0, [&](std::uint32_t i, std::uint32_t j, double) { got.push_back({i, j}); });
  std::sort(got.begin(), got.end());
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> want{{0, 1}, {1, 2}, {3, 4}};
  EXPECT_EQ(got, want);
  // A radius beyond the cell size would miss pairs two cells apart.
  EXPECT_THROW(g.for_each_close_pair(5.5, [](std::uint32_t, std::uint32_t, double) {}), RunError);
}

TEST(GridIndex, BoxesAreFoundInEveryCellTheyCover) {
  const std::vector<geo::Box> boxes{{0, 0, 100, 1}, {50, 50, 60, 60}, {200, 200, 201, 201}};
  const GridIndex g = GridIndex::of_boxes(boxes, 10.0);
  EXPECT_EQ(g.item_count(), 3u);
  std::set<std::uint32_t> seen;
  g.for_each_in_box({95, 0, 96, 0.5}, [&](std::uint32_t i) { seen.insert(i); });
  EXPECT_EQ(seen, std::set<std::uint32_t>{0});
  seen.clear();
  g.for_each_in_box({55, 55, 205, 205}, [&](std::uint32_t i) { seen.insert(i); });
  EXPECT_EQ(seen, (std::set<std::uint32_t>{1, 2}));
}

TEST(GridIndex, SkipsNonFinitePointsAndRejectsBadCells) {
  const std::vector<XY> pts{{1.0, 1.0}, {std::nan(""), 2.0}, {3.0, 3.0}};
  const GridIndex g(pts, 1.0);
  EXPECT_EQ(g.item_count(), 2u);
  EXPECT_EQ(g.within({2.0, 2.0}, 10.0).size(), 2u);
  EXPECT_THROW(GridIndex(pts, 0.0), RunError);
  EXPECT_THROW(GridIndex(pts, -1.0), RunError);
  const GridIndex empty(std::vector<XY>{}, 1.0);
  EXPECT_FALSE(empty.nearest({0.0, 0.0}));
  EXPECT_TRUE(empty.within({0.0, 0.0}, 5.0).empty());
}

TEST(GridIndex, QueriesFarOutsideTheGridStayCheap) {
  // A 1 m grid over 100 m, queried from 500 km away: the search starts at the
  // first ring that reaches the grid instead of walking 500,000 empty rings.
  const auto pts = random_points(200, 100.0, 9);
  const GridIndex g(pts, 1.0);
  const XY far{500000.0 - 500000.0, 3500000.0};
  const auto n = g.nearest(far);
  ASSERT_TRUE(n);
  double best = std::numeric_limits<double>::infinity();
  for (const XY& p : pts) best = std::min(best, dist(p, far));
  EXPECT_DOUBLE_EQ(n->distance, best);
  EXPECT_FALSE(g.nearest(far, 1000.0));
}
