// The roads audit on tiny hand-drawn fixtures: every finding type, the
// totals as of a date, and lengths checked against the meridian and parallel
// arc formulas (not PROJ) to 1 mm per km.
#include <gtest/gtest.h>

#include <algorithm>

#include "fixtures.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/roads/audit.hpp"

using namespace roadfix;
using P = model::Program;
using S = model::RoadStatus;

namespace {

roads::AuditOptions options() {
  roads::AuditOptions o;
  o.as_of = Date(2018, 12, 31);
  o.progress.quiet = true;
  o.compare_access = false;
  return o;
}

model::Dataset dataset(std::vector<model::RoadSegment> roads) {
  model::Dataset ds;
  ds.path = "hand-drawn";
  ds.roads = std::move(roads);
  return ds;
}

std::vector<const roads::RoadFinding*> of_kind(const roads::AuditResult& r, const std::string& kind) {
  std::vector<const roads::RoadFinding*> out;
  for (const auto& f : r.findings)
    if (f.kind == kind) out.push_back(&f);
  return out;
}

}  // namespace

TEST(RoadsAudit, LengthsMatchTheMeridianAndParallelArcs) {
  // 0.05° along the parallel of 31.7°N and 0.03° along the meridian of 116.5°E.
  const LonLat a{116.5, 31.7}, b{116.55, 31.7}, c{116.5, 31.73};
  auto r = roads::audit(dataset({road("E", {a, b}), road("N", {a, c}), road("L", {b, {116.55, 31.72}, {116.56, 31.72}})}),
                        options());
  const double e = parallel_arc_m(31.7, 0.05), n = meridian_arc_m(31.7, 31.73);
  const double l = meridian_arc_m(31.7, 31.72) + parallel_arc_m(31.72, 0.01);
  EXPECT_NEAR(r.segments[0].measured_m, e, 1e-3 * e / 1000.0);
  EXPECT_NEAR(r.segments[1].measured_m, n, 1e-3 * n / 1000.0);
  EXPECT_NEAR(r.segments[2].measured_m, l, 1e-3 * l / 1000.0);
  EXPECT_NEAR(r.all_roads.measured_km, (e + n + l) / 1000.0, 1e-6 * (e + n + l) / 1000.0);
  EXPECT_TRUE(r.findings.empty());
}

TEST(RoadsAudit, DeclaredLengthOutsideTheToleranceIsFlagged) {
  auto r1 = road("R1", {at(0, 0), at(1200, 0)});  // declared 1.0: 200 m short, beyond 50 m and 2%
  r1.declared_km = 1.0;
  auto r2 = road("R2", {at(0, 100), at(3000, 100)});  // declared 3.05: 50 m over, within 2% (60 m)
  r2.declared_km = 3.05;
  auto r3 = road("R3", {at(0, 200), at(500, 200)});  // declared 0.54: 40 m over, within the 50 m floor
  r3.declared_km = 0.54;
  auto r4 = road("R4", {at(0, 300), at(500, 300)});  // declared 0.44: 60 m short
  r4.declared_km = 0.44;
  const auto r = roads::audit(dataset({r1, r2, r3, r4}), options());
  const auto f = of_kind(r, "length_mismatch");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0]->segment_id, "R1");
  EXPECT_NEAR(f[0]->value, 1000.0 - r.segments[0].measured_m, 1e-6);
  EXPECT_NEAR(f[0]->value, -200.0, 0.5);
  EXPECT_EQ(f[1]->segment_id, "R4");
  EXPECT_EQ(f[1]->field, "declared_km");
}

TEST(RoadsAudit, StakesAreParsedAndChecked) {
  auto ok = road("OK", {at(0, 0), at(1200, 0)});
  ok.start_stake = "K1+000";
  ok.end_stake = "K2+200";
  auto off = road("OFF", {at(0, 100), at(1200, 100)});
  off.start_stake = "K1+000";
  off.end_stake = "K1+500";
  auto bad = road("BAD", {at(0, 200), at(1200, 200)});
  bad.start_stake = "K12+3OO";
  bad.end_stake = "K13+500";
  const auto r = roads::audit(dataset({ok, off, bad}), options());
  EXPECT_NEAR(*r.segments[0].stake_length_m, 1200.0, 1e-9);
  EXPECT_TRUE(r.segments[0].flags.empty());
  ASSERT_EQ(of_kind(r, "stake_length_mismatch").size(), 1u);
  EXPECT_EQ(of_kind(r, "stake_length_mismatch")[0]->segment_id, "OFF");
  const auto u = of_kind(r, "unparseable_stake");
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0]->segment_id, "BAD");
  EXPECT_EQ(u[0]->field, "start_stake");
  EXPECT_EQ(u[0]->severity, model::Severity::error);
}

