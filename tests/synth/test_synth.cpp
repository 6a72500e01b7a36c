// The Lu'an demo dataset against the published figures, and its defects
// against the manifest. The dataset is generated once per test binary.
#include <geos_c.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/model/codes.hpp"
#include "ruralnet/synth/synth.hpp"

namespace rs = ruralnet::synth;
namespace rm = ruralnet::model;
using ruralnet::LonLat;

namespace {

const rs::Tile& demo() {
  static const rs::Tile t = rs::generate_tile(1, rs::Scale::luan, 0);
  return t;
}

std::string extra(const rm::ExtraFields& e, const std::string& k) {
  for (const auto& [a, b] : e)
    if (a == k) return b;
  return {};
}

double area_km2(const rm::MultiPolygon& mp) {
  double a = 0;
  for (const auto& p : mp)
    for (std::size_t r = 0; r < p.rings.size(); ++r)
      a += (r == 0 ? 1 : -1) * ruralnet::geo::geodesic_ring_area_m2(p.rings[r]);
  return a / 1e6;
}

double km(const rm::RoadSegment& s) { return ruralnet::geo::geodesic_length(s.geometry.front()).value() / 1000.0; }

std::set<std::string> defect_ids(const std::string& kind) {
  std::set<std::string> ids;
  for (const auto& d : demo().defects)
    if (d.kind == kind) ids.insert(d.feature_id);
  return ids;
}

std::string wkt(const rm::MultiPolygon& mp) {
  std::ostringstream o;
  o.precision(12);
  o << "MULTIPOLYGON(";
  for (std::size_t p = 0; p < mp.size(); ++p) {
    o << (p ? "," : "") << "(";
    for (std::size_t r = 0; r < mp[p].rings.size(); ++r) {
      o << (r ? "," : "") << "(";
      for (std::size_t k = 0; k < mp[p].rings[r].size(); ++k)
        o << (k ? "," : "") << mp[p].rings[r][k].lon << " " << mp[p].rings[r][k].lat;
      o << ")";
    }
    o << ")";
  }
  o << ")";
  return o.str();
}

// Local metres for distance checks (accurate to well under 1% over a few km).
struct Local {
  double kx, ky;
  explicit Local(double lat) : kx(111320.0 * std::cos(lat * M_PI / 180)), ky(110574.0) {}
  double dist_point_segment(LonLat p, LonLat a, LonLat b) const {
    const double ax = (a.lon - p.lon) * kx, ay = (a.lat - p.lat) * ky;
    const double bx = (b.lon - p.lon) * kx, by = (b.lat - p.lat) * ky;
    const double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? -(ax * dx + ay * dy) / l2 : 0;
    t = std::clamp(t, 0.0, 1.0);
    return std::hypot(ax + t * dx, ay + t * dy);
  }
};

// Road pieces by 0.01-degree bucket (a piece is filed under the buckets of
// both its ends; pieces are far shorter than a bucket).
using Buckets = std::map<std::pair<long, long>, std::vector<std::pair<std::size_t, std::size_t>>>;
std::pair<long, long> bucket(LonLat p) {
  return {static_cast<long>(std::floor(p.lon * 100)), static_cast<long>(std::floor(p.lat * 100))};
}
const Buckets& road_buckets() {
  static const Buckets b = [] {
    Buckets out;
    const auto& roads = demo().data.roads;
    for (std::size_t i = 0; i < roads.size(); ++i) {
      const auto& ls = roads[i].geometry.front();
      for (std::size_t k = 0; k + 1 < ls.size(); ++k) {
        out[bucket(ls[k])].push_back({i, k});
        if (bucket(ls[k + 1]) != bucket(ls[k])) out[bucket(ls[k + 1])].push_back({i, k});
      }
    }
    return out;
  }();
  return b;
}

// Distance to the nearest other road, searched up to about 1 km.
double distance_to_other_roads(LonLat p, std::size_t except) {
  const Local L(p.lat);
  double best = 1e18;
  const auto& roads = demo().data.roads;
  const auto [bi, bj] = bucket(p);
  for (long i = bi - 1; i <= bi + 1; ++i)
    for (long j = bj - 1; j <= bj + 1; ++j) {
      auto it = road_buckets().find({i, j});
      if (it == road_buckets().end()) continue;
      for (const auto& [r, k] : it->second) {
        if (r == except) continue;
        const auto& ls = roads[r].geometry.front();
        best = std::min(best, L.dist_point_segment(p, ls[k], ls[k + 1]));
      }
    }
  return best;
}

}  // namespace

