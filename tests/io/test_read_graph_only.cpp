// The graph-only read of the roads layer (ReadOptions::roads_graph_only): the
// same roads, geometry and findings as the full read for what it reads, the
// same fingerprint, and for a large GeoPackage the two-thread read over FID
// halves giving what a serial read gives.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "ruralnet/io/read.hpp"
#include "test_read_util.hpp"

using namespace ruralnet;
using namespace ruralnet::testing;

namespace {

// The digest worked out again from what is held, not the one recorded at read.
std::string recomputed_fingerprint(model::Dataset ds) {
  ds.read_fingerprint.clear();
  return model::fingerprint(ds);
}

model::Dataset read_roads(const std::string& path, bool graph_only) {
  io::ReadOptions o;
  o.layer_sources["roads"] = path + "|roads";
  o.roads_graph_only = graph_only;
  return io::read_dataset(o, ProgressSettings{true});
}

bool same(const model::Finding& a, const model::Finding& b) {
  return a.severity == b.severity && a.kind == b.kind && a.layer == b.layer && a.feature_id == b.feature_id &&
         a.field == b.field && a.message == b.message;
}

// The columns hold exactly the roads of the full read: ids, fids, attributes
// and every vertex as read.
void expect_same_roads(const model::Dataset& full, const model::Dataset& cols) {
  ASSERT_TRUE(cols.roads_graph_only);
  EXPECT_TRUE(cols.roads.empty());
  EXPECT_FALSE(full.roads_graph_only);
  const auto& c = cols.road_columns;
  ASSERT_EQ(c.size(), full.roads.size());
  ASSERT_EQ(c.first_part.size(), c.size() + 1);
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto& r = full.roads[i];
    ASSERT_EQ(c.id[i], r.id) << i;
    EXPECT_EQ(c.fid[i], r.ref.fid) << i;
    EXPECT_EQ(c.road_class[i], r.road_class) << i;
    EXPECT_EQ(c.oneway[i], r.oneway) << i;
    if (r.speed_kmh) EXPECT_EQ(c.speed_kmh[i], *r.speed_kmh) << i;
    else
      EXPECT_TRUE(std::isnan(c.speed_kmh[i])) << i;
    ASSERT_EQ(c.first_part[i + 1] - c.first_part[i], r.geometry.size()) << i;
    for (std::size_t p = 0; p < r.geometry.size(); ++p) {
      const std::uint32_t b = c.first_vertex[c.first_part[i] + p], e = c.first_vertex[c.first_part[i] + p + 1];
      ASSERT_EQ(e - b, r.geometry[p].size()) << i;
      for (std::uint32_t k = b; k < e; ++k) EXPECT_EQ(c.lonlat[k], r.geometry[p][k - b]) << i;
    }
  }
  EXPECT_EQ(cols.layers.at("roads").feature_count, full.layers.at("roads").feature_count);
}

