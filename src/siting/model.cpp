#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <sstream>

#include "prepared.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/siting/siting.hpp"

namespace ruralnet::siting {

namespace detail {

std::string region_name(const Instance& in, int r) {
  if (r >= 0 && r < static_cast<int>(in.region_names.size()) && !in.region_names[r].empty())
    return in.region_names[r];
  return "region " + std::to_string(r);
}

double penalty_of(const Instance& in) {
  if (in.unreachable_penalty_min > 0) return in.unreachable_penalty_min;
  double m = 0;
  for (const auto& list : in.reach)
    for (const auto& e : list) m = std::max(m, e.cost_min);
  return m > 0 ? 2 * m : 1.0;
}

namespace {
int region_count(const Instance& in) {
  int n = static_cast<int>(in.region_names.size());
  for (int r : in.site_region) n = std::max(n, r + 1);
  for (const auto& q : in.quotas) n = std::max(n, q.region + 1);
  return n;
}
}  // namespace

Prepared prepare(const Instance& in) {
  Prepared P;
  P.n_sites = static_cast<int>(in.site_region.size());
  P.n_dem = static_cast<int>(in.demand_weight.size());
  P.n_regions = region_count(in);
  P.region = in.site_region;
  P.fixed.assign(P.n_sites, 0);
  P.excluded.assign(P.n_sites, 0);
  for (int j : in.fixed) P.fixed[j] = 1;
  for (int j : in.excluded) P.excluded[j] = 1;
  const bool cover = in.objective != Objective::p_median;
  P.penalty = cover ? 1.0 : penalty_of(in);
  P.s_start.assign(P.n_sites + 1, 0);
  for (int j = 0; j < P.n_sites; ++j) {
    for (const auto& e : in.reach[j]) {
      if (cover ? e.cost_min > in.max_time_min : e.cost_min >= P.penalty) continue;
      P.s_dem.push_back(e.demand);
      P.s_cost.push_back(cover ? 0.0 : e.cost_min);
    }
    P.s_start[j + 1] = P.s_dem.size();
  }
  std::vector<std::size_t> cnt(P.n_dem + 1, 0);
  for (int i : P.s_dem) ++cnt[i + 1];
  for (int i = 0; i < P.n_dem; ++i) cnt[i + 1] += cnt[i];
  P.d_start = cnt;
  P.d_site.resize(P.s_dem.size());
  P.d_cost.resize(P.s_dem.size());
  for (int j = 0; j < P.n_sites; ++j)
    for (std::size_t k = P.s_start[j]; k < P.s_start[j + 1]; ++k) {
      const std::size_t at = cnt[P.s_dem[k]]++;
      P.d_site[at] = j;
      P.d_cost[at] = P.s_cost[k];
    }
  P.coverable.assign(P.n_dem, 0);
  for (int i = 0; i < P.n_dem; ++i)
    for (std::size_t k = P.d_start[i]; k < P.d_start[i + 1]; ++k)
      if (!P.excluded[P.d_site[k]]) P.coverable[i] = 1;
  P.w = in.demand_weight;
  if (in.objective == Objective::set_cover)
    for (int i = 0; i < P.n_dem; ++i) P.w[i] = P.coverable[i] ? 1.0 : 0.0;
  P.total_w = std::accumulate(P.w.begin(), P.w.end(), 0.0);
  std::vector<int> avail(P.n_regions, 0);
  for (int j = 0; j < P.n_sites; ++j)
    if (!P.excluded[j]) ++avail[P.region[j]];
  P.lo.assign(P.n_regions, 0);
  P.hi = avail;
  for (const auto& q : in.quotas) {
    P.lo[q.region] = std::max(P.lo[q.region], q.count);
    if (q.exact) P.hi[q.region] = std::min(P.hi[q.region], q.count);
  }
  P.adj.assign(P.n_sites, {});
  for (auto [a, b] : in.conflicts) {
    if (a == b) continue;
    P.adj[a].push_back(b);
    P.adj[b].push_back(a);
  }
  P.p = in.objective == Objective::set_cover ? 0 : in.sites;
  return P;
}

std::vector<Flow> greedy_assignment(const Prepared& P, const std::vector<int>& sites,
                                    double capacity, double& cost) {
  struct Pair {
    double c;
    int options, i, j;
  };
  std::vector<char> open(P.n_sites, 0);
  for (int j : sites) open[j] = 1;
  std::vector<int> options(P.n_dem, 0);
  for (int j : sites)
    for (std::size_t k = P.s_start[j]; k < P.s_start[j + 1]; ++k) ++options[P.s_dem[k]];
  std::vector<Pair> pairs;
  for (int j : sites)
    for (std::size_t k = P.s_start[j]; k < P.s_start[j + 1]; ++k)
      pairs.push_back({P.s_cost[k], options[P.s_dem[k]], P.s_dem[k], j});
  // Cheapest first; among equals the points with fewest options first, so a
  // point with one reachable site is not crowded out by one with many.
  std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) {
    if (a.c != b.c) return a.c < b.c;
    if (a.options != b.options) return a.options < b.options;
    if (a.i != b.i) return a.i < b.i;
    return a.j < b.j;
  });
  std::vector<double> rem = P.w, cap(P.n_sites, capacity);
  std::vector<Flow> flows;
  cost = 0;
  for (const auto& pr : pairs) {
    const double f = std::min(rem[pr.i], cap[pr.j]);
    if (f <= 0) continue;
    rem[pr.i] -= f;
    cap[pr.j] -= f;
    cost += f * pr.c;
    flows.push_back({pr.i, pr.j, f});
  }
  for (int i = 0; i < P.n_dem; ++i) cost += rem[i] * P.penalty;
  return flows;
}