TEST(Synth, SameSeedSameFeaturesOtherSeedDiffers) {
  const rs::Tile again = rs::generate_tile(1, rs::Scale::luan, 0);
  const auto& a = demo().data;
  const auto& b = again.data;
  ASSERT_EQ(a.roads.size(), b.roads.size());
  for (std::size_t i = 0; i < a.roads.size(); ++i) {
    ASSERT_EQ(a.roads[i].id, b.roads[i].id);
    ASSERT_EQ(a.roads[i].geometry, b.roads[i].geometry);
    ASSERT_EQ(a.roads[i].declared_km, b.roads[i].declared_km);
    ASSERT_EQ(a.roads[i].surface, b.roads[i].surface);
  }
  ASSERT_EQ(a.villages.size(), b.villages.size());
  for (std::size_t i = 0; i < a.villages.size(); ++i) {
    ASSERT_EQ(a.villages[i].code, b.villages[i].code);
    ASSERT_EQ(a.villages[i].name, b.villages[i].name);
    ASSERT_EQ(a.villages[i].location, b.villages[i].location);
    ASSERT_EQ(a.villages[i].population, b.villages[i].population);
  }
  for (std::size_t i = 0; i < a.townships.size(); ++i) ASSERT_EQ(a.townships[i].geometry.front().rings, b.townships[i].geometry.front().rings);
  ASSERT_EQ(a.facilities.size(), b.facilities.size());
  ASSERT_EQ(demo().progress.size(), again.progress.size());
  for (std::size_t i = 0; i < demo().progress.size(); ++i) ASSERT_EQ(demo().progress[i].value, again.progress[i].value);

  const rs::Tile other = rs::generate_tile(2, rs::Scale::luan, 0);
  bool differs = other.data.roads.size() != a.roads.size();
  for (std::size_t i = 0; !differs && i < a.villages.size(); ++i)
    differs = !(a.villages[i].location == other.data.villages[i].location);
  EXPECT_TRUE(differs);
  // The published counts do not depend on the seed.
  EXPECT_EQ(other.data.townships.size(), a.townships.size());
  EXPECT_EQ(other.data.villages.size(), a.villages.size());
}

TEST(Synth, CountsPerCountyAreExact) {
  const auto& d = demo().data;
  ASSERT_EQ(d.counties.size(), 7u);
  for (const auto& f : rs::luan_counties()) {
    int t = 0, v = 0, c = 0;
    for (const auto& x : d.townships) t += x.county_code == f.code;
    for (const auto& x : d.villages) {
      if (x.township_code.substr(0, 6) != f.code) continue;
      (extra(x.extra, "kind") == "village" ? v : c) += 1;
    }
    EXPECT_EQ(t, f.townships) << f.code;
    EXPECT_EQ(v, f.villages) << f.code;
    EXPECT_EQ(c, f.communities) << f.code;
  }
}

TEST(Synth, CountyAreasWithinTenPercent) {
  const auto& d = demo().data;
  for (std::size_t k = 0; k < d.counties.size(); ++k) {
    const auto& f = rs::luan_counties()[k];
    ASSERT_EQ(d.counties[k].code, f.code);
    EXPECT_NEAR(area_km2(d.counties[k].geometry), f.area_km2, 0.1 * f.area_km2) << f.code;
  }
}

TEST(Synth, CountiesLieWithinTheirPublishedExtent) {
  for (const auto& c : demo().data.counties) {
    const auto& f = *std::find_if(rs::luan_counties().begin(), rs::luan_counties().end(),
                                  [&](const rs::CountyFacts& x) { return x.code == c.code; });
    for (const auto& p : c.geometry)
      for (const auto& q : p.rings[0]) {
        EXPECT_GE(q.lon, f.bbox.min_lon - 0.006);
        EXPECT_LE(q.lon, f.bbox.max_lon + 0.006);
        EXPECT_GE(q.lat, f.bbox.min_lat - 0.006);
        EXPECT_LE(q.lat, f.bbox.max_lat + 0.006);
      }
  }
}

