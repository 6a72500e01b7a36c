#include "layer_reader.hpp"

#include <cpl_error.h>
#include <geos_c.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/core/workers.hpp"
#include "ruralnet/geo/crs.hpp"
#include "ruralnet/geo/webcoords.hpp"
#include "ruralnet/io/encoding.hpp"
#include "ruralnet/model/codes.hpp"

namespace fs = std::filesystem;

namespace ruralnet::io::detail {

using model::Finding;
using model::Severity;

namespace {

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

std::string hex_bytes(std::string_view s) {
  std::string out;
  char buf[4];
  for (std::size_t i = 0; i < s.size() && i < 24; ++i) {
    std::snprintf(buf, sizeof buf, "%02X", static_cast<unsigned char>(s[i]));
    if (!out.empty()) out += ' ';
    out += buf;
  }
  if (s.size() > 24) out += " ...";
  return out;
}

// Integral values without decimals (codes stored as numbers must read as the
// code), others in their shortest exact form.
std::string format_number(double v) {
  char buf[64];
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// Paths GDAL opens that are not plain files: connection strings ("PG:...")
// and virtual file systems.
bool is_plain_path(const std::string& p) {
  if (p.rfind("/vsi", 0) == 0) return false;
  const auto colon = p.find(':');
  if (colon != std::string::npos && colon > 1) {
    bool word = true;
    for (std::size_t i = 0; i < colon; ++i)
      if (!std::isalpha(static_cast<unsigned char>(p[i]))) word = false;
    if (word) return false;
  }
  return true;
}

// A file beside `base` (path without extension) with extension `ext` in any case.
std::optional<fs::path> sibling(const fs::path& base, const std::string& ext) {
  std::error_code ec;
  const fs::path dir = base.has_parent_path() ? base.parent_path() : fs::path(".");
  const std::string stem = base.filename().string();
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const fs::path p = e.path();
    if (iequals(p.stem().string(), stem) && iequals(p.extension().string(), ext)) return p;
  }
  return std::nullopt;
}

// The dBASE language driver id (byte 29 of the header): 0 = none declared.
int dbf_ldid(const fs::path& dbf) {
  std::ifstream in(dbf, std::ios::binary);
  char header[32];
  if (!in.read(header, sizeof header)) return 0;
  return static_cast<unsigned char>(header[29]);
}

// GEOS context whose errors are kept for messages rather than printed.
struct GeosContext {
  GEOSContextHandle_t h = nullptr;
  std::string last_error;
  GeosContext() {
    h = GEOS_init_r();
    GEOSContext_setErrorMessageHandler_r(
        h, [](const char* msg, void* self) { static_cast<GeosContext*>(self)->last_error = msg; }, this);
  }
  ~GeosContext() { GEOS_finish_r(h); }
  GeosContext(const GeosContext&) = delete;
  GeosContext& operator=(const GeosContext&) = delete;
};

GEOSGeometry* geos_polygon(GEOSContextHandle_t h, const model::Polygon& poly) {
  std::vector<GEOSGeometry*> rings;
  for (const auto& r : poly.rings) {
    GEOSCoordSequence* seq = GEOSCoordSeq_copyFromBuffer_r(h, &r[0].lon, static_cast<unsigned>(r.size()), 0, 0);
    GEOSGeometry* ring = seq ? GEOSGeom_createLinearRing_r(h, seq) : nullptr;
    if (!ring) {
      for (auto* g : rings) GEOSGeom_destroy_r(h, g);
      return nullptr;
    }
    rings.push_back(ring);
  }
  if (rings.empty()) return nullptr;
  return GEOSGeom_createPolygon_r(h, rings[0], rings.size() > 1 ? &rings[1] : nullptr,
                                  static_cast<unsigned>(rings.size() - 1));
}

// A point inside the polygon (GEOS point-on-surface); nullopt when GEOS
// cannot compute one (an invalid polygon).
std::optional<LonLat> point_on_surface(GeosContext& ctx, const model::MultiPolygon& mp) {
  GEOSContextHandle_t h = ctx.h;
  std::vector<GEOSGeometry*> polys;
  for (const auto& p : mp) {
    GEOSGeometry* g = geos_polygon(h, p);
    if (!g) {
      for (auto* x : polys) GEOSGeom_destroy_r(h, x);
      return std::nullopt;
    }
    polys.push_back(g);
  }
  if (polys.empty()) return std::nullopt;
  GEOSGeometry* all = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size()));
  if (!all) return std::nullopt;
  std::optional<LonLat> out;
  if (GEOSGeometry* pt = GEOSPointOnSurface_r(h, all)) {
    double x = 0, y = 0;
    if (GEOSGeomGetX_r(h, pt, &x) == 1 && GEOSGeomGetY_r(h, pt, &y) == 1) out = LonLat{x, y};
    GEOSGeom_destroy_r(h, pt);
  }
  GEOSGeom_destroy_r(h, all);
  return out;
}

// --- contract value parsers beyond those of model -------------------------

std::optional<model::ModelLevel> parse_model_level(std::string_view s) {
  const std::string t = to_lower_ascii(trim(s));
  if (t == "none" || t == "no" || t == "无" || t == "否") return model::ModelLevel::none;
  if (t == "municipal" || t == "市级" || t == "市级示范") return model::ModelLevel::municipal;
  if (t == "provincial" || t == "省级" || t == "省级示范") return model::ModelLevel::provincial;
  return std::nullopt;
}

std::optional<model::Program> parse_program(std::string_view s) {
  const std::string t = to_lower_ascii(trim(s));
  if (t == "none" || t == "无") return model::Program::none;
  if (t == "changtong" || t == "畅通工程" || t == "畅通") return model::Program::changtong;
  if (t == "kuomian" || t == "扩面延伸工程" || t == "扩面延伸" || t == "扩面") return model::Program::kuomian;
  return std::nullopt;
}

std::optional<model::RoadStatus> parse_status(std::string_view s) {
  const std::string t = to_lower_ascii(trim(s));
  if (t == "unknown" || t == "未知") return model::RoadStatus::unknown;
  if (t == "planned" || t == "规划" || t == "计划") return model::RoadStatus::planned;
  if (t == "building" || t == "under_construction" || t == "在建") return model::RoadStatus::building;
  if (t == "completed" || t == "完工" || t == "已完工" || t == "建成" || t == "已建成") return model::RoadStatus::completed;
  return std::nullopt;
}

std::optional<model::Oneway> parse_oneway(std::string_view s) {
  const std::string t = to_lower_ascii(trim(s));
  if (t == "-1" || t == "reverse" || t == "backward") return model::Oneway::backward;
  if (t == "forward") return model::Oneway::forward;
  if (auto b = parse_bool(t)) return *b ? model::Oneway::forward : model::Oneway::no;
  return std::nullopt;
}

std::vector<std::string> split_list(std::string_view s) {
  // Carriers are written "EMS;ZTO", "EMS,ZTO" or with full-width separators.
  std::string norm;
  norm.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    static const std::string_view seps[] = {"；", "，", "、"};
    bool hit = false;
    for (auto sep : seps)
      if (s.substr(i, sep.size()) == sep) {
        norm += ';';
        i += sep.size();
        hit = true;
        break;
      }
    if (hit) continue;
    norm += s[i] == ',' ? ';' : s[i];
    ++i;
  }
  std::vector<std::string> out;
  for (auto& part : split(norm, ';')) {
    auto t = trim(part);
    if (!t.empty()) out.emplace_back(t);
  }
  return out;
}

// Reads the features of one layer, holding what is resolved once per layer
// (field indices, encoding, transformation) and the per-feature cursor.
class Reader {
 public:
  Reader(const std::string& contract, OpenedLayer& o, const ReadOptions& opt, model::Findings& findings,
         model::LayerInfo& info)
      : contract_(contract), o_(o), opt_(opt), findings_(findings), info_(info) {
    defn_ = o.layer->GetLayerDefn();
    const int n = defn_->GetFieldCount();
    types_.resize(n);
    used_.assign(n, false);
    for (int i = 0; i < n; ++i) types_[i] = defn_->GetFieldDefn(i)->GetType();
  }

