#include "ruralnet/geo/geodesic.hpp"

#include <geodesic.h>

#include <cmath>

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

}  // namespace ruralnet::geo
