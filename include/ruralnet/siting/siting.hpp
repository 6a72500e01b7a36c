// Siting model village e-commerce outlets to per-county quotas: the solver
// core (models, heuristic, Lagrangian bound, exact MILP backend, checker).
// The instance is abstract; the caller fills it from the dataset and network
// travel times. See docs/siting.md.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ruralnet::siting {

enum class Objective {
  mclp,       // maximise weighted demand within max_time_min of a chosen site
  p_median,   // minimise weighted travel minutes to the nearest chosen site
  set_cover,  // fewest sites covering all coverable demand within max_time_min
};

// One demand point a candidate reaches, and the travel cost to it. Pairs that
// are absent are unreachable (beyond the caller's cutoff).
struct Reach {
  std::int32_t demand = 0;
  double cost_min = 0;
};

// At least `count` (or exactly `count`) chosen sites in `region`.
struct Quota {
  int region = 0;
  int count = 0;
  bool exact = false;
};

struct Instance {
  Objective objective = Objective::mclp;
  std::vector<double> demand_weight;            // per demand point, >= 0
  std::vector<int> site_region;                 // per candidate
  std::vector<std::vector<Reach>> reach;        // per candidate, sparse
  std::vector<std::string> region_names;        // index = region id; may be empty
  double max_time_min = 0;                      // T (mclp, set_cover)
  int sites = 0;                                // p (mclp, p_median)
  std::vector<Quota> quotas;
  std::vector<int> fixed;                       // must be chosen
  std::vector<int> excluded;                    // must not be chosen
  std::vector<std::pair<int, int>> conflicts;   // pairs closer than the minimum spacing
  std::optional<double> capacity;               // max demand weight one site serves (mclp, p_median)
  // p-median cost of a demand point no chosen site reaches; 0 = twice the
  // largest listed cost. Must be at least the largest listed cost.
  double unreachable_penalty_min = 0;
};

// Demand weight sent from a demand point to a site (capacitated models only).
struct Flow {
  int demand = 0;
  int site = 0;
  double amount = 0;
};

struct Solution {
  std::vector<int> sites;   // chosen candidates, ascending
  std::vector<Flow> flows;  // the assignment when the instance has a capacity
  // mclp: covered weight; p_median: weighted minutes (penalty included);
  // set_cover: number of sites.
  double objective = 0;
  // Proven bound on the optimum: >= it for mclp, <= it for the others.
  double bound = 0;
  double gap = 0;            // |bound - objective| / max(|objective|, 1e-12)
  bool proven_optimal = false;
  std::string method;        // "heuristic" or "exact"
  double seconds = 0;
  int passes = 0;            // local-search passes (heuristic)
};

struct HeuristicOptions {
  int max_passes = 50;            // local-search passes over all candidates
  double time_limit_s = 120;      // safety stop for the local search
  int bound_iterations = 1000;    // subgradient iterations (0 = no Lagrangian bound)
  int multi_starts = 16;          // restarts, each forcing one of the best single sites
  std::size_t multi_start_max_pairs = 200000;  // only below this many site-demand pairs
};

struct ExactOptions {
  double time_limit_s = 60;
  std::size_t max_nonzeros = 300000;  // refuse larger instances (UsageError)
};

// Checks the instance (indices, values, quotas against candidates, T, capacity).
// Throws UsageError naming the region, site or value at fault.
void validate(const Instance& instance);

// Pairs of candidates closer than min_spacing under `distance`. Quadratic: meant
// for small candidate sets or for callers that pre-filter with a spatial index.
std::vector<std::pair<int, int>> conflicts_within(int candidates,
                                                  const std::function<double(int, int)>& distance,
                                                  double min_spacing);

// Greedy construction (quotas and fixed sites first) + Teitz-Bart swaps, then
// the Lagrangian bound. Deterministic. Runs check_solution before returning.
Solution solve_heuristic(const Instance& instance, const HeuristicOptions& options = {});

// Exact MILP with CBC. Runs check_solution before returning. A proven
// infeasible model throws RunError.
Solution solve_exact(const Instance& instance, const ExactOptions& options = {});

// Lower bound (p_median), upper bound (mclp) on the optimum by Lagrangian
// relaxation of the assignment constraints, started from `start_sites`.
// Spacing and capacity are relaxed, so the bound is valid with them too.
double lagrangian_bound(const Instance& instance, const std::vector<int>& start_sites,
                        int iterations);

// Objective of a site set (uncapacitated nearest-site assignment; for a
// capacitated instance pass the flows). Independent of the solvers.
double evaluate(const Instance& instance, const std::vector<int>& sites,
                const std::vector<Flow>* flows = nullptr);

// Verifies quotas, fixed and excluded sites, spacing, site count, coverage
// (set_cover), flows and capacity, recomputes the objective and checks it and
// the bound against the reported ones. Throws RunError on any violation.
void check_solution(const Instance& instance, const Solution& solution);

}  // namespace ruralnet::siting
