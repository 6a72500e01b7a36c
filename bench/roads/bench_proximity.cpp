// Overlap and gap detection (roads::find_proximity) on synthetic road
// segments at constant density: 100,000 then 1,000,000 segments in one run.
// The counter per_segment_vs_100k is the time per segment relative to the
// 100,000-segment run of the same process: near 1 means linear growth.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <random>

#include "ruralnet/roads/audit.hpp"

namespace {

using ruralnet::XY;

// Segments of four 100 m pieces wandering from the cells of a 400 m grid; one
// in a hundred is an exact copy of its predecessor (a duplicate) and one in a
// hundred stops 12 m short of its neighbour's start (a gap candidate).
ruralnet::roads::Pieces synthetic(std::size_t n) {
  ruralnet::roads::Pieces pc;
  pc.a.reserve(n * 4);
  pc.b.reserve(n * 4);
  pc.geodesic_m.reserve(n * 4);
  pc.segment.reserve(n * 4);
  pc.a_is_end.reserve(n * 4);
  pc.b_is_end.reserve(n * 4);
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> jitter(-50.0, 50.0), turn(-0.6, 0.6), dir(0.0, 6.283185307179586);
  const auto width = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  std::vector<XY> last;
  for (std::size_t k = 0; k < n; ++k) {
    const auto seg = static_cast<std::uint32_t>(k);
    if (k % 100 == 99 && !last.empty()) {
      for (std::size_t i = 0; i + 1 < last.size(); ++i)
        pc.add(last[i], last[i + 1], 100.0, seg, i == 0, i + 2 == last.size());
      continue;
    }
    XY p{static_cast<double>(k % width) * 400.0 + jitter(rng), static_cast<double>(k / width) * 400.0 + jitter(rng)};
    double h = dir(rng);
    last.assign(1, p);
    for (int i = 0; i < 4; ++i) {
      h += turn(rng);
      p = {p.x + 100.0 * std::cos(h), p.y + 100.0 * std::sin(h)};
      last.push_back(p);
    }
    if (k % 100 == 50) last.back() = {last.front().x + 412.0, last.front().y};  // near the next segment's start
    for (std::size_t i = 0; i + 1 < last.size(); ++i)
      pc.add(last[i], last[i + 1], 100.0, seg, i == 0, i + 2 == last.size());
  }
  return pc;
}

double g_base_per_segment = 0.0;  // seconds per segment at 100,000

void BM_Proximity(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto pieces = synthetic(n);
  std::size_t overlaps = 0, gaps = 0;
  double seconds = 0.0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto p = ruralnet::roads::find_proximity(pieces, 1.0, 5.0, 5.0, 20.0);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    overlaps = p.overlaps.size();
    gaps = p.gaps.size();
    benchmark::DoNotOptimize(p);
  }
  const double per_segment = seconds / static_cast<double>(state.iterations()) / static_cast<double>(n);
  if (n == 100000) g_base_per_segment = per_segment;
  state.counters["segments"] = static_cast<double>(n);
  state.counters["overlaps"] = static_cast<double>(overlaps);
  state.counters["gaps"] = static_cast<double>(gaps);
  state.counters["segments_per_s"] =
      benchmark::Counter(static_cast<double>(n) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  if (g_base_per_segment > 0) state.counters["per_segment_vs_100k"] = per_segment / g_base_per_segment;
}

}  // namespace

BENCHMARK(BM_Proximity)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
