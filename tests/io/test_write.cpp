// The vector writer: what is written is read back unchanged by OGR itself.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "ruralnet/core/error.hpp"
#include "test_write_util.hpp"
#include "ruralnet/io/write.hpp"

namespace fs = std::filesystem;
namespace io = ruralnet::io;
namespace rm = ruralnet::model;
using ruralnet::Date;
using ruralnet::LonLat;

namespace {

struct Closer {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using Ds = std::unique_ptr<GDALDataset, Closer>;

Ds open(const fs::path& p) {
  GDALAllRegister();
  return Ds(GDALDataset::Open(p.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
}

class WriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = ruralnet::testing::fresh_test_dir("write");
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
};

rm::Dataset small_dataset() {
  rm::Dataset ds;
  rm::County c;
  c.code = "341502";
  c.name = "金安区";
  c.geometry = {rm::Polygon{{{{116.0, 31.0}, {116.1, 31.0}, {116.1, 31.1}, {116.0, 31.1}, {116.0, 31.0}}}}};
  ds.counties.push_back(c);
  rm::Village v;
  v.code = "341502001201";
  v.name = "张岗村";
  v.township_code = "341502001";
  v.location = {116.05, 31.05};
  v.population = 1234;
  v.households = 400;
  v.poor = true;
  v.demand_parcels_day = 12.5;
  v.model_level = rm::ModelLevel::provincial;
  v.extra = {{"kind", "village"}};
  ds.villages.push_back(v);
  rm::RoadSegment r;
  r.id = "R1";
  r.road_class = rm::RoadClass::village;
  r.speed_kmh = 30;
  r.surface = "cement";
  r.county_code = "341502";
  r.program = rm::Program::kuomian;
  r.status = rm::RoadStatus::completed;
  r.declared_km = 1.234;
  r.completed_on = Date(2018, 9, 30);
  r.start_stake = "K0+000";
  r.end_stake = "K1+234";
  r.geometry = {{{116.01, 31.01}, {116.02, 31.015}, {116.03, 31.02}}};
  ds.roads.push_back(r);
  rm::Facility f;
  f.id = "O341502001201";
  f.tier = rm::Tier::village_outlet;
  f.name = "张岗村电商服务点";
  f.admin_code = "341502001201";
  f.carriers = {"EMS", "ZTO"};
  f.vehicles = 1;
  f.location = {116.051, 31.051};
  ds.facilities.push_back(f);
  return ds;
}

}  // namespace

TEST(WriteFormat, ChosenByExtensionOrName) {
  EXPECT_EQ(io::resolve_output_format("a/b.gpkg", "").driver, "GPKG");
  EXPECT_TRUE(io::resolve_output_format("a/b.GPKG", "").multi_layer);
  EXPECT_EQ(io::resolve_output_format("b.geojson", "").driver, "GeoJSON");
  EXPECT_EQ(io::resolve_output_format("b.fgb", "").driver, "FlatGeobuf");
  EXPECT_EQ(io::resolve_output_format("b.shp", "").driver, "ESRI Shapefile");
  EXPECT_EQ(io::resolve_output_format("b.csv", "").driver, "CSV");
  EXPECT_EQ(io::resolve_output_format("folder", "shapefile").driver, "ESRI Shapefile");
  EXPECT_EQ(io::resolve_output_format("folder", "FlatGeobuf").extension, "fgb");
  EXPECT_FALSE(io::resolve_output_format("folder", "fgb").multi_layer);
}

TEST(WriteFormat, UnknownFormatsAreUsageErrorsNamingWhatGdalWrites) {
  try {
    io::resolve_output_format("out.xyz", "");
    FAIL() << "expected a UsageError";
  } catch (const ruralnet::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find(".xyz"), std::string::npos);
    EXPECT_NE(e.hint().find("GPKG"), std::string::npos);
    EXPECT_NE(e.hint().find("FlatGeobuf"), std::string::npos);
  }
  EXPECT_THROW(io::resolve_output_format("out", ""), ruralnet::UsageError);
  EXPECT_THROW(io::resolve_output_format("out", "no-such-format"), ruralnet::UsageError);
  // A driver that reads vectors but cannot create them.
  EXPECT_THROW(io::resolve_output_format("out", "OSM"), ruralnet::UsageError);
}

TEST_F(WriteTest, GeoPackageRoundTrip) {
  const fs::path out = dir / "d.gpkg";
  io::write_dataset(out, small_dataset(), {}, false);
  auto ds = open(out);
  ASSERT_TRUE(ds);
  EXPECT_EQ(ds->GetLayerCount(), 4);  // no townships: empty layers are left out
  OGRLayer* v = ds->GetLayerByName("villages");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->GetFeatureCount(), 1);
  EXPECT_STREQ(v->GetSpatialRef()->GetAuthorityCode(nullptr), "4490");
  OGRFeature* f = v->GetNextFeature();
  ASSERT_NE(f, nullptr);
  EXPECT_STREQ(f->GetFieldAsString("code"), "341502001201");
  EXPECT_STREQ(f->GetFieldAsString("name"), "张岗村");
  EXPECT_EQ(f->GetFieldAsInteger64("population"), 1234);
  EXPECT_EQ(f->GetFieldAsInteger("poor"), 1);
  EXPECT_EQ(f->GetFieldAsInteger("flood_zone"), 0);
  EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("demand_parcels_day"), 12.5);
  EXPECT_STREQ(f->GetFieldAsString("model_level"), "provincial");
  EXPECT_STREQ(f->GetFieldAsString("kind"), "village");
  const auto* p = f->GetGeometryRef()->toPoint();
  EXPECT_DOUBLE_EQ(p->getX(), 116.05);
  EXPECT_DOUBLE_EQ(p->getY(), 31.05);
  OGRFeature::DestroyFeature(f);

  OGRLayer* r = ds->GetLayerByName("roads");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(wkbFlatten(r->GetGeomType()), wkbLineString);
  f = r->GetNextFeature();
  ASSERT_NE(f, nullptr);
  EXPECT_STREQ(f->GetFieldAsString("class"), "village");
  EXPECT_STREQ(f->GetFieldAsString("program"), "kuomian");
  EXPECT_STREQ(f->GetFieldAsString("oneway"), "no");
  EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("declared_km"), 1.234);
  int y = 0, m = 0, d = 0, hh = 0, mm = 0, tz = 0;
  float ss = 0;
  const int idx = f->GetFieldIndex("completed_on");
  EXPECT_EQ(f->GetFieldDefnRef(idx)->GetType(), OFTDate);
  f->GetFieldAsDateTime(idx, &y, &m, &d, &hh, &mm, &ss, &tz);
  EXPECT_EQ(y * 10000 + m * 100 + d, 20180930);
  EXPECT_EQ(f->GetGeometryRef()->toLineString()->getNumPoints(), 3);
  OGRFeature::DestroyFeature(f);

  OGRLayer* fa = ds->GetLayerByName("facilities");
  f = fa->GetNextFeature();
  EXPECT_STREQ(f->GetFieldAsString("carriers"), "EMS;ZTO");
  EXPECT_TRUE(f->IsFieldNull(f->GetFieldIndex("shift_hours")));
  OGRFeature::DestroyFeature(f);

  OGRLayer* c = ds->GetLayerByName("counties");
  f = c->GetNextFeature();
  EXPECT_EQ(wkbFlatten(f->GetGeometryRef()->getGeometryType()), wkbMultiPolygon);
  EXPECT_NEAR(f->GetGeometryRef()->toMultiPolygon()->get_Area(), 0.01, 1e-12);
  OGRFeature::DestroyFeature(f);
}

