// The outlines of service areas (src/coverage/outliner.hpp): hand-drawn cell
// sets worked out by hand, and random ones checked against independent
// references (components by flood fill, nesting by point in polygon, rings
// simple and apart by testing every pair of edges).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "../../src/coverage/outliner.hpp"

namespace {

namespace cd = ruralnet::coverage::detail;
using cd::P2;
using Cells = std::vector<std::pair<int, int>>;

// Outlines of cells given as (i, j) in a w x h box.
std::vector<cd::Poly2> outline(cd::Outliner& o, const Cells& cells, int w, int h, double hole_limit, double tol,
                               const std::set<std::pair<int, int>>& blocked = {}) {
  std::vector<std::uint32_t> in;
  for (const auto& [i, j] : cells) in.push_back(static_cast<std::uint32_t>(i * h + j));
  return o.run(
      in, w, h, hole_limit,
      [&](std::span<const cd::BoxCell> gaps) {
        for (const cd::BoxCell& g : gaps)
          if (blocked.count({g.x, g.y})) return true;
        return false;
      },
      tol);
}
std::vector<cd::Poly2> outline(const Cells& cells, int w, int h, double hole_limit, double tol,
                               const std::set<std::pair<int, int>>& blocked = {}) {
  cd::Outliner o;
  return outline(o, cells, w, h, hole_limit, tol, blocked);
}

// The cells of the block [i0, i1] x [j0, j1] without those of [k0, k1] x [l0, l1].
void add_frame(Cells& c, int i0, int i1, int j0, int j1, int k0 = 1, int k1 = 0, int l0 = 1, int l1 = 0) {
  for (int i = i0; i <= i1; ++i)
    for (int j = j0; j <= j1; ++j)
      if (!(i >= k0 && i <= k1 && j >= l0 && j <= l1)) c.push_back({i, j});
}

TEST(Outliner, FloorAndCeilAsTheLibrary) {
  for (const double v : {2.0, 2.5, -2.5, -0.0, 1e-12, -1e-12, 123456.999, -7.0, -6.3, 0.7 - 1e-9}) {
    EXPECT_EQ(cd::floor_int(v), static_cast<std::int64_t>(std::floor(v))) << v;
    EXPECT_EQ(cd::ceil_int(v), static_cast<std::int64_t>(std::ceil(v))) << v;
  }
  EXPECT_EQ(cd::floor_int(-2.5), -3);
  EXPECT_EQ(cd::ceil_int(-2.5), -2);
  EXPECT_EQ(cd::floor_int(1e-12), 0);
  EXPECT_EQ(cd::ceil_int(1e-12), 1);
  EXPECT_EQ(cd::ceil_int(-1e-12), 0);
}

TEST(Outliner, TwiceArea) {
  const cd::Ring2 sq{{0, 0}, {2, 0}, {2, 2}, {0, 2}};
  EXPECT_EQ(cd::twice_area(sq), 8);
  const cd::Ring2 cw(sq.rbegin(), sq.rend());
  EXPECT_EQ(cd::twice_area(cw), -8);
  EXPECT_EQ(cd::twice_area(sq.data(), 3), 4);  // the triangle of the first three
}

// One cell: its four side midpoints (every run is one cell long).
TEST(Outliner, OneCellIsADiamond) {
  const auto p = outline({{1, 1}}, 3, 3, 100.0, cd::kSimplifyTol);
  ASSERT_EQ(p.size(), 1u);
  ASSERT_EQ(p[0].size(), 1u);
  EXPECT_EQ(p[0][0], (cd::Ring2{{3, 2}, {4, 3}, {3, 4}, {2, 3}}));
}

// A 3 x 3 block: its sides keep their ends, each corner cut at half a cell.
// The ring starts from the first boundary edge of the first cell listed.
TEST(Outliner, BlockKeepsItsSidesAndStartsAtTheFirstCell) {
  Cells c;
  add_frame(c, 1, 3, 1, 3);
  const auto p = outline(c, 5, 5, 100.0, cd::kSimplifyTol);
  ASSERT_EQ(p.size(), 1u);
  ASSERT_EQ(p[0].size(), 1u);
  EXPECT_EQ(p[0][0], (cd::Ring2{{3, 2}, {7, 2}, {8, 3}, {8, 7}, {7, 8}, {3, 8}, {2, 7}, {2, 3}}));
  // From the centre cell (no boundary edge), then (3, 3): its right side
  // first, at the corner (4, 3), which is no turn; the ring starts at the
  // next turn, (4, 4).
  Cells d{{2, 2}, {3, 3}};
  for (const auto& x : c)
    if (x != std::pair{2, 2} && x != std::pair{3, 3}) d.push_back(x);
  const auto q = outline(d, 5, 5, 100.0, cd::kSimplifyTol);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0][0], (cd::Ring2{{7, 8}, {3, 8}, {2, 7}, {2, 3}, {3, 2}, {7, 2}, {8, 3}, {8, 7}}));
}

