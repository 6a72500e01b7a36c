// The road network as a compact read-only directed graph in CSR form: the arcs
// leaving node v are first_out[v] .. first_out[v+1]-1, arc a ends at head[a].
// Structure of arrays, 32-bit indices, float weights, fixed-point node
// positions: 17 bytes an arc and 20 bytes a node, so a province's roads fit in
// cache-friendly memory and a Dijkstra sweep reads each array sequentially
// (docs/network.md).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ruralnet/core/types.hpp"

namespace ruralnet::network {

// Arc direction flags (arc_flags()).
inline constexpr std::uint8_t kArcTwoWay = 1;    // the road is two-way; the opposite arc exists with equal weights
inline constexpr std::uint8_t kArcReversed = 2;  // the arc runs against the road's digitised direction

// A node's position in fixed point: millimetres from the graph's origin in the
// local metric CRS (the noding quantum, so nothing is lost), and lon/lat in
// units of 1e-7 degree (at most 1.1 cm).
struct NodePos {
  std::int32_t x_mm = 0;
  std::int32_t y_mm = 0;
  std::int32_t lon_e7 = 0;
  std::int32_t lat_e7 = 0;
};

class RoadGraph {
 public:
  // The raw arrays. Filled by build_graph; tests may fill them by hand to
  // build a broken graph for validate(). Nothing is checked on construction.
  struct Arrays {
    std::vector<std::uint32_t> first_out;  // node_count + 1, monotone, last == arc_count
    std::vector<std::uint32_t> head;       // arc -> node
    std::vector<float> length_m;           // geodesic length on CGCS2000
    std::vector<float> time_s;             // travel time, seconds
    std::vector<std::uint32_t> segment;    // arc -> index of its road segment in the input
    std::vector<std::uint8_t> flags;       // kArcTwoWay | kArcReversed
    XY origin;                             // of NodePos::x_mm / y_mm, in the local metric CRS
    std::vector<NodePos> pos;              // node positions (encode())
    std::uint32_t segment_count = 0;       // segments of the input (bound for `segment`)
  };

  // Fixed-point position of a node at xy (local metric CRS) and ll (degrees).
  // Throws RunError for a non-finite value or an xy more than 2147 km from
  // the origin.
  static NodePos encode(XY xy, LonLat ll, XY origin);

  RoadGraph() { a_.first_out.push_back(0); }
  explicit RoadGraph(Arrays arrays) : a_(std::move(arrays)) {}

  std::size_t node_count() const { return a_.first_out.empty() ? 0 : a_.first_out.size() - 1; }
  std::size_t arc_count() const { return a_.head.size(); }
  // Undirected roads: a two-way road piece counts once, a one-way piece once.
  std::size_t edge_count() const;
  std::uint32_t segment_count() const { return a_.segment_count; }

  // Arcs leaving v, as a range of arc indices.
  std::uint32_t first_arc(VertexId v) const { return a_.first_out[v.value()]; }
  std::uint32_t end_arc(VertexId v) const { return a_.first_out[v.value() + 1]; }
  std::size_t out_degree(VertexId v) const { return end_arc(v) - first_arc(v); }

  VertexId head(EdgeId a) const { return VertexId(a_.head[a.value()]); }
  // Found by binary search in first_out: O(log n).
  VertexId tail(EdgeId a) const;
  Metres length(EdgeId a) const { return Metres(a_.length_m[a.value()]); }
  double time_s(EdgeId a) const { return a_.time_s[a.value()]; }
  Minutes time(EdgeId a) const { return Minutes(a_.time_s[a.value()] / 60.0); }
  std::uint32_t segment(EdgeId a) const { return a_.segment[a.value()]; }
  bool two_way(EdgeId a) const { return (a_.flags[a.value()] & kArcTwoWay) != 0; }
  bool reversed(EdgeId a) const { return (a_.flags[a.value()] & kArcReversed) != 0; }
  XY xy(VertexId v) const {
    const NodePos& p = a_.pos[v.value()];
    return {a_.origin.x + 1e-3 * p.x_mm, a_.origin.y + 1e-3 * p.y_mm};
  }
  LonLat lonlat(VertexId v) const {
    const NodePos& p = a_.pos[v.value()];
    return {1e-7 * p.lon_e7, 1e-7 * p.lat_e7};
  }

  // The raw arrays, for tight loops (Dijkstra) and serialisation.
  std::span<const std::uint32_t> first_out() const { return a_.first_out; }
  std::span<const std::uint32_t> heads() const { return a_.head; }
  std::span<const float> lengths_m() const { return a_.length_m; }
  std::span<const float> times_s() const { return a_.time_s; }
  std::span<const std::uint32_t> segments() const { return a_.segment; }
  std::span<const std::uint8_t> arc_flags() const { return a_.flags; }
  std::span<const NodePos> node_positions() const { return a_.pos; }
  XY origin() const { return a_.origin; }
  // All node positions decoded (a new vector each call), e.g. for a GridIndex.
  std::vector<XY> node_xy() const;
  std::vector<LonLat> node_lonlat() const;

  // Sum of edge lengths (each road piece once, whatever its direction).
  Metres total_length() const;

  // Throws RunError naming every broken invariant (up to ten): first_out has
  // node_count + 1 entries, starts at 0, is monotone and ends at arc_count;
  // every per-arc and per-node array has the right size; heads are in range;
  // lengths and times are finite and >= 0; every arc names a segment below
  // segment_count; each two-way arc u->v has an opposite two-way arc v->u of
  // the same segment with equal length and time; node positions hold
  // lon in [-180, 180] and lat in [-90, 90].
  void validate() const;

  // Bytes held by the graph's arrays (capacity, not just size).
  std::size_t memory_bytes() const;

 private:
  Arrays a_;
};

}  // namespace ruralnet::network
