#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "ruralnet/core/error.hpp"
#include "ruralnet/geo/crs.hpp"
#include "ruralnet/geo/webcoords.hpp"
#include "ruralnet/io/read.hpp"
#include "test_read_util.hpp"

using namespace ruralnet;
using namespace ruralnet::testing;

namespace {

const ProgressSettings kQuiet{true};

io::ReadOptions options_for(const std::string& dataset) {
  io::ReadOptions o;
  o.dataset = dataset;
  return o;
}

const model::Finding* find(const model::Findings& fs, const std::string& kind, const std::string& field = {}) {
  for (const auto& f : fs)
    if (f.kind == kind && (field.empty() || f.field == field)) return &f;
  return nullptr;
}

std::string extra(const model::ExtraFields& e, const std::string& name) {
  for (const auto& [k, v] : e)
    if (k == name) return v;
  return "<absent>";
}

// Copies the clean GeoJSON layers into a GeoPackage-free folder we can edit.
void copy_clean(const TempDir& dir, const std::vector<std::string>& except = {}) {
  for (const auto& l : io::kLayerNames) {
    if (std::find(except.begin(), except.end(), l) != except.end()) continue;
    fs::copy_file(clean_data() + "/" + l + ".geojson", dir / (l + ".geojson"));
  }
}

const std::vector<FieldDef> kVillageFields = {{"code", OFTString}, {"name", OFTString}};

}  // namespace

TEST(Read, CleanFolderOfGeoJson) {
  auto o = options_for(clean_data());
  o.required_layers = io::kLayerNames;
  const model::Dataset ds = io::read_dataset(o, kQuiet);
  EXPECT_TRUE(ds.read_findings.empty());
  ASSERT_EQ(ds.counties.size(), 1u);
  ASSERT_EQ(ds.townships.size(), 2u);
  ASSERT_EQ(ds.villages.size(), 2u);
  ASSERT_EQ(ds.roads.size(), 2u);
  ASSERT_EQ(ds.facilities.size(), 2u);

  EXPECT_EQ(ds.counties[0].code, "341522");
  EXPECT_EQ(ds.counties[0].name, "霍邱县");
  ASSERT_EQ(ds.counties[0].geometry.size(), 1u);
  EXPECT_EQ(ds.counties[0].geometry[0].rings[0].size(), 5u);
  EXPECT_EQ(ds.townships[1].county_code, "341522");

  const auto& v0 = ds.villages[0];
  EXPECT_EQ(v0.code, "341522100201");
  EXPECT_EQ(v0.township_code, "341522100");
  EXPECT_DOUBLE_EQ(v0.location.lon, 116.1);
  EXPECT_DOUBLE_EQ(v0.location.lat, 32.1);
  EXPECT_EQ(v0.population, 1300.0);
  EXPECT_TRUE(v0.poor);
  EXPECT_FALSE(v0.flood_zone);
  EXPECT_EQ(v0.model_level, model::ModelLevel::municipal);
  EXPECT_EQ(ds.villages[1].population, 2100.0);  // "2,100"
  EXPECT_TRUE(ds.villages[1].flood_zone);

  const auto& r0 = ds.roads[0];
  EXPECT_EQ(r0.id, "X001");
  EXPECT_EQ(r0.road_class, model::RoadClass::county);
  EXPECT_EQ(r0.program, model::Program::changtong);
  EXPECT_EQ(r0.status, model::RoadStatus::completed);
  ASSERT_TRUE(r0.completed_on);
  EXPECT_EQ(r0.completed_on->iso(), "2018-07-05");
  EXPECT_EQ(r0.declared_km, 21.5);
  ASSERT_EQ(r0.geometry.size(), 1u);
  EXPECT_EQ(r0.geometry[0].size(), 3u);
  const auto& r1 = ds.roads[1];
  EXPECT_EQ(r1.road_class, model::RoadClass::county);  // 县道
  EXPECT_EQ(r1.class_text, "县道");
  EXPECT_EQ(r1.program, model::Program::kuomian);      // 扩面延伸工程
  EXPECT_EQ(r1.status, model::RoadStatus::building);   // 在建
  EXPECT_EQ(r1.oneway, model::Oneway::forward);
  EXPECT_EQ(r1.speed_kmh, 30.0);
  EXPECT_FALSE(r1.completed_on);

  const auto& f0 = ds.facilities[0];
  EXPECT_EQ(f0.tier, model::Tier::county_hub);
  EXPECT_EQ(f0.carriers, (std::vector<std::string>{"EMS", "ZTO", "YTO"}));
  EXPECT_EQ(f0.vehicles, 12);
  EXPECT_EQ(f0.shift_hours, 9.0);
  EXPECT_EQ(ds.facilities[1].vehicles, 2);  // "2" as text

  for (const auto& name : io::kLayerNames) {
    const auto& info = ds.layers.at(name);
    EXPECT_TRUE(info.present) << name;
    EXPECT_EQ(info.source_crs, "EPSG:4490") << name;
    EXPECT_EQ(info.encoding, "UTF-8") << name;
  }
  const auto& ce = ds.layers.at("counties").extent;
  EXPECT_DOUBLE_EQ(ce.min_lon, 116.0);
  EXPECT_DOUBLE_EQ(ce.max_lat, 32.4);
  EXPECT_EQ(ds.layers.at("villages").feature_count, 2u);
}

