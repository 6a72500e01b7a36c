// Instance utilities and the independent solution checker. Nothing here shares
// code with the solver, so a solver bug cannot hide itself from the check.
#include <cmath>
#include <sstream>

#include "ruralnet/core/error.hpp"
#include "ruralnet/frequency/vrp.hpp"

namespace ruralnet::frequency {

std::vector<double> VrpInstance::euc2d_matrix(const std::vector<std::pair<double, double>>& points) {
  const std::size_t n = points.size();
  std::vector<double> m(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const double dx = points[i].first - points[j].first;
      const double dy = points[i].second - points[j].second;
      // TSPLIB nint: round half up of a non-negative value.
      m[i * n + j] = std::floor(std::sqrt(dx * dx + dy * dy) + 0.5);
    }
  return m;
}

double VrpSolution::total_cost() const {
  double t = 0.0;
  for (const auto& r : routes) t += r.cost;
  return t;
}

VrpRoute make_route(const VrpInstance& inst, std::vector<int> customers) {
  VrpRoute r;
  std::size_t prev = 0;
  for (int c : customers) {
    const auto u = static_cast<std::size_t>(c);
    r.cost += inst.c(prev, u);
    r.load += inst.demand[u];
    prev = u;
  }
  if (!customers.empty()) r.cost += inst.c(prev, 0);
  r.duration = r.cost + inst.service_time * static_cast<double>(customers.size());
  r.customers = std::move(customers);
  return r;
}

const char* to_string(Violation::Kind kind) {
  switch (kind) {
    case Violation::Kind::unknown_customer: return "unknown_customer";
    case Violation::Kind::missing_customer: return "missing_customer";
    case Violation::Kind::repeated_customer: return "repeated_customer";
    case Violation::Kind::empty_route: return "empty_route";
    case Violation::Kind::capacity_exceeded: return "capacity_exceeded";
    case Violation::Kind::duration_exceeded: return "duration_exceeded";
    case Violation::Kind::cost_mismatch: return "cost_mismatch";
    case Violation::Kind::load_mismatch: return "load_mismatch";
    case Violation::Kind::duration_mismatch: return "duration_mismatch";
  }
  return "unknown";
}

namespace {

bool differs(double reported, double actual, double tol) {
  return std::fabs(reported - actual) > tol * (1.0 + std::fabs(actual));
}

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

}  // namespace

std::vector<Violation> check_solution(const VrpInstance& inst, const VrpSolution& sol, double tolerance) {
  std::vector<Violation> out;
  const std::size_t n = inst.customers();
  std::vector<int> seen(n + 1, 0);
  std::vector<int> first_route(n + 1, -1);
  for (std::size_t ri = 0; ri < sol.routes.size(); ++ri) {
    const auto& r = sol.routes[ri];
    const int rid = static_cast<int>(ri);
    const std::string where = "route " + std::to_string(ri);
    if (r.customers.empty()) {
      out.push_back({Violation::Kind::empty_route, rid, -1, where + " visits no customer"});
    }
    double cost = 0.0, load = 0.0;
    std::size_t prev = 0;
    bool path_ok = true;
    for (int c : r.customers) {
      if (c < 1 || static_cast<std::size_t>(c) > n) {
        out.push_back({Violation::Kind::unknown_customer, rid, c,
                       where + " visits " + std::to_string(c) + ", not a customer 1.." + std::to_string(n)});
        path_ok = false;
        continue;
      }
      const auto u = static_cast<std::size_t>(c);
      if (seen[u]++ > 0) {
        out.push_back({Violation::Kind::repeated_customer, rid, c,
                       where + " visits customer " + std::to_string(c) + " already visited on route " +
                           std::to_string(first_route[u])});
      } else {
        first_route[u] = rid;
      }
      cost += inst.c(prev, u);
      load += inst.demand[u];
      prev = u;
    }
    if (!r.customers.empty()) cost += inst.c(prev, 0);
    const double duration = cost + inst.service_time * static_cast<double>(r.customers.size());
    if (load > inst.capacity + tolerance)
      out.push_back({Violation::Kind::capacity_exceeded, rid, -1,
                     where + " carries " + fmt(load) + " > capacity " + fmt(inst.capacity)});
    if (inst.max_duration && duration > *inst.max_duration + tolerance)
      out.push_back({Violation::Kind::duration_exceeded, rid, -1,
                     where + " lasts " + fmt(duration) + " > limit " + fmt(*inst.max_duration)});
    if (!path_ok) continue;  // recomputed figures are meaningless with unknown stops
    if (differs(r.cost, cost, tolerance))
      out.push_back({Violation::Kind::cost_mismatch, rid, -1,
                     where + " reports cost " + fmt(r.cost) + ", recomputed " + fmt(cost)});
    if (differs(r.load, load, tolerance))
      out.push_back({Violation::Kind::load_mismatch, rid, -1,
                     where + " reports load " + fmt(r.load) + ", recomputed " + fmt(load)});
    if (differs(r.duration, duration, tolerance))
      out.push_back({Violation::Kind::duration_mismatch, rid, -1,
                     where + " reports duration " + fmt(r.duration) + ", recomputed " + fmt(duration)});
  }
  for (std::size_t u = 1; u <= n; ++u)
    if (seen[u] == 0)
      out.push_back({Violation::Kind::missing_customer, -1, static_cast<int>(u),
                     "customer " + std::to_string(u) + " is on no route"});
  return out;
}

void check_instance(const VrpInstance& inst) {
  const InputLocation where{inst.name, "", "", ""};
  const std::size_t m = inst.nodes();
  if (m == 0) throw InputError(where, "the instance has no depot (demand list is empty)");
  if (inst.cost.size() != m * m)
    throw InputError(where, "cost matrix has " + std::to_string(inst.cost.size()) + " entries, expected " +
                                std::to_string(m * m) + " for " + std::to_string(m) + " nodes");
  for (std::size_t k = 0; k < inst.cost.size(); ++k)
    if (!std::isfinite(inst.cost[k]) || inst.cost[k] < 0)
      throw InputError(where, "cost from node " + std::to_string(k / m) + " to " + std::to_string(k % m) +
                                  " is " + fmt(inst.cost[k]) + "; costs must be finite and >= 0");
  if (!std::isfinite(inst.capacity) || inst.capacity <= 0)
    throw InputError(where, "vehicle capacity " + fmt(inst.capacity) + " must be > 0");
  if (!std::isfinite(inst.service_time) || inst.service_time < 0)
    throw InputError(where, "service time " + fmt(inst.service_time) + " must be >= 0");
  if (inst.max_duration && !(*inst.max_duration > 0))
    throw InputError(where, "maximum route duration " + fmt(*inst.max_duration) + " must be > 0");
  for (std::size_t u = 1; u < m; ++u) {
    const InputLocation cu{inst.name, "", "customer " + std::to_string(u), ""};
    if (!std::isfinite(inst.demand[u]) || inst.demand[u] < 0)
      throw InputError(cu, "demand " + fmt(inst.demand[u]) + " must be finite and >= 0");
    if (inst.demand[u] > inst.capacity)
      throw InputError(cu, "demand " + fmt(inst.demand[u]) + " exceeds the vehicle capacity " + fmt(inst.capacity),
                       "split the customer's demand or raise the capacity");
    if (inst.max_duration) {
      const double d = inst.c(0, u) + inst.c(u, 0) + inst.service_time;
      if (d > *inst.max_duration)
        throw InputError(cu, "a round trip to this customer alone lasts " + fmt(d) + " > limit " +
                                 fmt(*inst.max_duration),
                         "raise the maximum route duration");
    }
  }
}

}  // namespace ruralnet::frequency
