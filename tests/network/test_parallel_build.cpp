// The graph builder, the components and the snapping index shared out among
// threads give exactly what one thread gives: the same nodes in the same
// order, the same arcs, lists and pieces. The network is a generated jittered
// grid large enough for the parallel path (over 2^17 nodes), with
// junctions at interior vertices, ends a few metres off their junction
// (snapping), doubled roads (parallel arcs), stubs that collapse, one-way
// roads and roads with their own speed.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "fixtures.hpp"
#include "ruralnet/network/snap.hpp"

using namespace ruralnet;
using namespace ruralnet::network;
using namespace fixtures;

namespace {

std::vector<RoadSegment> grid_roads() {
  constexpr int n = 400;
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> jitter(-30.0, 30.0), unit(0.0, 1.0);
  std::vector<LonLat> node(static_cast<std::size_t>(n) * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      node[static_cast<std::size_t>(i) * n + j] =
          north(east(kOrigin, 200.0 * j + jitter(rng)), 200.0 * i + jitter(rng));
  std::vector<RoadSegment> roads;
  const RoadClass classes[] = {RoadClass::village, RoadClass::township, RoadClass::county};
  auto add = [&](std::vector<LonLat> line) {
    const std::size_t k = roads.size();
    if (unit(rng) < 0.03) line.front() = north(line.front(), 1.0 + 3.0 * unit(rng));  // snapped back
    const Oneway ow = k % 7 == 0 ? Oneway::forward : k % 11 == 0 ? Oneway::backward : Oneway::no;
    std::optional<double> speed;
    if (k % 13 == 0) speed = 45.0;
    roads.push_back(road("R" + std::to_string(k), {line}, classes[k % 3], ow, speed));
    if (k % 97 == 0) roads.push_back(road("D" + std::to_string(k), {line}, classes[k % 3], ow, speed));  // doubled
  };
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const LonLat p = node[static_cast<std::size_t>(i) * n + j];
      // East-west roads over two cells: the middle grid point is an interior
      // vertex shared with the north-south roads (a junction there).
      if (j % 2 == 0 && j + 2 < n) {
        const LonLat q = node[static_cast<std::size_t>(i) * n + j + 1], r = node[static_cast<std::size_t>(i) * n + j + 2];
        add({p, east(p, 0.5 * (q.lon - p.lon) / (east(p, 1.0).lon - p.lon)), q, r});
      }
      if (i + 1 < n) {
        const LonLat q = node[static_cast<std::size_t>(i + 1) * n + j];
        add({p, north(east(p, 5.0), 60.0), q});
      }
      if ((i * n + j) % 211 == 0) add({p, east(p, 2.0)});  // a stub that snaps onto itself
    }
  return roads;
}

const SegmentTable& table() {
  static const SegmentTable t = prepare_segments(grid_roads(), projector());
  return t;
}

struct Built {
  BuildResult result;
  std::unique_ptr<EdgeSnapper> snapper;
};

Built build_with(std::size_t threads, const BuildOptions& o = {}) {
  detail::set_worker_limit(threads);
  Built b;
  b.result = build_graph(table(), o);
  b.snapper = std::make_unique<EdgeSnapper>(table(), b.result);
  detail::set_worker_limit(0);
  return b;
}

template <class T>
void expect_same_span(std::span<const T> a, std::span<const T> b, const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  EXPECT_TRUE(a.empty() || std::memcmp(a.data(), b.data(), a.size_bytes()) == 0) << what;
}

void expect_same(const Built& x, const Built& y) {
  const BuildResult &a = x.result, &b = y.result;
  expect_same_span(a.graph.first_out(), b.graph.first_out(), "first_out");
  expect_same_span(a.graph.heads(), b.graph.heads(), "heads");
  expect_same_span(a.graph.lengths_m(), b.graph.lengths_m(), "lengths");
  expect_same_span(a.graph.times_s(), b.graph.times_s(), "times");
  expect_same_span(a.graph.segments(), b.graph.segments(), "segments");
  expect_same_span(a.graph.arc_flags(), b.graph.arc_flags(), "flags");
  expect_same_span(a.graph.node_positions(), b.graph.node_positions(), "positions");
  EXPECT_EQ(a.graph.origin().x, b.graph.origin().x);
  EXPECT_EQ(a.graph.origin().y, b.graph.origin().y);
  EXPECT_EQ(a.split_vertices, b.split_vertices);
  EXPECT_EQ(a.length_by_class_m, b.length_by_class_m);  // the same sums, in the same order
  EXPECT_EQ(a.zero_length_segments, b.zero_length_segments);
  ASSERT_EQ(a.snaps.size(), b.snaps.size());
  for (std::size_t i = 0; i < a.snaps.size(); ++i) {
    EXPECT_EQ(a.snaps[i].segment_a, b.snaps[i].segment_a);
    EXPECT_EQ(a.snaps[i].segment_b, b.snaps[i].segment_b);
    EXPECT_EQ(a.snaps[i].distance_m, b.snaps[i].distance_m);
  }
  ASSERT_EQ(a.collapsed.size(), b.collapsed.size());
  for (std::size_t i = 0; i < a.collapsed.size(); ++i) {
    EXPECT_EQ(a.collapsed[i].segment, b.collapsed[i].segment);
    EXPECT_EQ(a.collapsed[i].length_m, b.collapsed[i].length_m);
  }
  ASSERT_EQ(a.duplicate_arcs.size(), b.duplicate_arcs.size());
  for (std::size_t i = 0; i < a.duplicate_arcs.size(); ++i) {
    const DuplicateArc &p = a.duplicate_arcs[i], &q = b.duplicate_arcs[i];
    EXPECT_TRUE(p.tail == q.tail && p.head == q.head && p.segment_a == q.segment_a && p.segment_b == q.segment_b &&
                p.length_a_m == q.length_a_m && p.length_b_m == q.length_b_m)
        << "duplicate " << i;
  }
  EXPECT_EQ(a.components.of_node, b.components.of_node);
  ASSERT_EQ(a.components.count(), b.components.count());
  for (std::size_t i = 0; i < a.components.count(); ++i) {
    EXPECT_EQ(a.components.list[i].node_count, b.components.list[i].node_count);
    EXPECT_EQ(a.components.list[i].edge_count, b.components.list[i].edge_count);
    EXPECT_EQ(a.components.list[i].length_m, b.components.list[i].length_m);
  }

  const EdgeSnapper &s = *x.snapper, &t = *y.snapper;
  ASSERT_EQ(s.piece_count(), t.piece_count());
  for (std::uint32_t i = 0; i < s.piece_count(); ++i) {
    const EdgePiece &p = s.piece(i), &q = t.piece(i);
    ASSERT_TRUE(p.segment == q.segment && p.first_vertex == q.first_vertex && p.last_vertex == q.last_vertex &&
                p.from == q.from && p.to == q.to && p.forward_arc == q.forward_arc &&
                p.backward_arc == q.backward_arc && p.length_m == q.length_m)
        << "piece " << i;
  }
  for (std::uint32_t e = 0; e < a.graph.arc_count(); ++e)
    ASSERT_EQ(s.piece_of_arc(EdgeId(e)), t.piece_of_arc(EdgeId(e))) << "arc " << e;
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> along(-500.0, 80500.0);
  for (int i = 0; i < 2000; ++i) {
    const LonLat p = north(east(kOrigin, along(rng)), along(rng));
    const auto u = s.snap(p, 300.0), v = t.snap(p, 300.0);
    ASSERT_EQ(u.has_value(), v.has_value()) << "point " << i;
    if (!u) continue;
    EXPECT_TRUE(u->piece == v->piece && u->distance_m == v->distance_m && u->along_m == v->along_m &&
                u->location.lon == v->location.lon && u->location.lat == v->location.lat)
        << "point " << i;
  }
}

}  // namespace

