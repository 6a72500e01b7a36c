#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <queue>

#include "prepared.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/siting/siting.hpp"

namespace ruralnet::siting {

namespace detail {
namespace {

// Open sites and, per demand point, the nearest (n1, d1) and second-nearest
// (d2) open site, so a swap is priced in time proportional to the reach lists.
struct State {
  const Prepared& P;
  std::vector<char> open;
  std::vector<int> n1, count, conflicts;
  std::vector<double> d1, d2, loss;
  std::vector<int> order;  // open sites in opening order

  explicit State(const Prepared& p)
      : P(p), open(p.n_sites, 0), n1(p.n_dem, -1), count(p.n_regions, 0), conflicts(p.n_sites, 0),
        d1(p.n_dem, p.penalty), d2(p.n_dem, p.penalty), loss(p.n_sites, 0) {}

  void recompute(int i) {
    if (n1[i] >= 0) loss[n1[i]] -= P.w[i] * (d2[i] - d1[i]);
    double b1 = P.penalty, b2 = P.penalty;
    int s1 = -1;
    for (std::size_t k = P.d_start[i]; k < P.d_start[i + 1]; ++k) {
      const int j = P.d_site[k];
      if (!open[j]) continue;
      const double c = P.d_cost[k];
      if (c < b1 || (c == b1 && s1 >= 0 && j < s1)) {
        if (s1 != j) b2 = b1;
        b1 = c;
        s1 = j;
      } else if (j != s1 && c < b2) {
        b2 = c;
      }
    }
    n1[i] = s1;
    d1[i] = b1;
    d2[i] = b2;
    if (s1 >= 0) loss[s1] += P.w[i] * (b2 - b1);
  }
  void set_open(int j, bool on) {
    open[j] = on ? 1 : 0;
    count[P.region[j]] += on ? 1 : -1;
    for (int a : P.adj[j]) conflicts[a] += on ? 1 : -1;
    if (on) order.push_back(j);
    else order.erase(std::find(order.begin(), order.end(), j));
  }
  void refresh(int j) {
    for (std::size_t k = P.s_start[j]; k < P.s_start[j + 1]; ++k) recompute(P.s_dem[k]);
  }
  double gain(int j) const {
    double g = 0;
    for (std::size_t k = P.s_start[j]; k < P.s_start[j + 1]; ++k) {
      const int i = P.s_dem[k];
      if (P.s_cost[k] < d1[i]) g += P.w[i] * (d1[i] - P.s_cost[k]);
    }
    return g;
  }
  double cost() const {
    double c = 0;
    for (int i = 0; i < P.n_dem; ++i) c += P.w[i] * d1[i];
    return c;
  }
  bool can_open(int j) const {
    return !open[j] && !P.excluded[j] && conflicts[j] == 0 && count[P.region[j]] < P.hi[P.region[j]];
  }
};

// Lazy greedy: gains only fall as sites open (the objective is submodular), so
// a stale gain that still tops the heap is the true best.
void greedy_fill(State& S, const std::vector<int>& pool, int target_count, const std::function<int()>& counter,
                 bool stop_when_no_gain) {
  using Item = std::pair<double, int>;
  std::priority_queue<Item> heap;
  for (int j : pool)
    if (S.can_open(j)) heap.push({S.gain(j), -j});
  while (counter() < target_count && !heap.empty()) {
    auto [g, negj] = heap.top();
    heap.pop();
    const int j = -negj;
    if (!S.can_open(j)) continue;  // blocked for good: constraints only tighten here
    const double fresh = S.gain(j);
    if (!heap.empty() && fresh < heap.top().first) {
      heap.push({fresh, negj});
      continue;
    }
    if (stop_when_no_gain && fresh <= 0) break;
    S.set_open(j, true);
    S.refresh(j);
  }
}

// Also completes a partial state (after sites were dropped); `banned` sites are
// not opened.
void construct(const Instance& in, State& S, const std::vector<char>* banned = nullptr) {
  const Prepared& P = S.P;
  std::vector<int> newly;
  for (int j = 0; j < P.n_sites; ++j)
    if (P.fixed[j] && !S.open[j]) {
      S.set_open(j, true);
      newly.push_back(j);
    }
  for (int j : newly) S.refresh(j);
  std::vector<std::vector<int>> by_region(P.n_regions);
  std::vector<int> all;
  for (int j = 0; j < P.n_sites; ++j)
    if (!P.excluded[j] && !P.fixed[j] && !(banned && (*banned)[j])) {
      by_region[P.region[j]].push_back(j);
      all.push_back(j);
    }
  for (int r = 0; r < P.n_regions; ++r) {
    if (S.count[r] >= P.lo[r]) continue;
    greedy_fill(S, by_region[r], P.lo[r], [&] { return S.count[r]; }, false);
    if (S.count[r] < P.lo[r])
      throw RunError("siting: could not find a feasible set of sites in " + region_name(in, r) + ": only " +
                         std::to_string(S.count[r]) + " of the " + std::to_string(P.lo[r]) +
                         " required sites fit the minimum spacing",
                     "lower the quota or the minimum spacing, or add candidates in " + region_name(in, r));
  }
  auto total = [&] { return static_cast<int>(S.order.size()); };
  if (in.objective == Objective::set_cover) {
    greedy_fill(S, all, P.n_sites + 1, total, true);
    for (int i = 0; i < P.n_dem; ++i)
      if (P.coverable[i] && S.n1[i] < 0)
        throw RunError("siting: could not cover demand point " + std::to_string(i) +
                           " within the quotas and the minimum spacing",
                       "lower the minimum spacing, or relax the exact quotas");
    return;
  }
  greedy_fill(S, all, P.p, total, false);
  if (total() < P.p)
    throw RunError("siting: could not find a feasible set of " + std::to_string(P.p) + " sites: only " +
                       std::to_string(total()) + " fit the minimum spacing and the quotas",
                   "lower the number of sites or the minimum spacing");
}

bool swap_ok(const State& S, int j, int k) {
  const Prepared& P = S.P;
  if (P.fixed[k]) return false;
  if (S.conflicts[j] > 1) return false;
  if (S.conflicts[j] == 1 && std::find(P.adj[j].begin(), P.adj[j].end(), k) == P.adj[j].end()) return false;
  const int rj = P.region[j], rk = P.region[k];
  if (rj == rk) return true;
  return S.count[rk] - 1 >= P.lo[rk] && S.count[rj] + 1 <= P.hi[rj];
}

// Teitz-Bart vertex substitution, first improvement per entering candidate.
int local_search(State& S, const HeuristicOptions& opt) {
  const Prepared& P = S.P;
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<double> extra(P.n_sites, 0);
  std::vector<int> touched;
  int passes = 0;
  for (; passes < opt.max_passes; ++passes) {
    bool improved = false;
    const double tol = 1e-9 * std::max(1.0, S.cost());
    for (int j = 0; j < P.n_sites; ++j) {
      if (S.open[j] || P.excluded[j] || S.conflicts[j] > 1) continue;
      double g = 0;
      for (std::size_t e = P.s_start[j]; e < P.s_start[j + 1]; ++e) {
        const int i = P.s_dem[e];
        const double c = P.s_cost[e];
        if (c < S.d1[i]) g += P.w[i] * (S.d1[i] - c);
        const int k = S.n1[i];
        if (k >= 0) {
          const double x = P.w[i] * std::max(0.0, S.d2[i] - std::max(c, S.d1[i]));
          if (x > 0) {
            if (extra[k] == 0) touched.push_back(k);
            extra[k] += x;
          }
        }
      }
      int best = -1;
      double best_delta = tol;
      for (int k : S.order) {
        const double delta = g - S.loss[k] + extra[k];
        if (delta > best_delta && swap_ok(S, j, k)) {
          best_delta = delta;
          best = k;
        }
      }
      for (int k : touched) extra[k] = 0;
      touched.clear();
      if (best >= 0) {
        S.set_open(j, true);
        S.set_open(best, false);
        S.refresh(j);
        S.refresh(best);
        improved = true;
      }
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!improved || secs > opt.time_limit_s) {
      ++passes;
      break;
    }
  }
  return passes;
}

// Set covering: drop sites whose points all have another covering site,
// latest opened first, while the quotas allow.
void drop_redundant(State& S) {
  const Prepared& P = S.P;
  const std::vector<int> order(S.order.rbegin(), S.order.rend());
  for (int k : order) {
    if (P.fixed[k] || S.count[P.region[k]] - 1 < P.lo[P.region[k]]) continue;
    bool needed = false;
    for (std::size_t e = P.s_start[k]; e < P.s_start[k + 1] && !needed; ++e) {
      const int i = P.s_dem[e];
      needed = P.coverable[i] && S.n1[i] == k && S.d2[i] >= P.penalty;
    }
    if (!needed) {
      S.set_open(k, false);
      S.refresh(k);
    }
  }
}

// Each picked point needs its own site when no candidate reaches two picked
// points; plus the quota minimums.
double set_cover_bound(const Prepared& P) {
  std::vector<int> pts;
  for (int i = 0; i < P.n_dem; ++i)
    if (P.coverable[i]) pts.push_back(i);
  std::stable_sort(pts.begin(), pts.end(), [&](int a, int b) {
    return P.d_start[a + 1] - P.d_start[a] < P.d_start[b + 1] - P.d_start[b];
  });
  std::vector<char> used(P.n_sites, 0);
  int packing = 0;
  for (int i : pts) {
    bool free = true;
    for (std::size_t k = P.d_start[i]; k < P.d_start[i + 1] && free; ++k) free = !used[P.d_site[k]];
    if (!free) continue;
    ++packing;
    for (std::size_t k = P.d_start[i]; k < P.d_start[i + 1]; ++k) used[P.d_site[k]] = 1;
  }
  std::vector<int> nfixed(P.n_regions, 0);
  int quota = 0;
  for (int j = 0; j < P.n_sites; ++j) nfixed[P.region[j]] += P.fixed[j];
  for (int r = 0; r < P.n_regions; ++r) quota += std::max(P.lo[r], nfixed[r]);
  return std::max(packing, quota);
}


// Makes `order` the open set of `best`: close the old sites, then open the new.
void adopt(State& best, const std::vector<int>& order) {
  const std::vector<int> old = best.order;
  for (int j : old) best.set_open(j, false);
  for (int j : old) best.refresh(j);
  for (int j : order) best.set_open(j, true);
  for (int j : order) best.refresh(j);
}
// Small instances: one swap at a time can stall where quotas and spacing
// interlock, so the search is restarted with each of the best few single
// sites forced into the construction, keeping the best local optimum.
void multi_start(const Instance& in, const Prepared& P, State& best, const HeuristicOptions& opt, int& passes) {
  if (opt.multi_starts <= 0 || P.s_dem.size() > opt.multi_start_max_pairs) return;
  State empty(P);
  std::vector<std::pair<double, int>> ranked;
  for (int j = 0; j < P.n_sites; ++j)
    if (!P.excluded[j] && !P.fixed[j]) ranked.push_back({-empty.gain(j), j});
  std::sort(ranked.begin(), ranked.end());
  double best_cost = best.cost();
  std::vector<int> best_order;
  const int starts = std::min<int>(opt.multi_starts, static_cast<int>(ranked.size()));
  for (int s = 0; s < starts; ++s) {
    const int forced = ranked[s].second;
    if (best.open[forced]) continue;
    Prepared P2 = P;
    P2.fixed[forced] = 1;
    // Forcing must keep the construction's premises: no spacing clash with a
    // fixed site and room for it under the counts.
    bool clash = false;
    for (int a : P.adj[forced]) clash = clash || P.fixed[a];
    std::vector<int> nfixed(P.n_regions, 0);
    for (int j = 0; j < P.n_sites; ++j) nfixed[P.region[j]] += P2.fixed[j];
    int need = 0;
    for (int r = 0; r < P.n_regions; ++r) {
      clash = clash || nfixed[r] > P.hi[r];
      need += std::max(P.lo[r], nfixed[r]);
    }
    if (clash || (in.objective != Objective::set_cover && need > P.p)) continue;
    State built(P2);
    try {
      construct(in, built);
    } catch (const RunError&) {
      continue;  // the forced site leaves no feasible completion
    }
    State S(P);
    for (int j : built.order) S.set_open(j, true);
    for (int j : built.order) S.refresh(j);
    passes += local_search(S, opt);
    if (S.cost() < best_cost - 1e-9 * std::max(1.0, best_cost)) {
      best_cost = S.cost();
      best_order = S.order;
    }
  }
  if (!best_order.empty()) adopt(best, best_order);
}

// With a capacity the fast swap pricing ignores the capacity, so small
// instances get extra passes that price each feasible swap by the greedy
// capacitated assignment itself (bounded number of evaluations).
void capacitated_swaps(const Prepared& P, State& S, double capacity, std::size_t max_pairs) {
  if (P.s_dem.size() > max_pairs) return;
  auto cost_of = [&](const std::vector<int>& sites) {
    double c = 0;
    greedy_assignment(P, sites, capacity, c);
    return c;
  };
  double best = cost_of(S.order);
  long budget = 20000;
  for (int pass = 0; pass < 10 && budget > 0; ++pass) {
    bool improved = false;
    for (int j = 0; j < P.n_sites && budget > 0; ++j) {
      if (S.open[j] || P.excluded[j] || S.conflicts[j] > 1) continue;
      const std::vector<int> open_now = S.order;
      for (int k : open_now) {
        if (!swap_ok(S, j, k)) continue;
        --budget;
        std::vector<int> trial = open_now;
        std::replace(trial.begin(), trial.end(), k, j);
        const double c = cost_of(trial);
        if (c < best - 1e-9 * std::max(1.0, best)) {
          best = c;
          S.set_open(j, true);
          S.set_open(k, false);
          S.refresh(j);
          S.refresh(k);
          improved = true;
          break;
        }
      }
    }
    if (!improved) break;
  }
}

// Drops every pair of open sites, bans them, completes greedily and searches
// again, keeping the best: reaches two-site exchanges that single swaps miss.
void drop_pairs(const Instance& in, const Prepared& P, State& best, const HeuristicOptions& opt, int& passes) {
  if (P.s_dem.size() > opt.multi_start_max_pairs || best.order.size() > 40) return;
  double best_cost = best.cost();
  std::vector<int> best_order;
  const std::vector<int> base = best.order;
  std::vector<char> banned(P.n_sites, 0);
  for (std::size_t a = 0; a < base.size(); ++a)
    for (std::size_t b = a + 1; b < base.size(); ++b) {
      if (P.fixed[base[a]] || P.fixed[base[b]]) continue;
      State T(best);
      T.set_open(base[a], false);
      T.set_open(base[b], false);
      T.refresh(base[a]);
      T.refresh(base[b]);
      banned[base[a]] = banned[base[b]] = 1;
      bool ok = true;
      try {
        construct(in, T, &banned);
      } catch (const RunError&) {
        ok = false;
      }
      banned[base[a]] = banned[base[b]] = 0;
      if (!ok) continue;
      passes += local_search(T, opt);
      if (T.cost() < best_cost - 1e-9 * std::max(1.0, best_cost)) {
        best_cost = T.cost();
        best_order = T.order;
      }
    }
  if (!best_order.empty()) adopt(best, best_order);
}

}  // namespace
}  // namespace detail

Solution solve_heuristic(const Instance& in, const HeuristicOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  validate(in);
  const auto P = detail::prepare(in);
  detail::State S(P);
  detail::construct(in, S);
  Solution sol;
  sol.method = "heuristic";
  if (in.objective == Objective::set_cover) {
    detail::drop_redundant(S);
    sol.sites = S.order;
    std::sort(sol.sites.begin(), sol.sites.end());
    sol.objective = static_cast<double>(sol.sites.size());
    sol.bound = detail::set_cover_bound(P);
  } else {
    sol.passes = detail::local_search(S, opt);
    detail::multi_start(in, P, S, opt, sol.passes);
    detail::drop_pairs(in, P, S, opt, sol.passes);
    if (in.capacity) detail::capacitated_swaps(P, S, *in.capacity, opt.multi_start_max_pairs);
    sol.sites = S.order;
    std::sort(sol.sites.begin(), sol.sites.end());
    double cost = S.cost();
    const double uncap_cost = cost;
    if (in.capacity) sol.flows = detail::greedy_assignment(P, sol.sites, *in.capacity, cost);
    sol.objective = detail::to_objective(in, P, cost);
    double lower = -1e300;
    if (opt.bound_iterations > 0) lower = detail::lagrangian_lower(P, sol.sites, uncap_cost, opt.bound_iterations);
    if (in.objective == Objective::mclp) sol.bound = std::min(P.total_w, P.total_w - lower);
    else sol.bound = std::max(0.0, lower);
  }
  sol.gap = detail::gap_of(in, sol.objective, sol.bound);
  sol.proven_optimal = sol.gap <= 1e-9;
  sol.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  check_solution(in, sol);
  return sol;
}

}  // namespace ruralnet::siting
