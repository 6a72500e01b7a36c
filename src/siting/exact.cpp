#include <coin/Cbc_C_Interface.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include "prepared.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/siting/siting.hpp"

namespace ruralnet::siting {

// Columns: y_j (binary, fixed/excluded through the bounds), then for mclp and
// p-median x_e per reach entry (continuous; integral at an optimum without
// capacity, a transport flow with it) and u_i (unserved share of point i).
Solution solve_exact(const Instance& in, const ExactOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  validate(in);
  const auto P = detail::prepare(in);
  if (P.s_dem.size() > opt.max_nonzeros)
    throw UsageError("siting: the instance has " + std::to_string(P.s_dem.size()) +
                         " site-demand pairs, above the exact backend's limit of " +
                         std::to_string(opt.max_nonzeros),
                     "use the heuristic for large instances");
  std::unique_ptr<Cbc_Model, void (*)(Cbc_Model*)> m(Cbc_newModel(), Cbc_deleteModel);
  Cbc_Model* M = m.get();
  Cbc_setLogLevel(M, 0);
  const bool cover = in.objective == Objective::set_cover;
  const int ns = P.n_sites;
  for (int j = 0; j < ns; ++j)
    Cbc_addCol(M, "", P.fixed[j] ? 1.0 : 0.0, P.excluded[j] ? 0.0 : 1.0, cover ? 1.0 : 0.0, 1, 0, nullptr, nullptr);
  const int x0 = ns;
  const int ne = static_cast<int>(P.s_dem.size());
  const int u0 = x0 + ne;
  std::vector<int> cols;
  std::vector<double> vals;
  auto row = [&](char sense, double rhs) {
    Cbc_addRow(M, "", static_cast<int>(cols.size()), cols.data(), vals.data(), sense, rhs);
    cols.clear();
    vals.clear();
  };
  if (cover) {
    for (int i = 0; i < P.n_dem; ++i) {
      if (!P.coverable[i]) continue;
      for (std::size_t k = P.d_start[i]; k < P.d_start[i + 1]; ++k) {
        cols.push_back(P.d_site[k]);
        vals.push_back(1.0);
      }
      row('G', 1.0);
    }
  } else {
    for (int e = 0; e < ne; ++e) Cbc_addCol(M, "", 0.0, 1.0, P.w[P.s_dem[e]] * P.s_cost[e], 0, 0, nullptr, nullptr);
    for (int i = 0; i < P.n_dem; ++i) Cbc_addCol(M, "", 0.0, 1.0, P.w[i] * P.penalty, 0, 0, nullptr, nullptr);
    // Entry index of each reverse entry, to write the assignment rows.
    std::vector<std::size_t> pos(P.d_start.begin(), P.d_start.end() - 1);
    std::vector<int> entry_of(ne);
    for (int j = 0; j < ns; ++j)
      for (std::size_t k = P.s_start[j]; k < P.s_start[j + 1]; ++k) entry_of[pos[P.s_dem[k]]++] = static_cast<int>(k);
    for (int i = 0; i < P.n_dem; ++i) {
      for (std::size_t k = P.d_start[i]; k < P.d_start[i + 1]; ++k) {
        cols.push_back(x0 + entry_of[k]);
        vals.push_back(1.0);
      }
      cols.push_back(u0 + i);
      vals.push_back(1.0);
      row('E', 1.0);
    }
    for (int j = 0; j < ns; ++j)
      for (std::size_t k = P.s_start[j]; k < P.s_start[j + 1]; ++k) {
        cols = {x0 + static_cast<int>(k), j};
        vals = {1.0, -1.0};
        row('L', 0.0);
      }
    if (in.capacity)
      for (int j = 0; j < ns; ++j) {
        for (std::size_t k = P.s_start[j]; k < P.s_start[j + 1]; ++k) {
          cols.push_back(x0 + static_cast<int>(k));
          vals.push_back(P.w[P.s_dem[k]]);
        }
        cols.push_back(j);
        vals.push_back(-*in.capacity);
        row('L', 0.0);
      }
    for (int j = 0; j < ns; ++j) {
      cols.push_back(j);
      vals.push_back(1.0);
    }
    row('E', static_cast<double>(P.p));
  }
  for (int r = 0; r < P.n_regions; ++r) {
    std::vector<int> rc;
    for (int j = 0; j < ns; ++j)
      if (P.region[j] == r) rc.push_back(j);
    if (P.lo[r] > 0) {
      cols = rc;
      vals.assign(rc.size(), 1.0);
      row('G', P.lo[r]);
    }
    if (P.hi[r] < static_cast<int>(rc.size())) {
      cols = rc;
      vals.assign(rc.size(), 1.0);
      row('L', P.hi[r]);
    }
  }
  for (auto [a, b] : in.conflicts) {
    if (a == b) continue;
    cols = {a, b};
    vals = {1.0, 1.0};
    row('L', 1.0);
  }
  Cbc_setObjSense(M, 1.0);
  Cbc_setMaximumSeconds(M, opt.time_limit_s);
  Cbc_setAllowableGap(M, 1e-7);
  Cbc_setAllowableFractionGap(M, 1e-9);
  Cbc_solve(M);
  if (Cbc_isProvenInfeasible(M))
    throw RunError("siting: no set of sites meets the quotas, fixed and excluded sites and the minimum spacing together",
                   "lower a quota or the minimum spacing, or unfix a site");
  // The best integer solution, or none: after a time limit the column
  // solution may be a fractional relaxation.
  const double* x = Cbc_bestSolution(M);
  if (!x || Cbc_isAbandoned(M))
    throw RunError("siting: the exact solver found no feasible solution within " + std::to_string(opt.time_limit_s) +
                   " s", "raise the time limit or use the heuristic");
  Solution sol;
  sol.method = "exact";
  for (int j = 0; j < ns; ++j)
    if (x[j] > 0.5) sol.sites.push_back(j);
  double cost = 0;
  if (cover) {
    cost = static_cast<double>(sol.sites.size());
  } else if (in.capacity) {
    for (int e = 0; e < ne; ++e) {
      const double f = x[x0 + e] * P.w[P.s_dem[e]];
      if (f > 1e-12) {
        int j = 0;
        while (P.s_start[j + 1] <= static_cast<std::size_t>(e)) ++j;
        sol.flows.push_back({P.s_dem[e], j, f});
      }
    }
  }
  sol.proven_optimal = Cbc_isProvenOptimal(M) != 0;
  const double best_possible = Cbc_getBestPossibleObjValue(M);
  if (in.objective == Objective::mclp || in.objective == Objective::p_median) {
    // The objective comes from the assignment the model implies, recomputed.
    sol.objective = evaluate(in, sol.sites, in.capacity ? &sol.flows : nullptr);
    cost = in.objective == Objective::mclp ? P.total_w - sol.objective : sol.objective;
  } else {
    sol.objective = cost;
  }
  double lower = sol.proven_optimal ? std::min(cost, best_possible) : best_possible;
  lower -= 1e-7 * std::max(1.0, std::abs(lower));
  if (cover) lower = std::ceil(lower - 1e-6);
  sol.bound = in.objective == Objective::mclp ? P.total_w - lower : std::max(0.0, lower);
  if (in.objective == Objective::mclp) sol.bound = std::max(sol.bound, sol.objective);
  else sol.bound = std::min(sol.bound, sol.objective);
  sol.gap = detail::gap_of(in, sol.objective, sol.bound);
  sol.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  check_solution(in, sol);
  return sol;
}

}  // namespace ruralnet::siting
