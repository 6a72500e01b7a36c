// The snapping index: pieces recovered from the segment table (junctions at
// interior vertices, collapsed stubs, crossings) checked against the graph,
// and every nearest-point query checked against a brute-force scan of every
// piece's line.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "fixtures.hpp"
#include "ruralnet/network/snap.hpp"

namespace {

using namespace ruralnet;
using fixtures::east;
using fixtures::kOrigin;
using fixtures::north;
using fixtures::road;

LonLat at(LonLat o, double x, double y) { return north(east(o, x), y); }

struct Net {
  network::SegmentTable table;
  network::BuildResult built;
  Net(const std::vector<model::RoadSegment>& roads, network::BuildOptions o = {}) {
    table = network::prepare_segments(roads, fixtures::projector());
    built = network::build_graph(table, o);
  }
};

// Every arc maps to a piece whose end nodes are the arc's and whose length is
// the arc's; every piece's end vertices lie at its nodes (when the table the
// snapper reads is `t`, not its own copy split at crossings).
void expect_pieces_match_graph(const network::EdgeSnapper& s, const network::SegmentTable* t,
                               const network::RoadGraph& g) {
  std::size_t mapped = 0;
  for (std::uint32_t a = 0; a < g.arc_count(); ++a) {
    const auto pc = s.piece_of_arc(EdgeId(a));
    ASSERT_TRUE(pc) << "arc " << a;
    ++mapped;
    const network::EdgePiece& p = s.piece(*pc);
    const VertexId tail = g.tail(EdgeId(a)), head = g.head(EdgeId(a));
    EXPECT_TRUE((tail == p.from && head == p.to) || (tail == p.to && head == p.from)) << "arc " << a;
    EXPECT_FLOAT_EQ(static_cast<float>(p.length_m), g.lengths_m()[a]);
  }
  EXPECT_EQ(mapped, g.arc_count());
  for (std::uint32_t i = 0; t && i < s.piece_count(); ++i) {
    const network::EdgePiece& p = s.piece(i);
    EXPECT_LT(std::hypot(t->xy[p.first_vertex].x - g.xy(p.from).x, t->xy[p.first_vertex].y - g.xy(p.from).y), 0.01);
    EXPECT_LT(std::hypot(t->xy[p.last_vertex].x - g.xy(p.to).x, t->xy[p.last_vertex].y - g.xy(p.to).y), 0.01);
  }
}

// The nearest point of any piece by scanning every piece's projected line.
struct Brute {
  std::uint32_t piece = 0;
  double planar = std::numeric_limits<double>::infinity();
};
Brute brute_nearest(const network::EdgeSnapper& s, XY q) {
  Brute b;
  for (std::uint32_t i = 0; i < s.piece_count(); ++i) {
    const auto line = s.piece_line_xy(i);
    for (std::size_t k = 0; k + 1 < line.size(); ++k) {
      const XY a = line[k], c = line[k + 1];
      const double dx = c.x - a.x, dy = c.y - a.y, l2 = dx * dx + dy * dy;
      const double f = l2 > 0 ? std::clamp(((q.x - a.x) * dx + (q.y - a.y) * dy) / l2, 0.0, 1.0) : 0.0;
      const double d = std::hypot(a.x + f * dx - q.x, a.y + f * dy - q.y);
      if (d < b.planar) b = {i, d};
    }
  }
  return b;
}

TEST(SnapIndex, TJunctionAtAnInteriorVertexSplitsThePiece) {
  // A runs 0..4 km east with a vertex every km; B leaves north from A's
  // vertex at 2 km. A is two pieces of 2 km, B one of 1 km. With many plain
  // roads beside them the junction is found by matching the few candidate
  // positions against every vertex; alone, by sorting every vertex.
  for (const int plain : {0, 40}) {
    std::vector<model::RoadSegment> roads = {
        road("A", {{at(kOrigin, 0, 0), at(kOrigin, 1000, 0), at(kOrigin, 2000, 0), at(kOrigin, 3000, 0),
                    at(kOrigin, 4000, 0)}}),
        road("B", {{at(kOrigin, 2000, 0), at(kOrigin, 2000, 1000)}})};
    for (int i = 0; i < plain; ++i)
      roads.push_back(road("P" + std::to_string(i), {{at(kOrigin, 100.0 * i, -5000), at(kOrigin, 100.0 * i, -4950)}}));
    const Net n(roads);
    const network::EdgeSnapper s(n.table, n.built);
    ASSERT_EQ(s.piece_count(), 3u + static_cast<std::size_t>(plain));
    EXPECT_EQ(s.piece(0).first_vertex, 0u);
    EXPECT_EQ(s.piece(0).last_vertex, 2u);
    EXPECT_EQ(s.piece(1).first_vertex, 2u);
    EXPECT_EQ(s.piece(1).last_vertex, 4u);
    EXPECT_NEAR(s.piece(0).length_m, 2000.0, 0.01);
    EXPECT_NEAR(s.piece(2).length_m, 1000.0, 0.01);
    expect_pieces_match_graph(s, &n.table, n.built.graph);
    // 300 m east of the junction, 40 m south: on A's second piece, 300 m along.
    const auto p = s.snap(at(kOrigin, 2300, -40), 500.0);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->piece, 1u);
    EXPECT_NEAR(p->along_m, 300.0, 0.05);
    EXPECT_NEAR(p->distance_m, 40.0, 0.05);  // the chord bows 1 cm off the parallel
  }
}