TEST(RoadsAudit, DuplicatesAndOverlapsAreCountedOnce) {
  const auto a = road("A", {at(0, 0), at(1000, 0), at(2000, 0)});
  const auto copy = road("A-copy", {at(0, 0), at(1000, 0), at(2000, 0)});
  // Shares 1500..2000 of A (500 m), digitised the other way and 0.4 m off, then turns north.
  const auto part = road("B", {at(2000, 0.4), at(1500, 0.4), at(1500, 800)});
  const auto parallel = road("C", {at(0, 30), at(2000, 30)});  // 30 m away: another road
  const auto r = roads::audit(dataset({a, copy, part, parallel}), options());
  const auto d = of_kind(r, "duplicate");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0]->segment_id, "A-copy");
  EXPECT_EQ(d[0]->other_id, "A");
  EXPECT_NEAR(d[0]->value, r.segments[0].measured_m, 1e-3);
  const auto o = of_kind(r, "overlap");
  ASSERT_EQ(o.size(), 2u);  // B overlaps both A and its copy
  EXPECT_EQ(o[0]->segment_id, "B");
  EXPECT_NEAR(o[0]->value, 500.0, 0.5);
  // Counted once: A-copy adds nothing, B adds its northern leg only.
  EXPECT_NEAR(r.segments[1].unique_m, 0.0, 1e-3);
  EXPECT_NEAR(r.segments[2].unique_m, std::max(0.0, r.segments[2].measured_m - 1000.0), 1.0);
  EXPECT_TRUE(r.segments[3].flags.empty());
  EXPECT_NEAR(r.double_counted_km, (r.segments[0].measured_m + 1000.0) / 1000.0, 0.002);
}

TEST(RoadsAudit, SelfOverlapIsFlagged) {
  const auto r = roads::audit(dataset({road("S", {at(0, 0), at(500, 0), at(300, 0)})}), options());
  const auto f = of_kind(r, "self_overlap");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NEAR(f[0]->value, 200.0, 0.5);
  EXPECT_NEAR(r.segments[0].unique_m, r.segments[0].measured_m - f[0]->value, 1e-6);
}

TEST(RoadsAudit, UnjoinedEndsNearAnotherRoadAreGaps) {
  const auto main = road("M", {at(0, 0), at(2000, 0)});
  const auto gap = road("G", {at(500, 800), at(500, 12)});       // stops 12 m short of M
  const auto snapped = road("J", {at(2003, 0), at(2003, 700)});  // 3 m from M's end: joined by snapping
  const auto far = road("F", {at(1200, 800), at(1200, 30)});     // 30 m away: beyond the gap tolerance
  const auto r = roads::audit(dataset({main, gap, snapped, far}), options());
  const auto g = of_kind(r, "gap");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0]->segment_id, "G");
  EXPECT_EQ(g[0]->other_id, "M");
  EXPECT_NEAR(g[0]->value, 12.0, 0.05);
  ASSERT_TRUE(g[0]->location.has_value());
  EXPECT_NEAR(g[0]->location->lat, at(500, 12).lat, 1e-7);
}

TEST(RoadsAudit, ProgrammeRoadsJoinedToNothingAreIsolated) {
  const auto m1 = road("M1", {at(0, 0), at(1000, 0)});
  const auto m2 = road("M2", {at(1000, 0), at(2000, 0)});
  const auto joined = road("PJ", {at(1000, 0), at(1000, 900)}, P::changtong);
  const auto alone = road("PA", {at(5000, 5000), at(6000, 5000)}, P::kuomian);
  const auto c1 = road("PC1", {at(9000, 0), at(9500, 0)}, P::kuomian);
  const auto c2 = road("PC2", {at(9500, 0), at(9900, 0)}, P::kuomian);
  const auto r = roads::audit(dataset({m1, m2, joined, alone, c1, c2}), options());
  const auto f = of_kind(r, "isolated");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0]->segment_id, "PA");
  EXPECT_NE(f[0]->message.find("connects no one"), std::string::npos);
  EXPECT_EQ(f[1]->segment_id, "PC1");
  EXPECT_NE(f[1]->message.find("chain of 2 segments"), std::string::npos);
  EXPECT_TRUE(r.segments[2].in_main_component);
}

