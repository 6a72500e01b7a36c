// Writing a GeoPackage shaped like coverage.gpkg (many points with 25 fields,
// lines, large multipolygons) through io::VectorWriter, three ways in the same
// run on the same features: the plain path (GDAL builds each R-tree at close,
// one row at a time), the fast path with rows through OGR (gpkg_fast,
// gpkg_direct = false: R-trees packed at close) and the default, rows encoded
// here and inserted straight into SQLite on a second thread (gpkg_direct).
//
// The layers: synthetic, a tenth of a `synth --scale province` coverage run
// (5,000 points, 4,600 lines of ~65 vertices, 1,050 multipolygons of ~700
// vertices); RURALNET_BENCH_WRITE=PATH writes the layers of another
// GeoPackage instead (e.g. a coverage.gpkg).
//
// Counters: plain_s (baseline), fast_s (rows through OGR), direct_s (the
// default), x_plain = direct_s / plain_s, x_fast = direct_s / fast_s, and the
// size of the file written (mb). RURALNET_BENCH_WRITE_KEEP=DIR keeps one file
// of each path (DIR/plain.gpkg, DIR/fast.gpkg, DIR/direct.gpkg) for comparison.
#include <benchmark/benchmark.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>

#include "ruralnet/io/write.hpp"

namespace fs = std::filesystem;
using namespace ruralnet;