TEST_F(WriteTest, ShapefileFolderIsUtf8WithCpg) {
  const fs::path out = dir / "shp";
  io::WriteOptions o;
  o.format = "shp";
  io::write_dataset(out, small_dataset(), o, false);
  EXPECT_TRUE(fs::exists(out / "villages.shp"));
  std::ifstream cpg(out / "villages.cpg");
  std::string enc;
  std::getline(cpg, enc);
  EXPECT_EQ(enc, "UTF-8");
  auto ds = open(out / "villages.shp");
  ASSERT_TRUE(ds);
  OGRFeature* f = ds->GetLayer(0)->GetNextFeature();
  EXPECT_STREQ(f->GetFieldAsString("name"), "张岗村");
  EXPECT_STREQ(f->GetFieldAsString("code"), "341502001201");
  OGRFeature::DestroyFeature(f);
}

TEST_F(WriteTest, GeoJsonFlatGeobufAndCsv) {
  io::LayerData layer{{"pts", io::GeometryType::point, {{"id", io::FieldType::text}, {"n", io::FieldType::integer}}}, {}};
  for (int i = 0; i < 5; ++i)
    layer.features.push_back({LonLat{116.0 + i * 0.01, 31.0}, {std::string("P") + std::to_string(i), std::int64_t{i}}});
  for (const char* ext : {"geojson", "fgb", "csv"}) {
    const fs::path out = dir / (std::string("pts.") + ext);
    io::write_layers(out, {layer}, {}, false);
    auto ds = open(out);
    ASSERT_TRUE(ds) << ext;
    OGRLayer* l = ds->GetLayer(0);
    EXPECT_EQ(l->GetFeatureCount(), 5) << ext;
    // FlatGeobuf orders features along its spatial index; find P0 by id.
    OGRFeature* f = nullptr;
    while ((f = l->GetNextFeature()) != nullptr && std::string(f->GetFieldAsString("id")) != "P0")
      OGRFeature::DestroyFeature(f);
    ASSERT_NE(f, nullptr) << ext;
    EXPECT_EQ(f->GetFieldAsInteger64("n"), 0) << ext;
    if (std::string(ext) == "csv") {
      // GDAL reads the WKT column back as text unless told otherwise.
      EXPECT_NE(std::string(f->GetFieldAsString("WKT")).find("POINT (116 31)"), std::string::npos);
    } else {
      ASSERT_NE(f->GetGeometryRef(), nullptr);
      EXPECT_DOUBLE_EQ(f->GetGeometryRef()->toPoint()->getX(), 116.0);
    }
    OGRFeature::DestroyFeature(f);
  }
}

