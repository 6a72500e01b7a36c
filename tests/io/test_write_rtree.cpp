// The GeoPackage fast path (WriteOptions::gpkg_fast: R-trees packed at close
// instead of GDAL's row-by-row build) writes the same file as GDAL's own path:
// same layers, features, schema, triggers, extension rows and R-tree entries,
// an R-tree that SQLite's own check accepts, that spatial filters use, and that
// GDAL keeps up to date on later edits.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ruralnet/io/write.hpp"
#include "test_write_util.hpp"

namespace fs = std::filesystem;
namespace io = ruralnet::io;
namespace rm = ruralnet::model;
using ruralnet::LonLat;

namespace {

struct Closer {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using Ds = std::unique_ptr<GDALDataset, Closer>;

Ds open(const fs::path& p, bool update = false) {
  GDALAllRegister();
  return Ds(GDALDataset::Open(p.string().c_str(), GDAL_OF_VECTOR | (update ? GDAL_OF_UPDATE : GDAL_OF_READONLY)));
}

// Every row of a query, as text.
std::vector<std::string> rows(GDALDataset& ds, const std::string& sql) {
  std::vector<std::string> out;
  OGRLayer* r = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
  if (!r) return out;
  for (auto& f : *r) {
    std::string row;
    for (int i = 0; i < f->GetFieldCount(); ++i) row += std::string(i ? "|" : "") + f->GetFieldAsString(i);
    out.push_back(row);
  }
  ds.ReleaseResultSet(r);
  return out;
}

rm::Ring ring(double cx, double cy, double r, int n) { return ruralnet::testing::regular_ring(cx, cy, r, n); }

// Layers of every kind: 6,000 points (a three-level R-tree of 51-cell nodes)
// with a few null geometries, lines, multipolygons with holes and an empty
// part, a one-feature layer, an empty layer and a table.
std::vector<io::LayerData> layers() {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<io::LayerData> out;
  io::LayerData pts{{"pts", io::GeometryType::point, {{"id", io::FieldType::text}, {"v", io::FieldType::real}}}, {}};
  for (int i = 0; i < 6000; ++i) {
    io::Feature f;
    if (i % 997 != 5) f.geometry = LonLat{115.0 + 2 * u(rng), 30.5 + 1.5 * u(rng)};
    f.values = {std::string("P") + std::to_string(i), u(rng)};
    pts.features.push_back(std::move(f));
  }
  out.push_back(std::move(pts));
  io::LayerData lines{{"lines", io::GeometryType::linestring, {{"n", io::FieldType::integer}}}, {}};
  for (int i = 0; i < 700; ++i) {
    rm::LineString l;
    double x = 115.0 + 2 * u(rng), y = 30.5 + 1.5 * u(rng);
    for (int k = 0; k < 2 + i % 9; ++k) l.push_back({x += 0.01 * (u(rng) - 0.5), y += 0.01 * (u(rng) - 0.5)});
    lines.features.push_back({l, {std::int64_t{i}}});
  }
  out.push_back(std::move(lines));
  io::LayerData areas{{"areas", io::GeometryType::multipolygon, {{"band_min", io::FieldType::real}}}, {}};
  for (int i = 0; i < 300; ++i) {
    const double cx = 115.0 + 2 * u(rng), cy = 30.5 + 1.5 * u(rng);
    rm::MultiPolygon m{{{ring(cx, cy, 0.05, 40), ring(cx, cy, 0.01, 12)}}, {{ring(cx + 0.2, cy - 0.1, 0.02, 9)}}};
    areas.features.push_back({m, {30.0}});
  }
  areas.features.push_back({rm::MultiPolygon{}, {45.0}});  // empty: not indexed
  out.push_back(std::move(areas));
  out.push_back({{"one", io::GeometryType::polygon, {}}, {{rm::Polygon{{ring(116, 31, 0.1, 6)}}, {}}}});
  out.push_back({{"none", io::GeometryType::point, {{"id", io::FieldType::text}}}, {}});
  out.push_back({{"table", io::GeometryType::none, {{"k", io::FieldType::text}}}, {{{}, {std::string("x")}}}});
  return out;
}

class WriteRtreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = ruralnet::testing::fresh_test_dir("write-rtree");
    plain = dir / "plain" / "out.gpkg";
    fast = dir / "fast" / "out.gpkg";
    fs::create_directories(plain.parent_path());
    fs::create_directories(fast.parent_path());
    const auto l = layers();
    io::WriteOptions o;
    o.gpkg_fast = false;
    io::write_layers(plain, l, o, false);
    o.gpkg_fast = true;
    io::write_layers(fast, l, o, false);
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir, plain, fast;
};

const char* const kIndexed[] = {"pts", "lines", "areas", "one", "none"};

}  // namespace

