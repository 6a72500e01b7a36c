// The batch inverse projection gives bit for bit what the point-by-point one
// gives, and both return to the projected points through the forward one.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "ruralnet/geo/crs.hpp"

using namespace ruralnet;

TEST(Projector, BatchInverseEqualsPointByPoint) {
  const geo::Projector proj(geo::choose_local_crs({116.0, 31.0, 117.5, 32.5}));
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lon(115.8, 117.7), lat(30.8, 32.7);
  std::vector<XY> xy;
  for (int i = 0; i < 2000; ++i) xy.push_back(proj.to_local(LonLat{lon(rng), lat(rng)}));
  std::vector<LonLat> batch;
  proj.to_geographic(xy, batch);
  ASSERT_EQ(batch.size(), xy.size());
  for (std::size_t i = 0; i < xy.size(); ++i) {
    const LonLat one = proj.to_geographic(xy[i]);
    EXPECT_EQ(batch[i].lon, one.lon) << i;
    EXPECT_EQ(batch[i].lat, one.lat) << i;
    const XY back = proj.to_local(batch[i]);
    EXPECT_NEAR(back.x, xy[i].x, 1e-6);
    EXPECT_NEAR(back.y, xy[i].y, 1e-6);
  }
  std::vector<LonLat> none;
  proj.to_geographic(std::vector<XY>{}, none);
  EXPECT_TRUE(none.empty());
}