double to_objective(const Instance& in, const Prepared& P, double cost) {
  return in.objective == Objective::mclp ? P.total_w - cost : cost;
}

double gap_of(const Instance& in, double objective, double bound) {
  const double d = in.objective == Objective::mclp ? bound - objective : objective - bound;
  return std::max(0.0, d) / std::max(std::abs(objective), 1e-12);
}

}  // namespace detail

using detail::region_name;

void validate(const Instance& in) {
  const int ns = static_cast<int>(in.site_region.size());
  const int nd = static_cast<int>(in.demand_weight.size());
  auto fail = [](const std::string& m, const std::string& hint = {}) { throw UsageError("siting: " + m, hint); };
  if (static_cast<int>(in.reach.size()) != ns) fail("the reach lists do not match the candidates in number");
  if (ns == 0) fail("there are no candidate sites");
  for (int i = 0; i < nd; ++i)
    if (!std::isfinite(in.demand_weight[i]) || in.demand_weight[i] < 0)
      fail("demand point " + std::to_string(i) + " has weight " + std::to_string(in.demand_weight[i]),
           "weights must be finite and not negative");
  double max_w = 0;
  for (double w : in.demand_weight) max_w = std::max(max_w, w);
  for (int j = 0; j < ns; ++j) {
    if (in.site_region[j] < 0) fail("candidate " + std::to_string(j) + " has no region");
    for (const auto& e : in.reach[j]) {
      if (e.demand < 0 || e.demand >= nd)
        fail("candidate " + std::to_string(j) + " lists demand point " + std::to_string(e.demand) + " which does not exist");
      if (!std::isfinite(e.cost_min) || e.cost_min < 0)
        fail("candidate " + std::to_string(j) + " has travel cost " + std::to_string(e.cost_min) + " to demand point " +
             std::to_string(e.demand));
    }
  }
  if (in.objective != Objective::p_median && !(in.max_time_min > 0))
    fail("the coverage time T must be above 0 minutes (got " + std::to_string(in.max_time_min) + ")");
  if (in.objective == Objective::p_median && in.unreachable_penalty_min > 0) {
    for (const auto& list : in.reach)
      for (const auto& e : list)
        if (e.cost_min > in.unreachable_penalty_min)
          fail("the unreachable penalty (" + std::to_string(in.unreachable_penalty_min) +
               " min) is below a listed travel cost (" + std::to_string(e.cost_min) + " min)",
               "raise the penalty to at least the travel-time cutoff");
  }
  if (in.capacity) {
    if (in.objective == Objective::set_cover) fail("capacity is not supported with set covering");
    if (!(*in.capacity > 0) || !std::isfinite(*in.capacity))
      fail("the site capacity must be above 0 (got " + std::to_string(*in.capacity) + ")");
    if (*in.capacity < max_w)
      fail("the site capacity (" + std::to_string(*in.capacity) + ") is below the largest single demand (" +
               std::to_string(max_w) + ")",
           "raise the capacity or split the largest demand points");
  }
  std::vector<char> fixed(ns, 0), excluded(ns, 0);
  for (int j : in.excluded) {
    if (j < 0 || j >= ns) fail("excluded site " + std::to_string(j) + " does not exist");
    excluded[j] = 1;
  }
  for (int j : in.fixed) {
    if (j < 0 || j >= ns) fail("fixed site " + std::to_string(j) + " does not exist");
    if (excluded[j]) fail("site " + std::to_string(j) + " is both fixed and excluded");
    fixed[j] = 1;
  }
  for (auto [a, b] : in.conflicts) {
    if (a < 0 || a >= ns || b < 0 || b >= ns) fail("a spacing conflict names a site that does not exist");
    if (a != b && fixed[a] && fixed[b])
      fail("fixed sites " + std::to_string(a) + " and " + std::to_string(b) + " are closer than the minimum spacing",
           "lower the spacing or unfix one of them");
  }
  for (const auto& q : in.quotas)
    if (q.region < 0 || q.count < 0) fail("a quota has a negative region or count");
  const auto P = detail::prepare(in);
  std::vector<int> avail(P.n_regions, 0), nfixed(P.n_regions, 0);
  for (int j = 0; j < ns; ++j) {
    if (!excluded[j]) ++avail[in.site_region[j]];
    if (fixed[j]) ++nfixed[in.site_region[j]];
  }
  for (const auto& q : in.quotas) {
    if (q.count > avail[q.region])
      fail("the quota of " + std::to_string(q.count) + " sites in " + region_name(in, q.region) + " exceeds its " +
               std::to_string(avail[q.region]) + " usable candidates",
           "lower the quota or add candidates in " + region_name(in, q.region));
  }
  int sum_lo = 0, sum_hi = 0;
  for (int r = 0; r < P.n_regions; ++r) {
    if (P.lo[r] > P.hi[r])
      fail("the quotas of " + region_name(in, r) + " contradict each other (at least " + std::to_string(P.lo[r]) +
           ", at most " + std::to_string(P.hi[r]) + ")");
    if (nfixed[r] > P.hi[r])
      fail(region_name(in, r) + " has " + std::to_string(nfixed[r]) + " fixed sites but an exact quota of " +
           std::to_string(P.hi[r]));
    sum_lo += std::max(P.lo[r], nfixed[r]);
    sum_hi += P.hi[r];
  }
  if (in.objective != Objective::set_cover) {
    if (in.sites <= 0) fail("the number of sites to choose must be at least 1");
    if (sum_lo > in.sites)
      fail("the quotas and fixed sites need " + std::to_string(sum_lo) + " sites but only " +
               std::to_string(in.sites) + " are to be chosen",
           "raise the number of sites or lower the quotas");
    if (sum_hi < in.sites)
      fail("only " + std::to_string(sum_hi) + " sites can be chosen under the exact quotas and exclusions, but " +
           std::to_string(in.sites) + " are asked for");
  }
}

