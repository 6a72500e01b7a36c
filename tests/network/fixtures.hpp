// Hand-drawn road networks near 116.5°E 31.7°N (Lu'an) and independent
// length formulas for checking them.
#pragma once

#include <cmath>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include "ruralnet/geo/crs.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/model/dataset.hpp"
#include "ruralnet/network/build.hpp"

namespace fixtures {

using ruralnet::LonLat;
using ruralnet::model::Oneway;
using ruralnet::model::RoadClass;
using ruralnet::model::RoadSegment;

inline constexpr double kDeg = std::numbers::pi / 180.0;

inline const ruralnet::geo::Projector& projector() {
  static const ruralnet::geo::Projector p(ruralnet::geo::LocalCrs{4548, 117});
  return p;
}

// Meridian arc from the equator (Helmert's series to n^4).
inline double meridian_arc(double lat_deg) {
  const double f = ruralnet::geo::kCgcs2000F, a = ruralnet::geo::kCgcs2000A;
  const double phi = lat_deg * kDeg;
  const double n = f / (2.0 - f), n2 = n * n, n3 = n2 * n, n4 = n3 * n;
  return a / (1.0 + n) *
         ((1.0 + n2 / 4.0 + n4 / 64.0) * phi - 1.5 * (n - n3 / 8.0) * std::sin(2.0 * phi) +
          15.0 / 16.0 * (n2 - n4 / 4.0) * std::sin(4.0 * phi) - 35.0 / 48.0 * n3 * std::sin(6.0 * phi) +
          315.0 / 512.0 * n4 * std::sin(8.0 * phi));
}

// Radii of curvature: in the meridian (rho) and of the parallel (nu cos phi).
inline double e2() {
  const double f = ruralnet::geo::kCgcs2000F;
  return f * (2.0 - f);
}
inline double rho(double lat_deg) {
  const double s = std::sin(lat_deg * kDeg);
  return ruralnet::geo::kCgcs2000A * (1.0 - e2()) / std::pow(1.0 - e2() * s * s, 1.5);
}
inline double parallel_radius(double lat_deg) {
  const double s = std::sin(lat_deg * kDeg);
  return ruralnet::geo::kCgcs2000A / std::sqrt(1.0 - e2() * s * s) * std::cos(lat_deg * kDeg);
}

// A point `m` metres north / east of p. For offsets of metres the curvature
// terms are below a micrometre.
inline LonLat north(LonLat p, double m) { return {p.lon, p.lat + m / rho(p.lat) / kDeg}; }
inline LonLat east(LonLat p, double m) { return {p.lon + m / parallel_radius(p.lat) / kDeg, p.lat}; }

inline RoadSegment road(std::string id, std::vector<std::vector<LonLat>> parts, RoadClass cls = RoadClass::village,
                        Oneway oneway = Oneway::no, std::optional<double> speed = std::nullopt) {
  RoadSegment r;
  r.id = std::move(id);
  r.road_class = cls;
  r.oneway = oneway;
  r.speed_kmh = speed;
  for (auto& p : parts) r.geometry.push_back(std::move(p));
  return r;
}

inline ruralnet::network::BuildResult build(const std::vector<RoadSegment>& roads,
                                            const ruralnet::network::BuildOptions& o = {}) {
  return ruralnet::network::build_graph(ruralnet::network::prepare_segments(roads, projector()), o);
}

inline const LonLat kOrigin{116.5, 31.7};

}  // namespace fixtures