TEST(Synth, RoadLengthsByClassWithinTenPercent) {
  const auto dup = defect_ids("duplicate_segment");
  std::map<std::string, double> by;
  for (const auto& s : demo().data.roads)
    if (!dup.count(s.id)) by[s.class_text] += km(s);
  const rs::RoadTargets t = rs::luan_road_targets();
  EXPECT_NEAR(by["national"], t.national_km, 0.1 * t.national_km);
  EXPECT_NEAR(by["provincial"], t.provincial_km, 0.1 * t.provincial_km);
  EXPECT_NEAR(by["county"], t.county_km, 0.1 * t.county_km);
  EXPECT_NEAR(by["township"], t.township_km, 0.1 * t.township_km);
  EXPECT_NEAR(by["village"], t.village_km, 0.1 * t.village_km);
}

TEST(Synth, ProgrammeRoadsWithinOnePercentOf4451Km) {
  double total = 0;
  for (const auto& s : demo().data.roads)
    if (s.program != rm::Program::none) total += km(s);
  EXPECT_NEAR(total, 4451.0, 44.51);
}

TEST(Synth, ProgrammeRoadsHaveStakesAndHonestLengthsExceptTheManifest) {
  const auto bad = defect_ids("mis_declared_length");
  EXPECT_EQ(bad.size(), 5u);
  for (const auto& s : demo().data.roads) {
    if (s.program == rm::Program::none) {
      EXPECT_FALSE(s.declared_km.has_value());
      continue;
    }
    ASSERT_TRUE(s.declared_km.has_value()) << s.id;
    EXPECT_EQ(s.start_stake.substr(0, 1), "K");
    EXPECT_NE(s.end_stake.find('+'), std::string::npos);
    const double ratio = *s.declared_km / km(s);
    if (bad.count(s.id)) {
      EXPECT_GT(std::abs(ratio - 1), 0.02) << s.id;
      EXPECT_GT(std::abs(*s.declared_km - km(s)), 0.05) << s.id;  // the roads audit's 50 m floor
    } else {
      EXPECT_LT(std::abs(ratio - 1), 0.02) << s.id;
    }
    if (s.status == rm::RoadStatus::completed) {
      ASSERT_TRUE(s.completed_on.has_value());
      EXPECT_EQ(s.completed_on->year(), 2018);
    }
  }
}

TEST(Synth, TownshipsTileTheirCounty) {
  const auto& d = demo().data;
  for (const auto& c : d.counties) {
    double sum = 0;
    for (const auto& t : d.townships)
      if (t.county_code == c.code) sum += area_km2(t.geometry);
    const double a = area_km2(c.geometry);
    EXPECT_NEAR(sum, a, 0.001 * a) << c.code;
  }
}