TEST(ReadGraphOnly, SameRoadsFindingsAndFingerprintAsTheFullRead) {
  TempDir dir;
  const std::string f = dir / "roads.gpkg";
  write_layer(f, "GPKG", "roads", 4490,
              {{"id"}, {"class"}, {"speed_kmh"}, {"oneway"}, {"surface"}, {"program"}, {"status"}},
              {
                  {{"R1", "village", "40", "yes", "asphalt", "changtong", "completed"},
                   "LINESTRING (116.5 31.7,116.51 31.7,116.51 31.7,116.52 31.71)"},
                  {{"R2", "highway-x", "fast", "no", std::nullopt, "xx", "soon"},
                   "MULTILINESTRING ((116.52 31.71,116.53 31.71),(116.53 31.72,116.54 31.72))"},
                  {{std::nullopt, "县道", std::nullopt, "-1", "", "", ""}, "LINESTRING (116.54 31.72,116.55 31.73)"},
                  {{"R4", "county", "", "", "", "none", ""}, "POINT (116.5 31.7)"},
                  {{"R5", "township", "-3", "maybe", "gravel", "", ""}, ""},
              });
  const model::Dataset full = read_roads(f, false);
  const model::Dataset cols = read_roads(f, true);
  expect_same_roads(full, cols);
  EXPECT_EQ(cols.road_columns.part_count(), 4u);  // R1, R2 (two), R3
  EXPECT_EQ(cols.road_columns.vertex_count(), 4u + 2u + 2u + 2u);

  // The graph-only read reports what it reads, with the same messages, in
  // the same order; the fields it does not read (program, status) are not
  // checked.
  std::vector<const model::Finding*> expected;
  const std::set<std::string> read_fields = {"", "id", "class", "speed_kmh", "oneway"};
  for (const auto& x : full.read_findings)
    if (read_fields.count(x.field)) expected.push_back(&x);
  ASSERT_EQ(cols.read_findings.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_TRUE(same(cols.read_findings[i], *expected[i])) << cols.read_findings[i].message;
  std::set<std::string> kinds;
  for (const auto& x : cols.read_findings) kinds.insert(x.kind + ":" + x.field);
  EXPECT_EQ(kinds, (std::set<std::string>{"missing_value:id", "unknown_value:class", "wrong_type:speed_kmh",
                                          "unknown_value:oneway", "wrong_geometry_type:", "empty_geometry:"}));
  EXPECT_GT(full.read_findings.size(), cols.read_findings.size());  // program 'xx', status 'soon'

  EXPECT_EQ(model::fingerprint(full), model::fingerprint(cols));
  EXPECT_EQ(recomputed_fingerprint(full), full.read_fingerprint);
  EXPECT_EQ(recomputed_fingerprint(cols), cols.read_fingerprint);
  EXPECT_DOUBLE_EQ(full.layers.at("roads").extent.max_lon, 116.55);
  EXPECT_DOUBLE_EQ(cols.layers.at("roads").extent.max_lon, 116.55);
}

TEST(ReadGraphOnly, MappedFieldsResolveAsInTheFullRead) {
  TempDir dir;
  const std::string f = dir / "roads.gpkg";
  write_layer(f, "GPKG", "roads", 4490, {{"LXBM"}, {"DJ"}, {"SD"}},
              {{{"X1", "乡道", "30"}, "LINESTRING (116.5 31.7,116.51 31.7)"}});
  io::ReadOptions o;
  o.layer_sources["roads"] = f + "|roads";
  o.field_map = {{"roads.id", "LXBM"}, {"roads.class", "DJ"}, {"roads.speed_kmh", "SD"}, {"roads.surface", "LMLX"}};
  o.roads_graph_only = true;
  const model::Dataset cols = io::read_dataset(o, ProgressSettings{true});
  ASSERT_EQ(cols.road_columns.size(), 1u);
  EXPECT_EQ(cols.road_columns.id[0], "X1");
  EXPECT_EQ(cols.road_columns.road_class[0], model::RoadClass::township);
  EXPECT_EQ(cols.road_columns.speed_kmh[0], 30.0);
  // The surface is not read, so its mapping to a missing field is not checked.
  EXPECT_TRUE(cols.read_findings.empty());
  o.roads_graph_only = false;
  const model::Dataset full = io::read_dataset(o, ProgressSettings{true});
  ASSERT_EQ(full.read_findings.size(), 1u);
  EXPECT_EQ(full.read_findings[0].field, "surface");
  EXPECT_EQ(model::fingerprint(full), model::fingerprint(cols));
  EXPECT_EQ(recomputed_fingerprint(full), full.read_fingerprint);
  EXPECT_EQ(recomputed_fingerprint(cols), cols.read_fingerprint);
}

// 60,000 roads: above the size at which a GeoPackage's roads are read by two
// threads, with bad values in both halves and on either side of the split.
TEST(ReadGraphOnly, TwoThreadReadOfAGeoPackageKeepsFidOrder) {
  TempDir dir;
  const std::string f = dir / "roads.gpkg";
  constexpr int n = 60000;
  const std::set<int> bad = {10, 29999, 30000, 30001, 59990};
  {
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr ds(drv->Create(f.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_TRUE(ds);
    OGRSpatialReference srs;
    srs.importFromEPSG(4490);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayer* l = ds->CreateLayer("roads", &srs, wkbLineString, nullptr);
    for (const char* name : {"id", "class", "surface"}) {
      OGRFieldDefn d(name, OFTString);
      ASSERT_EQ(l->CreateField(&d), OGRERR_NONE);
    }
    ASSERT_EQ(ds->StartTransaction(), OGRERR_NONE);
    for (int i = 1; i <= n; ++i) {
      OGRFeature feat(l->GetLayerDefn());
      feat.SetFID(i);
      feat.SetField(0, ("R" + std::to_string(i)).c_str());
      feat.SetField(1, bad.count(i) ? "lane" : "village");
      feat.SetField(2, "asphalt");
      OGRLineString line;
      const double lon = 116.0 + (i % 300) * 0.001, lat = 31.0 + (i / 300) * 0.001;
      line.addPoint(lon, lat);
      line.addPoint(lon + 0.0005, lat + 0.0005);
      if (i % 3 == 0) line.addPoint(lon + 0.0005, lat + 0.0009);
      feat.SetGeometry(&line);
      ASSERT_EQ(l->CreateFeature(&feat), OGRERR_NONE);
    }
    ASSERT_EQ(ds->CommitTransaction(), OGRERR_NONE);
  }
  const model::Dataset cols = read_roads(f, true);
  const model::Dataset full = read_roads(f, false);
  const auto& c = cols.road_columns;
  ASSERT_EQ(c.size(), static_cast<std::size_t>(n));
  for (int i = 1; i <= n; ++i) {
    ASSERT_EQ(c.fid[static_cast<std::size_t>(i - 1)], i);
    ASSERT_EQ(c.id[static_cast<std::size_t>(i - 1)], "R" + std::to_string(i));
  }
  EXPECT_EQ(c.vertex_count(), static_cast<std::size_t>(2 * n + n / 3));
  ASSERT_EQ(cols.read_findings.size(), bad.size());
  std::size_t k = 0;
  for (int i : bad) {
    EXPECT_EQ(cols.read_findings[k].feature_id, "R" + std::to_string(i));
    EXPECT_EQ(cols.read_findings[k].field, "class");
    ++k;
  }
  expect_same_roads(full, cols);
  ASSERT_EQ(full.read_findings.size(), bad.size());
  for (std::size_t i = 0; i < bad.size(); ++i) EXPECT_TRUE(same(full.read_findings[i], cols.read_findings[i]));
  EXPECT_EQ(model::fingerprint(full), model::fingerprint(cols));
  EXPECT_EQ(recomputed_fingerprint(full), full.read_fingerprint);
  EXPECT_EQ(recomputed_fingerprint(cols), cols.read_fingerprint);
  // Both halves reach the extent: the first roads lie south, the last north.
  EXPECT_DOUBLE_EQ(cols.layers.at("roads").extent.min_lat, 31.0);
  EXPECT_NEAR(cols.layers.at("roads").extent.max_lat, 31.0 + (n / 300) * 0.001 + 0.0009, 1e-12);
  EXPECT_EQ(cols.layers.at("roads").feature_count, static_cast<std::size_t>(n));
}

}  // namespace