std::vector<std::pair<int, int>> conflicts_within(int candidates, const std::function<double(int, int)>& distance,
                                                  double min_spacing) {
  std::vector<std::pair<int, int>> out;
  for (int a = 0; a < candidates; ++a)
    for (int b = a + 1; b < candidates; ++b)
      if (distance(a, b) < min_spacing) out.emplace_back(a, b);
  return out;
}

// Written straight from the instance, sharing no code with the solvers.
double evaluate(const Instance& in, const std::vector<int>& sites, const std::vector<Flow>* flows) {
  const std::size_t nd = in.demand_weight.size();
  if (in.objective == Objective::set_cover) return static_cast<double>(sites.size());
  const double pen = in.objective == Objective::mclp ? 1.0 : detail::penalty_of(in);
  auto pair_cost = [&](const Reach& e) -> double {
    if (in.objective == Objective::mclp) return e.cost_min <= in.max_time_min ? 0.0 : pen;
    return std::min(e.cost_min, pen);
  };
  double cost = 0;
  if (flows) {
    std::vector<double> served(nd, 0);
    for (const auto& f : *flows) {
      double best = pen;
      for (const auto& e : in.reach[f.site])
        if (e.demand == f.demand) best = std::min(best, pair_cost(e));
      cost += f.amount * best;
      served[f.demand] += f.amount;
    }
    for (std::size_t i = 0; i < nd; ++i) cost += std::max(0.0, in.demand_weight[i] - served[i]) * pen;
  } else {
    std::vector<double> best(nd, pen);
    for (int j : sites)
      for (const auto& e : in.reach[j]) best[e.demand] = std::min(best[e.demand], pair_cost(e));
    for (std::size_t i = 0; i < nd; ++i) cost += in.demand_weight[i] * best[i];
  }
  if (in.objective == Objective::mclp) {
    double total = 0;
    for (double w : in.demand_weight) total += w;
    return total - cost;
  }
  return cost;
}