TEST(Synth, PolygonsAreValidAndTownshipsDoNotOverlap) {
  GEOSContextHandle_t h = GEOS_init_r();
  GEOSWKTReader* reader = GEOSWKTReader_create_r(h);
  const auto& d = demo().data;
  std::vector<GEOSGeometry*> g;
  for (const auto& t : d.townships) g.push_back(GEOSWKTReader_read_r(h, reader, wkt(t.geometry).c_str()));
  std::vector<GEOSGeometry*> cg;
  for (const auto& c : d.counties) cg.push_back(GEOSWKTReader_read_r(h, reader, wkt(c.geometry).c_str()));
  for (std::size_t i = 0; i < g.size(); ++i) {
    ASSERT_NE(g[i], nullptr);
    EXPECT_EQ(GEOSisValid_r(h, g[i]), 1) << d.townships[i].code;
  }
  for (std::size_t i = 0; i < cg.size(); ++i) EXPECT_EQ(GEOSisValid_r(h, cg[i]), 1) << d.counties[i].code;
  double max_overlap = 0;
  for (std::size_t i = 0; i < g.size(); ++i)
    for (std::size_t j = i + 1; j < g.size(); ++j) {
      if (!GEOSIntersects_r(h, g[i], g[j])) continue;
      GEOSGeometry* x = GEOSIntersection_r(h, g[i], g[j]);
      double a = 0;
      GEOSArea_r(h, x, &a);
      max_overlap = std::max(max_overlap, a);
      GEOSGeom_destroy_r(h, x);
    }
  EXPECT_LT(max_overlap, 1e-12);  // square degrees: only shared edges
  for (std::size_t i = 0; i < cg.size(); ++i)
    for (std::size_t j = i + 1; j < cg.size(); ++j) {
      GEOSGeometry* x = GEOSIntersection_r(h, cg[i], cg[j]);
      double a = 0;
      GEOSArea_r(h, x, &a);
      EXPECT_LT(a, 1e-12);
      GEOSGeom_destroy_r(h, x);
    }
  // Every non-defect village lies in its township (GEOS, not the generator's grid).
  const auto outside = defect_ids("village_outside_township");
  std::map<std::string, std::size_t> by_code;
  for (std::size_t i = 0; i < d.townships.size(); ++i) by_code[d.townships[i].code] = i;
  int inside_ok = 0;
  for (const auto& v : d.villages) {
    GEOSGeometry* p = GEOSGeom_createPointFromXY_r(h, v.location.lon, v.location.lat);
    const char in = GEOSContains_r(h, g[by_code.at(v.township_code)], p);
    if (outside.count(v.code))
      EXPECT_EQ(in, 0) << v.code;
    else
      EXPECT_EQ(in, 1) << v.code;
    inside_ok += in;
    GEOSGeom_destroy_r(h, p);
  }
  EXPECT_EQ(inside_ok, static_cast<int>(d.villages.size() - outside.size()));
  // Roads are booked to the county that holds most of their length
  // (sampled every 20 m; a segment split evenly may go either way).
  std::map<std::string, const GEOSPreparedGeometry*> county_prep;
  for (std::size_t i = 0; i < cg.size(); ++i) county_prep[d.counties[i].code] = GEOSPrepare_r(h, cg[i]);
  int misbooked = 0;
  for (const auto& r : d.roads) {
    const auto& ls = r.geometry.front();
    double in = 0, all = 0;
    for (std::size_t k = 0; k + 1 < ls.size(); ++k) {
      const double len = ruralnet::geo::geodesic_distance(ls[k], ls[k + 1]).value();
      const int parts = 1 + static_cast<int>(len / 20.0);
      for (int q = 0; q < parts; ++q) {
        const double t = (q + 0.5) / parts;
        GEOSGeometry* p = GEOSGeom_createPointFromXY_r(h, ls[k].lon + (ls[k + 1].lon - ls[k].lon) * t,
                                                       ls[k].lat + (ls[k + 1].lat - ls[k].lat) * t);
        in += GEOSPreparedContains_r(h, county_prep.at(r.county_code), p) ? len / parts : 0;
        GEOSGeom_destroy_r(h, p);
      }
      all += len;
    }
    misbooked += in < 0.48 * all;
    if (in < 0.48 * all) std::printf("misbooked %s %s %.0f of %.0f m inside\n", r.id.c_str(), r.class_text.c_str(), in, all);
  }
  EXPECT_EQ(misbooked, 0);
  for (auto& [c, p] : county_prep) GEOSPreparedGeom_destroy_r(h, p);
  for (auto* x : g) GEOSGeom_destroy_r(h, x);
  for (auto* x : cg) GEOSGeom_destroy_r(h, x);
  GEOSWKTReader_destroy_r(h, reader);
  GEOS_finish_r(h);
}

TEST(Synth, CodesNestExceptTheManifest) {
  const auto& d = demo().data;
  const auto bad = defect_ids("code_not_nested");
  EXPECT_EQ(bad.size(), 3u);
  std::set<std::string> codes;
  for (const auto& t : d.townships) {
    EXPECT_TRUE(rm::is_division_code(t.code, rm::CodeLevel::township));
    EXPECT_TRUE(rm::code_nests(t.code, t.county_code));
    EXPECT_TRUE(codes.insert(t.code).second);
  }
  for (const auto& v : d.villages) {
    EXPECT_TRUE(rm::is_division_code(v.code, rm::CodeLevel::village));
    EXPECT_TRUE(codes.insert(v.code).second) << "duplicate " << v.code;
    EXPECT_EQ(rm::code_nests(v.code, v.township_code), !bad.count(v.code)) << v.code;
  }
}

