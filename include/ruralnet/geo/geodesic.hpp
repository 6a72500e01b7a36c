// Lengths on the CGCS2000 ellipsoid through PROJ's geodesic routines (Karney's
// algorithms), never in projected metres: a Gauss-Krüger zone stretches lengths
// by up to 1.4e-4 at its edge, and web-mercator far more.
#pragma once

#include <vector>

#include "ruralnet/core/types.hpp"

namespace ruralnet::geo {

// CGCS2000 ellipsoid (equal to GRS80 to 0.1 mm).
inline constexpr double kCgcs2000A = 6378137.0;
inline constexpr double kCgcs2000F = 1.0 / 298.257222101;

// Geodesic distance in metres between two points in degrees.
Metres geodesic_distance(LonLat a, LonLat b);
// Sum of the geodesic distances between consecutive vertices.
Metres geodesic_length(const std::vector<LonLat>& line);
// Area in square metres of a ring on the ellipsoid (absolute value).
double geodesic_ring_area_m2(const std::vector<LonLat>& ring);

}  // namespace ruralnet::geo