  // A reader of another handle on the same layer (a parallel read of one FID
  // range) with the settings `proto` resolved: fields, encoding and CRS. Its
  // findings go to `findings`; `info` only receives what setup would write.
  Reader(const Reader& proto, OpenedLayer& o, model::Findings& findings, model::LayerInfo& info)
      : contract_(proto.contract_), o_(o), opt_(proto.opt_), findings_(findings), info_(info) {
    // Messages quote the settled encoding.
    info_.encoding = proto.info_.encoding;
    info_.coordinate_system = proto.info_.coordinate_system;
    defn_ = o.layer->GetLayerDefn();
    types_ = proto.types_;
    names_ = proto.names_;
    used_ = proto.used_;
    extra_idx_ = proto.extra_idx_;
    source_names_ = proto.source_names_;
    encoding_ = proto.encoding_;
    raw_ = proto.raw_;
    definition_ = proto.definition_;
    transformer_ = std::make_unique<geo::Transformer>(definition_, geo::kWorkingGeographicCrs);
    crs_label_ = proto.crs_label_;
    web_ = proto.web_;
  }

  // --- setup -------------------------------------------------------------

  void settle_encoding() {
    if (!o_.raw_text) {
      info_.encoding = o_.encoding.empty() ? "UTF-8" : o_.encoding;
      encoding_ = "UTF-8";
      raw_ = false;
    } else if (!opt_.encoding.empty()) {
      const auto canon = canonical_encoding(opt_.encoding);
      if (!canon) throw UsageError("--encoding: unknown encoding '" + opt_.encoding + "'", "use GBK, GB18030 or UTF-8");
      encoding_ = *canon;
      info_.encoding = encoding_;
      raw_ = true;
    } else {
      const auto samples = sample_text();
      const auto detected = detect_encoding(samples);
      if (!detected)
        throw InputError({o_.path, contract_, {}, {}},
                         "cannot tell the text encoding: the layer declares none (no .cpg file) and its text is "
                         "neither UTF-8 nor GBK/GB18030 Chinese",
                         "name the encoding with --encoding GBK (or GB18030, UTF-8, latin1)");
      encoding_ = *detected;
      info_.encoding = encoding_;
      raw_ = true;
    }
    names_.resize(types_.size());
    for (std::size_t i = 0; i < types_.size(); ++i)
      names_[i] = decode(defn_->GetFieldDefn(static_cast<int>(i))->GetNameRef(), {});
  }

  // The source index of contract field `name`, -1 when absent. A missing
  // required field, or a mapped name the source lacks, is a finding.
  int field(const std::string& name, bool required) {
    const auto mapped = opt_.field_map.find(contract_ + "." + name);
    const std::string wanted = mapped != opt_.field_map.end() ? mapped->second : name;
    for (std::size_t i = 0; i < names_.size(); ++i)
      if (!used_[i] && iequals(names_[i], wanted)) {
        used_[i] = true;
        source_names_[name] = names_[i];
        return static_cast<int>(i);
      }
    // dBASE cuts field names to 10 characters, so a shapefile's county_code
    // arrives as county_cod.
    if (o_.driver == "ESRI Shapefile" && wanted.size() > 10)
      for (std::size_t i = 0; i < names_.size(); ++i)
        if (!used_[i] && iequals(names_[i], wanted.substr(0, 10))) {
          used_[i] = true;
          source_names_[name] = names_[i];
          return static_cast<int>(i);
        }
    if (mapped != opt_.field_map.end()) {
      add_layer_finding(Severity::error, "missing_field", name,
                        "field '" + wanted + "' (named by --field " + contract_ + "." + name + "=" + wanted +
                            ") is not in the layer; its fields are: " + join(names_, ", "));
    } else if (required) {
      add_layer_finding(Severity::error, "missing_field", name,
                        "required field '" + name + "' is not in the layer; its fields are: " + join(names_, ", ") +
                            " (rename it, or map it with --field " + contract_ + "." + name + "=SOURCE_NAME)");
    }
    return -1;
  }

  // Tells OGR not to fetch the fields no contract field was resolved to (nor
  // the style string): a feature then costs less than half as much to read.
  void ignore_unresolved_fields() {
    std::vector<const char*> names;
    for (std::size_t i = 0; i < used_.size(); ++i)
      if (!used_[i]) names.push_back(defn_->GetFieldDefn(static_cast<int>(i))->GetNameRef());
    names.push_back("OGR_STYLE");
    names.push_back(nullptr);
    o_.layer->SetIgnoredFields(names.data());
  }

  // After every contract field is resolved: the rest are extras.
  void finish_fields() {
    for (std::size_t i = 0; i < used_.size(); ++i)
      if (!used_[i]) extra_idx_.push_back(static_cast<int>(i));
  }

  void set_crs(const std::string& definition) {
    definition_ = definition;
    transformer_ = std::make_unique<geo::Transformer>(definition, geo::kWorkingGeographicCrs);
    crs_label_ = geo::describe_crs(definition);
    const auto w = opt_.web_coordinates.find(contract_);
    if (w != opt_.web_coordinates.end()) {
      const auto parsed = geo::parse_web_coords(w->second);
      if (!parsed)
        throw UsageError("--web-coords: unknown coordinate system '" + w->second + "'",
                         "use gcj02 (AMap, Tencent) or bd09 (Baidu)");
      web_ = *parsed;
      info_.coordinate_system = web_ == geo::WebCoords::none ? "" : geo::to_string(web_);
    }
  }

  // --- per feature -------------------------------------------------------

  void next(OGRFeature* f) {
    f_ = f;
    fid_ = f_->GetFID();
    label_ = "fid " + std::to_string(fid_);
    location_.reset();
  }

  template <class Fn>
  std::size_t each(const ProgressSettings& progress, Fn&& fn) {
    if (shared_) return each_shared(fn);
    const GIntBig total = progress.enabled() ? o_.layer->GetFeatureCount(FALSE) : 0;
    Progress bar(progress, "reading " + contract_, total > 0 ? static_cast<std::uint64_t>(total) : 0);
    o_.layer->ResetReading();
    std::size_t n = 0;
    while (OGRFeatureUniquePtr f{o_.layer->GetNextFeature()}) {
      next(f.get());
      fn();
      ++n;
      bar.advance();
    }
    bar.finish();
    f_ = nullptr;
    return n;
  }

  // One part of a parallel read: features are counted into `done` (by
  // batches, so that the workers do not contend for it), and `bar`, when
  // given, is drawn from the count of all parts. Once `stop` or `cancel` is
  // set the part ends early: a part before it, or a layer read before the
  // roads, has failed, so what it reads is not used.
  struct Shared {
    std::atomic<std::uint64_t>* done = nullptr;
    Progress* bar = nullptr;
    const std::atomic<bool>* stop = nullptr;
    const std::atomic<bool>* cancel = nullptr;
  };
  void share(const Shared& shared) { shared_ = shared; }

  template <class Fn>
  std::size_t each_shared(Fn&& fn) {
    constexpr std::uint64_t kBatch = 4096;
    o_.layer->ResetReading();
    std::size_t n = 0;
    std::uint64_t pending = 0;
    auto stopped = [](const std::atomic<bool>* flag) { return flag && flag->load(std::memory_order_relaxed); };
    while (!stopped(shared_->stop) && !stopped(shared_->cancel)) {
      OGRFeatureUniquePtr f{o_.layer->GetNextFeature()};
      if (!f) break;
      next(f.get());
      fn();
      ++n;
      if (++pending == kBatch) {
        const std::uint64_t done = shared_->done->fetch_add(pending, std::memory_order_relaxed) + pending;
        if (shared_->bar) shared_->bar->set(done);
        pending = 0;
      }
    }
    shared_->done->fetch_add(pending, std::memory_order_relaxed);
    f_ = nullptr;
    return n;
  }

