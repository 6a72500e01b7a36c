// The GDAL side of writing: formats, layers, features, transactions.
#include "ruralnet/io/write.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstring>
#include <exception>
#include <mutex>
#include <set>
#include <thread>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/io/atomic_file.hpp"
#include "gpkg_rows.hpp"
#include "sqlite_util.hpp"

namespace fs = std::filesystem;

namespace ruralnet::io {

GeometryRef geometry_ref(const Geometry& g) {
  if (const auto* p = std::get_if<LonLat>(&g)) return *p;
  if (const auto* l = std::get_if<model::LineString>(&g)) return l;
  if (const auto* ml = std::get_if<model::MultiLineString>(&g)) return ml;
  if (const auto* pg = std::get_if<model::Polygon>(&g)) return pg;
  if (const auto* mp = std::get_if<model::MultiPolygon>(&g)) return mp;
  return std::monostate{};
}

namespace {

using detail::Cell;
using detail::round_down;
using detail::round_up;

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
OGRGeometry* make_geometry(const GeometryRef& g, GeometryType target) {
  OGRGeometry* out = nullptr;
  if (const auto* p = std::get_if<LonLat>(&g)) {
    out = new OGRPoint(p->lon, p->lat);
  } else if (const auto* l = std::get_if<const model::LineString*>(&g)) {
    auto* ls = new OGRLineString();
    fill_line(*ls, **l);
    out = ls;
  } else if (const auto* ml = std::get_if<const model::MultiLineString*>(&g)) {
    auto* m = new OGRMultiLineString();
    for (const auto& part : **ml) {
      auto* ls = new OGRLineString();
      fill_line(*ls, part);
      m->addGeometryDirectly(ls);
    }
    out = m;
  } else if (const auto* pg = std::get_if<const model::Polygon*>(&g)) {
    out = make_polygon(**pg);
  } else if (const auto* mp = std::get_if<const model::MultiPolygon*>(&g)) {
    auto* m = new OGRMultiPolygon();
    for (const auto& part : **mp) m->addGeometryDirectly(make_polygon(part));
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
void set_geometry(OGRFeature& feat, const GeometryRef& g, GeometryType target) {
  OGRGeometry* held = feat.GetGeometryRef();
  if (const auto* p = std::get_if<LonLat>(&g)) {
    if (held && held->getGeometryType() == wkbPoint) {
      auto* pt = held->toPoint();
      pt->setX(p->lon);
      pt->setY(p->lat);
      return;
    }
  } else if (const auto* l = std::get_if<const model::LineString*>(&g); l && target == GeometryType::linestring) {
    if (held && held->getGeometryType() == wkbLineString) {
      fill_line(*held->toLineString(), **l);
      return;
    }
  }
  feat.SetGeometryDirectly(make_geometry(g, target));  // nullptr for none
}

// --- GeoPackage R-trees, bulk-loaded ----------------------------------------
//
// GDAL 3.6 builds a GeoPackage layer's R-tree when the file closes: it reads
// every geometry back and inserts its envelope into SQLite's R-tree one row at
// a time, some 10 us a feature, more than half of writing coverage.gpkg. With
// WriteOptions::gpkg_fast the layers are written without an index and the
// envelopes kept; at close each R-tree is packed bottom-up (Sort-Tile-
// Recursive) straight into the R-tree's tables, in SQLite's node format. The
// R-tree's virtual table, triggers and gpkg_extensions row are GDAL's own: they
// are copied from an empty scratch GeoPackage in which GDAL indexed tables of
// the same names, then removed.

// The rows of an R-tree's three tables.
struct PackedRtree {
  std::vector<std::string> nodes;  // node n + 1's data blob
  std::vector<std::pair<std::int64_t, std::int64_t>> rowid;   // feature ID, leaf node
  std::vector<std::pair<std::int64_t, std::int64_t>> parent;  // node, its parent
};

void put_be(std::string& out, std::size_t at, std::uint64_t v, int bytes) {
  for (int k = bytes - 1; k >= 0; --k, v >>= 8) out[at + static_cast<std::size_t>(k)] = static_cast<char>(v & 0xff);
}

void put_cell(std::string& node, std::size_t slot, const Cell& c) {
  const std::size_t at = 4 + 24 * slot;
  put_be(node, at, static_cast<std::uint64_t>(c.id), 8);
  const float coords[4] = {c.minx, c.maxx, c.miny, c.maxy};
  for (int k = 0; k < 4; ++k) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &coords[k], 4);
    put_be(node, at + 8 + 4 * static_cast<std::size_t>(k), bits, 4);
  }
}

// Packs `cells` into nodes of `node_size` bytes: node 1 is the root, holding
// the tree's depth (0 = the root is a leaf) in its first two bytes.
PackedRtree pack_rtree(std::vector<Cell> cells, std::size_t node_size) {
  const std::size_t per_node = (node_size - 4) / 24;
  // Levels bottom-up; each node a run of cells of the level below.
  std::vector<std::vector<std::vector<Cell>>> levels;
  do {
    const std::size_t n = cells.size();
    const std::size_t count = std::max<std::size_t>(1, (n + per_node - 1) / per_node);
    const auto slices = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(count))));
    const std::size_t slice = slices * per_node;
    const auto cx = [](const Cell& c) { return static_cast<double>(c.minx) + c.maxx; };
    const auto cy = [](const Cell& c) { return static_cast<double>(c.miny) + c.maxy; };
    std::stable_sort(cells.begin(), cells.end(), [&](const Cell& a, const Cell& b) { return cx(a) < cx(b); });
    std::vector<std::vector<Cell>> nodes;
    for (std::size_t s0 = 0; s0 < n || nodes.empty(); s0 += slice) {
      const auto s1 = std::min(n, s0 + slice);
      std::stable_sort(cells.begin() + static_cast<std::ptrdiff_t>(s0), cells.begin() + static_cast<std::ptrdiff_t>(s1),
                       [&](const Cell& a, const Cell& b) { return cy(a) < cy(b); });
      for (std::size_t i = s0; i < s1 || nodes.empty(); i += per_node)
        nodes.emplace_back(cells.begin() + static_cast<std::ptrdiff_t>(i),
                           cells.begin() + static_cast<std::ptrdiff_t>(std::min(s1, i + per_node)));
      if (n == 0) break;
    }
    levels.push_back(std::move(nodes));
    // The next level: one cell per node, its box spanning the node's cells; the
    // IDs are indices into this level until the nodes are numbered below.
    cells.clear();
    const auto& made = levels.back();
    for (std::size_t i = 0; i < made.size(); ++i) {
      Cell box{static_cast<std::int64_t>(i), made[i].empty() ? 0.f : made[i][0].minx,
               made[i].empty() ? 0.f : made[i][0].maxx, made[i].empty() ? 0.f : made[i][0].miny,
               made[i].empty() ? 0.f : made[i][0].maxy};
      for (const Cell& c : made[i]) {
        box.minx = std::min(box.minx, c.minx);
        box.maxx = std::max(box.maxx, c.maxx);
        box.miny = std::min(box.miny, c.miny);
        box.maxy = std::max(box.maxy, c.maxy);
      }
      cells.push_back(box);
    }
  } while (levels.back().size() > 1);

  // Node numbers top-down: the root 1, then each level in order.
  std::vector<std::int64_t> first(levels.size());
  std::int64_t next = 1;
  for (std::size_t l = levels.size(); l-- > 0;) {
    first[l] = next;
    next += static_cast<std::int64_t>(levels[l].size());
  }
  PackedRtree out;
  out.nodes.resize(static_cast<std::size_t>(next - 1));
  for (std::size_t l = 0; l < levels.size(); ++l) {
    for (std::size_t i = 0; i < levels[l].size(); ++i) {
      const std::int64_t no = first[l] + static_cast<std::int64_t>(i);
      std::string& blob = out.nodes[static_cast<std::size_t>(no - 1)];
      blob.assign(node_size, '\0');
      if (no == 1) put_be(blob, 0, levels.size() - 1, 2);
      put_be(blob, 2, levels[l][i].size(), 2);
      for (std::size_t k = 0; k < levels[l][i].size(); ++k) {
        Cell c = levels[l][i][k];
        if (l == 0) {
          out.rowid.emplace_back(c.id, no);
        } else {
          c.id += first[l - 1];
          out.parent.emplace_back(c.id, no);
        }
        put_cell(blob, k, c);
      }
    }
  }
  // In key order, each insert an append to the table's B-tree.
  std::sort(out.rowid.begin(), out.rowid.end());
  std::sort(out.parent.begin(), out.parent.end());
  return out;
}