TEST_F(WriteRtreeTest, SameFeaturesAsGdalsOwnPath) {
  auto a = open(plain), b = open(fast);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->GetLayerCount(), b->GetLayerCount());
  for (int i = 0; i < a->GetLayerCount(); ++i) {
    OGRLayer* la = a->GetLayer(i);
    OGRLayer* lb = b->GetLayer(i);
    EXPECT_STREQ(la->GetName(), lb->GetName());
    EXPECT_EQ(la->GetGeomType(), lb->GetGeomType());
    ASSERT_EQ(la->GetFeatureCount(), lb->GetFeatureCount()) << la->GetName();
    OGREnvelope ea, eb;
    if (la->GetGeomType() != wkbNone && la->GetFeatureCount() > 0) {
      ASSERT_EQ(la->GetExtent(&ea), OGRERR_NONE);
      ASSERT_EQ(lb->GetExtent(&eb), OGRERR_NONE);
      EXPECT_EQ(ea.MinX, eb.MinX);
      EXPECT_EQ(ea.MaxY, eb.MaxY);
    }
    for (;;) {
      OGRFeatureUniquePtr fa(la->GetNextFeature()), fb(lb->GetNextFeature());
      ASSERT_EQ(fa == nullptr, fb == nullptr);
      if (!fa) break;
      ASSERT_EQ(fa->GetFID(), fb->GetFID());
      for (int k = 0; k < fa->GetFieldCount(); ++k)
        EXPECT_STREQ(fa->GetFieldAsString(k), fb->GetFieldAsString(k)) << la->GetName() << " fid " << fa->GetFID();
      const OGRGeometry* ga = fa->GetGeometryRef();
      const OGRGeometry* gb = fb->GetGeometryRef();
      ASSERT_EQ(ga == nullptr, gb == nullptr);
      if (ga) {
        EXPECT_TRUE(ga->Equals(gb)) << la->GetName() << " fid " << fa->GetFID();
      }
    }
  }
}

