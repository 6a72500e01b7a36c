// Reach, tier links and metrics on hand-drawn networks. The main road runs
// east along the parallel at 31.7°N with a vertex every kilometre, at 60 km/h
// (a kilometre a minute), so every expected travel time is worked out by hand:
// road metres / 1000 minutes plus access legs at 15 km/h (250 m a minute).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "../network/fixtures.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/coverage/coverage.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/network/snap.hpp"

namespace {

using namespace ruralnet;
using fixtures::east;
using fixtures::kOrigin;
using fixtures::north;

// A point x metres east of the origin along the parallel, y metres north.
LonLat at(double x, double y = 0.0) { return north(east(kOrigin, x), y); }

model::RoadSegment straight(std::string id, double x0, double x1, double y = 0.0,
                            model::Oneway oneway = model::Oneway::no) {
  std::vector<LonLat> line;
  const int n = static_cast<int>(std::lround(std::abs(x1 - x0) / 1000.0));
  for (int i = 0; i <= n; ++i) line.push_back(at(x0 + (x1 - x0) * i / std::max(n, 1), y));
  return fixtures::road(std::move(id), {line}, model::RoadClass::village, oneway, 60.0);
}

model::Facility facility(std::string id, model::Tier tier, std::string admin, LonLat p, std::vector<std::string> carriers = {"EMS"}) {
  model::Facility f;
  f.id = std::move(id);
  f.tier = tier;
  f.admin_code = std::move(admin);
  f.location = p;
  f.carriers = std::move(carriers);
  return f;
}

model::Village village(std::string code, LonLat p, double population = 100.0, bool poor = false, bool flood = false) {
  model::Village v;
  v.code = std::move(code);
  v.township_code = v.code.substr(0, 9);
  v.location = p;
  v.population = population;
  v.poor = poor;
  v.flood_zone = flood;
  return v;
}

struct Built {
  model::Dataset ds;
  network::SegmentTable table;
  network::BuildResult built;
  void build() {
    table = network::prepare_segments(ds.roads, fixtures::projector());
    built = network::build_graph(table);
  }
};

constexpr double kAccessMin = 1.0 / 250.0;  // minutes per metre at 15 km/h
constexpr double kTol = 1e-3;               // minutes (0.06 s)

TEST(EdgeSnapper, SnapsToTheInteriorOfAPieceWithGeodesicDistances) {
  Built b;
  b.ds.roads = {straight("A", 0, 20000)};
  b.build();
  const network::EdgeSnapper s(b.table, b.built);
  ASSERT_EQ(s.piece_count(), 1u);  // interior vertices are not nodes
  // The parallel's length, worked out from the radius of the parallel.
  const double len = 20000.0;
  EXPECT_NEAR(s.piece(0).length_m, len, 0.01);
  const auto p = s.snap(at(3000, 200), 2000.0);
  ASSERT_TRUE(p);
  EXPECT_NEAR(p->distance_m, 200.0, 0.01);
  EXPECT_NEAR(p->along_m, 3000.0, 0.05);
  // Between vertices: 3500 m along.
  const auto q = s.snap(at(3500, -50), 2000.0);
  ASSERT_TRUE(q);
  EXPECT_NEAR(q->distance_m, 50.0, 0.05);
  EXPECT_NEAR(q->along_m, 3500.0, 0.05);
  // Beyond the maximum distance the point is off the network, not attached far away.
  EXPECT_FALSE(s.snap(at(3000, 2100), 2000.0));
  EXPECT_TRUE(s.snap(at(3000, 1990), 2000.0));
  EXPECT_FALSE(s.snap(LonLat{std::nan(""), 31.0}, 2000.0));
}

TEST(EdgeSnapper, PartialTimesRespectOneway) {
  Built b;
  b.ds.roads = {straight("A", 0, 10000, 0.0, model::Oneway::forward)};
  b.build();
  const network::EdgeSnapper s(b.table, b.built);
  const auto p = s.snap(at(4000, 100), 2000.0);
  ASSERT_TRUE(p);
  const auto& g = b.built.graph;
  const auto src = network::point_sources(s, g, *p, network::Metric::time_s, 15.0);
  ASSERT_EQ(src.size(), 1u);  // only towards the end the road runs to
  EXPECT_EQ(src[0].node, s.piece(p->piece).to);
  EXPECT_NEAR(src[0].start_cost, 6.0 * 60.0 + 100.0 * kAccessMin * 60.0, 0.06);
  // Arriving from the start node: 4 minutes of road plus the access leg.
  const auto labels = network::dijkstra(g, s.piece(p->piece).from);
  const auto a = network::arrival_cost(s, g, labels, *p, 15.0);
  EXPECT_NEAR(a.cost, 4.0 * 60.0 + 100.0 * kAccessMin * 60.0, 0.06);
  // From the end node the one-way road cannot be driven back.
  const auto back = network::dijkstra(g, s.piece(p->piece).to);
  EXPECT_FALSE(std::isfinite(network::arrival_cost(s, g, back, *p, 15.0).cost));
  EXPECT_TRUE(std::isinf(network::along_piece_cost(s, g, p->piece, 5000.0, 4000.0, network::Metric::time_s)));
}

// The township 341599001 has station S at 2 km; a neighbouring township's
// station S2 stands at 9 km; the hub at 0. Threshold 12 minutes.
Built county() {
  Built b;
  b.ds.roads = {straight("A", 0, 20000), straight("B", 5000, 6000, 3000)};
  using model::Tier;
  b.ds.facilities = {
      facility("H", Tier::county_hub, "341599", at(0)),
      facility("S", Tier::township_station, "341599001", at(2000)),
      facility("S2", Tier::township_station, "341599002", at(9000)),
      facility("O1", Tier::village_outlet, "341599001001", at(10000, 100), {"EMS", "ZTO", "YTO"}),
      facility("O5", Tier::village_outlet, "341599001005", at(18000), {"ZTO"}),
  };
  b.ds.villages = {
      village("341599001001", at(10000, 300), 1000, true),   // own outlet O1: direct
      village("341599001002", at(12000, 50), 200, false, true),  // 2150 m from O1: cooperative
      village("341599001003", at(19000, 10), 300),          // 9110 m from O1: township only
      village("341599001005", at(18000, 20), 400, true),     // own outlet O5 16 min from S: not linked
      village("341599001006", at(5000, 6000), 500),          // 3 km from any road: off network
      village("341599001007", at(5500, 3020), 600),          // on road B alone: disconnected
      village("341599001008", at(9500), 700),                // S2 is nearer than its own station
  };
  b.build();
  return b;
}

coverage::CoverageOptions opts() {
  coverage::CoverageOptions o;
  o.station_threshold_min = 12.0;
  o.bands_min = {5.0};
  o.progress.quiet = true;
  return o;
}

TEST(Coverage, EveryReachReasonAndTravelTimeByHand) {
  const Built b = county();
  const auto r = coverage::analyse(b.ds, b.table, b.built, opts());
  ASSERT_EQ(r.villages.size(), 7u);
  using coverage::Reach;
  EXPECT_EQ(r.villages[0].reach, Reach::direct);
  EXPECT_EQ(r.villages[1].reach, Reach::cooperative);
  EXPECT_EQ(r.villages[2].reach, Reach::township_only);
  EXPECT_EQ(r.villages[3].reach, Reach::township_only);
  EXPECT_EQ(r.villages[4].reach, Reach::off_network);
  EXPECT_EQ(r.villages[5].reach, Reach::disconnected);
  EXPECT_EQ(r.villages[6].reach, Reach::cooperative);

  // O1: 8 km of road from S plus a 100 m access leg.
  const auto* o1 = r.facility_of(3);
  ASSERT_TRUE(o1);
  EXPECT_EQ(o1->admin_parent, 1u);
  EXPECT_NEAR(o1->admin_time_min, 8.0 + 100.0 * kAccessMin, kTol);
  EXPECT_EQ(o1->fastest_parent, 2u);  // S2 at 9 km: 1 km + 100 m
  EXPECT_NEAR(o1->fastest_time_min, 1.0 + 100.0 * kAccessMin, kTol);
  EXPECT_EQ(o1->link_parent, 1u);
  EXPECT_TRUE(o1->linked);
  EXPECT_EQ(o1->carriers, 3u);
  // O5: 16 minutes from its own station, over the 12-minute threshold.
  const auto* o5 = r.facility_of(4);
  EXPECT_NEAR(o5->link_time_min, 16.0, kTol);
  EXPECT_FALSE(o5->linked);
  // Stations to the hub.
  EXPECT_NEAR(r.facility_of(1)->link_time_min, 2.0, kTol);
  EXPECT_NEAR(r.facility_of(2)->link_time_min, 9.0, kTol);
  EXPECT_EQ(r.facility_of(2)->link_parent, 0u);

  // Villages: station -> village point.
  EXPECT_NEAR(r.villages[0].station_time_min, 8.0 + 300.0 * kAccessMin, kTol);
  EXPECT_NEAR(r.villages[2].station_time_min, 17.0 + 10.0 * kAccessMin, kTol);
  EXPECT_NEAR(r.villages[2].hub_time_min, 2.0, kTol);
  EXPECT_NEAR(r.villages[1].outlet_distance_m, 100.0 + 2000.0 + 50.0, 0.1);
  EXPECT_NEAR(r.villages[6].outlet_distance_m, 100.0 + 500.0, 0.1);
  EXPECT_EQ(r.villages[0].serving_outlet, 3u);
  EXPECT_EQ(r.villages[3].own_outlet, 4u);
  EXPECT_EQ(r.villages[3].serving_outlet, coverage::kNone);
  // 341599001008 is served by S (7.5 min) though S2 reaches it in 0.5 min.
  EXPECT_EQ(r.villages[6].station, 1u);
  EXPECT_NEAR(r.villages[6].station_time_min, 7.5, kTol);
  EXPECT_EQ(r.villages[6].fastest_station, 2u);
  EXPECT_NEAR(r.villages[6].fastest_station_time_min, 0.5, kTol);
  EXPECT_TRUE(r.villages[6].neighbour_faster);
  EXPECT_TRUE(r.villages[0].neighbour_faster);  // S2 is 1 km away, S 8 km
  EXPECT_FALSE(r.villages[5].neighbour_faster);
  EXPECT_TRUE(std::isnan(r.villages[5].station_time_min));
  EXPECT_GT(r.villages[5].at.component, 0u);
  EXPECT_EQ(r.villages[5].at.component_nodes, 2u);
  EXPECT_GE(r.admin_searches, 1u);

  // Off-network points are listed.
  ASSERT_EQ(r.off_network.size(), 1u);
  EXPECT_EQ(r.off_network[0].id, "341599001006");
}

TEST(Coverage, MetricsByTownshipCountyAndCity) {
  const Built b = county();
  const auto r = coverage::analyse(b.ds, b.table, b.built, opts());
  ASSERT_EQ(r.townships.size(), 1u);
  const auto& t = r.townships[0].all;
  EXPECT_EQ(t.villages, 7u);
  EXPECT_EQ(t.reached, 3u);
  EXPECT_NEAR(t.reach_rate, 3.0 / 7.0, 1e-12);
  EXPECT_DOUBLE_EQ(t.population, 3700.0);
  EXPECT_DOUBLE_EQ(t.population_reached, 1000.0 + 200.0 + 700.0);
  EXPECT_EQ(t.outlets, 2u);
  EXPECT_EQ(t.outlets_multi_carrier, 1u);
  EXPECT_DOUBLE_EQ(t.mean_carriers, 2.0);
  // Station times of the 5 villages with one: 8+1.2, 8+0.2+2, 17.04, 16.08, 7.5 minutes.
  EXPECT_EQ(t.village_station_min.count, 5u);
  EXPECT_NEAR(t.village_station_min.max, 17.04, kTol);
  EXPECT_NEAR(t.village_station_min.median, 10.2, kTol);
  EXPECT_EQ(t.station_hub_min.count, 1u);
  // Poor villages: 001 (direct) and 005 (township only); their outlets O1, O5.
  const auto& poor = r.townships[0].poor;
  EXPECT_EQ(poor.villages, 2u);
  EXPECT_EQ(poor.reached, 1u);
  EXPECT_EQ(poor.outlets, 2u);
  const auto& flood = r.townships[0].flood_zone;
  EXPECT_EQ(flood.villages, 1u);
  EXPECT_EQ(flood.reached, 1u);
  EXPECT_EQ(flood.outlets, 0u);
  ASSERT_EQ(r.counties.size(), 1u);
  EXPECT_EQ(r.counties[0].code, "341599");
  EXPECT_EQ(r.city.all.villages, 7u);
  EXPECT_EQ(r.city.code, "341500");
}

TEST(Coverage, TimeStatsByHand) {
  const auto s = coverage::time_stats({4.0, 1.0, std::nan(""), 3.0, 2.0});
  EXPECT_EQ(s.count, 4u);
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  EXPECT_DOUBLE_EQ(s.median, 2.5);
  EXPECT_DOUBLE_EQ(s.p95, 4.0);
  EXPECT_DOUBLE_EQ(s.max, 4.0);
  EXPECT_EQ(coverage::time_stats({}).count, 0u);
}

TEST(Coverage, TierLinkPathsRunFromParentToChild) {
  const Built b = county();
  const auto r = coverage::analyse(b.ds, b.table, b.built, opts());
  const coverage::TierLink* link = nullptr;
  for (const auto& l : r.links)
    if (l.to == 3) link = &l;
  ASSERT_TRUE(link);
  EXPECT_EQ(link->from, 1u);
  EXPECT_EQ(link->kind, "administrative");
  EXPECT_NEAR(link->time_min, 8.4, kTol);
  EXPECT_NEAR(link->length_m, 8100.0, 0.5);
  EXPECT_NEAR(geo::geodesic_distance(link->path.front(), at(2000)).value(), 0.0, 0.01);
  EXPECT_NEAR(geo::geodesic_distance(link->path.back(), at(10000, 100)).value(), 0.0, 0.01);
}

TEST(Coverage, ServiceAreaOfOneStationByHand) {
  Built b;
  b.ds.roads = {straight("A", 0, 20000)};
  b.ds.facilities = {facility("H", model::Tier::county_hub, "341599", at(20000)),
                     facility("S", model::Tier::township_station, "341599001", at(0))};
  b.ds.villages = {village("341599001001", at(100))};
  b.build();
  auto o = opts();
  const auto r = coverage::analyse(b.ds, b.table, b.built, o);
  const coverage::ServiceArea* a = nullptr;
  for (const auto& s : r.service_areas)
    if (s.facility == 1) a = &s;
  ASSERT_TRUE(a);
  EXPECT_DOUBLE_EQ(a->band_min, 5.0);
  EXPECT_NEAR(a->road_km, 5.0, 0.035);  // to a third of a cell
  // 5 km of road drawn as the 100 m cells it passes through: one row of 50
  // cells, plus a few where the parallel steps across a row (it bends away
  // from the grid's rows by the meridian convergence, 0.26° here).
  EXPECT_GE(a->area_km2, 0.5);
  EXPECT_LE(a->area_km2, 0.56);
  ASSERT_EQ(a->geometry.size(), 1u);
  EXPECT_EQ(a->geometry[0].rings.size(), 1u);
}

TEST(Coverage, EarlyResultsAreFinalButForTheServiceAreas) {
  Built b = county();
  auto o = opts();
  int calls = 0;
  std::vector<coverage::VillageResult> early_villages;
  std::size_t early_links = 0, early_areas = 0, early_stages = 0;
  o.before_service_areas = [&](const coverage::CoverageResult& partial) {
    ++calls;
    early_villages = partial.villages;
    early_links = partial.links.size();
    early_areas = partial.service_areas.size();
    early_stages = partial.stages.size();
  };
  const auto r = coverage::analyse(b.ds, b.table, b.built, o);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(early_areas, 0u);
  EXPECT_EQ(early_stages, 0u);
  EXPECT_FALSE(r.service_areas.empty());
  EXPECT_EQ(early_links, r.links.size());
  ASSERT_EQ(early_villages.size(), r.villages.size());
  for (std::size_t i = 0; i < r.villages.size(); ++i) {
    EXPECT_EQ(early_villages[i].reach, r.villages[i].reach) << i;
    EXPECT_EQ(early_villages[i].station, r.villages[i].station) << i;
    const double a = early_villages[i].station_time_min, c = r.villages[i].station_time_min;
    EXPECT_TRUE(a == c || (std::isnan(a) && std::isnan(c))) << i;
  }
  EXPECT_FALSE(r.options.before_service_areas);  // not kept in the result
  // Without service areas the hook is still called, once.
  o.service_areas = false;
  calls = 0;
  (void)coverage::analyse(b.ds, b.table, b.built, o);
  EXPECT_EQ(calls, 1);
}

TEST(Coverage, BadInputIsRefused) {
  Built b = county();
  auto o = opts();
  Built none = b;
  none.ds.facilities.erase(none.ds.facilities.begin() + 1, none.ds.facilities.begin() + 3);
  EXPECT_THROW(coverage::analyse(none.ds, none.table, none.built, o), InputError);
  Built nohub = b;
  nohub.ds.facilities.erase(nohub.ds.facilities.begin());
  EXPECT_THROW(coverage::analyse(nohub.ds, nohub.table, nohub.built, o), InputError);
  Built far = b;
  for (auto& v : far.ds.villages) v.location = at(0, 9000);
  EXPECT_THROW(coverage::analyse(far.ds, far.table, far.built, o), InputError);
  o.station_threshold_min = 0.0;
  EXPECT_THROW(coverage::analyse(b.ds, b.table, b.built, o), UsageError);
  o = opts();
  o.outlet_radius_m = -1.0;
  EXPECT_THROW(coverage::check_options(o), UsageError);
  o = opts();
  o.bands_min = {30.0, 15.0};
  EXPECT_THROW(coverage::check_options(o), UsageError);
}

TEST(Coverage, FacilitiesOfUnknownTierAreLeftOut) {
  Built b = county();
  model::Finding f;
  f.layer = "facilities";
  f.field = "tier";
  f.feature_id = "O5";
  b.ds.read_findings.push_back(f);
  const auto r = coverage::analyse(b.ds, b.table, b.built, opts());
  ASSERT_EQ(r.ignored_unknown_tier.size(), 1u);
  EXPECT_EQ(r.ignored_unknown_tier[0], 4u);
  EXPECT_EQ(r.facility_of(4), nullptr);
  EXPECT_EQ(r.outlets, 1u);
}

}  // namespace

