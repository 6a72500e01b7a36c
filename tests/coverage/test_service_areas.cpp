// Service-area outlines: cells to polygons with pinches joined, small holes
// filled, corners cut and straight runs simplified, checked against areas
// worked out by hand and against GEOS for validity; and whole service areas
// on hand-drawn roads (a straight road, a ring road round a block).
#include <gtest/gtest.h>
#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "../../src/coverage/passes.hpp"
#include "../network/fixtures.hpp"
#include "ruralnet/coverage/coverage.hpp"
#include "ruralnet/network/build.hpp"

namespace {

using namespace ruralnet;
using Cells = std::vector<std::pair<std::int64_t, std::int64_t>>;
using Ring = std::vector<std::pair<double, double>>;
using Polys = std::vector<std::vector<Ring>>;

double ring_area(const Ring& r) {
  double a = 0.0;
  for (std::size_t k = 0; k + 1 < r.size(); ++k) a += r[k].first * r[k + 1].second - r[k + 1].first * r[k].second;
  return a / 2.0;
}
double area(const Polys& ps) {
  double a = 0.0;
  for (const auto& p : ps)
    for (const auto& r : p) a += ring_area(r);
  return a;
}
std::size_t holes(const Polys& ps) {
  std::size_t n = 0;
  for (const auto& p : ps) n += p.size() - 1;
  return n;
}

// GEOS validity of the outlines as one multipolygon.
class Geos {
 public:
  Geos() : h_(GEOS_init_r()) {}
  ~Geos() { GEOS_finish_r(h_); }
  GEOSGeometry* ring(const Ring& r, bool shell) const {
    GEOSCoordSequence* s = GEOSCoordSeq_create_r(h_, static_cast<unsigned>(r.size()), 2);
    for (std::size_t k = 0; k < r.size(); ++k) GEOSCoordSeq_setXY_r(h_, s, static_cast<unsigned>(k), r[k].first, r[k].second);
    return shell ? GEOSGeom_createLinearRing_r(h_, s) : GEOSGeom_createLinearRing_r(h_, s);
  }
  GEOSGeometry* multi(const Polys& ps) const {
    std::vector<GEOSGeometry*> polys;
    for (const auto& p : ps) {
      std::vector<GEOSGeometry*> hs;
      for (std::size_t r = 1; r < p.size(); ++r) hs.push_back(ring(p[r], false));
      polys.push_back(GEOSGeom_createPolygon_r(h_, ring(p[0], true), hs.data(), static_cast<unsigned>(hs.size())));
    }
    return GEOSGeom_createCollection_r(h_, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size()));
  }
  std::string invalid(const Polys& ps) const {
    GEOSGeometry* g = multi(ps);
    std::string why;
    if (GEOSisValid_r(h_, g) != 1) {
      char* r = GEOSisValidReason_r(h_, g);
      why = r;
      GEOSFree_r(h_, r);
    }
    GEOSGeom_destroy_r(h_, g);
    return why;
  }
  // Largest distance from the simplified outline to the unsimplified one.
  double hausdorff(const Polys& a, const Polys& b) const {
    GEOSGeometry* ga = GEOSBoundary_r(h_, multi(a));
    GEOSGeometry* gb = GEOSBoundary_r(h_, multi(b));
    double d = 0.0;
    GEOSHausdorffDistanceDensify_r(h_, ga, gb, 0.05, &d);
    GEOSGeom_destroy_r(h_, ga);
    GEOSGeom_destroy_r(h_, gb);
    return d;
  }

 private:
  GEOSContextHandle_t h_;
};

TEST(OutlineCells, OneCellIsADiamondOfItsSideMidpoints) {
  const auto p = coverage::detail::outline_cells({{0, 0}}, 0.0, true);
  ASSERT_EQ(p.size(), 1u);
  ASSERT_EQ(p[0].size(), 1u);
  EXPECT_EQ(p[0][0].size(), 5u);  // four corners cut, closed
  EXPECT_DOUBLE_EQ(ring_area(p[0][0]), 0.5);
}

