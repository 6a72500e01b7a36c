// GeoPackage rows straight into SQLite; see gpkg_rows.hpp and docs/coverage.md
// ("Writing the GeoPackage").
#include "gpkg_rows.hpp"
#include "sqlite_util.hpp"

#include <cpl_conv.h>
#include <ogr_feature.h>
#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "ruralnet/core/error.hpp"

namespace ruralnet::io {

namespace detail {

float round_down(double d) {
  float f = static_cast<float>(d);
  if (static_cast<double>(f) > d) f = static_cast<float>(d * (d < 0 ? 1.0 + 1.0 / 8388608.0 : 1.0 - 1.0 / 8388608.0));
  return f;
}
float round_up(double d) {
  float f = static_cast<float>(d);
  if (static_cast<double>(f) < d) f = static_cast<float>(d * (d < 0 ? 1.0 - 1.0 / 8388608.0 : 1.0 + 1.0 / 8388608.0));
  return f;
}

namespace {

// --- geometry blobs ---------------------------------------------------------
//
// GDAL (GPkgGeometryFromOGR) writes the header in the machine's byte order,
// flagged as such, then ISO WKB in the same order. The envelopes follow
// OGRGeometry::getEnvelope: a curve's by strict comparisons from its first
// point; a polygon's or collection's by OGREnvelope::Merge (std::min and
// std::max from an infinite start) over its non-empty parts.

constexpr std::uint8_t kOrder = std::endian::native == std::endian::little ? 1 : 0;
constexpr std::uint32_t kWkbPoint = 1, kWkbLineString = 2, kWkbPolygon = 3, kWkbMultiLineString = 5,
                        kWkbMultiPolygon = 6;
constexpr double kInf = std::numeric_limits<double>::infinity();

bool curve_envelope(const std::vector<LonLat>& pts, Envelope& e) {
  if (pts.empty()) return false;
  double minx = pts[0].lon, maxx = minx, miny = pts[0].lat, maxy = miny;
  for (std::size_t i = 1; i < pts.size(); ++i) {
    const double x = pts[i].lon, y = pts[i].lat;
    if (maxx < x) maxx = x;
    if (maxy < y) maxy = y;
    if (minx > x) minx = x;
    if (miny > y) miny = y;
  }
  e = {minx, maxx, miny, maxy};
  return true;
}

void merge(Envelope& a, const Envelope& b) {
  a.minx = std::min(a.minx, b.minx);
  a.maxx = std::max(a.maxx, b.maxx);
  a.miny = std::min(a.miny, b.miny);
  a.maxy = std::max(a.maxy, b.maxy);
}

bool polygon_envelope(const model::Polygon& p, Envelope& e) {
  Envelope acc{kInf, -kInf, kInf, -kInf}, part{};
  bool any = false;
  for (const auto& r : p.rings)
    if (curve_envelope(r, part)) {
      merge(acc, part);
      any = true;
    }
  if (any) e = acc;
  return any;
}

template <class Parts, class PartEnvelope>
bool collection_envelope(const Parts& parts, PartEnvelope part_envelope, Envelope& e) {
  Envelope acc{kInf, -kInf, kInf, -kInf}, part{};
  bool any = false;
  for (const auto& p : parts)
    if (part_envelope(p, part)) {
      merge(acc, part);
      any = true;
    }
  if (any) e = acc;
  return any;
}

std::size_t line_size(const std::vector<LonLat>& l) { return 9 + 16 * l.size(); }
std::size_t polygon_size(const model::Polygon& p) {
  std::size_t n = 9;
  for (const auto& r : p.rings) n += 4 + 16 * r.size();
  return n;
}

struct Out {
  char* p;
  void u8(std::uint8_t v) { *p++ = static_cast<char>(v); }
  void u32(std::uint32_t v) {
    std::memcpy(p, &v, 4);
    p += 4;
  }
  void f64(double v) {
    std::memcpy(p, &v, 8);
    p += 8;
  }
  void head(std::uint32_t type) {
    u8(kOrder);
    u32(type);
  }
  void points(const std::vector<LonLat>& pts) {
    // LonLat is {lon, lat}: the WKB point order, one memcpy.
    static_assert(sizeof(LonLat) == 16);
    u32(static_cast<std::uint32_t>(pts.size()));
    if (!pts.empty()) std::memcpy(p, pts.data(), 16 * pts.size());
    p += 16 * pts.size();
  }
  void line(const std::vector<LonLat>& l) {
    head(kWkbLineString);
    points(l);
  }
  void polygon(const model::Polygon& poly) {
    head(kWkbPolygon);
    u32(static_cast<std::uint32_t>(poly.rings.size()));
    for (const auto& r : poly.rings) points(r);
  }
};

}  // namespace

bool append_gpkg_blob(std::string& out, const GeometryRef& g, GeometryType target, std::int32_t srs_id, Envelope& env,
                      bool& has_env) {
  if (std::holds_alternative<std::monostate>(g)) {
    has_env = false;
    return false;
  }
  // Single parts into a multi layer become one-part multis, as the OGR path
  // (OGRGeometryFactory::forceToMulti*) makes them.
  const auto* line = std::get_if<const model::LineString*>(&g);
  const auto* poly = std::get_if<const model::Polygon*>(&g);
  const bool line_to_multi = line && target == GeometryType::multilinestring;
  const bool poly_to_multi = poly && target == GeometryType::multipolygon;

  bool point = false;
  std::size_t wkb = 0;
  if (const auto* p = std::get_if<LonLat>(&g)) {
    point = true;
    wkb = 21;
    env = {p->lon, p->lon, p->lat, p->lat};
    has_env = true;
  } else if (line) {
    wkb = line_size(**line) + (line_to_multi ? 9 : 0);
    has_env = curve_envelope(**line, env);
  } else if (const auto* ml = std::get_if<const model::MultiLineString*>(&g)) {
    wkb = 9;
    for (const auto& l : **ml) wkb += line_size(l);
    has_env = collection_envelope(**ml, curve_envelope, env);
  } else if (poly) {
    wkb = polygon_size(**poly) + (poly_to_multi ? 9 : 0);
    has_env = polygon_envelope(**poly, env);
  } else if (const auto* mp = std::get_if<const model::MultiPolygon*>(&g)) {
    wkb = 9;
    for (const auto& part : **mp) wkb += polygon_size(part);
    has_env = collection_envelope(**mp, polygon_envelope, env);
  }
  // A point is never empty here (LonLat has no empty state).
  const bool empty = !has_env;
  const bool header_env = !point && !empty;
  const std::size_t header = 8 + (header_env ? 32 : 0);
  const std::size_t at = out.size();
  out.resize(at + header + wkb);
  Out o{out.data() + at};
  o.u8('G');
  o.u8('P');
  o.u8(0);  // version 1
  std::uint8_t flags = kOrder;
  if (!point) flags |= 1 << 1;  // envelope: minx, maxx, miny, maxy
  if (empty) flags = static_cast<std::uint8_t>((flags | 1 << 4) & ~(0x7 << 1));
  o.u8(flags);
  o.u32(static_cast<std::uint32_t>(srs_id));
  if (header_env) {
    o.f64(env.minx);
    o.f64(env.maxx);
    o.f64(env.miny);
    o.f64(env.maxy);
  }
  if (const auto* p = std::get_if<LonLat>(&g)) {
    o.head(kWkbPoint);
    o.f64(p->lon);
    o.f64(p->lat);
  } else if (line) {
    if (line_to_multi) {
      o.head(kWkbMultiLineString);
      o.u32(1);
    }
    o.line(**line);
  } else if (const auto* ml = std::get_if<const model::MultiLineString*>(&g)) {
    o.head(kWkbMultiLineString);
    o.u32(static_cast<std::uint32_t>((*ml)->size()));
    for (const auto& l : **ml) o.line(l);
  } else if (poly) {
    if (poly_to_multi) {
      o.head(kWkbMultiPolygon);
      o.u32(1);
    }
    o.polygon(**poly);
  } else if (const auto* mp = std::get_if<const model::MultiPolygon*>(&g)) {
    o.head(kWkbMultiPolygon);
    o.u32(static_cast<std::uint32_t>((*mp)->size()));
    for (const auto& part : **mp) o.polygon(part);
  }
  return true;
}

// --- the row writer ---------------------------------------------------------
//
// A row travels from the encoding thread to the inserting one as bytes in a
// chunk: table (u32), blob length (u32, kNullBlob for none), the blob, the
// envelope flag (u8) and envelope (4 doubles), then per field a tag and its
// value (int64, double, or u32 length and UTF-8 bytes). The inserting thread
// binds the bytes where they lie (SQLITE_STATIC).

namespace {

constexpr std::uint32_t kNullBlob = 0xffffffffu;
constexpr std::size_t kChunkBytes = std::size_t{4} << 20;
constexpr std::size_t kChunksInFlight = 4;
enum Tag : std::uint8_t { kNull, kInteger, kReal, kText };

void put(std::string& b, const void* v, std::size_t n) { b.append(static_cast<const char*>(v), n); }
void put_u32(std::string& b, std::uint32_t v) { put(b, &v, 4); }
void put_tag(std::string& b, Tag t) { b.push_back(static_cast<char>(t)); }
void put_integer(std::string& b, std::int64_t v) {
  put_tag(b, kInteger);
  put(b, &v, 8);
}
void put_real(std::string& b, double v) {
  put_tag(b, kReal);
  put(b, &v, 8);
}
void put_text(std::string& b, const char* s, std::size_t n) {
  put_tag(b, kText);
  put_u32(b, static_cast<std::uint32_t>(n));
  put(b, s, n);
}

template <class T>
T take(const char*& p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  p += sizeof v;
  return v;
}

OGRFieldType ogr_field_type(FieldType t) {
  switch (t) {
    case FieldType::text: return OFTString;
    case FieldType::integer: return OFTInteger64;
    case FieldType::real: return OFTReal;
    case FieldType::date: return OFTDate;
    case FieldType::boolean: return OFTInteger;
  }
  return OFTString;
}

}  // namespace

struct GpkgRowWriter::Chunk {
  std::string bytes;
  bool commit_after = false;
};

struct GpkgRowWriter::Table {
  std::string name;
  LayerSchema schema;
  bool has_geom = false;
  std::int32_t srs = 0;
  sqlite3_stmt* stmt = nullptr;
  std::vector<std::string> triggers;  // held back until finish()
  // A value that is not of its field's own type goes through an OGR feature
  // of the same field types, so it is converted as the OGR path converts it.
  OGRFeatureDefn* defn = nullptr;
  std::unique_ptr<OGRFeature> scratch;
  // Kept by the inserting thread.
  std::uint64_t rows = 0;
  bool has_extent = false;
  Envelope extent{};
  std::vector<Cell> cells;

