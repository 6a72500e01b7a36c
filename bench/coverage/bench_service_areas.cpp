// Service areas: the routine coverage runs (cells crossed by each reached
// road in a hash table, outlines with small holes filled and staircases
// simplified) against the previous one kept as service_areas_reference
// (every third of a cell sampled and sorted, staircase outlines with every
// hole), on the same pass in the same run.
//
//   bench_coverage --benchmark_filter=ServiceAreas --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <numbers>
#include <random>

#include "../../src/coverage/passes.hpp"
#include "ruralnet/geo/crs.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/network/snap.hpp"

namespace {

using namespace ruralnet;

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A square grid of roads 400 m apart with a diagonal road every 4 km, and a
// station every 4 km, off the nodes.
struct AreaWorld {
  std::vector<model::RoadSegment> roads;
  network::SegmentTable table;
  network::BuildResult built;
  std::unique_ptr<network::EdgeSnapper> snapper;
  std::vector<coverage::FacilityResult> facilities;
  coverage::detail::Pass pass;

  explicit AreaWorld(int n) {
    const LonLat o{116.2, 31.5};
    const double dlat = 400.0 / 6371000.0 / (std::numbers::pi / 180.0), dlon = dlat / std::cos(o.lat * std::numbers::pi / 180.0);
    auto at = [&](double i, double j) { return LonLat{o.lon + i * dlon, o.lat + j * dlat}; };
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> cls(3, 5);
    auto add = [&](LonLat a, LonLat b) {
      model::RoadSegment r;
      r.id = "R" + std::to_string(roads.size());
      r.road_class = static_cast<model::RoadClass>(cls(rng));
      r.geometry.push_back({a, b});
      roads.push_back(std::move(r));
    };
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        if (i + 1 < n) add(at(i, j), at(i + 1, j));
        if (j + 1 < n) add(at(i, j), at(i, j + 1));
        if (i % 10 == 0 && i + 1 < n && j + 1 < n) add(at(i, j), at(i + 1, j + 1));
      }
    const geo::Projector proj(geo::choose_local_crs(Extent{o.lon, o.lat, o.lon + n * dlon, o.lat + n * dlat}));
    table = network::prepare_segments(roads, proj);
    built = network::build_graph(table);
    snapper = std::make_unique<network::EdgeSnapper>(table, built);
    std::vector<std::size_t> slots;
    for (int i = 5; i < n; i += 10)
      for (int j = 5; j < n; j += 10) {
        const auto sp = snapper->snap(at(i + 0.3, j + 0.05), 2000.0);
        if (!sp) continue;
        coverage::FacilityResult f;
        f.facility = facilities.size();
        f.tier = model::Tier::township_station;
        f.at.on_network = true;
        f.at.snap_m = sp->distance_m;
        f.at.snapped = sp->location;
        f.at.piece = sp->piece;
        f.at.along_m = sp->along_m;
        slots.push_back(facilities.size());
        facilities.push_back(f);
      }
    pass = coverage::detail::run_pass(*snapper, built.graph, facilities, slots, network::Metric::time_s, 15.0, 45 * 60.0);
  }
};

void BM_ServiceAreas(benchmark::State& state) {
  static const AreaWorld w(static_cast<int>(state.range(0)));
  coverage::CoverageOptions o;
  double fresh = 0.0, reference = 0.0;
  std::size_t verts_new = 0, verts_ref = 0;
  auto count = [](const std::vector<coverage::ServiceArea>& as) {
    std::size_t v = 0;
    for (const auto& a : as)
      for (const auto& p : a.geometry)
        for (const auto& r : p.rings) v += r.size();
    return v;
  };
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    const auto a = coverage::detail::service_areas(*w.snapper, w.built.graph, w.pass, w.facilities, o,
                                                   model::Tier::township_station);
    fresh += since(t0);
    t0 = std::chrono::steady_clock::now();
    const auto b = coverage::detail::service_areas_reference(*w.snapper, w.built.graph, w.pass, w.facilities, o,
                                                             model::Tier::township_station);
    reference += since(t0);
    verts_new = count(a);
    verts_ref = count(b);
    if (a.size() != b.size()) state.SkipWithError("the two routines give different numbers of areas");
  }
  const auto it = static_cast<double>(state.iterations());
  state.counters["stations"] = static_cast<double>(w.facilities.size());
  state.counters["new_ms"] = fresh / it * 1e3;
  state.counters["reference_ms"] = reference / it * 1e3;
  state.counters["ratio"] = fresh / reference;
  state.counters["vertex_ratio"] = static_cast<double>(verts_new) / static_cast<double>(std::max<std::size_t>(verts_ref, 1));
}
BENCHMARK(BM_ServiceAreas)->Arg(200)->Unit(benchmark::kMillisecond);

}  // namespace
