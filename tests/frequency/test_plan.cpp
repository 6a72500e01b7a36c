// The weekly plan of a hand-drawn township: one straight road east from the
// station at 60 km/h (a kilometre a minute), outlets O1 at 5 km and O2 at
// 10 km, and village 丙 without an outlet at 18 km. Every figure is worked
// out by hand in the comments.
#include <gtest/gtest.h>

#include <bit>
#include <map>
#include <tuple>

#include "../network/fixtures.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/frequency/plan.hpp"

namespace {

using namespace ruralnet;
using fixtures::east;
using fixtures::kOrigin;

LonLat at(double x) { return east(kOrigin, x); }

model::Facility facility(std::string id, model::Tier tier, std::string admin, LonLat p,
                         std::vector<std::string> carriers = {"EMS"}) {
  model::Facility f;
  f.id = std::move(id);
  f.name = f.id;
  f.tier = tier;
  f.admin_code = std::move(admin);
  f.location = p;
  f.carriers = std::move(carriers);
  return f;
}

model::Village village(std::string code, std::string name, LonLat p) {
  model::Village v;
  v.code = std::move(code);
  v.name = std::move(name);
  v.township_code = v.code.substr(0, 9);
  v.location = p;
  v.demand_parcels_day = 10.0;
  return v;
}

struct Town {
  model::Dataset ds;
  network::SegmentTable table;
  network::BuildResult built;
  Town() {
    std::vector<LonLat> line;
    for (int i = 0; i <= 20; ++i) line.push_back(at(1000.0 * i));
    ds.path = "town";
    ds.roads = {fixtures::road("A", {line}, model::RoadClass::village, model::Oneway::no, 60.0)};
    ds.facilities = {facility("H", model::Tier::county_hub, "341599", at(0)),
                     facility("S", model::Tier::township_station, "341599001", at(0), {"EMS", "ZTO"}),
                     facility("O1", model::Tier::village_outlet, "341599001001", at(5000), {"EMS", "ZTO"}),
                     facility("O2", model::Tier::village_outlet, "341599001002", at(10000))};
    ds.facilities[1].vehicles = 1;
    ds.facilities[1].vehicle_capacity_parcels = 300.0;
    ds.facilities[1].shift_hours = 8.0;
    ds.villages = {village("341599001001", "甲村", at(5000)), village("341599001002", "乙村", at(10000)),
                   village("341599001003", "丙村", at(18000))};
  }
  frequency::FrequencyResult plan(frequency::FrequencyOptions o = {}) {
    table = network::prepare_segments(ds.roads, fixtures::projector());
    built = network::build_graph(table);
    o.progress.quiet = true;
    o.coverage.progress.quiet = true;
    return frequency::plan_frequency(ds, table, built, o);
  }
};

const frequency::VillageFrequency& by_name(const Town& t, const frequency::FrequencyResult& r, const std::string& name) {
  for (const auto& v : r.villages)
    if (t.ds.villages[v.village].name == name) return v;
  throw std::runtime_error("no village " + name);
}

// The independent check of written routes: loads within the capacity, every
// route and every vehicle's day within the shift, durations consistent.
void check_routes(const frequency::FrequencyResult& r) {
  std::map<std::tuple<std::size_t, std::string, std::string, int, int>, double> day;
  for (const auto& rt : r.routes) {
    double load = 0.0;
    for (const double l : rt.loads) load += l;
    EXPECT_NEAR(load, rt.load, 1e-9);
    EXPECT_LE(rt.load, rt.capacity + 1e-9);
    EXPECT_LE(rt.duration_min, rt.shift_min + 1e-9);
    day[{rt.station, rt.plan, rt.carrier, rt.day, rt.vehicle}] += rt.duration_min;
    EXPECT_GE(rt.geometry.size(), 2u);
  }
  for (const auto& rt : r.routes) {
    const double d = day[{rt.station, rt.plan, rt.carrier, rt.day, rt.vehicle}];
    EXPECT_NEAR(d, rt.vehicle_day_min, 1e-6);
    EXPECT_LE(d, rt.shift_min + 1e-9);
  }
}

}  // namespace

