// The coverage GeoPackage layers and the per-village CSV, built from the same
// rows so that the two always carry the same fields.
#include <cmath>
#include <functional>
#include <memory>
#include <thread>
#include <map>

#include "ruralnet/report/csv.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/core/workers.hpp"
#include "ruralnet/io/atomic_file.hpp"
#include "ruralnet/report/coverage.hpp"

namespace ruralnet::report {

namespace {

using coverage::kNone;
using io::FieldType;
using io::FieldValue;

// Minutes to 1/1000 (0.06 s) and metres to the centimetre: finer than any
// input supports, and stable against last-bit differences.
FieldValue minutes(double v) { return std::isfinite(v) ? FieldValue(std::round(v * 1000.0) / 1000.0) : FieldValue(); }
FieldValue metres(double v) { return std::isfinite(v) ? FieldValue(std::round(v * 100.0) / 100.0) : FieldValue(); }
FieldValue flag(bool b) { return FieldValue(std::int64_t{b ? 1 : 0}); }
FieldValue text(const std::string& s) { return s.empty() ? FieldValue() : FieldValue(s); }

std::string facility_id(const model::Dataset& ds, std::size_t i) {
  if (i == kNone || i >= ds.facilities.size()) return "";
  const auto& f = ds.facilities[i];
  return f.id.empty() ? "fid " + std::to_string(f.ref.fid) : f.id;
}

const std::vector<io::FieldDef>& village_fields() {
  static const std::vector<io::FieldDef> f = {
      {"village_code", FieldType::text},        {"village_name", FieldType::text},
      {"township_code", FieldType::text},       {"township_name", FieldType::text},
      {"county_code", FieldType::text},         {"county_name", FieldType::text},
      {"population", FieldType::real},          {"poor", FieldType::boolean},
      {"flood_zone", FieldType::boolean},       {"reach", FieldType::text},
      {"reached", FieldType::boolean},          {"on_network", FieldType::boolean},
      {"snap_m", FieldType::real},              {"component", FieldType::integer},
      {"component_nodes", FieldType::integer},  {"own_outlet_id", FieldType::text},
      {"serving_outlet_id", FieldType::text},   {"outlet_distance_m", FieldType::real},
      {"station_id", FieldType::text},          {"station_time_min", FieldType::real},
      {"fastest_station_id", FieldType::text},  {"fastest_station_time_min", FieldType::real},
      {"neighbour_faster", FieldType::boolean}, {"hub_id", FieldType::text},
      {"hub_time_min", FieldType::real},
  };
  return f;
}

struct Names {
  std::map<std::string, std::string> township, county;
  explicit Names(const model::Dataset& ds) {
    for (const auto& t : ds.townships) township[t.code] = t.name;
    for (const auto& c : ds.counties) county[c.code] = c.name;
  }
  std::string of(const std::map<std::string, std::string>& m, const std::string& k) const {
    const auto it = m.find(k);
    return it == m.end() ? "" : it->second;
  }
};

std::vector<FieldValue> village_row(const model::Dataset& ds, const coverage::CoverageResult& r, const Names& n,
                                    std::size_t i) {
  const model::Village& v = ds.villages[i];
  const coverage::VillageResult& x = r.villages[i];
  const std::string tc = v.township_code.empty() ? v.code.substr(0, std::min<std::size_t>(9, v.code.size())) : v.township_code;
  const std::string cc = tc.substr(0, std::min<std::size_t>(6, tc.size()));
  return {text(v.code),
          text(v.name),
          text(tc),
          text(n.of(n.township, tc)),
          text(cc),
          text(n.of(n.county, cc)),
          v.population ? FieldValue(*v.population) : FieldValue(),
          flag(v.poor),
          flag(v.flood_zone),
          FieldValue(std::string(coverage::to_string(x.reach))),
          flag(coverage::is_reached(x.reach)),
          flag(x.at.on_network),
          metres(x.at.snap_m),
          x.at.on_network ? FieldValue(std::int64_t{x.at.component}) : FieldValue(),
          x.at.on_network ? FieldValue(static_cast<std::int64_t>(x.at.component_nodes)) : FieldValue(),
          text(facility_id(ds, x.own_outlet)),
          text(facility_id(ds, x.serving_outlet)),
          metres(x.outlet_distance_m),
          text(facility_id(ds, x.station)),
          minutes(x.station_time_min),
          text(facility_id(ds, x.fastest_station)),
          minutes(x.fastest_station_time_min),
          flag(x.neighbour_faster),
          text(facility_id(ds, x.hub)),
          minutes(x.hub_time_min)};
}

bool finite(LonLat p) { return std::isfinite(p.lon) && std::isfinite(p.lat); }

}  // namespace

std::string coverage_csv(const model::Dataset& ds, const coverage::CoverageResult& r) {
  const Names n(ds);
  std::string out;
  const auto& fields = village_fields();
  for (std::size_t k = 0; k < fields.size(); ++k) out += (k ? "," : "") + fields[k].name;
  out += "\r\n";
  for (std::size_t i = 0; i < r.villages.size(); ++i) {
    const auto row = village_row(ds, r, n, i);
    for (std::size_t k = 0; k < row.size(); ++k) out += (k ? "," : "") + csv_cell(row[k], 3);
    out += "\r\n";
  }
  return out;
}

namespace {

// Layers by bit (1 << k): villages_reach, tier_links, service_areas,
// off_network.
constexpr unsigned kAllLayers = 0xF;
// What needs no service area; off_network (small) waits, so that the tables
// are still created in the layers' order.
constexpr unsigned kEarlyLayers = 0x3;
constexpr unsigned kLateLayers = kAllLayers & ~kEarlyLayers;

// The four layers, feature by feature: schema(k, schema) once per layer
// before its features, then emit(k, geometry, values) for each, the geometry
// by reference to the results' own (nothing copied) and the values reused
// from one call to the next. Features only of the layers in `features`.
template <class Schema, class Emit>
void for_each_layer(const model::Dataset& ds, const coverage::CoverageResult& r, Schema schema, Emit emit,
                    unsigned features = kAllLayers) {
  const Names n(ds);
  std::vector<FieldValue> values;
  schema(0, io::LayerSchema{"villages_reach", io::GeometryType::point, village_fields()});
  if (features & (1u << 0))
    for (std::size_t i = 0; i < r.villages.size(); ++i) {
      const LonLat p = ds.villages[i].location;
      values = village_row(ds, r, n, i);
      emit(0, finite(p) ? io::GeometryRef(p) : io::GeometryRef(), values);
    }
  schema(1, io::LayerSchema{"tier_links",
                            io::GeometryType::linestring,
                            {{"from_id", FieldType::text},
                             {"from_tier", FieldType::text},
                             {"to_id", FieldType::text},
                             {"to_tier", FieldType::text},
                             {"to_admin_code", FieldType::text},
                             {"kind", FieldType::text},
                             {"time_min", FieldType::real},
                             {"length_m", FieldType::real}}});
  if (features & (1u << 1))
    for (const auto& l : r.links) {
      values = {text(facility_id(ds, l.from)),
                FieldValue(std::string(model::to_string(ds.facilities[l.from].tier))),
                text(facility_id(ds, l.to)),
                FieldValue(std::string(model::to_string(l.tier))),
                text(ds.facilities[l.to].admin_code),
                FieldValue(l.kind),
                minutes(l.time_min),
                metres(l.length_m)};
      emit(1, io::GeometryRef(&l.path), values);
    }
  schema(2, io::LayerSchema{"service_areas",
                            io::GeometryType::multipolygon,
                            {{"facility_id", FieldType::text},
                             {"tier", FieldType::text},
                             {"admin_code", FieldType::text},
                             {"band_min", FieldType::real},
                             {"area_km2", FieldType::real},
                             {"road_km", FieldType::real}}});
  if (features & (1u << 2))
    for (const auto& a : r.service_areas) {
      values = {text(facility_id(ds, a.facility)), FieldValue(std::string(model::to_string(a.tier))),
                text(ds.facilities[a.facility].admin_code), FieldValue(a.band_min),
                FieldValue(std::round(a.area_km2 * 1e4) / 1e4), FieldValue(std::round(a.road_km * 1e3) / 1e3)};
      emit(2, io::GeometryRef(&a.geometry), values);
    }
  schema(3, io::LayerSchema{"off_network",
                            io::GeometryType::point,
                            {{"layer", FieldType::text}, {"id", FieldType::text}, {"kind", FieldType::text}, {"reason", FieldType::text}}});
  if (features & (1u << 3))
    for (const auto& o : r.off_network) {
      const LonLat p = o.layer == "villages" ? ds.villages[o.index].location : ds.facilities[o.index].location;
      const std::string kind = o.layer == "villages" ? "village" : model::to_string(ds.facilities[o.index].tier);
      values = {FieldValue(o.layer), text(o.id), FieldValue(kind), FieldValue(o.reason)};
      emit(3, finite(p) ? io::GeometryRef(p) : io::GeometryRef(), values);
    }
}

}  // namespace

std::vector<io::LayerData> coverage_layers(const model::Dataset& ds, const coverage::CoverageResult& r) {
  std::vector<io::LayerData> layers(4);
  for_each_layer(
      ds, r, [&](std::size_t k, io::LayerSchema schema) { layers[k].schema = std::move(schema); },
      [&](std::size_t k, const io::GeometryRef& g, const std::vector<FieldValue>& values) {
        io::Feature f;
        if (const auto* p = std::get_if<LonLat>(&g)) f.geometry = *p;
        else if (const auto* l = std::get_if<const model::LineString*>(&g)) f.geometry = **l;
        else if (const auto* ml = std::get_if<const model::MultiLineString*>(&g)) f.geometry = **ml;
        else if (const auto* pg = std::get_if<const model::Polygon*>(&g)) f.geometry = **pg;
        else if (const auto* mp = std::get_if<const model::MultiPolygon*>(&g)) f.geometry = **mp;
        f.values = values;
        layers[k].features.push_back(std::move(f));
      });
  return layers;
}

void write_coverage_layers(io::VectorWriter& w, const model::Dataset& ds, const coverage::CoverageResult& r) {
  std::size_t handle[4] = {0, 0, 0, 0};
  for_each_layer(
      ds, r, [&](std::size_t k, const io::LayerSchema& schema) { handle[k] = w.add_layer(schema); },
      [&](std::size_t k, const io::GeometryRef& g, const std::vector<FieldValue>& values) { w.write(handle[k], g, values); });
}

namespace {

// a and b, side by side on two threads when `parallel`; the first error (b's,
// then a's) is rethrown once both are done.
void side_by_side(bool parallel, const std::function<void()>& a, const std::function<void()>& b) {
  if (!parallel) {
    a();
    b();
    return;
  }
  run_workers(2, [&](std::size_t w) { w == 0 ? b() : a(); });
}

}  // namespace

struct CoverageWriter::Impl {
  Impl(const std::filesystem::path& dir, bool overwrite, bool par) : out(dir, overwrite), parallel(par) {}
  io::AtomicOutput out;  // declared first: the folder goes after the GeoPackage is closed
  bool parallel;
  std::unique_ptr<io::VectorWriter> gpkg;
  std::size_t handle[4] = {0, 0, 0, 0};
  bool early = false, finished = false;
};

CoverageWriter::CoverageWriter(const std::filesystem::path& dir, bool overwrite, bool parallel)
    : impl_(std::make_unique<Impl>(dir, overwrite, parallel)) {}

CoverageWriter::CoverageWriter(const std::filesystem::path& dir, bool overwrite)
    : CoverageWriter(dir, overwrite, std::thread::hardware_concurrency() >= 2) {}

CoverageWriter::~CoverageWriter() = default;

void CoverageWriter::write_early(const model::Dataset& ds, const coverage::CoverageResult& r) {
  Impl& m = *impl_;
  if (m.early || m.finished) throw RunError("internal: coverage outputs written early twice, or after finishing");
  m.early = true;
  std::filesystem::create_directories(m.out.tmp());
  // The text files and the GeoPackage share nothing but the (read-only)
  // results: with two cores they are written side by side.
  side_by_side(
      m.parallel, [&] { io::write_text_file_atomic(m.out.tmp() / kCoverageCsv, coverage_csv(ds, r), false); },
      [&] {
        // Inside the temporary folder, which is itself the atomic unit.
        const std::filesystem::path path = m.out.tmp() / kCoverageGpkg;
        m.gpkg = std::make_unique<io::VectorWriter>(path, io::resolve_output_format(path, ""), io::WriteOptions{});
        for_each_layer(
            ds, r, [&](std::size_t k, const io::LayerSchema& schema) { m.handle[k] = m.gpkg->add_layer(schema); },
            [&](std::size_t k, const io::GeometryRef& g, const std::vector<FieldValue>& values) {
              m.gpkg->write(m.handle[k], g, values);
            },
            kEarlyLayers);
      });
}

void CoverageWriter::finish(const model::Dataset& ds, const coverage::CoverageResult& r) {
  Impl& m = *impl_;
  if (m.finished) throw RunError("internal: coverage outputs finished twice");
  if (!m.early) write_early(ds, r);
  side_by_side(
      m.parallel,
      [&] {
        io::write_text_file_atomic(m.out.tmp() / kCoverageJson, coverage_json(ds, r).dump(2) + "\n", false);
        io::write_text_file_atomic(m.out.tmp() / kCoverageMarkdown, coverage_markdown(ds, r), false);
      },
      [&] {
        for_each_layer(
            ds, r, [](std::size_t, const io::LayerSchema&) {},
            [&](std::size_t k, const io::GeometryRef& g, const std::vector<FieldValue>& values) {
              m.gpkg->write(m.handle[k], g, values);
            },
            kLateLayers);
        m.gpkg->close();
      });
  m.out.commit();
  m.finished = true;
}

void write_coverage(const std::filesystem::path& dir, const model::Dataset& ds, const coverage::CoverageResult& r,
                    bool overwrite) {
  write_coverage(dir, ds, r, overwrite, std::thread::hardware_concurrency() >= 2);
}

void write_coverage(const std::filesystem::path& dir, const model::Dataset& ds, const coverage::CoverageResult& r,
                    bool overwrite, bool parallel) {
  CoverageWriter w(dir, overwrite, parallel);
  w.write_early(ds, r);
  w.finish(ds, r);
}

}  // namespace ruralnet::report
