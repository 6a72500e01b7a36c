// Building the road graph from hand-drawn networks near Lu'an.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "fixtures.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/network/dijkstra.hpp"

using namespace ruralnet;
using namespace ruralnet::network;
using namespace fixtures;

namespace {

// The node nearest to p, and its distance (must be a node within 1 cm).
VertexId node_at(const RoadGraph& g, LonLat p) {
  VertexId best;
  double best_d = std::numeric_limits<double>::infinity();
  for (std::uint32_t v = 0; v < g.node_count(); ++v) {
    const double d = geo::geodesic_distance(g.lonlat(VertexId(v)), p).value();
    if (d < best_d) {
      best_d = d;
      best = VertexId(v);
    }
  }
  EXPECT_LT(best_d, 0.01) << "no node at " << p.lon << ", " << p.lat;
  return best;
}

// The arc u -> v, or invalid.
EdgeId arc(const RoadGraph& g, VertexId u, VertexId v) {
  for (std::uint32_t a = g.first_arc(u); a < g.end_arc(u); ++a)
    if (g.head(EdgeId(a)) == v) return EdgeId(a);
  return EdgeId::invalid();
}

}  // namespace

TEST(Build, LengthsAreGeodesicAlongTheMeridian) {
  const LonLat a{116.5, 31.70}, b{116.5, 31.71}, c{116.5, 31.72};
  const auto r = build({road("R1", {{a, b, c}}, RoadClass::village)});
  const RoadGraph& g = r.graph;
  ASSERT_EQ(g.node_count(), 2u);  // b is an interior vertex shared with nothing
  ASSERT_EQ(g.arc_count(), 2u);
  EXPECT_EQ(g.edge_count(), 1u);
  const double expected = meridian_arc(31.72) - meridian_arc(31.70);  // 2217.3 m, by the series
  const EdgeId ac = arc(g, node_at(g, a), node_at(g, c));
  ASSERT_TRUE(ac.valid());
  // float storage: 1 mm per km is the contract; float gives ~0.1 mm here.
  EXPECT_NEAR(g.length(ac).value(), expected, expected * 1e-6);
  EXPECT_NEAR(g.time_s(ac), expected / (30.0 / 3.6), 1e-3);  // village default 30 km/h
  EXPECT_NEAR(g.total_length().value(), expected, expected * 1e-6);
  EXPECT_NEAR(r.length_by_class_m[class_index(RoadClass::village)], expected, expected * 1e-6);
  EXPECT_EQ(g.segment(ac), 0u);
  EXPECT_TRUE(g.two_way(ac));
  EXPECT_NO_THROW(g.validate());
}

TEST(Build, LengthsAlongAParallel) {
  // Vertices every 0.001° of longitude; over ~95 m pieces the geodesic and the
  // parallel arc differ by far less than a millimetre.
  std::vector<LonLat> line;
  for (int i = 0; i <= 10; ++i) line.push_back({116.5 + 0.001 * i, 31.7});
  const auto r = build({road("E", {line})});
  const double expected = parallel_radius(31.7) * 0.01 * kDeg;
  EXPECT_NEAR(r.graph.total_length().value(), expected, expected * 1e-6);
}

TEST(Build, SharedEndpointsJoin) {
  const LonLat a = kOrigin, b = east(a, 500), c = north(b, 300);
  const auto r = build({road("AB", {{a, b}}), road("BC", {{b, c}})});
  EXPECT_EQ(r.graph.node_count(), 3u);
  EXPECT_EQ(r.graph.arc_count(), 4u);
  EXPECT_EQ(r.components.count(), 1u);
  EXPECT_TRUE(r.snaps.empty());
  EXPECT_EQ(r.split_vertices, 0u);
}