TEST(Read, GeoPackageWithNumericCodesUppercaseFieldsAndExtras) {
  TempDir dir;
  const std::string gpkg = dir / "luan.gpkg";
  write_layer(gpkg, "GPKG", "Villages", 4490, {{"CODE", OFTInteger64}, {"Name", OFTString}, {"RKS", OFTInteger}, {"remark", OFTString}},
              {{{"341522100201", "东湖村", "1300", "ok"}, "POINT (116.1 32.1)"}});
  write_layer(gpkg, "GPKG", "townships", 4490, {{"code", OFTReal}, {"name", OFTString}},
              {{{"341522100", "城关镇"}, "POLYGON ((116.0 32.0,116.2 32.0,116.2 32.4,116.0 32.4,116.0 32.0))"}});
  auto o = options_for(gpkg);
  o.field_map["villages.population"] = "rks";
  const auto ds = io::read_dataset(o, kQuiet);
  EXPECT_TRUE(ds.read_findings.empty());
  ASSERT_EQ(ds.villages.size(), 1u);
  EXPECT_EQ(ds.villages[0].code, "341522100201");  // Integer64 read as text
  EXPECT_EQ(ds.villages[0].name, "东湖村");
  EXPECT_EQ(ds.villages[0].population, 1300.0);  // through the field map
  EXPECT_EQ(extra(ds.villages[0].extra, "remark"), "ok");
  EXPECT_EQ(extra(ds.villages[0].extra, "RKS"), "<absent>");  // a mapped field is not an extra
  ASSERT_EQ(ds.townships.size(), 1u);
  EXPECT_EQ(ds.townships[0].code, "341522100");  // Real without decimals
  EXPECT_EQ(ds.townships[0].county_code, "341522");
  EXPECT_FALSE(ds.layers.at("roads").present);
  EXPECT_EQ(ds.layers.at("roads").name, "roads");
}

TEST(Read, VillagePolygonBecomesAPointInside) {
  TempDir dir;
  // An L-shaped village whose centroid (outside the L) must not be used.
  const std::string shape = "POLYGON ((116.0 32.0,116.3 32.0,116.3 32.05,116.05 32.05,116.05 32.3,116.0 32.3,116.0 32.0))";
  write_layer(dir / "villages.geojson", "GeoJSON", "villages", 4326, kVillageFields, {{{"341522100201", "L村"}, shape}});
  const auto ds = io::read_dataset(options_for(dir.path.string()), kQuiet);
  ASSERT_EQ(ds.villages.size(), 1u);
  const LonLat p = ds.villages[0].location;
  const bool in_foot = p.lon >= 116.0 && p.lon <= 116.3 && p.lat >= 32.0 && p.lat <= 32.05;
  const bool in_leg = p.lon >= 116.0 && p.lon <= 116.05 && p.lat >= 32.0 && p.lat <= 32.3;
  EXPECT_TRUE(in_foot || in_leg) << p.lon << " " << p.lat;
}