TEST_F(WriteTest, BatchedTransactionsKeepEveryFeature) {
  io::WriteOptions o;
  o.batch_size = 1000;
  const fs::path out = dir / "many.gpkg";
  io::write_vector(out, o, false, [](io::VectorWriter& w) {
    const auto a = w.add_layer({"a", io::GeometryType::linestring, {{"i", io::FieldType::integer}}});
    const auto b = w.add_layer({"b", io::GeometryType::none, {{"i", io::FieldType::integer}}});
    for (std::int64_t i = 0; i < 12345; ++i) {
      w.write(a, {rm::LineString{{116, 31}, {116.001, 31.001}}, {i}});
      if (i % 3 == 0) w.write(b, {std::monostate{}, {i}});
    }
    EXPECT_EQ(w.features_written(), 12345u + 4115u);
  });
  auto ds = open(out);
  EXPECT_EQ(ds->GetLayerByName("a")->GetFeatureCount(), 12345);
  EXPECT_EQ(ds->GetLayerByName("b")->GetFeatureCount(), 4115);
}

TEST_F(WriteTest, ExistingOutputNeedsOverwriteAndFailuresLeaveNothing) {
  const fs::path out = dir / "d.gpkg";
  io::write_dataset(out, small_dataset(), {}, false);
  EXPECT_THROW(io::write_dataset(out, small_dataset(), {}, false), ruralnet::UsageError);
  io::write_dataset(out, small_dataset(), {}, true);
  EXPECT_TRUE(open(out));

  const fs::path bad = dir / "bad.gpkg";
  EXPECT_THROW(io::write_vector(bad, {}, false,
                                [](io::VectorWriter& w) {
                                  const auto l = w.add_layer({"x", io::GeometryType::point, {{"i", io::FieldType::integer}}});
                                  w.write(l, {LonLat{116, 31}, {std::int64_t{1}}});
                                  throw ruralnet::RunError("stop");
                                }),
               ruralnet::RunError);
  // A single-layer file cannot take a second layer.
  EXPECT_THROW(io::write_vector(dir / "two.geojson", {}, false,
                                [](io::VectorWriter& w) {
                                  w.add_layer({"x", io::GeometryType::point, {}});
                                  w.add_layer({"y", io::GeometryType::point, {}});
                                }),
               ruralnet::UsageError);
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir)) entries += e.path().filename() != "d.gpkg";
  EXPECT_EQ(entries, 0u);  // no output and no temporary left behind
}

