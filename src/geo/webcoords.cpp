#include "ruralnet/geo/webcoords.hpp"

#include <cmath>
#include <numbers>

#include "ruralnet/core/text.hpp"

namespace ruralnet::geo {

namespace {

// Krasovsky 1940 ellipsoid, as the GCJ-02 formulas use it.
constexpr double kA = 6378245.0;
constexpr double kEe = 0.00669342162296594323;
constexpr double kPi = std::numbers::pi;
constexpr double kXPi = kPi * 3000.0 / 180.0;

double shift_lat(double x, double y) {
  double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(y * kPi) + 40.0 * std::sin(y / 3.0 * kPi)) * 2.0 / 3.0;
  r += (160.0 * std::sin(y / 12.0 * kPi) + 320.0 * std::sin(y * kPi / 30.0)) * 2.0 / 3.0;
  return r;
}

double shift_lon(double x, double y) {
  double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(x * kPi) + 40.0 * std::sin(x / 3.0 * kPi)) * 2.0 / 3.0;
  r += (150.0 * std::sin(x / 12.0 * kPi) + 300.0 * std::sin(x / 30.0 * kPi)) * 2.0 / 3.0;
  return r;
}

// Solves forward(q) = target for q by fixed-point iteration. The shifts are
// smooth and small (their Jacobian is within 1e-3 of the identity), so each
// step gains about three digits; a handful of steps reach 1e-9 degrees.
template <class Forward>
LonLat invert(LonLat target, Forward forward) {
  LonLat q = target;
  for (int i = 0; i < 30; ++i) {
    const LonLat f = forward(q);
    const double dlon = f.lon - target.lon;
    const double dlat = f.lat - target.lat;
    q.lon -= dlon;
    q.lat -= dlat;
    if (std::fabs(dlon) < 1e-10 && std::fabs(dlat) < 1e-10) break;
  }
  return q;
}

}  // namespace

std::optional<WebCoords> parse_web_coords(std::string_view text) {
  const std::string t = to_lower_ascii(trim(text));
  if (t.empty() || t == "none" || t == "wgs84" || t == "cgcs2000") return WebCoords::none;
  if (t == "gcj02" || t == "gcj-02" || t == "gcj") return WebCoords::gcj02;
  if (t == "bd09" || t == "bd-09" || t == "bd09ll" || t == "baidu") return WebCoords::bd09;
  return std::nullopt;
}

const char* to_string(WebCoords w) {
  switch (w) {
    case WebCoords::none: return "none";
    case WebCoords::gcj02: return "gcj02";
    case WebCoords::bd09: return "bd09";
  }
  return "?";
}

bool outside_china(LonLat p) {
  return p.lon < 72.004 || p.lon > 137.8347 || p.lat < 0.8293 || p.lat > 55.8271;
}

LonLat wgs84_to_gcj02(LonLat p) {
  if (!std::isfinite(p.lon) || !std::isfinite(p.lat) || outside_china(p)) return p;
  double dlat = shift_lat(p.lon - 105.0, p.lat - 35.0);
  double dlon = shift_lon(p.lon - 105.0, p.lat - 35.0);
  const double radlat = p.lat / 180.0 * kPi;
  double magic = std::sin(radlat);
  magic = 1.0 - kEe * magic * magic;
  const double sqrt_magic = std::sqrt(magic);
  dlat = (dlat * 180.0) / ((kA * (1.0 - kEe)) / (magic * sqrt_magic) * kPi);
  dlon = (dlon * 180.0) / (kA / sqrt_magic * std::cos(radlat) * kPi);
  return {p.lon + dlon, p.lat + dlat};
}

LonLat gcj02_to_wgs84(LonLat p) {
  if (!std::isfinite(p.lon) || !std::isfinite(p.lat) || outside_china(p)) return p;
  return invert(p, wgs84_to_gcj02);
}

LonLat gcj02_to_bd09(LonLat p) {
  if (!std::isfinite(p.lon) || !std::isfinite(p.lat)) return p;
  const double x = p.lon, y = p.lat;
  const double z = std::sqrt(x * x + y * y) + 0.00002 * std::sin(y * kXPi);
  const double theta = std::atan2(y, x) + 0.000003 * std::cos(x * kXPi);
  return {z * std::cos(theta) + 0.0065, z * std::sin(theta) + 0.006};
}

LonLat bd09_to_gcj02(LonLat p) {
  if (!std::isfinite(p.lon) || !std::isfinite(p.lat)) return p;
  return invert(p, gcj02_to_bd09);
}

LonLat wgs84_to_bd09(LonLat p) { return gcj02_to_bd09(wgs84_to_gcj02(p)); }

LonLat bd09_to_wgs84(LonLat p) { return gcj02_to_wgs84(bd09_to_gcj02(p)); }

LonLat web_to_wgs84(LonLat p, WebCoords from) {
  switch (from) {
    case WebCoords::none: return p;
    case WebCoords::gcj02: return gcj02_to_wgs84(p);
    case WebCoords::bd09: return bd09_to_wgs84(p);
  }
  return p;
}

}  // namespace ruralnet::geo