// One route a day S -> O1 -> O2 -> 丙 -> S: 36 km, 36 min driving + 3 x 10 min
// stops = 66 min; 70 parcels a week each, 35 parcels a route.
TEST(FrequencyPlan, AmpleFleetVisitsDailyWithHandWorkedFigures) {
  Town t;
  const auto r = t.plan();
  ASSERT_EQ(r.stations.size(), 1u);
  ASSERT_EQ(r.stops.size(), 3u);
  const auto& s = r.stations[0];
  EXPECT_EQ(s.shared.base_visits, 6);
  EXPECT_EQ(s.shared.routes, 6u);
  EXPECT_NEAR(s.shared.vehicle_km_week, 216.0, 0.05);
  EXPECT_NEAR(s.shared.vehicle_hours_week, 6.6, 0.001);
  EXPECT_NEAR(s.shared.parcels_week, 210.0, 1e-6);
  EXPECT_NEAR(s.shared.cost_week, 216.0 * 1.5 + 6.6 * 40.0, 0.1);
  EXPECT_NEAR(s.shared.utilisation, 6.6 / 48.0, 1e-4);
  for (const auto& rt : r.routes) {
    EXPECT_EQ(rt.stops.size(), 3u);
    EXPECT_NEAR(rt.load, 35.0, 1e-9);
    EXPECT_NEAR(rt.duration_min, 66.0, 0.01);
    EXPECT_NEAR(rt.length_m, 36000.0, 5.0);
  }
  for (const auto& name : {"甲村", "乙村", "丙村"}) {
    EXPECT_EQ(by_name(t, r, name).visits_week, 6) << name;
    EXPECT_EQ(frequency::day_list(by_name(t, r, name).days), "Mon,Tue,Wed,Thu,Fri,Sat");
  }
  EXPECT_EQ(r.stops[by_name(t, r, "丙村").stop].kind, frequency::Stop::Kind::village);
  EXPECT_EQ(r.stops[by_name(t, r, "甲村").stop].id, "O1");
  EXPECT_EQ(r.city.at_target, 3u);
  EXPECT_NEAR(r.city.cost_per_parcel, 588.0 / 210.0, 1e-3);
  ASSERT_EQ(r.counties.size(), 1u);
  EXPECT_EQ(r.counties[0].code, "341599");
  check_routes(r);
}

// A 33-minute shift: 丙 (36 min there and back + 10) is beyond it; O1's trip
// takes 20 min and O2's 30, together (or joined, 40 min) over the shift: one
// trip a day, six a week, three visits each. 3 x 10 km + 3 x 20 km = 90 km.
TEST(FrequencyPlan, ShortShiftNamesTheFarVillageAndPlansTheRest) {
  Town t;
  t.ds.facilities[1].shift_hours = 0.55;
  const auto r = t.plan();
  const auto& s = r.stations[0];
  ASSERT_EQ(s.infeasible.size(), 1u);
  EXPECT_EQ(r.stops[s.infeasible[0]].id, "341599001003");
  bool named = false;
  for (const auto& f : r.findings) named = named || (f.kind == "beyond_shift" && f.stop == "341599001003");
  EXPECT_TRUE(named);
  EXPECT_EQ(by_name(t, r, "丙村").visits_week, 0);
  EXPECT_EQ(by_name(t, r, "丙村").reason, "beyond_shift");
  EXPECT_EQ(by_name(t, r, "甲村").visits_week, 3);
  EXPECT_EQ(by_name(t, r, "乙村").visits_week, 3);
  EXPECT_EQ(by_name(t, r, "甲村").days & by_name(t, r, "乙村").days, 0u);
  EXPECT_NEAR(s.shared.vehicle_km_week, 90.0, 0.05);
  EXPECT_EQ(r.city.at_target, 2u);
  check_routes(r);

  // A second vehicle takes O2's trip every day: six visits each, 180 km.
  frequency::FrequencyOptions o;
  o.add_vehicles["S"] = 1;
  const auto r2 = t.plan(o);
  EXPECT_EQ(r2.stations[0].vehicles, 2);
  EXPECT_EQ(by_name(t, r2, "甲村").visits_week, 6);
  EXPECT_EQ(by_name(t, r2, "乙村").visits_week, 6);
  EXPECT_NEAR(r2.stations[0].shared.vehicle_km_week, 180.0, 0.05);
  check_routes(r2);
}