  ~Table() {
    scratch.reset();
    if (defn) defn->Release();
    if (stmt) sqlite3_finalize(stmt);
  }
};

GpkgRowWriter::GpkgRowWriter(const std::filesystem::path& path, std::size_t batch_size)
    : path_(path), batch_size_(std::max<std::size_t>(batch_size, 1)) {}

GpkgRowWriter::~GpkgRowWriter() {
  if (worker_.joinable()) {
    {
      std::lock_guard lk(mu_);
      stop_ = true;
      if (error_.empty()) error_ = "abandoned";  // skip what is still queued
    }
    cv_.notify_all();
    worker_.join();
  }
  tables_.clear();  // finalizes the statements
  if (db_) {
    if (in_transaction_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close_v2(db_);
  }
}

std::string GpkgRowWriter::error_message() const {
  const char* m = db_ ? sqlite3_errmsg(db_) : nullptr;
  return m ? std::string(": ") + m : std::string();
}

void GpkgRowWriter::exec(const std::string& sql) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    throw RunError("cannot write '" + path_.string() + "'" + error_message());
}

void GpkgRowWriter::begin() {
  if (in_transaction_) return;
  exec("BEGIN");
  in_transaction_ = true;
  in_batch_ = 0;
}

void GpkgRowWriter::commit() {
  if (!in_transaction_) return;
  in_transaction_ = false;
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    throw RunError("cannot write '" + path_.string() + "' (disk full?)" + error_message());
}

std::size_t GpkgRowWriter::add_table(const LayerSchema& schema, const std::string& table,
                                     const std::string& geom_column, const std::vector<std::string>& columns) {
  sync();  // the inserting thread is idle from here to the next write
  if (!db_) db_ = open_for_writing(path_, "write its features");
  auto t = std::make_unique<Table>();
  t->name = table;
  t->schema = schema;
  t->has_geom = !geom_column.empty();
  const auto query = [&](const std::string& sql, const std::vector<std::string>& args, auto&& row) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw RunError("cannot read the layers of '" + path_.string() + "'" + error_message());
    for (std::size_t i = 0; i < args.size(); ++i)
      sqlite3_bind_text(st, static_cast<int>(i + 1), args[i].c_str(), -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) throw RunError("cannot read the layers of '" + path_.string() + "'" + error_message());
  };
  if (t->has_geom)
    query("SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = ?", {table},
          [&](sqlite3_stmt* st) { t->srs = sqlite3_column_int(st, 0); });
  // GDAL's triggers that count features one by one: GDAL drops them while it
  // writes and puts them back with the count at close; so does this writer.
  std::vector<std::string> names;
  query("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name IN (?, ?) ORDER BY rowid",
        {table, "trigger_insert_feature_count_" + table, "trigger_delete_feature_count_" + table},
        [&](sqlite3_stmt* st) {
          names.push_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
          t->triggers.push_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
        });
  for (const auto& n : names) exec("DROP TRIGGER " + sql_name(n));

