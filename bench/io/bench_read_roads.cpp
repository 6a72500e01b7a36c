// Reading a roads layer in full (one model::RoadSegment per road) and
// graph-only (model::RoadColumns, the unneeded fields ignored, two threads over
// the FID halves of a GeoPackage), beside the time OGR alone takes to iterate
// the same features (the baseline, same run).
//
// The layer: 200,000 synthetic roads of 2-6 vertices with every contract
// field, written once to a temporary GeoPackage; RURALNET_BENCH_ROADS=PATH
// reads another dataset's roads layer instead (e.g. a `synth --scale
// province` file).
//
// BM_ReadRoadsThreads compares the graph-only read by one thread with the read
// by two (x_one = two_s / one_s), in the same run; BM_ReadDatasetThreads does
// the same for a whole dataset read as `coverage` reads it
// (RURALNET_BENCH_DATASET=PATH, skipped without it).
//
// Counters: ogr_s (baseline: iterate every feature, touching its geometry and
// every field), full_s, graph_s, and x_ogr = seconds / ogr_s for each read;
// full_table_s and graph_table_s add prepare_segments from the form read (the
// "read" and "road graph" stages' share of the roads), x_full = full_table_s /
// graph_table_s.
#include <benchmark/benchmark.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>

#include "ruralnet/core/progress.hpp"
#include "ruralnet/geo/crs.hpp"
#include "ruralnet/io/read.hpp"
#include "ruralnet/network/build.hpp"

namespace fs = std::filesystem;
using namespace ruralnet;

