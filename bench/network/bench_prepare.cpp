// The lengths of prepare_segments: geo::cumulative_length_m (the short-line
// formula, geod_inverse above 20 km) against one geod_inverse per vertex pair
// (geo::geodesic_distance, the baseline, same run), over 1,000,000 vertex pairs
// of road-like polylines near Lu'an (spacing 5-300 m); and prepare_segments
// from model::RoadColumns against the same from model::RoadSegment.
//
// Counters: ns_per_pair of each; x_geod = geod_inverse time / formula time.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "ruralnet/geo/crs.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/network/build.hpp"

using namespace ruralnet;

namespace {

constexpr std::size_t kPairs = 1000000;

std::vector<LonLat> polyline() {
  std::mt19937_64 rng(2018);
  std::uniform_real_distribution<double> step(5.0, 300.0), turn(-0.5, 0.5);
  std::vector<LonLat> pts;
  pts.reserve(kPairs + 1);
  LonLat p{116.0, 31.3};
  double heading = 0.3;
  for (std::size_t i = 0; i <= kPairs; ++i) {
    pts.push_back(p);
    const double s = step(rng);
    heading += turn(rng);
    p.lon += s * std::sin(heading) / 94800.0;
    p.lat += s * std::cos(heading) / 110900.0;
    if (p.lat > 32.4 || p.lat < 31.0 || p.lon > 117.3 || p.lon < 115.8) heading += 3.14159;
  }
  return pts;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void BM_LengthsShortLineVsGeodInverse(benchmark::State& state) {
  const std::vector<LonLat> pts = polyline();
  std::vector<double> cum(pts.size());
  double formula = 0, geod = 0, worst = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    double total = 0;
    for (std::size_t i = 1; i < pts.size(); ++i) total += geo::geodesic_distance(pts[i - 1], pts[i]).value();
    geod += seconds_since(t0);
    benchmark::DoNotOptimize(total);

    t0 = std::chrono::steady_clock::now();
    geo::cumulative_length_m(pts.data(), pts.size(), cum.data());
    formula += seconds_since(t0);
    benchmark::DoNotOptimize(cum.back());
    worst = std::max(worst, std::fabs(cum.back() - total) / total);
  }
  const double n = static_cast<double>(state.iterations()) * static_cast<double>(kPairs);
  state.counters["geod_ns_per_pair"] = geod / n * 1e9;
  state.counters["formula_ns_per_pair"] = formula / n * 1e9;
  state.counters["x_geod"] = geod / formula;
  state.counters["total_rel_diff"] = worst;
}

// Segments of 3 vertices cut from the polyline, in both forms.
void BM_PrepareFromColumnsVsSegments(benchmark::State& state) {
  const std::vector<LonLat> pts = polyline();
  std::vector<model::RoadSegment> roads;
  model::RoadColumns cols;
  for (std::size_t i = 0; i + 2 < pts.size(); i += 2) {
    model::RoadSegment r;
    r.id = "R" + std::to_string(roads.size());
    r.ref.fid = static_cast<std::int64_t>(roads.size() + 1);
    r.road_class = model::RoadClass::village;
    r.geometry = {{pts[i], pts[i + 1], pts[i + 2]}};
    cols.fid.push_back(r.ref.fid);
    cols.id.push_back(r.id);
    cols.road_class.push_back(r.road_class);
    cols.speed_kmh.push_back(std::numeric_limits<double>::quiet_NaN());
    cols.oneway.push_back(r.oneway);
    cols.lonlat.insert(cols.lonlat.end(), r.geometry[0].begin(), r.geometry[0].end());
    cols.first_vertex.push_back(static_cast<std::uint32_t>(cols.lonlat.size()));
    cols.first_part.push_back(static_cast<std::uint32_t>(cols.first_vertex.size() - 1));
    roads.push_back(std::move(r));
  }
  const geo::Projector projector(geo::LocalCrs{4548, 117});
  network::PrepareOptions po;
  po.progress = ProgressSettings{true};
  double from_segments = 0, from_columns = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(network::prepare_segments(roads, projector, po).vertex_count());
    from_segments += seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(network::prepare_segments(cols, projector, po).vertex_count());
    from_columns += seconds_since(t0);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["segments"] = static_cast<double>(roads.size());
  state.counters["segments_s"] = from_segments / n;
  state.counters["columns_s"] = from_columns / n;
  state.counters["x_segments"] = from_segments / from_columns;
}

}  // namespace

BENCHMARK(BM_LengthsShortLineVsGeodInverse)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_PrepareFromColumnsVsSegments)->Unit(benchmark::kMillisecond)->Iterations(3);