  std::int64_t fid() const { return fid_; }
  void set_label(const std::string& id) {
    if (!id.empty()) label_ = id;
  }

  std::string text(int i) {
    if (i < 0 || !f_->IsFieldSetAndNotNull(i)) return {};
    switch (types_[i]) {
      case OFTInteger:
      case OFTInteger64: return std::to_string(f_->GetFieldAsInteger64(i));
      case OFTReal: return format_number(f_->GetFieldAsDouble(i));
      default: {
        const char* raw = f_->GetFieldAsString(i);
        const std::string_view v(raw);
        // The common case, text that needs no conversion, costs one copy.
        if (raw_ ? is_ascii(v) : is_valid_utf8(v)) return std::string(trim(v));
        return std::string(trim(decode(raw, i)));
      }
    }
  }

  std::int64_t feature_count_hint() const { return o_.layer->GetFeatureCount(FALSE); }

  // A required value that is empty: an error for identities, a warning for names.
  void require(int i, const std::string& value, const std::string& name, Severity sev) {
    if (i >= 0 && value.empty()) add(sev, "missing_value", name, "the " + name + " is empty");
  }

  std::optional<double> number(int i, const std::string& name) {
    if (i < 0 || !f_->IsFieldSetAndNotNull(i)) return std::nullopt;
    switch (types_[i]) {
      case OFTInteger:
      case OFTInteger64:
      case OFTReal: {
        const double v = f_->GetFieldAsDouble(i);
        if (!std::isfinite(v)) {
          wrong_type(name, format_number(v), "a finite number");
          return std::nullopt;
        }
        return v;
      }
      default: {
        const std::string s = text(i);
        if (s.empty()) return std::nullopt;
        const auto v = parse_number(s);
        if (!v || !std::isfinite(*v)) wrong_type(name, s, "a number");
        return v && std::isfinite(*v) ? v : std::nullopt;
      }
    }
  }

  std::optional<long long> integer(int i, const std::string& name) {
    if (i < 0 || !f_->IsFieldSetAndNotNull(i)) return std::nullopt;
    if (types_[i] == OFTInteger || types_[i] == OFTInteger64) return f_->GetFieldAsInteger64(i);
    const std::string s = text(i);
    if (s.empty()) return std::nullopt;
    if (auto v = parse_integer(s)) return v;
    if (auto d = parse_number(s); d && *d == std::floor(*d) && std::fabs(*d) < 9e15) return static_cast<long long>(*d);
    wrong_type(name, s, "a whole number");
    return std::nullopt;
  }

  std::optional<bool> boolean(int i, const std::string& name) {
    if (i < 0 || !f_->IsFieldSetAndNotNull(i)) return std::nullopt;
    const std::string s = text(i);
    if (s.empty()) return std::nullopt;
    if (auto b = parse_bool(s)) return b;
    wrong_type(name, s, "a yes/no value (1/0, true/false, 是/否)");
    return std::nullopt;
  }

  std::optional<Date> date(int i, const std::string& name) {
    if (i < 0 || !f_->IsFieldSetAndNotNull(i)) return std::nullopt;
    if (types_[i] == OFTDate || types_[i] == OFTDateTime) {
      int y = 0, m = 0, d = 0, hh = 0, mm = 0, tz = 0;
      float ss = 0;
      if (f_->GetFieldAsDateTime(i, &y, &m, &d, &hh, &mm, &ss, &tz)) {
        try {
          return Date(y, m, d);
        } catch (const std::invalid_argument&) {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
          wrong_type(name, buf, "a date (no such day)");
          return std::nullopt;
        }
      }
      wrong_type(name, f_->GetFieldAsString(i), "a date");
      return std::nullopt;
    }
    const std::string s = text(i);
    if (s.empty()) return std::nullopt;
    if (auto d = parse_date_or_serial(s)) return d;
    wrong_type(name, s, "a date (write it as 2018-07-05)");
    return std::nullopt;
  }

  template <class T, class Parse>
  std::optional<T> choice(int i, const std::string& name, Parse parse, const char* allowed) {
    return choice<T>(text(i), name, parse, allowed);
  }

  template <class T, class Parse>
  std::optional<T> choice(const std::string& s, const std::string& name, Parse parse, const char* allowed) {
    if (s.empty()) return std::nullopt;
    if (auto v = parse(s)) return v;
    add(Severity::error, "unknown_value", name, "'" + s + "' is not a known " + name + " (allowed: " + allowed + ")");
    return std::nullopt;
  }

  model::ExtraFields extras() {
    model::ExtraFields out;
    out.reserve(extra_idx_.size());
    for (int i : extra_idx_) out.emplace_back(names_[i], text(i));
    return out;
  }

  // --- geometry ----------------------------------------------------------

  bool polygons(model::MultiPolygon& out) {
    OGRGeometry* g = geometry();
    if (!g) return false;
    const auto t = wkbFlatten(g->getGeometryType());
    if (t == wkbPolygon) {
      add_polygon(g->toPolygon(), out);
    } else if (t == wkbMultiPolygon) {
      for (const OGRPolygon* p : *g->toMultiPolygon()) add_polygon(p, out);
    } else {
      wrong_geometry(g, "Polygon or MultiPolygon");
      return false;
    }
    begin_coords();
    for (auto& poly : out)
      for (auto& ring : poly.rings) project(ring.data(), ring.size());
    return end_coords();
  }

  bool lines(model::MultiLineString& out) {
    OGRGeometry* g = geometry();
    if (!g) return false;
    const auto t = wkbFlatten(g->getGeometryType());
    if (t == wkbLineString) {
      add_line(g->toLineString(), out);
    } else if (t == wkbMultiLineString) {
      for (const OGRLineString* l : *g->toMultiLineString()) add_line(l, out);
    } else {
      wrong_geometry(g, "LineString or MultiLineString");
      return false;
    }
    begin_coords();
    for (auto& line : out) project(line.data(), line.size());
    return end_coords();
  }

  // The same for a graph-only read: the parts are appended to `lonlat`, the
  // end of each to `first_vertex`, with no allocation of their own.
  bool lines(std::vector<LonLat>& lonlat, std::vector<std::uint32_t>& first_vertex) {
    OGRGeometry* g = geometry();
    if (!g) return false;
    const std::size_t start = lonlat.size();
    const auto t = wkbFlatten(g->getGeometryType());
    if (t == wkbLineString) {
      append_line(g->toLineString(), lonlat, first_vertex);
    } else if (t == wkbMultiLineString) {
      for (const OGRLineString* l : *g->toMultiLineString()) append_line(l, lonlat, first_vertex);
    } else {
      wrong_geometry(g, "LineString or MultiLineString");
      return false;
    }
    begin_coords();
    project(lonlat.data() + start, lonlat.size() - start);
    return end_coords();
  }