TEST(Build, TJunctionSplitsTheThroughRoad) {
  // The side road ends at an interior vertex of the main road.
  const LonLat w = kOrigin, m = east(w, 400), e = east(m, 600), n = north(m, 250);
  const auto r = build({road("MAIN", {{w, m, e}}, RoadClass::county), road("SIDE", {{m, n}})});
  const RoadGraph& g = r.graph;
  ASSERT_EQ(g.node_count(), 4u);
  EXPECT_EQ(g.edge_count(), 3u);
  EXPECT_EQ(r.split_vertices, 1u);
  const VertexId vw = node_at(g, w), vm = node_at(g, m), ve = node_at(g, e), vn = node_at(g, n);
  ASSERT_TRUE(arc(g, vw, vm).valid());
  ASSERT_TRUE(arc(g, vm, ve).valid());
  ASSERT_TRUE(arc(g, vm, vn).valid());
  EXPECT_FALSE(arc(g, vw, ve).valid());
  EXPECT_NEAR(g.length(arc(g, vw, vm)).value(), 400.0, 0.01);
  EXPECT_NEAR(g.length(arc(g, vm, ve)).value(), 600.0, 0.01);
  EXPECT_NEAR(g.length(arc(g, vm, vn)).value(), 250.0, 0.01);
  EXPECT_EQ(g.segment(arc(g, vm, ve)), 0u);
  EXPECT_EQ(g.segment(arc(g, vm, vn)), 1u);
  EXPECT_NEAR(g.time_s(arc(g, vm, ve)), 600.0 / (50.0 / 3.6), 1e-3);  // county 50 km/h
}

TEST(Build, SharedInteriorVertexSplitsBothRoads) {
  const LonLat x = kOrigin;
  const LonLat w = east(x, -300), e = east(x, 300), s = north(x, -200), n = north(x, 200);
  const auto r = build({road("WE", {{w, x, e}}), road("SN", {{s, x, n}})});
  EXPECT_EQ(r.graph.node_count(), 5u);
  EXPECT_EQ(r.graph.edge_count(), 4u);
  EXPECT_EQ(r.split_vertices, 2u);
  EXPECT_EQ(r.graph.out_degree(node_at(r.graph, x)), 4u);
}

TEST(Build, SnapsAt4_9MetresButNotAt5_1) {
  const LonLat a = kOrigin, b = east(a, 800);
  {
    const LonLat b2 = north(b, 4.9), c = north(b2, 500);
    const auto r = build({road("AB", {{a, b}}), road("BC", {{b2, c}})});
    EXPECT_EQ(r.graph.node_count(), 3u);
    ASSERT_EQ(r.snaps.size(), 1u);
    EXPECT_NEAR(r.snaps[0].distance_m, 4.9, 1e-3);
    EXPECT_EQ(std::min(r.snaps[0].segment_a, r.snaps[0].segment_b), 0u);
    EXPECT_EQ(std::max(r.snaps[0].segment_a, r.snaps[0].segment_b), 1u);
    EXPECT_EQ(r.components.count(), 1u);
  }
  {
    const LonLat b2 = north(b, 5.1), c = north(b2, 500);
    const auto r = build({road("AB", {{a, b}}), road("BC", {{b2, c}})});
    EXPECT_EQ(r.graph.node_count(), 4u);
    EXPECT_TRUE(r.snaps.empty());
    EXPECT_EQ(r.components.count(), 2u);
    // A larger tolerance joins them.
    BuildOptions o;
    o.snap_tolerance_m = 6.0;
    const auto r6 = build({road("AB", {{a, b}}), road("BC", {{b2, c}})}, o);
    EXPECT_EQ(r6.graph.node_count(), 3u);
    ASSERT_EQ(r6.snaps.size(), 1u);
    EXPECT_NEAR(r6.snaps[0].distance_m, 5.1, 1e-3);
    // And none turns snapping off.
    o.snap_tolerance_m = 0.0;
    EXPECT_EQ(build({road("AB", {{a, b}}), road("BC", {{b2, c}})}, o).graph.node_count(), 4u);
  }
  // Diagonal gaps are measured as geodesic distances too.
  {
    const LonLat b2 = east(north(b, 3.4), 3.4), c = north(b2, 500);  // 4.81 m
    const auto r = build({road("AB", {{a, b}}), road("BC", {{b2, c}})});
    ASSERT_EQ(r.snaps.size(), 1u);
    EXPECT_NEAR(r.snaps[0].distance_m, std::hypot(3.4, 3.4), 2e-3);
  }
}