using detail::sql_name;
using detail::sql_text;

// A plain SQLite connection to a GeoPackage GDAL has closed: statements
// prepared once and bound, where GDAL's ExecuteSQL would scan and parse
// megabytes of SQL text.
class Sqlite {
 public:
  explicit Sqlite(const fs::path& path) : path_(path), db_(detail::open_for_writing(path, "add its spatial index")) {}
  ~Sqlite() {
    for (auto* st : statements_) sqlite3_finalize(st);
    if (db_) sqlite3_close_v2(db_);  // rolls back what is not committed
  }
  Sqlite(const Sqlite&) = delete;
  Sqlite& operator=(const Sqlite&) = delete;

  void exec(const std::string& sql) {
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail();
  }
  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) fail();
    statements_.push_back(st);
    return st;
  }
  // Each row of a query, handed to row(statement).
  template <class Row>
  void each(const std::string& sql, Row row) {
    sqlite3_stmt* st = prepare(sql);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(st);
    if (rc != SQLITE_DONE) fail();
    sqlite3_reset(st);
  }
  // Runs a bound statement that returns no rows, ready for the next binding.
  void run(sqlite3_stmt* st) {
    const int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) fail();
  }
  void close() {
    for (auto* st : statements_) sqlite3_finalize(st);
    statements_.clear();
    if (sqlite3_close(db_) != SQLITE_OK) fail();
    db_ = nullptr;
  }

 private:
  [[noreturn]] void fail() {
    throw RunError("cannot write the spatial index of '" + path_.string() + "': " + sqlite3_errmsg(db_));
  }
  fs::path path_;
  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> statements_;
};