  std::string cols, params;
  const auto add = [&](const std::string& c) {
    cols += (cols.empty() ? "" : ", ") + sql_name(c);
    params += params.empty() ? "?" : ", ?";
  };
  if (t->has_geom) add(geom_column);
  for (const auto& c : columns) add(c);
  const std::string sql = cols.empty() ? "INSERT INTO " + sql_name(table) + " DEFAULT VALUES"
                                       : "INSERT INTO " + sql_name(table) + " (" + cols + ") VALUES (" + params + ")";
  if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &t->stmt, nullptr) != SQLITE_OK)
    throw RunError("cannot write layer '" + table + "' of '" + path_.string() + "'" + error_message());

  t->defn = new OGRFeatureDefn(table.c_str());
  t->defn->Reference();
  t->defn->SetGeomType(wkbNone);
  for (const auto& f : schema.fields) {
    OGRFieldDefn def(f.name.c_str(), ogr_field_type(f.type));
    if (f.type == FieldType::boolean) def.SetSubType(OFSTBoolean);
    t->defn->AddFieldDefn(&def);
  }
  t->scratch = std::make_unique<OGRFeature>(t->defn);

  tables_.push_back(std::move(t));
  if (!worker_.joinable()) worker_ = std::thread([this] { run(); });
  return tables_.size() - 1;
}

