// The parts of a coverage run that decide how it scales, each against a
// baseline measured in the same run:
//
//   BM_BoundedSearches  many small bounded searches (the administrative
//                       links) with labels reused between searches, against
//                       fresh labels per search (O(nodes) each);
//   BM_TraceCells       the service areas' polygon tracing on a dense grid,
//                       against the hash-map tracing;
//   BM_PrepareSegments  projection and geodesic lengths on all cores
//                       (network::prepare_segments), against the same work
//                       in one loop on one core.
//
//   bench_coverage --benchmark_filter='Bounded|Trace|Prepare' --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <numbers>
#include <random>

#include "../../src/coverage/passes.hpp"
#include "ruralnet/geo/crs.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/network/dijkstra.hpp"

namespace {

using namespace ruralnet;

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A square grid of n x n nodes 400 m apart, two-way arcs of 30 to 45 s.
network::RoadGraph grid_graph(std::uint32_t n) {
  network::RoadGraph::Arrays a;
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> t(30.0f, 45.0f);
  a.first_out.push_back(0);
  for (std::uint32_t i = 0; i < n; ++i)
    for (std::uint32_t j = 0; j < n; ++j) {
      const std::uint32_t v = i * n + j;
      const std::int64_t nb[4][2] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
      for (const auto& d : nb) {
        const std::int64_t ii = i + d[0], jj = j + d[1];
        if (ii < 0 || jj < 0 || ii >= n || jj >= n) continue;
        a.head.push_back(static_cast<std::uint32_t>(ii * n + jj));
        a.length_m.push_back(400.0f);
        a.time_s.push_back(t(rng));
        a.segment.push_back(v);
        a.flags.push_back(0);
      }
      a.first_out.push_back(static_cast<std::uint32_t>(a.head.size()));
      a.pos.push_back({static_cast<std::int32_t>(i * 400000), static_cast<std::int32_t>(j * 400000), 1162000000,
                       315000000});
    }
  a.segment_count = n * n;
  return network::RoadGraph(std::move(a));
}

// 200 searches bounded at 20 minutes (about 2,000 nodes each) on a million
// nodes: what the per-station and per-hub administrative searches do.
void BM_BoundedSearches(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  static const network::RoadGraph g = grid_graph(1000);
  std::vector<network::Source> sources;
  std::mt19937 rng(11);
  std::uniform_int_distribution<std::uint32_t> pick(0, static_cast<std::uint32_t>(g.node_count() - 1));
  for (std::uint32_t k = 0; k < n; ++k) sources.push_back({VertexId(pick(rng)), 0.0});
  network::DijkstraOptions o;
  o.max_cost = 1200.0;
  double fresh = 0.0, reused = 0.0;
  std::size_t settled = 0;
  network::PathLabels work;
  std::vector<std::uint32_t> touched;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    for (const auto& s : sources) {
      const auto L = network::multi_source_dijkstra(g, std::span<const network::Source>(&s, 1), o);
      benchmark::DoNotOptimize(L.cost.data());
    }
    fresh += since(t0);
    t0 = std::chrono::steady_clock::now();
    settled = 0;
    for (const auto& s : sources) {
      network::multi_source_dijkstra_into(g, std::span<const network::Source>(&s, 1), o, work, touched);
      settled += work.settled;
      benchmark::DoNotOptimize(work.cost.data());
    }
    reused += since(t0);
  }
  const auto it = static_cast<double>(state.iterations());
  state.counters["searches"] = static_cast<double>(n);
  state.counters["settled_each"] = static_cast<double>(settled) / n;
  state.counters["fresh_ms"] = fresh / it * 1e3;
  state.counters["reused_ms"] = reused / it * 1e3;
  state.counters["ratio"] = reused / fresh;
}
BENCHMARK(BM_BoundedSearches)->Arg(200)->Unit(benchmark::kMillisecond);

// Cells along a road grid (every fourth row and column of a side x side box,
// with diagonal roads), the shape of a station's 45-minute area: one shell
// and a hole per block.
void BM_TraceCells(benchmark::State& state) {
  const auto side = static_cast<std::int64_t>(state.range(0));
  std::vector<std::pair<std::int64_t, std::int64_t>> cells;
  for (std::int64_t i = 0; i < side; ++i)
    for (std::int64_t j = 0; j < side; ++j)
      if (i % 4 == 0 || j % 4 == 0 || (i + j) % 37 == 0) cells.emplace_back(i, j);
  double dense = 0.0, hashed = 0.0;
  std::size_t rings = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    const auto a = coverage::detail::trace_cells(cells, true);
    dense += since(t0);
    t0 = std::chrono::steady_clock::now();
    const auto b = coverage::detail::trace_cells(cells, false);
    hashed += since(t0);
    rings = 0;
    for (const auto& p : a) rings += p.size();
    if (a.size() != b.size()) state.SkipWithError("dense and hashed tracing differ");
  }
  const auto it = static_cast<double>(state.iterations());
  state.counters["cells"] = static_cast<double>(cells.size());
  state.counters["rings"] = static_cast<double>(rings);
  state.counters["dense_ms"] = dense / it * 1e3;
  state.counters["hashed_ms"] = hashed / it * 1e3;
  state.counters["ratio"] = dense / hashed;
}
BENCHMARK(BM_TraceCells)->Arg(400)->Unit(benchmark::kMillisecond);

// Roads of six vertices scattered over a county near Lu'an.
void BM_PrepareSegments(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<model::RoadSegment> roads(n);
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (std::size_t k = 0; k < n; ++k) {
    model::LineString l;
    LonLat p{116.0 + 0.8 * u(rng), 31.2 + 0.8 * u(rng)};
    for (int v = 0; v < 6; ++v) {
      l.push_back(p);
      p = {p.lon + 0.002 * (u(rng) - 0.3), p.lat + 0.002 * (u(rng) - 0.3)};
    }
    roads[k].id = "R" + std::to_string(k);
    roads[k].geometry.push_back(std::move(l));
  }
  const geo::Projector proj(geo::choose_local_crs(Extent{116.0, 31.2, 116.9, 32.1}));
  network::PrepareOptions po;
  po.progress.quiet = true;
  double parallel = 0.0, serial = 0.0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    const network::SegmentTable t = network::prepare_segments(roads, proj, po);
    parallel += since(t0);
    benchmark::DoNotOptimize(t.cum_length_m.data());
    // The baseline: the same projection and lengths in one loop.
    t0 = std::chrono::steady_clock::now();
    std::vector<LonLat> ll;
    for (const auto& r : roads)
      for (const auto& part : r.geometry) ll.insert(ll.end(), part.begin(), part.end());
    std::vector<XY> xy;
    proj.to_local(ll, xy);
    std::vector<double> cum(ll.size());
    std::size_t k = 0;
    for (const auto& r : roads)
      for (const auto& part : r.geometry) {
        double c = 0.0;
        for (std::size_t v = 0; v < part.size(); ++v, ++k) {
          if (v > 0) c += geo::geodesic_distance(ll[k - 1], ll[k]).value();
          cum[k] = c;
        }
      }
    serial += since(t0);
    benchmark::DoNotOptimize(cum.data());
    benchmark::DoNotOptimize(xy.data());
  }
  const auto it = static_cast<double>(state.iterations());
  state.counters["segments"] = static_cast<double>(n);
  state.counters["prepare_ms"] = parallel / it * 1e3;
  state.counters["serial_ms"] = serial / it * 1e3;
  state.counters["ratio"] = parallel / serial;
}
BENCHMARK(BM_PrepareSegments)->Arg(200000)->Unit(benchmark::kMillisecond);

}  // namespace
