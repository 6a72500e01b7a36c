// Hand-drawn roads near 116.5°E 31.7°N and the textbook ellipsoid formulas
// (not PROJ) that give their lengths independently.
#pragma once

#include <cmath>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/model/dataset.hpp"

namespace roadfix {

using ruralnet::LonLat;
using namespace ruralnet;

inline constexpr double kDeg = std::numbers::pi / 180.0;
inline double e2() { return geo::kCgcs2000F * (2.0 - geo::kCgcs2000F); }
// Radius of curvature in the meridian and radius of the parallel.
inline double rho(double lat) {
  const double s = std::sin(lat * kDeg);
  return geo::kCgcs2000A * (1.0 - e2()) / std::pow(1.0 - e2() * s * s, 1.5);
}
inline double parallel_radius(double lat) {
  const double s = std::sin(lat * kDeg);
  return geo::kCgcs2000A / std::sqrt(1.0 - e2() * s * s) * std::cos(lat * kDeg);
}
// Meridian arc between two latitudes by Simpson's rule over rho.
inline double meridian_arc_m(double lat1, double lat2) {
  const int n = 2000;
  const double h = (lat2 - lat1) / n;
  double sum = rho(lat1) + rho(lat2);
  for (int i = 1; i < n; ++i) sum += rho(lat1 + i * h) * (i % 2 ? 4 : 2);
  return sum * h / 3 * kDeg;
}
// Arc of a parallel (the geodesic differs by micrometres over a few km).
inline double parallel_arc_m(double lat, double dlon) { return parallel_radius(lat) * dlon * kDeg; }

// Points metres east / north of p (second-order terms below a millimetre for km offsets).
inline LonLat east(LonLat p, double m) { return {p.lon + m / parallel_radius(p.lat) / kDeg, p.lat}; }
inline LonLat north(LonLat p, double m) { return {p.lon, p.lat + m / rho(p.lat) / kDeg}; }
inline LonLat at(double east_m, double north_m) {
  return north(east(LonLat{116.5, 31.7}, east_m), north_m);
}

inline model::RoadSegment road(std::string id, std::vector<LonLat> line, model::Program p = model::Program::none,
                               model::RoadStatus st = model::RoadStatus::completed, std::string county = "341599") {
  model::RoadSegment r;
  r.id = std::move(id);
  r.road_class = model::RoadClass::village;
  r.class_text = "village";
  r.program = p;
  r.status = st;
  r.county_code = std::move(county);
  r.geometry = {std::move(line)};
  return r;
}

// A square county polygon from corner offsets in metres.
inline model::County county(std::string code, double x0, double y0, double x1, double y1) {
  model::County c;
  c.code = std::move(code);
  c.name = "county " + c.code;
  c.geometry = {model::Polygon{{{at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)}}}};
  return c;
}

}  // namespace roadfix
