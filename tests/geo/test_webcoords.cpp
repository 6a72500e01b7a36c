#include <gtest/gtest.h>

#include "ruralnet/geo/webcoords.hpp"

using namespace ruralnet;
using namespace ruralnet::geo;

namespace {

// Published test vectors of the public GCJ-02 formulas ("eviltransform"):
// WGS84 lat, lon -> GCJ-02 lat, lon.
struct Vector {
  double wgs_lat, wgs_lon, gcj_lat, gcj_lon;
};
const Vector kGcj[] = {
    {31.1774276, 121.5272106, 31.17530398364597, 121.531541859215},     // Shanghai
    {22.543847, 113.912316, 22.540796131694766, 113.9171764808363},     // Shenzhen
    {39.911954, 116.377817, 39.91334545536069, 116.38404722455657},     // Beijing
};

}  // namespace

TEST(WebCoords, Wgs84ToGcj02MatchesPublishedVectors) {
  for (const auto& v : kGcj) {
    const LonLat g = wgs84_to_gcj02({v.wgs_lon, v.wgs_lat});
    EXPECT_NEAR(g.lon, v.gcj_lon, 1e-9);
    EXPECT_NEAR(g.lat, v.gcj_lat, 1e-9);
  }
}

TEST(WebCoords, Gcj02InverseRecoversWgs84) {
  for (const auto& v : kGcj) {
    const LonLat w = gcj02_to_wgs84({v.gcj_lon, v.gcj_lat});
    EXPECT_NEAR(w.lon, v.wgs_lon, 1e-7);
    EXPECT_NEAR(w.lat, v.wgs_lat, 1e-7);
  }
}

TEST(WebCoords, Bd09MatchesIndependentComputation) {
  // Lu'an city centre, WGS84 (116.5078 E, 31.7536 N), converted by a separate
  // implementation of the public GCJ-02 and BD-09 formulas (written apart
  // from this code, in another language).
  const LonLat wgs{116.5078, 31.7536};
  const LonLat gcj = wgs84_to_gcj02(wgs);
  EXPECT_NEAR(gcj.lon, 116.51292320357778, 1e-9);
  EXPECT_NEAR(gcj.lat, 31.75156706938849, 1e-9);
  const LonLat bd = gcj02_to_bd09(gcj);
  EXPECT_NEAR(bd.lon, 116.51932342785729, 1e-9);
  EXPECT_NEAR(bd.lat, 31.757889891787595, 1e-9);
  const LonLat back = bd09_to_wgs84({116.51932342785729, 31.757889891787595});
  EXPECT_NEAR(back.lon, wgs.lon, 1e-7);
  EXPECT_NEAR(back.lat, wgs.lat, 1e-7);
}

TEST(WebCoords, RoundTripsAcrossLuan) {
  // A grid over Lu'an city (115.3-117.1 E, 31.0-32.7 N).
  for (double lon = 115.3; lon <= 117.1; lon += 0.3)
    for (double lat = 31.0; lat <= 32.7; lat += 0.25) {
      const LonLat p{lon, lat};
      const LonLat g = gcj02_to_wgs84(wgs84_to_gcj02(p));
      EXPECT_NEAR(g.lon, lon, 1e-7);
      EXPECT_NEAR(g.lat, lat, 1e-7);
      const LonLat b = bd09_to_wgs84(wgs84_to_bd09(p));
      EXPECT_NEAR(b.lon, lon, 1e-7);
      EXPECT_NEAR(b.lat, lat, 1e-7);
      const LonLat bg = bd09_to_gcj02(gcj02_to_bd09(p));
      EXPECT_NEAR(bg.lon, lon, 1e-7);
      EXPECT_NEAR(bg.lat, lat, 1e-7);
      // The GCJ-02 shift is a few hundred metres: between 1e-4 and 1e-2 degrees.
      const LonLat s = wgs84_to_gcj02(p);
      EXPECT_GT(std::abs(s.lon - lon) + std::abs(s.lat - lat), 1e-4);
      EXPECT_LT(std::abs(s.lon - lon) + std::abs(s.lat - lat), 1e-2);
    }
}

TEST(WebCoords, OutsideChinaIsUnchanged) {
  const LonLat paris{2.35, 48.85};
  EXPECT_TRUE(outside_china(paris));
  EXPECT_EQ(wgs84_to_gcj02(paris), paris);
  EXPECT_EQ(gcj02_to_wgs84(paris), paris);
  EXPECT_FALSE(outside_china({116.5, 31.7}));
}

TEST(WebCoords, WebToWgs84AndParsing) {
  const LonLat p{116.5, 31.75};
  EXPECT_EQ(web_to_wgs84(p, WebCoords::none), p);
  const LonLat g = wgs84_to_gcj02(p);
  const LonLat back = web_to_wgs84(g, WebCoords::gcj02);
  EXPECT_NEAR(back.lon, p.lon, 1e-7);
  EXPECT_NEAR(back.lat, p.lat, 1e-7);
  EXPECT_EQ(parse_web_coords("GCJ02"), WebCoords::gcj02);
  EXPECT_EQ(parse_web_coords("bd-09"), WebCoords::bd09);
  EXPECT_EQ(parse_web_coords(""), WebCoords::none);
  EXPECT_FALSE(parse_web_coords("mercator"));
}
