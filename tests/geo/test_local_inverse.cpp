// The interpolated inverse projection against PROJ point by point, over
// boxes from 1 to 200 km on and off the central meridian.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "ruralnet/geo/local_inverse.hpp"

using namespace ruralnet;

namespace {

struct Worst {
  double lon = 0.0, lat = 0.0;
};

Worst worst_error(const geo::Projector& proj, double cx, double cy, double side) {
  const geo::LocalInverse inv(proj, cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2);
  EXPECT_TRUE(inv.interpolates());
  std::mt19937_64 rng(static_cast<std::uint64_t>(side) + 3);
  std::uniform_real_distribution<double> u(-side / 2, side / 2);
  std::vector<XY> pts;
  for (int k = 0; k < 3000; ++k) pts.push_back({cx + u(rng), cy + u(rng)});
  pts.push_back({cx - side / 2, cy - side / 2});  // a corner: a node of the grid
  pts.push_back({cx + side / 2, cy});
  std::vector<LonLat> got;
  inv.to_geographic(pts, got);
  Worst w;
  for (std::size_t k = 0; k < pts.size(); ++k) {
    const LonLat exact = proj.to_geographic(pts[k]);
    w.lon = std::max(w.lon, std::fabs(got[k].lon - exact.lon));
    w.lat = std::max(w.lat, std::fabs(got[k].lat - exact.lat));
  }
  return w;
}

}  // namespace

TEST(LocalInverse, AgreesWithProjToItsRoundOff) {
  // The zone of 117°E; x is the false easting 500 km plus the distance from
  // the central meridian. 1e-12 degree is about 0.1 micrometre; what is
  // left is PROJ's own round-off (about 1e-13 degree).
  const geo::Projector proj(geo::choose_local_crs({116.0, 31.0, 117.9, 32.9}));
  const XY centre = proj.to_local(LonLat{117.0, 31.8});
  const XY off = proj.to_local(LonLat{118.4, 31.8});  // 130 km east of the meridian
  for (const XY c : {centre, off}) {
    for (const double side : {1000.0, 30000.0, 100000.0}) {
      const Worst w = worst_error(proj, c.x, c.y, side);
      EXPECT_LT(w.lon, 1e-12) << side;
      EXPECT_LT(w.lat, 1e-12) << side;
    }
    const Worst w = worst_error(proj, c.x, c.y, 200000.0);
    EXPECT_LT(w.lon, 1e-12);
    EXPECT_LT(w.lat, 1e-12);
  }
}

TEST(LocalInverse, LargeBoxesAndPointsOutsideUseProj) {
  const geo::Projector proj(geo::choose_local_crs({116.0, 31.0, 117.9, 32.9}));
  const XY c = proj.to_local(LonLat{117.0, 31.8});
  const geo::LocalInverse big(proj, c.x - 150000, c.y - 150000, c.x + 150000, c.y + 150000);
  EXPECT_FALSE(big.interpolates());
  const XY p{c.x + 12345.6, c.y - 65432.1};
  EXPECT_EQ(big.to_geographic(p), proj.to_geographic(p));
  const geo::LocalInverse small(proj, c.x, c.y, c.x + 1000, c.y + 1000);
  ASSERT_TRUE(small.interpolates());
  const XY outside{c.x + 5000, c.y + 5000};
  EXPECT_EQ(small.to_geographic(outside), proj.to_geographic(outside));
}