TEST(OutlineCells, StraightCorridorIsARectangleWithCutCorners) {
  // 1 x 20 cells: the long sides stay straight, each of the four corners
  // loses a triangle of 1/8 cell.
  Cells c;
  for (std::int64_t i = 0; i < 20; ++i) c.emplace_back(i, 0);
  const auto p = coverage::detail::outline_cells(c, 0.0, true);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_DOUBLE_EQ(area(p), 20.0 - 4 * 0.125);
  EXPECT_LE(p[0][0].size(), 9u);
}

TEST(OutlineCells, BlockRingedByCellsIsFilledBelowTheLimitAndKeptAbove) {
  // A 7 x 7 square of cells without its 5 x 5 middle: a hole of 25 cells.
  Cells c;
  for (std::int64_t i = 0; i < 7; ++i)
    for (std::int64_t j = 0; j < 7; ++j)
      if (i == 0 || j == 0 || i == 6 || j == 6) c.emplace_back(i, j);
  const auto kept = coverage::detail::outline_cells(c, 25.0, false);  // not below 25 cells
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(holes(kept), 1u);
  // Shell 49 less 4 cut corners, hole 25 plus its 4 cut (concave) corners.
  EXPECT_DOUBLE_EQ(area(kept), (49.0 - 0.5) - (25.0 - 0.5));
  const auto filled = coverage::detail::outline_cells(c, 25.5, false);
  ASSERT_EQ(filled.size(), 1u);
  EXPECT_EQ(holes(filled), 0u);
  EXPECT_DOUBLE_EQ(area(filled), 49.0 - 0.5);
  const auto none = coverage::detail::outline_cells(c, 0.0, false);
  EXPECT_EQ(holes(none), 1u);
}

TEST(OutlineCells, IslandInAFilledHoleGoesWithIt) {
  // A 9 x 9 frame with one cell in the middle of its 7 x 7 hole.
  Cells c{{4, 4}};
  for (std::int64_t i = 0; i < 9; ++i)
    for (std::int64_t j = 0; j < 9; ++j)
      if (i == 0 || j == 0 || i == 8 || j == 8) c.emplace_back(i, j);
  const auto kept = coverage::detail::outline_cells(c, 0.0, true);
  EXPECT_EQ(kept.size(), 2u);
  EXPECT_EQ(holes(kept), 1u);
  const auto filled = coverage::detail::outline_cells(c, 100.0, true);
  ASSERT_EQ(filled.size(), 1u);
  EXPECT_EQ(holes(filled), 0u);
  EXPECT_DOUBLE_EQ(area(filled), 81.0 - 0.5);
}

TEST(OutlineCells, SimplifiedStaircaseStaysNearTheTracedOutlineAndValid) {
  // A diagonal road two cells wide at a shallow slope: a staircase of
  // steps one cell high every four cells.
  Cells c;
  for (std::int64_t i = 0; i < 200; ++i)
    for (std::int64_t d = 0; d < 2; ++d) c.emplace_back(i, i / 4 + d);
  const Geos geos;
  const auto cut = coverage::detail::outline_cells(c, 0.0, false);
  const auto simple = coverage::detail::outline_cells(c, 0.0, true);
  EXPECT_EQ(geos.invalid(simple), "");
  ASSERT_EQ(simple.size(), 1u);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_LE(simple[0][0].size(), 12u) << cut[0][0].size();  // the staircase is gone
  EXPECT_LE(geos.hausdorff(simple, cut), 0.75);
  EXPECT_NEAR(area(simple), area(cut), 0.02 * area(cut));
}

TEST(OutlineCells, RandomCellsGiveValidPolygonsNearTheCells) {
  std::mt19937 rng(5);
  const Geos geos;
  for (int round = 0; round < 12; ++round) {
    std::bernoulli_distribution on(0.2 + 0.05 * round);
    std::set<std::pair<std::int64_t, std::int64_t>> set;
    for (std::int64_t i = 0; i < 40; ++i)
      for (std::int64_t j = 0; j < 30; ++j)
        if (on(rng)) set.emplace(i, j);
    const Cells c(set.begin(), set.end());
    const auto cut = coverage::detail::outline_cells(c, 4.0, false);
    const auto simple = coverage::detail::outline_cells(c, 4.0, true);
    EXPECT_EQ(geos.invalid(cut), "") << round;
    EXPECT_EQ(geos.invalid(simple), "") << round;
    EXPECT_LE(geos.hausdorff(simple, cut), 0.75) << round;
    // Cut corners: within 1/8 cell a corner of the traced cells' outline.
    const auto traced = coverage::detail::trace_cells(c, true);
    double cells_area = 0.0;
    for (const auto& p : traced)
      for (const auto& r : p) {
        double a = 0.0;
        for (std::size_t k = 0; k + 1 < r.size(); ++k)
          a += static_cast<double>(r[k].first * r[k + 1].second - r[k + 1].first * r[k].second);
        cells_area += a / 2.0;
      }
    EXPECT_GE(area(cut) + 1e-9, cells_area * 0.75) << round;
  }
}