namespace {

model::LineString to_line(const OGRSimpleCurve& c) {
  model::LineString out(static_cast<std::size_t>(c.getNumPoints()));
  for (int i = 0; i < c.getNumPoints(); ++i) out[static_cast<std::size_t>(i)] = {c.getX(i), c.getY(i)};
  return out;
}

model::Polygon to_polygon(const OGRPolygon& p) {
  model::Polygon out;
  for (const auto* ring : p) out.rings.push_back(to_line(*ring));
  return out;
}

io::Geometry to_geometry(const OGRGeometry* g) {
  if (!g) return std::monostate{};
  switch (wkbFlatten(g->getGeometryType())) {
    case wkbPoint: return LonLat{g->toPoint()->getX(), g->toPoint()->getY()};
    case wkbLineString: return to_line(*g->toLineString());
    case wkbPolygon: return to_polygon(*g->toPolygon());
    case wkbMultiPolygon: {
      model::MultiPolygon m;
      for (const auto* p : g->toMultiPolygon()) m.push_back(to_polygon(*p));
      return m;
    }
    case wkbMultiLineString: {
      model::MultiLineString m;
      for (const auto* l : g->toMultiLineString()) m.push_back(to_line(*l));
      return m;
    }
    default: throw std::runtime_error("unexpected geometry type in the benchmark input");
  }
}

std::vector<io::LayerData> read_layers(const fs::path& p) {
  GDALDatasetUniquePtr ds(GDALDataset::Open(p.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds) throw std::runtime_error("cannot open " + p.string());
  std::vector<io::LayerData> out;
  for (OGRLayer* l : ds->GetLayers()) {
    io::LayerData d;
    d.schema.name = l->GetName();
    switch (wkbFlatten(l->GetGeomType())) {
      case wkbNone: d.schema.geometry = io::GeometryType::none; break;
      case wkbPoint: d.schema.geometry = io::GeometryType::point; break;
      case wkbLineString: d.schema.geometry = io::GeometryType::linestring; break;
      case wkbMultiLineString: d.schema.geometry = io::GeometryType::multilinestring; break;
      case wkbPolygon: d.schema.geometry = io::GeometryType::polygon; break;
      default: d.schema.geometry = io::GeometryType::multipolygon; break;
    }
    OGRFeatureDefn* defn = l->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
      const OGRFieldDefn* f = defn->GetFieldDefn(i);
      io::FieldType t = io::FieldType::text;
      if (f->GetType() == OFTReal) t = io::FieldType::real;
      if (f->GetType() == OFTInteger64) t = io::FieldType::integer;
      if (f->GetType() == OFTInteger) t = f->GetSubType() == OFSTBoolean ? io::FieldType::boolean : io::FieldType::integer;
      d.schema.fields.push_back({f->GetNameRef(), t});
    }
    for (auto& f : *l) {
      io::Feature x;
      x.geometry = to_geometry(f->GetGeometryRef());
      for (int i = 0; i < defn->GetFieldCount(); ++i) {
        if (!f->IsFieldSetAndNotNull(i)) x.values.emplace_back();
        else if (d.schema.fields[static_cast<std::size_t>(i)].type == io::FieldType::text) x.values.emplace_back(std::string(f->GetFieldAsString(i)));
        else if (d.schema.fields[static_cast<std::size_t>(i)].type == io::FieldType::real) x.values.emplace_back(f->GetFieldAsDouble(i));
        else x.values.emplace_back(static_cast<std::int64_t>(f->GetFieldAsInteger64(i)));
      }
      d.features.push_back(std::move(x));
    }
    out.push_back(std::move(d));
  }
  return out;
}

// A closed wiggly ring of n vertices around (cx, cy).
model::Ring ring(std::mt19937& rng, double cx, double cy, double r, int n) {
  std::uniform_real_distribution<double> u(0.8, 1.2);
  model::Ring out;
  for (int k = 0; k < n; ++k) {
    const double a = 2 * M_PI * k / n;
    out.push_back({cx + r * u(rng) * std::cos(a), cy + r * u(rng) * std::sin(a)});
  }
  out.push_back(out.front());
  return out;
}

std::vector<io::LayerData> synthetic_layers() {
  std::mt19937 rng(2018);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<io::LayerData> out(3);
  out[0].schema = {"villages_reach", io::GeometryType::point, {}};
  for (int i = 0; i < 25; ++i)
    out[0].schema.fields.push_back({"f" + std::to_string(i), i % 3 == 0 ? io::FieldType::real
                                                             : i % 3 == 1 ? io::FieldType::text
                                                                          : io::FieldType::boolean});
  for (int v = 0; v < 5000; ++v) {
    io::Feature f;
    f.geometry = LonLat{115 + u(rng), 31 + u(rng)};
    for (int i = 0; i < 25; ++i) {
      if (i % 3 == 0) f.values.emplace_back(std::round(u(rng) * 1e5) / 100);
      else if (i % 3 == 1) f.values.emplace_back("O3415020012" + std::to_string(v));
      else f.values.emplace_back(std::int64_t{v % 2});
    }
    out[0].features.push_back(std::move(f));
  }
  out[1].schema = {"tier_links",
                   io::GeometryType::linestring,
                   {{"from_id", io::FieldType::text}, {"kind", io::FieldType::text}, {"time_min", io::FieldType::real}}};
  for (int l = 0; l < 4600; ++l) {
    model::LineString line;
    double x = 115 + u(rng), y = 31 + u(rng);
    for (int k = 0; k < 65; ++k) line.push_back({x += 0.001 * (u(rng) - 0.5), y += 0.001 * (u(rng) - 0.5)});
    out[1].features.push_back({line, {std::string("O" + std::to_string(l)), std::string("road"), u(rng) * 30}});
  }
  out[2].schema = {"service_areas",
                   io::GeometryType::multipolygon,
                   {{"facility_id", io::FieldType::text}, {"band_min", io::FieldType::real}, {"area_km2", io::FieldType::real}}};
  for (int a = 0; a < 1050; ++a) {
    model::MultiPolygon m;
    const double cx = 115 + u(rng), cy = 31 + u(rng);
    m.push_back({{ring(rng, cx, cy, 0.05, 500), ring(rng, cx, cy, 0.01, 60)}});
    for (int p = 0; p < 3; ++p) m.push_back({{ring(rng, cx + 0.1 * (p + 1), cy, 0.02, 45)}});
    out[2].features.push_back({m, {std::string("S" + std::to_string(a)), 30.0, u(rng) * 100}});
  }
  return out;
}

const std::vector<io::LayerData>& layers() {
  static const std::vector<io::LayerData> l = [] {
    GDALAllRegister();
    if (const char* env = std::getenv("RURALNET_BENCH_WRITE")) return read_layers(env);
    return synthetic_layers();
  }();
  return l;
}

enum class Path { plain, fast, direct };

double write_once(const fs::path& p, Path path) {
  fs::remove(p);
  io::WriteOptions o;
  o.gpkg_fast = path != Path::plain;
  o.gpkg_direct = path == Path::direct;
  const auto t0 = std::chrono::steady_clock::now();
  io::write_layers(p, layers(), o, false);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void BM_WriteGpkg(benchmark::State& state) {
  const fs::path dir = fs::temp_directory_path() / ("ruralnet-bench-write-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path p = dir / "out.gpkg";
  layers();
  double plain = 0, fast = 0, direct = 0;
  for (auto _ : state) {
    plain += write_once(p, Path::plain);
    fast += write_once(p, Path::fast);
    direct += write_once(p, Path::direct);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["mb"] = static_cast<double>(fs::file_size(p)) / 1e6;
  state.counters["plain_s"] = plain / n;
  state.counters["fast_s"] = fast / n;
  state.counters["direct_s"] = direct / n;
  state.counters["x_plain"] = direct / plain;
  state.counters["x_fast"] = direct / fast;
  fs::remove_all(dir);
  if (const char* keep = std::getenv("RURALNET_BENCH_WRITE_KEEP")) {
    write_once(fs::path(keep) / "plain.gpkg", Path::plain);
    write_once(fs::path(keep) / "fast.gpkg", Path::fast);
    write_once(fs::path(keep) / "direct.gpkg", Path::direct);
  }
}

// The two fast paths alone, side by side (rows through OGR, then straight
// into SQLite): x_fast = direct_s / fast_s.
void BM_WriteGpkgDirect(benchmark::State& state) {
  const fs::path dir = fs::temp_directory_path() / ("ruralnet-bench-write-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path p = dir / "out.gpkg";
  layers();
  double fast = 0, direct = 0;
  for (auto _ : state) {
    fast += write_once(p, Path::fast);
    direct += write_once(p, Path::direct);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["mb"] = static_cast<double>(fs::file_size(p)) / 1e6;
  state.counters["fast_s"] = fast / n;
  state.counters["direct_s"] = direct / n;
  state.counters["x_fast"] = direct / fast;
  fs::remove_all(dir);
}

// The default path alone, for profiling.
void BM_WriteGpkgFast(benchmark::State& state) {
  const fs::path dir = fs::temp_directory_path() / ("ruralnet-bench-write-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  layers();
  for (auto _ : state) benchmark::DoNotOptimize(write_once(dir / "out.gpkg", Path::direct));
  fs::remove_all(dir);
}

}  // namespace

BENCHMARK(BM_WriteGpkg)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_WriteGpkgDirect)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_WriteGpkgFast)->Unit(benchmark::kMillisecond)->Iterations(3);