// The writers, on the hand-drawn county: what each output says about it.
#include "ruralnet/report/coverage.hpp"

namespace {

TEST(CoverageReport, JsonCsvAndMarkdownAgreeWithTheAnalysis) {
  Built b = county();
  b.ds.path = "hand-drawn";
  const auto r = coverage::analyse(b.ds, b.table, b.built, opts());
  const auto j = report::coverage_json(b.ds, r);
  EXPECT_EQ(j["schema"], "ruralnet.coverage/1");
  EXPECT_EQ(j["city"]["all"]["villages"], 7);
  EXPECT_EQ(j["city"]["all"]["reached"], 3);
  EXPECT_EQ(j["city"]["all"]["by_reason"]["off_network"], 1);
  EXPECT_TRUE(j["city"]["flood_zone"]["station_hub_min"]["mean"].is_number());
  EXPECT_EQ(j["neighbour_faster"].size(), 5u);  // every on-network village east of 5.5 km
  const std::string csv = report::coverage_csv(b.ds, r);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 8);
  EXPECT_NE(csv.find("341599001001,,341599001,,341599,,1000,1,0,direct,1,1,300,0,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",township_only,0,1,10,"), std::string::npos);
  const std::string md = report::coverage_markdown(b.ds, r);
  EXPECT_NE(md.find("**3 of 7 villages reached (42.9%)**"), std::string::npos) << md;
  const auto layers = report::coverage_layers(b.ds, r);
  ASSERT_EQ(layers.size(), 4u);
  EXPECT_EQ(layers[0].features.size(), 7u);
  EXPECT_EQ(layers[3].features.size(), 1u);
  for (const auto& l : layers)
    for (const auto& f : l.features) EXPECT_EQ(f.values.size(), l.schema.fields.size()) << l.schema.name;
}

}  // namespace