void GpkgRowWriter::write(std::size_t table, const GeometryRef& geometry, const std::vector<FieldValue>& values) {
  Table& T = *tables_[table];
  if (!filling_) {
    std::lock_guard lk(mu_);
    if (!free_.empty()) {
      filling_ = std::move(free_.back());
      free_.pop_back();
    } else {
      filling_ = std::make_unique<Chunk>();
      filling_->bytes.reserve(kChunkBytes + (kChunkBytes >> 2));
    }
  }
  std::string& b = filling_->bytes;
  put_u32(b, static_cast<std::uint32_t>(table));
  const std::size_t len_at = b.size();
  put_u32(b, kNullBlob);
  Envelope env{};
  bool has_env = false;
  if (T.has_geom) {
    const std::size_t before = b.size();
    if (append_gpkg_blob(b, geometry, T.schema.geometry, T.srs, env, has_env)) {
      const auto n = static_cast<std::uint32_t>(b.size() - before);
      std::memcpy(b.data() + len_at, &n, 4);
    }
  }
  b.push_back(has_env ? 1 : 0);
  if (has_env) put(b, &env, sizeof env);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const FieldValue& v = values[i];
    const FieldType type = T.schema.fields[i].type;
    if (std::holds_alternative<std::monostate>(v)) {
      put_tag(b, kNull);
    } else if (const auto* s = std::get_if<std::string>(&v); s && type == FieldType::text) {
      put_text(b, s->data(), s->size());
    } else if (const auto* n = std::get_if<std::int64_t>(&v); n && type == FieldType::integer) {
      put_integer(b, *n);
    } else if (n && type == FieldType::boolean) {
      put_integer(b, *n != 0 ? 1 : 0);  // OGR keeps 0 or 1 in a boolean field
    } else if (const auto* d = std::get_if<double>(&v); d && type == FieldType::real) {
      put_real(b, *d);
    } else if (const auto* dt = std::get_if<Date>(&v); dt && type == FieldType::date) {
      char iso[32];
      const int len = std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", static_cast<GInt16>(dt->year()), dt->month(), dt->day());
      put_text(b, iso, static_cast<std::size_t>(len));
    } else {
      // Another type than the field's: set and read back as OGR would.
      OGRFeature& f = *T.scratch;
      const int k = static_cast<int>(i);
      if (const auto* ss = std::get_if<std::string>(&v)) f.SetField(k, ss->c_str());
      else if (const auto* nn = std::get_if<std::int64_t>(&v)) f.SetField(k, static_cast<GIntBig>(*nn));
      else if (const auto* dd = std::get_if<double>(&v)) f.SetField(k, *dd);
      else if (const auto* tt = std::get_if<Date>(&v)) f.SetField(k, tt->year(), tt->month(), tt->day(), 0, 0, 0.0f, 0);
      switch (type) {
        case FieldType::integer:
        case FieldType::boolean: put_integer(b, f.GetFieldAsInteger64(k)); break;
        case FieldType::real: put_real(b, f.GetFieldAsDouble(k)); break;
        case FieldType::date: {
          int y = 0, mo = 0, da = 0, h = 0, mi = 0, se = 0, tz = 0;
          f.GetFieldAsDateTime(k, &y, &mo, &da, &h, &mi, &se, &tz);
          char iso[32];
          const int len = std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, mo, da);
          put_text(b, iso, static_cast<std::size_t>(len));
          break;
        }
        case FieldType::text: {
          const char* str = f.GetFieldAsString(k);
          put_text(b, str, std::strlen(str));
          break;
        }
      }
    }
  }
  if (b.size() >= kChunkBytes) push(false);
}