// Separate: EMS (O1, O2, 丙) and ZTO (O1, 丙) each drive 36 km a day, 432 km
// a week, 6.6 + 5.6 vehicle-hours a day... a week; shared: 216 km.
TEST(FrequencyPlan, ConsolidationNeverDrivesMoreThanTheSeparatePlans) {
  Town t;
  t.ds.facilities[1].vehicles = 2;
  frequency::FrequencyOptions o;
  o.consolidate = true;
  const auto r = t.plan(o);
  const auto& s = r.stations[0];
  ASSERT_EQ(s.separate.size(), 2u);
  EXPECT_EQ(s.separate[0].carrier, "EMS");
  EXPECT_EQ(s.separate[1].carrier, "ZTO");
  EXPECT_EQ(s.separate[0].vehicles, 1);
  EXPECT_EQ(s.separate[1].vehicles, 1);
  EXPECT_NEAR(s.separate[0].vehicle_km_week, 216.0, 0.05);
  EXPECT_NEAR(s.separate[1].vehicle_km_week, 216.0, 0.05);
  EXPECT_NEAR(s.separate[1].vehicle_hours_week, 5.6, 0.001);
  EXPECT_NEAR(s.separate[0].parcels_week + s.separate[1].parcels_week, 210.0, 1e-6);
  EXPECT_FALSE(s.shared.merged_separate);
  EXPECT_NEAR(s.shared.vehicle_km_week, 216.0, 0.05);
  EXPECT_LE(r.city.vehicle_km_week, r.city.vehicle_km_week_separate + 1e-9);
  EXPECT_NEAR(r.city.cost_per_parcel_separate, (432.0 * 1.5 + 12.2 * 40.0) / 210.0, 1e-3);
  EXPECT_NEAR(r.city.cost_per_parcel, 588.0 / 210.0, 1e-3);
  EXPECT_EQ(by_name(t, r, "甲村").visits_week_separate, 6);
  check_routes(r);
}

TEST(FrequencyPlan, StationWithoutVehiclesIsAFinding) {
  Town t;
  t.ds.facilities[1].vehicles = 0;
  const auto r = t.plan();
  EXPECT_TRUE(r.routes.empty());
  EXPECT_EQ(by_name(t, r, "甲村").visits_week, 0);
  EXPECT_EQ(by_name(t, r, "甲村").reason, "no_vehicles");
  bool found = false;
  for (const auto& f : r.findings) found = found || (f.kind == "no_vehicles" && f.station == "S");
  EXPECT_TRUE(found);
}

TEST(FrequencyPlan, BadFleetValuesAndCarriersAreInputErrors) {
  {
    Town t;
    t.ds.facilities[1].vehicle_capacity_parcels = 0.0;
    try {
      t.plan();
      FAIL() << "no error";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().feature, "S");
      EXPECT_EQ(e.where().field, "vehicle_capacity_parcels");
    }
  }
  {
    Town t;
    t.ds.facilities[1].vehicles = -1;
    EXPECT_THROW(t.plan(), InputError);
  }
  {
    Town t;
    t.ds.facilities[2].carriers = {"EMS", "Acme"};
    try {
      t.plan();
      FAIL() << "no error";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().feature, "O1");
      EXPECT_EQ(e.where().field, "carriers");
      EXPECT_NE(std::string(e.what()).find("Acme"), std::string::npos);
    }
  }
  {
    Town t;
    frequency::FrequencyOptions o;
    o.add_vehicles["NOPE"] = 1;
    EXPECT_THROW(t.plan(o), UsageError);
  }
}

// A village whose demand exceeds a vehicle: 10 parcels a day with a
// 5-parcel vehicle is 70/6 = 11.7 a visit, three vehicle loads each visit.
TEST(FrequencyPlan, DemandAboveCapacityIsSplitAndReported) {
  Town t;
  t.ds.facilities[1].vehicle_capacity_parcels = 5.0;
  t.ds.facilities[1].vehicles = 3;
  const auto r = t.plan();
  std::size_t splits = 0;
  for (const auto& f : r.findings) splits += f.kind == "split_delivery" ? 1 : 0;
  EXPECT_GE(splits, 1u);
  check_routes(r);
  double parcels = 0.0;
  for (const auto& rt : r.routes) parcels += rt.load;
  double delivered = 0.0;
  for (const auto& v : r.villages) delivered += v.visits_week > 0 ? 70.0 : 0.0;
  EXPECT_NEAR(parcels, delivered, 1e-6);
}