TEST(RoadsAudit, SegmentsBookedOutsideTheirCountyAreFlagged) {
  auto ds = dataset({road("IN", {at(100, 100), at(900, 100)}, P::changtong, S::completed, "341501"),
                     road("OUT", {at(800, 500), at(1800, 500)}, P::changtong, S::completed, "341501"),
                     road("NOWHERE", {at(100, 300), at(500, 300)}, P::changtong, S::completed, "341509")});
  ds.counties = {county("341501", 0, 0, 1000, 1000), county("341502", 1000, 0, 2000, 1000)};
  const auto r = roads::audit(ds, options());
  EXPECT_NEAR(*r.segments[0].outside_share, 0.0, 1e-12);
  const auto f = of_kind(r, "outside_county");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->segment_id, "OUT");
  EXPECT_EQ(f[0]->other_id, "341502");
  EXPECT_NEAR(f[0]->value, 0.8, 0.001);
  ASSERT_EQ(of_kind(r, "unknown_county").size(), 1u);
  EXPECT_EQ(of_kind(r, "unknown_county")[0]->segment_id, "NOWHERE");
}

TEST(RoadsAudit, BadGeometryIsReportedNotFatal) {
  auto empty = road("EMPTY", {});
  empty.geometry.clear();
  const auto zero = road("ZERO", {at(0, 0), at(0, 0)});
  const auto nan = road("NAN", {at(0, 0), {std::nan(""), 31.7}});
  auto multi = road("MULTI", {at(0, 100), at(400, 100)});
  multi.geometry.push_back({at(600, 100)});  // a part left with one vertex
  multi.geometry.push_back({at(600, 200), at(900, 200)});
  const auto r = roads::audit(dataset({empty, zero, nan, multi, road("OK", {at(0, 500), at(100, 500)})}), options());
  EXPECT_EQ(of_kind(r, "empty_geometry").size(), 1u);
  EXPECT_EQ(of_kind(r, "zero_length").size(), 1u);
  EXPECT_EQ(of_kind(r, "invalid_geometry").size(), 1u);
  ASSERT_EQ(of_kind(r, "empty_part").size(), 1u);
  EXPECT_EQ(of_kind(r, "empty_part")[0]->segment_id, "MULTI");
  EXPECT_NEAR(r.segments[3].measured_m, 700.0, 1.0);
}

TEST(RoadsAudit, TotalsAsOfADate) {
  auto a = road("A", {at(0, 0), at(1000, 0)}, P::changtong, S::completed);
  a.completed_on = Date(2018, 6, 30);
  a.declared_km = 1.0;
  auto b = road("B", {at(0, 100), at(2000, 100)}, P::kuomian, S::completed);
  b.completed_on = Date(2019, 3, 1);  // after the as-of date: building then
  auto c = road("C", {at(0, 200), at(500, 200)}, P::kuomian, S::completed);  // no date
  auto d = road("D", {at(0, 300), at(700, 300)}, P::changtong, S::planned, "341502");
  auto e = road("E", {at(0, 400), at(300, 400)}, P::changtong, S::completed);
  e.completed_on = Date(2018, 7, 5);
  auto none = road("X", {at(0, 500), at(900, 500)});
  auto o = options();
  o.target_km = 4.0;
  o.county_targets_km = {{"341599", 2.0}};
  const auto r = roads::audit(dataset({a, b, c, d, e, none}), o);
  EXPECT_EQ(of_kind(r, "completed_after_as_of").size(), 1u);
  EXPECT_EQ(of_kind(r, "completed_without_date").size(), 1u);
  const double la = r.segments[0].measured_m, lb = r.segments[1].measured_m, lc = r.segments[2].measured_m,
               ld = r.segments[3].measured_m, le = r.segments[4].measured_m;
  EXPECT_NEAR(r.programme.completed.measured_km, (la + lc + le) / 1000.0, 1e-9);
  EXPECT_NEAR(r.programme.building.measured_km, lb / 1000.0, 1e-9);
  EXPECT_NEAR(r.programme.planned.measured_km, ld / 1000.0, 1e-9);
  EXPECT_NEAR(r.programme.completed.declared_km, 1.0, 1e-12);
  EXPECT_EQ(r.programme.completed.undeclared, 2u);
  EXPECT_NEAR(r.completion, (la + lc + le) / 1000.0 / 4.0, 1e-9);
  EXPECT_NEAR(r.by_program.at("kuomian").completed.measured_km, lc / 1000.0, 1e-9);
  ASSERT_EQ(r.by_county.size(), 2u);
  EXPECT_EQ(r.by_county[1].code, "341599");
  EXPECT_NEAR(*r.by_county[1].completion, (la + lc + le) / 1000.0 / 2.0, 1e-9);
  ASSERT_EQ(r.by_month.size(), 2u);
  EXPECT_EQ(r.by_month[0].month, "2018-06");
  EXPECT_EQ(r.by_month[1].month, "2018-07");
  EXPECT_NEAR(r.by_month[1].cumulative_unique_km, (la + le) / 1000.0, 1e-9);
  EXPECT_EQ(r.all_roads.segments, 6u);
}

