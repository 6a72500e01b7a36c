// Attribute tables: the CSV parser's line numbers, quoting, encodings, and
// tables through GDAL.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ruralnet/core/error.hpp"
#include "ruralnet/io/table.hpp"

using namespace ruralnet;
using namespace ruralnet::io;
namespace fs = std::filesystem;

TEST(Csv, LineNumbersQuotesAndBlankRows) {
  const Table t = parse_csv(
      "a,b,c\r\n"
      "1,\"x, y\",3\r\n"
      "\r\n"
      "2,\"two\nlines\",\"say \"\"hi\"\"\"\r\n"
      "3,,\r\n"
      ",,\r\n"
      "\r\n",
      "t.csv");
  EXPECT_EQ(t.columns, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].number, 2u);
  EXPECT_EQ(t.rows[0].values[1], "x, y");
  EXPECT_EQ(t.rows[1].number, 4u);  // the record starts on line 4 and spans two lines
  EXPECT_EQ(t.rows[1].values[1], "two\nlines");
  EXPECT_EQ(t.rows[1].values[2], "say \"hi\"");
  EXPECT_EQ(t.rows[2].number, 6u);
  EXPECT_EQ(t.rows[2].values, (std::vector<std::string>{"3", "", ""}));
  EXPECT_EQ(t.blank_rows, 3u);
  EXPECT_EQ(t.where(t.rows[2]), "line 6");
  EXPECT_EQ(t.column(" B "), 1u);
  EXPECT_FALSE(t.column("d"));
}

TEST(Csv, TabsBomAndEmpty) {
  const Table t = parse_csv("\xEF\xBB\xBF" "a\tb\n1,5\t2\n", "t.tsv");
  EXPECT_EQ(t.encoding, "UTF-8");
  EXPECT_EQ(t.columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(t.rows[0].values, (std::vector<std::string>{"1,5", "2"}));
  EXPECT_THROW(parse_csv("", "e.csv"), InputError);
  EXPECT_THROW(parse_csv("\n\n", "e.csv"), InputError);
  EXPECT_THROW(parse_csv("a,b\n1,\"open\n", "q.csv"), InputError);
  EXPECT_THROW(parse_csv("\xFF\xFE" "a\0,\0", "u16.csv"), InputError);
}

TEST(Csv, Encodings) {
  // "县,名称\n霍邱,第一季度" in GBK.
  const std::string gbk = "\xCF\xD8,\xC3\xFB\xB3\xC6\n\xBB\xF4\xC7\xF1,\xB5\xDA\xD2\xBB\xBC\xBE\xB6\xC8\n";
  const Table t = parse_csv(gbk, "g.csv");
  EXPECT_EQ(t.encoding, "GB18030");
  EXPECT_EQ(t.columns[0], "县");
  EXPECT_EQ(t.rows[0].values[1], "第一季度");
  EXPECT_EQ(parse_csv(gbk, "g.csv", {"gbk", ""}).rows[0].values[0], "霍邱");
  // Latin-1 text is neither UTF-8 nor Chinese: refuse rather than guess.
  try {
    parse_csv("name\ncaf\xE9\n", "l.csv");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("encoding"), std::string::npos);
    EXPECT_NE(e.hint().find("--encoding"), std::string::npos);
  }
  // Said to be UTF-8 but is not: the line is named.
  try {
    parse_csv("a\nok\n" + gbk, "g.csv", {"UTF-8", ""});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos);
  }
  EXPECT_THROW(parse_csv("a\n1\n", "x.csv", {"klingon", ""}), InputError);
}

TEST(Csv, MissingFile) { EXPECT_THROW(read_table("/nonexistent/progress.csv"), InputError); }