// Over shifts, fleets and carrier mixes: the shared plan never drives more
// than the separate plans it replaces, and where it is kept as the separate
// routes merged, it drives exactly as much and visits on the same days.
TEST(FrequencyPlan, ConsolidationHoldsOverManyFleets) {
  int merged = 0, cases = 0;
  for (const double shift : {0.4, 0.55, 0.8, 8.0})
    for (const int vehicles : {1, 2, 3})
      for (const int mix : {0, 1, 2}) {
        Town t;
        t.ds.facilities[1].shift_hours = shift;
        t.ds.facilities[1].vehicles = vehicles;
        if (mix == 1) t.ds.facilities[3].carriers = {"ZTO"};
        if (mix == 2) {
          t.ds.facilities[1].carriers = {"EMS", "ZTO", "SF"};
          t.ds.facilities[3].carriers = {"SF", "EMS"};
        }
        frequency::FrequencyOptions o;
        o.consolidate = true;
        const auto r = t.plan(o);
        ++cases;
        const auto& s = r.stations[0];
        double sep_km = 0.0;
        for (const auto& f : s.separate) sep_km += f.vehicle_km_week;
        EXPECT_LE(s.shared.vehicle_km_week, sep_km + 1e-9) << shift << " h, " << vehicles << " vehicles, mix " << mix;
        if (s.shared.merged_separate) {
          ++merged;
          EXPECT_NEAR(s.shared.vehicle_km_week, sep_km, 1e-9);
          for (const auto& v : r.villages) EXPECT_EQ(v.days, v.days_separate);
        }
        check_routes(r);
      }
  EXPECT_EQ(cases, 36);
  RecordProperty("merged", merged);
}

// 甲村 says how its 10 parcels a day split: 8 EMS and 2 SF (a carrier its
// outlet does not list, so SF delivers there too) and none for ZTO. 丙村 has
// no split: EMS and ZTO (the station's carriers) take 5 each.
TEST(FrequencyPlan, VillageCarrierSplitDrivesTheSeparatePlans) {
  Town t;
  t.ds.facilities[1].vehicles = 3;
  t.ds.villages[0].extra = {{"parcels_day_EMS", "8"}, {"parcels_day_sf", "2"}};
  frequency::FrequencyOptions o;
  o.consolidate = true;
  const auto r = t.plan(o);
  const auto& s = r.stations[0];
  ASSERT_EQ(s.separate.size(), 3u);
  std::map<std::string, double> parcels;
  for (const auto& f : s.separate) parcels[f.carrier] = f.parcels_week;
  EXPECT_NEAR(parcels["EMS"], 7 * (8.0 + 10.0 + 5.0), 1e-6);
  EXPECT_NEAR(parcels["SF"], 7 * 2.0, 1e-6);
  EXPECT_NEAR(parcels["ZTO"], 7 * 5.0, 1e-6);
  EXPECT_NEAR(s.shared.parcels_week, 210.0, 1e-6);
  check_routes(r);

  Town bad;
  bad.ds.villages[0].extra = {{"parcels_day_EMS", "many"}};
  try {
    bad.plan();
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().layer, "villages");
    EXPECT_EQ(e.where().feature, "341599001001");
    EXPECT_EQ(e.where().field, "parcels_day_EMS");
  }
  Town unknown;
  unknown.ds.villages[0].extra = {{"parcels_day_ACME", "3"}};
  EXPECT_THROW(unknown.plan(), InputError);
}

// One working day and a 33-minute shift: O1's 20-minute trip and O2's
// 30-minute one do not both fit, so not even one visit each does; the nearer
// O1 gets its visit and 乙村 none, for want of fleet.
TEST(FrequencyPlan, FleetTooSmallForOneVisitEachServesTheNearestFirst) {
  Town t;
  t.ds.facilities[1].shift_hours = 0.55;
  frequency::FrequencyOptions o;
  o.days = 1;
  const auto r = t.plan(o);
  const auto& s = r.stations[0];
  EXPECT_FALSE(s.shared.feasible);
  EXPECT_EQ(s.shared.base_visits, 0);
  EXPECT_EQ(s.shared.raised, 1);
  EXPECT_EQ(by_name(t, r, "甲村").visits_week, 1);
  EXPECT_EQ(frequency::day_list(by_name(t, r, "甲村").days), "Mon");
  EXPECT_EQ(by_name(t, r, "乙村").visits_week, 0);
  EXPECT_EQ(by_name(t, r, "乙村").reason, "fleet_too_small");
  EXPECT_EQ(by_name(t, r, "丙村").reason, "beyond_shift");
  check_routes(r);
}
