#include "ruralnet/validation/validate.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>

#include "ruralnet/core/text.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/model/codes.hpp"

namespace ruralnet::validation {

using model::CodeLevel;
using model::Finding;
using model::Findings;
using model::Severity;

namespace {

const std::vector<std::string> kLayerOrder = {"counties", "townships", "villages", "roads", "facilities"};

int layer_rank(const std::string& layer) {
  const auto it = std::find(kLayerOrder.begin(), kLayerOrder.end(), layer);
  return it == kLayerOrder.end() ? static_cast<int>(kLayerOrder.size()) : static_cast<int>(it - kLayerOrder.begin());
}

std::string fid_label(std::int64_t fid) { return "fid " + std::to_string(fid); }
std::string label(const std::string& id, std::int64_t fid) { return id.empty() ? fid_label(fid) : id; }

std::string lonlat_text(LonLat p) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f, %.6f", p.lon, p.lat);
  return buf;
}

// "fid 9" before "fid 10": runs of digits compare by value.
bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t ie = i, je = j;
      while (ie < a.size() && digit(a[ie])) ++ie;
      while (je < b.size() && digit(b[je])) ++je;
      std::string_view da(a.data() + i, ie - i), db(b.data() + j, je - j);
      while (da.size() > 1 && da[0] == '0') da.remove_prefix(1);
      while (db.size() > 1 && db[0] == '0') db.remove_prefix(1);
      if (da.size() != db.size()) return da.size() < db.size();
      if (da != db) return da < db;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
  return a < b;
}

bool finite(LonLat p) { return std::isfinite(p.lon) && std::isfinite(p.lat); }

const std::set<std::string> kGeometryKinds = {"empty_geometry", "nan_coordinates", "wrong_geometry_type",
                                              "invalid_geometry"};

// GEOS context whose errors are kept for messages rather than printed.
class Geos {
 public:
  Geos() {
    h_ = GEOS_init_r();
    GEOSContext_setErrorMessageHandler_r(
        h_, [](const char* msg, void* self) { static_cast<Geos*>(self)->error_ = msg; }, this);
  }
  ~Geos() { GEOS_finish_r(h_); }
  Geos(const Geos&) = delete;
  Geos& operator=(const Geos&) = delete;
  GEOSContextHandle_t h() const { return h_; }
  const std::string& error() const { return error_; }
  void clear_error() { error_.clear(); }

  // nullptr (with error()) when GEOS refuses the shape, e.g. an unclosed ring.
  GEOSGeometry* multipolygon(const model::MultiPolygon& mp) {
    std::vector<GEOSGeometry*> polys;
    for (const auto& p : mp) {
      std::vector<GEOSGeometry*> rings;
      bool ok = true;
      for (const auto& r : p.rings) {
        if (r.size() < 4) {
          error_ = "a ring has " + std::to_string(r.size()) + " points; a closed ring needs at least 4";
          ok = false;
          break;
        }
        GEOSCoordSequence* seq = GEOSCoordSeq_copyFromBuffer_r(h_, &r[0].lon, static_cast<unsigned>(r.size()), 0, 0);
        GEOSGeometry* ring = seq ? GEOSGeom_createLinearRing_r(h_, seq) : nullptr;
        if (!ring) {
          ok = false;
          break;
        }
        rings.push_back(ring);
      }
      if (!ok || rings.empty()) {
        for (auto* g : rings) GEOSGeom_destroy_r(h_, g);
        for (auto* g : polys) GEOSGeom_destroy_r(h_, g);
        if (ok) error_ = "a polygon has no rings";
        return nullptr;
      }
      polys.push_back(GEOSGeom_createPolygon_r(h_, rings[0], rings.size() > 1 ? &rings[1] : nullptr,
                                               static_cast<unsigned>(rings.size() - 1)));
    }
    return GEOSGeom_createCollection_r(h_, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size()));
  }

 private:
  GEOSContextHandle_t h_ = nullptr;
  std::string error_;
};

