// Route builder quality and speed on six CVRPLIB instances (sets A, E, M).
// Each run reports, for the full solver and for its parts measured in the
// same run: the cost and gap to the best-known cost of plain savings (best
// lambda, the baseline), of savings + local search, and of the whole solver
// (with ruin-and-recreate); time is given as milliseconds and as a ratio to
// the savings baseline. The instances are read from ../shared/cvrplib next
// to the source tree, or from the folder in RURALNET_CVRPLIB.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "ruralnet/frequency/vrp.hpp"

using namespace ruralnet::frequency;

namespace {

struct Case {
  const char* name;
  double best_known;
};
const std::vector<Case> kCases{{"A-n32-k5", 784},    {"A-n45-k6", 944},     {"A-n80-k10", 1763},
                               {"E-n51-k5", 521},    {"M-n200-k16", 1274}, {"M-n200-k17", 1275}};

std::filesystem::path data_dir() {
  if (const char* env = std::getenv("RURALNET_CVRPLIB")) return env;
  return std::filesystem::path(__FILE__).parent_path() / "../../../shared/cvrplib";
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void BM_cvrp(benchmark::State& state) {
  const Case& cs = kCases[static_cast<std::size_t>(state.range(0))];
  const auto path = data_dir() / (std::string(cs.name) + ".vrp");
  if (!std::filesystem::exists(path)) {
    state.SkipWithError(("missing " + path.string()).c_str());
    return;
  }
  const VrpInstance in = read_vrplib(path);
  state.SetLabel(cs.name);
  const SolverOptions defaults;
  double sav_cost = 0, ls_cost = 0, cost = 0, sav_ms = 0, ls_ms = 0, full_ms = 0;
  std::size_t routes = 0;
  bool valid = true;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    sav_cost = std::numeric_limits<double>::infinity();
    for (double lambda : defaults.lambdas) sav_cost = std::min(sav_cost, savings(in, lambda).total_cost());
    sav_ms = ms_since(t0);

    SolverOptions ls_only;
    ls_only.perturbation_iterations = 0;
    t0 = std::chrono::steady_clock::now();
    ls_cost = solve(in, ls_only).total_cost();
    ls_ms = ms_since(t0);

    t0 = std::chrono::steady_clock::now();
    const VrpSolution s = solve(in, defaults);
    full_ms = ms_since(t0);
    cost = s.total_cost();
    routes = s.routes.size();
    valid = valid && check_solution(in, s).empty();
    benchmark::DoNotOptimize(cost);
  }
  if (!valid) state.SkipWithError("solution failed check_solution");
  auto gap = [&](double c) { return 100.0 * (c - cs.best_known) / cs.best_known; };
  state.counters["cost"] = cost;
  state.counters["best_known"] = cs.best_known;
  state.counters["gap_pct"] = gap(cost);
  state.counters["routes"] = static_cast<double>(routes);
  state.counters["savings_cost"] = sav_cost;
  state.counters["savings_gap_pct"] = gap(sav_cost);
  state.counters["ls_cost"] = ls_cost;
  state.counters["ls_gap_pct"] = gap(ls_cost);
  state.counters["savings_ms"] = sav_ms;
  state.counters["ls_ms"] = ls_ms;
  state.counters["solve_ms"] = full_ms;
  state.counters["time_vs_savings"] = sav_ms > 0 ? full_ms / sav_ms : 0.0;
}

}  // namespace

BENCHMARK(BM_cvrp)->DenseRange(0, 5)->Iterations(1)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
