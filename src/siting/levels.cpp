// The two levels of model outlets on a prepared input: provincial sites
// first, municipal sites added to them (distinct outlets), each level meeting
// its county quotas; then the figures that explain the result (rank and
// marginal gain of every site, the village -> site assignment, the quota
// status of every county).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/siting/plan.hpp"

namespace ruralnet::siting {

std::string SitingResult::county_name(const std::string& code) const {
  const auto it = options.county_names.find(code);
  return it == options.county_names.end() ? std::string() : it->second;
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Up to this many site-village pairs a heuristic failure is settled by solving
// the instance exactly; beyond, by a feasibility model only.
constexpr std::size_t kFallbackPairs = 20000;

bool designated_as(const Candidate& c, Level l) {
  return c.designated == (l == Level::provincial ? model::ModelLevel::provincial : model::ModelLevel::municipal);
}

// Greedy order of `sites` added to `base`: each step takes the site whose
// addition improves the objective most (ties: lower index). Uncapacitated, so
// it explains the choice rather than re-solving it.
std::vector<std::pair<int, double>> greedy_order(const Instance& I, const std::vector<int>& base,
                                                 const std::vector<int>& sites) {
  const bool cover = I.objective != Objective::p_median;
  const double penalty = I.unreachable_penalty_min;
  const std::size_t nd = I.demand_weight.size();
  // Current cost per point: mclp/set cover 0 covered, 1 not; p-median minutes.
  std::vector<double> cur(nd, cover ? 1.0 : penalty);
  const auto apply = [&](int j) {
    for (const Reach& e : I.reach[j]) {
      const double c = cover ? (e.cost_min <= I.max_time_min ? 0.0 : 1.0) : std::min(e.cost_min, penalty);
      cur[e.demand] = std::min(cur[e.demand], c);
    }
  };
  for (const int j : base) apply(j);
  std::vector<int> left = sites;
  std::vector<std::pair<int, double>> order;
  while (!left.empty()) {
    std::size_t best = 0;
    double best_gain = -kInf;
    for (std::size_t k = 0; k < left.size(); ++k) {
      double gain = 0;
      for (const Reach& e : I.reach[left[k]]) {
        const double c = cover ? (e.cost_min <= I.max_time_min ? 0.0 : 1.0) : std::min(e.cost_min, penalty);
        if (c < cur[e.demand]) gain += I.demand_weight[e.demand] * (cur[e.demand] - c);
      }
      if (gain > best_gain || (gain == best_gain && left[k] < left[best])) {
        best_gain = gain;
        best = k;
      }
    }
    order.emplace_back(left[best], best_gain);
    apply(left[best]);
    left.erase(left.begin() + static_cast<std::ptrdiff_t>(best));
  }
  return order;
}

}  // namespace

SitingResult solve_levels(const model::Dataset& ds, SitingInput input, const SitingOptions& o) {
  check_options(o);
  SitingResult R;
  R.options = o;
  for (const auto& c : ds.counties)
    if (!c.name.empty()) R.options.county_names[c.code] = c.name;
  R.input = std::move(input);
  const SitingInput& in = R.input;
  const int n = static_cast<int>(in.candidates.size());
  const int nreg = static_cast<int>(in.counties.size());
  std::map<std::string, int> region_of;
  for (int r = 0; r < nreg; ++r) region_of[in.counties[r]] = r;
  const auto label = [&](const std::string& code) {
    const std::string name = R.county_name(code);
    return name.empty() ? code : name + " (" + code + ")";
  };

  std::vector<double> weight(in.demand.size());
  for (std::size_t i = 0; i < in.demand.size(); ++i) weight[i] = in.demand[i].weight;
  if (o.capacity) {
    std::size_t worst = 0;
    for (std::size_t i = 1; i < weight.size(); ++i)
      if (weight[i] > weight[worst]) worst = i;
    if (!weight.empty() && *o.capacity < weight[worst])
      throw UsageError("--capacity " + fixed(*o.capacity, 1) + " is below the demand of village " +
                           ds.villages[in.demand[worst].village].code + " (" + fixed(weight[worst], 1) +
                           ": population x multipliers)",
                       "raise --capacity to at least " + fixed(weight[worst], 1) + ", or lower the multipliers");
  }

  // Sites already chosen (levels above). Without a provincial level the
  // designated provincial outlets stand in for it.
  std::vector<int> above;
  const bool has_provincial = std::any_of(o.levels.begin(), o.levels.end(),
                                          [](const LevelSpec& s) { return s.level == Level::provincial; });
  if (o.use_designated && !has_provincial)
    for (int j = 0; j < n; ++j)
      if (designated_as(in.candidates[j], Level::provincial)) above.push_back(j);

  std::set<std::pair<int, int>> waived;
  for (const LevelSpec& spec : o.levels) {
    const auto t0 = std::chrono::steady_clock::now();
    Instance I;
    I.objective = o.objective;
    I.demand_weight = weight;
    I.site_region.resize(n);
    for (int j = 0; j < n; ++j) I.site_region[j] = region_of.at(in.candidates[j].county_code);
    for (const auto& code : in.counties) I.region_names.push_back(label(code));
    I.region_names.push_back("sites of the level above");
    I.reach = in.reach;
    I.max_time_min = o.time_min;
    I.capacity = o.capacity;
    if (o.objective == Objective::p_median) I.unreachable_penalty_min = 2.0 * in.cutoff_min;
    std::vector<char> is_above(n, 0);
    for (const int j : above) {
      is_above[j] = 1;
      I.site_region[j] = nreg;
      I.fixed.push_back(j);
    }
    std::vector<int> designated_in(nreg, 0);
    int designated = 0;
    for (int j = 0; j < n; ++j) {
      if (is_above[j] || !o.use_designated) continue;
      const Candidate& c = in.candidates[j];
      if (designated_as(c, spec.level)) {
        I.fixed.push_back(j);
        ++designated_in[I.site_region[j]];
        ++designated;
      } else if (c.designated != model::ModelLevel::none) {
        I.excluded.push_back(j);  // designated for the other level
      }
    }
    std::sort(I.fixed.begin(), I.fixed.end());
    for (const auto& [code, count] : spec.quotas) {
      const auto it = region_of.find(code);
      if (it == region_of.end()) {
        if (count > 0)
          throw UsageError("siting: the " + std::string(to_string(spec.level)) + " quota of " + std::to_string(count) +
                               " sites in " + label(code) + " exceeds its 0 usable candidates",
                           "lower the quota (--quota) or add candidates in " + label(code) +
                               " (check --colocated, --min-carriers, --exclude and --max-snap)");
        continue;
      }
      I.quotas.push_back({it->second, count, spec.exact});
    }
    int p = 0;
    {
      std::vector<int> need(nreg, 0);
      for (const auto& q : I.quotas) need[q.region] = q.count;
      for (int r = 0; r < nreg; ++r) p += std::max(need[r], designated_in[r]);
      p = std::max(p, spec.city_target);
      if (spec.sites) p = *spec.sites;
    }
    I.sites = p + static_cast<int>(above.size());
    std::vector<char> is_fixed(n, 0);
    for (const int j : I.fixed) is_fixed[j] = 1;
    for (const auto& [a, b] : in.conflicts) {
      if (is_fixed[a] && is_fixed[b]) waived.insert({a, b});
      else I.conflicts.emplace_back(a, b);
    }
    // A spacing that leaves a county less room than its quota: proven here,
    // before any search. Candidates in one grid cell of side spacing/sqrt(2)
    // are pairwise closer than the spacing, so at most one per cell can be
    // chosen and the occupied cells bound the sites the county can hold.
    if (o.spacing_m > 0) {
      const double side = o.spacing_m / std::sqrt(2.0) * (1.0 - 2e-4);  // the zone's scale error, with margin
      std::vector<char> excluded(n, 0);
      for (const int j : I.excluded) excluded[j] = 1;
      for (const auto& q : I.quotas) {
        std::set<std::pair<long long, long long>> cells;
        int usable = 0;
        for (int j = 0; j < n; ++j) {
          if (I.site_region[j] != q.region || excluded[j] || !std::isfinite(in.candidates[j].xy.x)) continue;
          ++usable;
          cells.insert({static_cast<long long>(std::floor(in.candidates[j].xy.x / side)),
                        static_cast<long long>(std::floor(in.candidates[j].xy.y / side))});
        }
        if (static_cast<int>(cells.size()) < q.count && usable >= q.count)
          throw RunError("siting: a spacing of " + fixed(o.spacing_m, 0) + " m leaves room for at most " +
                             std::to_string(cells.size()) + " sites among the " + std::to_string(usable) +
                             " candidates of " + I.region_names[q.region] + ", below its " + to_string(spec.level) +
                             " quota of " + std::to_string(q.count),
                         "lower --spacing or the quota of " + I.region_names[q.region]);
      }
    }
    // Quotas beyond the candidates are named here, with the level.
    try {
      validate(I);
    } catch (const UsageError& e) {
      throw UsageError(std::string(e.what()) + " (" + to_string(spec.level) + " level)", e.hint());
    }
    Solution s;
    try {
      if (o.exact) {
        ExactOptions eo;
        eo.time_limit_s = o.exact_time_limit_s;
        s = solve_exact(I, eo);
      } else {
        try {
          s = solve_heuristic(I, o.heuristic);
        } catch (const RunError& h) {
          // The greedy construction can miss a feasible set where spacing and
          // quotas interlock; on a small instance CBC settles it. (A spacing
          // that rules a quota out is mostly caught before, by the room check.)
          std::size_t pairs = 0;
          for (const auto& list : I.reach) pairs += list.size();
          ExactOptions eo;
          eo.time_limit_s = o.exact_time_limit_s;
          if (pairs <= kFallbackPairs) {
            try {
              s = solve_exact(I, eo);
            } catch (const Error& x) {
              throw RunError(std::string(h.what()) + "; the exact solver: " + x.what(),
                             x.hint().empty() ? h.hint() : x.hint());
            }
          } else {
            throw RunError(std::string(h.what()) + " (" + std::to_string(pairs) +
                               " site-village pairs: too many to settle with the exact solver here)",
                           "lower --spacing or the quota, or try --exact");
          }
        }
      }
    } catch (const RunError& e) {
      throw RunError(std::string(e.what()) + " (" + to_string(spec.level) + " level)", e.hint());
    }
    check_solution(I, s);  // the solvers check too; an answer is never reported unchecked
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    LevelResult L;
    L.level = spec.level;
    L.spec = spec;
    L.designated = designated;
    L.solution = s;
    std::vector<int> own;
    for (const int j : s.sites)
      if (!is_above[j]) own.push_back(j);
    L.sites = static_cast<int>(own.size());

    // Assignment in this level's network.
    const double T = o.time_min;
    std::vector<AssignmentRow> rows;
    if (s.flows.empty()) {
      std::vector<double> best(in.demand.size(), kInf);
      std::vector<int> site(in.demand.size(), -1);
      for (const int j : s.sites)
        for (const Reach& e : in.reach[j])
          if (e.cost_min < best[e.demand] || (e.cost_min == best[e.demand] && j < site[e.demand])) {
            best[e.demand] = e.cost_min;
            site[e.demand] = j;
          }
      for (std::size_t i = 0; i < in.demand.size(); ++i)
        if (site[i] >= 0) rows.push_back({spec.level, i, site[i], best[i], weight[i], best[i] <= T});
    } else {
      for (const Flow& f : s.flows) {
        double cost = kInf;
        for (const Reach& e : in.reach[f.site])
          if (e.demand == f.demand) cost = std::min(cost, e.cost_min);
        rows.push_back({spec.level, static_cast<std::size_t>(f.demand), f.site, cost, f.amount, cost <= T});
      }
    }
    std::vector<double> covered_share(in.demand.size(), 0.0);
    for (const auto& r : rows) {
      if (!r.covered) continue;
      const double w = weight[r.demand];
      covered_share[r.demand] += w > 0 ? r.amount / w : 1.0;
    }
    for (std::size_t i = 0; i < in.demand.size(); ++i) {
      const double share = std::min(1.0, covered_share[i]);
      L.total_demand += weight[i];
      if (share <= 0) continue;
      L.covered_demand += share * weight[i];
      L.covered_population += share * in.demand[i].population;
      ++L.villages_covered;
      if (in.demand[i].poor) ++L.poor_villages_covered;
    }

    // The level's own sites, in greedy order, with what each serves.
    const auto order = greedy_order(I, above, own);
    std::map<int, std::size_t> row_of_site;
    for (std::size_t k = 0; k < order.size(); ++k) {
      SiteRow sr;
      sr.candidate = order[k].first;
      sr.level = spec.level;
      sr.rank = static_cast<int>(k) + 1;
      sr.designated = is_fixed[sr.candidate] != 0;
      sr.marginal_gain = order[k].second;
      row_of_site[sr.candidate] = R.sites.size();
      R.sites.push_back(sr);
    }
    for (const auto& r : rows) {
      const auto it = row_of_site.find(r.candidate);
      if (it == row_of_site.end() || !r.covered) continue;
      SiteRow& sr = R.sites[it->second];
      const DemandPoint& d = in.demand[r.demand];
      const double share = weight[r.demand] > 0 ? r.amount / weight[r.demand] : 1.0;
      sr.covered_demand += r.amount;
      sr.covered_population += share * d.population;
      ++sr.villages_covered;
      if (d.poor) ++sr.poor_villages_covered;
      if (d.flood_zone) ++sr.flood_villages_covered;
    }

    // Quota status by county: plan counties, candidate counties and village counties.
    std::set<std::string> codes(in.counties.begin(), in.counties.end());
    for (const auto& [code, name] : o.county_names) codes.insert(code);
    for (const auto& [code, q] : spec.quotas) codes.insert(code);
    for (const auto& d : in.demand)
      if (!d.county_code.empty()) codes.insert(d.county_code);
    std::map<std::string, CountyStatus> cs;
    for (const auto& code : codes) {
      CountyStatus c;
      c.county_code = code;
      c.county_name = R.county_name(code);
      c.level = spec.level;
      if (const auto it = spec.quotas.find(code); it != spec.quotas.end()) c.quota = it->second;
      c.quota_exact = spec.exact;
      cs[code] = c;
    }
    for (const int j : own) {
      CountyStatus& c = cs[in.candidates[j].county_code];
      ++c.chosen;
      if (is_fixed[j]) ++c.designated;
    }
    for (std::size_t i = 0; i < in.demand.size(); ++i) {
      const DemandPoint& d = in.demand[i];
      if (d.county_code.empty()) continue;
      CountyStatus& c = cs[d.county_code];
      ++c.villages;
      if (d.poor) ++c.poor_villages;
      c.demand += d.weight;
      c.population += d.population;
      const double share = std::min(1.0, covered_share[i]);
      if (share > 0) {
        c.covered_demand += share * d.weight;
        c.covered_population += share * d.population;
        if (d.poor) ++c.poor_villages_covered;
      }
    }
    for (auto& [code, c] : cs) {
      c.met = c.quota_exact ? c.chosen == c.quota : c.chosen >= c.quota;
      if (!c.met)  // the checker holds every quota; this would be a broken invariant
        throw RunError("siting: the " + std::string(to_string(spec.level)) + " quota of " + label(code) +
                       " is not met after a checked solution");
      R.counties.push_back(c);
    }

    R.assignment.insert(R.assignment.end(), rows.begin(), rows.end());
    R.levels.push_back(std::move(L));
    above.insert(above.end(), own.begin(), own.end());
    std::sort(above.begin(), above.end());
  }
  R.waived_conflicts.assign(waived.begin(), waived.end());
  return R;
}

SitingResult site(const model::Dataset& ds, const network::SegmentTable& table, const network::BuildResult& built,
                  const SitingOptions& o) {
  return solve_levels(ds, prepare(ds, table, built, o), o);
}

}  // namespace ruralnet::siting
