// The short-line length formula against PROJ's geodesic (Karney's inverse
// solution), over random lines in the latitudes of China, and against lengths
// worked out by hand.
#include <geodesic.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "ruralnet/geo/geodesic.hpp"

namespace ruralnet::geo {
namespace {

const geod_geodesic& cgcs2000() {
  static const geod_geodesic g = [] {
    geod_geodesic e{};
    geod_init(&e, kCgcs2000A, kCgcs2000F);
    return e;
  }();
  return g;
}

// The end of a line of length s from (lon, lat) at azimuth azi, by PROJ's
// direct solution: an independent way to make lines of known length.
LonLat destination(LonLat from, double azi_deg, double s) {
  double lat2 = 0, lon2 = 0, azi2 = 0;
  geod_direct(&cgcs2000(), from.lat, from.lon, azi_deg, s, &lat2, &lon2, &azi2);
  return {lon2, lat2};
}

TEST(ShortLine, MatchesTheGeodesicOverRandomLinesUpToTheCutOff) {
  std::mt19937_64 rng(20180705);
  std::uniform_real_distribution<double> lat(18.0, 53.0), lon(73.0, 135.0), azi(-180.0, 180.0), log_s(0.0, 1.0);
  double worst_rel = 0.0, worst_long_rel = 0.0, worst_km_rel = 0.0;
  const double log_max = std::log(kShortLineMaxM);
  for (int i = 0; i < 200000; ++i) {
    const LonLat a{lon(rng), lat(rng)};
    // Lengths spread evenly in log scale from 1 m to the cut-off.
    const double s = std::exp(log_s(rng) * log_max);
    const LonLat b = destination(a, azi(rng), s);
    const double ref = geodesic_distance(a, b).value();
    const double got = short_line_distance(a, b).value();
    const double rel = std::fabs(got - ref) / ref;
    worst_rel = std::max(worst_rel, rel);
    if (s > 100.0) worst_long_rel = std::max(worst_long_rel, rel);
    if (s > 5000.0) worst_km_rel = std::max(worst_km_rel, rel);
    // geod_inverse itself is exact to the round-off of its own arithmetic,
    // a few 1e-9 m: on a 1 m line (checked in 40-digit arithmetic) the closed
    // formula is the nearer of the two.
    ASSERT_LT(std::fabs(got - ref), 1e-10 * ref + 5e-9) << "from (" << a.lon << ", " << a.lat << ") to (" << b.lon << ", " << b.lat << "), " << ref << " m";
  }
  // Below 100 m the difference is the round-off of either method (a few
  // 1e-10 m); above it the formula's own error would show.
  EXPECT_LT(worst_long_rel, 1e-10);
  std::printf("short line: worst relative error %.3g (1 m .. %.0f m), %.3g (100 m ..), %.3g (5 km ..)\n", worst_rel,
              kShortLineMaxM, worst_long_rel, worst_km_rel);
}

TEST(ShortLine, AlongTheEquatorIsTheArcOfTheEquator) {
  // On the equator the geodesic between close points is the equator itself:
  // a * dlon (radians), worked out by hand: 6378137 * 0.01 * pi / 180.
  const double s = short_line_distance({116.0, 0.0}, {116.01, 0.0}).value();
  EXPECT_NEAR(s, 6378137.0 * 0.01 * std::numbers::pi / 180.0, 1e-9);
  EXPECT_NEAR(s, 1113.1949079327357, 1e-9);
}

TEST(ShortLine, AlongAMeridianIsTheMeridianArc) {
  // The meridian arc from 30°N to 30.01°N by Simpson's rule over the radius of
  // curvature M = a (1 - e^2) / (1 - e^2 sin^2 phi)^1.5: an independent sum.
  const double e2 = kCgcs2000F * (2.0 - kCgcs2000F);
  auto m = [&](double phi) { return kCgcs2000A * (1.0 - e2) / std::pow(1.0 - e2 * std::sin(phi) * std::sin(phi), 1.5); };
  const double p0 = 30.0 * std::numbers::pi / 180.0, p1 = 30.01 * std::numbers::pi / 180.0;
  const int n = 64;
  double sum = m(p0) + m(p1);
  for (int k = 1; k < n; ++k) sum += (k % 2 ? 4.0 : 2.0) * m(p0 + (p1 - p0) * k / n);
  const double arc = sum * (p1 - p0) / (3.0 * n);
  EXPECT_NEAR(short_line_distance({117.0, 30.0}, {117.0, 30.01}).value(), arc, 1e-8);
}

TEST(ShortLine, KeepsFullPrecisionOnAMetreAndAtZero) {
  const LonLat a{116.5, 31.75};
  EXPECT_EQ(short_line_distance(a, a).value(), 0.0);
  // The chord from (86.598254708210689, 49.742178928417921) to
  // (86.59826345045802, 49.742186176929245), in 40-digit arithmetic from the
  // Cartesian coordinates of the two points, is 1.02324664298818 m (the arc
  // exceeds it by 1e-14 m).
  EXPECT_NEAR(short_line_distance({86.598254708210689, 49.742178928417921}, {86.59826345045802, 49.742186176929245}).value(),
              1.02324664298818, 2e-13);
  for (double azi_deg : {0.0, 37.0, 90.0, 145.0, -60.0}) {
    // The end is rounded to a double (1e-14 degree, about 1e-9 m), so the
    // reference is the geodesic between the points as stored.
    const LonLat b = destination(a, azi_deg, 1.0);
    EXPECT_NEAR(short_line_distance(a, b).value(), geodesic_distance(a, b).value(), 5e-9) << azi_deg;
    EXPECT_NEAR(short_line_distance(a, b).value(), 1.0, 1e-8) << azi_deg;
  }
}

TEST(ShortLine, FallsBackToTheGeodesicAboveTheCutOff) {
  const LonLat a{116.0, 31.0};
  for (double s : {kShortLineMaxM * 1.01, 150000.0, 3.0e6}) {
    const LonLat b = destination(a, 40.0, s);
    EXPECT_EQ(short_line_distance(a, b).value(), geodesic_distance(a, b).value()) << s;
    EXPECT_NEAR(short_line_distance(a, b).value(), s, 1e-6) << s;
  }
}

TEST(ShortLine, CumulativeLengthsAddTheLinesOfAPolyline) {
  const std::vector<LonLat> pts = {{116.0, 31.0}, {116.001, 31.0005}, {116.001, 31.0005}, {116.3, 31.2}, {116.3004, 31.1999}};
  std::vector<double> cum(pts.size(), -1.0);
  cumulative_length_m(pts.data(), pts.size(), cum.data());
  EXPECT_EQ(cum[0], 0.0);
  for (std::size_t i = 1; i < pts.size(); ++i)
    EXPECT_NEAR(cum[i] - cum[i - 1], geodesic_distance(pts[i - 1], pts[i]).value(), 1e-10 * cum[i] + 1e-12) << i;
  EXPECT_EQ(cum[2], cum[1]);  // a repeated vertex adds nothing
}

}  // namespace
}  // namespace ruralnet::geo