void GpkgRowWriter::push(bool commit_after) {
  std::unique_lock lk(mu_);
  if (!filling_) {
    if (free_.empty()) filling_ = std::make_unique<Chunk>();
    else {
      filling_ = std::move(free_.back());
      free_.pop_back();
    }
  }
  filling_->commit_after = commit_after;
  full_.push_back(std::move(filling_));
  cv_.notify_all();
  // Bounded memory: wait while the inserting thread is that far behind.
  cv_.wait(lk, [&] { return full_.size() + busy_ < kChunksInFlight || !error_.empty(); });
  if (!error_.empty()) throw RunError(error_);
}

void GpkgRowWriter::sync() {
  if (!worker_.joinable()) return;
  push(true);
  std::unique_lock lk(mu_);
  cv_.wait(lk, [&] { return (full_.empty() && busy_ == 0) || !error_.empty(); });
  if (!error_.empty()) throw RunError(error_);
}

void GpkgRowWriter::run() {
  for (;;) {
    std::unique_ptr<Chunk> c;
    bool failed = false;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return !full_.empty() || stop_; });
      if (full_.empty()) return;
      c = std::move(full_.front());
      full_.pop_front();
      ++busy_;
      failed = !error_.empty();
    }
    std::string what;
    if (!failed) {
      try {
        insert(*c);
        if (c->commit_after) commit();
      } catch (const std::exception& e) {
        what = e.what();
      }
    }
    {
      std::lock_guard lk(mu_);
      if (!what.empty() && error_.empty()) error_ = what;
      --busy_;
      c->bytes.clear();
      c->commit_after = false;
      free_.push_back(std::move(c));
    }
    cv_.notify_all();
  }
}

