// Reading the Lu'an demo dataset and building its road graph, beside the time
// OGR alone takes to iterate the same features (the baseline, same run).
//
// Counters: ogr_s (baseline: open and iterate every feature of the five layers,
// touching each geometry and field), read_s (io::read_dataset: decode, check,
// reproject), prepare_s (geodesic lengths and projection of the road vertices),
// build_s (CSR graph), total_s, and x_ogr = total_s / ogr_s.
#include <benchmark/benchmark.h>
#include <gdal.h>
#include <ogr_api.h>

#include <chrono>
#include <filesystem>

#include "ruralnet/geo/crs.hpp"
#include "ruralnet/io/read.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/synth/synth.hpp"

namespace fs = std::filesystem;
using namespace ruralnet;

namespace {

const fs::path& demo_path() {
  static const fs::path path = [] {
    const fs::path dir = fs::temp_directory_path() / "ruralnet-bench-read";
    fs::create_directories(dir);
    const fs::path p = dir / "luan.gpkg";
    synth::SynthOptions o;
    o.seed = 2018;
    o.overwrite = true;
    synth::write_synthetic(p, o, ProgressSettings{true});
    return p;
  }();
  return path;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The baseline: what any reader must at least do.
std::size_t ogr_iterate(const fs::path& p) {
  GDALDatasetH ds = GDALOpenEx(p.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  std::size_t touched = 0;
  for (int l = 0; l < GDALDatasetGetLayerCount(ds); ++l) {
    OGRLayerH layer = GDALDatasetGetLayer(ds, l);
    OGR_L_ResetReading(layer);
    while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
      if (OGRGeometryH g = OGR_F_GetGeometryRef(f)) touched += static_cast<std::size_t>(OGR_G_GetPointCount(g));
      for (int i = 0; i < OGR_F_GetFieldCount(f); ++i) touched += OGR_F_GetFieldAsString(f, i)[0] != 0 ? 1 : 0;
      OGR_F_Destroy(f);
    }
  }
  GDALClose(ds);
  return touched;
}

void BM_ReadDemoAndBuildGraph(benchmark::State& state) {
  GDALAllRegister();
  const fs::path p = demo_path();
  double ogr = 0, read = 0, prep = 0, build = 0;
  std::size_t segments = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(ogr_iterate(p));
    ogr += seconds_since(t0);

    t0 = std::chrono::steady_clock::now();
    io::ReadOptions ro;
    ro.dataset = p.string();
    const model::Dataset ds = io::read_dataset(ro, ProgressSettings{true});
    read += seconds_since(t0);

    t0 = std::chrono::steady_clock::now();
    const geo::Projector projector(geo::choose_local_crs(ds.extent()));
    network::PrepareOptions po;
    po.progress = ProgressSettings{true};
    const auto table = network::prepare_segments(ds.roads, projector, po);
    prep += seconds_since(t0);

    t0 = std::chrono::steady_clock::now();
    const auto built = network::build_graph(table);
    build += seconds_since(t0);
    benchmark::DoNotOptimize(built.graph.arc_count());
    segments = ds.roads.size();
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["segments"] = static_cast<double>(segments);
  state.counters["ogr_s"] = ogr / n;
  state.counters["read_s"] = read / n;
  state.counters["prepare_s"] = prep / n;
  state.counters["build_s"] = build / n;
  state.counters["total_s"] = (read + prep + build) / n;
  state.counters["x_ogr"] = (read + prep + build) / ogr;
}

}  // namespace

BENCHMARK(BM_ReadDemoAndBuildGraph)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_MAIN();
