#include <gtest/gtest.h>

#include <cstdio>
#include <cmath>
#include <limits>

#include "ruralnet/validation/validate.hpp"

using namespace ruralnet;
using namespace ruralnet::model;
using ruralnet::validation::validate;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

MultiPolygon box(double x0, double y0, double x1, double y1) {
  return {Polygon{{Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}};
}

// A tiny, consistent dataset: one county split into two townships, a village
// in each, two roads and two facilities.
Dataset clean() {
  Dataset ds;
  for (const char* n : {"counties", "townships", "villages", "roads", "facilities"}) {
    ds.layers[n].name = n;
    ds.layers[n].present = true;
  }
  ds.counties.push_back({{0}, "341522", "霍邱县", box(116.0, 32.0, 116.4, 32.4), {}});
  Township t1;
  t1.ref.fid = 0;
  t1.code = "341522100";
  t1.name = "城关镇";
  t1.county_code = "341522";
  t1.geometry = box(116.0, 32.0, 116.2, 32.4);
  Township t2 = t1;
  t2.ref.fid = 1;
  t2.code = "341522101";
  t2.name = "河口镇";
  t2.geometry = box(116.2, 32.0, 116.4, 32.4);
  ds.townships = {t1, t2};
  Village v1;
  v1.ref.fid = 0;
  v1.code = "341522100201";
  v1.name = "东湖村";
  v1.township_code = "341522100";
  v1.location = {116.1, 32.1};
  Village v2 = v1;
  v2.ref.fid = 1;
  v2.code = "341522101202";
  v2.name = "西山村";
  v2.township_code = "341522101";
  v2.location = {116.3, 32.2};
  ds.villages = {v1, v2};
  RoadSegment r1;
  r1.ref.fid = 0;
  r1.id = "X001";
  r1.county_code = "341522";
  r1.geometry = {{{116.1, 32.1}, {116.2, 32.15}, {116.3, 32.2}}};
  RoadSegment r2 = r1;
  r2.ref.fid = 1;
  r2.id = "Y002";
  r2.geometry = {{{116.3, 32.2}, {116.35, 32.3}}};
  ds.roads = {r1, r2};
  Facility f1;
  f1.ref.fid = 0;
  f1.id = "F1";
  f1.tier = Tier::county_hub;
  f1.admin_code = "341522";
  f1.location = {116.12, 32.11};
  Facility f2 = f1;
  f2.ref.fid = 1;
  f2.id = "F2";
  f2.tier = Tier::township_station;
  f2.admin_code = "341522101";
  f2.location = {116.31, 32.21};
  ds.facilities = {f1, f2};
  for (auto& [name, info] : ds.layers) info.feature_count = 1;
  return ds;
}

std::vector<const Finding*> of_kind(const Findings& fs, const std::string& kind) {
  std::vector<const Finding*> out;
  for (const auto& f : fs)
    if (f.kind == kind) out.push_back(&f);
  return out;
}

// Exactly one finding, of `kind`; returns it.
const Finding& only(const Findings& fs, const std::string& kind) {
  static const Finding none{};
  EXPECT_EQ(fs.size(), 1u) << "expected only " << kind;
  for (const auto& f : fs) EXPECT_EQ(f.kind, kind) << f.message;
  return fs.empty() ? none : fs[0];
}

bool mentions(const Finding& f, const std::string& text) { return f.message.find(text) != std::string::npos; }

}  // namespace

TEST(Validate, CleanDatasetHasNoFindings) {
  const auto fs = validate(clean());
  for (const auto& f : fs) ADD_FAILURE() << f.kind << ": " << f.message;
}

TEST(Validate, EmptyLayerAndAbsentLayer) {
  auto ds = clean();
  ds.facilities.clear();
  auto fs = validate(ds);
  const auto& f = only(fs, "empty_layer");
  EXPECT_EQ(f.layer, "facilities");
  EXPECT_EQ(f.severity, Severity::error);

  ds.layers["facilities"].present = false;
  fs = validate(ds);
  const auto& a = only(fs, "layer_absent");
  EXPECT_EQ(a.severity, Severity::info);
}

