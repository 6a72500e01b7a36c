#include "ruralnet/maps/outputs.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>

#include "ruralnet/core/error.hpp"
#include "ruralnet/maps/report.hpp"

namespace ruralnet::maps {

namespace fs = std::filesystem;
using nlohmann::json;

const char* to_string(Analysis a) {
  switch (a) {
    case Analysis::coverage: return "coverage";
    case Analysis::roads: return "roads";
    case Analysis::quota: return "quota";
    case Analysis::site: return "site";
    case Analysis::frequency: return "frequency";
  }
  return "?";
}

std::optional<Analysis> parse_analysis(std::string_view text) {
  for (Analysis a : all_analyses())
    if (text == to_string(a)) return a;
  if (text == "siting") return Analysis::site;
  return std::nullopt;
}

const std::vector<Analysis>& all_analyses() {
  static const std::vector<Analysis> all = {Analysis::coverage, Analysis::roads, Analysis::quota, Analysis::site,
                                            Analysis::frequency};
  return all;
}

const OutputContract& contract(Analysis a) {
  static const OutputContract coverage{"coverage.json", "coverage.gpkg", {"villages_reach", "service_areas"},
                                       "ruralnet.coverage/"};
  static const OutputContract roads{"summary.json", "roads_audit.gpkg", {"findings"}, "ruralnet.roads/"};
  static const OutputContract quota{"quota.json", "", {}, "ruralnet.quota/"};
  static const OutputContract site{"siting.json", "siting.gpkg", {"sites", "assignment"}, ""};
  static const OutputContract frequency{"frequency.json", "frequency.gpkg", {"routes", "villages_frequency"}, ""};
  switch (a) {
    case Analysis::coverage: return coverage;
    case Analysis::roads: return roads;
    case Analysis::quota: return quota;
    case Analysis::site: return site;
    case Analysis::frequency: return frequency;
  }
  return coverage;
}

namespace {

struct DatasetCloser {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};

double round_to(double v, double scale) { return std::round(v * scale) / scale; }

// Rounds every coordinate of a GeoJSON geometry in place and drops the
// repeated vertices rounding makes.
void round_coordinates(json& coords, double scale) {
  if (coords.is_array() && !coords.empty() && coords[0].is_number()) {
    for (auto& v : coords) v = round_to(v.get<double>(), scale);
    return;
  }
  if (!coords.is_array()) return;
  for (auto& c : coords) round_coordinates(c, scale);
  // A list of positions: drop consecutive duplicates (a ring keeps its closure
  // because its first and last vertices are not consecutive).
  if (!coords.empty() && coords[0].is_array() && !coords[0].empty() && coords[0][0].is_number() && coords.size() > 2) {
    json out = json::array();
    for (auto& p : coords)
      if (out.empty() || out.back() != p) out.push_back(std::move(p));
    if (out.size() >= 2) coords = std::move(out);
  }
}

struct Shape {
  double scale;           // 10^decimals
  double tolerance;       // Douglas-Peucker, degrees; 0 = none
  double min_ring_area;   // square degrees; smaller polygons and holes are left out
};

json positions(const OGRSimpleCurve& c, const Shape& s, bool ring) {
  std::vector<LonLat> pts;
  pts.reserve(static_cast<std::size_t>(c.getNumPoints()));
  for (int i = 0; i < c.getNumPoints(); ++i) pts.push_back({c.getX(i), c.getY(i)});
  if (s.tolerance > 0) {
    auto simple = simplify_line(pts, s.tolerance);
    if (!ring || simple.size() >= 4) pts = std::move(simple);
  }
  json a = json::array();
  for (const auto& p : pts) {
    json q = json::array({round_to(p.lon, s.scale), round_to(p.lat, s.scale)});
    if (a.empty() || a.back() != q) a.push_back(std::move(q));
  }
  if (a.size() == 1) a.push_back(a[0]);
  while (ring && !a.empty() && a.size() < 4) a.push_back(a[0]);
  return a;
}

double ring_area(const OGRLinearRing& r) {
  double a = 0;
  for (int i = 0; i + 1 < r.getNumPoints(); ++i) a += r.getX(i) * r.getY(i + 1) - r.getX(i + 1) * r.getY(i);
  return std::abs(a) / 2;
}

json polygon(const OGRPolygon& p, const Shape& s) {
  json rings = json::array();
  const OGRLinearRing* shell = p.getExteriorRing();
  if (!shell || shell->IsEmpty() || ring_area(*shell) < s.min_ring_area) return rings;
  rings.push_back(positions(*shell, s, true));
  for (int i = 0; i < p.getNumInteriorRings(); ++i)
    if (const OGRLinearRing* h = p.getInteriorRing(i); h && ring_area(*h) >= s.min_ring_area)
      rings.push_back(positions(*h, s, true));
  return rings;
}

// The geometry as GeoJSON, built straight from OGR (no text round trip):
// rounded, simplified, slivers left out; null when nothing is left.
json geometry_json(const OGRGeometry& g, const Shape& s) {
  switch (wkbFlatten(g.getGeometryType())) {
    case wkbPoint: {
      const auto& p = *g.toPoint();
      return {{"type", "Point"}, {"coordinates", {round_to(p.getX(), s.scale), round_to(p.getY(), s.scale)}}};
    }
    case wkbLineString:
      return {{"type", "LineString"}, {"coordinates", positions(*g.toLineString(), s, false)}};
    case wkbMultiLineString: {
      json parts = json::array();
      for (const auto* l : *g.toMultiLineString()) parts.push_back(positions(*l, s, false));
      return {{"type", "MultiLineString"}, {"coordinates", std::move(parts)}};
    }
    case wkbPolygon: {
      json rings = polygon(*g.toPolygon(), s);
      if (rings.empty()) return nullptr;
      return {{"type", "Polygon"}, {"coordinates", std::move(rings)}};
    }
    case wkbMultiPolygon: {
      json polys = json::array();
      for (const auto* p : *g.toMultiPolygon())
        if (json rings = polygon(*p, s); !rings.empty()) polys.push_back(std::move(rings));
      if (polys.empty()) return nullptr;
      return {{"type", "MultiPolygon"}, {"coordinates", std::move(polys)}};
    }
    default: {
      // Anything else (a collection, curves) through GDAL's own GeoJSON.
      char* text = OGR_G_ExportToJson(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&g)));
      if (!text) return nullptr;
      json j = json::parse(text, nullptr, false);
      CPLFree(text);
      if (j.is_discarded()) return nullptr;
      round_coordinates(j["coordinates"], s.scale);
      return j;
    }
  }
}