TEST(Build, SnappingLeavesInteriorVerticesAlone) {
  // An endpoint 3 m from another road's interior vertex is not snapped: only
  // endpoints snap to endpoints.
  const LonLat w = kOrigin, m = east(w, 400), e = east(m, 400);
  const LonLat s = north(m, -3.0), s2 = north(s, -300);
  const auto r = build({road("WE", {{w, m, e}}), road("S", {{s2, s}})});
  EXPECT_TRUE(r.snaps.empty());
  EXPECT_EQ(r.graph.node_count(), 4u);
}

TEST(Build, CrossingRoadsStayApartUnlessAsked) {
  const LonLat x = kOrigin;
  const LonLat w = east(x, -300), e = east(x, 300), s = north(x, -200), n = north(x, 200);
  const std::vector<model::RoadSegment> roads{road("WE", {{w, e}}), road("SN", {{s, n}})};
  const auto apart = build(roads);
  EXPECT_EQ(apart.graph.node_count(), 4u);
  EXPECT_EQ(apart.graph.edge_count(), 2u);
  EXPECT_EQ(apart.components.count(), 2u);
  EXPECT_TRUE(apart.crossings.empty());

  BuildOptions o;
  o.node_crossings = true;
  const auto joined = build(roads, o);
  const RoadGraph& g = joined.graph;
  EXPECT_EQ(g.node_count(), 5u);
  EXPECT_EQ(g.edge_count(), 4u);
  EXPECT_EQ(joined.components.count(), 1u);
  ASSERT_EQ(joined.crossings.size(), 1u);
  EXPECT_LT(geo::geodesic_distance(joined.crossings[0].location, x).value(), 0.05);
  const VertexId vx = node_at(g, joined.crossings[0].location);
  EXPECT_EQ(g.out_degree(vx), 4u);
  // Lengths are split, not changed: 300 + 300 and 200 + 200 m.
  EXPECT_NEAR(g.total_length().value(), apart.graph.total_length().value(), 1e-3);
  EXPECT_NEAR(g.length(arc(g, vx, node_at(g, e))).value(), 300.0, 0.05);
  EXPECT_NEAR(g.length(arc(g, vx, node_at(g, n))).value(), 200.0, 0.05);
}

TEST(Build, CrossingsAtAVertexOfOneRoad) {
  // The N-S road has a vertex exactly where the W-E road passes: W-E gets split there.
  const LonLat x = kOrigin;
  const LonLat w = east(x, -300), e = east(x, 300), s = north(x, -200), n = north(x, 200);
  BuildOptions o;
  o.node_crossings = true;
  const auto r = build({road("WE", {{w, e}}), road("SN", {{s, {x.lon, x.lat}, n}})}, o);
  // x lies on W-E to within float noise of the projection; the crossing is found.
  EXPECT_EQ(r.graph.node_count(), 5u);
  EXPECT_EQ(r.components.count(), 1u);
}

TEST(Build, OnewayRoadsHaveOneArc) {
  const LonLat a = kOrigin, b = east(a, 1000), c = east(b, 1000);
  const auto r = build({road("F", {{a, b}}, RoadClass::township, model::Oneway::forward),
                        road("B", {{b, c}}, RoadClass::township, model::Oneway::backward)});
  const RoadGraph& g = r.graph;
  const VertexId va = node_at(g, a), vb = node_at(g, b), vc = node_at(g, c);
  EXPECT_EQ(g.arc_count(), 2u);
  EXPECT_EQ(g.edge_count(), 2u);
  ASSERT_TRUE(arc(g, va, vb).valid());
  EXPECT_FALSE(arc(g, vb, va).valid());
  ASSERT_TRUE(arc(g, vc, vb).valid());  // digitised b -> c, open c -> b only
  EXPECT_FALSE(arc(g, vb, vc).valid());
  EXPECT_FALSE(g.two_way(arc(g, va, vb)));
  EXPECT_FALSE(g.reversed(arc(g, va, vb)));
  EXPECT_TRUE(g.reversed(arc(g, vc, vb)));
  const auto from_a = dijkstra(g, va);
  EXPECT_TRUE(from_a.reached(vb));
  EXPECT_FALSE(from_a.reached(vc));
  const auto from_c = dijkstra(g, vc);
  EXPECT_NEAR(from_c.cost[vb.value()], 1000.0 / (40.0 / 3.6), 0.01);  // township 40 km/h
  EXPECT_FALSE(from_c.reached(va));
  EXPECT_EQ(r.components.count(), 1u);  // components ignore direction
}