namespace {

// The writer reuses one feature and its geometry per layer: a point after a
// feature without geometry, a short line after a long one, a polygon layer
// between, must each read back as written, in order, with every field.
TEST_F(WriteTest, ReusedFeaturesReadBackAsWritten) {
  const fs::path out = dir / "reuse.gpkg";
  const io::LayerSchema pts{"pts", io::GeometryType::point, {{"name", io::FieldType::text}, {"n", io::FieldType::integer}}};
  const io::LayerSchema lines{"lines", io::GeometryType::linestring, {{"v", io::FieldType::real}}};
  const io::LayerSchema polys{"polys", io::GeometryType::multipolygon, {{"v", io::FieldType::real}}};
  std::vector<io::Geometry> pg = {LonLat{116.0, 31.0}, std::monostate{}, LonLat{116.5, 31.5}, LonLat{117.0, 32.0}};
  std::vector<rm::LineString> ls = {{{116.0, 31.0}, {116.1, 31.1}, {116.2, 31.0}, {116.3, 31.2}},
                                    {{116.5, 31.5}, {116.6, 31.6}},
                                    {{117.0, 31.0}, {117.0, 31.1}, {117.1, 31.1}}};
  io::write_vector(out, io::WriteOptions{}, false, [&](io::VectorWriter& w) {
    const std::size_t hp = w.add_layer(pts), hl = w.add_layer(lines), hy = w.add_layer(polys);
    for (std::size_t i = 0; i < pg.size(); ++i) {
      io::Feature f;
      f.geometry = pg[i];
      f.values = {i == 1 ? io::FieldValue() : io::FieldValue("p" + std::to_string(i)), io::FieldValue(std::int64_t(i))};
      w.write(hp, f);
      if (i < ls.size()) w.write(hl, io::Feature{ls[i], {io::FieldValue(0.5 * static_cast<double>(i))}});
      rm::Polygon poly;
      poly.rings = {{{116.0, 31.0}, {116.1, 31.0}, {116.1, 31.1}, {116.0, 31.0}}};
      w.write(hy, io::Feature{poly, {io::FieldValue(1.0)}});
    }
  });
  const Ds ds = open(out);
  ASSERT_TRUE(ds);
  OGRLayer* p = ds->GetLayerByName("pts");
  ASSERT_EQ(p->GetFeatureCount(), 4);
  std::size_t i = 0;
  for (auto& f : *p) {
    const OGRGeometry* g = f->GetGeometryRef();
    if (const auto* ll = std::get_if<LonLat>(&pg[i])) {
      ASSERT_TRUE(g) << i;
      EXPECT_EQ(g->toPoint()->getX(), ll->lon);
      EXPECT_EQ(g->toPoint()->getY(), ll->lat);
      EXPECT_STREQ(f->GetFieldAsString(0), ("p" + std::to_string(i)).c_str());
    } else {
      EXPECT_EQ(g, nullptr) << i;
      EXPECT_TRUE(f->IsFieldNull(0));
    }
    EXPECT_EQ(f->GetFieldAsInteger64(1), static_cast<GIntBig>(i));
    ++i;
  }
  OGRLayer* l = ds->GetLayerByName("lines");
  ASSERT_EQ(l->GetFeatureCount(), 3);
  i = 0;
  for (auto& f : *l) {
    const OGRLineString* g = f->GetGeometryRef()->toLineString();
    ASSERT_EQ(static_cast<std::size_t>(g->getNumPoints()), ls[i].size()) << i;
    for (int k = 0; k < g->getNumPoints(); ++k) {
      EXPECT_EQ(g->getX(k), ls[i][static_cast<std::size_t>(k)].lon);
      EXPECT_EQ(g->getY(k), ls[i][static_cast<std::size_t>(k)].lat);
    }
    EXPECT_EQ(f->GetFieldAsDouble(0), 0.5 * static_cast<double>(i));
    ++i;
  }
  EXPECT_EQ(ds->GetLayerByName("polys")->GetFeatureCount(), 4);
}

}  // namespace