json field_value(OGRFeature& f, int i) {
  if (!f.IsFieldSetAndNotNull(i)) return nullptr;
  const OGRFieldDefn* d = f.GetFieldDefnRef(i);
  switch (d->GetType()) {
    case OFTInteger:
      if (d->GetSubType() == OFSTBoolean) return f.GetFieldAsInteger(i) != 0;
      return f.GetFieldAsInteger(i);
    case OFTInteger64: return static_cast<std::int64_t>(f.GetFieldAsInteger64(i));
    case OFTReal: {
      const double v = f.GetFieldAsDouble(i);
      if (!std::isfinite(v)) return nullptr;
      return v;
    }
    default: return std::string(f.GetFieldAsString(i));
  }
}

json read_json_file(const fs::path& file, const fs::path& dir, const char* what) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw InputError({dir.string(), {}, {}, {}}, std::string("the ") + what + " output folder lacks " +
                                                     file.filename().string(),
                     std::string("give the folder `ruralnet ") + what + " --out` wrote, or leave the option out");
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return json::parse(text.str());
  } catch (const json::exception& e) {
    throw InputError({file.string(), {}, {}, {}}, std::string("not readable JSON: ") + e.what(),
                     std::string("run `ruralnet ") + what + "` again to rewrite it");
  }
}

}  // namespace

