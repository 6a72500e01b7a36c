// The CSR graph by hand: validate() on broken arrays, shortest paths and
// components against hand-worked answers, speed tables.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <tuple>

#include "fixtures.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/network/components.hpp"
#include "ruralnet/network/dijkstra.hpp"
#include "ruralnet/network/speeds.hpp"

using namespace ruralnet;
using namespace ruralnet::network;
using namespace fixtures;

namespace {

struct HandEdge {
  std::uint32_t from, to;
  float length_m, time_s;
  bool two_way;
};

// CSR arrays for nodes laid out every 100 m east of the origin; edge i is
// segment i.
RoadGraph::Arrays arrays(std::size_t n, const std::vector<HandEdge>& edges) {
  RoadGraph::Arrays a;
  std::vector<std::vector<std::tuple<std::uint32_t, float, float, std::uint32_t, std::uint8_t>>> out(n);
  for (std::uint32_t i = 0; i < edges.size(); ++i) {
    const auto& e = edges[i];
    out[e.from].push_back({e.to, e.length_m, e.time_s, i, e.two_way ? kArcTwoWay : std::uint8_t{0}});
    if (e.two_way) out[e.to].push_back({e.from, e.length_m, e.time_s, i, std::uint8_t(kArcTwoWay | kArcReversed)});
  }
  a.first_out.push_back(0);
  a.origin = projector().to_local(kOrigin);
  for (std::size_t v = 0; v < n; ++v) {
    for (const auto& [h, l, t, s, f] : out[v]) {
      a.head.push_back(h);
      a.length_m.push_back(l);
      a.time_s.push_back(t);
      a.segment.push_back(s);
      a.flags.push_back(f);
    }
    a.first_out.push_back(static_cast<std::uint32_t>(a.head.size()));
    const LonLat p = east(kOrigin, 100.0 * static_cast<double>(v));
    a.pos.push_back(RoadGraph::encode(projector().to_local(p), p, a.origin));
  }
  a.segment_count = static_cast<std::uint32_t>(edges.size());
  return a;
}

// 0-1-2 triangle with 0-2, 2-3, one-way 3->4 and 4->0; node 5 alone; 6-7.
const std::vector<HandEdge> kEdges{
    {0, 1, 100, 10, true}, {1, 2, 100, 10, true}, {0, 2, 150, 25, true}, {2, 3, 200, 22, true},
    {3, 4, 50, 5, false},  {4, 0, 60, 100, false}, {6, 7, 70, 7, true},
};

RoadGraph hand_graph() { return RoadGraph(arrays(8, kEdges)); }

std::string validate_message(const RoadGraph::Arrays& a) {
  try {
    RoadGraph(a).validate();
  } catch (const RunError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(RoadGraph, HandGraphIsValid) {
  const RoadGraph g = hand_graph();
  EXPECT_NO_THROW(g.validate());
  EXPECT_EQ(g.node_count(), 8u);
  EXPECT_EQ(g.arc_count(), 12u);
  EXPECT_EQ(g.edge_count(), 7u);
  EXPECT_NEAR(g.total_length().value(), 730.0, 1e-9);
  for (std::uint32_t v = 0; v < g.node_count(); ++v)
    for (std::uint32_t a = g.first_arc(VertexId(v)); a < g.end_arc(VertexId(v)); ++a)
      EXPECT_EQ(g.tail(EdgeId(a)), VertexId(v));
}

TEST(RoadGraph, ValidateNamesEachBrokenInvariant) {
  const auto good = arrays(8, kEdges);
  {
    auto a = good;
    a.head[3] = 99;
    EXPECT_NE(validate_message(a).find("has head 99"), std::string::npos) << validate_message(a);
  }
  {
    auto a = good;
    std::swap(a.first_out[2], a.first_out[3]);
    EXPECT_NE(validate_message(a).find("first_out decreases at node 2"), std::string::npos) << validate_message(a);
  }
  {
    auto a = good;
    a.first_out.back() = 11;
    EXPECT_NE(validate_message(a).find("first_out ends at 11 but there are 12 arcs"), std::string::npos);
  }
  {
    auto a = good;
    a.first_out[0] = 1;
    EXPECT_NE(validate_message(a).find("first_out[0]"), std::string::npos);
  }
  {
    auto a = good;
    a.length_m[0] = -1.0f;
    EXPECT_NE(validate_message(a).find("arc 0 has length"), std::string::npos);
  }
  {
    auto a = good;
    a.time_s[5] = std::numeric_limits<float>::infinity();
    EXPECT_NE(validate_message(a).find("arc 5 has time"), std::string::npos);
  }
  {
    auto a = good;
    a.time_s[5] = std::numeric_limits<float>::quiet_NaN();
    EXPECT_NE(validate_message(a).find("arc 5 has time"), std::string::npos);
  }
  {
    auto a = good;
    a.segment[1] = 7;  // 7 segments: 0..6
    EXPECT_NE(validate_message(a).find("names segment 7"), std::string::npos);
  }
  {
    auto a = good;
    a.time_s[0] += 1.0f;  // arc 0 is two-way 0 -> 1; its opposite now differs
    const auto msg = validate_message(a);
    EXPECT_NE(msg.find("has no opposite arc with equal length and time"), std::string::npos) << msg;
  }
  {
    auto a = good;
    a.flags[0] = kArcTwoWay;
    a.segment[0] = 6;  // opposite arc of another segment
    EXPECT_NE(validate_message(a).find("no opposite arc"), std::string::npos);
  }
  {
    auto a = good;
    a.pos.pop_back();
    EXPECT_NE(validate_message(a).find("pos has 7 entries, expected 8"), std::string::npos);
  }
  {
    auto a = good;
    a.pos[2].lat_e7 = 950000000;  // 95°N
    EXPECT_NE(validate_message(a).find("node 2 has lon/lat"), std::string::npos);
  }
  {
    auto a = good;
    a.first_out.clear();
    EXPECT_NE(validate_message(a).find("first_out is empty"), std::string::npos);
  }
  EXPECT_EQ(validate_message(good), "");
}

TEST(RoadGraph, NodePositionsInFixedPoint) {
  const XY origin{500000.0, 3500000.0};
  const NodePos p = RoadGraph::encode({500123.4564, 3499000.0004}, {116.12345674, 31.5}, origin);
  EXPECT_EQ(p.x_mm, 123456);
  EXPECT_EQ(p.y_mm, -1000000);
  EXPECT_EQ(p.lon_e7, 1161234567);
  EXPECT_EQ(p.lat_e7, 315000000);
  EXPECT_THROW(RoadGraph::encode({std::nan(""), 0.0}, {116.0, 31.0}, origin), RunError);
  EXPECT_THROW(RoadGraph::encode({500000.0 + 2.2e6, 3500000.0}, {116.0, 31.0}, origin), RunError);
  EXPECT_THROW(RoadGraph::encode(origin, {181.0, 31.0}, origin), RunError);
  // Decoding gives the position back to a millimetre and 1e-7 degree.
  RoadGraph::Arrays a;
  a.first_out = {0};
  a.origin = origin;
  a.pos.push_back(p);
  a.first_out.push_back(0);
  const RoadGraph g(a);
  EXPECT_NEAR(g.xy(VertexId(0)).x, 500123.456, 1e-9);
  EXPECT_NEAR(g.xy(VertexId(0)).y, 3499000.0, 1e-9);
  EXPECT_NEAR(g.lonlat(VertexId(0)).lon, 116.1234567, 1e-12);
  EXPECT_EQ(g.node_xy().size(), 1u);
  EXPECT_NO_THROW(g.validate());
}

TEST(Dijkstra, SingleSourceByHand) {
  const RoadGraph g = hand_graph();
  const auto L = dijkstra(g, VertexId(0));
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> want{0, 10, 20, 42, 47, inf, inf, inf};
  EXPECT_EQ(L.cost, want);
  EXPECT_EQ(L.source[4], 0u);
  EXPECT_EQ(L.source[5], kNoSource);
  EXPECT_FALSE(L.parent_arc[0].valid());
  // 0 -> 1 -> 2 -> 3 -> 4 (via 1, 10 + 10 < 25).
  const auto path = path_to(g, L, VertexId(4));
  ASSERT_EQ(path.size(), 4u);
  const std::vector<std::uint32_t> segs{g.segment(path[0]), g.segment(path[1]), g.segment(path[2]), g.segment(path[3])};
  EXPECT_EQ(segs, (std::vector<std::uint32_t>{0, 1, 3, 4}));
  EXPECT_EQ(g.tail(path[0]), VertexId(0));
  EXPECT_EQ(g.head(path[3]), VertexId(4));
  EXPECT_TRUE(path_to(g, L, VertexId(0)).empty());
  EXPECT_TRUE(path_to(g, L, VertexId(6)).empty());
  EXPECT_EQ(L.settled, 5u);

  // From 4 only the one-way 4 -> 0 leads out.
  const auto L4 = dijkstra(g, VertexId(4));
  EXPECT_EQ(L4.cost[0], 100.0);
  EXPECT_EQ(L4.cost[2], 120.0);
  EXPECT_EQ(L4.cost[3], 142.0);

  // By length: 0 -> 2 directly (150 < 200).
  DijkstraOptions by_length;
  by_length.metric = Metric::length_m;
  const auto Ll = dijkstra(g, VertexId(0), by_length);
  EXPECT_EQ(Ll.cost[2], 150.0);
  EXPECT_EQ(Ll.cost[4], 400.0);
  EXPECT_EQ(g.segment(Ll.parent_arc[2]), 2u);
}

TEST(Dijkstra, BoundLeavesFarNodesUnreached) {
  const RoadGraph g = hand_graph();
  DijkstraOptions o;
  o.max_cost = 30.0;
  const auto L = dijkstra(g, VertexId(0), o);
  EXPECT_EQ(L.cost[2], 20.0);
  EXPECT_FALSE(L.reached(VertexId(3)));
  EXPECT_FALSE(L.parent_arc[3].valid());
  EXPECT_EQ(L.settled, 3u);
  o.max_cost = 42.0;  // inclusive
  EXPECT_TRUE(dijkstra(g, VertexId(0), o).reached(VertexId(3)));
}

TEST(Dijkstra, MultiSourceLabelsByHand) {
  const RoadGraph g = hand_graph();
  const std::vector<VertexId> sources{VertexId(0), VertexId(3)};
  const auto L = multi_source_dijkstra(g, sources);
  // Node 2: 20 from source 0 against 22 from source 1.
  EXPECT_EQ(L.cost, (std::vector<double>{0, 10, 20, 0, 5, std::numeric_limits<double>::infinity(),
                                          std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()}));
  EXPECT_EQ(L.source, (std::vector<std::uint32_t>{0, 0, 0, 1, 1, kNoSource, kNoSource, kNoSource}));

  // With start costs, source 0 starts 15 s late and loses node 2.
  const std::vector<Source> late{{VertexId(0), 15.0}, {VertexId(3), 0.0}};
  const auto L2 = multi_source_dijkstra(g, std::span<const Source>(late));
  EXPECT_EQ(L2.cost[0], 15.0);
  EXPECT_EQ(L2.cost[1], 25.0);
  EXPECT_EQ(L2.cost[2], 22.0);
  EXPECT_EQ(L2.source[2], 1u);
  EXPECT_EQ(L2.source[1], 0u);
  const auto p = path_to(g, L2, VertexId(2));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(g.tail(p[0]), VertexId(3));

  // Two sources at one node: the cheaper start wins.
  const std::vector<Source> same{{VertexId(6), 3.0}, {VertexId(6), 1.0}};
  const auto L3 = multi_source_dijkstra(g, std::span<const Source>(same));
  EXPECT_EQ(L3.source[7], 1u);
  EXPECT_EQ(L3.cost[7], 8.0);

  const std::vector<Source> bad{{VertexId(99), 0.0}};
  EXPECT_THROW(multi_source_dijkstra(g, std::span<const Source>(bad)), RunError);
  const std::vector<Source> negative{{VertexId(1), -1.0}};
  EXPECT_THROW(multi_source_dijkstra(g, std::span<const Source>(negative)), RunError);
}

TEST(Dijkstra, AgreesWithTheBaselineAndWithSingleSourceRuns) {
  // A random connected graph: a ring plus random chords, some one-way.
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> w(1.0f, 100.0f);
  const std::uint32_t n = 300;
  std::vector<HandEdge> edges;
  for (std::uint32_t v = 0; v < n; ++v) edges.push_back({v, (v + 1) % n, w(rng), w(rng), true});
  std::uniform_int_distribution<std::uint32_t> node(0, n - 1);
  for (int i = 0; i < 600; ++i) edges.push_back({node(rng), node(rng), w(rng), w(rng), (i % 3) != 0});
  const RoadGraph g(arrays(n, edges));
  ASSERT_NO_THROW(g.validate());
  const std::vector<VertexId> sources{VertexId(5), VertexId(120), VertexId(250)};
  std::vector<std::vector<double>> single;
  for (VertexId s : sources) {
    const auto L = dijkstra(g, s);
    const auto bare = bare_dijkstra(g, s);
    for (std::uint32_t v = 0; v < n; ++v) EXPECT_NEAR(L.cost[v], bare[v], 1e-9);
    single.push_back(L.cost);
  }
  const auto M = multi_source_dijkstra(g, sources);
  for (std::uint32_t v = 0; v < n; ++v) {
    const double best = std::min({single[0][v], single[1][v], single[2][v]});
    EXPECT_NEAR(M.cost[v], best, 1e-9);
    EXPECT_NEAR(single[M.source[v]][v], best, 1e-9);  // the label names a source that attains it
    // Following the parents adds up to the cost.
    double sum = 0.0;
    for (EdgeId a : path_to(g, M, VertexId(v))) sum += g.time_s(a);
    EXPECT_NEAR(sum, M.cost[v], 1e-6);
  }
}

TEST(Components, ByHand) {
  const RoadGraph g = hand_graph();
  const Components c = connected_components(g);
  ASSERT_EQ(c.count(), 3u);
  EXPECT_EQ(c.list[0].node_count, 5u);
  EXPECT_EQ(c.list[0].edge_count, 6u);
  EXPECT_NEAR(c.list[0].length_m, 660.0, 1e-9);
  EXPECT_EQ(c.list[1].node_count, 2u);
  EXPECT_NEAR(c.list[1].length_m, 70.0, 1e-9);
  EXPECT_EQ(c.list[2].node_count, 1u);
  EXPECT_EQ(c.list[2].edge_count, 0u);
  EXPECT_EQ(c.of_node[4], 0u);
  EXPECT_TRUE(c.is_main(VertexId(0)));
  EXPECT_EQ(c.of_node[6], 1u);
  EXPECT_EQ(c.of_node[5], 2u);
  EXPECT_NEAR(c.main_node_share(), 5.0 / 8.0, 1e-12);
  EXPECT_NEAR(c.main_length_share(), 660.0 / 730.0, 1e-12);
}

TEST(Components, NearestPointsToEachComponent) {
  const RoadGraph g = hand_graph();
  const Components c = connected_components(g);
  auto at = [](double east_m, double north_m) { return north(east(kOrigin, east_m), north_m); };
  // P0 by node 0, P1 by node 6, P2 by node 5, P3 by node 7, P4 unusable.
  const std::vector<LonLat> points{at(0, 10), at(600, 20), at(500, 30), at(700, 5), {std::nan(""), 31.7}};
  const auto near = nearest_points_by_component(g, c, points, projector(), 2);
  ASSERT_EQ(near.size(), 3u);
  ASSERT_EQ(near[0].size(), 2u);
  EXPECT_EQ(near[0][0].point, 0u);
  EXPECT_NEAR(near[0][0].distance_m, 10.0, 0.01);
  EXPECT_EQ(near[0][0].node, VertexId(0));
  EXPECT_EQ(near[0][1].point, 2u);
  EXPECT_NEAR(near[0][1].distance_m, std::hypot(100.0, 30.0), 0.1);  // from node 4
  EXPECT_EQ(near[0][1].node, VertexId(4));
  ASSERT_EQ(near[1].size(), 2u);
  EXPECT_EQ(near[1][0].point, 3u);
  EXPECT_NEAR(near[1][0].distance_m, 5.0, 0.01);
  EXPECT_EQ(near[1][1].point, 1u);
  EXPECT_NEAR(near[1][1].distance_m, 20.0, 0.01);
  ASSERT_EQ(near[2].size(), 2u);
  EXPECT_EQ(near[2][0].point, 2u);
  EXPECT_EQ(near[2][1].point, 1u);
  EXPECT_NEAR(near[2][1].distance_m, std::hypot(100.0, 20.0), 0.1);
  EXPECT_TRUE(nearest_points_by_component(g, c, points, projector(), 0)[0].empty());
  // Asking for more points than there are gives them all, nearest first.
  const std::vector<LonLat> two{at(700, 5), at(0, 10)};
  const auto all = nearest_points_by_component(g, c, two, projector(), 10);
  ASSERT_EQ(all[0].size(), 2u);
  EXPECT_EQ(all[0][0].point, 1u);
  EXPECT_EQ(all[0][1].point, 0u);
  EXPECT_NEAR(all[0][1].distance_m, std::hypot(300.0, 5.0), 0.1);
}

TEST(Speeds, Defaults) {
  const SpeedTable d;
  EXPECT_EQ(d.speed(model::RoadClass::expressway).value(), 100.0);
  EXPECT_EQ(d.speed(model::RoadClass::national).value(), 70.0);
  EXPECT_EQ(d.speed(model::RoadClass::provincial).value(), 60.0);
  EXPECT_EQ(d.speed(model::RoadClass::county).value(), 50.0);
  EXPECT_EQ(d.speed(model::RoadClass::township).value(), 40.0);
  EXPECT_EQ(d.speed(model::RoadClass::village).value(), 30.0);
  EXPECT_EQ(d.speed(model::RoadClass::other).value(), 25.0);
  SpeedTable s;
  s.set(model::RoadClass::other, Kmh(20.0));
  EXPECT_EQ(s.speed(model::RoadClass::other).value(), 20.0);
  EXPECT_THROW(s.set(model::RoadClass::other, Kmh(0.0)), UsageError);
  EXPECT_THROW(s.set(model::RoadClass::other, Kmh(301.0)), UsageError);
}

TEST(Speeds, ParsingAcceptsLabelsBomAndCrlf) {
  const auto t = parse_speed_table("\xEF\xBB\xBF" "class,speed_kmh\r\n县道,45\r\n\r\nvillage, 35.5 \r\n", "s.csv");
  EXPECT_EQ(t.speed(model::RoadClass::county).value(), 45.0);
  EXPECT_EQ(t.speed(model::RoadClass::village).value(), 35.5);
  EXPECT_EQ(t.speed(model::RoadClass::national).value(), 70.0);  // default kept
}

TEST(Speeds, ErrorsNameFileAndLine) {
  auto error_at = [](const std::string& text) -> std::pair<std::string, std::string> {
    try {
      parse_speed_table(text, "speeds.csv");
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().file, "speeds.csv");
      return {e.where().feature, e.where().field};
    }
    return {"no error", ""};
  };
  EXPECT_EQ(error_at("kind,kmh\n").first, "line 1");
  EXPECT_EQ(error_at("class,speed_kmh\ncounty,50\nmotorcar,80\n"), (std::pair<std::string, std::string>{"line 3", "class"}));
  EXPECT_EQ(error_at("class,speed_kmh\ncounty,50\n县道,60\n"), (std::pair<std::string, std::string>{"line 3", "class"}));
  EXPECT_EQ(error_at("class,speed_kmh\n\ncounty,fast\n"), (std::pair<std::string, std::string>{"line 3", "speed_kmh"}));
  EXPECT_EQ(error_at("class,speed_kmh\ncounty,0\n"), (std::pair<std::string, std::string>{"line 2", "speed_kmh"}));
  EXPECT_EQ(error_at("class,speed_kmh\ncounty,50,x\n").first, "line 2");
  EXPECT_EQ(error_at("").first, "line 1");
  EXPECT_THROW(read_speed_table("/nonexistent/speeds.csv"), InputError);
}

TEST(Speeds, ReadsAFile) {
  const std::string path = testing::TempDir() + "/ruralnet_speeds.csv";
  {
    std::ofstream f(path);
    f << "class,speed_kmh\nexpressway,110\n";
  }
  EXPECT_EQ(read_speed_table(path).speed(model::RoadClass::expressway).value(), 110.0);
  std::remove(path.c_str());
}