// A 5 x 5 frame around a 3 x 3 hole, and a cell apart: the hole goes with
// the frame whichever shell comes first; it is filled under the limit
// unless it holds a blocked cell.
TEST(Outliner, HoleGoesToItsShell) {
  Cells frame;
  add_frame(frame, 1, 5, 1, 5, 2, 4, 2, 4);
  const cd::Ring2 shell{{3, 2}, {11, 2}, {12, 3}, {12, 11}, {11, 12}, {3, 12}, {2, 11}, {2, 3}};
  for (const bool cell_first : {false, true}) {
    Cells c = frame;
    if (cell_first)
      c.insert(c.begin(), {8, 3});
    else
      c.push_back({8, 3});
    const auto p = outline(c, 10, 7, 0.0, cd::kSimplifyTol);
    ASSERT_EQ(p.size(), 2u);
    const cd::Poly2& f = p[cell_first ? 1 : 0];
    const cd::Poly2& one = p[cell_first ? 0 : 1];
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0], shell);
    EXPECT_EQ(cd::twice_area(f[1]), -(36 - 2) * 2);  // a 6 x 6 square in doubled units, corners cut
    EXPECT_EQ(f[1].size(), 8u);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0], (cd::Ring2{{17, 6}, {18, 7}, {17, 8}, {16, 7}}));
  }
  // Nine cells: filled under a limit of 10 cells, kept under 9 or when blocked.
  EXPECT_EQ(outline(frame, 10, 7, 10.0, cd::kSimplifyTol)[0].size(), 1u);
  EXPECT_EQ(outline(frame, 10, 7, 9.0, cd::kSimplifyTol)[0].size(), 2u);
  EXPECT_EQ(outline(frame, 10, 7, 10.0, cd::kSimplifyTol, {{3, 4}})[0].size(), 2u);
}

// A frame around a hole holding an island, itself a frame around a hole:
// each hole goes with its own shell.
TEST(Outliner, NestedHolesGoToTheirOwnShells) {
  Cells c;
  add_frame(c, 3, 7, 3, 7, 4, 6, 4, 6);  // the island, listed first
  add_frame(c, 1, 9, 1, 9, 2, 8, 2, 8);
  const auto p = outline(c, 11, 11, 0.0, 0.0);
  ASSERT_EQ(p.size(), 2u);
  ASSERT_EQ(p[0].size(), 2u);
  ASSERT_EQ(p[1].size(), 2u);
  // The island: a 5 x 5 shell (doubled 10 x 10 less four half-cell corners) around 3 x 3.
  EXPECT_EQ(cd::twice_area(p[0][0]), 2 * (100 - 2));
  EXPECT_EQ(cd::twice_area(p[0][1]), -2 * (36 - 2));
  EXPECT_EQ(cd::twice_area(p[1][0]), 2 * (18 * 18 - 2));
  EXPECT_EQ(cd::twice_area(p[1][1]), -2 * (14 * 14 - 2));
}

// Two holes one above the other in a block, and a second block: going down
// from the upper hole meets the lower one first, then the block's shell.
TEST(Outliner, HoleAboveAHoleGoesToTheShell) {
  Cells c{{12, 2}, {12, 3}};  // the second block first
  for (int i = 1; i <= 7; ++i)
    for (int j = 1; j <= 9; ++j) {
      const bool hole = i >= 2 && i <= 4 && ((j >= 2 && j <= 3) || (j >= 5 && j <= 7));
      if (!hole) c.push_back({i, j});
    }
  const auto p = outline(c, 14, 11, 0.0, cd::kSimplifyTol);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].size(), 1u);
  ASSERT_EQ(p[1].size(), 3u);
  EXPECT_LT(cd::twice_area(p[1][1]), 0);
  EXPECT_LT(cd::twice_area(p[1][2]), 0);
}

// Random cell sets against independent references.
struct Random {
  Cells cells;
  int w, h;
};
Random random_cells(std::mt19937& rng, int w, int h, double density) {
  Random r{{}, w, h};
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 1; i < w - 1; ++i)
    for (int j = 1; j < h - 1; ++j)
      if (u(rng) < density) r.cells.push_back({i, j});
  std::shuffle(r.cells.begin(), r.cells.end(), rng);
  return r;
}

// Components after the pinches are filled: two cells touching only at a
// corner get the side cell to the right of the left one, cells (and the
// cells so added) taken in turn; then 4-connected components, by flood fill.
int components(const Random& r) {
  std::vector<int> on(static_cast<std::size_t>(r.w * r.h), 0);
  auto at = [&](int i, int j) -> int& { return on[static_cast<std::size_t>(i * r.h + j)]; };
  Cells cells = r.cells;
  for (const auto& [i, j] : cells) at(i, j) = 1;
  for (std::size_t k = 0; k < cells.size(); ++k) {
    const auto [i, j] = cells[k];
    for (const int dj : {-1, 1})
      if (at(i + 1, j + dj) && !at(i + 1, j) && !at(i, j + dj)) {
        at(i + 1, j) = 1;
        cells.push_back({i + 1, j});
      }
  }
  int n = 0;
  for (const auto& [i0, j0] : cells) {
    if (at(i0, j0) != 1) continue;
    ++n;
    std::vector<std::pair<int, int>> st{{i0, j0}};
    at(i0, j0) = 2;
    while (!st.empty()) {
      const auto [i, j] = st.back();
      st.pop_back();
      for (const auto& [di, dj] : {std::pair{1, 0}, std::pair{-1, 0}, std::pair{0, 1}, std::pair{0, -1}})
        if (at(i + di, j + dj) == 1) {
          at(i + di, j + dj) = 2;
          st.push_back({i + di, j + dj});
        }
    }
  }
  return n;
}

