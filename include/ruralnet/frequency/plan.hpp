// Weekly delivery frequency per township station (docs/frequency.md): which
// stops a station serves (from the three-tier links of the coverage module),
// what its fleet can deliver in a week, and what consolidating the carriers'
// separate fleets into one shared fleet, or adding vehicles, would change.
//
// The week is a periodic vehicle routing problem solved in a simple,
// deterministic way: every stop of a fleet gets a number of visits k out of
// the fleet's D working days, spread evenly; the pattern days are chosen to
// balance the daily load; each day is a CVRP (vrp.hpp) with the shift as the
// route duration limit; a day's routes are packed onto the vehicles (several
// trips a vehicle when the shift allows). k is raised as far as the fleet
// allows.
//
// Pure analysis: no file I/O. report/frequency.hpp writes the results.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ruralnet/core/progress.hpp"
#include "ruralnet/core/types.hpp"
#include "ruralnet/coverage/coverage.hpp"
#include "ruralnet/frequency/vrp.hpp"
#include "ruralnet/model/dataset.hpp"
#include "ruralnet/network/build.hpp"

namespace ruralnet::frequency {

inline constexpr const char* kSchema = "ruralnet.frequency/1";
inline constexpr std::size_t kNone = coverage::kNone;
inline constexpr int kMaxDays = 7;

// "Mon".."Sun".
const char* day_name(int day);
// "Mon,Wed,Fri" for a bit mask of days (bit 0 = Monday); "" for none.
std::string day_list(unsigned mask);

// ------------------------------------------------------------ one fleet's week

// A fleet and the stops it serves, in the units the solver works in: times in
// seconds, distances in metres, loads in parcels.
struct FleetInput {
  int vehicles = 1;
  double capacity = 300.0;     // parcels per vehicle
  double shift_s = 8 * 3600.0; // longest working day of one vehicle
  int days = 6;                // working days a week (Monday first)
  double stop_s = 600.0;       // time at every stop
  // Node 0 is the depot, nodes 1..n the stops; row-major (n+1)^2.
  std::vector<double> time_s;
  std::vector<double> length_m;
  std::vector<double> parcels_week;  // size n+1, [0] ignored
  // Stops in the order they get the target first when the fleet cannot give
  // it to all (normally nearest first); empty = 1..n.
  std::vector<int> priority;
  int target = 3;
  // The plan may not drive more than this many metres a week (consolidation).
  std::optional<double> max_length_m;
  int solver_rounds = 200;  // ruin-and-recreate rounds per day's CVRP (fewer on small days)
};

struct FleetTrip {
  int day = 0;
  int vehicle = 0;  // 0-based within the fleet
  int trip = 0;     // 0-based within the vehicle's day
  std::vector<int> stops;          // node indices 1..n in visiting order (a stop twice on one route never happens)
  std::vector<double> loads;       // parcels dropped at each stop
  double load = 0.0;
  double time_s = 0.0;             // travel + stops
  double length_m = 0.0;
};

struct FleetWeek {
  bool feasible = false;     // false: even one visit a week to every stop does not fit
  int base_visits = 0;       // visits a week every served stop gets
  int raised_visits = 0;     // visits of the `raised` stops (== base when none)
  int raised = 0;            // how many stops (first in priority order) get raised_visits
  std::vector<int> visits;   // per node, [0] unused
  std::vector<unsigned> day_mask;  // per node
  std::vector<int> splits;   // per node: vehicles one visit needs (1 unless its load exceeds a vehicle)
  std::vector<FleetTrip> trips;
  double length_m = 0.0;
  double time_s = 0.0;
  double parcels = 0.0;
  int weeks_solved = 0;      // candidate weeks tried (for statistics)
};

// The evenly spread days of k visits in d working days with a phase:
// day j = floor(j*d/k) + phase, modulo d. Bit mask, bit 0 = Monday.
unsigned pattern(int k, int d, int phase);

// Plans one fleet's week: the highest uniform number of visits the fleet
// can make to every stop (and within max_length_m); when that is below the
// target, as many stops as fit (priority order) raised to the target, or to
// one visit when not even one each fits. Stops whose own out-and-back trip
// exceeds the shift must be left out by the caller. Throws InputError for a
// malformed input (sizes, non-positive capacity).
FleetWeek plan_fleet_week(const FleetInput& in);

// ------------------------------------------------------------ the dataset

struct FrequencyOptions {
  int target = 3;                        // visits a week the statistic counts
  int days = 6;                          // default working days a week
  double parcels_per_person = 0.025;     // parcels a day per resident when a village has no demand_parcels_day
  int vehicles = 1;                      // default vehicles of a station
  double capacity = 300.0;               // default parcels per vehicle
  double shift_hours = 8.0;              // default shift
  double stop_min = 10.0;                // default minutes at a stop
  double cost_per_km = 1.5;              // yuan per vehicle-km
  double cost_per_hour = 40.0;           // yuan per vehicle-hour (driver and vehicle time)
  std::map<std::string, int> add_vehicles;  // station id -> extra vehicles
  bool consolidate = false;
  std::vector<std::string> carriers{"EMS", "SF", "ZTO", "YTO", "STO", "YUNDA", "JD", "BEST", "JT", "DBL", "CAINIAO"};
  int solver_rounds = 200;
  coverage::CoverageOptions coverage;    // snapping, access speed, links (service areas are never drawn)
  ProgressSettings progress{true};
};

// Throws UsageError naming the option.
void check_options(const FrequencyOptions& o);

// A delivery point: a village outlet (serving its own and cooperating
// villages) or, for a village without one, the village itself.
struct Stop {
  enum class Kind { outlet, village };
  Kind kind = Kind::outlet;
  std::size_t index = kNone;      // dataset facility (outlet) or village
  std::string id;                 // outlet id or village code
  std::string name;
  LonLat location;
  std::size_t station = kNone;    // dataset facility
  std::vector<std::size_t> villages;
  double parcels_day = 0.0;
  std::vector<std::string> carriers;
  std::vector<double> carrier_parcels_day;  // per carriers[i]: the villages' own split, else an even one
};
const char* to_string(Stop::Kind k);

// One route as written: a vehicle's trip from its station and back.
struct Route {
  std::size_t station = kNone;   // dataset facility
  std::string plan;              // "shared" or "separate"
  std::string carrier;           // separate plans; "" for the shared fleet
  int day = 0;
  int vehicle = 0;               // 1-based within the fleet
  int trip = 0;                  // 1-based within the vehicle's day
  std::vector<std::size_t> stops;  // indices into FrequencyResult::stops
  std::vector<double> loads;
  double load = 0.0;
  double capacity = 0.0;
  double length_m = 0.0;
  double duration_min = 0.0;     // travel + stops
  double vehicle_day_min = 0.0;  // all trips of that vehicle that day
  double shift_min = 0.0;
  model::LineString geometry;    // network path station -> stops -> station
};

struct FleetSummary {
  std::string carrier;        // "" for the shared fleet
  int vehicles = 0;
  int base_visits = 0, raised_visits = 0, raised = 0;
  bool feasible = false;
  bool merged_separate = false;  // consolidated plan kept as the separate plans' routes
  double vehicle_km_week = 0.0;
  double vehicle_hours_week = 0.0;
  double parcels_week = 0.0;
  double utilisation = 0.0;   // vehicle-hours / (vehicles x days x shift)
  double cost_week = 0.0;
  std::size_t routes = 0;
};

struct StationResult {
  std::size_t facility = kNone;
  std::string id, name, township_code, county_code;
  int vehicles = 0;          // after --add-vehicles
  int added_vehicles = 0;
  double capacity = 0.0;
  double shift_hours = 0.0;
  int days = 0;
  double stop_min = 0.0;
  std::vector<std::size_t> stops;       // indices into FrequencyResult::stops
  std::vector<std::size_t> infeasible;  // stops beyond the shift or unreachable
  FleetSummary shared;                  // the station's fleet (the pooled one with --consolidate)
  std::vector<FleetSummary> separate;   // one per carrier with --consolidate
};

struct VillageFrequency {
  std::size_t village = kNone;
  std::size_t stop = kNone;
  std::size_t station = kNone;  // dataset facility
  double parcels_day = 0.0;
  int visits_week = 0;
  unsigned days = 0;
  int visits_week_separate = 0;  // --consolidate: days any carrier comes
  unsigned days_separate = 0;
  std::string reason;            // why no visits: "" when visited
};

struct AreaFrequency {
  std::string level, code, name;
  std::size_t villages = 0;
  std::size_t at_target = 0;
  double share_at_target = 0.0;
  std::array<std::size_t, kMaxDays + 1> visits_histogram{};  // villages by visits a week
  double mean_visits = 0.0;
  double vehicle_km_week = 0.0, vehicle_hours_week = 0.0, parcels_week = 0.0, cost_week = 0.0;
  double cost_per_parcel = 0.0;  // NaN when no parcels
  // --consolidate: the separate plans' figures on the same villages.
  std::size_t at_target_separate = 0;
  double mean_visits_separate = 0.0;
  double vehicle_km_week_separate = 0.0, vehicle_hours_week_separate = 0.0, cost_week_separate = 0.0;
  double cost_per_parcel_separate = 0.0;
};

struct Finding {
  std::string kind;     // no_vehicles, beyond_shift, unreachable, split_delivery, below_target, no_station, not_reached
  std::string station;  // station id, when about one
  std::string stop;     // stop id, when about one
  std::string message;
};

struct FrequencyResult {
  FrequencyOptions options;
  std::vector<Stop> stops;
  std::vector<StationResult> stations;
  std::vector<Route> routes;
  std::vector<VillageFrequency> villages;  // one per dataset village
  std::vector<AreaFrequency> townships, counties;
  AreaFrequency city;
  std::vector<Finding> findings;
  std::size_t searches = 0;      // shortest-path searches run
  std::size_t weeks_solved = 0;  // candidate weeks tried
  double coverage_seconds = 0.0, matrix_seconds = 0.0, solve_seconds = 0.0;
};

// Throws InputError naming the facilities layer and feature for a station
// with negative vehicles, a non-positive capacity or shift, bad per-station
// working_days or stop_min, or a carrier outside options.carriers;
// UsageError for bad options or an --add-vehicles station that is not a
// township station of the dataset.
FrequencyResult plan_frequency(const model::Dataset& ds, const network::SegmentTable& table,
                               const network::BuildResult& built, const FrequencyOptions& options);

}  // namespace ruralnet::frequency
