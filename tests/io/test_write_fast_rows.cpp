// GeoPackage rows inserted straight into SQLite (WriteOptions::gpkg_direct)
// against GDAL's own writing: geometry blobs byte for byte, every row of every
// table, and the metadata GDAL keeps for a layer (feature count, extent,
// triggers, schema).
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "ruralnet/io/write.hpp"
#include "test_write_util.hpp"

namespace fs = std::filesystem;
namespace io = ruralnet::io;
namespace rm = ruralnet::model;
using ruralnet::Date;
using ruralnet::LonLat;

namespace {

// Every row of a query as text, blobs in hex; NULL as "NULL".
std::vector<std::string> rows(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::string> out;
  if (sqlite3_open_v2(file.string().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + file.string());
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    const std::string m = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(sql + ": " + m);
  }
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      if (i) row += "|";
      switch (sqlite3_column_type(st, i)) {
        case SQLITE_NULL: row += "NULL"; break;
        case SQLITE_BLOB: {
          const auto* b = static_cast<const unsigned char*>(sqlite3_column_blob(st, i));
          static const char hex[] = "0123456789abcdef";
          row += "x'";
          for (int k = 0; k < sqlite3_column_bytes(st, i); ++k) {
            row += hex[b[k] >> 4];
            row += hex[b[k] & 15];
          }
          row += "'";
          break;
        }
        case SQLITE_FLOAT: {
          char buf[40];
          std::snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(st, i));
          row += buf;
          break;
        }
        default: row += reinterpret_cast<const char*>(sqlite3_column_text(st, i)); break;
      }
    }
    out.push_back(row);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

rm::Ring ring(double cx, double cy, double r, int n) { return ruralnet::testing::regular_ring(cx, cy, r, n); }

class WriteFastRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = ruralnet::testing::fresh_test_dir("write-fast-rows");
  }
  void TearDown() override { fs::remove_all(dir); }

  // Writes `layers` three ways: GDAL's plain path, rows through OGR with the
  // packed R-tree, rows straight into SQLite.
  void write_all(const std::vector<io::LayerData>& layers) {
    io::WriteOptions o;
    o.gpkg_fast = false;
    io::write_layers(plain(), layers, o, false);
    o.gpkg_fast = true;
    o.gpkg_direct = false;
    io::write_layers(ogr(), layers, o, false);
    o.gpkg_direct = true;
    io::write_layers(direct(), layers, o, false);
  }
  fs::path plain() const { return dir / "plain.gpkg"; }
  fs::path ogr() const { return dir / "ogr.gpkg"; }
  fs::path direct() const { return dir / "direct.gpkg"; }
  fs::path dir;
};

// Geometries of every kind the writer takes, with the layer type each goes
// into: empty ones, holes, empty parts and rings, single parts into multi
// layers.
struct Case {
  const char* name;
  io::GeometryType type;
  io::Geometry geometry;
};

std::vector<Case> cases() {
  const rm::Polygon holed{{ring(116.3, 31.7, 0.05, 17), ring(116.31, 31.7, 0.01, 5)}};
  const rm::Polygon square{{{{116, 31}, {116.1, 31}, {116.1, 31.1}, {116, 31.1}, {116, 31}}}};
  return {
      {"point", io::GeometryType::point, LonLat{116.5, 31.75}},
      {"point_negative", io::GeometryType::point, LonLat{-0.0, -12.25}},
      {"line", io::GeometryType::linestring, rm::LineString{{116, 31}, {116.2, 31.3}, {116.1, 31.05}}},
      {"line_empty", io::GeometryType::linestring, rm::LineString{}},
      {"line_in_multi", io::GeometryType::multilinestring, rm::LineString{{116, 31}, {116.2, 31.3}}},
      {"multiline", io::GeometryType::multilinestring,
       rm::MultiLineString{{{116, 31}, {116.2, 31.3}}, {}, {{117, 30}, {116.9, 32}}}},
      {"multiline_empty", io::GeometryType::multilinestring, rm::MultiLineString{}},
      {"polygon", io::GeometryType::polygon, holed},
      {"polygon_empty", io::GeometryType::polygon, rm::Polygon{}},
      {"polygon_empty_ring", io::GeometryType::polygon, rm::Polygon{{rm::Ring{}}}},
      {"polygon_in_multi", io::GeometryType::multipolygon, square},
      {"multipolygon", io::GeometryType::multipolygon,
       rm::MultiPolygon{holed, rm::Polygon{}, square, rm::Polygon{{ring(118, 33, 0.2, 40), ring(118, 33, 0.1, 8),
                                                                   ring(118.1, 33, 0.05, 6)}}}},
      {"multipolygon_empty", io::GeometryType::multipolygon, rm::MultiPolygon{}},
      {"multipolygon_empty_part", io::GeometryType::multipolygon, rm::MultiPolygon{rm::Polygon{}}},
  };
}

}  // namespace

