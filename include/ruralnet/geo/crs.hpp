// Coordinate reference systems: the working geographic CRS (CGCS2000), the
// local metric CRS chosen for a dataset, and PROJ transformations between any
// two CRSs. Axis order is always longitude/easting first.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ruralnet/core/types.hpp"

namespace ruralnet::geo {

inline constexpr const char* kWorkingGeographicCrs = "EPSG:4490";  // CGCS2000

// A CGCS2000 3-degree Gauss-Krüger zone (EPSG:4534 for 75°E ... 4554 for 135°E).
struct LocalCrs {
  int epsg = 4548;
  int central_meridian_deg = 117;
  std::string definition() const;  // "EPSG:4548"
  std::string name() const;        // "CGCS2000 / 3-degree Gauss-Kruger CM 117E"
};

// The zone whose central meridian is nearest the extent's centre. Throws
// CrsError when the extent is empty or outside 73.5°E..136.5°E (beyond the
// CGCS2000 3-degree zones, where ruralnet has no metric CRS to offer).
LocalCrs choose_local_crs(const Extent& geographic_extent);

// One PROJ transformation. Not thread-safe: make one per thread.
class Transformer {
 public:
  // from/to: anything PROJ accepts ("EPSG:4326", WKT, PROJJSON, a proj string).
  // Throws CrsError when either is unknown or no transformation exists.
  Transformer(const std::string& from, const std::string& to);
  ~Transformer();
  Transformer(Transformer&&) noexcept;
  Transformer& operator=(Transformer&&) noexcept;
  Transformer(const Transformer&) = delete;
  Transformer& operator=(const Transformer&) = delete;

  // Transforms x/y arrays in place (lon/lat or easting/northing order). A
  // point that cannot be transformed becomes NaN.
  void transform(double* x, double* y, std::size_t n) const;
  // The inverse, in place, over arrays `stride` bytes apart: one call into
  // PROJ for a whole ring instead of one per vertex.
  void inverse(double* x, double* y, std::size_t n, std::size_t stride) const;
  XY forward(LonLat p) const;      // for a geographic -> projected transformer
  LonLat forward_geo(LonLat p) const;  // for a geographic -> geographic transformer
  LonLat inverse(XY p) const;

  // True when source and target are the same CRS (nothing to do).
  bool is_noop() const { return noop_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool noop_ = false;
};

// Converts between the working geographic CRS and a dataset's local metric CRS.
class Projector {
 public:
  explicit Projector(const LocalCrs& crs);
  XY to_local(LonLat p) const { return fwd_.forward(p); }
  LonLat to_geographic(XY p) const { return fwd_.inverse(p); }
  void to_local(const std::vector<LonLat>& in, std::vector<XY>& out) const;
  void to_geographic(std::span<const XY> in, std::vector<LonLat>& out) const;
  const LocalCrs& crs() const { return crs_; }

 private:
  LocalCrs crs_;
  Transformer fwd_;
};

// Authority code ("EPSG:4490") or name of a CRS definition, for display; and
// whether two definitions denote the same CRS.
std::string describe_crs(const std::string& definition);
bool same_crs(const std::string& a, const std::string& b);

}  // namespace ruralnet::geo