void GpkgRowWriter::insert(const Chunk& c) {
  const char* p = c.bytes.data();
  const char* const end = p + c.bytes.size();
  while (p < end) {
    Table& T = *tables_[take<std::uint32_t>(p)];
    const auto blob = take<std::uint32_t>(p);
    begin();
    sqlite3_stmt* st = T.stmt;
    int col = 1;
    if (T.has_geom) {
      if (blob == kNullBlob) {
        sqlite3_bind_null(st, col++);
      } else {
        sqlite3_bind_blob(st, col++, p, static_cast<int>(blob), SQLITE_STATIC);
        p += blob;
      }
    } else if (blob != kNullBlob) {
      p += blob;
    }
    const bool has_env = *p++ != 0;
    Envelope env{};
    if (has_env) env = take<Envelope>(p);
    for (std::size_t i = 0; i < T.schema.fields.size(); ++i) {
      switch (static_cast<Tag>(*p++)) {
        case kNull: sqlite3_bind_null(st, col++); break;
        case kInteger: sqlite3_bind_int64(st, col++, take<std::int64_t>(p)); break;
        case kReal: sqlite3_bind_double(st, col++, take<double>(p)); break;
        case kText: {
          const auto n = take<std::uint32_t>(p);
          sqlite3_bind_text(st, col++, p, static_cast<int>(n), SQLITE_STATIC);
          p += n;
          break;
        }
      }
    }
    const int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
      throw RunError("cannot write a feature of layer '" + T.name + "' to '" + path_.string() + "'" + error_message());
    ++T.rows;
    if (has_env) {
      // As GDAL: the layer's extent merges each non-empty envelope
      // (OGREnvelope::Merge), the R-tree gets it rounded outwards.
      if (!T.has_extent) {
        T.extent = env;
        T.has_extent = true;
      } else {
        merge(T.extent, env);
      }
      T.cells.push_back(Cell{sqlite3_last_insert_rowid(db_), round_down(env.minx), round_up(env.maxx),
                             round_down(env.miny), round_up(env.maxy)});
    }
    if (++in_batch_ >= batch_size_) commit();
  }
}

void GpkgRowWriter::finish() {
  if (worker_.joinable()) {
    sync();
    {
      std::lock_guard lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  if (!db_) return;
  commit();
  bool ogr_contents = false;
  {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT 1 FROM sqlite_master WHERE name = 'gpkg_ogr_contents'", -1, &st, nullptr) ==
        SQLITE_OK)
      ogr_contents = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
  }
  // What GDAL writes for a layer at close (SaveExtent, SaveTimestamp,
  // CreateFeatureCountTriggers), in its own SQL formatting (%.18g through
  // sqlite3_mprintf, so the stored extent is the same double).
  const char* now = CPLGetConfigOption("OGR_CURRENT_DATE", nullptr);
  begin();
  for (const auto& t : tables_) {
    if (t->rows > 0) {
      char* sql = nullptr;
      if (t->has_extent) {
        sql = sqlite3_mprintf(
            "UPDATE gpkg_contents SET min_x = %.18g, min_y = %.18g, max_x = %.18g, max_y = %.18g "
            "WHERE lower(table_name) = lower('%q') AND Lower(data_type) = 'features'",
            t->extent.minx, t->extent.miny, t->extent.maxx, t->extent.maxy, t->name.c_str());
        exec(sql);
        sqlite3_free(sql);
      }
      sql = now ? sqlite3_mprintf("UPDATE gpkg_contents SET last_change = '%q' WHERE lower(table_name) = lower('%q')",
                                  now, t->name.c_str())
                : sqlite3_mprintf(
                      "UPDATE gpkg_contents SET last_change = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','now') "
                      "WHERE lower(table_name) = lower('%q')",
                      t->name.c_str());
      exec(sql);
      sqlite3_free(sql);
      if (ogr_contents) {
        sql = sqlite3_mprintf("UPDATE gpkg_ogr_contents SET feature_count = %lld WHERE lower(table_name) = lower('%q')",
                              static_cast<long long>(t->rows), t->name.c_str());
        exec(sql);
        sqlite3_free(sql);
      }
    }
    for (const auto& trigger : t->triggers) exec(trigger);
    t->triggers.clear();
  }
  commit();
  for (auto& t : tables_) {
    sqlite3_finalize(t->stmt);
    t->stmt = nullptr;
  }
  if (sqlite3_close(db_) != SQLITE_OK) throw RunError("cannot finish writing '" + path_.string() + "'" + error_message());
  db_ = nullptr;
}

std::vector<Cell>& GpkgRowWriter::cells(std::size_t table) { return tables_[table]->cells; }

}  // namespace detail

std::string gpkg_geometry_blob(const GeometryRef& g, GeometryType target, std::int32_t srs_id) {
  std::string out;
  detail::Envelope env{};
  bool has_env = false;
  detail::append_gpkg_blob(out, g, target, srs_id, env, has_env);
  return out;
}

}  // namespace ruralnet::io