TEST(Read, ReprojectsAndReportsCrsMismatch) {
  TempDir dir;
  copy_clean(dir, {"villages"});
  // Villages in the CGCS2000 Gauss-Krüger zone of 117°E, made from known lon/lat.
  geo::Transformer to_gk("EPSG:4490", "EPSG:4548");
  const XY a = to_gk.forward({116.1, 32.1}), b = to_gk.forward({116.3, 32.2});
  auto wkt = [](XY p) { return "POINT (" + std::to_string(p.x) + " " + std::to_string(p.y) + ")"; };
  write_layer(dir / "villages.shp", "ESRI Shapefile", "villages", 4548, kVillageFields,
              {{{"341522100201", "a"}, wkt(a)}, {{"341522101202", "b"}, wkt(b)}}, {"ENCODING=UTF-8"});
  const auto ds = io::read_dataset(options_for(dir.path.string()), kQuiet);
  ASSERT_EQ(ds.villages.size(), 2u);
  EXPECT_NEAR(ds.villages[0].location.lon, 116.1, 1e-7);  // std::to_string keeps 1e-6 m
  EXPECT_NEAR(ds.villages[0].location.lat, 32.1, 1e-7);
  EXPECT_NEAR(ds.villages[1].location.lon, 116.3, 1e-7);
  EXPECT_EQ(ds.layers.at("villages").source_crs, "EPSG:4548");
  const auto* f = find(ds.read_findings, "crs_mismatch");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, model::Severity::warning);
  EXPECT_EQ(f->layer, "villages");
  EXPECT_NE(f->message.find("EPSG:4548"), std::string::npos);
}

TEST(Read, WebMapCoordinatesAreConverted) {
  TempDir dir;
  const LonLat truth{116.5078, 31.7536};
  const LonLat gcj = geo::wgs84_to_gcj02(truth);
  write_layer(dir / "facilities.geojson", "GeoJSON", "facilities", 4326, {{"id", OFTString}, {"tier", OFTString}},
              {{{"F1", "county_hub"}, "POINT (" + std::to_string(gcj.lon) + " " + std::to_string(gcj.lat) + ")"}});
  auto o = options_for(dir.path.string());
  o.web_coordinates["facilities"] = "gcj02";
  const auto ds = io::read_dataset(o, kQuiet);
  ASSERT_EQ(ds.facilities.size(), 1u);
  EXPECT_NEAR(ds.facilities[0].location.lon, truth.lon, 1e-6);
  EXPECT_NEAR(ds.facilities[0].location.lat, truth.lat, 1e-6);
  EXPECT_EQ(ds.layers.at("facilities").coordinate_system, "gcj02");
  // The same point digitised from Baidu's map, in a folder of FlatGeobuf.
  TempDir bd_dir;
  const LonLat bd = geo::wgs84_to_bd09(truth);
  write_layer(bd_dir / "facilities.fgb", "FlatGeobuf", "facilities", 4326, {{"id", OFTString}, {"tier", OFTString}},
              {{{"F1", "county_hub"}, "POINT (" + std::to_string(bd.lon) + " " + std::to_string(bd.lat) + ")"}});
  auto ob = options_for(bd_dir.path.string());
  ob.web_coordinates["facilities"] = "bd09";
  const auto from_bd = io::read_dataset(ob, kQuiet);
  ASSERT_EQ(from_bd.facilities.size(), 1u);
  EXPECT_NEAR(from_bd.facilities[0].location.lon, truth.lon, 1e-6);
  EXPECT_NEAR(from_bd.facilities[0].location.lat, truth.lat, 1e-6);
  // Without the option the point stays a few hundred metres off.
  const auto raw = io::read_dataset(options_for(dir.path.string()), kQuiet);
  EXPECT_GT(std::abs(raw.facilities[0].location.lon - truth.lon), 1e-4);
}

