// The report folder: four files, escaped HTML without network references,
// CSV quoting, the JSON schema's fields.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ruralnet/core/error.hpp"
#include "ruralnet/io/table.hpp"
#include "ruralnet/quota/report.hpp"

using namespace ruralnet;
using namespace ruralnet::quota;
namespace fs = std::filesystem;

namespace {

std::string fixture(const std::string& name) { return std::string(RURALNET_TEST_DATA) + "/quota/" + name; }

struct Fixture {
  Plan plan;
  ProgressSet progress;
  QuotaResult result;
  explicit Fixture(Plan p) : plan(std::move(p)) {
    progress = read_progress(io::read_table(fixture("progress-basic.csv")), plan, Date(2020, 6, 30));
    result = compute_quota(plan, progress, {}, Date(2020, 6, 30));
  }
  ReportInput input() const { return {plan, progress, result, "", "", ""}; }
};

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TEST(Escaping, HtmlAndCsv) {
  EXPECT_EQ(html_escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  EXPECT_EQ(html_escape("青水市"), "青水市");
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
}

TEST(Report, HtmlIsSelfContainedAndEscaped) {
  auto j = nlohmann::json::parse(std::ifstream(fixture("fictional-plan.json")));
  j["title"] = "<script>alert(1)</script> & co";
  j["counties"][0]["name"] = "东湖<区>";
  const Fixture fx(parse_plan(j, "p.json"));
  const std::string html = report_html(fx.input());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"), std::string::npos);
  EXPECT_NE(html.find("东湖&lt;区&gt;"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  // One inline SVG bar chart per indicator.
  std::size_t svgs = 0;
  for (std::size_t pos = html.find("<svg"); pos != std::string::npos; pos = html.find("<svg", pos + 1)) ++svgs;
  EXPECT_EQ(svgs, 3u);
  // Cells are coloured by status: the met colour appears (990101 model_shops is met).
  EXPECT_NE(html.find("#2e7d32"), std::string::npos);
}

TEST(Report, CsvAndJsonHoldTheSameFigures) {
  const Fixture fx(load_plan(fixture("fictional-plan.json")));
  const std::string csv = quota_csv(fx.input());
  const auto t = io::parse_csv(csv, "quota.csv");
  EXPECT_EQ(t.rows.size(), 6u + 3u);  // county rows + city rows
  const auto js = quota_json(fx.input());
  EXPECT_EQ(js["schema"], "ruralnet.quota/1");
  EXPECT_EQ(js["as_of"], "2020-06-30");
  ASSERT_EQ(js["rows"].size(), 6u);
  ASSERT_EQ(js["city"].size(), 3u);
  const auto status_col = *t.column("status");
  const auto actual_col = *t.column("actual");
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(t.rows[i].values[status_col], js["rows"][i]["status"].get<std::string>());
    if (js["rows"][i]["actual"].is_null())
      EXPECT_EQ(t.rows[i].values[actual_col], "");
    else
      EXPECT_DOUBLE_EQ(std::stod(t.rows[i].values[actual_col]), js["rows"][i]["actual"].get<double>());
  }
  EXPECT_EQ(js["status_counts"]["county"]["met"], 2);
  EXPECT_EQ(js["status_counts"]["county"]["no_data"], 1);
  EXPECT_EQ(js["city"][0]["counties_reporting"], 3);
  EXPECT_EQ(js["findings"].size(), 0u);
}

TEST(Report, WrittenAsOneFolder) {
  const Fixture fx(load_plan(fixture("fictional-plan.json")));
  const fs::path dir = fs::temp_directory_path() / ("ruralnet-quota-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  fs::remove_all(dir);
  write_report(fx.input(), dir, false);
  for (const char* f : {"report.md", "report.html", "quota.csv", "quota.json"}) EXPECT_TRUE(fs::is_regular_file(dir / f)) << f;
  EXPECT_NE(slurp(dir / "report.md").find("| trained_farmers |"), std::string::npos);
  EXPECT_THROW(write_report(fx.input(), dir, false), UsageError);
  write_report(fx.input(), dir, true);
  fs::remove_all(dir);
}
