// The interpolated inverse projection against PROJ point by point (the
// baseline, timed in the same loop): 100,000 points in a 60 km box, as the
// outline vertices of one large service area would be.
#include <benchmark/benchmark.h>

#include <cmath>
#include <ctime>
#include <random>
#include <vector>

#include "ruralnet/geo/local_inverse.hpp"

using namespace ruralnet;

namespace {

double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void BM_LocalInverseVsProj(benchmark::State& state) {
  const geo::Projector proj(geo::choose_local_crs({116.0, 31.0, 117.9, 32.9}));
  const XY c = proj.to_local(LonLat{117.3, 31.8});
  const double half = 30000.0;
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-half, half);
  std::vector<XY> pts(static_cast<std::size_t>(state.range(0)));
  for (XY& p : pts) p = {c.x + u(rng), c.y + u(rng)};
  std::vector<LonLat> fast, exact;
  double t_fast = 0.0, t_proj = 0.0, worst = 0.0;
  for (auto _ : state) {
    double t0 = cpu_now();
    const geo::LocalInverse inv(proj, c.x - half, c.y - half, c.x + half, c.y + half);
    inv.to_geographic(pts, fast);
    t_fast += cpu_now() - t0;
    state.PauseTiming();
    t0 = cpu_now();
    exact.resize(pts.size());
    for (std::size_t k = 0; k < pts.size(); ++k) exact[k] = proj.to_geographic(pts[k]);
    t_proj += cpu_now() - t0;
    for (std::size_t k = 0; k < pts.size(); ++k)
      worst = std::max({worst, std::fabs(fast[k].lon - exact[k].lon), std::fabs(fast[k].lat - exact[k].lat)});
    state.ResumeTiming();
  }
  state.counters["points"] = static_cast<double>(pts.size());
  state.counters["ns_per_point"] = 1e9 * t_fast / (static_cast<double>(state.iterations()) * static_cast<double>(pts.size()));
  state.counters["proj_ns_per_point"] = 1e9 * t_proj / (static_cast<double>(state.iterations()) * static_cast<double>(pts.size()));
  state.counters["time_vs_proj"] = t_fast / t_proj;
  state.counters["worst_error_deg"] = worst;
}

}  // namespace

BENCHMARK(BM_LocalInverseVsProj)->Arg(100000)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();
BENCHMARK_MAIN();
