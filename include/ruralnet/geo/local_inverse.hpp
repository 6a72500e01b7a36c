// The inverse projection over one small box of the local metric CRS, many
// points at a time: the exact inverse (PROJ) at 7 x 7 Chebyshev points of the
// box, and the tensor polynomial through them in between (in Chebyshev form). The inverse
// Gauss-Krüger map is analytic and smooth over a box of up to 200 km, so the
// degree-6 interpolant agrees with PROJ to PROJ's own round-off (1.3e-13
// degree, about 10 nm, at worst over 200 km; checked by a test) at a fraction
// of the cost; a larger box uses PROJ point by point.
#pragma once

#include <array>
#include <span>
#include <vector>

#include "ruralnet/core/types.hpp"
#include "ruralnet/geo/crs.hpp"

namespace ruralnet::geo {

class LocalInverse {
 public:
  static constexpr int kDegree = 6;
  static constexpr double kMaxSideM = 200000.0;  // larger boxes use PROJ itself

  // The box [x0, x1] x [y0, y1] in the projector's CRS.
  LocalInverse(const Projector& projector, double x0, double y0, double x1, double y1);
  LonLat to_geographic(XY p) const;
  void to_geographic(std::span<const XY> in, std::vector<LonLat>& out) const;
  bool interpolates() const { return interpolate_; }

 private:
  static constexpr int kN = kDegree + 1;
  const Projector& projector_;
  bool interpolate_ = false;
  double cx_ = 0.0, cy_ = 0.0, hx_ = 1.0, hy_ = 1.0;  // centre and half sides
  std::array<double, kN * kN> lon_{}, lat_{};         // Chebyshev coefficients (k, l): k * kN + l
  double lon0_ = 0.0, lat0_ = 0.0;                     // the values are offsets from these
};

}  // namespace ruralnet::geo
