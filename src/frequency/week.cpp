// One fleet's week (docs/frequency.md, "Week schedule"): visit patterns,
// daily CVRPs and the packing of a day's routes onto the vehicles.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "ruralnet/core/error.hpp"
#include "ruralnet/frequency/plan.hpp"

namespace ruralnet::frequency {

namespace {
const char* const kDays[kMaxDays] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
}

const char* day_name(int day) { return day >= 0 && day < kMaxDays ? kDays[day] : "?"; }

std::string day_list(unsigned mask) {
  std::string s;
  for (int d = 0; d < kMaxDays; ++d)
    if (mask & (1u << d)) {
      if (!s.empty()) s += ',';
      s += kDays[d];
    }
  return s;
}

unsigned pattern(int k, int d, int phase) {
  unsigned m = 0;
  if (k <= 0 || d <= 0) return 0;
  k = std::min(k, d);
  for (int j = 0; j < k; ++j) m |= 1u << ((j * d / k + phase) % d);
  return m;
}

namespace {

InputLocation here() { return {"", "", "", ""}; }

// The week for given visits per stop, or nothing when the fleet cannot run it.
std::optional<FleetWeek> try_week(const FleetInput& in, const std::vector<int>& visits) {
  const std::size_t n = in.parcels_week.size() - 1;
  const std::size_t stride = n + 1;
  FleetWeek w;
  w.visits = visits;
  w.day_mask.assign(n + 1, 0);
  w.splits.assign(n + 1, 1);
  std::vector<double> per_visit(n + 1, 0.0);
  for (std::size_t i = 1; i <= n; ++i) {
    if (visits[i] <= 0) continue;
    per_visit[i] = in.parcels_week[i] / visits[i];
    w.splits[i] = std::max(1, static_cast<int>(std::ceil(per_visit[i] / in.capacity - 1e-9)));
  }
  // Phases: heaviest visits first, each where it least raises the busiest day.
  std::vector<std::size_t> order;
  for (std::size_t i = 1; i <= n; ++i)
    if (visits[i] > 0) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return per_visit[a] > per_visit[b]; });
  std::vector<double> day_load(static_cast<std::size_t>(in.days), 0.0);
  std::vector<double> day_count(static_cast<std::size_t>(in.days), 0.0);
  for (const std::size_t i : order) {
    unsigned best = 0;
    double best_max = 0, best_sq = 0, best_cnt = 0;
    for (int ph = 0; ph < in.days; ++ph) {
      const unsigned m = pattern(visits[i], in.days, ph);
      double mx = 0, sq = 0, cnt = 0;
      for (int d = 0; d < in.days; ++d) {
        const auto du = static_cast<std::size_t>(d);
        const double l = day_load[du] + ((m >> d) & 1u ? per_visit[i] : 0.0);
        const double c = day_count[du] + ((m >> d) & 1u ? 1.0 : 0.0);
        mx = std::max(mx, l);
        sq += l * l;
        cnt += c * c;
      }
      if (ph == 0 || mx < best_max - 1e-9 || (mx <= best_max + 1e-9 && (sq < best_sq - 1e-9 || (sq <= best_sq + 1e-9 && cnt < best_cnt)))) {
        best = m;
        best_max = mx;
        best_sq = sq;
        best_cnt = cnt;
      }
    }
    w.day_mask[i] = best;
    for (int d = 0; d < in.days; ++d)
      if ((best >> d) & 1u) {
        day_load[static_cast<std::size_t>(d)] += per_visit[i];
        day_count[static_cast<std::size_t>(d)] += 1.0;
      }
  }
  // Each day: a CVRP over that day's stops (a split stop as several customers).
  for (int d = 0; d < in.days; ++d) {
    std::vector<int> node;  // customer -> stop node
    for (std::size_t i = 1; i <= n; ++i)
      if ((w.day_mask[i] >> d) & 1u)
        for (int c = 0; c < w.splits[i]; ++c) node.push_back(static_cast<int>(i));
    if (node.empty()) continue;
    VrpInstance inst;
    const std::size_t m = node.size();
    inst.demand.assign(m + 1, 0.0);
    inst.cost.assign((m + 1) * (m + 1), 0.0);
    const auto at = [&](std::size_t c) { return c == 0 ? std::size_t{0} : static_cast<std::size_t>(node[c - 1]); };
    for (std::size_t a = 0; a <= m; ++a) {
      if (a > 0) inst.demand[a] = per_visit[at(a)] / w.splits[at(a)];
      for (std::size_t b = 0; b <= m; ++b) inst.cost[a * (m + 1) + b] = a == b ? 0.0 : in.time_s[at(a) * stride + at(b)];
    }
    inst.capacity = in.capacity;
    inst.max_duration = in.shift_s;
    inst.service_time = in.stop_s;
    SolverOptions so;
    so.perturbation_iterations = std::min(in.solver_rounds, 20 * static_cast<int>(m));
    if (m <= 2) so.perturbation_iterations = 0;
    const VrpSolution sol = solve(inst, so);
    // Longest routes first onto the first vehicle with time left.
    std::vector<std::size_t> ro(sol.routes.size());
    std::iota(ro.begin(), ro.end(), 0);
    std::stable_sort(ro.begin(), ro.end(), [&](std::size_t a, std::size_t b) { return sol.routes[a].duration > sol.routes[b].duration; });
    std::vector<double> used(static_cast<std::size_t>(in.vehicles), 0.0);
    std::vector<int> trips(static_cast<std::size_t>(in.vehicles), 0);
    for (const std::size_t r : ro) {
      const VrpRoute& route = sol.routes[r];
      std::size_t v = 0;
      while (v < used.size() && used[v] + route.duration > in.shift_s + 1e-6) ++v;
      if (v == used.size()) return std::nullopt;
      used[v] += route.duration;
      FleetTrip t;
      t.day = d;
      t.vehicle = static_cast<int>(v);
      t.trip = trips[v]++;
      std::size_t prev = 0;
      for (const int c : route.customers) {
        const std::size_t s = at(static_cast<std::size_t>(c));
        t.stops.push_back(static_cast<int>(s));
        t.loads.push_back(inst.demand[static_cast<std::size_t>(c)]);
        t.length_m += in.length_m[prev * stride + s];
        prev = s;
      }
      t.length_m += in.length_m[prev * stride];
      t.load = route.load;
      t.time_s = route.duration;
      w.length_m += t.length_m;
      w.time_s += t.time_s;
      w.parcels += t.load;
      w.trips.push_back(std::move(t));
    }
    if (in.max_length_m && w.length_m > *in.max_length_m + 1e-6) return std::nullopt;
  }
  return w;
}

}  // namespace