namespace {

constexpr int kRoads = 200000;

fs::path write_roads() {
  const fs::path dir = fs::temp_directory_path() / "ruralnet-bench-read-roads";
  fs::create_directories(dir);
  const fs::path p = dir / "roads.gpkg";
  if (fs::exists(p)) return p;
  const fs::path tmp = dir / "roads.tmp.gpkg";
  fs::remove(tmp);
  GDALAllRegister();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  GDALDataset* ds = drv->Create(tmp.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  OGRSpatialReference srs;
  srs.importFromEPSG(4490);
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  OGRLayer* l = ds->CreateLayer("roads", &srs, wkbLineString, nullptr);
  const std::pair<const char*, OGRFieldType> fields[] = {
      {"id", OFTString},          {"class", OFTString},       {"speed_kmh", OFTReal},   {"oneway", OFTString},
      {"surface", OFTString},     {"county_code", OFTString}, {"program", OFTString},   {"status", OFTString},
      {"declared_km", OFTReal},   {"completed_on", OFTDate},  {"start_stake", OFTString}, {"end_stake", OFTString}};
  for (const auto& [name, type] : fields) {
    OGRFieldDefn d(name, type);
    l->CreateField(&d);
  }
  const char* classes[] = {"village", "village", "township", "county", "provincial"};
  std::mt19937 rng(2018);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  ds->StartTransaction();
  for (int i = 0; i < kRoads; ++i) {
    OGRFeature f(l->GetLayerDefn());
    f.SetField(0, ("R" + std::to_string(i)).c_str());
    f.SetField(1, classes[i % 5]);
    if (i % 7 == 0) f.SetField(2, 40.0);
    f.SetField(3, i % 11 == 0 ? "yes" : "no");
    f.SetField(4, "asphalt");
    f.SetField(5, "341522");
    f.SetField(6, i % 3 == 0 ? "changtong" : "none");
    f.SetField(7, "completed");
    f.SetField(8, 1.25);
    f.SetField(9, 2018, 7, 5);
    f.SetField(10, "K1+200");
    f.SetField(11, "K2+450");
    OGRLineString line;
    double lon = 115.5 + u(rng), lat = 31.0 + u(rng);
    const int n = 2 + i % 5;
    for (int k = 0; k < n; ++k) {
      line.addPoint(lon, lat);
      lon += 0.001 * u(rng);
      lat += 0.001 * u(rng);
    }
    f.SetGeometry(&line);
    if (l->CreateFeature(&f) != OGRERR_NONE) throw std::runtime_error("cannot write the benchmark roads");
  }
  ds->CommitTransaction();
  GDALClose(ds);
  fs::rename(tmp, p);
  return p;
}

fs::path roads_path() {
  static const fs::path p = [] {
    if (const char* env = std::getenv("RURALNET_BENCH_ROADS")) return fs::path(env);
    return write_roads();
  }();
  return p;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec); };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

std::size_t ogr_iterate(const fs::path& p) {
  GDALDatasetUniquePtr ds(GDALDataset::Open(p.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  OGRLayer* layer = ds->GetLayerByName("roads");
  std::size_t touched = 0;
  layer->ResetReading();
  while (OGRFeatureUniquePtr f{layer->GetNextFeature()}) {
    if (const OGRGeometry* g = f->GetGeometryRef()) touched += g->IsEmpty() ? 0 : 1;
    for (int i = 0; i < f->GetFieldCount(); ++i) touched += f->GetFieldAsString(i)[0] != 0 ? 1 : 0;
  }
  return touched;
}

void BM_ReadRoads(benchmark::State& state) {
  GDALAllRegister();
  const fs::path p = roads_path();
  double ogr = 0, full = 0, graph = 0, full_table = 0, graph_table = 0;
  std::size_t roads = 0;
  network::PrepareOptions po;
  po.progress = ProgressSettings{true};
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(ogr_iterate(p));
    ogr += seconds_since(t0);

    io::ReadOptions ro;
    ro.layer_sources["roads"] = p.string() + "|roads";
    t0 = std::chrono::steady_clock::now();
    {
      const model::Dataset ds = io::read_dataset(ro, ProgressSettings{true});
      roads = ds.roads.size();
      full += seconds_since(t0);
      const geo::Projector projector(geo::choose_local_crs(ds.extent()));
      benchmark::DoNotOptimize(network::prepare_segments(ds.roads, projector, po).vertex_count());
    }
    full_table += seconds_since(t0);

    ro.roads_graph_only = true;
    t0 = std::chrono::steady_clock::now();
    {
      const model::Dataset ds = io::read_dataset(ro, ProgressSettings{true});
      graph += seconds_since(t0);
      const geo::Projector projector(geo::choose_local_crs(ds.extent()));
      benchmark::DoNotOptimize(network::prepare_segments(ds.road_columns, projector, po).vertex_count());
    }
    graph_table += seconds_since(t0);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["roads"] = static_cast<double>(roads);
  state.counters["ogr_s"] = ogr / n;
  state.counters["full_s"] = full / n;
  state.counters["graph_s"] = graph / n;
  state.counters["full_x_ogr"] = full / ogr;
  state.counters["graph_x_ogr"] = graph / ogr;
  state.counters["full_table_s"] = full_table / n;
  state.counters["graph_table_s"] = graph_table / n;
  state.counters["x_full"] = full_table / graph_table;
}

}  // namespace

BENCHMARK(BM_ReadRoads)->Unit(benchmark::kMillisecond)->Iterations(2);

namespace {

// The graph-only read alone, for profiling.
void BM_ReadRoadsGraphOnly(benchmark::State& state) {
  GDALAllRegister();
  io::ReadOptions ro;
  ro.layer_sources["roads"] = roads_path().string() + "|roads";
  ro.roads_graph_only = true;
  for (auto _ : state) {
    const model::Dataset ds = io::read_dataset(ro, ProgressSettings{true});
    benchmark::DoNotOptimize(ds.road_columns.size());
  }
}

}  // namespace

BENCHMARK(BM_ReadRoadsGraphOnly)->Unit(benchmark::kMillisecond)->Iterations(2);

namespace {

// Reads `ro` by one thread and by two in each iteration, with the counters
// the two benchmarks below report.
void one_and_two_threads(benchmark::State& state, const io::ReadOptions& ro) {
  double one = 0, two = 0, one_cpu = 0, two_cpu = 0;
  std::size_t roads = 0;
  for (auto _ : state) {
    for (std::size_t threads : {1u, 2u}) {
      io::detail::set_roads_read_threads(threads);
      const auto t0 = std::chrono::steady_clock::now();
      const double c0 = cpu_seconds();
      const model::Dataset ds = io::read_dataset(ro, ProgressSettings{true});
      (threads == 1 ? one : two) += seconds_since(t0);
      (threads == 1 ? one_cpu : two_cpu) += cpu_seconds() - c0;
      roads = ds.road_columns.size();
      benchmark::DoNotOptimize(ds.road_columns.lonlat.data());
      benchmark::DoNotOptimize(ds.read_fingerprint.data());
    }
  }
  io::detail::set_roads_read_threads(0);
  const double n = static_cast<double>(state.iterations());
  state.counters["roads"] = static_cast<double>(roads);
  state.counters["one_s"] = one / n;
  state.counters["two_s"] = two / n;
  state.counters["x_one"] = two / one;
  state.counters["one_cpu_s"] = one_cpu / n;
  state.counters["two_cpu_s"] = two_cpu / n;
}

// The graph-only read by one thread and by two (the FID halves of the
// GeoPackage read side by side), in the same run. Counters: one_s, two_s and
// x_one = two_s / one_s (0.5 would be a perfect halving); one_cpu_s and
// two_cpu_s, the process's CPU seconds, tell on a busy machine whether the
// second thread adds work or only waits for a core. RURALNET_BENCH_ROADS
// points it at another dataset's roads, e.g. a `synth --scale province` file.
void BM_ReadRoadsThreads(benchmark::State& state) {
  GDALAllRegister();
  io::ReadOptions ro;
  ro.layer_sources["roads"] = roads_path().string() + "|roads";
  ro.roads_graph_only = true;
  one_and_two_threads(state, ro);
}

}  // namespace

BENCHMARK(BM_ReadRoadsThreads)->Unit(benchmark::kMillisecond)->Iterations(2);

namespace {

// What `coverage` reads (every layer, the roads graph-only) by one thread and
// by two, for the dataset RURALNET_BENCH_DATASET names (skipped without it):
// the "read" stage of a coverage run, without the rest of the run.
void BM_ReadDatasetThreads(benchmark::State& state) {
  const char* path = std::getenv("RURALNET_BENCH_DATASET");
  if (!path) {
    state.SkipWithError("set RURALNET_BENCH_DATASET to a dataset (e.g. a synth --scale province GeoPackage)");
    return;
  }
  GDALAllRegister();
  io::ReadOptions ro;
  ro.dataset = path;
  ro.roads_graph_only = true;
  one_and_two_threads(state, ro);
}

}  // namespace

BENCHMARK(BM_ReadDatasetThreads)->Unit(benchmark::kMillisecond)->Iterations(1);