TEST(RoadsAudit, BlockingProblemsListBadRowsButNotGeometry) {
  auto ds = dataset({road("A", {at(0, 0), at(100, 0)}), road("B", {at(0, 10), at(100, 10)})});
  ds.roads[1].declared_km = -1.5;
  model::Finding status;
  status.kind = "unknown_value";
  status.layer = "roads";
  status.feature_id = "A";
  status.field = "status";
  model::Finding geom;
  geom.kind = "empty_geometry";
  geom.layer = "roads";
  geom.feature_id = "C";
  ds.read_findings = {status, geom};
  const auto b = roads::blocking_problems(ds);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].field, "status");
  EXPECT_EQ(b[1].kind, "negative_length");
  EXPECT_EQ(b[1].feature_id, "B");
}

TEST(RoadsAudit, CountyTargetsFile) {
  const auto t = roads::parse_county_targets("\xEF\xBB\xBF" "county_code,target_km\r\n341502,600\r\n\n", "t.csv");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_DOUBLE_EQ(t.at("341502"), 600.0);
  EXPECT_THROW(roads::parse_county_targets("county_code,target_km\n341503,1,200\n", "t.csv"), InputError);
  EXPECT_THROW(roads::parse_county_targets("code,km\n", "t.csv"), InputError);
  EXPECT_THROW(roads::parse_county_targets("county_code,target_km\n34150,600\n", "t.csv"), InputError);
  EXPECT_THROW(roads::parse_county_targets("county_code,target_km\n341502,-1\n", "t.csv"), InputError);
  EXPECT_THROW(roads::parse_county_targets("county_code,target_km\n341502,1\n341502,2\n", "t.csv"), InputError);
  const auto ok = roads::parse_county_targets("county_code,target_km\n341502,600.5\n341503,700\n", "t.csv");
  EXPECT_DOUBLE_EQ(ok.at("341502"), 600.5);
  EXPECT_DOUBLE_EQ(ok.at("341503"), 700.0);
}

TEST(RoadsAudit, EndsAreJoinedAsTheGraphJoinsThem) {
  // M has an interior vertex at 1000 m. T ends exactly on it (a junction the
  // graph nodes); U ends on M's line between vertices (the graph does not join
  // it without node_crossings, so it is a gap of 0 m).
  const auto m = road("M", {at(0, 0), at(1000, 0), at(2000, 0)});
  const auto t = road("T", {at(1000, 600), at(1000, 0)});
  const auto u = road("U", {at(1500, 600), at(1500, 0)});
  const auto r = roads::audit(dataset({m, t, u}), options());
  const auto g = of_kind(r, "gap");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0]->segment_id, "U");
  EXPECT_NEAR(g[0]->value, 0.0, 0.05);  // the chord in the plane bows a centimetre from the parallel
  EXPECT_TRUE(r.segments[1].in_main_component);
  EXPECT_FALSE(r.segments[2].in_main_component);
}