TEST_F(WriteRtreeTest, SameSchemaExtensionsAndIndexEntries) {
  auto a = open(plain), b = open(fast);
  ASSERT_TRUE(a && b);
  const std::string schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name";
  EXPECT_EQ(rows(*a, schema), rows(*b, schema));
  const std::string ext = "SELECT table_name, column_name, extension_name, definition, scope FROM gpkg_extensions";
  EXPECT_EQ(rows(*b, ext).size(), 5u);
  EXPECT_EQ(rows(*a, ext), rows(*b, ext));
  EXPECT_EQ(rows(*a, "SELECT * FROM gpkg_ogr_contents"), rows(*b, "SELECT * FROM gpkg_ogr_contents"));
  for (const char* t : kIndexed) {
    const std::string rtree = std::string("rtree_") + t + "_geom";
    const auto entries = rows(*b, "SELECT id, minx, maxx, miny, maxy FROM " + rtree + " ORDER BY id");
    EXPECT_EQ(rows(*a, "SELECT id, minx, maxx, miny, maxy FROM " + rtree + " ORDER BY id"), entries) << t;
    EXPECT_EQ(rows(*b, "SELECT rtreecheck('" + rtree + "')"), std::vector<std::string>{"ok"}) << t;
    EXPECT_EQ(rows(*b, "SELECT HasSpatialIndex('" + std::string(t) + "', 'geom')"), std::vector<std::string>{"1"}) << t;
  }
  // Null and empty geometries are not indexed; 6,000 points make a deeper tree.
  EXPECT_EQ(rows(*b, "SELECT COUNT(*) FROM rtree_pts_geom"), std::vector<std::string>{"5993"});
  EXPECT_EQ(rows(*b, "SELECT COUNT(*) FROM rtree_areas_geom"), std::vector<std::string>{"300"});
  EXPECT_EQ(rows(*b, "SELECT COUNT(*) FROM rtree_none_geom"), std::vector<std::string>{"0"});
  EXPECT_EQ(rows(*b, "SELECT rtreedepth(data) FROM rtree_pts_geom_node WHERE nodeno = 1"),
            std::vector<std::string>{"2"});
  EXPECT_EQ(rows(*b, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  // Nothing is left beside the output.
  EXPECT_EQ(std::distance(fs::directory_iterator(fast.parent_path()), fs::directory_iterator{}), 1);
}

TEST_F(WriteRtreeTest, SpatialFiltersFindWhatTheEnvelopesSay) {
  auto b = open(fast);
  ASSERT_TRUE(b);
  const double box[][4] = {{115.3, 30.8, 115.9, 31.2}, {116.0, 31.0, 116.05, 31.05}, {114.0, 29.0, 114.5, 29.5}};
  for (const char* t : {"pts", "lines", "areas"}) {
    OGRLayer* l = b->GetLayerByName(t);
    for (const auto& r : box) {
      // Independently: every feature whose envelope meets the box.
      std::set<GIntBig> expected, found;
      l->SetSpatialFilter(nullptr);
      for (auto& f : *l) {
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty()) continue;
        OGREnvelope e;
        g->getEnvelope(&e);
        if (e.MaxX >= r[0] && e.MinX <= r[2] && e.MaxY >= r[1] && e.MinY <= r[3]) expected.insert(f->GetFID());
      }
      // Through the R-tree.
      for (const auto& row : rows(*b, "SELECT id FROM rtree_" + std::string(t) + "_geom WHERE maxx >= " +
                                          std::to_string(r[0]) + " AND minx <= " + std::to_string(r[2]) +
                                          " AND maxy >= " + std::to_string(r[1]) + " AND miny <= " +
                                          std::to_string(r[3])))
        found.insert(std::stoll(row));
      // The R-tree's float boxes are rounded outwards: a superset, never less.
      for (GIntBig fid : expected) EXPECT_TRUE(found.count(fid)) << t << " fid " << fid;
      EXPECT_LE(found.size(), expected.size() + 2) << t;
    }
    l->SetSpatialFilterRect(115.3, 30.8, 115.9, 31.2);
    EXPECT_GT(l->GetFeatureCount(), 0) << t;
  }
}

TEST_F(WriteRtreeTest, GdalKeepsThePackedIndexUpToDate) {
  {
    auto b = open(fast, true);
    ASSERT_TRUE(b);
    OGRLayer* l = b->GetLayerByName("pts");
    OGRFeature f(l->GetLayerDefn());
    f.SetField("id", "new");
    OGRPoint p(118.5, 33.5);  // outside every other point
    f.SetGeometry(&p);
    ASSERT_EQ(l->CreateFeature(&f), OGRERR_NONE);
    ASSERT_EQ(l->DeleteFeature(1), OGRERR_NONE);
  }
  auto b = open(fast);
  EXPECT_EQ(rows(*b, "SELECT rtreecheck('rtree_pts_geom')"), std::vector<std::string>{"ok"});
  EXPECT_EQ(rows(*b, "SELECT COUNT(*) FROM rtree_pts_geom WHERE id = 1"), std::vector<std::string>{"0"});
  OGRLayer* l = b->GetLayerByName("pts");
  l->SetSpatialFilterRect(118.4, 33.4, 118.6, 33.6);
  EXPECT_EQ(l->GetFeatureCount(), 1);
}
