// The snapping index against baselines timed in the same iterations:
// building the whole EdgeSnapper against building only a geo::GridIndex of
// the same sub-segment boxes (what the index step alone cost before the
// snapper had its own grid), and snapping points against projecting them
// (the least a query does).
//
//   bench_network --benchmark_filter=Snap --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <numbers>
#include <random>

#include "ruralnet/geo/crs.hpp"
#include "ruralnet/geo/grid_index.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/network/snap.hpp"

namespace {

using namespace ruralnet;

// An n x n grid of roads 400 m apart with a bend vertex in each, every fifth
// road ending in the middle of its neighbour (a junction at an interior
// vertex), and random points to snap.
struct SnapWorld {
  network::SegmentTable table;
  network::BuildResult built;
  std::vector<LonLat> points;
  std::vector<geo::Box> boxes;  // of every sub-segment, as the old index held them

  explicit SnapWorld(int n) {
    constexpr double kDeg = std::numbers::pi / 180.0;
    const LonLat o{116.2, 31.5};
    const double dlat = 400.0 / 6371000.0 / kDeg, dlon = dlat / std::cos(o.lat * kDeg);
    auto at = [&](double i, double j) { return LonLat{o.lon + i * dlon, o.lat + j * dlat}; };
    std::vector<model::RoadSegment> roads;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        for (int d = 0; d < 2; ++d) {
          if ((d == 0 ? i : j) + 1 >= n) continue;
          model::RoadSegment r;
          r.id = "R" + std::to_string(roads.size());
          const double di = d == 0 ? 1.0 : 0.0, dj = 1.0 - di;
          r.geometry.push_back({at(i, j), at(i + 0.5 * di + 0.05 * dj, j + 0.5 * dj + 0.05 * di), at(i + di, j + dj)});
          roads.push_back(std::move(r));
        }
    const geo::Projector proj(geo::choose_local_crs(Extent{o.lon, o.lat, o.lon + n * dlon, o.lat + n * dlat}));
    table = network::prepare_segments(roads, proj);
    built = network::build_graph(table);
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(0.0, n - 1.0);
    for (int k = 0; k < 20000; ++k) points.push_back(at(u(rng), u(rng)));
    for (std::size_t p = 0; p < table.part_count(); ++p)
      for (std::uint32_t k = table.first_vertex[p]; k + 1 < table.first_vertex[p + 1]; ++k) {
        const XY a = table.xy[k], b = table.xy[k + 1];
        boxes.push_back({std::min(a.x, b.x), std::min(a.y, b.y), std::max(a.x, b.x), std::max(a.y, b.y)});
      }
  }
};

const SnapWorld& snap_world(int n) {
  static std::map<int, std::unique_ptr<SnapWorld>> w;
  auto& p = w[n];
  if (!p) p = std::make_unique<SnapWorld>(n);
  return *p;
}

double seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void BM_SnapIndexVsGridIndex(benchmark::State& state) {
  const SnapWorld& w = snap_world(static_cast<int>(state.range(0)));
  double snapper = 0.0, grid = 0.0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const network::EdgeSnapper s(w.table, w.built);
    const auto t1 = std::chrono::steady_clock::now();
    const auto g = geo::GridIndex::of_boxes(w.boxes, 2.0 * 200.0);
    const auto t2 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(s.piece_count());
    benchmark::DoNotOptimize(g.item_count());
    snapper += seconds(t0, t1);
    grid += seconds(t1, t2);
  }
  const auto it = static_cast<double>(state.iterations());
  state.counters["subsegments"] = static_cast<double>(w.boxes.size());
  state.counters["snapper_ms"] = snapper / it * 1e3;
  state.counters["gridindex_ms"] = grid / it * 1e3;
  state.counters["ratio"] = snapper / grid;
}
BENCHMARK(BM_SnapIndexVsGridIndex)->Arg(300)->Arg(1000)->Unit(benchmark::kMillisecond);

// The snapper built on every core against the same build held to one thread
// (the serial path, with the same pieces and grid), alternating in one loop.
void BM_SnapIndexThreads(benchmark::State& state) {
  const SnapWorld& w = snap_world(static_cast<int>(state.range(0)));
  double all = 0.0, one = 0.0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    {
      const network::EdgeSnapper s(w.table, w.built);
      benchmark::DoNotOptimize(s.piece_count());
    }
    const auto t1 = std::chrono::steady_clock::now();
    network::detail::set_worker_limit(1);
    {
      const network::EdgeSnapper s(w.table, w.built);
      benchmark::DoNotOptimize(s.piece_count());
    }
    network::detail::set_worker_limit(0);
    const auto t2 = std::chrono::steady_clock::now();
    all += seconds(t0, t1);
    one += seconds(t1, t2);
  }
  const auto it = static_cast<double>(state.iterations());
  state.counters["subsegments"] = static_cast<double>(w.boxes.size());
  state.counters["snapper_ms"] = all / it * 1e3;
  state.counters["one_thread_ms"] = one / it * 1e3;
  state.counters["speedup_vs_one_thread"] = one / all;
}
BENCHMARK(BM_SnapIndexThreads)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_SnapVsProject(benchmark::State& state) {
  const SnapWorld& w = snap_world(static_cast<int>(state.range(0)));
  const network::EdgeSnapper s(w.table, w.built);
  double snap = 0.0, project = 0.0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    std::size_t found = 0;
    for (const LonLat& p : w.points) found += s.snap(p, 2000.0) ? 1 : 0;
    const auto t1 = std::chrono::steady_clock::now();
    double sum = 0.0;
    for (const LonLat& p : w.points) sum += s.projector().to_local(p).x;
    const auto t2 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(found);
    benchmark::DoNotOptimize(sum);
    snap += seconds(t0, t1);
    project += seconds(t1, t2);
  }
  const auto it = static_cast<double>(state.iterations());
  state.counters["points"] = static_cast<double>(w.points.size());
  state.counters["snap_us_per_point"] = snap / it / static_cast<double>(w.points.size()) * 1e6;
  state.counters["ratio"] = snap / project;
}
BENCHMARK(BM_SnapVsProject)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
