// Road graph build and shortest paths on a synthetic network of about one
// million segments: a jittered grid around Lu'an, 2-4 vertices a segment, a
// share of segment ends moved a few metres off their junction so that
// snapping has work. Speeds are reported against a baseline timed in the
// same run: for the build, a bare pass that copies the coordinates and sorts
// the endpoint keys, and the same build held to one thread; for Dijkstra, a
// textbook priority_queue Dijkstra.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <memory>
#include <random>
#include <thread>

#include "ruralnet/geo/crs.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/network/dijkstra.hpp"

using namespace ruralnet;
using namespace ruralnet::network;

namespace {

constexpr int kGrid = 708;  // 2 * 708 * 707 = 1,001,112 segments

struct Fixture {
  std::vector<model::RoadSegment> roads;
  std::unique_ptr<geo::Projector> projector;
  SegmentTable table;
  BuildResult built;
};

std::vector<model::RoadSegment> make_roads() {
  std::mt19937 rng(20180705);
  std::uniform_real_distribution<double> jitter(-30.0, 30.0), gap(1.0, 4.0), unit(0.0, 1.0);
  const double lat0 = 31.1, lon0 = 115.8, spacing = 200.0;
  const double m_lat = 1.0 / 110900.0, m_lon = 1.0 / 94800.0;  // degrees per metre near 31.5°N
  std::vector<LonLat> node(static_cast<std::size_t>(kGrid) * kGrid);
  for (int i = 0; i < kGrid; ++i)
    for (int j = 0; j < kGrid; ++j)
      node[static_cast<std::size_t>(i) * kGrid + j] = {lon0 + (j * spacing + jitter(rng)) * m_lon,
                                                       lat0 + (i * spacing + jitter(rng)) * m_lat};
  std::vector<model::RoadSegment> roads;
  roads.reserve(2 * static_cast<std::size_t>(kGrid) * kGrid);
  const model::RoadClass classes[] = {model::RoadClass::village, model::RoadClass::village, model::RoadClass::township,
                                      model::RoadClass::county};
  auto add = [&](LonLat a, LonLat b) {
    model::RoadSegment r;
    r.id = "R" + std::to_string(roads.size());
    r.road_class = classes[roads.size() % 4];
    if (unit(rng) < 0.02) {  // an end digitised a few metres off the junction
      a.lat += gap(rng) * m_lat;
    }
    model::LineString line{a};
    const int inner = static_cast<int>(roads.size() % 3);  // 0-2 interior vertices: 2-4 in all
    for (int k = 1; k <= inner; ++k) {
      const double t = static_cast<double>(k) / (inner + 1);
      line.push_back({a.lon + t * (b.lon - a.lon) + jitter(rng) * 0.2 * m_lon,
                      a.lat + t * (b.lat - a.lat) + jitter(rng) * 0.2 * m_lat});
    }
    line.push_back(b);
    r.geometry.push_back(std::move(line));
    roads.push_back(std::move(r));
  };
  for (int i = 0; i < kGrid; ++i)
    for (int j = 0; j < kGrid; ++j) {
      const LonLat p = node[static_cast<std::size_t>(i) * kGrid + j];
      if (j + 1 < kGrid) add(p, node[static_cast<std::size_t>(i) * kGrid + j + 1]);
      if (i + 1 < kGrid) add(p, node[static_cast<std::size_t>(i + 1) * kGrid + j]);
    }
  return roads;
}

Fixture& fixture() {
  static Fixture f = [] {
    Fixture x;
    x.roads = make_roads();
    x.projector = std::make_unique<geo::Projector>(geo::LocalCrs{4548, 117});
    x.table = prepare_segments(x.roads, *x.projector);
    x.built = build_graph(x.table);
    return x;
  }();
  return f;
}

// Single-threaded work is timed by this thread's CPU time: on a shared
// machine wall time also counts the time other processes ran.
double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
double seconds_since(double t0) { return cpu_now() - t0; }

// Baseline: copy every projected coordinate and sort the quantised endpoint
// keys, the least any noding by sorting must do.
double baseline_seconds(const SegmentTable& t) {
  const auto t0 = cpu_now();
  std::vector<XY> copy(t.xy.begin(), t.xy.end());
  std::vector<std::uint64_t> keys;
  keys.reserve(2 * t.part_count());
  for (std::size_t p = 0; p < t.part_count(); ++p) {
    for (const std::uint32_t k : {t.first_vertex[p], t.first_vertex[p + 1] - 1}) {
      const XY q = copy[k];
      keys.push_back(static_cast<std::uint64_t>(std::llround(q.x * 1000.0)) << 32 ^
                     static_cast<std::uint64_t>(std::llround(q.y * 1000.0)));
    }
  }
  std::sort(keys.begin(), keys.end());
  benchmark::DoNotOptimize(keys.data());
  benchmark::DoNotOptimize(copy.data());
  return seconds_since(t0);
}

void BM_PrepareSegments(benchmark::State& state) {
  Fixture& f = fixture();
  double total = 0.0;
  for (auto _ : state) {
    const auto t0 = cpu_now();
    SegmentTable t = prepare_segments(f.roads, *f.projector);
    total += seconds_since(t0);
    benchmark::DoNotOptimize(t.cum_length_m.data());
  }
  const double segs = static_cast<double>(f.roads.size());
  state.counters["segments"] = segs;
  state.counters["vertices"] = static_cast<double>(f.table.vertex_count());
  state.counters["segments_per_s"] = segs * static_cast<double>(state.iterations()) / total;
  state.counters["table_bytes_per_segment"] = static_cast<double>(f.table.memory_bytes()) / segs;
}

double wall_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The build on every core against the same build held to one thread (its
// serial path, which gives the same graph), alternating in one loop, and the
// sorting baseline. The build runs on several threads, so it is timed by the
// wall clock; the baseline by this thread's CPU time, as before.
void build_benchmark(benchmark::State& state, bool crossings) {
  Fixture& f = fixture();
  BuildOptions o;
  o.node_crossings = crossings;
  double build_s = 0.0, one_s = 0.0, base_s = 0.0;
  std::size_t bytes = 0, snaps = 0, nodes = 0, arcs = 0;
  for (auto _ : state) {
    const auto t0 = wall_now();
    BuildResult r = build_graph(f.table, o);
    build_s += wall_now() - t0;
    bytes = r.memory_bytes();
    snaps = r.snaps.size();
    nodes = r.node_count();
    arcs = r.arc_count();
    benchmark::DoNotOptimize(r.graph.heads().data());
    state.PauseTiming();
    {
      r = BuildResult();
      detail::set_worker_limit(1);
      const auto t1 = wall_now();
      BuildResult one = build_graph(f.table, o);
      one_s += wall_now() - t1;
      detail::set_worker_limit(0);
      benchmark::DoNotOptimize(one.graph.heads().data());
    }
    base_s += baseline_seconds(f.table);
    state.ResumeTiming();
  }
  const double segs = static_cast<double>(f.table.segment_count());
  const double it = static_cast<double>(state.iterations());
  state.counters["segments"] = segs;
  state.counters["nodes"] = static_cast<double>(nodes);
  state.counters["arcs"] = static_cast<double>(arcs);
  state.counters["snaps"] = static_cast<double>(snaps);
  state.counters["threads"] = static_cast<double>(std::thread::hardware_concurrency());
  state.counters["segments_per_s"] = segs * it / build_s;
  state.counters["graph_bytes_per_segment"] = static_cast<double>(bytes) / segs;
  state.counters["baseline_segments_per_s"] = segs * it / base_s;
  state.counters["time_vs_baseline"] = build_s / base_s;
  state.counters["one_thread_ms"] = one_s / it * 1e3;
  state.counters["speedup_vs_one_thread"] = one_s / build_s;
}

void BM_BuildGraph(benchmark::State& state) { build_benchmark(state, false); }
void BM_BuildGraphWithCrossings(benchmark::State& state) { build_benchmark(state, true); }

// Dijkstra over the whole graph from the centre; the baseline runs in the
// same loop so that both see the same machine state.
void BM_Dijkstra(benchmark::State& state) {
  Fixture& f = fixture();
  const RoadGraph& g = f.built.graph;
  const auto nodes = static_cast<std::uint32_t>(g.node_count());
  const int sources = static_cast<int>(state.range(0));
  std::vector<VertexId> src;
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::uint32_t> pick(0, nodes - 1);
  if (sources == 1) src.push_back(VertexId(nodes / 2));
  for (int i = static_cast<int>(src.size()); i < sources; ++i) src.push_back(VertexId(pick(rng)));
  double ours = 0.0, bare = 0.0;
  std::size_t settled = 0;
  for (auto _ : state) {
    auto t0 = cpu_now();
    const PathLabels L = multi_source_dijkstra(g, src);
    ours += seconds_since(t0);
    settled = L.settled;
    benchmark::DoNotOptimize(L.cost.data());
    state.PauseTiming();
    t0 = cpu_now();
    const auto d = bare_dijkstra(g, src.front());
    bare += seconds_since(t0);
    benchmark::DoNotOptimize(d.data());
    state.ResumeTiming();
  }
  const double it = static_cast<double>(state.iterations());
  state.counters["nodes"] = static_cast<double>(nodes);
  state.counters["settled"] = static_cast<double>(settled);
  state.counters["settled_per_s"] = static_cast<double>(settled) * it / ours;
  state.counters["bare_settled_per_s"] = static_cast<double>(nodes) * it / bare;
  state.counters["time_vs_bare"] = ours / bare;
}

// Bounded multi-source search: every node within 10 minutes of 1000 sources.
void BM_DijkstraBounded(benchmark::State& state) {
  Fixture& f = fixture();
  const RoadGraph& g = f.built.graph;
  std::vector<VertexId> src;
  for (std::uint32_t i = 0; i < 1000; ++i) src.push_back(VertexId(static_cast<std::uint32_t>((i * 2654435761ull) % g.node_count())));
  DijkstraOptions o;
  o.max_cost = 600.0;
  std::size_t settled = 0;
  double ours = 0.0, bare = 0.0;
  for (auto _ : state) {
    auto t0 = cpu_now();
    const PathLabels L = multi_source_dijkstra(g, src, o);
    ours += seconds_since(t0);
    settled = L.settled;
    benchmark::DoNotOptimize(L.cost.data());
    state.PauseTiming();
    t0 = cpu_now();
    const auto d = bare_dijkstra(g, src.front());
    bare += seconds_since(t0);
    benchmark::DoNotOptimize(d.data());
    state.ResumeTiming();
  }
  const double it = static_cast<double>(state.iterations());
  state.counters["settled"] = static_cast<double>(settled);
  state.counters["settled_per_s"] = static_cast<double>(settled) * it / ours;
  state.counters["bare_settled_per_s"] = static_cast<double>(g.node_count()) * it / bare;
  state.counters["time_vs_bare"] = ours / bare;
}

// The same multi-source pass over the graph with nodes in Hilbert-block
// order and in coordinate-key order (the baseline), alternating in one loop.
void BM_DijkstraNodeOrder(benchmark::State& state) {
  Fixture& f = fixture();
  static const BuildResult key_order = [&] {
    BuildOptions o;
    o.spatial_numbering = false;
    return build_graph(f.table, o);
  }();
  const auto sources = [](const RoadGraph& g) {
    // Every 500th node by position, so both graphs search from the same places.
    std::vector<std::pair<double, std::uint32_t>> by_pos;
    for (std::uint32_t v = 0; v < g.node_count(); ++v)
      by_pos.push_back({g.xy(VertexId(v)).x * 1e7 + g.xy(VertexId(v)).y, v});
    std::sort(by_pos.begin(), by_pos.end());
    std::vector<VertexId> src;
    for (std::size_t k = 0; k < by_pos.size(); k += 500) src.push_back(VertexId(by_pos[k].second));
    return src;
  };
  const RoadGraph& hg = f.built.graph;
  const RoadGraph& kg = key_order.graph;
  const std::vector<VertexId> hs = sources(hg), ks = sources(kg);
  double hilbert = 0.0, key = 0.0, h_sum = 0.0, k_sum = 0.0;
  for (auto _ : state) {
    auto t0 = cpu_now();
    const PathLabels L = multi_source_dijkstra(hg, hs);
    hilbert += seconds_since(t0);
    state.PauseTiming();
    t0 = cpu_now();
    const PathLabels K = multi_source_dijkstra(kg, ks);
    key += seconds_since(t0);
    h_sum = k_sum = 0.0;
    for (const double c : L.cost) h_sum += c;
    for (const double c : K.cost) k_sum += c;
    state.ResumeTiming();
  }
  state.counters["nodes"] = static_cast<double>(hg.node_count());
  state.counters["sources"] = static_cast<double>(hs.size());
  state.counters["time_vs_key_order"] = hilbert / key;
  state.counters["cost_sum_diff"] = h_sum - k_sum;  // the same labels, renumbered: 0
}

}  // namespace

BENCHMARK(BM_PrepareSegments)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_BuildGraph)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_BuildGraphWithCrossings)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();
BENCHMARK(BM_Dijkstra)->Arg(1)->Arg(100)->Unit(benchmark::kMillisecond)->MinTime(3.0)->UseRealTime();
BENCHMARK(BM_DijkstraBounded)->Unit(benchmark::kMillisecond)->MinTime(3.0)->UseRealTime();
BENCHMARK(BM_DijkstraNodeOrder)->Unit(benchmark::kMillisecond)->MinTime(3.0)->UseRealTime();
BENCHMARK_MAIN();
