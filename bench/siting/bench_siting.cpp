// The siting heuristic against the exact CBC backend on small random
// instances (objective ratio and speed-up, measured in the same run), and the
// heuristic alone on a large synthetic instance with its Lagrangian gap.
//
//   bench_siting --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "ruralnet/siting/siting.hpp"

namespace {

using namespace ruralnet::siting;

// Demand points one per cell of a w x h grid (1 km cells, jittered); candidates
// at random cells reach the points within `radius` cells whose travel time
// (2 min per km, with a random detour factor) is within `cutoff` minutes.
// Regions are vertical strips.
Instance grid_instance(Objective obj, int w, int h, int candidates, int regions, int sites, int radius, double cutoff,
                       unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> jitter(-0.4, 0.4), detour(1.0, 1.6), weight(50, 1500);
  Instance in;
  in.objective = obj;
  std::vector<double> px(static_cast<std::size_t>(w) * h), py(px.size());
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * w + x;
      px[i] = x + jitter(rng);
      py[i] = y + jitter(rng);
      in.demand_weight.push_back(std::round(weight(rng)));
    }
  for (int r = 0; r < regions; ++r) in.region_names.push_back("county " + std::to_string(r));
  for (int j = 0; j < candidates; ++j) {
    const int cx = static_cast<int>(rng() % w), cy = static_cast<int>(rng() % h);
    in.site_region.push_back(std::min(regions - 1, cx * regions / w));
    std::vector<Reach> reach;
    for (int y = std::max(0, cy - radius); y <= std::min(h - 1, cy + radius); ++y)
      for (int x = std::max(0, cx - radius); x <= std::min(w - 1, cx + radius); ++x) {
        const std::size_t i = static_cast<std::size_t>(y) * w + x;
        const double t = 2.0 * std::hypot(px[i] - cx, py[i] - cy) * detour(rng);
        if (t <= cutoff) reach.push_back({static_cast<std::int32_t>(i), std::round(t * 10) / 10});
      }
    in.reach.push_back(std::move(reach));
  }
  in.max_time_min = cutoff * 0.6;
  in.sites = sites;
  for (int r = 0; r < regions; ++r) in.quotas.push_back({r, sites / regions / 2, false});
  in.unreachable_penalty_min = 2 * cutoff;
  return in;
}

void small(benchmark::State& state, Objective obj) {
  double hsum = 0, esum = 0, ratio_sum = 0, worst = 1;
  int n = 0;
  for (auto _ : state) {
    for (unsigned seed = 1; seed <= 5; ++seed) {
      auto in = grid_instance(obj, 20, 15, 60, 3, 6, 3, 12, seed);
      in.conflicts = conflicts_within(
          60, [&](int a, int b) { return a * 7 % 13 == b * 7 % 13 && std::abs(a - b) < 20 ? 0.0 : 1.0; }, 0.5);
      const auto h = solve_heuristic(in);
      const auto e = solve_exact(in);
      hsum += h.seconds;
      esum += e.seconds;
      const double r = obj == Objective::mclp ? h.objective / e.objective : e.objective / h.objective;
      ratio_sum += r;
      worst = std::min(worst, r);
      ++n;
    }
  }
  state.counters["objective_ratio_mean"] = ratio_sum / n;
  state.counters["objective_ratio_worst"] = worst;
  state.counters["speedup_vs_exact"] = esum / hsum;
  state.counters["heuristic_ms"] = 1000 * hsum / n;
  state.counters["exact_ms"] = 1000 * esum / n;
}
BENCHMARK_CAPTURE(small, mclp, Objective::mclp)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(small, p_median, Objective::p_median)->Unit(benchmark::kMillisecond)->Iterations(1);

void large(benchmark::State& state, Objective obj) {
  // 1000 x 500 = 500,000 points, 50,000 candidates, ~20-50 points each.
  const auto in = grid_instance(obj, 1000, 500, 50000, 7, 700, 4, 7.5, 42);
  std::size_t pairs = 0;
  for (const auto& r : in.reach) pairs += r.size();
  Solution s;
  for (auto _ : state) s = solve_heuristic(in);
  state.counters["pairs_per_candidate"] = static_cast<double>(pairs) / static_cast<double>(in.reach.size());
  state.counters["heuristic_s"] = s.seconds;
  state.counters["objective"] = s.objective;
  state.counters["bound"] = s.bound;
  state.counters["gap_pct"] = 100 * s.gap;
  state.counters["passes"] = s.passes;
}
BENCHMARK_CAPTURE(large, mclp, Objective::mclp)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK_CAPTURE(large, p_median, Objective::p_median)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
