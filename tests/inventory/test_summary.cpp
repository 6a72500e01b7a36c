// The inventory's figures on a hand-drawn county, checked against lengths and
// areas from the textbook ellipsoid formulas (not PROJ), and graph counts worked
// out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/inventory/summary.hpp"

using namespace ruralnet;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kA = geo::kCgcs2000A;
constexpr double kF = geo::kCgcs2000F;
const double kE2 = kF * (2 - kF);
double rad(double deg) { return deg * kPi / 180.0; }

// Arc of a parallel: N(phi) cos(phi) dlambda. Over a few km it differs from the
// geodesic by tens of micrometres.
double parallel_arc_m(double lat, double dlon) {
  const double s = std::sin(rad(lat));
  return kA / std::sqrt(1 - kE2 * s * s) * std::cos(rad(lat)) * rad(dlon);
}

// Meridian arc by Simpson's rule over the radius of curvature M(phi).
double meridian_arc_m(double lat1, double lat2) {
  const int n = 2000;
  const double h = (rad(lat2) - rad(lat1)) / n;
  auto m = [](double phi) {
    const double s = std::sin(phi);
    return kA * (1 - kE2) / std::pow(1 - kE2 * s * s, 1.5);
  };
  double sum = m(rad(lat1)) + m(rad(lat2));
  for (int i = 1; i < n; ++i) sum += m(rad(lat1) + i * h) * (i % 2 ? 4 : 2);
  return sum * h / 3;
}

// Area between two parallels over dlon on the ellipsoid (authalic formula).
double zone_area_m2(double lat1, double lat2, double dlon) {
  const double e = std::sqrt(kE2);
  const double b2 = kA * kA * (1 - kE2);
  auto q = [&](double lat) {
    const double s = std::sin(rad(lat));
    return s / (1 - kE2 * s * s) + std::log((1 + e * s) / (1 - e * s)) / (2 * e);
  };
  return rad(dlon) * b2 / 2 * (q(lat2) - q(lat1));
}

model::RoadSegment road(const std::string& id, model::RoadClass c, model::Program p, model::RoadStatus st,
                        model::LineString line) {
  model::RoadSegment r;
  r.id = id;
  r.road_class = c;
  r.program = p;
  r.status = st;
  r.county_code = "341599";
  r.geometry = {std::move(line)};
  return r;
}

model::Dataset tiny() {
  model::Dataset ds;
  ds.path = "tiny";
  model::County c;
  c.code = "341599";
  c.name = "测试县";
  c.geometry = {model::Polygon{{{{116.0, 31.0}, {116.1, 31.0}, {116.1, 31.1}, {116.0, 31.1}, {116.0, 31.0}}}}};
  ds.counties.push_back(c);
  model::Township t1, t2;
  t1.code = "341599001";
  t1.county_code = "341599";
  t2.code = "341599002";
  t2.county_code = "341599";
  ds.townships = {t1, t2};
  for (auto [code, lon, lat, poor] : {std::tuple{"341599001001", 116.02, 31.05, true},
                                      std::tuple{"341599001002", 116.03, 31.02, false},
                                      std::tuple{"341599002001", 116.07, 31.05, false}}) {
    model::Village v;
    v.code = code;
    v.township_code = std::string(code).substr(0, 9);
    v.location = {lon, lat};
    v.poor = poor;
    v.population = 1000;
    ds.villages.push_back(v);
  }
  using RC = model::RoadClass;
  using P = model::Program;
  using S = model::RoadStatus;
  // R2 ends on R1's vertex at 116.03: a T-junction. R3 stands alone.
  ds.roads.push_back(road("R1", RC::county, P::changtong, S::completed,
                          {{116.02, 31.05}, {116.03, 31.05}, {116.05, 31.05}, {116.07, 31.05}}));
  ds.roads.push_back(road("R2", RC::village, P::none, S::completed, {{116.03, 31.02}, {116.03, 31.05}}));
  ds.roads.push_back(road("R3", RC::village, P::kuomian, S::building, {{116.08, 31.08}, {116.09, 31.08}}));
  model::Facility hub;
  hub.id = "H1";
  hub.tier = model::Tier::county_hub;
  hub.admin_code = "341599";
  ds.facilities.push_back(hub);
  model::LayerInfo roads_info;
  roads_info.present = true;
  roads_info.extent.add(LonLat{116.0, 31.0});
  roads_info.extent.add(LonLat{116.1, 31.1});
  ds.layers["roads"] = roads_info;
  return ds;
}

}  // namespace