class Validator {
 public:
  Validator(const model::Dataset& ds, const ValidateOptions& opt) : ds_(ds), opt_(opt) {
    for (const auto& f : ds.read_findings) {
      read_keys_.insert({f.kind, f.layer, f.feature_id, f.field});
      if (kGeometryKinds.count(f.kind)) geometry_reported_.insert({f.layer, f.feature_id});
      if (f.kind == "missing_field") missing_fields_.insert({f.layer, f.field});
    }
  }

  Findings run() {
    check_layers();
    check_counties();
    check_townships();
    check_villages();
    check_roads();
    check_facilities();
    Findings all;
    if (opt_.include_read_findings) all = ds_.read_findings;
    for (auto& f : out_)
      if (!read_keys_.count({f.kind, f.layer, f.feature_id, f.field})) all.push_back(std::move(f));
    sort_findings(all);
    return all;
  }

 private:
  void add(Severity sev, std::string kind, std::string layer, std::string feature, std::string field,
           std::string message, std::optional<LonLat> where = std::nullopt) {
    Finding f;
    f.severity = sev;
    f.kind = std::move(kind);
    f.layer = std::move(layer);
    f.feature_id = std::move(feature);
    f.field = std::move(field);
    f.message = std::move(message);
    if (where && finite(*where)) f.location = where;
    out_.push_back(std::move(f));
  }

  bool present(const std::string& layer, std::size_t size) const {
    const auto it = ds_.layers.find(layer);
    return size > 0 || (it != ds_.layers.end() && it->second.present);
  }
  bool field_missing(const std::string& layer, const std::string& field) const {
    return missing_fields_.count({layer, field}) > 0;
  }
  bool geometry_done(const std::string& layer, const std::string& feature) const {
    return geometry_reported_.count({layer, feature}) > 0;
  }

  void check_layers() {
    const std::map<std::string, std::size_t> sizes = {{"counties", ds_.counties.size()},
                                                      {"townships", ds_.townships.size()},
                                                      {"villages", ds_.villages.size()},
                                                      {"roads", ds_.roads.size()},
                                                      {"facilities", ds_.facilities.size()}};
    for (const auto& [name, size] : sizes) {
      const auto it = ds_.layers.find(name);
      if (it == ds_.layers.end()) continue;
      const auto& info = it->second;
      if (info.present && size == 0)
        add(Severity::error, "empty_layer", name, "", "",
            "the layer has no features (source '" + info.source + (info.source_layer.empty() ? "" : "|" + info.source_layer) + "')");
      if (!info.present && size == 0)
        add(Severity::info, "layer_absent", name, "", "",
            "the dataset has no '" + name + "' layer; analyses that need it will refuse to run");
      // Coordinates far outside China mean a wrongly declared or assumed CRS
      // (metres read as degrees, latitude and longitude swapped).
      const Extent& e = info.extent;
      if (info.present && !e.empty() && (e.min_lon < 73.0 || e.max_lon > 136.0 || e.min_lat < 3.0 || e.max_lat > 54.0))
        add(Severity::warning, "outside_china", name, "", "",
            "the layer's extent (" + lonlat_text({e.min_lon, e.min_lat}) + " to " + lonlat_text({e.max_lon, e.max_lat}) +
                ") reaches outside China; check its declared CRS (source CRS " + info.source_crs + ")");
      if (info.present && !info.coordinate_system.empty())
        add(Severity::info, "converted_coordinates", name, "", "",
            "coordinates were converted from " + info.coordinate_system + " web-map coordinates to " + ds_.geographic_crs);
    }
  }

  // The identity code of a feature: empty, malformed, or fine.
  void check_code(const std::string& layer, const std::string& code, std::int64_t fid, CodeLevel level) {
    if (field_missing(layer, "code")) return;
    if (code.empty()) {
      add(Severity::error, "missing_value", layer, fid_label(fid), "code", "the code is empty");
    } else if (!model::is_division_code(code, level)) {
      add(Severity::error, "bad_code_format", layer, code, "code",
          "code '" + code + "' is not " + std::to_string(static_cast<int>(level)) + " digits");
    }
  }