TEST(Synth, ManifestPointsToExistingFeatures) {
  const auto& d = demo().data;
  std::set<std::string> road_ids, village_codes;
  for (const auto& r : d.roads) EXPECT_TRUE(road_ids.insert(r.id).second) << "duplicate road id " << r.id;
  for (const auto& v : d.villages) village_codes.insert(v.code);
  std::map<std::string, int> kinds;
  for (const auto& x : demo().defects) {
    ++kinds[x.kind];
    if (x.layer == "roads")
      EXPECT_TRUE(road_ids.count(x.feature_id)) << x.feature_id;
    else
      EXPECT_TRUE(village_codes.count(x.feature_id)) << x.feature_id;
    EXPECT_EQ(x.check, (x.kind == "code_not_nested" || x.kind == "village_outside_township") ? "validate" : "roads");
  }
  EXPECT_EQ(kinds["gap"], 4);
  EXPECT_EQ(kinds["duplicate_segment"], 3);
  EXPECT_EQ(kinds["village_outside_township"], 3);
}

TEST(Synth, DuplicatesAreExactCopies) {
  const auto& roads = demo().data.roads;
  std::map<std::string, const rm::RoadSegment*> by;
  for (const auto& r : roads) by[r.id] = &r;
  for (const auto& x : demo().defects) {
    if (x.kind != "duplicate_segment") continue;
    const auto* copy = by.at(x.feature_id);
    const auto* orig = by.at(x.details.at("copy_of").get<std::string>());
    EXPECT_EQ(copy->geometry, orig->geometry);
    EXPECT_NE(copy->id, orig->id);
  }
}

// Road ends are where only one segment ends (exact coordinates). Only the
// planted gaps end 5-20 m from another road; every other dead end is clear.
TEST(Synth, OnlyThePlantedGapsEndNearAnotherRoad) {
  const auto& roads = demo().data.roads;
  std::map<std::pair<double, double>, int> ends;
  for (const auto& r : roads) {
    const auto& ls = r.geometry.front();
    ++ends[{ls.front().lon, ls.front().lat}];
    ++ends[{ls.back().lon, ls.back().lat}];
  }
  const auto gaps = defect_ids("gap");
  int near = 0;
  for (std::size_t i = 0; i < roads.size(); ++i) {
    const auto& ls = roads[i].geometry.front();
    for (const LonLat& p : {ls.front(), ls.back()}) {
      if (ends[{p.lon, p.lat}] != 1) continue;
      const double dm = distance_to_other_roads(p, i);
      if (gaps.count(roads[i].id) && p == ls.front()) {
        EXPECT_GE(dm, 8.0) << roads[i].id;
        EXPECT_LE(dm, 15.0) << roads[i].id;
        ++near;
      } else {
        EXPECT_GT(dm, 20.0) << roads[i].id << " dead end " << dm << " m from another road";
      }
    }
  }
  EXPECT_EQ(near, 4);
}

TEST(Synth, VillagesAndFacilitiesArePlausible) {
  const auto& d = demo().data;
  std::map<std::string, double> pop;
  std::map<std::string, int> poor, villages, flood;
  for (const auto& v : d.villages) {
    ASSERT_TRUE(v.population && v.households && v.demand_parcels_day);
    EXPECT_GT(*v.population, 0);
    EXPECT_LT(*v.households, *v.population);
    if (extra(v.extra, "kind") != "village") continue;
    const std::string c = v.township_code.substr(0, 6);
    pop[c] += *v.population;
    poor[c] += v.poor;
    flood[c] += v.flood_zone;
    ++villages[c];
  }
  for (const auto& f : rs::luan_counties()) {
    EXPECT_NEAR(pop[f.code], f.residents * f.rural_share, 1.0) << f.code;
    EXPECT_NEAR(poor[f.code], f.poor_share * villages[f.code], 1.0) << f.code;
  }
  EXPECT_GT(flood["341522"], 10);
  EXPECT_EQ(flood["341502"] + flood["341524"], 0);
  // Poor villages are most common in Jinzhai.
  EXPECT_GT(static_cast<double>(poor["341524"]) / villages["341524"], static_cast<double>(poor["341502"]) / villages["341502"]);
  int hubs = 0, stations = 0, outlets = 0;
  std::set<std::string> ids;
  for (const auto& f : d.facilities) {
    EXPECT_TRUE(ids.insert(f.id).second);
    EXPECT_EQ(f.carriers.front(), "EMS");
    hubs += f.tier == rm::Tier::county_hub;
    stations += f.tier == rm::Tier::township_station;
    outlets += f.tier == rm::Tier::village_outlet;
  }
  EXPECT_EQ(hubs, 7);
  EXPECT_GT(stations, 110);
  EXPECT_LT(stations, 140);
  EXPECT_GT(outlets, 1400);
  EXPECT_LT(outlets, 1950);
}

