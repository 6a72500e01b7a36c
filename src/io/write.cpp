// The GDAL side of writing: formats, layers, features, transactions.
#include "ruralnet/io/write.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cstddef>
#include <set>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/io/atomic_file.hpp"

namespace fs = std::filesystem;

namespace ruralnet::io {

namespace {

struct DatasetCloser {
  void operator()(GDALDataset* d) const {
    if (d) GDALClose(d);
  }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

std::string last_gdal_error() {
  const char* m = CPLGetLastErrorMsg();
  return (m && *m) ? std::string(": ") + m : std::string();
}

// Short names people type, and the extensions that imply them.
struct Known {
  const char* name;
  const char* driver;
  const char* extension;
};
constexpr Known kKnown[] = {
    {"gpkg", "GPKG", "gpkg"},        {"geopackage", "GPKG", "gpkg"},    {"geojson", "GeoJSON", "geojson"},
    {"json", "GeoJSON", "geojson"},  {"fgb", "FlatGeobuf", "fgb"},      {"flatgeobuf", "FlatGeobuf", "fgb"},
    {"shp", "ESRI Shapefile", "shp"}, {"shapefile", "ESRI Shapefile", "shp"}, {"csv", "CSV", "csv"},
};

std::string formats_hint() {
  return "write .gpkg, .geojson, .fgb, .shp or .csv, or name a format GDAL can write: " +
         join(writable_formats(), ", ");
}

bool driver_is_multi_layer(const std::string& driver) {
  // Formats whose one file holds many layers; the others get a folder.
  static const std::set<std::string> multi = {"GPKG", "SQLite", "PostgreSQL", "PGDump", "LIBKML", "KML",
                                              "GML",  "MapInfo File", "ODS", "XLSX", "DXF"};
  return multi.count(driver) > 0;
}

OGRwkbGeometryType ogr_type(GeometryType g) {
  switch (g) {
    case GeometryType::none: return wkbNone;
    case GeometryType::point: return wkbPoint;
    case GeometryType::linestring: return wkbLineString;
    case GeometryType::multilinestring: return wkbMultiLineString;
    case GeometryType::polygon: return wkbPolygon;
    case GeometryType::multipolygon: return wkbMultiPolygon;
  }
  return wkbUnknown;
}

void fill_line(OGRSimpleCurve& line, const std::vector<LonLat>& pts) {
  // OGRRawPoint is {x, y} as LonLat is {lon, lat}; setPoints copies the bytes.
  static_assert(sizeof(OGRRawPoint) == sizeof(LonLat) && offsetof(LonLat, lat) == sizeof(double));
  line.setPoints(static_cast<int>(pts.size()), reinterpret_cast<const OGRRawPoint*>(pts.data()));
}

OGRPolygon* make_polygon(const model::Polygon& p) {
  auto* poly = new OGRPolygon();
  for (const auto& ring : p.rings) {
    auto* r = new OGRLinearRing();
    fill_line(*r, ring);
    poly->addRingDirectly(r);
  }
  return poly;
}

// The OGR geometry of a feature, promoted to the layer's declared type (a
// LineString into a MultiLineString layer becomes a one-part multi).
OGRGeometry* make_geometry(const Geometry& g, GeometryType target) {
  OGRGeometry* out = nullptr;
  if (const auto* p = std::get_if<LonLat>(&g)) {
    out = new OGRPoint(p->lon, p->lat);
  } else if (const auto* l = std::get_if<model::LineString>(&g)) {
    auto* ls = new OGRLineString();
    fill_line(*ls, *l);
    out = ls;
  } else if (const auto* ml = std::get_if<model::MultiLineString>(&g)) {
    auto* m = new OGRMultiLineString();
    for (const auto& part : *ml) {
      auto* ls = new OGRLineString();
      fill_line(*ls, part);
      m->addGeometryDirectly(ls);
    }
    out = m;
  } else if (const auto* pg = std::get_if<model::Polygon>(&g)) {
    out = make_polygon(*pg);
  } else if (const auto* mp = std::get_if<model::MultiPolygon>(&g)) {
    auto* m = new OGRMultiPolygon();
    for (const auto& part : *mp) m->addGeometryDirectly(make_polygon(part));
    out = m;
  }
  if (!out) return nullptr;
  if (target == GeometryType::multilinestring && out->getGeometryType() == wkbLineString)
    return OGRGeometryFactory::forceToMultiLineString(out);
  if (target == GeometryType::multipolygon && out->getGeometryType() == wkbPolygon)
    return OGRGeometryFactory::forceToMultiPolygon(out);
  return out;
}

// Sets the feature's geometry, rewriting a point or line already held in
// place (the same result as make_geometry, without an allocation per feature).
void set_geometry(OGRFeature& feat, const Geometry& g, GeometryType target) {
  OGRGeometry* held = feat.GetGeometryRef();
  if (const auto* p = std::get_if<LonLat>(&g)) {
    if (held && held->getGeometryType() == wkbPoint) {
      auto* pt = held->toPoint();
      pt->setX(p->lon);
      pt->setY(p->lat);
      return;
    }
  } else if (const auto* l = std::get_if<model::LineString>(&g); l && target == GeometryType::linestring) {
    if (held && held->getGeometryType() == wkbLineString) {
      fill_line(*held->toLineString(), *l);
      return;
    }
  }
  feat.SetGeometryDirectly(make_geometry(g, target));  // nullptr for none
}

}  // namespace

std::vector<std::string> writable_formats() {
  GDALAllRegister();
  std::vector<std::string> names;
  auto* mgr = GetGDALDriverManager();
  for (int i = 0; i < mgr->GetDriverCount(); ++i) {
    GDALDriver* d = mgr->GetDriver(i);
    if (!d->GetMetadataItem(GDAL_DCAP_VECTOR) || !d->GetMetadataItem(GDAL_DCAP_CREATE)) continue;
    const std::string n = d->GetDescription();
    // Database and service drivers need a connection, not a file name.
    if (n == "PostgreSQL" || n == "MSSQLSpatial" || n == "OCI" || n == "MySQL" || n == "Memory" ||
        n == "MongoDBv3" || n == "Elasticsearch" || n == "CartoDB" || n == "AmigoCloud" || n == "NGW" ||
        n == "PLSCENES" || n == "OAPIF")
      continue;
    names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  return names;
}

OutputFormat resolve_output_format(const fs::path& path, const std::string& format) {
  GDALAllRegister();
  std::string driver;
  std::string ext;
  if (!format.empty()) {
    const std::string f = to_lower_ascii(trim(format));
    for (const auto& k : kKnown)
      if (f == k.name) driver = k.driver, ext = k.extension;
    if (driver.empty()) {
      for (const auto& w : writable_formats())
        if (iequals(w, f)) driver = w;
      if (driver.empty())
        throw UsageError("unknown output format '" + format + "'", formats_hint());
    }
  } else {
    std::string e = path.extension().string();
    if (e.empty())
      throw UsageError("cannot tell the output format of '" + path.string() + "' (no file extension)",
                       "give a file name ending in .gpkg, .geojson, .fgb, .shp or .csv, or name the format of the folder (--format)");
    e = to_lower_ascii(e.substr(1));
    for (const auto& k : kKnown)
      if (e == k.name || e == k.extension) driver = k.driver, ext = k.extension;
    if (driver.empty())
      throw UsageError("GDAL cannot write a '." + e + "' file ('" + path.string() + "')", formats_hint());
  }
  GDALDriver* d = GetGDALDriverManager()->GetDriverByName(driver.c_str());
  if (!d || !d->GetMetadataItem(GDAL_DCAP_VECTOR) || !d->GetMetadataItem(GDAL_DCAP_CREATE))
    throw UsageError("this GDAL cannot write " + driver, formats_hint());
  if (ext.empty()) {
    const char* de = d->GetMetadataItem(GDAL_DMD_EXTENSION);
    if (de) ext = de;
  }
  return OutputFormat{driver, ext, driver_is_multi_layer(driver)};
}

// ---------------------------------------------------------------------------

struct VectorWriter::Impl {
  fs::path path;
  OutputFormat format;
  WriteOptions options;
  OGRSpatialReference srs;
  GDALDriver* driver = nullptr;
  bool folder = false;  // single-layer format into a folder, one file per layer
  DatasetPtr shared;    // multi-layer format, or the one file of a single-layer format
  struct Layer {
    LayerSchema schema;
    DatasetPtr own;  // its own file (folder mode)
    GDALDataset* ds = nullptr;
    OGRLayer* layer = nullptr;
    std::vector<int> field_index;
    OGRFeatureDefn* defn = nullptr;
    // One feature per layer, reused for every write with its geometry kept
    // and overwritten in place: building an OGRFeature and its geometry anew
    // for each of a million features costs as much as the insert.
    std::unique_ptr<OGRFeature> feature;
  };
  std::vector<Layer> layers;
  std::uint64_t written = 0;
  std::size_t in_transaction = 0;
  bool transaction_open = false;
  bool closed = false;

  bool transactional() const { return format.driver == "GPKG" || format.driver == "SQLite"; }

  void begin() {
    if (!transactional() || transaction_open || !shared) return;
    if (shared->StartTransaction() != OGRERR_NONE)
      throw RunError("cannot start a transaction on '" + path.string() + "'" + last_gdal_error());
    transaction_open = true;
    in_transaction = 0;
  }
  void commit() {
    if (!transaction_open) return;
    transaction_open = false;
    if (shared->CommitTransaction() != OGRERR_NONE)
      throw RunError("cannot write '" + path.string() + "' (disk full?)" + last_gdal_error());
  }

  GDALDataset* create(const fs::path& p) {
    // The file is a temporary that is renamed into place only when complete,
    // so SQLite's sync on every commit buys nothing: a crash loses the
    // temporary either way. Without it, big GeoPackages write several times faster.
    const bool sqlite = format.driver == "GPKG" || format.driver == "SQLite";
    const std::string old = CPLGetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", "");
    if (sqlite) CPLSetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", "OFF");
    GDALDataset* ds = driver->Create(p.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    if (sqlite) CPLSetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", old.empty() ? nullptr : old.c_str());
    if (!ds) throw RunError("GDAL cannot create '" + p.string() + "' as " + format.driver + last_gdal_error());
    return ds;
  }
};

VectorWriter::VectorWriter(const fs::path& path, const OutputFormat& format, const WriteOptions& options)
    : impl_(std::make_unique<Impl>()) {
  GDALAllRegister();
  Impl& m = *impl_;
  m.path = path;
  m.format = format;
  m.options = options;
  m.driver = GetGDALDriverManager()->GetDriverByName(format.driver.c_str());
  if (!m.driver) throw UsageError("this GDAL cannot write " + format.driver, formats_hint());
  m.srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  if (m.srs.SetFromUserInput(options.crs.c_str()) != OGRERR_NONE)
    throw UsageError("unknown CRS '" + options.crs + "' for the output");
  m.srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::string ext = path.extension().string();
  if (!ext.empty()) ext = to_lower_ascii(ext.substr(1));
  m.folder = !format.multi_layer && (ext.empty() || ext != format.extension);
  if (format.driver == "GeoJSON" && ext == "json") m.folder = false;
  if (m.folder) {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec) throw RunError("cannot create the folder '" + path.string() + "': " + ec.message());
  } else {
    m.shared.reset(m.create(path));
  }
}

VectorWriter::~VectorWriter() {
  if (impl_ && !impl_->closed) {
    // Abandoned (an exception is on its way): close quietly, write_atomic
    // removes the temporary.
    CPLPushErrorHandler(CPLQuietErrorHandler);
    if (impl_->transaction_open && impl_->shared) impl_->shared->RollbackTransaction();
    impl_->layers.clear();
    impl_->shared.reset();
    CPLPopErrorHandler();
  }
}

std::size_t VectorWriter::add_layer(const LayerSchema& schema) {
  Impl& m = *impl_;
  if (m.closed) throw RunError("internal: layer added to a closed writer");
  Impl::Layer L;
  L.schema = schema;
  if (m.folder) {
    const fs::path file = m.path / (schema.name + (m.format.extension.empty() ? "" : "." + m.format.extension));
    L.own.reset(m.create(file));
    L.ds = L.own.get();
  } else {
    if (!m.format.multi_layer && !m.layers.empty())
      throw UsageError("a " + m.format.driver + " file holds one layer, cannot also write '" + schema.name + "' into '" +
                           m.path.string() + "'",
                       "write a GeoPackage, or name a folder (no extension) to get one file per layer");
    L.ds = m.shared.get();
  }
  // Creating a layer inside an open GeoPackage transaction is allowed, but
  // the commit first keeps DDL and data apart.
  m.commit();
  CPLStringList lco;
  const std::string& drv = m.format.driver;
  if (drv == "ESRI Shapefile") lco.SetNameValue("ENCODING", "UTF-8");
  if (drv == "CSV" && schema.geometry != GeometryType::none) lco.SetNameValue("GEOMETRY", "AS_WKT");
  if (drv == "GPKG" || drv == "FlatGeobuf")
    lco.SetNameValue("SPATIAL_INDEX", m.options.spatial_index ? "YES" : "NO");
  if (drv == "GPKG") lco.SetNameValue("FID", "fid");
  if (drv == "GeoJSON") lco.SetNameValue("WRITE_NAME", "NO");
  const bool spatial = schema.geometry != GeometryType::none;
  L.layer = L.ds->CreateLayer(schema.name.c_str(), spatial ? &m.srs : nullptr, ogr_type(schema.geometry), lco.List());
  if (!L.layer)
    throw RunError("cannot create layer '" + schema.name + "' in '" + m.path.string() + "'" + last_gdal_error());
  for (const auto& f : schema.fields) {
    OGRFieldType t = OFTString;
    OGRFieldSubType st = OFSTNone;
    switch (f.type) {
      case FieldType::text: t = OFTString; break;
      case FieldType::integer: t = OFTInteger64; break;
      case FieldType::real: t = OFTReal; break;
      case FieldType::date: t = OFTDate; break;
      case FieldType::boolean: t = OFTInteger; st = OFSTBoolean; break;
    }
    // Shapefiles know no 64-bit integers in every reader; counts fit in 32 bits.
    if (drv == "ESRI Shapefile" && t == OFTInteger64) t = OFTInteger;
    OGRFieldDefn def(f.name.c_str(), t);
    def.SetSubType(st);
    // Drivers that shorten names (Shapefile: 10 characters) warn on stderr;
    // docs/synth.md lists the shortened names instead.
    CPLPushErrorHandler(CPLQuietErrorHandler);
    const OGRErr fe = L.layer->CreateField(&def);
    CPLPopErrorHandler();
    if (fe != OGRERR_NONE)
      throw RunError("cannot create field '" + f.name + "' in layer '" + schema.name + "'" + last_gdal_error());
  }
  L.defn = L.layer->GetLayerDefn();
  // Drivers may rename fields (Shapefile: 10 characters); find each by position.
  for (std::size_t i = 0; i < schema.fields.size(); ++i) L.field_index.push_back(static_cast<int>(i));
  m.layers.push_back(std::move(L));
  return m.layers.size() - 1;
}

void VectorWriter::write(std::size_t layer, const Feature& f) {
  Impl& m = *impl_;
  if (m.closed || layer >= m.layers.size()) throw RunError("internal: write to a closed writer or unknown layer");
  Impl::Layer& L = m.layers[layer];
  if (f.values.size() != L.schema.fields.size())
    throw RunError("internal: feature of layer '" + L.schema.name + "' has " + std::to_string(f.values.size()) +
                   " values for " + std::to_string(L.schema.fields.size()) + " fields");
  m.begin();
  if (!L.feature) L.feature = std::make_unique<OGRFeature>(L.defn);
  OGRFeature& feat = *L.feature;
  feat.SetFID(OGRNullFID);
  for (std::size_t i = 0; i < f.values.size(); ++i) {
    const int idx = L.field_index[i];
    const FieldValue& v = f.values[i];
    if (std::holds_alternative<std::monostate>(v)) {
      feat.SetFieldNull(idx);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      feat.SetField(idx, s->c_str());
    } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
      feat.SetField(idx, static_cast<GIntBig>(*n));
    } else if (const auto* d = std::get_if<double>(&v)) {
      feat.SetField(idx, *d);
    } else if (const auto* dt = std::get_if<Date>(&v)) {
      feat.SetField(idx, dt->year(), dt->month(), dt->day(), 0, 0, 0.0f, 0);
    }
  }
  if (L.schema.geometry != GeometryType::none) set_geometry(feat, f.geometry, L.schema.geometry);
  if (L.layer->CreateFeature(&feat) != OGRERR_NONE)
    throw RunError("cannot write a feature of layer '" + L.schema.name + "' to '" + m.path.string() + "'" +
                   last_gdal_error());
  ++m.written;
  if (m.transaction_open && ++m.in_transaction >= m.options.batch_size) m.commit();
}

std::uint64_t VectorWriter::features_written() const { return impl_->written; }

void VectorWriter::close() {
  Impl& m = *impl_;
  if (m.closed) return;
  m.commit();
  for (auto& L : m.layers) {
    if (L.own) {
      L.own->FlushCache();
      L.own.reset();
    }
  }
  m.layers.clear();
  if (m.shared) {
    m.shared->FlushCache();
    CPLErrorReset();
    m.shared.reset();
    if (CPLGetLastErrorType() == CE_Failure)
      throw RunError("cannot finish writing '" + m.path.string() + "'" + last_gdal_error());
  }
  m.closed = true;
}

void write_vector(const fs::path& target, const WriteOptions& options, bool overwrite,
                  const std::function<void(VectorWriter&)>& fill) {
  const OutputFormat fmt = resolve_output_format(target, options.format);
  write_atomic(target, overwrite, [&](const fs::path& tmp) {
    VectorWriter w(tmp, fmt, options);
    fill(w);
    w.close();
  });
}

void write_layers(const fs::path& target, const std::vector<LayerData>& layers, const WriteOptions& options,
                  bool overwrite) {
  write_vector(target, options, overwrite, [&](VectorWriter& w) {
    for (const auto& l : layers) {
      const std::size_t h = w.add_layer(l.schema);
      for (const auto& f : l.features) w.write(h, f);
    }
  });
}

}  // namespace ruralnet::io
