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
// Lines up to this length are measured by short_line_distance's closed
// formula; longer ones by geodesic_distance (docs/network.md, "Lengths").
inline constexpr double kShortLineMaxM = 20000.0;

// The geodesic distance in metres, by a closed formula for short lines: the
// chord through the ellipsoid, computed without cancellation from reduced
// latitudes, lengthened to the arc by the series of a circle of the normal
// curvature at its middle in its direction (Euler's formula). Tested against
// geodesic_distance to a relative error below 1e-10 (and 1e-12 m) up to
// kShortLineMaxM; above it, and for points not close, it is geodesic_distance.
// About ten times faster than geodesic_distance.
Metres short_line_distance(LonLat a, LonLat b);
// Cumulative lengths along a polyline by short_line_distance, with the
// trigonometry of each vertex computed once: cum[0] = 0 and cum[i] = cum[i-1]
// + the distance from pts[i-1] to pts[i].
void cumulative_length_m(const LonLat* pts, std::size_t n, double* cum);
// Area in square metres of a ring on the ellipsoid (absolute value).
double geodesic_ring_area_m2(const std::vector<LonLat>& ring);

}  // namespace ruralnet::geo