// Whole service areas on hand-drawn roads at 60 km/h (a kilometre a minute).
using fixtures::east;
using fixtures::kOrigin;
using fixtures::north;
LonLat at(double x, double y = 0.0) { return north(east(kOrigin, x), y); }

model::RoadSegment line(std::string id, std::vector<std::pair<double, double>> pts) {
  std::vector<LonLat> l;
  for (const auto& [x, y] : pts) l.push_back(at(x, y));
  return fixtures::road(std::move(id), {l}, model::RoadClass::village, model::Oneway::no, 60.0);
}

model::Facility facility(std::string id, model::Tier tier, std::string admin, LonLat p) {
  model::Facility f;
  f.id = std::move(id);
  f.tier = tier;
  f.admin_code = std::move(admin);
  f.location = p;
  f.carriers = {"EMS"};
  return f;
}

struct World {
  model::Dataset ds;
  network::SegmentTable table;
  network::BuildResult built;
  coverage::CoverageResult run(coverage::CoverageOptions o) {
    model::Village v;
    v.code = "341599001001";
    v.township_code = "341599001";
    v.location = at(100);
    v.population = 100;
    ds.villages = {v};
    table = network::prepare_segments(ds.roads, fixtures::projector());
    built = network::build_graph(table);
    o.progress.quiet = true;
    return coverage::analyse(ds, table, built, o);
  }
};

const coverage::ServiceArea* find(const coverage::CoverageResult& r, std::size_t facility, double band) {
  for (const auto& a : r.service_areas)
    if (a.facility == facility && a.band_min == band) return &a;
  return nullptr;
}

TEST(ServiceAreas, StraightRoadIsACorridorOfTheReachedLength) {
  World w;
  w.ds.roads = {line("A", {{0, 0}, {20000, 0}})};
  w.ds.facilities = {facility("H", model::Tier::county_hub, "341599", at(20000)),
                     facility("S", model::Tier::township_station, "341599001", at(0))};
  coverage::CoverageOptions o;
  o.bands_min = {5.0, 8.0};
  const auto r = w.run(o);
  for (const double band : {5.0, 8.0}) {
    const auto* a = find(r, 1, band);
    ASSERT_TRUE(a) << band;
    // Exactly the road up to where the band runs out (the station is on it).
    EXPECT_NEAR(a->road_km, band, 0.002) << band;
    // One row of 100 m cells (a second where the parallel crosses a row, by
    // the meridian convergence), the corners cut: 1 km² per 10 km.
    EXPECT_GE(a->area_km2, band / 10.0 * 0.97) << band;
    EXPECT_LE(a->area_km2, band / 10.0 * 1.12) << band;
    EXPECT_EQ(a->geometry.size(), 1u) << band;
    EXPECT_EQ(a->geometry[0].rings.size(), 1u) << band;
  }
  EXPECT_LT(find(r, 1, 5.0)->area_km2, find(r, 1, 8.0)->area_km2);  // bands nest
}

