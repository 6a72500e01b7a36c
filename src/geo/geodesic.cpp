#include "ruralnet/geo/geodesic.hpp"

#include <geodesic.h>

#include <cmath>
#include <numbers>

namespace ruralnet::geo {

namespace {
const geod_geodesic& ellipsoid() {
  static const geod_geodesic g = [] {
    geod_geodesic e{};
    geod_init(&e, kCgcs2000A, kCgcs2000F);
    return e;
  }();
  return g;
}
}  // namespace

Metres geodesic_distance(LonLat a, LonLat b) {
  double s12 = 0.0;
  geod_inverse(&ellipsoid(), a.lat, a.lon, b.lat, b.lon, &s12, nullptr, nullptr);
  return Metres(s12);
}

Metres geodesic_length(const std::vector<LonLat>& line) {
  double total = 0.0;
  for (std::size_t i = 1; i < line.size(); ++i) total += geodesic_distance(line[i - 1], line[i]).value();
  return Metres(total);
}

double geodesic_ring_area_m2(const std::vector<LonLat>& ring) {
  if (ring.size() < 4) return 0.0;
  std::vector<double> lats, lons;
  lats.reserve(ring.size());
  lons.reserve(ring.size());
  // The closing vertex repeats the first; geod_polygonarea closes implicitly.
  for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
    lats.push_back(ring[i].lat);
    lons.push_back(ring[i].lon);
  }
  double area = 0.0, perimeter = 0.0;
  geod_polygonarea(&ellipsoid(), lats.data(), lons.data(), static_cast<int>(lats.size()), &area, &perimeter);
  return std::fabs(area);
}

namespace {

constexpr double kRadPerDeg = std::numbers::pi / 180.0;
constexpr double kOneMinusF = 1.0 - kCgcs2000F;
constexpr double kE2 = kCgcs2000F * (2.0 - kCgcs2000F);

// What a vertex contributes to every line it ends, computed once.
struct VertexTrig {
  double lat, lon;
  double sin_phi, cos_phi;    // geodetic latitude
  double sin_beta, cos_beta;  // reduced latitude: tan(beta) = (1 - f) tan(phi)
};

VertexTrig vertex_trig(LonLat p) {
  VertexTrig v{};
  v.lat = p.lat;
  v.lon = p.lon;
  const double phi = p.lat * kRadPerDeg;
  v.sin_phi = std::sin(phi);
  v.cos_phi = std::cos(phi);
  const double h = std::sqrt(v.cos_phi * v.cos_phi + kOneMinusF * kOneMinusF * v.sin_phi * v.sin_phi);
  v.sin_beta = kOneMinusF * v.sin_phi / h;
  v.cos_beta = v.cos_phi / h;
  return v;
}

// The short-line formula; a negative value when the line is too long for it.
//
// A point on the ellipsoid is (rho, z) = (a cos(beta), b sin(beta)) in its
// meridian plane, so the squared chord between two points is
//   c^2 = 4 a^2 [ sin^2(dbeta/2) V^2 + cos(beta1) cos(beta2) sin^2(dlambda/2) ],
//   V^2 = 1 - e^2 cos^2(beta_m),  beta_m = (beta1 + beta2) / 2,
// where dbeta comes from tan(dbeta) = (1-f) sin(dphi) / (cos phi1 cos phi2 +
// (1-f)^2 sin phi1 sin phi2) and the half angles from the sine and cosine of
// dbeta without subtracting nearly equal numbers: the chord of a 1 m line keeps
// full precision. Along a short geodesic the curvature is the normal curvature
// 1/R in its direction, 1/R = cos^2(alpha)/M + sin^2(alpha)/N, with M = a V^3
// / (1-f) and N = a V / (1-f) at the middle; the arc of a circle of radius R
// over the chord c is s = c (1 + x/24 + 3 x^2/640 + ...), x = (c/R)^2. What
// this neglects, the change of curvature along the line and the twist of the
// geodesic, is of relative order e^2 (s/R)^3 / 12: 2e-11 at 20 km.
double short_line(const VertexTrig& p, const VertexTrig& q) {
  const double num = kOneMinusF * std::sin((q.lat - p.lat) * kRadPerDeg);
  const double den = p.cos_phi * q.cos_phi + kOneMinusF * kOneMinusF * p.sin_phi * q.sin_phi;
  if (!(den > 0.5)) return -1.0;  // latitudes far apart (or NaN)
  const double h = std::sqrt(num * num + den * den);
  const double sin2_half = num * num / (2.0 * h * (h + den));  // sin^2(dbeta/2)
  const double cos_half = std::sqrt(0.5 * (1.0 + den / h));
  const double sin_half = num / (2.0 * h * cos_half);
  const double cos_bm = p.cos_beta * cos_half - p.sin_beta * sin_half;
  const double v2 = 1.0 - kE2 * cos_bm * cos_bm;
  const double sin_dl = std::sin(0.5 * (q.lon - p.lon) * kRadPerDeg);
  const double meridian = sin2_half * v2;
  const double parallel = p.cos_beta * q.cos_beta * sin_dl * sin_dl;
  const double sum = meridian + parallel;
  const double c = 2.0 * kCgcs2000A * std::sqrt(sum);
  if (!(c <= kShortLineMaxM)) return -1.0;
  if (sum == 0.0) return 0.0;
  const double cos2_alpha = meridian / sum;
  const double inv_r = kOneMinusF / (kCgcs2000A * std::sqrt(v2)) * (cos2_alpha / v2 + (1.0 - cos2_alpha));
  const double x = c * c * inv_r * inv_r;
  return c * (1.0 + x * (1.0 / 24.0 + x * (3.0 / 640.0)));
}

}  // namespace

Metres short_line_distance(LonLat a, LonLat b) {
  const double s = short_line(vertex_trig(a), vertex_trig(b));
  return s >= 0.0 ? Metres(s) : geodesic_distance(a, b);
}

void cumulative_length_m(const LonLat* pts, std::size_t n, double* cum) {
  if (n == 0) return;
  cum[0] = 0.0;
  VertexTrig prev = vertex_trig(pts[0]);
  for (std::size_t i = 1; i < n; ++i) {
    const VertexTrig cur = vertex_trig(pts[i]);
    double s = short_line(prev, cur);
    if (!(s >= 0.0)) s = geodesic_distance(pts[i - 1], pts[i]).value();
    cum[i] = cum[i - 1] + s;
    prev = cur;
  }
}

}  // namespace ruralnet::geo