TEST(Validate, DuplicateCodesAndIds) {
  auto ds = clean();
  ds.villages[1].code = ds.villages[0].code;
  ds.villages[1].township_code = "341522100";
  ds.villages[1].location = {116.15, 32.3};
  auto fs = validate(ds);
  const auto& f = only(fs, "duplicate_code");
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_EQ(f.layer, "villages");
  EXPECT_EQ(f.feature_id, "341522100201");
  EXPECT_TRUE(mentions(f, "fid 0, fid 1")) << f.message;

  ds = clean();
  ds.townships.push_back(ds.townships[0]);
  ds.townships.back().ref.fid = 7;
  ds.counties.push_back(ds.counties[0]);
  ds.counties.back().ref.fid = 3;
  fs = validate(ds);
  ASSERT_EQ(of_kind(fs, "duplicate_code").size(), 2u);
  EXPECT_EQ(fs.size(), 2u);

  ds = clean();
  ds.roads[1].id = "X001";
  ds.facilities[1].id = "F1";
  fs = validate(ds);
  const auto dups = of_kind(fs, "duplicate_id");
  ASSERT_EQ(dups.size(), 2u);
  EXPECT_EQ(dups[0]->layer, "roads");  // sorted by layer
  EXPECT_EQ(dups[1]->layer, "facilities");
  EXPECT_EQ(fs.size(), 2u);
}

TEST(Validate, BadCodeFormat) {
  auto ds = clean();
  ds.counties[0].code = "34152";  // five digits
  ds.townships[0].county_code = "34152";
  ds.townships[1].county_code = "34152";
  ds.facilities[0].admin_code = "34152";
  for (auto& r : ds.roads) r.county_code.clear();
  const auto fs = validate(ds);
  const auto bad = of_kind(fs, "bad_code_format");
  ASSERT_EQ(bad.size(), 4u);
  EXPECT_EQ(bad[0]->layer, "counties");
  EXPECT_EQ(bad[0]->severity, Severity::error);  // the feature's own code
  for (std::size_t i = 1; i < bad.size(); ++i) EXPECT_EQ(bad[i]->severity, Severity::warning);  // references
  // The facility's county is then unknown too: reported as the bad format only.
  EXPECT_EQ(fs.size(), 4u);
}

TEST(Validate, CodesThatDoNotNest) {
  auto ds = clean();
  ds.villages[0].township_code = "341522101";  // field disagrees with the code's prefix
  ds.villages[0].location = {116.3, 32.1};     // (and it lies in 341522101, so no outside finding)
  auto fs = validate(ds);
  const auto& f = only(fs, "code_not_nested");
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_EQ(f.field, "township_code");
  EXPECT_TRUE(mentions(f, "341522100")) << f.message;

  ds = clean();
  ds.townships[1].county_code = "341523";  // another county, not in the dataset
  fs = validate(ds);
  const auto nn = of_kind(fs, "code_not_nested");
  ASSERT_EQ(nn.size(), 2u);
  EXPECT_TRUE(mentions(*nn[0], "disagrees") || mentions(*nn[1], "disagrees"));
  EXPECT_TRUE(mentions(*nn[0], "not in the counties layer") || mentions(*nn[1], "not in the counties layer"));

  ds = clean();
  ds.villages[1].code = "341522102202";
  ds.villages[1].township_code = "341522102";  // parent township absent
  fs = validate(ds);
  const auto& p = only(fs, "code_not_nested");
  EXPECT_TRUE(mentions(p, "township '341522102' is not in the townships layer")) << p.message;

  ds = clean();
  ds.townships.clear();
  ds.layers["townships"].present = false;
  ds.villages[1].code = "341599101202";  // a county not in the dataset
  ds.villages[1].township_code = "341599101";
  fs = validate(ds);
  const auto nested = of_kind(fs, "code_not_nested");
  ASSERT_EQ(nested.size(), 1u);
  EXPECT_TRUE(mentions(*nested[0], "county '341599'")) << nested[0]->message;
}

TEST(Validate, VillageOutsideItsTownship) {
  auto ds = clean();
  ds.villages[1].location = {116.1, 32.3};  // in 城关镇, coded to 河口镇
  auto fs = validate(ds);
  const auto& f = only(fs, "village_outside_township");
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_EQ(f.feature_id, "341522101202");
  EXPECT_TRUE(mentions(f, "in township 341522100 城关镇")) << f.message;
  ASSERT_TRUE(f.location);
  EXPECT_DOUBLE_EQ(f.location->lon, 116.1);

  ds.villages[1].location = {118.0, 30.0};  // in no township at all
  fs = validate(ds);
  EXPECT_TRUE(mentions(only(fs, "village_outside_township"), "outside every township"));

  ds.villages[1].location = {116.2, 32.2};  // on the shared boundary: inside
  EXPECT_TRUE(validate(ds).empty());
}