namespace {
// Writes a small attribute table with GDAL; `raw_gbk` writes the DBF's text
// as GBK bytes without a .cpg, the way older Chinese GIS software does.
void write_table(const fs::path& path, const char* driver, bool raw_gbk) {
  GDALAllRegister();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver);
  ASSERT_NE(drv, nullptr);
  GDALDataset* ds = drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  ASSERT_NE(ds, nullptr);
  const char* lco[] = {"ENCODING=", nullptr};
  OGRLayer* layer = ds->CreateLayer("progress", nullptr, wkbNone, raw_gbk ? const_cast<char**>(lco) : nullptr);
  ASSERT_NE(layer, nullptr);
  OGRFieldDefn code("county", OFTString);  // DBF names hold 10 characters
  OGRFieldDefn src("source", OFTString);
  OGRFieldDefn val("value", OFTReal);
  layer->CreateField(&code);
  layer->CreateField(&src);
  layer->CreateField(&val);
  const char* sources_utf8[] = {"霍邱县报告", "", "舒城县报告"};
  const char* sources_gbk[] = {"\xBB\xF4\xC7\xF1\xCF\xD8\xB1\xA8\xB8\xE6", "", "\xCA\xE6\xB3\xC7\xCF\xD8\xB1\xA8\xB8\xE6"};
  const char* codes[] = {"341522", "", "341523"};
  for (int i = 0; i < 3; ++i) {
    OGRFeature* f = OGRFeature::CreateFeature(layer->GetLayerDefn());
    if (*codes[i]) {
      f->SetField("county", codes[i]);
      f->SetField("source", raw_gbk ? sources_gbk[i] : sources_utf8[i]);
      f->SetField("value", 1300.5 + i);
    }
    ASSERT_EQ(layer->CreateFeature(f), OGRERR_NONE);
    OGRFeature::DestroyFeature(f);
  }
  GDALClose(ds);
}
}  // namespace

TEST(GdalTable, GeoPackage) {
  const fs::path dir = fs::temp_directory_path() / ("ruralnet-table-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path p = dir / "progress.gpkg";
  write_table(p, "GPKG", false);
  const Table t = read_table(p.string());
  EXPECT_EQ(t.number_kind, "feature");
  EXPECT_EQ(t.layer, "progress");
  EXPECT_EQ(t.encoding, "UTF-8");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.blank_rows, 1u);
  EXPECT_EQ(t.rows[1].number, 3u);
  EXPECT_EQ(t.where(t.rows[1]), "feature 3");
  EXPECT_EQ(t.rows[0].values[*t.column("source")], "霍邱县报告");
  EXPECT_EQ(t.rows[0].values[*t.column("county")], "341522");
  EXPECT_DOUBLE_EQ(std::stod(t.rows[0].values[*t.column("value")]), 1300.5);
  EXPECT_THROW(read_table(p.string(), {"", "no_such_layer"}), InputError);
  fs::remove_all(dir);
}

TEST(GdalTable, GbkDbfWithoutCodePage) {
  const fs::path dir = fs::temp_directory_path() / ("ruralnet-table-dbf-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path p = dir / "progress.dbf";
  write_table(p, "ESRI Shapefile", true);
  fs::remove(dir / "progress.cpg");
  const Table t = read_table(p.string());
  EXPECT_EQ(t.encoding, "GB18030");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].values[*t.column("source")], "霍邱县报告");
  EXPECT_EQ(t.rows[1].values[*t.column("source")], "舒城县报告");
  EXPECT_EQ(t.rows[1].values[*t.column("county")], "341523");
  EXPECT_EQ(read_table(p.string(), {"GBK", ""}).rows[1].values[*t.column("source")], "舒城县报告");
  fs::remove_all(dir);
}

TEST(GdalTable, NotATable) {
  const fs::path p = fs::temp_directory_path() / ("ruralnet-not-a-table-" + std::to_string(::getpid()) + ".xyz");
  { std::ofstream(p) << "hello"; }
  EXPECT_THROW(read_table(p.string()), InputError);
  fs::remove(p);
  EXPECT_THROW(read_table("/nonexistent/progress.xlsx"), InputError);
}

TEST(GdalTable, SpreadsheetHeaderAndTextCells) {
  // A sheet whose cells are all text: the first row is still the header.
  const fs::path dir = fs::temp_directory_path() / ("ruralnet-table-xlsx-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path p = dir / "progress.xlsx";
  GDALAllRegister();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("XLSX");
  if (!drv) GTEST_SKIP() << "GDAL has no XLSX driver";
  GDALDataset* ds = drv->Create(p.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  ASSERT_NE(ds, nullptr);
  OGRLayer* layer = ds->CreateLayer("Sheet1", nullptr, wkbNone, nullptr);
  for (const char* name : {"county_code", "value"}) {
    OGRFieldDefn f(name, OFTString);
    layer->CreateField(&f);
  }
  OGRFeature* f = OGRFeature::CreateFeature(layer->GetLayerDefn());
  f->SetField("county_code", "341522");
  f->SetField("value", "1,300");
  ASSERT_EQ(layer->CreateFeature(f), OGRERR_NONE);
  OGRFeature::DestroyFeature(f);
  GDALClose(ds);
  const Table t = read_table(p.string());
  EXPECT_EQ(t.columns, (std::vector<std::string>{"county_code", "value"}));
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].values, (std::vector<std::string>{"341522", "1,300"}));
  fs::remove_all(dir);
}
