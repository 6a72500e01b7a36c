#include "ruralnet/geo/local_inverse.hpp"

#include <cmath>
#include <numbers>

namespace ruralnet::geo {

namespace {

// Chebyshev points of the second kind (Chebyshev-Lobatto), cos(k pi / n).
struct Nodes {
  std::array<double, LocalInverse::kDegree + 1> t{};
  Nodes() {
    constexpr int n = LocalInverse::kDegree;
    for (int k = 0; k <= n; ++k) t[k] = std::cos(std::numbers::pi * k / n);
  }
};
const Nodes& nodes() {
  static const Nodes n;
  return n;
}

}  // namespace

LocalInverse::LocalInverse(const Projector& projector, double x0, double y0, double x1, double y1)
    : projector_(projector) {
  cx_ = 0.5 * (x0 + x1);
  cy_ = 0.5 * (y0 + y1);
  hx_ = std::max(0.5 * (x1 - x0), 1.0);
  hy_ = std::max(0.5 * (y1 - y0), 1.0);
  interpolate_ = std::isfinite(cx_) && std::isfinite(cy_) && 2.0 * hx_ <= kMaxSideM && 2.0 * hy_ <= kMaxSideM;
  if (!interpolate_) return;
  const Nodes& nodes_t = nodes();
  std::vector<XY> grid;
  grid.reserve(kN * kN);
  for (int i = 0; i < kN; ++i)
    for (int j = 0; j < kN; ++j) grid.push_back({cx_ + hx_ * nodes_t.t[i], cy_ + hy_ * nodes_t.t[j]});
  std::vector<LonLat> ll;
  projector_.to_geographic(grid, ll);
  for (const LonLat& q : ll)
    if (!std::isfinite(q.lon) || !std::isfinite(q.lat)) {
      interpolate_ = false;  // part of the box is outside the projection's domain
      return;
    }
  // Chebyshev coefficients of the interpolant (a discrete cosine transform
  // over the Chebyshev-Lobatto points, the end points and the end
  // coefficients halved), so that a point costs two three-term recurrences
  // and 49 products instead of PROJ's series of sines, cosines and sinh.
  constexpr int n = kDegree;
  std::array<std::array<double, kN>, kN> A{};  // A[k][m]: weight of value m in coefficient k
  for (int k = 0; k < kN; ++k)
    for (int m = 0; m < kN; ++m) {
      const double end_m = (m == 0 || m == n) ? 0.5 : 1.0;
      const double end_k = (k == 0 || k == n) ? 0.5 : 1.0;
      A[k][m] = 2.0 / n * end_m * end_k * std::cos(std::numbers::pi * k * m / n);
    }
  for (int k = 0; k < kN; ++k)
    for (int l = 0; l < kN; ++l) {
      double a = 0.0, b = 0.0;
      for (int m = 0; m < kN; ++m)
        for (int p = 0; p < kN; ++p) {
          const double w = A[k][m] * A[l][p];
          a += w * (ll[static_cast<std::size_t>(m * kN + p)].lon - ll[0].lon);
          b += w * (ll[static_cast<std::size_t>(m * kN + p)].lat - ll[0].lat);
        }
      lon_[static_cast<std::size_t>(k * kN + l)] = a;
      lat_[static_cast<std::size_t>(k * kN + l)] = b;
    }
  lon0_ = ll[0].lon;
  lat0_ = ll[0].lat;
}

LonLat LocalInverse::to_geographic(XY p) const {
  const double tx = (p.x - cx_) / hx_, ty = (p.y - cy_) / hy_;
  // Outside the box the polynomial is no longer the map: PROJ itself.
  if (!interpolate_ || !(std::fabs(tx) <= 1.0 + 1e-9 && std::fabs(ty) <= 1.0 + 1e-9)) return projector_.to_geographic(p);
  std::array<double, kN> X, Y;  // T_k(tx), T_k(ty)
  X[0] = Y[0] = 1.0;
  X[1] = tx;
  Y[1] = ty;
  for (int k = 2; k < kN; ++k) {
    X[k] = 2.0 * tx * X[k - 1] - X[k - 2];
    Y[k] = 2.0 * ty * Y[k - 1] - Y[k - 2];
  }
  double lon = 0.0, lat = 0.0;
  for (int k = 0; k < kN; ++k) {
    double a = 0.0, b = 0.0;
    for (int l = 0; l < kN; ++l) {
      a += lon_[static_cast<std::size_t>(k * kN + l)] * Y[l];
      b += lat_[static_cast<std::size_t>(k * kN + l)] * Y[l];
    }
    lon += X[k] * a;
    lat += X[k] * b;
  }
  // Offsets from the first node keep the sums' round-off at that of the
  // small differences, not of 117 degrees.
  return {lon0_ + lon, lat0_ + lat};
}

void LocalInverse::to_geographic(std::span<const XY> in, std::vector<LonLat>& out) const {
  if (!interpolate_) {
    projector_.to_geographic(in, out);
    return;
  }
  out.resize(in.size());
  for (std::size_t k = 0; k < in.size(); ++k) out[k] = to_geographic(in[k]);
}

}  // namespace ruralnet::geo