TEST(Validate, InvalidGeometry) {
  auto ds = clean();
  // A bow-tie: the shell crosses itself at (116.1, 32.2).
  ds.townships[0].geometry = {Polygon{{Ring{{116.0, 32.0}, {116.2, 32.4}, {116.2, 32.0}, {116.0, 32.4}, {116.0, 32.0}}}}};
  auto fs = validate(ds);
  auto bad = of_kind(fs, "invalid_geometry");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0]->severity, Severity::error);
  EXPECT_EQ(bad[0]->feature_id, "341522100");
  EXPECT_TRUE(mentions(*bad[0], "Self-intersection")) << bad[0]->message;
  ASSERT_TRUE(bad[0]->location);
  EXPECT_NEAR(bad[0]->location->lon, 116.1, 1e-9);
  EXPECT_NEAR(bad[0]->location->lat, 32.2, 1e-9);

  ds = clean();
  ds.counties[0].geometry[0].rings[0].pop_back();  // ring not closed
  ds.roads[1].geometry = {{{116.3, 32.2}}};        // a line of one point
  fs = validate(ds);
  bad = of_kind(fs, "invalid_geometry");
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_EQ(bad[0]->layer, "counties");
  EXPECT_EQ(bad[1]->layer, "roads");
  EXPECT_TRUE(mentions(*bad[1], "at least 2")) << bad[1]->message;
  EXPECT_EQ(fs.size(), 2u);
}

TEST(Validate, EmptyAndNanGeometry) {
  auto ds = clean();
  ds.counties[0].geometry.clear();
  ds.roads[0].geometry.clear();
  ds.roads[1].geometry[0][1].lat = kNaN;
  ds.villages[0].location = {kNaN, kNaN};
  ds.facilities[1].location = {116.3, kNaN};
  const auto fs = validate(ds);
  const auto empty = of_kind(fs, "empty_geometry");
  ASSERT_EQ(empty.size(), 2u);
  EXPECT_EQ(empty[0]->layer, "counties");
  EXPECT_EQ(empty[1]->feature_id, "X001");
  const auto nan = of_kind(fs, "nan_coordinates");
  ASSERT_EQ(nan.size(), 3u);
  EXPECT_EQ(nan[0]->layer, "villages");
  EXPECT_EQ(nan[1]->feature_id, "Y002");
  EXPECT_EQ(nan[2]->feature_id, "F2");
  for (const auto& f : fs) EXPECT_EQ(f.severity, Severity::error) << f.kind;
  EXPECT_EQ(fs.size(), 5u);
}

TEST(Validate, ZeroLengthRoad) {
  auto ds = clean();
  ds.roads[1].geometry = {{{116.3, 32.2}, {116.3, 32.2}, {116.3, 32.2}}};
  const auto fs = validate(ds);
  const auto& f = only(fs, "zero_length_road");
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_EQ(f.feature_id, "Y002");
}

TEST(Validate, UnknownAdminCode) {
  auto ds = clean();
  ds.facilities[1].admin_code = "341522109";  // a township not in the dataset
  ds.roads[0].county_code = "341599";
  const auto fs = validate(ds);
  const auto u = of_kind(fs, "unknown_admin_code");
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0]->layer, "roads");
  EXPECT_EQ(u[1]->layer, "facilities");
  EXPECT_EQ(u[1]->field, "admin_code");
  EXPECT_EQ(u[1]->severity, Severity::warning);
  EXPECT_EQ(fs.size(), 2u);
}

TEST(Validate, MissingValuesAndMissingFields) {
  auto ds = clean();
  ds.villages[0].code = "";
  ds.roads[0].id = "";
  auto fs = validate(ds);
  const auto mv = of_kind(fs, "missing_value");
  ASSERT_EQ(mv.size(), 2u);
  EXPECT_EQ(mv[0]->feature_id, "fid 0");
  // A whole missing field is reported once, by the reader, not per feature.
  ds = clean();
  for (auto& v : ds.villages) v.code.clear();
  Finding missing;
  missing.kind = "missing_field";
  missing.layer = "villages";
  missing.field = "code";
  missing.message = "required field 'code' is not in the layer";
  ds.read_findings.push_back(missing);
  fs = validate(ds);
  EXPECT_EQ(of_kind(fs, "missing_field").size(), 1u);
  EXPECT_EQ(of_kind(fs, "missing_value").size(), 0u);
  EXPECT_EQ(of_kind(fs, "bad_code_format").size(), 0u);
  // Read findings can be left out.
  validation::ValidateOptions o;
  o.include_read_findings = false;
  EXPECT_EQ(of_kind(validate(ds, o), "missing_field").size(), 0u);
}