bool inside(const cd::Ring2& ring, double x, double y) {
  bool in = false;
  for (std::size_t k = 0; k < ring.size(); ++k) {
    const P2 p = ring[k], q = ring[(k + 1) % ring.size()];
    if ((p.y > y) != (q.y > y) && x < (q.x - p.x) * (y - p.y) / static_cast<double>(q.y - p.y) + p.x) in = !in;
  }
  return in;
}

// Whether segments p1-p2 and q1-q2 meet (touching included).
bool meet(P2 p1, P2 p2, P2 q1, P2 q2) {
  auto orient = [](P2 a, P2 b, P2 c) {
    const std::int64_t v = static_cast<std::int64_t>(b.x - a.x) * (c.y - a.y) - static_cast<std::int64_t>(b.y - a.y) * (c.x - a.x);
    return (v > 0) - (v < 0);
  };
  auto on = [](P2 a, P2 b, P2 c) {  // c on a-b, given collinear
    return std::min(a.x, b.x) <= c.x && c.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= c.y && c.y <= std::max(a.y, b.y);
  };
  const int o1 = orient(p1, p2, q1), o2 = orient(p1, p2, q2), o3 = orient(q1, q2, p1), o4 = orient(q1, q2, p2);
  if (o1 != o2 && o3 != o4) return true;
  return (o1 == 0 && on(p1, p2, q1)) || (o2 == 0 && on(p1, p2, q2)) || (o3 == 0 && on(q1, q2, p1)) ||
         (o4 == 0 && on(q1, q2, p2));
}

TEST(Outliner, RandomSetsAgainstReferences) {
  std::mt19937 rng(12345);
  cd::Outliner reused;
  int checked_holes = 0;
  for (int trial = 0; trial < 1000; ++trial) {
    const int w = 6 + trial % 17, h = 6 + (trial * 7) % 19;
    const Random r = random_cells(rng, w, h, 0.35 + 0.3 * ((trial % 5) / 4.0));
    if (r.cells.empty()) continue;
    // A tolerance of 1.5 cells too: chords then often pass other vertices
    // and must be refused for the rings to stay simple and apart.
    for (const double tol : {0.0, cd::kSimplifyTol, 3.0}) {
      const auto p = outline(r.cells, w, h, 0.0, tol);
      // One Outliner for all: its buffers are left clear by each call.
      EXPECT_EQ(outline(reused, r.cells, w, h, 0.0, tol), p) << trial;
      // No hole filled: a polygon for each component.
      EXPECT_EQ(static_cast<int>(p.size()), components(r)) << trial;
      // A hole lies in its own shell and in no shell inside that one.
      for (std::size_t a = 0; a < p.size(); ++a) {
        EXPECT_GT(cd::twice_area(p[a][0]), 0);
        for (std::size_t k = 1; k < p[a].size(); ++k) {
          EXPECT_LT(cd::twice_area(p[a][k]), 0);
          const double x = p[a][k][0].x, y = p[a][k][0].y;
          EXPECT_TRUE(inside(p[a][0], x, y)) << trial;
          for (std::size_t b = 0; b < p.size(); ++b) {
            if (b != a && inside(p[b][0], x, y)) {
              EXPECT_FALSE(inside(p[a][0], p[b][0][0].x, p[b][0][0].y)) << trial;
            }
          }
          ++checked_holes;
        }
      }
      // Rings simple and apart: edges meet only their neighbours, at their ends.
      std::vector<std::pair<P2, P2>> edges;
      std::vector<std::pair<std::size_t, std::size_t>> where;  // first edge of the ring, its size
      for (const auto& poly : p)
        for (const auto& ring : poly)
          for (std::size_t k = 0; k < ring.size(); ++k) {
            edges.push_back({ring[k], ring[(k + 1) % ring.size()]});
            where.push_back({edges.size() - 1 - k, ring.size()});
          }
      for (std::size_t e = 0; e < edges.size(); ++e)
        for (std::size_t f = e + 1; f < edges.size(); ++f) {
          if (where[e].first == where[f].first) {
            const std::size_t n = where[e].second, ke = e - where[e].first, kf = f - where[f].first;
            if (kf == ke + 1 || (ke == 0 && kf == n - 1)) continue;  // neighbours
          }
          EXPECT_FALSE(meet(edges[e].first, edges[e].second, edges[f].first, edges[f].second)) << trial << " " << e << " " << f;
        }
    }
  }
  EXPECT_GT(checked_holes, 100);
}

}  // namespace
