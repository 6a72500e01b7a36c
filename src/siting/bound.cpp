#include <algorithm>
#include <cmath>
#include <numeric>

#include "prepared.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/siting/siting.hpp"

namespace ruralnet::siting {
namespace detail {

// Relaxing sum_j x_ij + u_i = 1 with multipliers lambda_i leaves, per site,
// rho_j = sum_i min(0, w_i c_ij - lambda_i) and, per point, min(0, w_i P - lambda_i);
// the sites are then chosen by cheapest rho under the count and quota limits
// (region minimums first, then the cheapest overall below each region maximum),
// which is exact for that selection problem. Spacing and capacity are dropped,
// so every L(lambda) is a valid lower bound.
double lagrangian_lower(const Prepared& P, const std::vector<int>& start_sites, double upper, int iterations) {
  std::vector<char> open(P.n_sites, 0);
  for (int j : start_sites) open[j] = 1;
  std::vector<double> lambda(P.n_dem);
  for (int i = 0; i < P.n_dem; ++i) {
    double d = P.penalty;
    for (std::size_t k = P.d_start[i]; k < P.d_start[i + 1]; ++k)
      if (open[P.d_site[k]]) d = std::min(d, P.d_cost[k]);
    lambda[i] = P.w[i] * d;
  }
  std::vector<double> rho(P.n_sites), g(P.n_dem);
  std::vector<int> cand, count(P.n_regions);
  std::vector<char> chosen(P.n_sites);
  for (int j = 0; j < P.n_sites; ++j)
    if (!P.excluded[j] && !P.fixed[j]) cand.push_back(j);
  double best = -1e300, theta = 2.0;
  int stall = 0;
  for (int it = 0; it < iterations; ++it) {
    double L = 0;
    for (int i = 0; i < P.n_dem; ++i) L += lambda[i] + std::min(0.0, P.w[i] * P.penalty - lambda[i]);
    for (int j = 0; j < P.n_sites; ++j) {
      double r = 0;
      for (std::size_t k = P.s_start[j]; k < P.s_start[j + 1]; ++k)
        r += std::min(0.0, P.w[P.s_dem[k]] * P.s_cost[k] - lambda[P.s_dem[k]]);
      rho[j] = r;
    }
    std::fill(chosen.begin(), chosen.end(), 0);
    std::fill(count.begin(), count.end(), 0);
    int taken = 0;
    for (int j = 0; j < P.n_sites; ++j)
      if (P.fixed[j]) {
        chosen[j] = 1;
        ++count[P.region[j]];
        ++taken;
        L += rho[j];
      }
    std::sort(cand.begin(), cand.end(), [&](int a, int b) { return rho[a] != rho[b] ? rho[a] < rho[b] : a < b; });
    for (int j : cand)
      if (count[P.region[j]] < P.lo[P.region[j]]) {
        chosen[j] = 1;
        ++count[P.region[j]];
        ++taken;
        L += rho[j];
      }
    for (int j : cand) {
      if (taken >= P.p) break;
      if (chosen[j] || count[P.region[j]] >= P.hi[P.region[j]]) continue;
      chosen[j] = 1;
      ++count[P.region[j]];
      ++taken;
      L += rho[j];
    }
    if (L > best + 1e-12 * std::max(1.0, std::abs(best))) {
      best = L;
      stall = 0;
    } else if (++stall >= 20) {
      theta /= 2;
      stall = 0;
    }
    if (upper - best <= 1e-9 * std::max(1.0, std::abs(upper)) || theta < 1e-4) break;
    // Subgradient of the relaxed equality rows.
    for (int i = 0; i < P.n_dem; ++i) g[i] = 1.0 - (P.w[i] * P.penalty - lambda[i] < 0 ? 1.0 : 0.0);
    for (int j = 0; j < P.n_sites; ++j) {
      if (!chosen[j]) continue;
      for (std::size_t k = P.s_start[j]; k < P.s_start[j + 1]; ++k)
        if (P.w[P.s_dem[k]] * P.s_cost[k] - lambda[P.s_dem[k]] < 0) g[P.s_dem[k]] -= 1.0;
    }
    double norm = 0;
    for (double x : g) norm += x * x;
    if (norm <= 0) break;  // the relaxed solution is feasible, so L is optimal
    const double step = theta * std::max(upper - L, 1e-9 * std::max(1.0, std::abs(upper))) / norm;
    for (int i = 0; i < P.n_dem; ++i)
      lambda[i] = std::clamp(lambda[i] + step * g[i], 0.0, P.w[i] * P.penalty);
  }
  // Leave room for rounding in the sums above.
  return best - 1e-9 * std::max(1.0, std::abs(best));
}

}  // namespace detail

double lagrangian_bound(const Instance& in, const std::vector<int>& start_sites, int iterations) {
  validate(in);
  if (in.objective == Objective::set_cover)
    throw UsageError("siting: the Lagrangian bound is for MCLP and p-median, not set covering");
  const auto P = detail::prepare(in);
  double upper = 0;
  {
    std::vector<char> open(P.n_sites, 0);
    for (int j : start_sites) open[j] = 1;
    for (int i = 0; i < P.n_dem; ++i) {
      double d = P.penalty;
      for (std::size_t k = P.d_start[i]; k < P.d_start[i + 1]; ++k)
        if (open[P.d_site[k]]) d = std::min(d, P.d_cost[k]);
      upper += P.w[i] * d;
    }
  }
  const double lower = detail::lagrangian_lower(P, start_sites, upper, iterations);
  return in.objective == Objective::mclp ? P.total_w - lower : lower;
}

}  // namespace ruralnet::siting