  // A point; with allow_polygon, a polygon stands for a point on its surface.
  bool point(LonLat& out, bool allow_polygon) {
    out = {std::nan(""), std::nan("")};
    OGRGeometry* g = geometry();
    if (!g) return false;
    const auto t = wkbFlatten(g->getGeometryType());
    const OGRPoint* pt = nullptr;
    if (t == wkbPoint) pt = g->toPoint();
    if (t == wkbMultiPoint && g->toMultiPoint()->getNumGeometries() == 1) pt = g->toMultiPoint()->getGeometryRef(0);
    if (pt) {
      LonLat p{pt->getX(), pt->getY()};
      begin_coords();
      project(&p, 1);
      out = p;
      if (end_coords()) location_ = p;
      return std::isfinite(out.lon) && std::isfinite(out.lat);
    }
    if (allow_polygon && (t == wkbPolygon || t == wkbMultiPolygon)) {
      model::MultiPolygon mp;
      if (t == wkbPolygon) add_polygon(g->toPolygon(), mp);
      else
        for (const OGRPolygon* p : *g->toMultiPolygon()) add_polygon(p, mp);
      begin_coords();
      for (auto& poly : mp)
        for (auto& ring : poly.rings) project(ring.data(), ring.size());
      if (!end_coords()) return false;
      if (!geos_) geos_ = std::make_unique<GeosContext>();
      if (auto p = point_on_surface(*geos_, mp)) {
        out = *p;
        location_ = *p;
        return true;
      }
      add(Severity::error, "invalid_geometry", "",
          "the polygon is not valid, so no point inside it can be found (" + geos_->last_error + ")");
      return false;
    }
    wrong_geometry(g, allow_polygon ? "Point or Polygon" : "Point");
    return false;
  }

  // --- findings ----------------------------------------------------------

  void add(Severity sev, const std::string& kind, const std::string& field, const std::string& message) {
    Finding f;
    f.severity = sev;
    f.kind = kind;
    f.layer = contract_;
    f.feature_id = label_;
    f.field = field;
    f.location = location_;
    f.message = message;
    findings_.push_back(std::move(f));
  }

  void add_findings(model::Findings&& more) {
    findings_.insert(findings_.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  }

  void add_layer_finding(Severity sev, const std::string& kind, const std::string& field, const std::string& message) {
    Finding f;
    f.severity = sev;
    f.kind = kind;
    f.layer = contract_;
    f.field = field;
    f.message = message;
    findings_.push_back(std::move(f));
  }

  const Extent& extent() const { return extent_; }
  void add_extent(const Extent& e) { extent_.add(e); }

 private:
  std::string decode(const char* raw, std::optional<int> field_index) {
    const std::string_view v(raw ? raw : "");
    if (is_ascii(v)) return std::string(v);
    if (!raw_) {
      if (is_valid_utf8(v)) return std::string(v);
      throw InputError(where(field_index), "text is not valid UTF-8 although the source declares " + info_.encoding +
                                               " (bytes " + hex_bytes(v) + ")",
                       "correct the declared encoding (the .cpg file) or re-export the layer as UTF-8");
    }
    if (auto u = to_utf8(v, encoding_)) return std::move(*u);
    throw InputError(where(field_index),
                     "text is not valid " + encoding_ + " (bytes " + hex_bytes(v) + ")",
                     opt_.encoding.empty() ? "name the encoding with --encoding GBK (or GB18030, UTF-8)"
                                           : "check --encoding: the text is not in " + encoding_);
  }

  InputLocation where(std::optional<int> field_index) const {
    InputLocation w{o_.path, contract_, f_ ? label_ : std::string(), {}};
    if (field_index && *field_index >= 0 && static_cast<std::size_t>(*field_index) < names_.size())
      w.field = names_[*field_index];
    else if (field_index && *field_index >= 0)
      w.field = defn_->GetFieldDefn(*field_index)->GetNameRef();
    return w;
  }

  std::vector<std::string> sample_text() {
    std::vector<std::string> samples;
    for (int i = 0; i < defn_->GetFieldCount(); ++i) {
      const char* n = defn_->GetFieldDefn(i)->GetNameRef();
      if (!is_ascii(n)) samples.emplace_back(n);
    }
    std::vector<int> idx;
    for (std::size_t i = 0; i < types_.size(); ++i)
      if (types_[i] == OFTString) idx.push_back(static_cast<int>(i));
    // Enough non-ASCII values to tell GBK from Latin-1 with confidence; most
    // layers reach this within their first features.
    constexpr std::size_t kEnough = 2000;
    o_.layer->ResetReading();
    while (samples.size() < kEnough) {
      OGRFeatureUniquePtr f{o_.layer->GetNextFeature()};
      if (!f) break;
      for (int i : idx) {
        if (!f->IsFieldSetAndNotNull(i)) continue;
        const char* s = f->GetFieldAsString(i);
        if (!is_ascii(s)) samples.emplace_back(s);
      }
    }
    o_.layer->ResetReading();
    return samples;
  }

  void wrong_type(const std::string& name, const std::string& value, const std::string& expected) {
    std::string msg = "'" + value + "' is not " + expected;
    const auto s = source_names_.find(name);
    if (s != source_names_.end() && !iequals(s->second, name)) msg += " (source field '" + s->second + "')";
    add(Severity::error, "wrong_type", name, msg);
  }

  OGRGeometry* geometry() {
    OGRGeometry* g = f_->GetGeometryRef();
    if (!g || g->IsEmpty()) {
      add(Severity::error, "empty_geometry", "", "the feature has no geometry");
      return nullptr;
    }
    if (g->hasCurveGeometry()) {
      linear_.reset(g->getLinearGeometry());
      g = linear_.get();
    }
    return g;
  }

  void wrong_geometry(const OGRGeometry* g, const char* expected) {
    add(Severity::error, "wrong_geometry_type", "",
        std::string("the geometry is a ") + OGRGeometryTypeToName(g->getGeometryType()) + ", expected " + expected);
  }

  static void add_ring(const OGRLinearRing* r, model::Polygon& poly) {
    if (!r || r->IsEmpty()) return;
    model::Ring pts(static_cast<std::size_t>(r->getNumPoints()));
    constexpr int stride = static_cast<int>(sizeof(LonLat));
    r->getPoints(&pts[0].lon, stride, &pts[0].lat, stride);
    poly.rings.push_back(std::move(pts));
  }

  static void add_polygon(const OGRPolygon* p, model::MultiPolygon& out) {
    model::Polygon poly;
    add_ring(p->getExteriorRing(), poly);
    for (int r = 0; r < p->getNumInteriorRings(); ++r) add_ring(p->getInteriorRing(r), poly);
    if (!poly.rings.empty()) out.push_back(std::move(poly));
  }

  static void add_line(const OGRLineString* l, model::MultiLineString& out) {
    if (!l || l->IsEmpty()) return;
    model::LineString pts(static_cast<std::size_t>(l->getNumPoints()));
    constexpr int stride = static_cast<int>(sizeof(LonLat));
    l->getPoints(&pts[0].lon, stride, &pts[0].lat, stride);
    out.push_back(std::move(pts));
  }

  void append_line(const OGRLineString* l, std::vector<LonLat>& lonlat, std::vector<std::uint32_t>& first_vertex) {
    if (!l || l->IsEmpty()) return;
    const std::size_t start = lonlat.size(), n = static_cast<std::size_t>(l->getNumPoints());
    if (start + n > std::numeric_limits<std::uint32_t>::max())
      throw RunError("the roads layer has more than 2^32 vertices, too many for one road graph",
                     "split the area into smaller datasets");
    lonlat.resize(start + n);
    constexpr int stride = static_cast<int>(sizeof(LonLat));
    l->getPoints(&lonlat[start].lon, stride, &lonlat[start].lat, stride);
    first_vertex.push_back(static_cast<std::uint32_t>(start + n));
  }

  void begin_coords() {
    source_nan_ = false;
    transform_nan_ = false;
  }

  // Source CRS -> working geographic CRS -> (web-map) WGS84, in place. The
  // coordinate buffers live as long as the layer so that a feature costs no
  // allocation once they have grown to the largest part.
  void project(LonLat* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
      if (!std::isfinite(p[i].lon) || !std::isfinite(p[i].lat)) source_nan_ = true;
    if (!transformer_->is_noop()) {
      if (xs_.size() < n) {
        xs_.resize(n);
        ys_.resize(n);
      }
      for (std::size_t i = 0; i < n; ++i) {
        xs_[i] = p[i].lon;
        ys_[i] = p[i].lat;
      }
      transformer_->transform(xs_.data(), ys_.data(), n);
      for (std::size_t i = 0; i < n; ++i) p[i] = {xs_[i], ys_[i]};
    }
    if (web_ != geo::WebCoords::none)
      for (std::size_t i = 0; i < n; ++i) p[i] = geo::web_to_wgs84(p[i], web_);
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(p[i].lon) || !std::isfinite(p[i].lat)) transform_nan_ = true;
      else
        extent_.add(p[i]);
    }
  }

  bool end_coords() {
    if (source_nan_) {
      add(Severity::error, "nan_coordinates", "", "the geometry has NaN or infinite coordinates");
      return false;
    }
    if (transform_nan_) {
      add(Severity::error, "nan_coordinates", "",
          "the geometry cannot be transformed from " + crs_label_ + " to " + geo::kWorkingGeographicCrs +
              " (coordinates outside the CRS's area of use?)");
      return false;
    }
    return true;
  }

  std::string contract_;
  OpenedLayer& o_;
  const ReadOptions& opt_;
  model::Findings& findings_;
  model::LayerInfo& info_;
  OGRFeatureDefn* defn_ = nullptr;
  std::vector<OGRFieldType> types_;
  std::vector<std::string> names_;  // decoded field names
  std::vector<bool> used_;
  std::vector<int> extra_idx_;
  std::map<std::string, std::string> source_names_;  // contract field -> source field
  std::string encoding_ = "UTF-8";
  bool raw_ = false;
  std::string definition_;
  std::unique_ptr<geo::Transformer> transformer_;
  std::string crs_label_;
  geo::WebCoords web_ = geo::WebCoords::none;
  std::unique_ptr<GeosContext> geos_;
  std::unique_ptr<OGRGeometry> linear_;
  std::vector<double> xs_, ys_;
  Extent extent_;
  bool source_nan_ = false, transform_nan_ = false;
  std::optional<Shared> shared_;
  // The feature being read.
  OGRFeature* f_ = nullptr;
  std::int64_t fid_ = -1;
  std::string label_;
  std::optional<LonLat> location_;
};