std::string column_text(sqlite3_stmt* st, int i) {
  const auto* t = sqlite3_column_text(st, i);
  return t ? reinterpret_cast<const char*>(t) : "";
}

struct IndexedLayer {
  std::string table, geom;
  OGRwkbGeometryType type = wkbUnknown;
  std::vector<Cell> cells;
};

// Adds each layer's R-tree to the closed GeoPackage at `path`.
void write_rtrees(const fs::path& path, std::vector<IndexedLayer>& layers) {
  Sqlite db(path);
  // SQLite's R-tree node: a page less 64 bytes, at most 51 cells of 24 bytes
  // (checked against each new R-tree's empty root below).
  std::size_t node_size = 0;
  db.each("PRAGMA page_size", [&](sqlite3_stmt* st) { node_size = static_cast<std::size_t>(sqlite3_column_int64(st, 0)); });
  node_size = std::min<std::size_t>(node_size - 64, 4 + 24 * 51);
  // The envelopes are sorted into nodes on a second thread, a layer ahead of
  // the inserts (and of GDAL making the scratch file).
  std::vector<PackedRtree> packed(layers.size());
  std::mutex mu;
  std::condition_variable cv;
  std::size_t ready = 0;
  std::exception_ptr pack_error;
  std::jthread packer([&] {
    for (std::size_t j = 0; j < layers.size(); ++j) {
      try {
        packed[j] = pack_rtree(std::move(layers[j].cells), node_size);
      } catch (...) {
        std::lock_guard lk(mu);
        pack_error = std::current_exception();
        ready = layers.size();
        cv.notify_all();
        return;
      }
      std::lock_guard lk(mu);
      ready = j + 1;
      cv.notify_all();
    }
  });

  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  const fs::path scratch = path.string() + ".rtree.gpkg";
  struct Remove {
    fs::path p;
    ~Remove() {
      std::error_code ec;
      fs::remove(p, ec);
    }
  } remove_scratch{scratch};
  {
    std::error_code ec;
    fs::remove(scratch, ec);
    DatasetPtr ds(drv->Create(scratch.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw RunError("GDAL cannot create '" + scratch.string() + "'" + last_gdal_error());
    for (const auto& l : layers) {
      CPLStringList lco;
      lco.SetNameValue("SPATIAL_INDEX", "YES");
      lco.SetNameValue("FID", "fid");
      lco.SetNameValue("GEOMETRY_NAME", l.geom.c_str());
      if (!ds->CreateLayer(l.table.c_str(), nullptr, l.type, lco.List()))
        throw RunError("cannot create '" + scratch.string() + "'" + last_gdal_error());
    }
    CPLErrorReset();
    ds.reset();
    if (CPLGetLastErrorType() == CE_Failure) throw RunError("cannot write '" + scratch.string() + "'" + last_gdal_error());
  }

  db.exec("ATTACH DATABASE " + sql_text(scratch.string()) + " AS ruralnet_rtree");
  std::vector<std::array<std::string, 3>> schema;  // type, name, sql of the scratch file
  db.each("SELECT type, name, sql FROM ruralnet_rtree.sqlite_master ORDER BY rowid", [&](sqlite3_stmt* st) {
    schema.push_back({column_text(st, 0), column_text(st, 1), column_text(st, 2)});
  });
  bool have_extensions = false;
  db.each("SELECT COUNT(*) FROM main.sqlite_master WHERE name = 'gpkg_extensions'",
          [&](sqlite3_stmt* st) { have_extensions = sqlite3_column_int64(st, 0) > 0; });
  db.exec("BEGIN");
  if (!have_extensions)
    for (const auto& [type, name, sql] : schema)
      if (type == "table" && name == "gpkg_extensions") db.exec(sql);
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const IndexedLayer& l = layers[k];
    const std::string rtree = "rtree_" + l.table + "_" + l.geom;
    std::string vtable;
    std::vector<std::string> triggers;
    for (const auto& [type, name, sql] : schema) {
      if (type == "table" && name == rtree) vtable = sql;
      if (type == "trigger" && name.rfind(rtree + "_", 0) == 0) triggers.push_back(sql);
    }
    if (vtable.empty() || triggers.empty())
      throw RunError("internal: GDAL made no spatial index for '" + l.table + "' in '" + scratch.string() + "'");
    db.exec(vtable);
    // The node size SQLite chose for this file's pages, from the empty root.
    std::size_t root_size = 0;
    db.each("SELECT length(data) FROM main." + sql_name(rtree + "_node") + " WHERE nodeno = 1",
            [&](sqlite3_stmt* st) { root_size = static_cast<std::size_t>(sqlite3_column_int64(st, 0)); });
    if (root_size != node_size) throw RunError("internal: unexpected R-tree node size in '" + path.string() + "'");
    {
      std::unique_lock lk(mu);
      cv.wait(lk, [&] { return ready > k; });
      if (pack_error) std::rethrow_exception(pack_error);
    }
    const PackedRtree done = std::move(packed[k]);
    db.exec("DELETE FROM main." + sql_name(rtree + "_node"));
    sqlite3_stmt* node = db.prepare("INSERT INTO main." + sql_name(rtree + "_node") + " (nodeno, data) VALUES (?, ?)");
    for (std::size_t n = 0; n < done.nodes.size(); ++n) {
      sqlite3_bind_int64(node, 1, static_cast<sqlite3_int64>(n + 1));
      sqlite3_bind_blob(node, 2, done.nodes[n].data(), static_cast<int>(done.nodes[n].size()), SQLITE_STATIC);
      db.run(node);
    }
    const auto pairs = [&](const std::string& sql, const std::vector<std::pair<std::int64_t, std::int64_t>>& rows) {
      sqlite3_stmt* st = db.prepare(sql);
      for (const auto& [a, b] : rows) {
        sqlite3_bind_int64(st, 1, a);
        sqlite3_bind_int64(st, 2, b);
        db.run(st);
      }
    };
    pairs("INSERT INTO main." + sql_name(rtree + "_rowid") + " (rowid, nodeno) VALUES (?, ?)", done.rowid);
    pairs("INSERT INTO main." + sql_name(rtree + "_parent") + " (nodeno, parentnode) VALUES (?, ?)", done.parent);
    for (const auto& t : triggers) db.exec(t);
    db.exec("INSERT INTO main.gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
            "SELECT table_name, column_name, extension_name, definition, scope FROM ruralnet_rtree.gpkg_extensions "
            "WHERE extension_name = 'gpkg_rtree_index' AND table_name = " + sql_text(l.table));
  }
  db.exec("COMMIT");
  db.exec("DETACH DATABASE ruralnet_rtree");
  db.close();
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
    std::size_t rtree = kNone;  // its entry in rtrees (gpkg_fast)
    std::size_t table = kNone;  // its table in rows (gpkg_direct)
    bool pending = false;       // not yet created (gpkg_direct)
  };
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<Layer> layers;
  bool bulk_rtree = false;             // R-trees packed at close (gpkg_fast)
  std::vector<IndexedLayer> rtrees;
  // Rows straight into SQLite (gpkg_direct): GDAL creates each layer and
  // closes the file, then only `rows` writes to it until close().
  std::unique_ptr<detail::GpkgRowWriter> rows;
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

  void create_layer(Layer& L);
  // Has GDAL create these (pending) layers, then hands them to `rows`.
  void materialize(const std::vector<std::size_t>& which);

  // The GeoPackage reopened to add a layer (gpkg_direct).
  GDALDataset* reopen() {
    const std::string old = CPLGetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", "");
    CPLSetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", "OFF");
    const char* const drivers[] = {"GPKG", nullptr};
    auto* ds = static_cast<GDALDataset*>(
        GDALOpenEx(path.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, nullptr, nullptr));
    CPLSetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", old.empty() ? nullptr : old.c_str());
    if (!ds) throw RunError("cannot reopen '" + path.string() + "' to add a layer" + last_gdal_error());
    return ds;
  }
  void close_shared() {
    CPLErrorReset();
    shared.reset();
    if (CPLGetLastErrorType() == CE_Failure)
      throw RunError("cannot finish writing '" + path.string() + "'" + last_gdal_error());
  }

  GDALDataset* create(const fs::path& p) {
    // The file is a temporary that is renamed into place only when complete,
    // so SQLite's sync on every commit buys nothing: a crash loses the
    // temporary either way. Without it, big GeoPackages write several times faster.
    const bool sqlite = format.driver == "GPKG" || format.driver == "SQLite";
    const std::string old = CPLGetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", "");
    if (sqlite) CPLSetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", "OFF");
    // 64 KiB pages instead of SQLite's 4 KiB: a service area's geometry (some
    // 12 KB) then sits in one page instead of a chain of overflow pages. On
    // coverage.gpkg the write takes a fifth less time and the file is 3%
    // smaller (a small file grows by up to 2 MB: one page per table). The
    // R-tree nodes are the same (SQLite caps them at 51 entries either way).
    const bool pages = format.driver == "GPKG" && options.gpkg_fast;
    const std::string old_pragma = CPLGetThreadLocalConfigOption("OGR_SQLITE_PRAGMA", "");
    if (pages) {
      const std::string global = CPLGetConfigOption("OGR_SQLITE_PRAGMA", "");
      const std::string pragma = (global.empty() ? "" : global + ",") + "page_size=65536";
      CPLSetThreadLocalConfigOption("OGR_SQLITE_PRAGMA", pragma.c_str());
    }
    GDALDataset* ds = driver->Create(p.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    if (sqlite) CPLSetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", old.empty() ? nullptr : old.c_str());
    if (pages) CPLSetThreadLocalConfigOption("OGR_SQLITE_PRAGMA", old_pragma.empty() ? nullptr : old_pragma.c_str());
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
    m.bulk_rtree = format.driver == "GPKG" && options.gpkg_fast && options.spatial_index;
    if (format.driver == "GPKG" && options.gpkg_fast && options.gpkg_direct)
      m.rows = std::make_unique<detail::GpkgRowWriter>(path, options.batch_size);
  }
}

VectorWriter::~VectorWriter() {
  if (impl_ && !impl_->closed) {
    // Abandoned (an exception is on its way): close quietly, write_atomic
    // removes the temporary.
    CPLPushErrorHandler(CPLQuietErrorHandler);
    impl_->rows.reset();
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
  // Drivers may rename fields (Shapefile: 10 characters); find each by position.
  for (std::size_t i = 0; i < schema.fields.size(); ++i) L.field_index.push_back(static_cast<int>(i));
  if (m.rows) {
    // Created at its first feature or at close, as GDAL creates a
    // GeoPackage table, so tables and metadata rows come in GDAL's order.
    L.pending = true;
    m.layers.push_back(std::move(L));
    return m.layers.size() - 1;
  }
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
  m.create_layer(L);
  m.layers.push_back(std::move(L));
  return m.layers.size() - 1;
}

void VectorWriter::Impl::create_layer(Layer& L) {
  const LayerSchema& schema = L.schema;
  CPLStringList lco;
  const std::string& drv = format.driver;
  if (drv == "ESRI Shapefile") lco.SetNameValue("ENCODING", "UTF-8");
  if (drv == "CSV" && schema.geometry != GeometryType::none) lco.SetNameValue("GEOMETRY", "AS_WKT");
  if (drv == "GPKG" || drv == "FlatGeobuf")
    lco.SetNameValue("SPATIAL_INDEX", options.spatial_index && !bulk_rtree ? "YES" : "NO");
  if (drv == "GPKG") lco.SetNameValue("FID", "fid");
  if (drv == "GeoJSON") lco.SetNameValue("WRITE_NAME", "NO");
  const bool spatial = schema.geometry != GeometryType::none;
  L.layer = L.ds->CreateLayer(schema.name.c_str(), spatial ? &srs : nullptr, ogr_type(schema.geometry), lco.List());
  if (!L.layer)
    throw RunError("cannot create layer '" + schema.name + "' in '" + path.string() + "'" + last_gdal_error());
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
  if (bulk_rtree && spatial) {
    L.rtree = rtrees.size();
    rtrees.push_back({L.layer->GetName(), L.layer->GetGeometryColumn(), ogr_type(schema.geometry), {}});
  }
}

void VectorWriter::Impl::materialize(const std::vector<std::size_t>& which) {
  if (which.empty()) return;
  rows->sync();  // GDAL may open the file only when every row is in
  if (!shared) shared.reset(reopen());
  struct Made {
    std::string table, geom;
    std::vector<std::string> columns;
  };
  std::vector<Made> made;
  for (std::size_t k : which) {
    Layer& L = layers[k];
    L.ds = shared.get();
    create_layer(L);
    Made d{L.layer->GetName(), L.schema.geometry != GeometryType::none ? L.layer->GetGeometryColumn() : "", {}};
    for (int i = 0; i < L.defn->GetFieldCount(); ++i) d.columns.push_back(L.defn->GetFieldDefn(i)->GetNameRef());
    if (d.columns.size() != L.schema.fields.size())
      throw RunError("internal: layer '" + L.schema.name + "' has " + std::to_string(d.columns.size()) +
                     " fields for " + std::to_string(L.schema.fields.size()));
    L.layer = nullptr;
    L.defn = nullptr;
    L.ds = nullptr;
    made.push_back(std::move(d));
  }
  // GDAL writes the tables, their metadata rows and triggers as it closes the
  // file; the rows go in through our own statements from then on.
  close_shared();
  for (std::size_t i = 0; i < which.size(); ++i) {
    Layer& L = layers[which[i]];
    L.table = rows->add_table(L.schema, made[i].table, made[i].geom, made[i].columns);
    L.pending = false;
  }
}

void VectorWriter::write(std::size_t layer, const Feature& f) { write(layer, geometry_ref(f.geometry), f.values); }

void VectorWriter::write(std::size_t layer, const GeometryRef& geometry, const std::vector<FieldValue>& values) {
  Impl& m = *impl_;
  if (m.closed || layer >= m.layers.size()) throw RunError("internal: write to a closed writer or unknown layer");
  Impl::Layer& L = m.layers[layer];
  if (values.size() != L.schema.fields.size())
    throw RunError("internal: feature of layer '" + L.schema.name + "' has " + std::to_string(values.size()) +
                   " values for " + std::to_string(L.schema.fields.size()) + " fields");
  if (L.pending) m.materialize({layer});
  if (L.table != Impl::kNone) {
    m.rows->write(L.table, geometry, values);
    ++m.written;
    return;
  }
  m.begin();
  if (!L.feature) L.feature = std::make_unique<OGRFeature>(L.defn);
  OGRFeature& feat = *L.feature;
  feat.SetFID(OGRNullFID);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const int idx = L.field_index[i];
    const FieldValue& v = values[i];
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
  if (L.schema.geometry != GeometryType::none) set_geometry(feat, geometry, L.schema.geometry);
  if (L.layer->CreateFeature(&feat) != OGRERR_NONE)
    throw RunError("cannot write a feature of layer '" + L.schema.name + "' to '" + m.path.string() + "'" +
                   last_gdal_error());
  if (L.rtree != Impl::kNone) {
    // The envelope GDAL itself would index: none for a null or empty geometry.
    const OGRGeometry* g = feat.GetGeometryRef();
    if (g && !g->IsEmpty()) {
      OGREnvelope e;
      g->getEnvelope(&e);
      m.rtrees[L.rtree].cells.push_back(
          Cell{feat.GetFID(), round_down(e.MinX), round_up(e.MaxX), round_down(e.MinY), round_up(e.MaxY)});
    }
  }
  ++m.written;
  if (m.transaction_open && ++m.in_transaction >= m.options.batch_size) m.commit();
}

std::uint64_t VectorWriter::features_written() const { return impl_->written; }

void VectorWriter::close() {
  Impl& m = *impl_;
  if (m.closed) return;
  m.commit();
  if (m.rows) {
    std::vector<std::size_t> pending;
    for (std::size_t k = 0; k < m.layers.size(); ++k)
      if (m.layers[k].pending) pending.push_back(k);
    m.materialize(pending);
    m.rows->finish();
    for (auto& L : m.layers)
      if (L.table != Impl::kNone && L.rtree != Impl::kNone) m.rtrees[L.rtree].cells = std::move(m.rows->cells(L.table));
    m.rows.reset();
  }
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
  if (m.bulk_rtree && !m.rtrees.empty()) {
    write_rtrees(m.path, m.rtrees);
    m.rtrees.clear();
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
