// One fleet's week on hand-worked matrices: visit patterns, the highest
// number of visits the fleet allows, raising the nearest stops to the target,
// split deliveries, a length budget and an empty fleet.
#include <gtest/gtest.h>

#include <bit>
#include <map>

#include "ruralnet/core/error.hpp"
#include "ruralnet/frequency/plan.hpp"

using namespace ruralnet;
using namespace ruralnet::frequency;

namespace {

// Symmetric times (seconds) between depot 0 and stops; lengths are 10 m a second.
FleetInput fleet(const std::vector<std::vector<double>>& t, std::vector<double> parcels_week) {
  FleetInput in;
  const std::size_t m = t.size();
  in.time_s.assign(m * m, 0.0);
  in.length_m.assign(m * m, 0.0);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < m; ++j) {
      in.time_s[i * m + j] = t[i][j];
      in.length_m[i * m + j] = 10.0 * t[i][j];
    }
  in.parcels_week = {0.0};
  in.parcels_week.insert(in.parcels_week.end(), parcels_week.begin(), parcels_week.end());
  in.capacity = 1000.0;
  in.shift_s = 8 * 3600.0;
  in.stop_s = 600.0;
  in.days = 6;
  in.vehicles = 1;
  return in;
}

// Independent checks of a week: loads within capacity, every vehicle's day
// within the shift, each stop visited on exactly its days.
void check_week(const FleetInput& in, const FleetWeek& w) {
  std::map<std::pair<int, int>, double> day;
  std::map<int, unsigned> seen;
  for (const FleetTrip& t : w.trips) {
    double load = 0.0, time = 0.0;
    std::size_t prev = 0;
    const std::size_t m = in.parcels_week.size();
    for (std::size_t k = 0; k < t.stops.size(); ++k) {
      const auto s = static_cast<std::size_t>(t.stops[k]);
      load += t.loads[k];
      time += in.time_s[prev * m + s] + in.stop_s;
      prev = s;
      seen[t.stops[k]] |= 1u << t.day;
    }
    time += in.time_s[prev * m];
    EXPECT_LE(load, in.capacity + 1e-9);
    EXPECT_NEAR(time, t.time_s, 1e-6);
    day[{t.day, t.vehicle}] += time;
    EXPECT_LT(t.vehicle, in.vehicles);
  }
  for (const auto& [k, v] : day) EXPECT_LE(v, in.shift_s + 1e-6);
  for (std::size_t i = 1; i < in.parcels_week.size(); ++i) {
    EXPECT_EQ(seen[static_cast<int>(i)], w.day_mask[i]) << "stop " << i;
    EXPECT_EQ(std::popcount(w.day_mask[i]), w.visits[i]) << "stop " << i;
  }
}

}  // namespace

TEST(FrequencyWeek, PatternsSpreadVisitsEvenly) {
  EXPECT_EQ(day_list(pattern(3, 6, 0)), "Mon,Wed,Fri");
  EXPECT_EQ(day_list(pattern(3, 6, 1)), "Tue,Thu,Sat");
  EXPECT_EQ(day_list(pattern(2, 5, 0)), "Mon,Wed");
  EXPECT_EQ(day_list(pattern(3, 5, 3)), "Tue,Thu,Fri");  // days 3, 4, 6 mod 5
  EXPECT_EQ(day_list(pattern(6, 6, 2)), "Mon,Tue,Wed,Thu,Fri,Sat");
  EXPECT_EQ(day_list(pattern(1, 7, 6)), "Sun");
  EXPECT_EQ(pattern(0, 6, 0), 0u);
}

// Two stops 10 minutes from the depot and from each other: one 50-minute
// route a day (30 min driving + 2 x 10 min stops) serves both every day.
TEST(FrequencyWeek, AmpleFleetVisitsEveryStopEveryWorkingDay) {
  const FleetInput in = fleet({{0, 600, 600}, {600, 0, 600}, {600, 600, 0}}, {70, 70});
  const FleetWeek w = plan_fleet_week(in);
  EXPECT_TRUE(w.feasible);
  EXPECT_EQ(w.base_visits, 6);
  EXPECT_EQ(w.raised, 0);
  ASSERT_EQ(w.trips.size(), 6u);
  for (const FleetTrip& t : w.trips) {
    EXPECT_EQ(t.stops.size(), 2u);
    EXPECT_NEAR(t.load, 2 * 70.0 / 6.0, 1e-9);
    EXPECT_NEAR(t.time_s, 3000.0, 1e-9);
    EXPECT_NEAR(t.length_m, 18000.0, 1e-9);
  }
  EXPECT_NEAR(w.length_m, 108000.0, 1e-6);
  EXPECT_NEAR(w.parcels, 140.0, 1e-9);
  check_week(in, w);
}