// --- the five layers ---------------------------------------------------------

void read_counties(Reader& r, const ProgressSettings& progress, std::vector<model::County>& out) {
  const int code = r.field("code", true), name = r.field("name", true);
  r.finish_fields();
  r.each(progress, [&] {
    model::County c;
    c.ref.fid = r.fid();
    c.code = r.text(code);
    r.set_label(c.code);
    r.require(code, c.code, "code", Severity::error);
    r.polygons(c.geometry);
    c.name = r.text(name);
    r.require(name, c.name, "name", Severity::warning);
    c.extra = r.extras();
    out.push_back(std::move(c));
  });
}

void read_townships(Reader& r, const ProgressSettings& progress, std::vector<model::Township>& out) {
  const int code = r.field("code", true), name = r.field("name", true), county = r.field("county_code", false);
  r.finish_fields();
  r.each(progress, [&] {
    model::Township t;
    t.ref.fid = r.fid();
    t.code = r.text(code);
    r.set_label(t.code);
    r.require(code, t.code, "code", Severity::error);
    r.polygons(t.geometry);
    t.name = r.text(name);
    r.require(name, t.name, "name", Severity::warning);
    t.county_code = r.text(county);
    if (t.county_code.empty() && t.code.size() >= 6) t.county_code = model::county_of(t.code);
    t.extra = r.extras();
    out.push_back(std::move(t));
  });
}

void read_villages(Reader& r, const ProgressSettings& progress, std::vector<model::Village>& out) {
  const int code = r.field("code", true), name = r.field("name", true), town = r.field("township_code", false),
            pop = r.field("population", false), hh = r.field("households", false), poor = r.field("poor", false),
            flood = r.field("flood_zone", false), demand = r.field("demand_parcels_day", false),
            level = r.field("model_level", false);
  r.finish_fields();
  r.each(progress, [&] {
    model::Village v;
    v.ref.fid = r.fid();
    v.code = r.text(code);
    r.set_label(v.code);
    r.require(code, v.code, "code", Severity::error);
    r.point(v.location, /*allow_polygon=*/true);
    v.name = r.text(name);
    r.require(name, v.name, "name", Severity::warning);
    v.township_code = r.text(town);
    if (v.township_code.empty() && v.code.size() >= 9) v.township_code = model::township_of(v.code);
    v.population = r.number(pop, "population");
    v.households = r.number(hh, "households");
    v.poor = r.boolean(poor, "poor").value_or(false);
    v.flood_zone = r.boolean(flood, "flood_zone").value_or(false);
    v.demand_parcels_day = r.number(demand, "demand_parcels_day");
    v.model_level = r.choice<model::ModelLevel>(level, "model_level", parse_model_level, "none, municipal, provincial")
                        .value_or(model::ModelLevel::none);
    v.extra = r.extras();
    out.push_back(std::move(v));
  });
}

// The source fields of the roads layer; a graph-only read resolves the first
// four only, in the same order, so that they resolve to the same source fields.
struct RoadFields {
  int id = -1, cls = -1, speed = -1, oneway = -1, surface = -1, program = -1, status = -1, declared = -1,
      completed = -1, county = -1, start = -1, end = -1;
};

RoadFields resolve_road_fields(Reader& r, bool graph_only) {
  RoadFields f;
  f.id = r.field("id", true);
  f.cls = r.field("class", false);
  f.speed = r.field("speed_kmh", false);
  f.oneway = r.field("oneway", false);
  if (graph_only) {
    r.ignore_unresolved_fields();
    return f;
  }
  f.surface = r.field("surface", false);
  f.program = r.field("program", false);
  f.status = r.field("status", false);
  f.declared = r.field("declared_km", false);
  f.completed = r.field("completed_on", false);
  f.county = r.field("county_code", false);
  f.start = r.field("start_stake", false);
  f.end = r.field("end_stake", false);
  r.finish_fields();
  return f;
}

constexpr const char* kRoadClassesAllowed =
    "expressway, national, provincial, county, township, village, other or an OSM highway value";

void read_roads(Reader& r, const RoadFields& fl, const ProgressSettings& progress, std::vector<model::RoadSegment>& out) {
  r.each(progress, [&] {
    model::RoadSegment s;
    s.ref.fid = r.fid();
    s.id = r.text(fl.id);
    r.set_label(s.id);
    r.require(fl.id, s.id, "id", Severity::error);
    r.lines(s.geometry);
    s.class_text = r.text(fl.cls);
    s.road_class = r.choice<model::RoadClass>(s.class_text, "class", model::parse_road_class, kRoadClassesAllowed)
                       .value_or(model::RoadClass::other);
    s.speed_kmh = r.number(fl.speed, "speed_kmh");
    s.oneway = r.choice<model::Oneway>(fl.oneway, "oneway", parse_oneway, "yes, no, -1").value_or(model::Oneway::no);
    s.surface = r.text(fl.surface);
    s.program = r.choice<model::Program>(fl.program, "program", parse_program, "none, changtong, kuomian")
                    .value_or(model::Program::none);
    s.status = r.choice<model::RoadStatus>(fl.status, "status", parse_status, "planned, building, completed")
                   .value_or(model::RoadStatus::unknown);
    s.declared_km = r.number(fl.declared, "declared_km");
    s.completed_on = r.date(fl.completed, "completed_on");
    s.county_code = r.text(fl.county);
    s.start_stake = r.text(fl.start);
    s.end_stake = r.text(fl.end);
    s.extra = r.extras();
    out.push_back(std::move(s));
  });
}

// A layer holds a handful of distinct class and oneway texts; parsing each
// once keeps a graph-only read from lower-casing and scanning the table per road.
template <class T>
class ParseCache {
 public:
  explicit ParseCache(std::optional<T> (*parse)(std::string_view)) : parse_(parse) {}
  std::optional<T> operator()(std::string_view s) {
    if (auto it = seen_.find(std::string(s)); it != seen_.end()) return it->second;
    const auto v = parse_(s);
    if (seen_.size() < 1024) seen_.emplace(std::string(s), v);
    return v;
  }

