// Geodesic distances on CGCS2000 against values computed independently:
// closed forms (equator, meridian arc series) and Karney's published test set
// GeodTest.dat (doi:10.5281/zenodo.32156), all to 1 mm per km or better.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "ruralnet/geo/geodesic.hpp"

using namespace ruralnet;

namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

// 1 mm per km.
double tolerance(double s_m) { return std::max(1e-3, s_m * 1e-6); }

// Meridian arc from the equator to latitude phi (radians), Helmert's series in
// the third flattening n to n^4 (truncation ~n^5 ~ 1e-14 relative).
double meridian_arc(double phi) {
  const double f = geo::kCgcs2000F, a = geo::kCgcs2000A;
  const double n = f / (2.0 - f), n2 = n * n, n3 = n2 * n, n4 = n3 * n;
  return a / (1.0 + n) *
         ((1.0 + n2 / 4.0 + n4 / 64.0) * phi - 1.5 * (n - n3 / 8.0) * std::sin(2.0 * phi) +
          15.0 / 16.0 * (n2 - n4 / 4.0) * std::sin(4.0 * phi) - 35.0 / 48.0 * n3 * std::sin(6.0 * phi) +
          315.0 / 512.0 * n4 * std::sin(8.0 * phi));
}

}  // namespace

TEST(Geodesic, AlongTheEquatorIsTheCircularArc) {
  // The equator is a geodesic for arcs shorter than (1 - f) * 180 degrees.
  const double expected = geo::kCgcs2000A * kDeg;  // 111319.4908 m
  EXPECT_NEAR(geo::geodesic_distance({0.0, 0.0}, {1.0, 0.0}).value(), expected, 1e-6);
  EXPECT_NEAR(geo::geodesic_distance({116.0, 0.0}, {116.5, 0.0}).value(), expected / 2.0, 1e-6);
}

TEST(Geodesic, QuarterMeridianMatchesThePublishedValue) {
  // GRS80 (equal to CGCS2000 to 0.1 mm here): 10 001 965.7293 m.
  EXPECT_NEAR(meridian_arc(std::numbers::pi / 2.0), 10001965.7293, 1e-3);
  EXPECT_NEAR(geo::geodesic_distance({116.5, 0.0}, {116.5, 90.0}).value(), 10001965.7293, 1e-3);
}

TEST(Geodesic, AlongTheMeridianNearLuan) {
  struct Case {
    double lat1, lat2;
  };
  for (const Case c : {Case{31.70, 31.71}, Case{31.70, 31.80}, Case{30.0, 33.0}, Case{31.7, 31.7001}}) {
    const double expected = meridian_arc(c.lat2 * kDeg) - meridian_arc(c.lat1 * kDeg);
    const double got = geo::geodesic_distance({116.5, c.lat1}, {116.5, c.lat2}).value();
    EXPECT_NEAR(got, expected, tolerance(expected)) << c.lat1 << " -> " << c.lat2;
    // And tighter: both are exact to well below a millimetre.
    EXPECT_NEAR(got, expected, 1e-4) << c.lat1 << " -> " << c.lat2;
  }
}

TEST(Geodesic, KarneyTestSet) {
  // Lines 2874, 100001 and 100017 of GeodTest.dat (WGS84). CGCS2000's
  // flattening differs from WGS84's by 1.6e-11, which moves these distances by
  // well under 1 mm; the tolerance is 1 mm per km.
  struct Case {
    double lat1, lon1, lat2, lon2, s12;
  };
  const Case cases[] = {
      {5.421025561218, 0.0, 3.027329237478900117, 109.666857465735641205, 12161089.9991805},
      {8.226828747671, 0.0, -8.516119211674268968, 178.688979582629224039, 19886305.6710041},
      {0.322440123063, 0.0, -0.367465171996537868, 179.160624688175359763, 19943611.6727803},
  };
  for (const Case& c : cases) {
    const double got = geo::geodesic_distance({c.lon1, c.lat1}, {c.lon2, c.lat2}).value();
    EXPECT_NEAR(got, c.s12, tolerance(c.s12));
    EXPECT_NEAR(got, c.s12, 0.01);  // in fact within a centimetre
  }
}

TEST(Geodesic, LengthSumsTheVertexDistances) {
  const std::vector<LonLat> line{{116.5, 31.70}, {116.5, 31.71}, {116.5, 31.72}};
  const double expected = meridian_arc(31.72 * kDeg) - meridian_arc(31.70 * kDeg);
  EXPECT_NEAR(geo::geodesic_length(line).value(), expected, 1e-4);
  EXPECT_EQ(geo::geodesic_length({}).value(), 0.0);
  EXPECT_EQ(geo::geodesic_length({{116.5, 31.7}}).value(), 0.0);
}
