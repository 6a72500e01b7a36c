// From a dataset to sited model outlets (`ruralnet site`, docs/siting.md):
// candidates and their filters, village demand with its multipliers, network
// travel times from every candidate, spacing conflicts, and the two levels of
// model outlets (provincial first, municipal added to them), each solved with
// the solver core of siting.hpp and re-checked.
//
// Pure analysis: no file I/O. report/siting.hpp writes the results.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ruralnet/core/progress.hpp"
#include "ruralnet/model/dataset.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/quota/plan.hpp"
#include "ruralnet/siting/siting.hpp"

namespace ruralnet::siting {

inline constexpr const char* kSchema = "ruralnet.siting/1";
inline constexpr std::size_t kNoIndex = std::numeric_limits<std::size_t>::max();

enum class Level { provincial, municipal };
const char* to_string(Level l);
std::optional<Level> parse_level(std::string_view text);
// The plan indicator holding a level's quotas ("provincial_model_outlets" ...).
const char* indicator_id(Level l);

// "mclp", "p-median", "set-cover" (also accepted: p_median, pmedian, set_cover, setcover).
const char* to_string(Objective o);
std::optional<Objective> parse_objective(std::string_view text);

// What one level must achieve.
struct LevelSpec {
  Level level = Level::provincial;
  std::map<std::string, int> quotas;  // county code -> at least (exact: exactly) this many sites
  bool exact = false;
  int city_target = 0;                // the plan's city figure (0 = none)
  std::optional<int> sites;           // p; default max(city_target, sum over counties of max(quota, designated))
};

// The quotas and city target of a level from the plan's indicator. Throws
// InputError naming the plan file and indicator when it is missing.
LevelSpec level_from_plan(const quota::Plan& plan, Level level);

// A county named by code, Chinese name or English name (case-insensitive),
// looked up in the dataset's counties and the plan's. Throws UsageError
// listing the known counties when nothing matches.
std::string resolve_county(std::string_view text, const model::Dataset& ds, const quota::Plan* plan);

enum class CandidateKind { outlets, villages, layer };

struct SitingOptions {
  Objective objective = Objective::mclp;
  double time_min = 30.0;          // T: a village is covered within T minutes of a site
  double cutoff_min = 60.0;        // p-median: travel beyond this counts as unreached (penalty 2 x cutoff)
  std::vector<LevelSpec> levels;   // in order: provincial before municipal
  CandidateKind candidates = CandidateKind::outlets;
  std::vector<model::Facility> layer_candidates;  // CandidateKind::layer
  std::string layer_source;        // file they came from, for messages
  std::vector<std::string> colocated;  // keep candidates co-located with one of these
  int min_carriers = 0;            // keep candidates with at least this many distinct carriers
  bool main_component_only = false;    // keep candidates on the main road component
  std::vector<std::string> exclude;    // candidate ids never chosen
  bool use_designated = true;      // designated model outlets are fixed sites of their level
  double spacing_m = 0.0;          // minimum geodesic distance between chosen sites (0 = none)
  std::optional<double> capacity;  // most demand weight one site serves
  double poor_weight = 2.0;        // demand multiplier of a poor village
  double flood_weight = 1.5;       // demand multiplier of a flood-zone village
  bool exact = false;              // CBC instead of the heuristic
  // The heuristic's effort: on the Lu'an demo 4 restarts and 500 subgradient
  // iterations give the gaps of the library defaults (16, 1000) to within
  // 0.05 points in less than half the time (docs/siting.md, bench_siting).
  HeuristicOptions heuristic = [] {
    HeuristicOptions h;
    h.multi_starts = 4;
    h.bound_iterations = 500;
    return h;
  }();
  double exact_time_limit_s = 60.0;
  double max_snap_m = 2000.0;      // farther from every road = off the network
  double access_kmh = 15.0;        // the leg between a point and its road
  bool node_crossings = false;     // the BuildOptions value the graph was built with
  std::map<std::string, std::string> county_names;  // code -> name, where the dataset has none
  ProgressSettings progress{true};
};

// Throws UsageError naming the option (T <= 0, bad multipliers, capacity <= 0 ...).
void check_options(const SitingOptions& o);

struct Candidate {
  std::string id;            // facility id or village code
  std::string name;
  std::string village_code;  // the village it serves (may be empty for a layer)
  std::string county_code;
  LonLat location;
  XY xy{std::numeric_limits<double>::quiet_NaN(), 0.0};  // local metric CRS
  model::ModelLevel designated = model::ModelLevel::none;
  std::size_t facility = kNoIndex;  // index into Dataset::facilities (outlets)
  std::size_t village = kNoIndex;   // index into Dataset::villages (villages; the outlet's village when known)
  std::string colocated;
  int carriers = 0;
  bool on_network = false;
  bool main_component = false;
  double snap_m = std::numeric_limits<double>::quiet_NaN();
};

struct DemandPoint {
  std::size_t village = 0;  // index into Dataset::villages
  std::string county_code;
  double population = 0.0;
  double weight = 0.0;      // population x multipliers
  bool poor = false;
  bool flood_zone = false;
  bool on_network = false;
};

// A point left out of the network or of the candidates, never silently.
struct LeftOut {
  std::string layer;   // villages, facilities or candidates
  std::string id;
  std::string reason;  // beyond_max_snap, no_coordinates, not_main_component, colocated, min_carriers, no_county
};

// The dataset turned into one abstract instance (shared by the levels).
struct SitingInput {
  std::vector<Candidate> candidates;  // usable ones only
  std::vector<DemandPoint> demand;    // one per village
  std::vector<std::vector<Reach>> reach;  // per candidate: villages within the cutoff, minutes
  double cutoff_min = 0.0;            // searches were bounded at this
  std::vector<std::pair<int, int>> conflicts;  // candidate pairs closer than the spacing
  std::vector<std::string> counties;  // region index -> county code
  std::vector<LeftOut> left_out;
  std::size_t villages_without_population = 0;
  std::size_t settled_nodes = 0;      // over all searches
  double network_seconds = 0.0;
  std::string local_crs;
};

// Candidates, demand, travel times and conflicts. Throws InputError for a
// dataset without villages or candidates, UsageError for an excluded id that
// is no candidate.
SitingInput prepare(const model::Dataset& ds, const network::SegmentTable& table, const network::BuildResult& built,
                    const SitingOptions& o);

struct SiteRow {
  int candidate = 0;     // index into SitingInput::candidates
  Level level = Level::provincial;
  int rank = 0;          // 1 = largest marginal gain within its level (greedy order)
  bool designated = false;
  double marginal_gain = 0.0;  // objective gain when added in rank order (mclp/set cover: demand newly covered; p-median: weighted minutes saved)
  double covered_demand = 0.0;      // weight of villages it serves within T (in its level's network)
  double covered_population = 0.0;
  int villages_covered = 0;
  int poor_villages_covered = 0;
  int flood_villages_covered = 0;
};

// One village's link to its site in a level's network (provincial sites, or
// provincial plus municipal ones).
struct AssignmentRow {
  Level level = Level::provincial;
  std::size_t demand = 0;  // index into SitingInput::demand
  int candidate = 0;
  double time_min = 0.0;
  double amount = 0.0;     // demand weight sent (all of it unless capacitated)
  bool covered = false;    // time_min <= T
};

struct CountyStatus {
  std::string county_code;
  std::string county_name;
  Level level = Level::provincial;
  int quota = 0;
  bool quota_exact = false;
  int chosen = 0;        // sites of the level in the county, designated included
  int designated = 0;
  bool met = false;
  int villages = 0;
  int poor_villages = 0;
  double demand = 0.0;
  double population = 0.0;
  double covered_demand = 0.0;  // by the level's network (levels up to this one)
  double covered_population = 0.0;
  int poor_villages_covered = 0;
};

struct LevelResult {
  Level level = Level::provincial;
  LevelSpec spec;
  int sites = 0;          // p of this level
  int designated = 0;
  Solution solution;      // of the level's instance (sites of the levels above included as fixed)
  double covered_demand = 0.0;
  double covered_population = 0.0;
  int villages_covered = 0;
  int poor_villages_covered = 0;
  double total_demand = 0.0;
};

struct SitingResult {
  SitingOptions options;
  SitingInput input;
  std::vector<LevelResult> levels;
  std::vector<SiteRow> sites;
  std::vector<AssignmentRow> assignment;
  std::vector<CountyStatus> counties;
  // Designated sites closer than the spacing: kept, the spacing waived between them.
  std::vector<std::pair<int, int>> waived_conflicts;
  std::string county_name(const std::string& code) const;
};

// Solves the levels in order on a prepared input. Throws UsageError for
// quotas the candidates cannot meet (naming the county), RunError when the
// spacing makes a quota impossible or a solution fails the check.
SitingResult solve_levels(const model::Dataset& ds, SitingInput input, const SitingOptions& o);

// prepare + solve_levels.
SitingResult site(const model::Dataset& ds, const network::SegmentTable& table, const network::BuildResult& built,
                  const SitingOptions& o);

}  // namespace ruralnet::siting