 private:
  std::optional<T> (*parse_)(std::string_view);
  std::unordered_map<std::string, std::optional<T>> seen_;
};

void read_roads(Reader& r, const RoadFields& fl, const ProgressSettings& progress, model::RoadColumns& out) {
  ParseCache<model::RoadClass> road_class_cache(model::parse_road_class);
  ParseCache<model::Oneway> oneway_cache(parse_oneway);
  auto road_class = [&](std::string_view v) { return road_class_cache(v); };
  auto oneway = [&](std::string_view v) { return oneway_cache(v); };
  r.each(progress, [&] {
    out.fid.push_back(r.fid());
    std::string id = r.text(fl.id);
    r.set_label(id);
    r.require(fl.id, id, "id", Severity::error);
    r.lines(out.lonlat, out.first_vertex);
    out.first_part.push_back(static_cast<std::uint32_t>(out.first_vertex.size() - 1));
    out.road_class.push_back(
        r.choice<model::RoadClass>(r.text(fl.cls), "class", road_class, kRoadClassesAllowed).value_or(model::RoadClass::other));
    out.speed_kmh.push_back(r.number(fl.speed, "speed_kmh").value_or(std::numeric_limits<double>::quiet_NaN()));
    out.oneway.push_back(r.choice<model::Oneway>(fl.oneway, "oneway", oneway, "yes, no, -1").value_or(model::Oneway::no));
    out.id.push_back(std::move(id));
  });
}

void reserve_roads(std::vector<model::RoadSegment>& out, std::size_t n) { out.reserve(out.size() + n); }
void reserve_roads(model::RoadColumns& out, std::size_t n) {
  out.fid.reserve(out.fid.size() + n);
  out.id.reserve(out.id.size() + n);
  out.road_class.reserve(out.road_class.size() + n);
  out.speed_kmh.reserve(out.speed_kmh.size() + n);
  out.oneway.reserve(out.oneway.size() + n);
  out.first_part.reserve(out.first_part.size() + n);
  // Roads have a few parts and vertices each; untouched reserved pages cost
  // no memory, and a reallocation of the largest array is avoided.
  out.first_vertex.reserve(out.first_vertex.size() + n + n / 4);
  out.lonlat.reserve(out.lonlat.size() + 8 * n);
}

void append_roads(std::vector<model::RoadSegment>& out, std::vector<model::RoadSegment>&& more) {
  out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  std::vector<model::RoadSegment>().swap(more);
}

// Joining the parts after the first is a copy of half the roads, a few
// hundred megabytes at national scale: two threads share it, one taking the
// vertices, the other the per-road columns (about as many bytes), with the
// offsets of every part worked out first. The result is what
// RoadColumns::append gives.
void join_parts(std::vector<model::RoadSegment>& out, std::vector<std::vector<model::RoadSegment>>& rest) {
  for (auto& p : rest) append_roads(out, std::move(p));
}
void join_parts(model::RoadColumns& out, std::vector<model::RoadColumns>& rest) {
  std::vector<std::uint32_t> part_off, vert_off;
  std::size_t parts = out.part_count(), verts = out.lonlat.size();
  for (const auto& p : rest) {
    part_off.push_back(static_cast<std::uint32_t>(parts));
    vert_off.push_back(static_cast<std::uint32_t>(verts));
    parts += p.part_count();
    verts += p.lonlat.size();
  }
  auto move_all = [](auto& to, auto& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
    std::remove_reference_t<decltype(from)>().swap(from);
  };
  run_workers(2, [&](std::size_t w) {
    for (std::size_t j = 0; j < rest.size(); ++j) {
      model::RoadColumns& p = rest[j];
      if (w == 0) {
        for (std::size_t i = 1; i < p.first_vertex.size(); ++i) out.first_vertex.push_back(p.first_vertex[i] + vert_off[j]);
        std::vector<std::uint32_t>().swap(p.first_vertex);
        move_all(out.lonlat, p.lonlat);
      } else {
        for (std::size_t i = 1; i < p.first_part.size(); ++i) out.first_part.push_back(p.first_part[i] + part_off[j]);
        std::vector<std::uint32_t>().swap(p.first_part);
        move_all(out.fid, p.fid);
        move_all(out.id, p.id);
        move_all(out.road_class, p.road_class);
        move_all(out.speed_kmh, p.speed_kmh);
        move_all(out.oneway, p.oneway);
      }
    }
  });
  for (auto& p : rest) p = model::RoadColumns{};
}

std::string quoted_identifier(const std::string& name) {
  std::string q = "\"";
  for (char c : name) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

// The FID range [first, last] of a GeoPackage table; nullopt when unknown.
// SQLite answers a lone MIN or MAX of the primary key from the ends of its
// B-tree, but MIN and MAX in one SELECT by a scan of the whole table (a second
// or more at national scale, before the second thread could start): hence
// one subquery each.
std::optional<std::pair<std::int64_t, std::int64_t>> fid_range(OpenedLayer& o) {
  const char* fid_column = o.layer->GetFIDColumn();
  if (!fid_column || !*fid_column) return std::nullopt;
  const std::string col = quoted_identifier(fid_column), table = quoted_identifier(o.layer->GetName());
  const std::string sql =
      "SELECT (SELECT MIN(" + col + ") FROM " + table + "), (SELECT MAX(" + col + ") FROM " + table + ")";
  OGRLayer* res = o.ds->ExecuteSQL(sql.c_str(), nullptr, "SQLITE");
  if (!res) return std::nullopt;
  std::optional<std::pair<std::int64_t, std::int64_t>> out;
  if (OGRFeatureUniquePtr f{res->GetNextFeature()}; f && f->IsFieldSetAndNotNull(0) && f->IsFieldSetAndNotNull(1))
    out = std::make_pair(static_cast<std::int64_t>(f->GetFieldAsInteger64(0)),
                         static_cast<std::int64_t>(f->GetFieldAsInteger64(1)));
  o.ds->ReleaseResultSet(res);
  return out;
}

// Below this many roads a second thread does not pay for its own open.
constexpr std::size_t kParallelRoadsMin = 50000;
std::atomic<std::size_t> g_roads_threads{0};
std::atomic<std::size_t> g_parallel_roads_min{0};

std::size_t roads_threads() {
  if (const std::size_t set = g_roads_threads.load()) return set;
  return std::thread::hardware_concurrency() >= 2 ? 2 : 1;
}

std::size_t parallel_roads_min() {
  const std::size_t set = g_parallel_roads_min.load();
  return set ? set : kParallelRoadsMin;
}

// Where part w of k of the FIDs [first, first + span) begins: first +
// floor(span * w / k), without the product overflowing.
std::int64_t part_start(std::int64_t first, std::uint64_t span, std::size_t w, std::size_t k) {
  const std::uint64_t off = span / k * w + span % k * w / k;
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(first) + off);
}

// A serial read keeps a graph-only read below 2^32 vertices, stopping at the
// road that passes it; the parts of a parallel read are each below, so their
// sum is checked before they are joined.
void check_vertex_total(const std::vector<model::RoadSegment>&, const std::vector<std::vector<model::RoadSegment>>&) {}
void check_vertex_total(const model::RoadColumns& first, const std::vector<model::RoadColumns>& rest) {
  std::uint64_t total = first.lonlat.size();
  for (const auto& p : rest) total += p.lonlat.size();
  if (total > std::numeric_limits<std::uint32_t>::max())
    throw RunError("the roads layer has more than 2^32 vertices, too many for one road graph",
                   "split the area into smaller datasets");
}

