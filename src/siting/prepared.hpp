// Internal: every model as one generalised p-median. MCLP and set covering use
// cost 0 for a pair within T and penalty 1 for an unserved point, so the
// weighted penalty is the uncovered weight.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ruralnet/siting/siting.hpp"

namespace ruralnet::siting::detail {

struct Prepared {
  int n_sites = 0, n_dem = 0, n_regions = 0, p = 0;
  std::vector<double> w;                   // weights (1 per coverable point for set_cover)
  double penalty = 1;                      // cost of an unserved point
  std::vector<std::size_t> s_start;        // per site: entries [s_start[j], s_start[j+1])
  std::vector<int> s_dem;
  std::vector<double> s_cost;
  std::vector<std::size_t> d_start;        // per demand: reverse entries
  std::vector<int> d_site;
  std::vector<double> d_cost;
  std::vector<int> region;                 // per site
  std::vector<int> lo, hi;                 // per region site-count limits
  std::vector<char> fixed, excluded;
  std::vector<std::vector<int>> adj;       // spacing conflicts
  std::vector<char> coverable;             // set_cover: must be covered
  double total_w = 0;
};

Prepared prepare(const Instance& in);
std::string region_name(const Instance& in, int r);
double penalty_of(const Instance& in);

// Greedy capacitated assignment (cheapest pair first): flows and the
// generalised cost.
std::vector<Flow> greedy_assignment(const Prepared& P, const std::vector<int>& sites,
                                    double capacity, double& cost);

// Lagrangian lower bound of the generalised p-median.
double lagrangian_lower(const Prepared& P, const std::vector<int>& start_sites, double upper,
                        int iterations);

// Converts a generalised cost to the model's objective and back.
double to_objective(const Instance& in, const Prepared& P, double cost);
double gap_of(const Instance& in, double objective, double bound);

}  // namespace ruralnet::siting::detail