FleetWeek plan_fleet_week(const FleetInput& in) {
  if (in.parcels_week.empty()) throw InputError(here(), "a fleet's week needs the depot node");
  const std::size_t n = in.parcels_week.size() - 1;
  if (in.time_s.size() != (n + 1) * (n + 1) || in.length_m.size() != (n + 1) * (n + 1))
    throw InputError(here(), "travel matrices of a fleet's week do not match its stops");
  if (!(in.capacity > 0.0) || !std::isfinite(in.capacity)) throw InputError(here(), "vehicle capacity must be positive");
  if (!(in.shift_s > 0.0) || !std::isfinite(in.shift_s)) throw InputError(here(), "shift must be positive");
  if (in.days < 1 || in.days > kMaxDays) throw InputError(here(), "working days must be 1 to 7");
  if (in.vehicles < 0) throw InputError(here(), "vehicles must not be negative");
  std::vector<int> prio = in.priority;
  if (prio.empty())
    for (std::size_t i = 1; i <= n; ++i) prio.push_back(static_cast<int>(i));

  FleetWeek empty;
  empty.visits.assign(n + 1, 0);
  empty.day_mask.assign(n + 1, 0);
  empty.splits.assign(n + 1, 1);
  if (n == 0) {
    empty.feasible = true;
    return empty;
  }
  if (in.vehicles == 0) return empty;

  int tried = 0;
  const auto attempt = [&](const std::vector<int>& v) {
    ++tried;
    return try_week(in, v);
  };
  std::optional<FleetWeek> best;
  int base = 0;
  for (int k = in.days; k >= 1 && !best; --k) {
    std::vector<int> v(n + 1, k);
    v[0] = 0;
    if ((best = attempt(v))) base = k;
  }
  const int target = std::min(in.target, in.days);
  int up = base, raised = 0;
  if (base < target) {
    up = base >= 1 ? target : 1;
    const auto visits_for = [&](std::size_t m) {
      std::vector<int> v(n + 1, base);
      v[0] = 0;
      for (std::size_t i = 0; i < m && i < prio.size(); ++i) v[static_cast<std::size_t>(prio[i])] = up;
      return v;
    };
    std::size_t lo = 0, hi = n;  // lo fits (the base week), hi does not
    while (hi - lo > 1) {
      const std::size_t mid = (lo + hi) / 2;
      if (auto w = attempt(visits_for(mid))) {
        lo = mid;
        best = std::move(w);
      } else {
        hi = mid;
      }
    }
    raised = static_cast<int>(lo);
    if (raised == 0) up = base;
  }
  FleetWeek w = best ? std::move(*best) : empty;
  w.feasible = base >= 1;
  w.base_visits = base;
  w.raised_visits = up;
  w.raised = raised;
  w.weeks_solved = tried;
  return w;
}

}  // namespace ruralnet::frequency
