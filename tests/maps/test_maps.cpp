#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ruralnet/core/error.hpp"
#include "ruralnet/maps/outputs.hpp"
#include "ruralnet/maps/report.hpp"

namespace rm = ruralnet::maps;
namespace fs = std::filesystem;
using nlohmann::json;
using ruralnet::LonLat;

namespace {

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("ruralnet_maps_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ruralnet::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

ruralnet::model::Dataset tiny_dataset() {
  using namespace ruralnet::model;
  Dataset ds;
  ds.path = "tiny";
  County c;
  c.code = "341599";
  c.name = "测试县";
  c.geometry = {Polygon{{{{116.0, 31.0}, {116.1, 31.0}, {116.1, 31.1}, {116.0, 31.1}, {116.0, 31.0}}}}};
  ds.counties.push_back(c);
  Township t;
  t.code = "341599001";
  t.name = "西镇";
  t.county_code = "341599";
  t.geometry = c.geometry;
  ds.townships.push_back(t);
  Village v;
  v.code = "341599001001";
  v.name = "<script>alert(1)</script>";
  v.township_code = "341599001";
  v.location = {116.05, 31.05};
  ds.villages.push_back(v);
  RoadSegment r;
  r.id = "R1";
  r.road_class = RoadClass::county;
  r.program = Program::changtong;
  r.status = RoadStatus::completed;
  r.county_code = "341599";
  r.geometry = {{{116.0, 31.05}, {116.05, 31.05000001}, {116.1, 31.05}}};
  ds.roads.push_back(r);
  Facility f;
  f.id = "H1";
  f.tier = Tier::county_hub;
  f.admin_code = "341599";
  f.location = {116.05, 31.05};
  ds.facilities.push_back(f);
  return ds;
}

}  // namespace

TEST(MapsEscape, HtmlEscapesEveryMarkupCharacter) {
  EXPECT_EQ(rm::html_escape("<script>a&b\"c'</script>"),
            "&lt;script&gt;a&amp;b&quot;c&#39;&lt;/script&gt;");
  EXPECT_EQ(rm::html_escape("六安市"), "六安市");
}

TEST(MapsEscape, ScriptJsonCannotEndTheScriptAndParsesBack) {
  const json j = {{"name", "</script><script>x()</script><!--"}, {"sep", "a\u2028b\u2029c"}};
  const std::string s = rm::script_json(j);
  EXPECT_EQ(s.find("</"), std::string::npos);
  EXPECT_EQ(s.find("<"), std::string::npos);
  EXPECT_EQ(s.find("\xE2\x80\xA8"), std::string::npos);
  EXPECT_EQ(s.find("\xE2\x80\xA9"), std::string::npos);
  EXPECT_EQ(json::parse(s), j);
}

TEST(MapsScale, NiceLengthsAreOneTwoOrFiveTimesAPowerOfTen) {
  EXPECT_DOUBLE_EQ(rm::nice_scale_length(7300), 5000);
  EXPECT_DOUBLE_EQ(rm::nice_scale_length(4999), 2000);
  EXPECT_DOUBLE_EQ(rm::nice_scale_length(2000), 2000);
  EXPECT_DOUBLE_EQ(rm::nice_scale_length(1999), 1000);
  EXPECT_DOUBLE_EQ(rm::nice_scale_length(0.7), 0.5);
  EXPECT_DOUBLE_EQ(rm::nice_scale_length(0), 0);
}

TEST(MapsSimplify, DropsOnlyVerticesWithinTheTolerance) {
  const std::vector<LonLat> line = {{0, 0}, {1, 0.00001}, {2, 0}, {3, 1}};
  const auto s = rm::simplify_line(line, 0.0001);
  ASSERT_EQ(s.size(), 3u);  // the near-collinear vertex goes, the corner stays
  EXPECT_EQ(s[1], (LonLat{2, 0}));
  EXPECT_EQ(rm::simplify_line(line, 0.000001).size(), 4u);
  EXPECT_EQ(rm::simplify_line(line, 0).size(), 4u);
}

TEST(MapsOutputs, RefusesAFolderOfAnotherDataset) {
  const fs::path d = temp_dir("other");
  write(d / "coverage.json", R"({"schema":"ruralnet.coverage/1","dataset":"a.gpkg","dataset_fingerprint":"aaaa"})");
  const std::string e = error_of([&] { rm::read_output(rm::Analysis::coverage, d, "bbbb", {}); });
  EXPECT_NE(e.find("another dataset"), std::string::npos) << e;
  EXPECT_NE(e.find("aaaa"), std::string::npos) << e;
  EXPECT_NE(e.find("bbbb"), std::string::npos) << e;
  EXPECT_NE(e.find(d.string()), std::string::npos) << e;
  fs::remove_all(d);
}

TEST(MapsOutputs, RefusesMissingFilesWrongSchemaAndNoFingerprint) {
  const fs::path d = temp_dir("missing");
  std::string e = error_of([&] { rm::read_output(rm::Analysis::roads, d, "bbbb", {}); });
  EXPECT_NE(e.find("summary.json"), std::string::npos) << e;
  write(d / "summary.json", R"({"schema":"ruralnet.coverage/1","dataset_fingerprint":"bbbb"})");
  e = error_of([&] { rm::read_output(rm::Analysis::roads, d, "bbbb", {}); });
  EXPECT_NE(e.find("is not a roads output"), std::string::npos) << e;
  write(d / "summary.json", R"({"schema":"ruralnet.roads/1"})");
  e = error_of([&] { rm::read_output(rm::Analysis::roads, d, "bbbb", {}); });
  EXPECT_NE(e.find("no dataset fingerprint"), std::string::npos) << e;
  write(d / "summary.json", R"({"schema":"ruralnet.roads/1","dataset_fingerprint":"bbbb"})");
  e = error_of([&] { rm::read_output(rm::Analysis::roads, d, "bbbb", {}); });
  EXPECT_NE(e.find("roads_audit.gpkg"), std::string::npos) << e;
  fs::remove_all(d);
}

TEST(MapsOutputs, AQuotaReportWithoutFingerprintMustNameTheDatasetsCounties) {
  const fs::path d = temp_dir("quota");
  write(d / "quota.json", R"({"schema":"ruralnet.quota/1","rows":[{"county_code":"341599","status":"met"}]})");
  EXPECT_NO_THROW(rm::read_output(rm::Analysis::quota, d, "bbbb", {"341599"}));
  const std::string e = error_of([&] { rm::read_output(rm::Analysis::quota, d, "bbbb", {"341598"}); });
  EXPECT_NE(e.find("341599"), std::string::npos) << e;
  fs::remove_all(d);
}

TEST(MapsReport, LayersCarryEveryFeatureAndItsCounty) {
  const auto ds = tiny_dataset();
  const rm::ReportData d = rm::build_report_data(ds, {}, rm::Lang::en);
  std::map<std::string, json> by_id;
  for (const auto& l : d.layers) by_id[l["id"]] = l;
  ASSERT_TRUE(by_id.count("counties") && by_id.count("townships") && by_id.count("roads") && by_id.count("villages") &&
              by_id.count("facilities"));
  EXPECT_EQ(by_id["villages"]["features"]["features"].size(), 1u);
  EXPECT_EQ(by_id["townships"]["county"][0], "341599");
  EXPECT_EQ(by_id["facilities"]["county"][0], "341599");
  // The middle vertex is 1e-8 degree off the line: simplified away.
  EXPECT_EQ(by_id["roads"]["features"]["features"][0]["geometry"]["coordinates"].size(), 2u);
  EXPECT_EQ(by_id["roads"]["features"]["features"][0]["properties"]["programme_status"], "completed");
  ASSERT_EQ(d.bounds.size(), 4u);
  EXPECT_DOUBLE_EQ(d.bounds[0], 116.0);
}

TEST(MapsReport, NamesNeverBecomeMarkup) {
  const auto ds = tiny_dataset();
  const rm::ReportData d = rm::build_report_data(ds, {}, rm::Lang::zh);
  rm::Leaflet fake{"/*leaflet*/", "/*css*/", {}};
  const std::string html = rm::render_html(d, fake);
  EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(html.find("\\u003c/script>"), std::string::npos);  // inside the JSON, escaped
  const std::string svg = rm::render_svg(d, rm::Analysis::coverage, {});
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_NE(svg.find("测试县"), std::string::npos);
}

TEST(MapsReport, GenericCountyTableOfSiting) {
  const fs::path d = temp_dir("site");
  write(d / "siting.json",
        R"({"dataset_fingerprint":"fp","counties":[{"county_code":"341599","county_name":"测试县","level":"provincial","quota":3,"chosen":2,"met":false}]})");
  // No GeoPackage: the layers are not there, so read the JSON alone.
  rm::AnalysisOutput o;
  o.kind = rm::Analysis::site;
  o.dir = d;
  std::ifstream in(d / "siting.json");
  o.summary = json::parse(in);
  const rm::ReportData data = rm::build_report_data(tiny_dataset(), {o}, rm::Lang::en);
  ASSERT_EQ(data.panels.size(), 1u);
  const json& p = data.panels[0];
  EXPECT_EQ(p["columns"][0], "County");
  EXPECT_EQ(p["columns"][1], "Level");
  EXPECT_EQ(p["columns"][2], "Quota");
  EXPECT_EQ(p["columns"][3], "Sites chosen");
  EXPECT_EQ(p["rows"][0][3], "2");
  EXPECT_EQ(p["rows"][0][4], "✗");
  EXPECT_EQ(p["county"][0], "341599");
  fs::remove_all(d);
}

TEST(MapsSvg, ScaleBarFitsAQuarterOfTheMap) {
  // 0.1 degree of longitude at 31.05N is 9.55 km; the map is 1200 - 250 - 36
  // = 914 px wide, and the square county fills its height (900 - 34 - 24 =
  // 842 px for 0.1 degree of latitude, 11.09 km), so 0.1 degree of longitude
  // spans 842·cos(31.05°) = 721 px: 13.2 m/px, a quarter of the map is 3.0 km,
  // and the bar is 2 km.
  const rm::ReportData d = rm::build_report_data(tiny_dataset(), {}, rm::Lang::en);
  const std::string svg = rm::render_svg(d, rm::Analysis::coverage, {});
  EXPECT_NE(svg.find(">2 km</text>"), std::string::npos);
}

// The page carries line and polygon coordinates as delta-coded integers of
// 1e-5 degree; the road R1 (116.0, 31.05) -> (116.1, 31.05), simplified to its
// two ends, is 11600000, 3105000 then +10000, 0.
TEST(MapsReport, LinesAreEmbeddedAsDeltaCodedIntegers) {
  const auto ds = tiny_dataset();
  const rm::ReportData d = rm::build_report_data(ds, {}, rm::Lang::en);
  rm::Leaflet fake{"/*leaflet*/", "/*css*/", {}};
  const std::string html = rm::render_html(d, fake);
  const auto start = html.find("id=\"ruralnet-data\">") + std::string("id=\"ruralnet-data\">").size();
  const json page = json::parse(html.substr(start, html.find("</script>", start) - start));
  bool seen_road = false;
  for (const auto& l : page["layers"]) {
    for (const auto& f : l["features"]["features"]) {
      const auto& g = f["geometry"];
      if (g["type"] == "Point") {
        EXPECT_TRUE(g.contains("coordinates"));
        continue;
      }
      EXPECT_FALSE(g.contains("coordinates")) << l["id"];
      if (l["id"] == "roads") {
        EXPECT_EQ(g["d"], json::parse("[11600000, 3105000, 10000, 0]"));
        seen_road = true;
      }
    }
  }
  EXPECT_TRUE(seen_road);
}