// The roads layer, the largest by far. A large GeoPackage is read by two
// threads, each with its own handle (GDAL handles are not shared between
// threads), over consecutive parts of the FID range: the FID is the table's
// integer primary key, so each part is a range scan, in the FID order a
// whole-table read gives. The parts are joined in that order, so the roads,
// the findings and the first error thrown are those of a serial read. Other
// drivers, and smaller layers, are read serially.
template <class Out>
void read_roads_layer(Reader& r, OpenedLayer& opened, bool graph_only, const ProgressSettings& progress,
                      const std::atomic<bool>* cancel, Out& out) {
  const RoadFields fields = resolve_road_fields(r, graph_only);
  const GIntBig count = r.feature_count_hint();
  const std::size_t threads = roads_threads();
  const std::size_t min_roads = parallel_roads_min();
  auto serial = [&] {
    if (count > 0) reserve_roads(out, static_cast<std::size_t>(count));
    read_roads(r, fields, progress, out);
  };
  std::optional<std::pair<std::int64_t, std::int64_t>> range;
  if (opened.driver == "GPKG" && threads >= 2 && count > 0 && static_cast<std::size_t>(count) >= min_roads)
    range = fid_range(opened);
  if (!range || range->second <= range->first) return serial();
  const std::uint64_t span = static_cast<std::uint64_t>(range->second) - static_cast<std::uint64_t>(range->first) + 1;
  if (span == 0) return serial();  // the whole int64 range
  const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(threads, span));

  const std::string fid = quoted_identifier(opened.layer->GetFIDColumn());
  std::vector<std::string> filters(k);
  for (std::size_t w = 0; w < k; ++w) {
    const std::string lo = fid + " >= " + std::to_string(part_start(range->first, span, w, k));
    const std::string hi = fid + " < " + std::to_string(part_start(range->first, span, w + 1, k));
    filters[w] = w == 0 ? hi : w + 1 == k ? lo : lo + " AND " + hi;
  }

  // The other parts' handles, readers, roads and findings.
  std::vector<OpenedLayer> handles(k - 1);
  std::vector<model::Findings> findings(k - 1);
  std::vector<model::LayerInfo> infos(k - 1);
  std::vector<std::unique_ptr<Reader>> readers;
  for (std::size_t w = 1; w < k; ++w) {
    OpenedLayer& h = handles[w - 1];
    h.path = opened.path;
    h.driver = opened.driver;
    h.encoding = opened.encoding;
    h.raw_text = opened.raw_text;
    h.ds = open_source(opened.path, false);
    h.layer = h.ds->GetLayerByName(opened.layer->GetName());
    if (!h.layer) throw InputError({opened.path, "roads", {}, {}}, "the layer disappeared when reopened");
    if (h.layer->SetAttributeFilter(filters[w].c_str()) != OGRERR_NONE) return serial();
    readers.push_back(std::make_unique<Reader>(r, h, findings[w - 1], infos[w - 1]));
    if (graph_only) readers.back()->ignore_unresolved_fields();
  }
  if (opened.layer->SetAttributeFilter(filters[0].c_str()) != OGRERR_NONE) {
    opened.layer->SetAttributeFilter(nullptr);
    return serial();
  }
  struct ClearFilter {
    OGRLayer* layer;
    ~ClearFilter() { layer->SetAttributeFilter(nullptr); }
  } clear_filter{opened.layer};

  reserve_roads(out, static_cast<std::size_t>(count));
  std::vector<Out> parts(k - 1);
  for (auto& p : parts) reserve_roads(p, static_cast<std::size_t>(count) / k + 1);

  // One bar for the layer, drawn by the calling thread from the count of
  // every part; a part stops early once one before it has failed, as its
  // roads would not be used.
  Progress bar(progress, "reading roads", static_cast<std::uint64_t>(count));
  std::atomic<std::uint64_t> done{0};
  std::atomic<std::size_t> running{k - 1};
  std::vector<std::atomic<bool>> stop(k);
  r.share({&done, &bar, &stop[0], cancel});
  for (std::size_t w = 1; w < k; ++w) readers[w - 1]->share({&done, nullptr, &stop[w], cancel});
  auto fail_after = [&](std::size_t w) {
    for (std::size_t v = w + 1; v < k; ++v) stop[v].store(true);
  };
  run_workers(k, [&](std::size_t w) {
    if (w == 0) {
      try {
        read_roads(r, fields, progress, out);
      } catch (...) {
        fail_after(0);
        throw;
      }
      while (running.load() > 0) {
        bar.set(done.load());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      return;
    }
    // GDAL's error handlers are per thread: this one's messages are kept
    // quiet as the calling thread's are.
    struct Leave {
      std::atomic<std::size_t>& n;
      Leave(std::atomic<std::size_t>& count) : n(count) { CPLPushErrorHandler(CPLQuietErrorHandler); }
      ~Leave() {
        CPLPopErrorHandler();
        n.fetch_sub(1);
      }
      Leave(const Leave&) = delete;
      Leave& operator=(const Leave&) = delete;
    } leave{running};
    try {
      read_roads(*readers[w - 1], fields, progress, parts[w - 1]);
    } catch (...) {
      fail_after(w);
      throw;
    }
  });
  check_vertex_total(out, parts);
  join_parts(out, parts);
  for (std::size_t w = 1; w < k; ++w) {
    r.add_findings(std::move(findings[w - 1]));
    r.add_extent(readers[w - 1]->extent());
  }
  bar.set(done.load());
  bar.finish();
}

void read_facilities(Reader& r, const ProgressSettings& progress, std::vector<model::Facility>& out) {
  const int id = r.field("id", true), tier = r.field("tier", true), name = r.field("name", false),
            admin = r.field("admin_code", false), carriers = r.field("carriers", false),
            vehicles = r.field("vehicles", false), capacity = r.field("vehicle_capacity_parcels", false),
            shift = r.field("shift_hours", false), colocated = r.field("colocated", false),
            level = r.field("model_level", false);
  r.finish_fields();
  r.each(progress, [&] {
    model::Facility f;
    f.ref.fid = r.fid();
    f.id = r.text(id);
    r.set_label(f.id);
    r.require(id, f.id, "id", Severity::error);
    r.point(f.location, /*allow_polygon=*/false);
    const std::string tier_text = r.text(tier);
    r.require(tier, tier_text, "tier", Severity::error);
    f.tier = r.choice<model::Tier>(tier, "tier", model::parse_tier, "county_hub, township_station, village_outlet")
                 .value_or(model::Tier::village_outlet);
    f.name = r.text(name);
    f.admin_code = r.text(admin);
    f.carriers = split_list(r.text(carriers));
    if (auto v = r.integer(vehicles, "vehicles")) {
      if (*v < 0 || *v > 1000000) r.add(Severity::error, "wrong_type", "vehicles", "'" + std::to_string(*v) + "' is not a vehicle count");
      else
        f.vehicles = static_cast<int>(*v);
    }
    f.vehicle_capacity_parcels = r.number(capacity, "vehicle_capacity_parcels");
    f.shift_hours = r.number(shift, "shift_hours");
    f.colocated = r.text(colocated);
    f.model_level = r.choice<model::ModelLevel>(level, "model_level", parse_model_level, "none, municipal, provincial")
                        .value_or(model::ModelLevel::none);
    f.extra = r.extras();
    out.push_back(std::move(f));
  });
}

std::string crs_definition(const OGRSpatialReference& srs) {
  const char* auth = srs.GetAuthorityName(nullptr);
  const char* code = srs.GetAuthorityCode(nullptr);
  if (auth && code) return std::string(auth) + ":" + code;
  char* wkt = nullptr;
  const char* const opts[] = {"FORMAT=WKT2_2019", nullptr};
  srs.exportToWkt(&wkt, opts);
  std::string out = wkt ? wkt : "";
  CPLFree(wkt);
  return out;
}