TEST(Inventory, RoadKilometresMatchTheEllipsoidFormulas) {
  const auto s = inventory::summarize(tiny(), {});
  const double r1 = parallel_arc_m(31.05, 0.05), r2 = meridian_arc_m(31.02, 31.05), r3 = parallel_arc_m(31.08, 0.01);
  // 1 mm per km, as the roads audit promises.
  EXPECT_NEAR(s.roads.total_km, (r1 + r2 + r3) / 1000.0, 1e-6 * (r1 + r2 + r3) / 1000.0 + 1e-6);
  EXPECT_NEAR(s.roads.by_class.at("county"), r1 / 1000.0, 1e-6);
  EXPECT_NEAR(s.roads.by_class.at("village"), (r2 + r3) / 1000.0, 1e-6);
  EXPECT_NEAR(s.roads.by_program.at("changtong"), r1 / 1000.0, 1e-6);
  EXPECT_NEAR(s.roads.by_program.at("kuomian"), r3 / 1000.0, 1e-6);
  EXPECT_NEAR(s.roads.by_status.at("building"), r3 / 1000.0, 1e-6);
}

TEST(Inventory, CountyAreaAndCounts) {
  const auto s = inventory::summarize(tiny(), {});
  ASSERT_EQ(s.counties.size(), 1u);
  const auto& c = s.counties[0];
  // Geodesic edges bulge from the parallels; over 0.1 degree the areas differ by < 1e-4.
  EXPECT_NEAR(c.area_km2, zone_area_m2(31.0, 31.1, 0.1) / 1e6, 1e-4 * c.area_km2);
  EXPECT_EQ(c.townships, 2u);
  EXPECT_EQ(c.villages, 3u);
  EXPECT_EQ(c.poor_villages, 1u);
  EXPECT_DOUBLE_EQ(c.population, 3000.0);
  EXPECT_EQ(c.facilities_by_tier.at("county_hub"), 1u);
}

TEST(Inventory, GraphCountsWorkedByHand) {
  const auto s = inventory::summarize(tiny(), {});
  ASSERT_TRUE(s.graph);
  // Nodes: R1's ends, the junction at 116.03 (R2's end), R2's south end, R3's two ends.
  // R1's vertex at 116.05 joins nothing and stays inside an edge.
  EXPECT_EQ(s.graph->nodes, 6u);
  EXPECT_EQ(s.graph->edges, 4u);  // R1 split in two at the junction, R2, R3
  EXPECT_EQ(s.graph->components, 2u);
  const double r1 = parallel_arc_m(31.05, 0.05), r2 = meridian_arc_m(31.02, 31.05), r3 = parallel_arc_m(31.08, 0.01);
  EXPECT_NEAR(s.graph->main_component_share, (r1 + r2) / (r1 + r2 + r3), 1e-6);
  ASSERT_EQ(s.graph->largest.size(), 2u);
  EXPECT_NEAR(s.graph->largest[1].length_km, r3 / 1000.0, 1e-5);  // float arc lengths
  ASSERT_FALSE(s.graph->largest[1].nearest_villages.empty());
  // The village nearest to R3's piece is 丙村 at (116.07, 31.05).
  EXPECT_EQ(s.graph->largest[1].nearest_villages[0].substr(0, 12), "341599002001");
}

TEST(Inventory, UnknownCountyIsCountedAsUnassigned) {
  auto ds = tiny();
  ds.roads[2].county_code = "341500";
  const auto s = inventory::summarize(ds, {});
  ASSERT_EQ(s.counties.size(), 2u);
  EXPECT_EQ(s.counties[1].code, "unassigned");
  EXPECT_NEAR(s.counties[1].roads.total_km, parallel_arc_m(31.08, 0.01) / 1000.0, 1e-6);
}

TEST(Inventory, EverySnapIsListedWithBothRoadsAndTheGap) {
  auto ds = tiny();
  // A new road R4 ends 3.0 m (along the parallel) short of R3's west end: within the 5 m tolerance.
  const double lat = 31.08;
  const double three_m_in_deg = 3.0 / (parallel_arc_m(lat, 1.0));
  ds.roads.push_back(road("R4", model::RoadClass::village, model::Program::none, model::RoadStatus::completed,
                          {{116.075, lat}, {116.08 - three_m_in_deg, lat}}));
  const auto s = inventory::summarize(ds, {});
  ASSERT_TRUE(s.graph);
  ASSERT_EQ(s.graph->snaps, 1u);
  ASSERT_EQ(s.graph->snap_list.size(), 1u);
  const auto& sn = s.graph->snap_list[0];
  EXPECT_TRUE((sn.road_a == "R3" && sn.road_b == "R4") || (sn.road_a == "R4" && sn.road_b == "R3"));
  EXPECT_NEAR(sn.distance_m, 3.0, 1e-3);
  EXPECT_EQ(s.graph->components, 2u);  // R4 joined R3's component
}