// A one-hour shift holds one 40-minute out-and-back trip a day (15 min each
// way + 10 min stop); the two stops are 25 minutes apart, so a joint route
// takes 15+25+15+20 = 75 min. Six trips a week: three visits each, on
// alternate days.
TEST(FrequencyWeek, ShortShiftGivesThreeVisitsOnAlternateDays) {
  FleetInput in = fleet({{0, 900, 900}, {900, 0, 1500}, {900, 1500, 0}}, {60, 60});
  in.shift_s = 3600.0;
  const FleetWeek w = plan_fleet_week(in);
  EXPECT_TRUE(w.feasible);
  EXPECT_EQ(w.base_visits, 3);
  EXPECT_EQ(w.visits[1], 3);
  EXPECT_EQ(w.visits[2], 3);
  EXPECT_EQ(w.day_mask[1] & w.day_mask[2], 0u);
  EXPECT_EQ(w.day_mask[1] | w.day_mask[2], 63u);
  EXPECT_EQ(w.trips.size(), 6u);
  EXPECT_NEAR(w.length_m, 6 * 18000.0, 1e-6);
  check_week(in, w);
}

// Five days, one trip a day (the near stop's trip is 20 min, the far one's
// 50 min, together 55+ min > the 60-minute shift once stops are added... with
// no stop time: 600+2000+1500 = 4100 s > 3600 s). Two visits each fit (4
// trips); three each do not (6 > 5). The nearer stop is raised to the
// target: 3 + 2 = 5 trips. Hand-worked phases: the far stop (30 parcels a
// visit) goes first on Mon,Wed; the near one (20 a visit) on the only
// pattern {p, p+1, p+3} that misses both, p = 3: Thu,Fri,Tue.
TEST(FrequencyWeek, NearestStopIsRaisedToTheTargetWhenNotAllFit) {
  FleetInput in = fleet({{0, 600, 1500}, {600, 0, 2000}, {1500, 2000, 0}}, {60, 60});
  in.shift_s = 3600.0;
  in.stop_s = 0.0;
  in.days = 5;
  in.target = 3;
  const FleetWeek w = plan_fleet_week(in);
  EXPECT_TRUE(w.feasible);
  EXPECT_EQ(w.base_visits, 2);
  EXPECT_EQ(w.raised, 1);
  EXPECT_EQ(w.raised_visits, 3);
  EXPECT_EQ(day_list(w.day_mask[1]), "Tue,Thu,Fri");
  EXPECT_EQ(day_list(w.day_mask[2]), "Mon,Wed");
  EXPECT_NEAR(w.length_m, 3 * 12000.0 + 2 * 30000.0, 1e-6);
  check_week(in, w);
}

// 700 parcels a week over 7 days is 100 a visit; a 60-parcel vehicle needs
// two trips of 50, and the 8-hour shift holds both on the one vehicle.
TEST(FrequencyWeek, DemandAboveCapacityIsSplitOverVehicles) {
  FleetInput in = fleet({{0, 600}, {600, 0}}, {700});
  in.capacity = 60.0;
  in.days = 7;
  const FleetWeek w = plan_fleet_week(in);
  EXPECT_EQ(w.base_visits, 7);
  EXPECT_EQ(w.splits[1], 2);
  ASSERT_EQ(w.trips.size(), 14u);
  for (const FleetTrip& t : w.trips) EXPECT_NEAR(t.load, 50.0, 1e-9);
  EXPECT_NEAR(w.parcels, 700.0, 1e-6);
  check_week(in, w);
}

// One stop 1 km away (2 km a trip): a 7 km budget allows three trips a week.
TEST(FrequencyWeek, LengthBudgetLimitsVisits) {
  FleetInput in = fleet({{0, 100}, {100, 0}}, {30});
  in.max_length_m = 7000.0;
  const FleetWeek w = plan_fleet_week(in);
  EXPECT_EQ(w.base_visits, 3);
  EXPECT_NEAR(w.length_m, 6000.0, 1e-9);
  EXPECT_LE(w.length_m, *in.max_length_m);
}

TEST(FrequencyWeek, NoVehiclesMeansNoVisits) {
  FleetInput in = fleet({{0, 600}, {600, 0}}, {30});
  in.vehicles = 0;
  const FleetWeek w = plan_fleet_week(in);
  EXPECT_FALSE(w.feasible);
  EXPECT_TRUE(w.trips.empty());
  EXPECT_EQ(w.visits[1], 0);
}

TEST(FrequencyWeek, RejectsBadInput) {
  FleetInput in = fleet({{0, 600}, {600, 0}}, {30});
  in.capacity = 0.0;
  EXPECT_THROW(plan_fleet_week(in), InputError);
  in = fleet({{0, 600}, {600, 0}}, {30});
  in.time_s.pop_back();
  EXPECT_THROW(plan_fleet_week(in), InputError);
}