TEST(SnapIndex, SharedInteriorVertexSplitsBothRoads) {
  // A (east) and B (north) cross at a vertex each holds inside: 4 pieces of 1 km.
  const LonLat c = at(kOrigin, 1000, 0);
  const Net n({road("A", {{at(kOrigin, 0, 0), c, at(kOrigin, 2000, 0)}}),
               road("B", {{at(kOrigin, 1000, -1000), c, at(kOrigin, 1000, 1000)}})});
  const network::EdgeSnapper s(n.table, n.built);
  ASSERT_EQ(s.piece_count(), 4u);
  for (std::uint32_t i = 0; i < 4; ++i) EXPECT_NEAR(s.piece(i).length_m, 1000.0, 0.05);
  expect_pieces_match_graph(s, &n.table, n.built.graph);
}

TEST(SnapIndex, CollapsedStubAndCrossingsAreHandled) {
  // The 3 m stub collapses by snapping (no piece), the long road keeps one;
  // with node_crossings, X crosses the long road between its vertices.
  const LonLat a = kOrigin, b = east(a, 3.0), e = east(a, 500);
  network::BuildOptions o;
  o.node_crossings = true;
  const Net n({road("LONG", {{a, e}}), road("STUB", {{a, b}}), road("X", {{at(a, 250, -100), at(a, 250, 100)}})}, o);
  ASSERT_EQ(n.built.collapsed.size(), 1u);
  const network::EdgeSnapper s(n.table, n.built, true);
  ASSERT_EQ(s.piece_count(), 4u);  // LONG and X, each cut at the crossing
  expect_pieces_match_graph(s, nullptr, n.built.graph);
}

TEST(SnapIndex, QueriesEqualABruteForceScan) {
  // A tangle of random roads (many crossing at shared vertices, so with
  // interior junctions) in two clusters 300 km apart: the grid's cells then
  // grow, since a dense grid of the mean sub-segment would be too large.
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(0.0, 3000.0);
  std::vector<model::RoadSegment> roads;
  std::vector<LonLat> shared;
  for (int i = 0; i < 12; ++i) shared.push_back(at(kOrigin, u(rng), u(rng)));
  for (int cluster = 0; cluster < 2; ++cluster) {
    const LonLat o = at(kOrigin, cluster * 300000.0, 0.0);
    for (int r = 0; r < 60; ++r) {
      std::vector<LonLat> line;
      const int nv = 2 + r % 5;
      for (int k = 0; k < nv; ++k) {
        if (cluster == 0 && k == 1 && r % 3 == 0) line.push_back(shared[static_cast<std::size_t>(r) % shared.size()]);
        else line.push_back(at(o, u(rng), u(rng)));
      }
      roads.push_back(road("R" + std::to_string(roads.size()), {line}));
    }
  }
  const Net n(roads);
  const network::EdgeSnapper s(n.table, n.built);
  expect_pieces_match_graph(s, &n.table, n.built.graph);
  const geo::Projector& proj = s.projector();
  std::size_t snapped = 0;
  for (int i = 0; i < 400; ++i) {
    const double ox = (i % 2) * 300000.0;
    const LonLat p = at(kOrigin, ox + u(rng) * 1.4 - 600.0, u(rng) * 1.4 - 600.0);
    const double max_m = i % 4 == 0 ? 30.0 : 2000.0;
    const auto sp = s.snap(p, max_m);
    const Brute b = brute_nearest(s, proj.to_local(p));
    if (!sp) {
      EXPECT_GT(b.planar, max_m * (1.0 - 2e-4) - 0.01) << i;
      continue;
    }
    ++snapped;
    const XY q = proj.to_local(p), at_xy = proj.to_local(sp->location);
    // The same distance (to a millimetre: the attachment point went through
    // the inverse projection); the same piece unless two pieces tie at a node.
    EXPECT_NEAR(std::hypot(at_xy.x - q.x, at_xy.y - q.y), b.planar, 1e-3) << i;
    if (sp->piece != b.piece) {
      const network::EdgePiece &x = s.piece(sp->piece), &y = s.piece(b.piece);
      EXPECT_TRUE(x.from == y.from || x.from == y.to || x.to == y.from || x.to == y.to) << i;
    }
  }
  EXPECT_GT(snapped, 250u);
  // A point far outside every cell is off the network, not a crash.
  EXPECT_FALSE(s.snap(at(kOrigin, -900000.0, 900000.0), 2000.0));
}

TEST(SnapIndex, PieceLineIntoEqualsPieceLine) {
  const Net n({road("A", {{at(kOrigin, 0, 0), at(kOrigin, 700, 10), at(kOrigin, 1500, -20), at(kOrigin, 2600, 0)}})});
  const network::EdgeSnapper s(n.table, n.built);
  std::vector<LonLat> out{{1.0, 2.0}};  // cleared first
  for (const auto& [from, to] : std::vector<std::pair<double, double>>{{0, 1e9}, {100, 1600}, {1600, 100}, {800, 800}}) {
    s.piece_line_into(0, from, to, out);
    EXPECT_EQ(out, s.piece_line(0, from, to));
  }
  std::vector<XY> xy{{1.0, 2.0}};
  for (const auto& [from, to] : std::vector<std::pair<double, double>>{{0, 1e9}, {100, 1600}, {1600, 100}, {800, 800}}) {
    s.piece_line_xy_into(0, from, to, xy);
    const std::vector<XY> fresh = s.piece_line_xy(0, from, to);
    ASSERT_EQ(xy.size(), fresh.size());
    for (std::size_t k = 0; k < xy.size(); ++k) EXPECT_TRUE(xy[k].x == fresh[k].x && xy[k].y == fresh[k].y);
  }
}

}  // namespace