TEST(Read, BadValuesBecomeFindingsNotSilentDrops) {
  TempDir dir;
  write_layer(dir / "villages.geojson", "GeoJSON", "villages", 4490,
              {{"code", OFTString}, {"name", OFTString}, {"population", OFTString}, {"model_level", OFTString}, {"poor", OFTString}},
              {{{"341522100201", "a", "many", "national", "maybe"}, "POINT (116.1 32.1)"},
               {{"341522100202", "b", "1,300", "provincial", "1"}, "POINT (116.1 32.1)"}});
  write_layer(dir / "roads.geojson", "GeoJSON", "roads", 4490,
              {{"id", OFTString}, {"class", OFTString}, {"oneway", OFTString}, {"program", OFTString}, {"status", OFTString}, {"completed_on", OFTString}},
              {{{"R1", "motorway-ish", "sideways", "other", "dreaming", "2018-02-30"}, "LINESTRING (116.1 32.1,116.2 32.2)"}});
  write_layer(dir / "facilities.geojson", "GeoJSON", "facilities", 4490, {{"id", OFTString}, {"tier", OFTString}},
              {{{"F1", "hub"}, "POINT (116.1 32.1)"}, {{"F2", std::nullopt}, "POINT (116.1 32.1)"}});
  const auto ds = io::read_dataset(options_for(dir.path.string()), kQuiet);
  ASSERT_EQ(ds.villages.size(), 2u);  // the rows are kept
  ASSERT_EQ(ds.roads.size(), 1u);
  ASSERT_EQ(ds.facilities.size(), 2u);
  const auto* pop = find(ds.read_findings, "wrong_type", "population");
  ASSERT_NE(pop, nullptr);
  EXPECT_EQ(pop->severity, model::Severity::error);
  EXPECT_EQ(pop->layer, "villages");
  EXPECT_EQ(pop->feature_id, "341522100201");
  EXPECT_NE(pop->message.find("'many'"), std::string::npos);
  ASSERT_TRUE(pop->location);
  EXPECT_DOUBLE_EQ(pop->location->lon, 116.1);
  EXPECT_FALSE(ds.villages[0].population);
  EXPECT_EQ(ds.villages[1].population, 1300.0);
  EXPECT_EQ(ds.villages[1].model_level, model::ModelLevel::provincial);
  EXPECT_TRUE(ds.villages[1].poor);
  EXPECT_NE(find(ds.read_findings, "unknown_value", "model_level"), nullptr);
  EXPECT_NE(find(ds.read_findings, "wrong_type", "poor"), nullptr);
  for (const char* field : {"class", "oneway", "program", "status"}) {
    const auto* f = find(ds.read_findings, "unknown_value", field);
    ASSERT_NE(f, nullptr) << field;
    EXPECT_EQ(f->feature_id, "R1");
  }
  const auto* date = find(ds.read_findings, "wrong_type", "completed_on");
  ASSERT_NE(date, nullptr);
  EXPECT_NE(date->message.find("2018-02-30"), std::string::npos) << date->message;
  const auto* tier = find(ds.read_findings, "unknown_value", "tier");
  ASSERT_NE(tier, nullptr);
  EXPECT_EQ(tier->feature_id, "F1");
  const auto* no_tier = find(ds.read_findings, "missing_value", "tier");
  ASSERT_NE(no_tier, nullptr);
  EXPECT_EQ(no_tier->feature_id, "F2");
  EXPECT_EQ(model::count(ds.read_findings, model::Severity::error), ds.read_findings.size());
  EXPECT_EQ(ds.read_findings.size(), 10u);
}

TEST(Read, MissingRequiredFieldIsAFindingAndRequireUsableThrows) {
  TempDir dir;
  write_layer(dir / "villages.geojson", "GeoJSON", "villages", 4490, {{"code", OFTString}, {"population", OFTString}},
              {{{"341522100201", "x"}, "POINT (116.1 32.1)"}});
  const auto ds = io::read_dataset(options_for(dir.path.string()), kQuiet);
  const auto* f = find(ds.read_findings, "missing_field", "name");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->layer, "villages");
  EXPECT_NE(f->message.find("--field villages.name="), std::string::npos);
  ASSERT_EQ(ds.read_findings.size(), 2u);  // and the wrong type
  try {
    io::require_usable(ds);
    FAIL() << "require_usable accepted a dataset with errors";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("villages.geojson"), std::string::npos) << what;
    EXPECT_NE(what.find("required field 'name'"), std::string::npos) << what;
    EXPECT_NE(what.find("and 1 more error"), std::string::npos) << what;
    EXPECT_NE(e.hint().find("ruralnet validate"), std::string::npos);
  }
  const auto clean = io::read_dataset(options_for(clean_data()), kQuiet);
  EXPECT_NO_THROW(io::require_usable(clean));
}

TEST(Read, UnusableSourcesThrow) {
  TempDir dir;
  try {
    io::read_dataset(options_for(dir / "nowhere.gpkg"), kQuiet);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nowhere.gpkg"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("file not found"), std::string::npos);
  }
  write_text(dir / "junk.gpkg", "not a database");
  try {
    io::read_dataset(options_for(dir / "junk.gpkg"), kQuiet);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("junk.gpkg"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("GDAL cannot open"), std::string::npos);
  }
  // A required layer that is absent names the layers that are there.
  const std::string gpkg = dir / "two.gpkg";
  write_layer(gpkg, "GPKG", "cun", 4490, kVillageFields, {{{"341522100201", "a"}, "POINT (116.1 32.1)"}});
  auto o = options_for(gpkg);
  o.required_layers = {"villages"};
  try {
    io::read_dataset(o, kQuiet);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("its layers are: cun"), std::string::npos) << e.what();
  }
  // ... and --layer names it.
  o.layer_sources["villages"] = gpkg + "|cun";
  const auto ds = io::read_dataset(o, kQuiet);
  ASSERT_EQ(ds.villages.size(), 1u);
  EXPECT_EQ(ds.layers.at("villages").source_layer, "cun");
  o.layer_sources["villages"] = gpkg + "|nothing";
  EXPECT_THROW(io::read_dataset(o, kQuiet), InputError);
}