TEST(Build, MultiPartSegments) {
  const LonLat a = kOrigin, b = east(a, 200), c = north(a, 1000), d = east(c, 300);
  const std::vector<model::RoadSegment> roads{road("M", {{a, b}, {c, d}})};
  const auto table = prepare_segments(roads, projector());
  EXPECT_EQ(table.part_count(), 2u);
  EXPECT_NEAR(table.length_m[0], 500.0, 0.01);
  const auto r = build_graph(table);
  EXPECT_EQ(r.graph.node_count(), 4u);
  EXPECT_EQ(r.graph.edge_count(), 2u);
  for (std::uint32_t a2 = 0; a2 < r.graph.arc_count(); ++a2) EXPECT_EQ(r.graph.segment(EdgeId(a2)), 0u);
  EXPECT_EQ(r.components.count(), 2u);
  EXPECT_NEAR(r.graph.total_length().value(), 500.0, 0.01);
}

TEST(Build, ZeroLengthAndDegenerateSegmentsAreReported) {
  const LonLat a = kOrigin, b = east(a, 100);
  const auto r = build({road("OK", {{a, b}}), road("POINT", {{b, b, b}}), road("EMPTY", {}),
                        road("HALF", {{a, b}, {b}})});
  EXPECT_EQ(r.zero_length_segments, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(r.degenerate_parts, (std::vector<std::uint32_t>{1, 3}));
  EXPECT_EQ(r.graph.node_count(), 2u);
}

TEST(Build, DuplicateArcsAreReported) {
  const LonLat a = kOrigin, b = east(a, 100), c = east(b, 100);
  const auto r = build({road("R1", {{a, b}}), road("R1-again", {{a, b}}), road("R2", {{b, c}})});
  ASSERT_EQ(r.duplicate_arcs.size(), 1u);  // reported once, not once per direction
  const auto& d = r.duplicate_arcs[0];
  EXPECT_EQ(std::min(d.segment_a, d.segment_b), 0u);
  EXPECT_EQ(std::max(d.segment_a, d.segment_b), 1u);
  EXPECT_NEAR(d.length_a_m, 100.0, 0.01);
  EXPECT_EQ(r.graph.arc_count(), 6u);  // kept: both are real input rows
}

TEST(Build, ShortRoadCollapsedBySnappingIsReported) {
  const LonLat a = kOrigin, b = east(a, 3.0), c = east(a, 500);
  const auto r = build({road("LONG", {{a, c}}), road("STUB", {{a, b}})});
  // b snaps onto a, so the 3 m stub has one node at both ends.
  ASSERT_EQ(r.collapsed.size(), 1u);
  EXPECT_EQ(r.collapsed[0].segment, 1u);
  EXPECT_NEAR(r.collapsed[0].length_m, 3.0, 1e-3);
  EXPECT_EQ(r.graph.node_count(), 2u);
  EXPECT_EQ(r.graph.edge_count(), 1u);
}

TEST(Build, RoadLoopKeepsItsLength) {
  // A ring road starting and ending at one point, 4 x 200 m.
  const LonLat a = kOrigin, b = east(a, 200), c = north(b, 200), d = north(a, 200);
  const auto r = build({road("RING", {{a, b, c, d, a}})});
  EXPECT_EQ(r.graph.node_count(), 1u);
  EXPECT_EQ(r.graph.edge_count(), 1u);
  EXPECT_NEAR(r.graph.total_length().value(), 800.0, 0.01);
  EXPECT_TRUE(r.duplicate_arcs.empty());
  EXPECT_NEAR(r.components.list[0].length_m, 800.0, 0.01);
}

TEST(Build, OwnSpeedWinsOverClassSpeedAndTheTableOverrides) {
  const LonLat a = kOrigin, b = east(a, 1000), c = east(b, 1000);
  const std::vector<model::RoadSegment> roads{road("OWN", {{a, b}}, RoadClass::village, model::Oneway::no, 45.0),
                                              road("CLS", {{b, c}}, RoadClass::national)};
  auto r = build(roads);
  const RoadGraph& g = r.graph;
  EXPECT_NEAR(g.time_s(arc(g, node_at(g, a), node_at(g, b))), 1000.0 / (45.0 / 3.6), 1e-2);
  EXPECT_NEAR(g.time_s(arc(g, node_at(g, b), node_at(g, c))), 1000.0 / (70.0 / 3.6), 1e-2);
  EXPECT_NEAR(g.time(arc(g, node_at(g, b), node_at(g, c))).value(), 1000.0 / (70.0 / 3.6) / 60.0, 1e-3);
  EXPECT_EQ(r.segments_with_own_speed, 1u);
  BuildOptions o;
  o.speeds = parse_speed_table("class,speed_kmh\nnational,80\n", "speeds.csv");
  const auto r2 = build(roads, o);
  const RoadGraph& g2 = r2.graph;
  EXPECT_NEAR(g2.time_s(arc(g2, node_at(g2, b), node_at(g2, c))), 1000.0 / (80.0 / 3.6), 1e-2);
  EXPECT_NEAR(g2.time_s(arc(g2, node_at(g2, a), node_at(g2, b))), 1000.0 / (45.0 / 3.6), 1e-2);
}

TEST(Build, BadInputIsRefusedWithItsName) {
  const LonLat a = kOrigin, b = east(a, 100);
  try {
    prepare_segments({road("R7", {{a, b}}, RoadClass::village, model::Oneway::no, 0.0)}, projector());
    FAIL() << "speed 0 accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().feature, "R7");
    EXPECT_EQ(e.where().field, "speed_kmh");
  }
  try {
    prepare_segments({road("R8", {{a, {std::nan(""), 31.7}}})}, projector());
    FAIL() << "NaN accepted";
  } catch (const GeometryError& e) {
    EXPECT_EQ(e.where().feature, "R8");
  }
  BuildOptions o;
  o.snap_tolerance_m = -1.0;
  EXPECT_THROW(build({road("R", {{a, b}})}, o), UsageError);
}

TEST(Build, EmptyInputGivesAnEmptyValidGraph) {
  const auto r = build({});
  EXPECT_EQ(r.graph.node_count(), 0u);
  EXPECT_EQ(r.graph.arc_count(), 0u);
  EXPECT_NO_THROW(r.graph.validate());
  EXPECT_EQ(r.components.count(), 0u);
  EXPECT_EQ(r.main_component_share(), 0.0);
}

TEST(Build, MemoryIsCounted) {
  const LonLat a = kOrigin, b = east(a, 100);
  const auto r = build({road("R", {{a, b}})});
  // 2 nodes x (4 + 16) + 4 + 2 arcs x 17 bytes at least.
  EXPECT_GE(r.memory_bytes(), 2 * 20 + 4 + 2 * 17u);
}

TEST(Build, ThreeRoadsCrossingAtOnePointMakeOneNode) {
  // W-E, S-N and SW-NE all pass through x without a vertex there.
  const LonLat x = kOrigin;
  const std::vector<model::RoadSegment> roads{
      road("WE", {{east(x, -300), east(x, 300)}}), road("SN", {{north(x, -300), north(x, 300)}}),
      road("D", {{north(east(x, -200), -200), north(east(x, 200), 200)}})};
  BuildOptions o;
  o.node_crossings = true;
  const auto r = build(roads, o);
  EXPECT_EQ(r.crossings.size(), 3u);  // one per pair of roads
  EXPECT_EQ(r.components.count(), 1u);
  // The pairwise crossings lie millimetres apart (a straight line in projected
  // metres is not one in lon/lat) and are merged into one node of degree 6.
  EXPECT_EQ(r.graph.node_count(), 7u);
  EXPECT_EQ(r.graph.out_degree(node_at(r.graph, r.crossings[0].location)), 6u);
  for (const auto& c : r.crossings) EXPECT_LT(geo::geodesic_distance(c.location, x).value(), 0.02);
  EXPECT_NEAR(r.graph.total_length().value(), build(roads).graph.total_length().value(), 1e-3);
}

TEST(Build, RefusesAnExtentBeyond4000Km) {
  const std::vector<model::RoadSegment> roads{road("N", {{{116.5, 5.0}, {116.5, 5.1}}}),
                                              road("S", {{{116.5, 50.0}, {116.5, 50.1}}})};
  EXPECT_THROW(build(roads), RunError);
}

// Nodes are numbered block by block (4096 m squares from the south-west
// corner of the roads) along a Hilbert curve, in key order (west to east,
// then south to north) within a block: on a 16 km grid of roads every block
// is one run of ids, each run's block borders the one before, and the ids
// within a run go west to east.
TEST(Build, NodesAreNumberedBlockByBlockAlongAHilbertCurve) {
  std::vector<model::RoadSegment> roads;
  const LonLat sw = kOrigin;
  std::vector<double> lon, lat;  // meridians and parallels 1 km apart
  for (int k = 0; k <= 16; ++k) {
    lon.push_back(east(sw, 1000.0 * k).lon);
    lat.push_back(north(sw, 1000.0 * k).lat);
  }
  for (int k = 0; k <= 16; ++k) {
    std::vector<LonLat> we, sn;
    for (int m = 0; m <= 16; ++m) {
      we.push_back({lon[m], lat[k]});
      sn.push_back({lon[k], lat[m]});
    }
    roads.push_back(road("WE" + std::to_string(k), {we}));
    roads.push_back(road("SN" + std::to_string(k), {sn}));
  }
  const auto r = build(roads);
  const RoadGraph& g = r.graph;
  ASSERT_EQ(g.node_count(), 17u * 17u);
  double min_x = std::numeric_limits<double>::infinity(), min_y = min_x;
  for (std::uint32_t v = 0; v < g.node_count(); ++v) {
    min_x = std::min(min_x, g.xy(VertexId(v)).x);
    min_y = std::min(min_y, g.xy(VertexId(v)).y);
  }
  const double ox = std::floor(min_x) - 1.0, oy = std::floor(min_y) - 1.0;
  const auto block = [&](std::uint32_t v) {
    const XY p = g.xy(VertexId(v));
    return std::pair<int, int>{static_cast<int>(std::floor((p.x - ox) / 4096.0)),
                               static_cast<int>(std::floor((p.y - oy) / 4096.0))};
  };
  std::vector<std::pair<int, int>> runs{block(0)};
  for (std::uint32_t v = 1; v < g.node_count(); ++v) {
    const auto b = block(v);
    if (b != runs.back()) {
      runs.push_back(b);
    } else {
      const XY p = g.xy(VertexId(v - 1)), q = g.xy(VertexId(v));
      EXPECT_TRUE(p.x < q.x - 1e-3 || (std::fabs(p.x - q.x) <= 1e-3 && p.y < q.y)) << "node " << v;
    }
  }
  // Every block of the 16 km square is one run: 4 x 4 blocks and no repeats.
  std::set<std::pair<int, int>> distinct(runs.begin(), runs.end());
  EXPECT_EQ(distinct.size(), runs.size());
  EXPECT_EQ(runs.size(), 16u);
  for (std::size_t k = 1; k < runs.size(); ++k)
    EXPECT_EQ(std::abs(runs[k].first - runs[k - 1].first) + std::abs(runs[k].second - runs[k - 1].second), 1)
        << "run " << k;
  // The numbering changes no distance: from the south-west corner to the
  // north-east one the shortest way runs north, then east along the
  // northernmost (shortest) parallel.
  const VertexId a = node_at(g, {lon[0], lat[0]}), b = node_at(g, {lon[16], lat[16]});
  DijkstraOptions o;
  o.metric = Metric::length_m;
  const auto L = dijkstra(g, a, o);
  const double expected = meridian_arc(lat[16]) - meridian_arc(lat[0]) + parallel_radius(lat[16]) * (lon[16] - lon[0]) * kDeg;
  EXPECT_NEAR(L.cost[b.value()], expected, 0.05);
}