TEST_F(WriteFastRowsTest, BlobsAreGdals) {
  // Each geometry into a layer of its own through GDAL's own writing; then
  // its stored blob against the encoder's, for the layer's SRS.
  std::vector<io::LayerData> layers;
  for (const auto& c : cases())
    layers.push_back({{c.name, c.type, {}}, {{c.geometry, {}}, {std::monostate{}, {}}}});
  io::WriteOptions o;
  o.gpkg_fast = false;
  io::write_layers(plain(), layers, o, false);
  for (const auto& c : cases()) {
    const auto stored = rows(plain(), std::string("SELECT geom FROM ") + c.name + " ORDER BY fid");
    ASSERT_EQ(stored.size(), 2u) << c.name;
    const auto srs = rows(plain(), std::string("SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = '") +
                                       c.name + "'");
    ASSERT_EQ(srs, std::vector<std::string>{"4490"});
    const std::string blob = io::gpkg_geometry_blob(io::geometry_ref(c.geometry), c.type, 4490);
    std::string hex = "x'";
    for (unsigned char b : blob) {
      static const char digits[] = "0123456789abcdef";
      hex += digits[b >> 4];
      hex += digits[b & 15];
    }
    hex += "'";
    EXPECT_EQ(stored[0], hex) << c.name;
    EXPECT_EQ(stored[1], "NULL") << c.name;  // a null geometry stays NULL
  }
  EXPECT_TRUE(io::gpkg_geometry_blob(io::GeometryRef{}, io::GeometryType::point, 4490).empty());
}

TEST_F(WriteFastRowsTest, GeometriesAsGdalWritesThem) {
  // The same cases through the three paths: blobs, extents, R-tree entries.
  std::vector<io::LayerData> layers;
  for (const auto& c : cases()) {
    io::LayerData l{{c.name, c.type, {{"k", io::FieldType::integer}}}, {}};
    for (int i = 0; i < 3; ++i) l.features.push_back({i == 1 ? io::Geometry{} : c.geometry, {std::int64_t{i}}});
    layers.push_back(std::move(l));
  }
  write_all(layers);
  for (const auto& c : cases()) {
    const std::string t = c.name;
    for (const auto& sql : {"SELECT * FROM " + t + " ORDER BY fid", "SELECT * FROM rtree_" + t + "_geom ORDER BY id",
                            "SELECT * FROM rtree_" + t + "_geom_rowid ORDER BY rowid"}) {
      EXPECT_EQ(rows(plain(), sql), rows(direct(), sql)) << sql;
      EXPECT_EQ(rows(ogr(), sql), rows(direct(), sql)) << sql;
    }
  }
  const std::string contents =
      "SELECT table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id FROM gpkg_contents "
      "ORDER BY table_name";
  EXPECT_EQ(rows(plain(), contents), rows(direct(), contents));
  EXPECT_EQ(rows(plain(), "SELECT * FROM gpkg_ogr_contents ORDER BY table_name"),
            rows(direct(), "SELECT * FROM gpkg_ogr_contents ORDER BY table_name"));
}