OGRLayer* find_layer(GDALDataset& ds, const std::string& contract, const LayerSource& src) {
  if (!src.layer_name.empty()) {
    if (OGRLayer* l = ds.GetLayerByName(src.layer_name.c_str())) return l;
    for (int i = 0; i < ds.GetLayerCount(); ++i)
      if (iequals(ds.GetLayer(i)->GetName(), src.layer_name)) return ds.GetLayer(i);
    return nullptr;
  }
  if (src.from_layer_option && ds.GetLayerCount() == 1) return ds.GetLayer(0);
  for (int i = 0; i < ds.GetLayerCount(); ++i) {
    const std::string n = ds.GetLayer(i)->GetName();
    // PostGIS layers of another schema read "schema.table".
    const auto dot = n.rfind('.');
    if (iequals(n, contract) || (dot != std::string::npos && iequals(n.substr(dot + 1), contract))) return ds.GetLayer(i);
  }
  return nullptr;
}

}  // namespace

void set_roads_read_threads(std::size_t threads) { g_roads_threads.store(threads); }
void set_parallel_roads_min(std::size_t roads) { g_parallel_roads_min.store(roads); }

GDALDatasetUniquePtr open_source(const std::string& path, bool raw_shapefile_text) {
  if (is_plain_path(path)) {
    std::error_code ec;
    if (!fs::exists(path, ec))
      throw InputError({path, {}, {}, {}}, "file not found", "check the path (a GeoPackage, a folder, or a PG: connection)");
  }
  CPLErrorReset();
  const char* const raw_options[] = {"ENCODING=", nullptr};
  GDALDataset* ds = GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                      raw_shapefile_text ? raw_options : nullptr, nullptr);
  if (!ds) {
    const std::string msg = CPLGetLastErrorMsg();
    throw InputError({path, {}, {}, {}},
                     "GDAL cannot open it as a vector dataset" + (msg.empty() ? std::string() : ": " + msg),
                     "check that it is a GeoPackage, Shapefile, GeoJSON or FlatGeobuf file (or a reachable PG: "
                     "connection) and that it is not damaged");
  }
  return GDALDatasetUniquePtr(ds);
}

std::vector<std::string> layer_names(GDALDataset& ds) {
  std::vector<std::string> out;
  for (int i = 0; i < ds.GetLayerCount(); ++i) out.emplace_back(ds.GetLayer(i)->GetName());
  return out;
}

std::optional<OpenedLayer> open_layer(const std::string& contract, const LayerSource& src,
                                      std::vector<std::string>* found_layers) {
  OpenedLayer o;
  o.path = src.path;
  o.ds = open_source(src.path, false);
  OGRLayer* layer = find_layer(*o.ds, contract, src);
  if (!layer) {
    const auto names = layer_names(*o.ds);
    if (found_layers) *found_layers = names;
    if (!src.layer_name.empty() || src.from_layer_option)
      throw InputError({src.path, contract, {}, {}},
                       "the source has no layer '" + (src.layer_name.empty() ? contract : src.layer_name) +
                           "'; its layers are: " + (names.empty() ? std::string("(none)") : join(names, ", ")),
                       "name the layer as --layer " + contract + "=PATH|LAYERNAME");
    return std::nullopt;
  }
  o.driver = o.ds->GetDriver() ? o.ds->GetDriver()->GetDescription() : "";
  if (o.driver == "ESRI Shapefile") {
    // GDAL recodes a shapefile's text when its .cpg or dBASE language id says
    // how. Language id 87 means "the writer's ANSI code page", which GDAL takes
    // as Latin-1; Chinese software writes GBK under it, so without a .cpg that
    // declaration is treated as none and the text is detected instead.
    const char* enc = layer->GetMetadataItem("SOURCE_ENCODING", "SHAPEFILE");
    const std::string source_enc = enc ? enc : "";
    fs::path base = fs::is_directory(src.path) ? fs::path(src.path) / layer->GetName() : fs::path(src.path).replace_extension();
    const bool has_cpg = sibling(base, ".cpg").has_value();
    const auto dbf = sibling(base, ".dbf");
    const int ldid = dbf ? dbf_ldid(*dbf) : 0;
    const bool declared = !source_enc.empty() && (has_cpg || ldid != 0x57) && layer->TestCapability(OLCStringsAsUTF8);
    if (declared) {
      o.encoding = canonical_encoding(source_enc).value_or(source_enc);
    } else {
      const std::string name = layer->GetName();
      o.ds = open_source(src.path, true);
      layer = o.ds->GetLayerByName(name.c_str());
      if (!layer) throw InputError({src.path, contract, {}, {}}, "the layer disappeared when reopened");
      o.raw_text = true;
    }
  } else if (!layer->TestCapability(OLCStringsAsUTF8)) {
    o.raw_text = true;
  } else {
    o.encoding = "UTF-8";
  }
  o.layer = layer;
  return o;
}

bool reads_in_parallel(const std::string& contract, OpenedLayer& opened) {
  if (contract != "roads" || opened.driver != "GPKG" || roads_threads() < 2) return false;
  const GIntBig count = opened.layer->GetFeatureCount(FALSE);
  return count > 0 && static_cast<std::size_t>(count) >= parallel_roads_min();
}

std::string read_layer(const std::string& contract, OpenedLayer& opened, const ReadOptions& options,
                       const ProgressSettings& progress, model::Dataset& out, model::LayerInfo& info,
                       model::Findings& findings, const std::atomic<bool>* cancel) {
  info.present = true;
  info.source = opened.path;
  info.source_layer = opened.layer->GetName();
  info.geometry_type = OGRGeometryTypeToName(opened.layer->GetGeomType());

  std::string definition;
  if (const OGRSpatialReference* srs = opened.layer->GetSpatialRef()) {
    definition = crs_definition(*srs);
  } else if (!options.assume_crs.empty()) {
    definition = options.assume_crs;
  } else if (opened.layer->GetGeomType() != wkbNone) {
    throw CrsError({opened.path, contract, {}, {}}, "the layer declares no CRS (no .prj file or CRS definition)",
                   "name the CRS the data is in with --crs, e.g. --crs EPSG:4490 for CGCS2000 longitude/latitude");
  } else {
    throw InputError({opened.path, contract, {}, {}}, "the layer has no geometry column",
                     "every contract layer needs geometry; see docs/data-input.md");
  }

  Reader r(contract, opened, options, findings, info);
  r.settle_encoding();
  if (const auto hint = r.feature_count_hint(); hint > 0) {
    const auto n = static_cast<std::size_t>(hint);
    if (contract == "counties") out.counties.reserve(out.counties.size() + n);
    if (contract == "townships") out.townships.reserve(out.townships.size() + n);
    if (contract == "villages") out.villages.reserve(out.villages.size() + n);
    if (contract == "facilities") out.facilities.reserve(out.facilities.size() + n);
  }
  try {
    r.set_crs(definition);
  } catch (const CrsError& e) {
    throw CrsError({opened.path, contract, {}, {}}, e.problem(), e.hint());
  }
  info.source_crs = geo::describe_crs(definition);

  std::size_t n = 0;
  if (contract == "counties") {
    read_counties(r, progress, out.counties);
    n = out.counties.size();
  } else if (contract == "townships") {
    read_townships(r, progress, out.townships);
    n = out.townships.size();
  } else if (contract == "villages") {
    read_villages(r, progress, out.villages);
    n = out.villages.size();
  } else if (contract == "roads" && options.roads_graph_only) {
    read_roads_layer(r, opened, true, progress, cancel, out.road_columns);
    out.roads_graph_only = true;
    n = out.road_columns.size();
  } else if (contract == "roads") {
    read_roads_layer(r, opened, false, progress, cancel, out.roads);
    n = out.roads.size();
  } else if (contract == "facilities") {
    read_facilities(r, progress, out.facilities);
    n = out.facilities.size();
  }
  info.feature_count = n;
  info.extent = r.extent();
  return definition;
}

}  // namespace ruralnet::io::detail
