// The coverage shortest-path pass against the baseline it must stay within
// 1.5x of: network::bare_dijkstra from a super-source joined to every
// station by an arc of the station's start cost, over the same CSR graph and
// in the same run. Also the whole analysis on the same network.
//
//   bench_coverage --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <chrono>
#include <map>
#include <memory>
#include <cmath>
#include <numbers>
#include <random>

#include "ruralnet/coverage/coverage.hpp"
#include "ruralnet/geo/crs.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/network/dijkstra.hpp"
#include "ruralnet/network/snap.hpp"

namespace {

using namespace ruralnet;

constexpr double kDeg = std::numbers::pi / 180.0;

// A square grid of two-way roads 400 m apart near Lu'an, with a station
// every few kilometres, a hub per quadrant, and a village with an outlet on
// a third of the grid cells.
struct World {
  model::Dataset ds;
  network::SegmentTable table;
  network::BuildResult built;
  std::vector<network::Source> sources;  // the stations' start costs

  explicit World(int n) {
    const LonLat o{116.2, 31.5};
    const double dlat = 400.0 / 6371000.0 / kDeg, dlon = dlat / std::cos(o.lat * kDeg);
    auto at = [&](double i, double j) { return LonLat{o.lon + i * dlon, o.lat + j * dlat}; };
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> cls(3, 5);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        for (int d = 0; d < 2; ++d) {
          if ((d == 0 ? i : j) + 1 >= n) continue;
          model::RoadSegment r;
          r.id = "R" + std::to_string(ds.roads.size());
          r.road_class = static_cast<model::RoadClass>(cls(rng));
          r.geometry.push_back({at(i, j), d == 0 ? at(i + 1, j) : at(i, j + 1)});
          ds.roads.push_back(std::move(r));
        }
      }
    const geo::Projector proj(geo::choose_local_crs(Extent{o.lon, o.lat, o.lon + n * dlon, o.lat + n * dlat}));
    table = network::prepare_segments(ds.roads, proj);
    built = network::build_graph(table);
    // Stations every 10 cells (4 km), off-centre so they snap inside edges.
    int t = 0;
    for (int i = 5; i < n; i += 10)
      for (int j = 5; j < n; j += 10, ++t) {
        const std::string town = "341599" + std::to_string(100 + t);
        model::Facility s;
        s.id = "S" + std::to_string(t);
        s.tier = model::Tier::township_station;
        s.admin_code = town;
        s.location = at(i + 0.3, j + 0.02);
        ds.facilities.push_back(s);
        for (int v = 0; v < 9; ++v) {
          model::Village vil;
          vil.code = town + std::to_string(100 + v);
          vil.township_code = town;
          vil.location = at(i - 4 + v, j - 3.5 + 0.7 * v);
          vil.population = 1000;
          ds.villages.push_back(vil);
          if (v % 3 == 0) {
            model::Facility f;
            f.id = "O" + vil.code;
            f.tier = model::Tier::village_outlet;
            f.admin_code = vil.code;
            f.carriers = {"EMS", "ZTO"};
            f.location = vil.location;
            ds.facilities.push_back(f);
          }
        }
      }
    for (int h = 0; h < 4; ++h) {
      model::Facility f;
      f.id = "H" + std::to_string(h);
      f.tier = model::Tier::county_hub;
      f.admin_code = "341599";
      f.location = at((h % 2 + 0.5) * n / 2.0, (h / 2 + 0.5) * n / 2.0);
      ds.facilities.push_back(f);
    }
    const network::EdgeSnapper snapper(table, built);
    for (const auto& f : ds.facilities) {
      if (f.tier != model::Tier::township_station) continue;
      if (const auto p = snapper.snap(f.location, 2000.0))
        for (const auto& s : network::point_sources(snapper, built.graph, *p, network::Metric::time_s, 15.0))
          sources.push_back(s);
    }
  }
};

const World& world(int n) {
  static std::map<int, std::unique_ptr<World>> w;
  auto& p = w[n];
  if (!p) p = std::make_unique<World>(n);
  return *p;
}

// The same graph plus one node with an arc of each source's start cost.
network::RoadGraph with_super_source(const network::RoadGraph& g, const std::vector<network::Source>& sources) {
  network::RoadGraph::Arrays a;
  a.first_out.assign(g.first_out().begin(), g.first_out().end());
  a.head.assign(g.heads().begin(), g.heads().end());
  a.length_m.assign(g.lengths_m().begin(), g.lengths_m().end());
  a.time_s.assign(g.times_s().begin(), g.times_s().end());
  a.segment.assign(g.segments().begin(), g.segments().end());
  a.flags.assign(g.arc_flags().begin(), g.arc_flags().end());
  a.origin = g.origin();
  a.pos.assign(g.node_positions().begin(), g.node_positions().end());
  a.segment_count = g.segment_count();
  for (const auto& s : sources) {
    a.head.push_back(s.node.value());
    a.length_m.push_back(0.0f);
    a.time_s.push_back(static_cast<float>(s.start_cost));
    a.segment.push_back(0);
    a.flags.push_back(0);
  }
  a.first_out.push_back(static_cast<std::uint32_t>(a.head.size()));
  a.pos.push_back(a.pos.front());
  return network::RoadGraph(std::move(a));
}

// Both searches in every iteration, timed apart: the ratio is what the
// coverage pass costs over the textbook baseline on this machine, now.
void BM_PassVsBareDijkstra(benchmark::State& state) {
  const World& w = world(static_cast<int>(state.range(0)));
  const network::RoadGraph& g = w.built.graph;
  const network::RoadGraph super = with_super_source(g, w.sources);
  const VertexId root(static_cast<std::uint32_t>(g.node_count()));
  double labelled = 0.0, bare = 0.0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    auto labels = network::multi_source_dijkstra(g, w.sources);
    auto t1 = std::chrono::steady_clock::now();
    auto dist = network::bare_dijkstra(super, root);
    auto t2 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(labels.cost.data());
    benchmark::DoNotOptimize(dist.data());
    labelled += std::chrono::duration<double>(t1 - t0).count();
    bare += std::chrono::duration<double>(t2 - t1).count();
  }
  const auto it = static_cast<double>(state.iterations());
  state.counters["nodes"] = static_cast<double>(g.node_count());
  state.counters["sources"] = static_cast<double>(w.sources.size());
  state.counters["labelled_ms"] = labelled / it * 1e3;
  state.counters["bare_ms"] = bare / it * 1e3;
  state.counters["ratio"] = labelled / bare;
}
BENCHMARK(BM_PassVsBareDijkstra)->Arg(300)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_Analyse(benchmark::State& state) {
  const World& w = world(static_cast<int>(state.range(0)));
  coverage::CoverageOptions o;
  o.progress.quiet = true;
  o.service_areas = state.range(1) != 0;
  std::size_t reached = 0;
  for (auto _ : state) {
    const auto r = coverage::analyse(w.ds, w.table, w.built, o);
    reached = r.city.all.reached;
  }
  state.counters["villages"] = static_cast<double>(w.ds.villages.size());
  state.counters["reached"] = static_cast<double>(reached);
  state.counters["arcs"] = static_cast<double>(w.built.graph.arc_count());
}
BENCHMARK(BM_Analyse)->Args({300, 0})->Args({300, 1})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