TEST_F(WriteFastRowsTest, EveryFieldTypeAndTableAsGdalWritesThem) {
  const std::vector<io::FieldDef> fields = {{"name", io::FieldType::text},     {"n", io::FieldType::integer},
                                            {"x", io::FieldType::real},        {"day", io::FieldType::date},
                                            {"ok", io::FieldType::boolean},    {"name_as_n", io::FieldType::integer},
                                            {"n_as_text", io::FieldType::text}, {"x_as_n", io::FieldType::integer},
                                            {"n_as_x", io::FieldType::real},   {"day_as_text", io::FieldType::text}};
  io::LayerData pts{{"villages", io::GeometryType::point, fields}, {}};
  const std::vector<std::string> names = {"金寨县 花石乡", "", "O'Brien \"x\"", "六安市,裕安区\n第二行", "plain"};
  for (int i = 0; i < 40; ++i) {
    io::Feature f;
    if (i % 7 != 3) f.geometry = LonLat{115.5 + 0.01 * i, 31.0 + 0.013 * (i % 11)};
    const bool null = i % 5 == 4;
    f.values = {null ? io::FieldValue{} : io::FieldValue{names[static_cast<std::size_t>(i) % names.size()]},
                null ? io::FieldValue{} : io::FieldValue{std::int64_t{i} * 1000000007LL - 20},
                null ? io::FieldValue{} : io::FieldValue{i * 0.1 - 1.0 / 3.0},
                null ? io::FieldValue{} : io::FieldValue{Date(2018 + i % 3, 1 + i % 12, 1 + i % 28)},
                io::FieldValue{std::int64_t{i % 3}},  // 2 is kept as 1
                io::FieldValue{std::string(i % 2 ? "42" : "x")},
                io::FieldValue{std::int64_t{-i}},
                io::FieldValue{i * 1.75},
                io::FieldValue{std::int64_t{i}},
                io::FieldValue{Date(2020, 2, 29)}};
    pts.features.push_back(std::move(f));
  }
  io::LayerData table{{"quota", io::GeometryType::none, {{"county", io::FieldType::text}, {"target", io::FieldType::real}}},
                      {{{}, {std::string("341502"), 0.95}}, {{}, {std::string("341503"), io::FieldValue{}}}}};
  io::LayerData bare{{"bare", io::GeometryType::none, {}}, {{{}, {}}, {{}, {}}}};
  io::LayerData empty{{"empty", io::GeometryType::linestring, {{"id", io::FieldType::text}}}, {}};
  write_all({pts, table, bare, empty});

  for (const char* t : {"villages", "quota", "bare", "empty"}) {
    const std::string sql = std::string("SELECT * FROM ") + t + " ORDER BY 1";
    EXPECT_EQ(rows(plain(), sql), rows(direct(), sql)) << t;
  }
  // The schema (tables, columns, triggers, indexes), metadata and index.
  const std::string schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name";
  EXPECT_EQ(rows(plain(), schema), rows(direct(), schema));
  for (const std::string sql :
       {"SELECT table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id FROM gpkg_contents "
        "ORDER BY table_name",
        "SELECT * FROM gpkg_ogr_contents ORDER BY table_name", "SELECT * FROM gpkg_geometry_columns ORDER BY 1",
        "SELECT * FROM gpkg_extensions ORDER BY 1", "SELECT * FROM sqlite_sequence ORDER BY 1",
        "SELECT * FROM rtree_villages_geom ORDER BY id",
        // Tables and their metadata rows in GDAL's order: a table is created
        // at its first feature, an empty one at close.
        "SELECT table_name FROM gpkg_contents", "SELECT table_name FROM gpkg_ogr_contents",
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'rtree%' AND name <> 'gpkg_extensions'"})
    EXPECT_EQ(rows(plain(), sql), rows(direct(), sql)) << sql;
  EXPECT_EQ(rows(direct(), "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'villages'"),
            std::vector<std::string>{"40"});
  EXPECT_EQ(rows(direct(), "SELECT COUNT(*) FROM rtree_villages_geom"), std::vector<std::string>{"34"});
  EXPECT_EQ(rows(direct(), "SELECT rtreecheck('rtree_villages_geom')"), std::vector<std::string>{"ok"});
  EXPECT_EQ(rows(direct(), "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  // The last change is stamped as GDAL stamps it.
  const auto stamp = rows(direct(), "SELECT last_change FROM gpkg_contents WHERE table_name = 'villages'");
  ASSERT_EQ(stamp.size(), 1u);
  EXPECT_EQ(stamp[0].size(), std::string("2026-01-01T00:00:00.000Z").size());
  EXPECT_EQ(stamp[0].back(), 'Z');

  // GDAL reads it back as it wrote it, and keeps counting on later edits.
  {
    GDALDatasetUniquePtr ds(GDALDataset::Open(direct().string().c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
    ASSERT_TRUE(ds);
    OGRLayer* l = ds->GetLayerByName("villages");
    ASSERT_TRUE(l);
    EXPECT_EQ(l->GetFeatureCount(), 40);
    OGRFeatureUniquePtr f(l->GetFeature(1));
    ASSERT_TRUE(f);
    EXPECT_STREQ(f->GetFieldAsString("name"), "金寨县 花石乡");
    EXPECT_STREQ(f->GetFieldAsString("day"), "2018/01/01");
    OGRFeature add(l->GetLayerDefn());
    OGRPoint p(116.0, 31.5);
    add.SetGeometry(&p);
    ASSERT_EQ(l->CreateFeature(&add), OGRERR_NONE);
  }
  EXPECT_EQ(rows(direct(), "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'villages'"),
            std::vector<std::string>{"41"});
  EXPECT_EQ(rows(direct(), "SELECT rtreecheck('rtree_villages_geom')"), std::vector<std::string>{"ok"});
}

TEST_F(WriteFastRowsTest, LayersInterleavedAndManyBatches) {
  // Features of two layers alternating, a layer added after the first rows,
  // more rows than a batch: the same file as GDAL's.
  io::WriteOptions o;
  o.batch_size = 7;
  const auto fill = [](io::VectorWriter& w) {
    const std::size_t a = w.add_layer({"a", io::GeometryType::point, {{"i", io::FieldType::integer}}});
    for (int i = 0; i < 10; ++i) w.write(a, io::Feature{LonLat{116 + 0.01 * i, 31}, {std::int64_t{i}}});
    const std::size_t b = w.add_layer({"b", io::GeometryType::multilinestring, {{"s", io::FieldType::text}}});
    for (int i = 0; i < 30; ++i) {
      w.write(a, io::Feature{LonLat{116, 31 + 0.01 * i}, {std::int64_t{100 + i}}});
      const rm::LineString line{{116, 31}, {116 + 0.001 * i, 31.5}};
      w.write(b, io::geometry_ref(io::Geometry{line}), {std::string("line ") + std::to_string(i)});
    }
  };
  o.gpkg_fast = false;
  io::write_vector(plain(), o, false, fill);
  o.gpkg_fast = true;
  io::write_vector(direct(), o, false, fill);
  for (const std::string sql :
       {"SELECT * FROM a ORDER BY fid", "SELECT * FROM b ORDER BY fid", "SELECT * FROM gpkg_ogr_contents ORDER BY 1",
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name",
        "SELECT * FROM rtree_a_geom ORDER BY id", "SELECT * FROM rtree_b_geom ORDER BY id"})
    EXPECT_EQ(rows(plain(), sql), rows(direct(), sql)) << sql;
  EXPECT_EQ(rows(direct(), "SELECT COUNT(*) FROM a"), std::vector<std::string>{"40"});
}

TEST_F(WriteFastRowsTest, NothingLeftWhenTheCallerFails) {
  const fs::path target = dir / "out" / "x.gpkg";
  fs::create_directories(target.parent_path());
  EXPECT_THROW(io::write_vector(target, io::WriteOptions{}, false,
                                [](io::VectorWriter& w) {
                                  const std::size_t a = w.add_layer({"a", io::GeometryType::point, {}});
                                  for (int i = 0; i < 100000; ++i) w.write(a, io::Feature{LonLat{116, 31}, {}});
                                  throw std::runtime_error("stop");
                                }),
               std::runtime_error);
  EXPECT_TRUE(fs::is_empty(target.parent_path()));
}
