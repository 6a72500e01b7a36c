// Strong types for the quantities and indices that are easy to mix up:
// metres vs minutes, geographic vs projected coordinates, external feature ids
// vs internal vertex indices. Conversions between them are explicit.
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>

namespace ruralnet {

// A physical quantity of one unit. Same-unit arithmetic only; scaling by a
// plain number is allowed, mixing units is a compile error.
template <class Tag>
class Quantity {
 public:
  constexpr Quantity() = default;
  constexpr explicit Quantity(double v) : v_(v) {}
  constexpr double value() const { return v_; }
  constexpr auto operator<=>(const Quantity&) const = default;
  constexpr Quantity operator+(Quantity o) const { return Quantity(v_ + o.v_); }
  constexpr Quantity operator-(Quantity o) const { return Quantity(v_ - o.v_); }
  constexpr Quantity& operator+=(Quantity o) { v_ += o.v_; return *this; }
  constexpr Quantity& operator-=(Quantity o) { v_ -= o.v_; return *this; }
  constexpr Quantity operator*(double k) const { return Quantity(v_ * k); }
  constexpr Quantity operator/(double k) const { return Quantity(v_ / k); }
  constexpr double operator/(Quantity o) const { return v_ / o.v_; }
  static constexpr Quantity infinity() { return Quantity(std::numeric_limits<double>::infinity()); }
  bool finite() const { return std::isfinite(v_); }

 private:
  double v_ = 0.0;
};

struct MetresTag {};
struct MinutesTag {};
struct KmhTag {};
using Metres = Quantity<MetresTag>;
using Minutes = Quantity<MinutesTag>;
using Kmh = Quantity<KmhTag>;

// Travel time over a distance at a speed: the one place metres meet minutes.
constexpr Minutes travel_time(Metres d, Kmh v) { return Minutes(d.value() / (v.value() * 1000.0 / 60.0)); }

// A dense internal index (vertex, edge, row). Never shown to users; external
// ids are text (FeatureId).
template <class Tag, class T = std::uint32_t>
class Index {
 public:
  using value_type = T;
  constexpr Index() = default;
  constexpr explicit Index(T v) : v_(v) {}
  constexpr T value() const { return v_; }
  constexpr auto operator<=>(const Index&) const = default;
  static constexpr Index invalid() { return Index(std::numeric_limits<T>::max()); }
  constexpr bool valid() const { return v_ != std::numeric_limits<T>::max(); }

 private:
  T v_ = std::numeric_limits<T>::max();
};

struct VertexTag {};
struct EdgeTag {};
using VertexId = Index<VertexTag>;
using EdgeId = Index<EdgeTag>;

// Geographic coordinates in degrees (longitude first, as GIS axis order).
struct LonLat {
  double lon = 0.0;
  double lat = 0.0;
  friend constexpr bool operator==(const LonLat&, const LonLat&) = default;
};

// Projected coordinates in metres in the dataset's local metric CRS.
struct XY {
  double x = 0.0;
  double y = 0.0;
  friend constexpr bool operator==(const XY&, const XY&) = default;
};

// A bounding box in degrees.
struct Extent {
  double min_lon = std::numeric_limits<double>::infinity();
  double min_lat = std::numeric_limits<double>::infinity();
  double max_lon = -std::numeric_limits<double>::infinity();
  double max_lat = -std::numeric_limits<double>::infinity();
  bool empty() const { return !(min_lon <= max_lon); }
  void add(LonLat p) {
    if (!std::isfinite(p.lon) || !std::isfinite(p.lat)) return;
    if (p.lon < min_lon) min_lon = p.lon;
    if (p.lon > max_lon) max_lon = p.lon;
    if (p.lat < min_lat) min_lat = p.lat;
    if (p.lat > max_lat) max_lat = p.lat;
  }
  void add(const Extent& e) {
    if (e.empty()) return;
    add(LonLat{e.min_lon, e.min_lat});
    add(LonLat{e.max_lon, e.max_lat});
  }
};

}  // namespace ruralnet

template <class Tag, class T>
struct std::hash<ruralnet::Index<Tag, T>> {
  std::size_t operator()(const ruralnet::Index<Tag, T>& i) const noexcept { return std::hash<T>{}(i.value()); }
};
