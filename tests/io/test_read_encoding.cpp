#include <gtest/gtest.h>

#include "ruralnet/core/error.hpp"
#include "ruralnet/io/read.hpp"
#include "test_read_util.hpp"

using namespace ruralnet;
using namespace ruralnet::testing;

namespace {

const ProgressSettings kQuiet{true};

// GBK bytes of 城关镇, 河口镇 and 人口 (population), written out by hand from
// the GB 2312 code table so that the test does not depend on the converter
// under test.
const std::string kChengguan = "\xb3\xc7\xb9\xd8\xd5\xf2";
const std::string kHekou = "\xba\xd3\xbf\xda\xd5\xf2";
const std::string kRenkou = "\xc8\xcb\xbf\xda";

// A townships shapefile whose text is written as raw bytes (no recoding by
// GDAL) and whose .cpg, if any, is then removed: an undeclared encoding.
void write_undeclared(const TempDir& dir, const std::string& name1, const std::string& name2,
                      const std::string& extra_field = "note") {
  write_layer(dir / "townships.shp", "ESRI Shapefile", "townships", 4490,
              {{"code", OFTString}, {"name", OFTString}, {extra_field, OFTString}},
              {{{"341522100", name1, "1"}, "POLYGON ((116.0 32.0,116.2 32.0,116.2 32.4,116.0 32.4,116.0 32.0))"},
               {{"341522101", name2, "2"}, "POLYGON ((116.2 32.0,116.4 32.0,116.4 32.4,116.2 32.4,116.2 32.0))"}},
              {"ENCODING="});
  fs::remove(dir.path / "townships.cpg");
  ASSERT_FALSE(fs::exists(dir.path / "townships.cpg"));
}

io::ReadOptions options_for(const TempDir& dir) {
  io::ReadOptions o;
  o.dataset = dir.path.string();
  return o;
}

}  // namespace

TEST(ReadEncoding, GbkShapefileWithoutCpgIsDetected) {
  TempDir dir;
  write_undeclared(dir, kChengguan, kHekou, kRenkou);
  const auto ds = io::read_dataset(options_for(dir), kQuiet);
  ASSERT_EQ(ds.townships.size(), 2u);
  EXPECT_EQ(ds.townships[0].name, "城关镇");
  EXPECT_EQ(ds.townships[1].name, "河口镇");
  ASSERT_EQ(ds.townships[0].extra.size(), 1u);
  EXPECT_EQ(ds.townships[0].extra[0].first, "人口");  // field names are decoded too
  EXPECT_EQ(ds.layers.at("townships").encoding, "GB18030");
}

TEST(ReadEncoding, EncodingOptionIsUsedForUndeclaredText) {
  TempDir dir;
  write_undeclared(dir, kChengguan, kHekou);
  auto o = options_for(dir);
  o.encoding = "gbk";
  const auto ds = io::read_dataset(o, kQuiet);
  ASSERT_EQ(ds.townships.size(), 2u);
  EXPECT_EQ(ds.townships[0].name, "城关镇");
  EXPECT_EQ(ds.layers.at("townships").encoding, "GBK");
  // A wrong --encoding is refused rather than turned into mojibake.
  o.encoding = "UTF-8";
  try {
    io::read_dataset(o, kQuiet);
    FAIL();
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("townships.shp"), std::string::npos) << what;
    EXPECT_NE(what.find("not valid UTF-8"), std::string::npos) << what;
    EXPECT_NE(what.find("B3 C7"), std::string::npos) << what;  // the bytes, for the record
  }
}

TEST(ReadEncoding, Latin1WithoutCpgIsRefused) {
  TempDir dir;
  write_undeclared(dir, "Caf\xe9 Z\xfcrich", "M\xfcller Stra\xdf" "e");
  try {
    io::read_dataset(options_for(dir), kQuiet);
    FAIL();
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("townships.shp"), std::string::npos) << what;
    EXPECT_NE(what.find("layer 'townships'"), std::string::npos) << what;
    EXPECT_NE(e.hint().find("--encoding GBK"), std::string::npos) << e.hint();
  }
  auto o = options_for(dir);
  o.encoding = "latin1";
  const auto ds = io::read_dataset(o, kQuiet);
  EXPECT_EQ(ds.townships[0].name, "Café Zürich");
}

TEST(ReadEncoding, DeclaredCpgIsHonoured) {
  TempDir dir;
  // GDAL converts the UTF-8 we hand it to CP936 and writes a .cpg saying so.
  write_layer(dir / "townships.shp", "ESRI Shapefile", "townships", 4490, {{"code", OFTString}, {"name", OFTString}},
              {{{"341522100", "城关镇"}, "POLYGON ((116.0 32.0,116.2 32.0,116.2 32.4,116.0 32.4,116.0 32.0))"}},
              {"ENCODING=CP936"});
  ASSERT_TRUE(fs::exists(dir.path / "townships.cpg"));
  const auto ds = io::read_dataset(options_for(dir), kQuiet);
  ASSERT_EQ(ds.townships.size(), 1u);
  EXPECT_EQ(ds.townships[0].name, "城关镇");
  EXPECT_EQ(ds.layers.at("townships").encoding, "GBK");
}

TEST(ReadEncoding, AsciiOnlyUndeclaredTextReadsAsUtf8) {
  TempDir dir;
  write_undeclared(dir, "Chengguan", "Hekou");
  const auto ds = io::read_dataset(options_for(dir), kQuiet);
  EXPECT_EQ(ds.townships[1].name, "Hekou");
  EXPECT_EQ(ds.layers.at("townships").encoding, "UTF-8");
}
