// The roads of a GeoPackage read by several threads over parts of the FID
// range give exactly what one thread gives: the same roads in the same order,
// the same findings in the same order, the same fingerprint and extent, and
// for a layer that cannot be read, the same (first) error.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "ruralnet/core/error.hpp"
#include "ruralnet/io/read.hpp"
#include "test_read_util.hpp"

using namespace ruralnet;
using namespace ruralnet::testing;

namespace {

// Parts of a few thousand roads, so that the parallel path is taken on a
// small fixture; the defaults are restored after each test.
class ParallelRead : public ::testing::Test {
 protected:
  void SetUp() override { io::detail::set_parallel_roads_min(1000); }
  void TearDown() override {
    io::detail::set_parallel_roads_min(0);
    io::detail::set_roads_read_threads(0);
  }
};

struct Road {
  std::int64_t fid;
  std::string id, cls, speed;
  std::string wkt;  // empty: no geometry
};

// FIDs with gaps, written out of order: 1..1500, 4000..5199, 150000..150799,
// and 200000, so that the middle of the FID range is far from the middle
// road. Bad values in every part: classes that are no class, speeds that are
// no number, a point, a road without geometry.
std::vector<Road> fixture_roads() {
  std::vector<std::int64_t> fids;
  for (std::int64_t f = 1; f <= 1500; ++f) fids.push_back(f);
  for (std::int64_t f = 4000; f < 5200; ++f) fids.push_back(f);
  for (std::int64_t f = 150000; f < 150800; ++f) fids.push_back(f);
  fids.push_back(200000);
  std::vector<Road> roads;
  for (std::size_t i = 0; i < fids.size(); ++i) {
    const std::int64_t f = fids[i];
    Road r{f, "R" + std::to_string(f), "village", "", ""};
    if (f % 97 == 0) r.cls = "lane";
    if (f % 89 == 0) r.speed = "fast";
    else if (f % 5 == 0) r.speed = "30";
    const double lon = 116.0 + static_cast<double>(f % 400) * 0.001, lat = 31.0 + static_cast<double>(f / 400) * 0.0005;
    char buf[200];
    if (f % 3 == 0)
      std::snprintf(buf, sizeof buf, "MULTILINESTRING ((%.4f %.4f,%.4f %.4f),(%.4f %.4f,%.4f %.4f,%.4f %.4f))", lon, lat,
                    lon + 0.0004, lat, lon + 0.0004, lat, lon + 0.0004, lat + 0.0003, lon + 0.0007, lat + 0.0003);
    else
      std::snprintf(buf, sizeof buf, "LINESTRING (%.4f %.4f,%.4f %.4f)", lon, lat, lon + 0.0005, lat + 0.0002);
    r.wkt = buf;
    if (f == 1200 || f == 4500 || f == 150500) r.wkt = "POINT (116.1 31.1)";
    if (f == 1300 || f == 150600) r.wkt.clear();
    roads.push_back(std::move(r));
  }
  // Written in an order unlike the FIDs': a GeoPackage reads in FID order.
  std::reverse(roads.begin() + 1000, roads.begin() + 3000);
  std::swap(roads.front(), roads.back());
  return roads;
}

void write_roads(const std::string& file, const std::vector<Road>& roads) {
  GDALAllRegister();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  GDALDatasetUniquePtr ds(drv->Create(file.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  ASSERT_TRUE(ds);
  OGRSpatialReference srs;
  srs.importFromEPSG(4490);
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  OGRLayer* l = ds->CreateLayer("roads", &srs, wkbUnknown, nullptr);
  for (const char* name : {"id", "class", "speed_kmh", "surface"}) {
    OGRFieldDefn d(name, OFTString);
    ASSERT_EQ(l->CreateField(&d), OGRERR_NONE);
  }
  ASSERT_EQ(ds->StartTransaction(), OGRERR_NONE);
  for (const auto& r : roads) {
    OGRFeature feat(l->GetLayerDefn());
    feat.SetFID(r.fid);
    feat.SetField(0, r.id.c_str());
    feat.SetField(1, r.cls.c_str());
    if (!r.speed.empty()) feat.SetField(2, r.speed.c_str());
    feat.SetField(3, "asphalt");
    if (!r.wkt.empty()) {
      OGRGeometry* g = nullptr;
      ASSERT_EQ(OGRGeometryFactory::createFromWkt(r.wkt.c_str(), nullptr, &g), OGRERR_NONE) << r.wkt;
      feat.SetGeometryDirectly(g);
    }
    ASSERT_EQ(l->CreateFeature(&feat), OGRERR_NONE);
  }
  ASSERT_EQ(ds->CommitTransaction(), OGRERR_NONE);
}

// Text that is not UTF-8 in the class of the roads `fids`: a GeoPackage
// declares UTF-8, so reading it is an error that stops the read.
void break_text(const std::string& file, const std::vector<std::int64_t>& fids) {
  GDALDatasetUniquePtr ds(GDALDataset::Open(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
  ASSERT_TRUE(ds);
  for (auto f : fids) {
    const std::string sql = "UPDATE roads SET class = CAST(X'B3C7B9D8' AS TEXT) WHERE fid = " + std::to_string(f);
    ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
  }
}

model::Dataset read_with(const std::string& file, bool graph_only, std::size_t threads) {
  io::detail::set_roads_read_threads(threads);
  io::ReadOptions o;
  o.layer_sources["roads"] = file + "|roads";
  o.roads_graph_only = graph_only;
  return io::read_dataset(o, ProgressSettings{true});
}

std::string error_of(const std::string& file, bool graph_only, std::size_t threads) {
  try {
    read_with(file, graph_only, threads);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

void expect_same_findings(const model::Findings& a, const model::Findings& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].severity, b[i].severity) << i;
    EXPECT_EQ(a[i].kind, b[i].kind) << i;
    EXPECT_EQ(a[i].layer, b[i].layer) << i;
    EXPECT_EQ(a[i].feature_id, b[i].feature_id) << i;
    EXPECT_EQ(a[i].field, b[i].field) << i;
    EXPECT_EQ(a[i].message, b[i].message) << i;
    ASSERT_EQ(a[i].location.has_value(), b[i].location.has_value()) << i;
    if (a[i].location) {
      EXPECT_EQ(*a[i].location, *b[i].location) << i;
    }
  }
}

void expect_same_layer(const model::Dataset& a, const model::Dataset& b) {
  const auto &la = a.layers.at("roads"), &lb = b.layers.at("roads");
  EXPECT_EQ(la.feature_count, lb.feature_count);
  EXPECT_EQ(la.extent.min_lon, lb.extent.min_lon);
  EXPECT_EQ(la.extent.max_lon, lb.extent.max_lon);
  EXPECT_EQ(la.extent.min_lat, lb.extent.min_lat);
  EXPECT_EQ(la.extent.max_lat, lb.extent.max_lat);
  EXPECT_EQ(a.read_fingerprint, b.read_fingerprint);
  expect_same_findings(a.read_findings, b.read_findings);
}

TEST_F(ParallelRead, GraphOnlyColumnsAreThoseOfOneThread) {
  TempDir dir;
  const std::string f = dir / "roads.gpkg";
  const auto roads = fixture_roads();
  write_roads(f, roads);
  const model::Dataset one = read_with(f, true, 1);
  const auto& c = one.road_columns;

  // The serial read itself, against the fixture: FID order, every road.
  std::vector<std::int64_t> fids;
  for (const auto& r : roads) fids.push_back(r.fid);
  std::sort(fids.begin(), fids.end());
  ASSERT_EQ(c.fid, fids);
  EXPECT_EQ(c.id.front(), "R1");
  EXPECT_EQ(c.id.back(), "R200000");
  std::set<std::string> kinds;
  for (const auto& x : one.read_findings) kinds.insert(x.kind + ":" + x.field);
  EXPECT_EQ(kinds, (std::set<std::string>{"unknown_value:class", "wrong_type:speed_kmh", "wrong_geometry_type:",
                                          "empty_geometry:"}));

  for (std::size_t threads : {2u, 3u}) {
    SCOPED_TRACE(threads);
    const model::Dataset par = read_with(f, true, threads);
    const auto& p = par.road_columns;
    EXPECT_EQ(p.fid, c.fid);
    EXPECT_EQ(p.id, c.id);
    EXPECT_EQ(p.road_class, c.road_class);
    ASSERT_EQ(p.speed_kmh.size(), c.speed_kmh.size());
    for (std::size_t i = 0; i < c.speed_kmh.size(); ++i) {
      if (std::isnan(c.speed_kmh[i])) EXPECT_TRUE(std::isnan(p.speed_kmh[i])) << i;
      else
        EXPECT_EQ(p.speed_kmh[i], c.speed_kmh[i]) << i;
    }
    EXPECT_EQ(p.oneway, c.oneway);
    EXPECT_EQ(p.first_part, c.first_part);
    EXPECT_EQ(p.first_vertex, c.first_vertex);
    ASSERT_EQ(p.lonlat.size(), c.lonlat.size());
    for (std::size_t i = 0; i < c.lonlat.size(); ++i) ASSERT_EQ(p.lonlat[i], c.lonlat[i]) << i;
    expect_same_layer(one, par);
  }
}

TEST_F(ParallelRead, FullRoadsAreThoseOfOneThread) {
  TempDir dir;
  const std::string f = dir / "roads.gpkg";
  write_roads(f, fixture_roads());
  const model::Dataset one = read_with(f, false, 1);
  const model::Dataset two = read_with(f, false, 2);
  ASSERT_EQ(one.roads.size(), two.roads.size());
  for (std::size_t i = 0; i < one.roads.size(); ++i) {
    const auto &a = one.roads[i], &b = two.roads[i];
    ASSERT_EQ(a.ref.fid, b.ref.fid) << i;
    EXPECT_EQ(a.id, b.id) << i;
    EXPECT_EQ(a.class_text, b.class_text) << i;
    EXPECT_EQ(a.speed_kmh, b.speed_kmh) << i;
    EXPECT_EQ(a.surface, b.surface) << i;
    EXPECT_EQ(a.geometry, b.geometry) << i;
  }
  expect_same_layer(one, two);
}

// Below the size from which parts are read in parallel, a layer is read by
// one thread: the same result, whatever the thread setting.
TEST_F(ParallelRead, SmallLayersAreReadSerially) {
  TempDir dir;
  const std::string f = dir / "roads.gpkg";
  write_roads(f, fixture_roads());
  io::detail::set_parallel_roads_min(1000000);
  const model::Dataset two = read_with(f, true, 2);
  io::detail::set_parallel_roads_min(1000);
  const model::Dataset one = read_with(f, true, 1);
  EXPECT_EQ(two.road_columns.fid, one.road_columns.fid);
  expect_same_layer(one, two);
}

// An error in both parts: the first part's, the one a serial read meets
// first, is raised; with the error in the last part alone, that one.
TEST_F(ParallelRead, TheFirstErrorIsTheSerialReadsFirst) {
  TempDir dir;
  const std::string f = dir / "roads.gpkg";
  write_roads(f, fixture_roads());
  break_text(f, {150100, 4321});
  for (bool graph_only : {true, false}) {
    SCOPED_TRACE(graph_only);
    const std::string one = error_of(f, graph_only, 1);
    EXPECT_NE(one.find("R4321"), std::string::npos) << one;
    EXPECT_NE(one.find("not valid UTF-8"), std::string::npos) << one;
    EXPECT_EQ(error_of(f, graph_only, 2), one);
    EXPECT_EQ(error_of(f, graph_only, 3), one);
  }
  TempDir dir2;
  const std::string g = dir2 / "roads.gpkg";
  write_roads(g, fixture_roads());
  break_text(g, {200000, 150700});
  const std::string one = error_of(g, true, 1);
  EXPECT_NE(one.find("R150700"), std::string::npos) << one;
  EXPECT_EQ(error_of(g, true, 2), one);
  EXPECT_EQ(error_of(g, true, 3), one);
}

// A dataset of several layers: the roads are then read beside the other
// layers, whose findings and errors still come in the layers' order.
void write_dataset(const std::string& file) {
  write_roads(file, fixture_roads());
  write_layer(file, "GPKG", "villages", 4490, {{"code"}, {"name"}, {"population"}},
              {{{"341522100001", "Zhangzhuang", "820"}, "POINT (116.1 31.1)"},
               {{"341522100002", "Lizhuang", "many"}, "POINT (116.2 31.2)"},
               {{"341522100003", std::nullopt, "300"}, "POINT (116.3 31.3)"}});
  write_layer(file, "GPKG", "facilities", 4490, {{"id"}, {"tier"}},
              {{{"F1", "county_hub"}, "POINT (116.1 31.1)"},
               {{"F2", "depot"}, "POINT (116.2 31.2)"},
               {{std::nullopt, "village_outlet"}, "POINT (116.3 31.3)"}});
}

model::Dataset read_dataset_with(const std::string& file, std::size_t threads, bool require_facilities = false) {
  io::detail::set_roads_read_threads(threads);
  io::ReadOptions o;
  o.dataset = file;
  o.roads_graph_only = true;
  if (require_facilities) o.required_layers = {"facilities"};
  return io::read_dataset(o, ProgressSettings{true});
}

std::string dataset_error_of(const std::string& file, std::size_t threads, bool require_facilities = false) {
  try {
    read_dataset_with(file, threads, require_facilities);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

void break_layer_text(const std::string& file, const std::string& layer, const std::string& field,
                      std::int64_t fid) {
  GDALDatasetUniquePtr ds(GDALDataset::Open(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
  ASSERT_TRUE(ds);
  const std::string sql = "UPDATE " + layer + " SET " + field + " = CAST(X'B3C7B9D8' AS TEXT) WHERE fid = " +
                          std::to_string(fid);
  ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
}

TEST_F(ParallelRead, RoadsReadBesideTheOtherLayersKeepTheLayersOrder) {
  TempDir dir;
  const std::string f = dir / "luan.gpkg";
  write_dataset(f);
  const model::Dataset one = read_dataset_with(f, 1);
  std::vector<std::string> layers;
  for (const auto& x : one.read_findings)
    if (layers.empty() || layers.back() != x.layer) layers.push_back(x.layer);
  EXPECT_EQ(layers, (std::vector<std::string>{"villages", "roads", "facilities"}));
  for (std::size_t threads : {2u, 3u}) {
    SCOPED_TRACE(threads);
    const model::Dataset par = read_dataset_with(f, threads);
    EXPECT_EQ(par.road_columns.fid, one.road_columns.fid);
    EXPECT_EQ(par.road_columns.lonlat.size(), one.road_columns.lonlat.size());
    EXPECT_EQ(par.villages.size(), one.villages.size());
    EXPECT_EQ(par.facilities.size(), one.facilities.size());
    expect_same_layer(one, par);
    EXPECT_EQ(par.extent().max_lat, one.extent().max_lat);
  }
}

TEST_F(ParallelRead, ErrorsOfTheOtherLayersComeInTheLayersOrder) {
  // An error in the villages (before the roads) and in the roads: the
  // villages' is raised.
  {
    TempDir dir;
    const std::string f = dir / "luan.gpkg";
    write_dataset(f);
    break_layer_text(f, "villages", "name", 2);
    break_layer_text(f, "roads", "class", 4321);
    const std::string one = dataset_error_of(f, 1);
    EXPECT_NE(one.find("layer 'villages'"), std::string::npos) << one;
    EXPECT_EQ(dataset_error_of(f, 2), one);
  }
  // In the facilities (after the roads) and in the roads: the roads'; in the
  // facilities alone: theirs.
  {
    TempDir dir;
    const std::string f = dir / "luan.gpkg";
    write_dataset(f);
    break_layer_text(f, "facilities", "tier", 1);
    const std::string facilities = dataset_error_of(f, 1);
    EXPECT_NE(facilities.find("layer 'facilities'"), std::string::npos) << facilities;
    EXPECT_EQ(dataset_error_of(f, 2), facilities);
    break_layer_text(f, "roads", "class", 150100);
    const std::string one = dataset_error_of(f, 1);
    EXPECT_NE(one.find("R150100"), std::string::npos) << one;
    EXPECT_EQ(dataset_error_of(f, 2), one);
  }
  // A required layer missing after the roads, and an error in the roads.
  {
    TempDir dir;
    const std::string f = dir / "roads.gpkg";
    write_roads(f, fixture_roads());
    const std::string missing = dataset_error_of(f, 1, true);
    EXPECT_NE(missing.find("required layer 'facilities'"), std::string::npos) << missing;
    EXPECT_EQ(dataset_error_of(f, 2, true), missing);
    break_layer_text(f, "roads", "class", 150100);
    const std::string one = dataset_error_of(f, 1, true);
    EXPECT_NE(one.find("R150100"), std::string::npos) << one;
    EXPECT_EQ(dataset_error_of(f, 2, true), one);
  }
}

}  // namespace