TEST(Synth, ProgressIsCumulativeQuarterly) {
  const auto& p = demo().progress;
  EXPECT_EQ(p.size(), 7u * 16u * 4u);
  std::map<std::pair<std::string, std::string>, std::vector<double>> series;
  for (const auto& r : p) {
    EXPECT_EQ(r.as_of.year(), 2018);
    series[{r.county_code, r.indicator}].push_back(r.value);
  }
  EXPECT_EQ(series.size(), 7u * rs::indicator_ids().size());
  for (const auto& [k, v] : series) {
    ASSERT_EQ(v.size(), 4u);
    for (std::size_t i = 1; i < 4; ++i) EXPECT_GE(v[i], v[i - 1]) << k.first << " " << k.second;
  }
}

// Not a check: prints the dataset's figures per county for docs/synth.md.
TEST(Synth, Figures) {
  const auto& d = demo().data;
  const auto dup = defect_ids("duplicate_segment");
  std::printf("| code | name | townships | villages | communities | area km2 | national | provincial | county | township | village | programme km |\n");
  std::map<std::string, double> tot;
  for (const auto& c : d.counties) {
    std::map<std::string, double> by;
    double prog = 0;
    for (const auto& s : d.roads)
      if (s.county_code == c.code && !dup.count(s.id)) {
        by[s.class_text] += km(s);
        if (s.program != rm::Program::none) prog += km(s);
      }
    int t = 0, v = 0, m = 0;
    for (const auto& x : d.townships) t += x.county_code == c.code;
    for (const auto& x : d.villages)
      if (x.township_code.substr(0, 6) == c.code) (extra(x.extra, "kind") == "village" ? v : m) += 1;
    std::printf("| %s | %s | %d | %d | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |\n", c.code.c_str(), c.name.c_str(), t, v, m,
                area_km2(c.geometry), by["national"], by["provincial"], by["county"], by["township"], by["village"], prog);
    tot["area"] += area_km2(c.geometry);
    for (const auto& [k, x] : by) tot[k] += x;
    tot["prog"] += prog;
  }
  std::printf("| total | | | | | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |\n", tot["area"], tot["national"], tot["provincial"],
              tot["county"], tot["township"], tot["village"], tot["prog"]);
  std::printf("segments %zu facilities %zu\n", d.roads.size(), d.facilities.size());
}

// Regression: vehicle_capacity_parcels is what one vehicle carries (docs/data-input.md);
// the generator once wrote the fleet's total, so a station's capacity grew with its
// vehicles and `ruralnet frequency` loaded each vehicle with the whole fleet's share.
TEST(Synth, VehicleCapacityIsPerVehicle) {
  std::set<int> fleet_sizes;
  for (const auto& f : demo().data.facilities) {
    if (!f.vehicles || !f.vehicle_capacity_parcels) continue;
    const double expected = f.tier == rm::Tier::county_hub ? 800.0 : f.tier == rm::Tier::township_station ? 300.0 : 80.0;
    EXPECT_EQ(*f.vehicle_capacity_parcels, expected) << f.id << " with " << *f.vehicles << " vehicles";
    if (f.tier == rm::Tier::township_station) fleet_sizes.insert(*f.vehicles);
  }
  EXPECT_GE(fleet_sizes.size(), 2u);  // stations of several fleet sizes, all at 300 a vehicle
}