TEST(ServiceAreas, RingRoadBlockIsFilledBelowTheLimitAndKeptAbove) {
  // A 2 km square ring road: the block inside is about 1.9 x 1.9 km.
  World w;
  w.ds.roads = {line("S", {{0, 0}, {2000, 0}}), line("E", {{2000, 0}, {2000, 2000}}),
                line("N", {{2000, 2000}, {0, 2000}}), line("W", {{0, 2000}, {0, 0}}),
                line("X", {{0, 0}, {-20000, 0}})};
  w.ds.facilities = {facility("H", model::Tier::county_hub, "341599", at(-20000)),
                     facility("S", model::Tier::township_station, "341599001", at(1000))};
  coverage::CoverageOptions o;
  o.bands_min = {10.0};
  o.area_fill_holes_km2 = 1.0;
  const auto kept = w.run(o);
  const auto* a = find(kept, 1, 10.0);
  ASSERT_TRUE(a);
  ASSERT_EQ(a->geometry.size(), 1u);
  EXPECT_EQ(a->geometry[0].rings.size(), 2u);
  EXPECT_NEAR(a->road_km, 8.0 + 9.0, 0.01);  // the ring, and X for the 9 minutes left at its corner
  o.area_fill_holes_km2 = 5.0;
  World w2;
  w2.ds.roads = w.ds.roads;
  w2.ds.facilities = w.ds.facilities;
  const auto filled = w2.run(o);
  const auto* b = find(filled, 1, 10.0);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->geometry[0].rings.size(), 1u);
  // The block, about 3.6 km², is inside now.
  EXPECT_NEAR(b->area_km2 - a->area_km2, 1.9 * 1.9, 0.25);
  EXPECT_NEAR(b->road_km, a->road_km, 1e-9);
}

TEST(ServiceAreas, BandsNestOnARoadGrid) {
  // A 6 x 6 km grid of roads 1 km apart, its 1 km blocks filled (below
  // 1.5 km²): the 4-minute area lies within the 8-minute one.
  World w;
  for (int k = 0; k <= 6; ++k) {
    w.ds.roads.push_back(line("H" + std::to_string(k), {{0, 1000.0 * k}, {6000, 1000.0 * k}}));
    w.ds.roads.push_back(line("V" + std::to_string(k), {{1000.0 * k, 0}, {1000.0 * k, 6000}}));
  }
  w.ds.facilities = {facility("H", model::Tier::county_hub, "341599", at(6000, 6000)),
                     facility("S", model::Tier::township_station, "341599001", at(500))};
  coverage::CoverageOptions o;
  o.bands_min = {4.0, 8.0};
  o.area_fill_holes_km2 = 1.5;
  const auto r = w.run(o);
  const auto* a4 = find(r, 1, 4.0);
  const auto* a8 = find(r, 1, 8.0);
  ASSERT_TRUE(a4 && a8);
  EXPECT_LT(a4->area_km2, a8->area_km2);
  EXPECT_LE(a4->road_km, a8->road_km);
}

TEST(ServiceAreas, LargerBandWithTheSameRoadsIsTheSameArea) {
  // The station at the end of a 3 km dead-end road (the hub on a road of its
  // own): everything is reached within 3 minutes, so the 5- and 9-minute
  // areas are the 4-minute one, to the bit, and the 2-minute area is smaller.
  World w;
  w.ds.roads = {line("A", {{0, 0}, {3000, 0}}), line("X", {{20000, 0}, {30000, 0}})};
  w.ds.facilities = {facility("H", model::Tier::county_hub, "341599", at(30000)),
                     facility("S", model::Tier::township_station, "341599001", at(0))};
  coverage::CoverageOptions o;
  o.bands_min = {2.0, 4.0, 5.0, 9.0};
  const auto r = w.run(o);
  const auto* a2 = find(r, 1, 2.0);
  const auto* a4 = find(r, 1, 4.0);
  ASSERT_TRUE(a2 && a4);
  EXPECT_NEAR(a2->road_km, 2.0, 0.002);
  EXPECT_NEAR(a4->road_km, 3.0, 0.002);
  EXPECT_LT(a2->area_km2, a4->area_km2);
  for (const double band : {5.0, 9.0}) {
    const auto* a = find(r, 1, band);
    ASSERT_TRUE(a) << band;
    ASSERT_EQ(a->geometry.size(), a4->geometry.size());
    for (std::size_t p = 0; p < a->geometry.size(); ++p) EXPECT_EQ(a->geometry[p].rings, a4->geometry[p].rings);
    EXPECT_EQ(a->area_km2, a4->area_km2);
    EXPECT_EQ(a->road_km, a4->road_km);
  }
}

}  // namespace