TEST(ParallelBuild, TheGeneratedNetworkTakesTheParallelPath) {
  // Enough vertices, nodes and arcs for two workers in every step, and every
  // kind of case present.
  EXPECT_GT(table().vertex_count(), std::size_t{1} << 17);
  const Built one = build_with(1);
  EXPECT_GT(one.result.node_count(), std::size_t{1} << 17);
  EXPECT_GT(one.result.arc_count(), std::size_t{1} << 18);
  EXPECT_GT(one.result.split_vertices, 1000u);
  EXPECT_GT(one.result.snaps.size(), 100u);
  EXPECT_GT(one.result.collapsed.size(), 10u);
  EXPECT_GT(one.result.duplicate_arcs.size(), 10u);
  EXPECT_GT(one.result.components.count(), 1u);
}

TEST(ParallelBuild, TwoThreadsGiveTheOneThreadResult) {
  expect_same(build_with(1), build_with(2));
}

TEST(ParallelBuild, KeyOrderNumberingAndNoSnappingToo) {
  BuildOptions o;
  o.spatial_numbering = false;
  expect_same(build_with(1, o), build_with(2, o));
  o.snap_tolerance_m = 0.0;
  o.spatial_numbering = true;
  expect_same(build_with(1, o), build_with(2, o));
}
