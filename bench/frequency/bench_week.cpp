// The whole weekly frequency plan on the Lu'an demo dataset (synth seed 1,
// every station, a full week), against the baseline measured in the same
// run: the coverage analysis (without service areas) that the plan starts
// from. The target is under 5 seconds for the plan; the ratio says what the
// routing adds on top of the three-tier links.
//
//   bench_frequency --benchmark_filter=Demo --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "ruralnet/coverage/coverage.hpp"
#include "ruralnet/frequency/plan.hpp"
#include "ruralnet/io/read.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/synth/synth.hpp"

namespace {

using namespace ruralnet;

struct Demo {
  model::Dataset ds;
  network::DatasetGraph dg;
  double baseline_s = 0.0;  // best of three coverage analyses
  Demo() {
    // Written and read back as the command would read it.
    ProgressSettings quiet{true};
    const auto path = std::filesystem::temp_directory_path() / "ruralnet-bench-frequency-luan.gpkg";
    synth::SynthOptions so;
    so.seed = 1;
    so.overwrite = true;
    synth::write_synthetic(path, so, quiet);
    io::ReadOptions ro;
    ro.dataset = path.string();
    ds = io::read_dataset(ro, quiet);
    const synth::SynthPaths written = synth::synth_paths(path);
    for (const auto& f : {written.dataset, written.defects, written.progress_csv}) std::filesystem::remove(f);
    dg = network::build_dataset_graph(ds, {}, quiet);
    coverage::CoverageOptions o;
    o.service_areas = false;
    o.progress = quiet;
    baseline_s = 1e300;
    for (int i = 0; i < 3; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      const auto r = coverage::analyse(ds, dg.table, dg.built, o);
      benchmark::DoNotOptimize(r.villages.size());
      baseline_s = std::min(baseline_s, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
  }
};

const Demo& demo() {
  static const Demo d;
  return d;
}

void run_plan(benchmark::State& state, bool consolidate) {
  const Demo& d = demo();
  frequency::FrequencyOptions o;
  o.consolidate = consolidate;
  o.progress.quiet = true;
  o.coverage.progress.quiet = true;
  frequency::FrequencyResult r;
  double total = 0.0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    r = frequency::plan_frequency(d.ds, d.dg.table, d.dg.built, o);
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(r.routes.size());
  }
  const double per = total / static_cast<double>(state.iterations());
  state.counters["baseline_s"] = d.baseline_s;
  state.counters["x_baseline"] = per / d.baseline_s;
  state.counters["stations"] = static_cast<double>(r.stations.size());
  state.counters["villages"] = static_cast<double>(r.city.villages);
  state.counters["at_target"] = static_cast<double>(r.city.at_target);
  state.counters["vehicle_km"] = r.city.vehicle_km_week;
  state.counters["routes"] = static_cast<double>(r.routes.size());
  state.counters["weeks"] = static_cast<double>(r.weeks_solved);
  if (consolidate) state.counters["km_separate"] = r.city.vehicle_km_week_separate;
}

void BM_DemoWeekPlan(benchmark::State& state) { run_plan(state, false); }
void BM_DemoWeekPlanConsolidate(benchmark::State& state) { run_plan(state, true); }

BENCHMARK(BM_DemoWeekPlan)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_DemoWeekPlanConsolidate)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