  // A reference to another layer's code (county_code, township_code, admin_code).
  bool check_reference_format(const std::string& layer, const std::string& feature, const std::string& field,
                              const std::string& value, CodeLevel level) {
    if (value.empty() || model::is_division_code(value, level)) return true;
    add(Severity::warning, "bad_code_format", layer, feature, field,
        field + " '" + value + "' is not " + std::to_string(static_cast<int>(level)) + " digits");
    return false;
  }

  template <class Items, class Key>
  void check_duplicates(const std::string& layer, const Items& items, Key key, const char* kind, const char* field) {
    if (field_missing(layer, field)) return;
    std::map<std::string, std::vector<std::int64_t>> seen;
    for (const auto& it : items) {
      const std::string& k = key(it);
      if (!k.empty()) seen[k].push_back(it.ref.fid);
    }
    for (const auto& [k, fids] : seen) {
      if (fids.size() < 2) continue;
      std::vector<std::string> labels;
      for (auto f : fids) labels.push_back(fid_label(f));
      add(Severity::error, kind, layer, k, field,
          std::string(field) + " '" + k + "' is used by " + std::to_string(fids.size()) + " features (" +
              join(labels, ", ") + ")");
    }
  }

  void check_polygon(const std::string& layer, const std::string& feature, const model::MultiPolygon& mp) {
    if (geometry_done(layer, feature)) return;
    if (mp.empty()) {
      add(Severity::error, "empty_geometry", layer, feature, "", "the feature has no geometry");
      return;
    }
    for (const auto& p : mp)
      for (const auto& r : p.rings)
        for (const auto& v : r)
          if (!finite(v)) {
            add(Severity::error, "nan_coordinates", layer, feature, "", "the geometry has NaN or infinite coordinates");
            return;
          }
    geos_.clear_error();
    GEOSGeometry* g = geos_.multipolygon(mp);
    if (!g) {
      add(Severity::error, "invalid_geometry", layer, feature, "", "the polygon cannot be built: " + geos_.error());
      return;
    }
    char* reason = nullptr;
    GEOSGeometry* where = nullptr;
    const char valid = GEOSisValidDetail_r(geos_.h(), g, 0, &reason, &where);
    if (valid == 0) {
      std::optional<LonLat> at;
      double x = 0, y = 0;
      if (where && GEOSGeomGetX_r(geos_.h(), where, &x) == 1 && GEOSGeomGetY_r(geos_.h(), where, &y) == 1)
        at = LonLat{x, y};
      std::string msg = "the polygon is not valid: " + std::string(reason ? reason : "unknown reason");
      if (at) msg += " at " + lonlat_text(*at);
      add(Severity::error, "invalid_geometry", layer, feature, "", msg, at);
    } else if (valid == 2) {
      add(Severity::error, "invalid_geometry", layer, feature, "", "GEOS cannot check the polygon: " + geos_.error());
    }
    if (reason) GEOSFree_r(geos_.h(), reason);
    if (where) GEOSGeom_destroy_r(geos_.h(), where);
    GEOSGeom_destroy_r(geos_.h(), g);
  }

  void check_point(const std::string& layer, const std::string& feature, LonLat p) {
    if (geometry_done(layer, feature)) return;
    if (!finite(p)) add(Severity::error, "nan_coordinates", layer, feature, "", "the location has NaN or infinite coordinates");
  }

  void check_counties() {
    const auto& cs = ds_.counties;
    for (const auto& c : cs) {
      check_code("counties", c.code, c.ref.fid, CodeLevel::county);
      check_polygon("counties", label(c.code, c.ref.fid), c.geometry);
      if (!c.code.empty()) county_codes_.insert(c.code);
    }
    check_duplicates("counties", cs, [](const model::County& c) -> const std::string& { return c.code; },
                     "duplicate_code", "code");
  }