json read_layer_geojson(const fs::path& gpkg, const std::string& layer, int decimals, double simplify_deg,
                        double min_ring_area) {
  std::unique_ptr<GDALDataset, DatasetCloser> ds(
      GDALDataset::Open(gpkg.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!ds) throw InputError({gpkg.string(), {}, {}, {}}, "cannot open the GeoPackage", "check that the file exists and is complete");
  OGRLayer* l = ds->GetLayerByName(layer.c_str());
  if (!l) throw InputError({gpkg.string(), layer, {}, {}}, "the layer is missing", "run the analysis again to rewrite its outputs");
  const Shape shape{std::pow(10.0, decimals), simplify_deg, min_ring_area};
  json features = json::array();
  OGRFeatureDefn* defn = l->GetLayerDefn();
  l->ResetReading();
  for (auto& f : *l) {
    json props = json::object();
    for (int i = 0; i < defn->GetFieldCount(); ++i) props[defn->GetFieldDefn(i)->GetNameRef()] = field_value(*f, i);
    json geom = nullptr;
    if (const OGRGeometry* g = f->GetGeometryRef(); g && !g->IsEmpty()) geom = geometry_json(*g, shape);
    features.push_back({{"type", "Feature"}, {"properties", std::move(props)}, {"geometry", std::move(geom)}});
  }
  return {{"type", "FeatureCollection"}, {"features", std::move(features)}};
}

AnalysisOutput read_output(Analysis kind, const fs::path& dir, const std::string& dataset_fingerprint,
                           const std::vector<std::string>& county_codes, int decimals) {
  const OutputContract& c = contract(kind);
  const char* what = to_string(kind);
  if (!fs::is_directory(dir))
    throw InputError({dir.string(), {}, {}, {}}, std::string("the ") + what + " output folder does not exist",
                     std::string("run `ruralnet ") + what + " DATASET --out " + dir.string() + "` first");
  AnalysisOutput out;
  out.kind = kind;
  out.dir = dir;
  out.summary = read_json_file(dir / c.json, dir, what);
  if (!out.summary.is_object())
    throw InputError({(dir / c.json).string(), {}, {}, {}}, "not an analysis summary (no JSON object)");
  if (!c.schema_prefix.empty()) {
    const std::string schema = out.summary.value("schema", "");
    if (schema.rfind(c.schema_prefix, 0) != 0)
      throw InputError({(dir / c.json).string(), {}, {}, "schema"},
                       std::string("is not a ") + what + " output (schema '" + schema + "', expected " + c.schema_prefix +
                           "...)",
                       std::string("give the folder `ruralnet ") + what + " --out` wrote");
  }
  const auto fp = out.summary.find("dataset_fingerprint");
  const bool has_fp = fp != out.summary.end() && fp->is_string();
  if (has_fp && fp->get<std::string>() != dataset_fingerprint)
    throw InputError({(dir / c.json).string(), {}, {}, "dataset_fingerprint"},
                     std::string("the ") + what + " output in " + dir.string() + " is of another dataset: fingerprint " +
                         fp->get<std::string>() + ", the dataset's is " + dataset_fingerprint +
                         " (its \"dataset\" was '" + out.summary.value("dataset", std::string("?")) + "')",
                     std::string("run `ruralnet ") + what + "` on this dataset again, or leave --" + what + " out");
  if (!has_fp) {
    if (kind != Analysis::quota)
      throw InputError({(dir / c.json).string(), {}, {}, "dataset_fingerprint"},
                       std::string("the ") + what + " output in " + dir.string() +
                           " carries no dataset fingerprint, so it cannot be told to be of this dataset (" +
                           dataset_fingerprint + ")",
                       std::string("run `ruralnet ") + what + "` on this dataset again with this version");
    // A quota report may be made from the plan and progress alone; it belongs
    // to this dataset when every county it names is one of the dataset's.
    if (const auto rows = out.summary.find("rows"); rows != out.summary.end() && rows->is_array())
      for (const auto& r : *rows) {
        const std::string code = r.value("county_code", std::string());
        bool known = false;
        for (const auto& k : county_codes) known = known || k == code;
        if (!known)
          throw InputError({(dir / c.json).string(), {}, {}, "county_code"},
                           std::string("the quota output in ") + dir.string() + " names county '" + code +
                               "', which is not in the dataset (fingerprint " + dataset_fingerprint + ")",
                           "give the quota report of this dataset's city, or leave --quota out");
      }
  }
  if (!c.layers.empty() && !fs::is_regular_file(dir / c.gpkg))
    throw InputError({dir.string(), {}, {}, {}}, std::string("the ") + what + " output folder lacks " + c.gpkg,
                     std::string("give the folder `ruralnet ") + what + " --out` wrote, or run it again");
  for (const auto& layer : c.layers) {
    // Service areas are traced from grid cells: their staircase outlines are
    // smoothed to within a cell (1e-3 degree, about 100 m) and parts under
    // about four cells left out, which takes the demo's 390 areas from 18 MB
    // to 4 (coverage.gpkg keeps them whole). Lines lose what cannot be seen.
    // Routes follow the roads already drawn beneath them: 1e-4 degree (about
    // 10 m) is finer than a pixel at county scale.
    const bool areas = kind == Analysis::coverage && layer == "service_areas";
    const bool routes = kind == Analysis::frequency && layer == "routes";
    out.layers.push_back({layer, read_layer_geojson(dir / c.gpkg, layer, decimals,
                                                    areas ? 1e-3 : routes ? 1e-4 : 2e-5, areas ? 4e-6 : 0.0)});
  }
  return out;
}

}  // namespace ruralnet::maps