void check_solution(const Instance& in, const Solution& s) {
  auto fail = [](const std::string& m) {
    throw RunError("siting: the solution fails its check: " + m,
                   "this is a solver defect; the result must not be used");
  };
  const int ns = static_cast<int>(in.site_region.size());
  std::set<int> chosen;
  for (int j : s.sites) {
    if (j < 0 || j >= ns) fail("site " + std::to_string(j) + " does not exist");
    if (!chosen.insert(j).second) fail("site " + std::to_string(j) + " is chosen twice");
  }
  if (in.objective != Objective::set_cover && static_cast<int>(chosen.size()) != in.sites)
    fail(std::to_string(chosen.size()) + " sites chosen, " + std::to_string(in.sites) + " asked for");
  for (int j : in.fixed)
    if (!chosen.count(j)) fail("fixed site " + std::to_string(j) + " is missing");
  for (int j : in.excluded)
    if (chosen.count(j)) fail("excluded site " + std::to_string(j) + " is chosen");
  for (const auto& q : in.quotas) {
    int n = 0;
    for (int j : chosen) n += in.site_region[j] == q.region;
    if (n < q.count || (q.exact && n != q.count))
      fail(region_name(in, q.region) + " has " + std::to_string(n) + " sites against a quota of " +
           (q.exact ? "exactly " : "at least ") + std::to_string(q.count));
  }
  for (auto [a, b] : in.conflicts)
    if (a != b && chosen.count(a) && chosen.count(b))
      fail("sites " + std::to_string(a) + " and " + std::to_string(b) + " are closer than the minimum spacing");
  const std::size_t nd = in.demand_weight.size();
  if (in.objective == Objective::set_cover) {
    std::vector<char> reachable(nd, 0), covered(nd, 0);
    std::set<int> excl(in.excluded.begin(), in.excluded.end());
    for (int j = 0; j < ns; ++j)
      for (const auto& e : in.reach[j])
        if (e.cost_min <= in.max_time_min) {
          if (!excl.count(j)) reachable[e.demand] = 1;
          if (chosen.count(j)) covered[e.demand] = 1;
        }
    for (std::size_t i = 0; i < nd; ++i)
      if (reachable[i] && !covered[i]) fail("coverable demand point " + std::to_string(i) + " is not covered");
  }
  const std::vector<Flow>* flows = nullptr;
  if (in.capacity) {
    std::vector<double> load(ns, 0), served(nd, 0);
    for (const auto& f : s.flows) {
      if (f.demand < 0 || f.demand >= static_cast<int>(nd) || !chosen.count(f.site) || !(f.amount >= -1e-9))
        fail("a flow names an unknown demand point, an unchosen site or a negative amount");
      bool listed = false;
      for (const auto& e : in.reach[f.site])
        listed = listed || (e.demand == f.demand &&
                            (in.objective != Objective::mclp || e.cost_min <= in.max_time_min));
      if (!listed)
        fail("demand point " + std::to_string(f.demand) + " is served by site " + std::to_string(f.site) +
             " which does not reach it");
      load[f.site] += f.amount;
      served[f.demand] += f.amount;
    }
    for (int j : chosen)
      if (load[j] > *in.capacity * (1 + 1e-9) + 1e-9)
        fail("site " + std::to_string(j) + " serves " + std::to_string(load[j]) + " above its capacity " +
             std::to_string(*in.capacity));
    for (std::size_t i = 0; i < nd; ++i)
      if (served[i] > in.demand_weight[i] * (1 + 1e-9) + 1e-9)
        fail("demand point " + std::to_string(i) + " is served more than its weight");
    flows = &s.flows;
  }
  const std::vector<int> sorted(chosen.begin(), chosen.end());
  const double obj = evaluate(in, sorted, flows);
  const double tol = 1e-6 * std::max(1.0, std::abs(obj));
  if (std::abs(obj - s.objective) > tol)
    fail("the reported objective " + std::to_string(s.objective) + " differs from the recomputed " +
         std::to_string(obj));
  const bool bound_ok =
      in.objective == Objective::mclp ? s.bound >= obj - tol : s.bound <= obj + tol;
  if (!bound_ok)
    fail("the bound " + std::to_string(s.bound) + " is on the wrong side of the objective " + std::to_string(obj));
}

}  // namespace ruralnet::siting
