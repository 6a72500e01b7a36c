// The fast paths a large coverage run takes, each checked against the plain
// method it replaces: bounded searches with reused labels against fresh
// searches, and the dense-grid tracing of service-area cells against the
// hash-map tracing (and against areas counted by hand).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "../../src/coverage/passes.hpp"
#include "ruralnet/network/dijkstra.hpp"

namespace {

using namespace ruralnet;
using Corner = std::pair<std::int64_t, std::int64_t>;

// n x n grid, two-way arcs with times 10 + (i*7 + j*3) % 11 seconds.
network::RoadGraph grid(std::uint32_t n) {
  network::RoadGraph::Arrays a;
  a.first_out.push_back(0);
  for (std::uint32_t i = 0; i < n; ++i)
    for (std::uint32_t j = 0; j < n; ++j) {
      const std::int64_t d[4][2] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
      for (const auto& s : d) {
        const std::int64_t ii = i + s[0], jj = j + s[1];
        if (ii < 0 || jj < 0 || ii >= n || jj >= n) continue;
        const auto lo = std::min<std::int64_t>(i * n + j, ii * n + jj);
        a.head.push_back(static_cast<std::uint32_t>(ii * n + jj));
        a.time_s.push_back(static_cast<float>(10 + (lo * 7 + (lo / n) * 3) % 11));
        a.length_m.push_back(100.0f);
        a.segment.push_back(0);
        a.flags.push_back(0);
      }
      a.first_out.push_back(static_cast<std::uint32_t>(a.head.size()));
      a.pos.push_back({0, 0, 1160000000, 315000000});
    }
  a.segment_count = 1;
  return network::RoadGraph(std::move(a));
}

TEST(ReusedLabels, BoundedSearchesMatchFreshOnes) {
  const network::RoadGraph g = grid(30);
  network::PathLabels work;
  std::vector<std::uint32_t> touched;
  network::DijkstraOptions o;
  o.max_cost = 95.0;  // about eight arcs: each search reaches a small part
  for (const std::uint32_t s : {0u, 455u, 899u, 31u, 455u, 612u}) {
    const network::Source src{VertexId(s), 2.5};
    network::multi_source_dijkstra_into(g, std::span<const network::Source>(&src, 1), o, work, touched);
    const network::PathLabels fresh = network::multi_source_dijkstra(g, std::span<const network::Source>(&src, 1), o);
    ASSERT_EQ(work.cost.size(), g.node_count());
    std::size_t reached = 0;
    for (std::uint32_t v = 0; v < g.node_count(); ++v) {
      EXPECT_EQ(work.cost[v], fresh.cost[v]) << "source " << s << " node " << v;
      EXPECT_EQ(work.source[v], fresh.source[v]);
      EXPECT_EQ(work.parent_arc[v], fresh.parent_arc[v]);
      reached += fresh.reached(VertexId(v)) ? 1 : 0;
    }
    EXPECT_EQ(work.settled, fresh.settled);
    // Every reached node is listed once, and nothing else.
    std::set<std::uint32_t> listed(touched.begin(), touched.end());
    EXPECT_EQ(listed.size(), touched.size());
    EXPECT_EQ(listed.size(), reached);
    EXPECT_GT(reached, 1u);
    EXPECT_LT(reached, g.node_count() / 2);
  }
  network::clear_labels(work, touched);
  EXPECT_TRUE(std::all_of(work.source.begin(), work.source.end(), [](std::uint32_t x) { return x == network::kNoSource; }));
}

TEST(ReusedLabels, StopAfterSettlesTheTargetsWithFinalLabels) {
  const network::RoadGraph g = grid(30);
  network::PathLabels work;
  std::vector<std::uint32_t> touched;
  const network::Source src{VertexId(465), 0.0};
  const network::PathLabels fresh = network::multi_source_dijkstra(g, std::span<const network::Source>(&src, 1));
  const std::vector<VertexId> targets{VertexId(470), VertexId(405), VertexId(470)};
  network::multi_source_dijkstra_into(g, std::span<const network::Source>(&src, 1), {}, work, touched, targets);
  for (const VertexId t : targets) {
    EXPECT_EQ(work.cost[t.value()], fresh.cost[t.value()]);
    EXPECT_EQ(network::path_to(g, work, t), network::path_to(g, fresh, t));
  }
  // It stopped early: the far corner was not settled, far fewer nodes were.
  EXPECT_LT(work.settled, fresh.settled / 4);
  EXPECT_FALSE(work.cost[899] == fresh.cost[899] && work.reached(VertexId(899)));
  // The next search clears what this one left, partial labels included.
  network::multi_source_dijkstra_into(g, std::span<const network::Source>(&src, 1), {}, work, touched);
  EXPECT_EQ(work.cost, fresh.cost);
  EXPECT_EQ(work.settled, fresh.settled);
}

// Shoelace area of a ring of corners, in cells.
double ring_area(const std::vector<Corner>& r) {
  double a = 0.0;
  for (std::size_t k = 0; k + 1 < r.size(); ++k)
    a += static_cast<double>(r[k].first * r[k + 1].second - r[k + 1].first * r[k].second);
  return a / 2.0;
}

TEST(TraceCells, BlockWithAHoleByHand) {
  // A 3 x 3 block without its centre, and a separate cell two columns away.
  std::vector<Corner> cells;
  for (std::int64_t i = 0; i < 3; ++i)
    for (std::int64_t j = 0; j < 3; ++j)
      if (i != 1 || j != 1) cells.emplace_back(i, j);
  cells.emplace_back(5, 0);
  for (const bool dense : {true, false}) {
    const auto polys = coverage::detail::trace_cells(cells, dense);
    ASSERT_EQ(polys.size(), 2u) << dense;
    std::vector<double> shells, holes;
    for (const auto& p : polys) {
      shells.push_back(ring_area(p[0]));
      for (std::size_t r = 1; r < p.size(); ++r) holes.push_back(ring_area(p[r]));
    }
    std::sort(shells.begin(), shells.end());
    EXPECT_EQ(shells, (std::vector<double>{1.0, 9.0}));
    EXPECT_EQ(holes, (std::vector<double>{-1.0}));  // clockwise
  }
}

TEST(TraceCells, DenseMatchesHashedOnRandomCells) {
  std::mt19937 rng(17);
  for (int round = 0; round < 20; ++round) {
    std::bernoulli_distribution on(0.15 + 0.04 * round);
    std::set<Corner> set;
    for (std::int64_t i = -20; i < 25; ++i)
      for (std::int64_t j = -7; j < 30; ++j)
        if (on(rng)) set.emplace(i, j);
    const std::vector<Corner> cells(set.begin(), set.end());
    const auto a = coverage::detail::trace_cells(cells, true);
    const auto b = coverage::detail::trace_cells(cells, false);
    EXPECT_EQ(a, b) << "round " << round;
    double area = 0.0;
    for (const auto& p : a)
      for (const auto& r : p) area += ring_area(r);
    // Pinches are filled with a side cell, so the area is at least the cells'.
    EXPECT_GE(area, static_cast<double>(cells.size())) << "round " << round;
  }
}

}  // namespace
