// `ruralnet site` on the Lu'an demo dataset (synth seed 1, in memory): both
// levels, all counties, against the network search alone measured in the same
// run (one bounded search per candidate: the part every siting run needs).
//
//   bench_siting --benchmark_filter=demo --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "ruralnet/network/build.hpp"
#include "ruralnet/quota/plan.hpp"
#include "ruralnet/siting/plan.hpp"
#include "ruralnet/synth/synth.hpp"

namespace {

using namespace ruralnet;
using Clock = std::chrono::steady_clock;

struct Demo {
  model::Dataset ds;
  network::DatasetGraph g;
};

const Demo& demo() {
  static const Demo d = [] {
    Demo x;
    x.ds = synth::generate_tile(1, synth::Scale::luan, 0).data;
    // The generator leaves the layer extents (filled by a read) empty; the
    // local CRS is chosen from them.
    Extent e;
    for (const auto& r : x.ds.roads)
      for (const auto& part : r.geometry)
        for (const auto& p : part) e.add(p);
    for (const auto& v : x.ds.villages) e.add(v.location);
    x.ds.layers["roads"].present = true;
    x.ds.layers["roads"].extent = e;
    x.g = network::build_dataset_graph(x.ds, network::BuildOptions{}, ProgressSettings{true});
    return x;
  }();
  return d;
}

// The plan's quotas (docs/plan.md): provincial 45, municipal 89.
siting::SitingOptions options(siting::Objective obj, bool designated) {
  siting::SitingOptions o;
  o.progress = ProgressSettings{true};
  o.objective = obj;
  o.use_designated = designated;
  siting::LevelSpec p{siting::Level::provincial,
                      {{"341502", 6}, {"341503", 6}, {"341504", 3}, {"341522", 8}, {"341523", 8}, {"341524", 8}, {"341525", 6}},
                      false, 45, std::nullopt};
  siting::LevelSpec m{siting::Level::municipal,
                      {{"341502", 12}, {"341503", 12}, {"341504", 5}, {"341522", 16}, {"341523", 16}, {"341524", 16}, {"341525", 12}},
                      false, 89, std::nullopt};
  o.levels = {p, m};
  return o;
}

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// starts/bound_it < 0: the command's defaults.
void demo_site(benchmark::State& state, siting::Objective obj, bool designated, int starts = -1, int bound_it = -1) {
  const Demo& d = demo();
  auto o = options(obj, designated);
  if (starts >= 0) o.heuristic.multi_starts = starts;
  if (bound_it >= 0) o.heuristic.bound_iterations = bound_it;
  double prep = 0, solve = 0;
  siting::SitingResult r;
  int n = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    siting::SitingInput in = siting::prepare(d.ds, d.g.table, d.g.built, o);
    const auto t1 = Clock::now();
    r = siting::solve_levels(d.ds, std::move(in), o);
    prep += std::chrono::duration<double>(t1 - t0).count();
    solve += since(t1);
    ++n;
  }
  std::size_t pairs = 0;
  for (const auto& l : r.input.reach) pairs += l.size();
  state.counters["candidates"] = static_cast<double>(r.input.candidates.size());
  state.counters["reach_pairs"] = static_cast<double>(pairs);
  state.counters["network_ms"] = 1000 * r.input.network_seconds;
  state.counters["prepare_ms"] = 1000 * prep / n;
  state.counters["solve_ms"] = 1000 * solve / n;
  state.counters["total_per_network"] = (prep + solve) / n / r.input.network_seconds;
  state.counters["gap_prov_pct"] = 100 * r.levels[0].solution.gap;
  state.counters["gap_muni_pct"] = 100 * r.levels[1].solution.gap;
}
BENCHMARK_CAPTURE(demo_site, mclp_designated, siting::Objective::mclp, true)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(demo_site, mclp_fresh, siting::Objective::mclp, false)->Unit(benchmark::kMillisecond)->Iterations(3);
// The library's default effort (16 restarts, 1000 subgradient iterations), for comparison.
BENCHMARK_CAPTURE(demo_site, mclp_fresh_library_effort, siting::Objective::mclp, false, 16, 1000)
    ->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(demo_site, p_median_fresh, siting::Objective::p_median, false)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