  void check_townships() {
    const auto& ts = ds_.townships;
    const bool have_counties = !ds_.counties.empty();
    for (const auto& t : ts) {
      const std::string id = label(t.code, t.ref.fid);
      check_code("townships", t.code, t.ref.fid, CodeLevel::township);
      check_polygon("townships", id, t.geometry);
      if (!t.code.empty()) township_codes_.insert(t.code);
      if (!check_reference_format("townships", id, "county_code", t.county_code, CodeLevel::county)) continue;
      if (model::is_division_code(t.code, CodeLevel::township) && !t.county_code.empty() &&
          !model::code_nests(t.code, t.county_code))
        add(Severity::warning, "code_not_nested", "townships", id, "county_code",
            "county_code '" + t.county_code + "' disagrees with the code, which begins with '" + model::county_of(t.code) + "'");
      if (have_counties && !t.county_code.empty() && !county_codes_.count(t.county_code))
        add(Severity::warning, "code_not_nested", "townships", id, "county_code",
            "county '" + t.county_code + "' is not in the counties layer");
    }
    check_duplicates("townships", ts, [](const model::Township& t) -> const std::string& { return t.code; },
                     "duplicate_code", "code");
  }

  void check_villages() {
    const auto& vs = ds_.villages;
    const auto& ts = ds_.townships;
    // Township polygons, prepared for point-in-polygon, by code; an STRtree
    // answers "which township is it in then" without testing every pair.
    GEOSContextHandle_t h = geos_.h();
    std::vector<GEOSGeometry*> geoms(ts.size(), nullptr);
    std::vector<const GEOSPreparedGeometry*> prepared(ts.size(), nullptr);
    std::unordered_map<std::string, std::size_t> by_code;
    GEOSSTRtree* tree = GEOSSTRtree_create_r(h, 10);
    std::vector<std::size_t> ids(ts.size());
    for (std::size_t i = 0; i < ts.size(); ++i) {
      ids[i] = i;
      if (ts[i].geometry.empty() || geometry_done("townships", label(ts[i].code, ts[i].ref.fid))) continue;
      geoms[i] = geos_.multipolygon(ts[i].geometry);
      if (!geoms[i]) continue;
      prepared[i] = GEOSPrepare_r(h, geoms[i]);
      GEOSSTRtree_insert_r(h, tree, geoms[i], &ids[i]);
      if (!ts[i].code.empty()) by_code.emplace(ts[i].code, i);
    }
    const bool have_townships = !ts.empty();

    Progress bar(opt_.progress, "checking villages", vs.size());
    for (const auto& v : vs) {
      bar.advance();
      const std::string id = label(v.code, v.ref.fid);
      check_code("villages", v.code, v.ref.fid, CodeLevel::village);
      check_point("villages", id, v.location);
      if (!check_reference_format("villages", id, "township_code", v.township_code, CodeLevel::township)) continue;
      if (model::is_division_code(v.code, CodeLevel::village) && !v.township_code.empty() &&
          !model::code_nests(v.code, v.township_code))
        add(Severity::warning, "code_not_nested", "villages", id, "township_code",
            "township_code '" + v.township_code + "' disagrees with the code, which begins with '" +
                model::township_of(v.code) + "'",
            v.location);
      // Without townships, a village's county is still checked against the counties.
      if (!have_townships && !ds_.counties.empty() && model::is_division_code(v.code, CodeLevel::village) &&
          !county_codes_.count(model::county_of(v.code)))
        add(Severity::warning, "code_not_nested", "villages", id, "code",
            "county '" + model::county_of(v.code) + "' of the code is not in the counties layer", v.location);
      if (!have_townships || v.township_code.empty()) continue;
      const auto t = by_code.find(v.township_code);
      if (t == by_code.end()) {
        if (!township_codes_.count(v.township_code))
          add(Severity::warning, "code_not_nested", "villages", id, "township_code",
              "township '" + v.township_code + "' is not in the townships layer", v.location);
        continue;
      }
      if (!finite(v.location)) continue;
      GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(h, v.location.lon, v.location.lat);
      const char inside = GEOSPreparedIntersects_r(h, prepared[t->second], pt);
      if (inside == 0) {
        std::vector<std::size_t> hits;
        GEOSSTRtree_query_r(
            h, tree, pt, [](void* item, void* out) { static_cast<std::vector<std::size_t>*>(out)->push_back(*static_cast<std::size_t*>(item)); },
            &hits);
        std::sort(hits.begin(), hits.end());
        std::string actual;
        for (std::size_t k : hits)
          if (prepared[k] && GEOSPreparedIntersects_r(h, prepared[k], pt) == 1) {
            actual = ts[k].code + (ts[k].name.empty() ? "" : " " + ts[k].name);
            break;
          }
        add(Severity::warning, "village_outside_township", "villages", id, "",
            "the village at " + lonlat_text(v.location) + " lies outside its township " + v.township_code +
                (ts[t->second].name.empty() ? "" : " " + ts[t->second].name) +
                (actual.empty() ? " and outside every township" : ", in township " + actual),
            v.location);
      }
      GEOSGeom_destroy_r(h, pt);
    }
    bar.finish();
    GEOSSTRtree_destroy_r(h, tree);
    for (std::size_t i = 0; i < ts.size(); ++i) {
      if (prepared[i]) GEOSPreparedGeom_destroy_r(h, prepared[i]);
      if (geoms[i]) GEOSGeom_destroy_r(h, geoms[i]);
    }
    for (const auto& v : vs)
      if (!v.code.empty()) village_codes_.insert(v.code);
    check_duplicates("villages", vs, [](const model::Village& v) -> const std::string& { return v.code; },
                     "duplicate_code", "code");
  }