TEST(Validate, GeometryReportedByTheReaderIsNotRepeated) {
  auto ds = clean();
  ds.villages[0].location = {kNaN, kNaN};
  Finding empty;
  empty.kind = "empty_geometry";
  empty.layer = "villages";
  empty.feature_id = "341522100201";
  empty.message = "the feature has no geometry";
  ds.read_findings.push_back(empty);
  const auto fs = validate(ds);
  EXPECT_EQ(only(fs, "empty_geometry").feature_id, "341522100201");
}

TEST(Validate, LayerOutsideChina) {
  auto ds = clean();
  ds.layers["villages"].extent.add(LonLat{116.1, 32.1});
  EXPECT_TRUE(validate(ds).empty());
  ds.layers["villages"].extent.add(LonLat{32.2, 116.3});  // latitude and longitude swapped
  const auto fs = validate(ds);
  const auto& f = only(fs, "outside_china");
  EXPECT_EQ(f.layer, "villages");
  EXPECT_EQ(f.severity, Severity::warning);
}

TEST(Validate, ConvertedCoordinatesAreNoted) {
  auto ds = clean();
  ds.layers["facilities"].coordinate_system = "gcj02";
  const auto fs = validate(ds);
  EXPECT_EQ(only(fs, "converted_coordinates").severity, Severity::info);
}

TEST(Validate, SortedDeterministicallyAndSeveritiesAsDocumented) {
  auto ds = clean();
  ds.villages[1].location = {116.1, 32.3};               // warning
  ds.roads[1].id = "X001";                               // error
  ds.layers["roads"].coordinate_system = "bd09";         // info
  ds.counties.push_back(ds.counties[0]);                 // error
  ds.counties.back().ref.fid = 10;
  ds.counties.push_back(ds.counties[0]);
  ds.counties.back().ref.fid = 9;
  const auto fs = validate(ds);
  ASSERT_EQ(fs.size(), 4u);
  EXPECT_EQ(fs[0].kind, "duplicate_code");
  EXPECT_TRUE(mentions(fs[0], "fid 0, fid 10, fid 9")) << fs[0].message;  // in the source's order
  EXPECT_EQ(fs[1].kind, "duplicate_id");
  EXPECT_EQ(fs[2].severity, Severity::warning);
  EXPECT_EQ(fs[3].severity, Severity::info);
  for (const auto& f : fs) {
    bool documented = false;
    for (const auto& k : validation::finding_kinds())
      if (k.kind == f.kind) documented = true;
    EXPECT_TRUE(documented) << f.kind;
  }
  // Natural order of fids.
  Findings some(2);
  some[0].feature_id = "fid 10";
  some[1].feature_id = "fid 9";
  validation::sort_findings(some);
  EXPECT_EQ(some[0].feature_id, "fid 9");
}

TEST(Validate, ManyVillagesAgainstManyTownships) {
  // 30 x 30 townships and 9,000 villages, every tenth coded to the township
  // north of where it lies: each must be found, and only those.
  Dataset ds;
  ds.counties.push_back({{0}, "341522", "c", box(116.0, 32.0, 116.4, 32.4), {}});
  constexpr int n = 30;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      Township t;
      t.ref.fid = i * n + j;
      char buf[16];
      std::snprintf(buf, sizeof buf, "341522%03d", i * n + j);
      t.code = buf;
      t.county_code = "341522";
      t.geometry = box(116.0 + 0.01 * i, 32.0 + 0.01 * j, 116.0 + 0.01 * (i + 1), 32.0 + 0.01 * (j + 1));
      ds.townships.push_back(t);
    }
  for (int k = 0; k < 9000; ++k) {
    Village v;
    v.ref.fid = k;
    const int t = k % (n * n);
    v.township_code = ds.townships[t].code;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%03d", k / (n * n));
    v.code = v.township_code + buf;
    const int i = t / n, j = (t % n + (k % 10 == 0 ? 1 : 0)) % n;
    v.location = {116.0 + 0.01 * i + 0.005, 32.0 + 0.01 * j + 0.005};
    ds.villages.push_back(v);
  }
  const auto fs = validate(ds);
  std::size_t outside = 0;
  for (const auto& f : fs) {
    EXPECT_EQ(f.kind, "village_outside_township") << f.message;
    outside += f.kind == "village_outside_township" ? 1 : 0;
  }
  EXPECT_EQ(outside, 900u);
}
