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

// The threaded steps of a coverage run (snapping, tier links, link paths and
// their lengths, the written files) against the same run on one thread.
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>
#include <unistd.h>

#include "ruralnet/geo/crs.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/report/coverage.hpp"

namespace {

// A 36 x 36 grid of roads 400 m apart, nine townships with a station each, a
// hub, and several thousand villages and outlets at random points (some off
// the roads' reach), so that every parallel step has many blocks.
struct County {
  model::Dataset ds;
  network::SegmentTable table;
  network::BuildResult built;
  County() {
    constexpr double kDeg = std::numbers::pi / 180.0;
    const LonLat o{116.2, 31.5};
    const double dlat = 400.0 / 6371000.0 / kDeg, dlon = dlat / std::cos(o.lat * kDeg);
    const auto at = [&](double i, double j) { return LonLat{o.lon + i * dlon, o.lat + j * dlat}; };
    const int n = 36;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        for (int d = 0; d < 2; ++d) {
          if ((d == 0 ? i : j) + 1 >= n) continue;
          model::RoadSegment r;
          r.id = "R" + std::to_string(ds.roads.size());
          r.road_class = static_cast<model::RoadClass>(3 + (i + j) % 3);
          r.oneway = (i * 7 + j) % 13 == 0 ? model::Oneway::forward : model::Oneway::no;
          r.geometry.push_back({at(i, j), at(i + 0.5 * (d == 0), j + 0.5 * (d == 1)), d == 0 ? at(i + 1, j) : at(i, j + 1)});
          ds.roads.push_back(std::move(r));
        }
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> u(-2.0, n + 1.0);
    const auto fac = [&](std::string id, model::Tier tier, std::string admin, LonLat p) {
      model::Facility f;
      f.id = std::move(id);
      f.tier = tier;
      f.admin_code = std::move(admin);
      f.location = p;
      f.carriers = {"EMS"};
      ds.facilities.push_back(f);
    };
    fac("H", model::Tier::county_hub, "341599", at(18.2, 18.1));
    for (int t = 0; t < 9; ++t) fac("S" + std::to_string(t), model::Tier::township_station, "341599" + std::to_string(100 + t),
                                    at(4.3 + 12 * (t % 3), 4.1 + 12 * (t / 3)));
    for (int v = 0; v < 4200; ++v) {
      model::Village vil;
      const LonLat p = at(u(rng), u(rng));
      vil.code = "341599" + std::to_string(100 + v % 9) + std::to_string(1000 + v);
      vil.township_code = vil.code.substr(0, 9);
      vil.location = p;
      vil.population = 100.0 + v % 50;
      ds.villages.push_back(vil);
      if (v % 5 != 0) fac("O" + std::to_string(v), model::Tier::village_outlet, vil.code, at(u(rng), u(rng)));
    }
    const geo::Projector proj(geo::choose_local_crs(Extent{o.lon - dlon, o.lat - dlat, o.lon + n * dlon, o.lat + n * dlat}));
    table = network::prepare_segments(ds.roads, proj);
    built = network::build_graph(table);
  }
};

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }
bool same(LonLat a, LonLat b) { return same(a.lon, b.lon) && same(a.lat, b.lat); }
bool same(const coverage::Attachment& a, const coverage::Attachment& b) {
  return a.on_network == b.on_network && same(a.snap_m, b.snap_m) && same(a.snapped, b.snapped) &&
         a.component == b.component && a.piece == b.piece && same(a.along_m, b.along_m);
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The analysis on one thread and on three (more than the cores, so that
// every parallel step is split), the worker limit restored afterwards.
std::pair<coverage::CoverageResult, coverage::CoverageResult> on_one_and_three_threads(
    const County& c, const coverage::CoverageOptions& o) {
  coverage::detail::set_worker_limit(1);
  auto one = coverage::analyse(c.ds, c.table, c.built, o);
  coverage::detail::set_worker_limit(3);
  auto many = coverage::analyse(c.ds, c.table, c.built, o);
  coverage::detail::set_worker_limit(0);
  return {std::move(one), std::move(many)};
}

TEST(Threads, CoverageOnTwoThreadsEqualsOneThread) {
  const County c;
  coverage::CoverageOptions o;
  o.progress.quiet = true;
  o.station_threshold_min = 6.0;
  o.max_snap_m = 500.0;
  o.service_areas = false;
  const auto [one, many] = on_one_and_three_threads(c, o);

  ASSERT_EQ(one.villages.size(), many.villages.size());
  std::size_t on = 0, off = 0;
  for (std::size_t i = 0; i < one.villages.size(); ++i) {
    const auto &a = one.villages[i], &b = many.villages[i];
    EXPECT_TRUE(same(a.at, b.at)) << i;
    EXPECT_EQ(a.reach, b.reach) << i;
    EXPECT_EQ(a.station, b.station) << i;
    EXPECT_TRUE(same(a.station_time_min, b.station_time_min)) << i;
    EXPECT_EQ(a.fastest_station, b.fastest_station) << i;
    EXPECT_TRUE(same(a.fastest_station_time_min, b.fastest_station_time_min)) << i;
    EXPECT_EQ(a.serving_outlet, b.serving_outlet) << i;
    EXPECT_TRUE(same(a.outlet_distance_m, b.outlet_distance_m)) << i;
    (a.at.on_network ? on : off) += 1;
  }
  EXPECT_GT(on, 3000u);  // enough for several blocks of each parallel step
  EXPECT_GT(off, 10u);
  ASSERT_EQ(one.facilities.size(), many.facilities.size());
  for (std::size_t i = 0; i < one.facilities.size(); ++i) {
    const auto &a = one.facilities[i], &b = many.facilities[i];
    EXPECT_TRUE(same(a.at, b.at)) << i;
    EXPECT_EQ(a.admin_parent, b.admin_parent) << i;
    EXPECT_EQ(a.fastest_parent, b.fastest_parent) << i;
    EXPECT_TRUE(same(a.link_time_min, b.link_time_min)) << i;
    EXPECT_EQ(a.linked, b.linked) << i;
  }
  ASSERT_EQ(one.links.size(), many.links.size());
  EXPECT_GT(one.links.size(), 1000u);
  for (std::size_t i = 0; i < one.links.size(); ++i) {
    EXPECT_EQ(one.links[i].to, many.links[i].to) << i;
    EXPECT_EQ(one.links[i].path, many.links[i].path) << i;
    EXPECT_TRUE(same(one.links[i].length_m, many.links[i].length_m)) << i;
    // The length is the geodesic length of the path itself.
    EXPECT_EQ(one.links[i].length_m, geo::geodesic_length(one.links[i].path).value()) << i;
  }
  ASSERT_EQ(one.off_network.size(), many.off_network.size());
  for (std::size_t i = 0; i < one.off_network.size(); ++i) EXPECT_EQ(one.off_network[i].id, many.off_network[i].id);
  EXPECT_EQ(one.admin_searches, many.admin_searches);

  // The files written side by side on two threads equal those written in turn.
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("ruralnet-test-threads-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  report::write_coverage(dir / "serial", c.ds, many, false, false);
  report::write_coverage(dir / "parallel", c.ds, many, false, true);
  for (const char* f : {report::kCoverageCsv, report::kCoverageMarkdown, report::kCoverageJson})
    EXPECT_EQ(slurp(dir / "serial" / f), slurp(dir / "parallel" / f)) << f;
  EXPECT_TRUE(fs::exists(dir / "parallel" / report::kCoverageGpkg));
  EXPECT_EQ(fs::file_size(dir / "serial" / report::kCoverageGpkg), fs::file_size(dir / "parallel" / report::kCoverageGpkg));
  fs::remove_all(dir);
}

TEST(Threads, ServiceAreasOnSeveralThreadsEqualOneThread) {
  // The owners' outlines are shared out among the threads; the areas must be
  // the one-thread areas, in the same order, to the last bit.
  const County c;
  coverage::CoverageOptions o;
  o.progress.quiet = true;
  o.max_snap_m = 500.0;
  o.bands_min = {2.0, 4.0};
  const auto [one, many] = on_one_and_three_threads(c, o);
  ASSERT_EQ(one.service_areas.size(), many.service_areas.size());
  EXPECT_GE(one.service_areas.size(), 20u);  // several owners for every thread
  for (std::size_t i = 0; i < one.service_areas.size(); ++i) {
    const auto &a = one.service_areas[i], &b = many.service_areas[i];
    EXPECT_EQ(a.facility, b.facility) << i;
    EXPECT_EQ(a.tier, b.tier) << i;
    EXPECT_EQ(a.band_min, b.band_min) << i;
    EXPECT_EQ(a.area_km2, b.area_km2) << i;
    EXPECT_EQ(a.road_km, b.road_km) << i;
    ASSERT_EQ(a.geometry.size(), b.geometry.size()) << i;
    for (std::size_t p = 0; p < a.geometry.size(); ++p) {
      ASSERT_EQ(a.geometry[p].rings.size(), b.geometry[p].rings.size()) << i;
      for (std::size_t r = 0; r < a.geometry[p].rings.size(); ++r)
        EXPECT_EQ(a.geometry[p].rings[r], b.geometry[p].rings[r]) << i;
    }
  }
}

}  // namespace