  void check_roads() {
    const auto& rs = ds_.roads;
    const bool have_counties = !ds_.counties.empty();
    for (const auto& r : rs) {
      const std::string id = label(r.id, r.ref.fid);
      if (r.id.empty() && !field_missing("roads", "id"))
        add(Severity::error, "missing_value", "roads", id, "id", "the id is empty");
      if (!geometry_done("roads", id)) check_line(id, r.geometry);
      if (check_reference_format("roads", id, "county_code", r.county_code, CodeLevel::county) && have_counties &&
          !r.county_code.empty() && !county_codes_.count(r.county_code))
        add(Severity::warning, "unknown_admin_code", "roads", id, "county_code",
            "county '" + r.county_code + "' is not in the counties layer");
    }
    check_duplicates("roads", rs, [](const model::RoadSegment& r) -> const std::string& { return r.id; },
                     "duplicate_id", "id");
  }

  void check_line(const std::string& id, const model::MultiLineString& ml) {
    if (ml.empty()) {
      add(Severity::error, "empty_geometry", "roads", id, "", "the feature has no geometry");
      return;
    }
    for (const auto& part : ml)
      for (const auto& v : part)
        if (!finite(v)) {
          add(Severity::error, "nan_coordinates", "roads", id, "", "the geometry has NaN or infinite coordinates");
          return;
        }
    double length = 0;
    for (const auto& part : ml) {
      if (part.size() < 2) {
        add(Severity::error, "invalid_geometry", "roads", id, "",
            "a line part has " + std::to_string(part.size()) + " point; a line needs at least 2", part.empty() ? std::nullopt : std::optional<LonLat>(part[0]));
        return;
      }
      length += geo::geodesic_length(part).value();
    }
    if (length == 0.0)
      add(Severity::warning, "zero_length_road", "roads", id, "",
          "the road has zero length (all its points coincide at " + lonlat_text(ml[0][0]) + ")", ml[0][0]);
  }

