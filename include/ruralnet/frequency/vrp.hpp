// The capacitated vehicle routing problem (CVRP) behind delivery frequency
// planning: one depot, customers with a demand, identical vehicles with a
// capacity and optionally a longest allowed route duration.
//
// Node 0 is the depot, nodes 1..n the customers. Costs form a full (n+1)x(n+1)
// matrix that may be asymmetric; its unit is the caller's (seconds, metres,
// the integer distances of the VRPLIB instances). A route's duration is its
// travel cost plus service_time for every stop, so a duration limit only makes
// sense when costs are times.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace ruralnet::frequency {

struct VrpInstance {
  std::string name;
  // Row-major (n+1)x(n+1); cost[i*(n+1)+j] is the cost of going from i to j.
  std::vector<double> cost;
  // Size n+1; demand[0] (the depot) is ignored and should be 0.
  std::vector<double> demand;
  double capacity = 0.0;
  // Longest allowed route duration (travel + service); none when unset.
  std::optional<double> max_duration;
  // Time spent at every customer stop, counted in the route duration only.
  double service_time = 0.0;

  std::size_t customers() const { return demand.empty() ? 0 : demand.size() - 1; }
  std::size_t nodes() const { return demand.size(); }
  // The row length is nodes(), so set demand before reading costs.
  double c(std::size_t from, std::size_t to) const { return cost[from * demand.size() + to]; }

  // Builds a matrix from planar points with the TSPLIB EUC_2D rule (Euclidean
  // distance rounded to the nearest integer); points[0] is the depot.
  static std::vector<double> euc2d_matrix(const std::vector<std::pair<double, double>>& points);
};

struct VrpRoute {
  std::vector<int> customers;  // visiting order, customer indices 1..n, depot implied at both ends
  double cost = 0.0;           // travel cost depot -> ... -> depot
  double load = 0.0;           // sum of the customers' demands
  double duration = 0.0;       // cost + service_time per stop
};

struct VrpSolution {
  std::vector<VrpRoute> routes;
  double total_cost() const;
};

// Recomputes cost, load and duration of a route from the instance.
VrpRoute make_route(const VrpInstance& inst, std::vector<int> customers);

// ---------------------------------------------------------------- validation

struct Violation {
  enum class Kind {
    unknown_customer,    // index outside 1..n (or the depot inside a route)
    missing_customer,    // a customer on no route
    repeated_customer,   // a customer visited more than once
    empty_route,         // a route with no customer
    capacity_exceeded,   // recomputed load > capacity
    duration_exceeded,   // recomputed duration > max_duration
    cost_mismatch,       // reported route cost differs from the recomputed one
    load_mismatch,       // reported load differs
    duration_mismatch,   // reported duration differs
  };
  Kind kind;
  int route = -1;     // index into VrpSolution::routes, -1 when not about one route
  int customer = -1;  // the customer concerned, -1 when none
  std::string message;
};

const char* to_string(Violation::Kind kind);

// Checks a solution against the instance from scratch, independently of the
// solver: every customer exactly once, capacity and duration respected, and
// the reported figures equal to the recomputed ones within `tolerance`
// (absolute, plus the same relative to the value). Empty when valid.
std::vector<Violation> check_solution(const VrpInstance& inst, const VrpSolution& sol,
                                      double tolerance = 1e-6);

// ---------------------------------------------------------------- solving

struct SolverOptions {
  // Shape parameters of the savings s_ij = c_i0 + c_0j - lambda * c_ij; every
  // value is tried and the best locally optimised start kept.
  std::vector<double> lambdas{0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0};
  bool local_search = true;
  // Ruin-and-recreate rounds after the savings start (0 = none). Bounded by
  // count, never by time, so results do not depend on the machine.
  int perturbation_iterations = 5000;
  std::uint64_t seed = 20180705;
};

// Parallel Clarke-Wright savings for one lambda, no local search. For a
// symmetric matrix routes may be reversed when merged.
VrpSolution savings(const VrpInstance& inst, double lambda = 1.0);

// Savings over all lambdas, local search (2-opt, Or-opt within a route;
// relocate, exchange and 2-opt* between routes), then deterministic
// ruin-and-recreate with threshold acceptance. Throws InputError when the
// instance is malformed or a customer cannot be served by any vehicle.
VrpSolution solve(const VrpInstance& inst, const SolverOptions& options = {});

// Throws InputError when sizes disagree, a value is negative or not finite,
// or a single customer exceeds the capacity or the duration limit alone.
void check_instance(const VrpInstance& inst);

// ---------------------------------------------------------------- VRPLIB input

// Reads a CVRP instance in the TSPLIB/VRPLIB text format (NAME, DIMENSION,
// CAPACITY, EDGE_WEIGHT_TYPE EUC_2D, NODE_COORD_SECTION, DEMAND_SECTION,
// DEPOT_SECTION). The depot becomes node 0 and the other nodes keep their
// file order as customers 1..n. Bad input throws InputError naming the file
// (`source`) and the line.
VrpInstance parse_vrplib(std::istream& in, const std::string& source);
VrpInstance read_vrplib(const std::filesystem::path& path);

}  // namespace ruralnet::frequency