TEST(Read, MissingCrsNeedsAssumption) {
  TempDir dir;
  write_layer(dir / "villages.shp", "ESRI Shapefile", "villages", 0, kVillageFields,
              {{{"341522100201", "a"}, "POINT (116.1 32.1)"}}, {"ENCODING=UTF-8"});
  try {
    io::read_dataset(options_for(dir.path.string()), kQuiet);
    FAIL();
  } catch (const CrsError& e) {
    EXPECT_NE(std::string(e.what()).find("villages.shp"), std::string::npos);
    EXPECT_NE(e.hint().find("--crs EPSG:4490"), std::string::npos);
  }
  auto o = options_for(dir.path.string());
  o.assume_crs = "EPSG:4490";
  const auto ds = io::read_dataset(o, kQuiet);
  ASSERT_EQ(ds.villages.size(), 1u);
  EXPECT_DOUBLE_EQ(ds.villages[0].location.lon, 116.1);
}

TEST(Read, EmptyNanAndWrongGeometriesAreFindings) {
  TempDir dir;
  write_layer(dir / "roads.geojson", "GeoJSON", "roads", 4490, {{"id", OFTString}},
              {{{"R1"}, ""}, {{"R2"}, "POINT (116.1 32.1)"}, {{"R3"}, "LINESTRING (116.1 32.1,116.2 32.2)"}});
  write_text(dir / "villages.geojson",
             R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4490"}},"features":[{"type":"Feature","properties":{"code":"341522100201","name":"a"},)"
             R"("geometry":{"type":"Polygon","coordinates":[[[116.0,32.0],[116.1,NaN],[116.1,32.1],[116.0,32.0]]]}}]})");
  const auto ds = io::read_dataset(options_for(dir.path.string()), kQuiet);
  ASSERT_EQ(ds.roads.size(), 3u);
  ASSERT_EQ(ds.villages.size(), 1u);
  const auto* empty = find(ds.read_findings, "empty_geometry");
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->feature_id, "R1");
  const auto* wrong = find(ds.read_findings, "wrong_geometry_type");
  ASSERT_NE(wrong, nullptr);
  EXPECT_EQ(wrong->feature_id, "R2");
  const auto* nan = find(ds.read_findings, "nan_coordinates");
  ASSERT_NE(nan, nullptr);
  EXPECT_EQ(nan->layer, "villages");
  EXPECT_TRUE(std::isnan(ds.villages[0].location.lon));
  EXPECT_EQ(ds.read_findings.size(), 3u);
}

TEST(Read, ShapefileTruncatedFieldNamesAreRecognised) {
  TempDir dir;
  write_layer(dir / "villages.shp", "ESRI Shapefile", "villages", 4490,
              {{"code", OFTString}, {"name", OFTString}, {"township_c", OFTString}, {"demand_par", OFTReal}},
              {{{"341522100201", "a", "341522101", "12.5"}, "POINT (116.1 32.1)"}}, {"ENCODING=UTF-8"});
  const auto ds = io::read_dataset(options_for(dir.path.string()), kQuiet);
  ASSERT_EQ(ds.villages.size(), 1u);
  EXPECT_EQ(ds.villages[0].township_code, "341522101");
  EXPECT_EQ(ds.villages[0].demand_parcels_day, 12.5);
  EXPECT_TRUE(ds.villages[0].extra.empty());
}

TEST(Read, TwoFilesForOneLayerIsAmbiguous) {
  TempDir dir;
  write_layer(dir / "villages.geojson", "GeoJSON", "villages", 4490, kVillageFields, {{{"341522100201", "a"}, "POINT (116.1 32.1)"}});
  write_layer(dir / "Villages.fgb", "FlatGeobuf", "villages", 4490, kVillageFields, {{{"341522100201", "a"}, "POINT (116.1 32.1)"}});
  try {
    io::read_dataset(options_for(dir.path.string()), kQuiet);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("more than one file"), std::string::npos) << e.what();
  }
}