  void check_facilities() {
    const auto& fs = ds_.facilities;
    for (const auto& f : fs) {
      const std::string id = label(f.id, f.ref.fid);
      if (f.id.empty() && !field_missing("facilities", "id"))
        add(Severity::error, "missing_value", "facilities", id, "id", "the id is empty");
      check_point("facilities", id, f.location);
      if (f.admin_code.empty()) continue;
      const std::size_t n = f.admin_code.size();
      const CodeLevel level = n == 6 ? CodeLevel::county : n == 9 ? CodeLevel::township : CodeLevel::village;
      if (!model::is_division_code(f.admin_code, level)) {
        add(Severity::warning, "bad_code_format", "facilities", id, "admin_code",
            "admin_code '" + f.admin_code + "' is not a 6-, 9- or 12-digit division code", f.location);
        continue;
      }
      const auto& known = level == CodeLevel::county ? county_codes_ : level == CodeLevel::township ? township_codes_ : village_codes_;
      const auto& layer_vec_empty = level == CodeLevel::county     ? ds_.counties.empty()
                                    : level == CodeLevel::township ? ds_.townships.empty()
                                                                   : ds_.villages.empty();
      const char* layer = level == CodeLevel::county ? "counties" : level == CodeLevel::township ? "townships" : "villages";
      if (!layer_vec_empty && !known.count(f.admin_code))
        add(Severity::warning, "unknown_admin_code", "facilities", id, "admin_code",
            "admin_code '" + f.admin_code + "' is not in the " + layer + " layer", f.location);
    }
    check_duplicates("facilities", fs, [](const model::Facility& f) -> const std::string& { return f.id; },
                     "duplicate_id", "id");
  }

  const model::Dataset& ds_;
  const ValidateOptions& opt_;
  Geos geos_;
  Findings out_;
  std::set<std::tuple<std::string, std::string, std::string, std::string>> read_keys_;
  std::set<std::pair<std::string, std::string>> geometry_reported_;
  std::set<std::pair<std::string, std::string>> missing_fields_;
  std::set<std::string> county_codes_, township_codes_, village_codes_;
};

}  // namespace

void sort_findings(Findings& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    const int la = layer_rank(a.layer), lb = layer_rank(b.layer);
    if (la != lb) return la < lb;
    if (a.layer != b.layer) return a.layer < b.layer;
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.feature_id != b.feature_id) return natural_less(a.feature_id, b.feature_id);
    if (a.field != b.field) return a.field < b.field;
    return a.message < b.message;
  });
}

model::Findings validate(const model::Dataset& dataset, const ValidateOptions& options) {
  Validator v(dataset, options);
  return v.run();
}

const std::vector<FindingKind>& finding_kinds() {
  static const std::vector<FindingKind> kinds = {
      {"missing_field", Severity::error, "a required field (or one named by --field) is not in the layer"},
      {"wrong_type", Severity::error, "a value is not of the field's type (text where a number or date belongs)"},
      {"unknown_value", Severity::error, "a value is not one the field allows (tier, class, program, status, model_level, oneway)"},
      {"missing_value", Severity::error, "a required value (code, id, tier) is empty; an empty name is a warning"},
      {"empty_layer", Severity::error, "a layer is present but has no features"},
      {"duplicate_code", Severity::error, "two features of counties, townships or villages share a code"},
      {"duplicate_id", Severity::error, "two roads or two facilities share an id"},
      {"bad_code_format", Severity::error, "a code is not 6/9/12 digits (a warning in reference fields)"},
      {"empty_geometry", Severity::error, "a feature has no geometry"},
      {"nan_coordinates", Severity::error, "coordinates are NaN or infinite, or cannot be transformed"},
      {"wrong_geometry_type", Severity::error, "a geometry is not of the layer's type"},
      {"invalid_geometry", Severity::error, "a polygon is not valid (GEOS's reason), or a line has fewer than 2 points"},
      {"code_not_nested", Severity::warning, "a code does not begin with its parent's, or its parent is not in the dataset"},
      {"village_outside_township", Severity::warning, "a village lies outside the polygon of its township"},
      {"zero_length_road", Severity::warning, "a road's geodesic length is zero"},
      {"crs_mismatch", Severity::warning, "layers declare different CRSs (all are transformed, but check)"},
      {"unknown_admin_code", Severity::warning, "a facility's admin_code or a road's county_code is not in the dataset"},
      {"outside_china", Severity::warning, "a layer's coordinates reach outside China: its CRS is probably declared wrong"},
      {"layer_absent", Severity::info, "an optional layer is not in the dataset"},
      {"converted_coordinates", Severity::info, "a layer was converted from GCJ-02/BD-09 web-map coordinates"},
  };
  return kinds;
}

}  // namespace ruralnet::validation
