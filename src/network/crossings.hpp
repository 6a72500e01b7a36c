// Internal to the graph builder: coordinate keys and noding at crossings.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "ruralnet/network/build.hpp"

namespace ruralnet::network {

// Maps a projected position to a 64-bit key, equal for two positions exactly
// when they round to the same kCoordinateQuantumM grid point. The key is
// column * rows + row over the data's extent, so it needs no more bits than
// the extent does, which keeps the radix sort short.
class CoordinateKeys {
 public:
  // Throws RunError for a non-finite coordinate or an extent over 4000 km.
  explicit CoordinateKeys(std::span<const XY> xy);
  std::uint64_t key(XY p) const { return quantum(p.x - ox_) * rows_ + quantum(p.y - oy_); }
  // Offsets are at least 1 m (the origin lies a metre beyond the extent), so
  // v = d / quantum is in [1, 2^52), where the truncation of v + 0.5 is
  // exact and equals std::llround(v): the same keys without a library call.
  static std::uint64_t quantum(double d) { return static_cast<std::uint64_t>(d / kCoordinateQuantumM + 0.5); }
  // The middle of the extent, rounded to the metre.
  XY centre() const { return centre_; }
  // The south-west corner the keys count from.
  XY origin() const { return {ox_, oy_}; }
  // Rows of the key grid: a key is column * rows() + row.
  std::uint64_t rows() const { return rows_; }

 private:
  double ox_ = 0.0, oy_ = 0.0;
  std::uint64_t rows_ = 1;
  XY centre_;
};

// A copy of the table with a vertex inserted wherever two road pieces cross
// without sharing a vertex, the same projected position in both so that
// noding joins them. The inserted vertex's lon/lat is the inverse projection
// of the crossing; its cumulative length splits the piece's geodesic length in
// proportion to the projected distance (the scale factor is constant along a
// piece to within 1e-6, and the parts still add up to the whole). Appends one
// Crossing per crossing found. Collinear overlaps are not crossings.
SegmentTable split_at_crossings(const SegmentTable& t, std::vector<Crossing>& crossings);

}  // namespace ruralnet::network
