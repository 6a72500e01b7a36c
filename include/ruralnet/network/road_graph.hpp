// The road network as a compact read-only directed graph in CSR form: the arcs
// leaving node v are first_out[v] .. first_out[v+1]-1, arc a ends at head[a].
// Structure of arrays, 32-bit indices, float weights: about 17 bytes an arc
// and 36 bytes a node, so a city's roads fit in cache-friendly memory and a
// Dijkstra sweep reads each array sequentially (docs/network.md).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ruralnet/core/types.hpp"

namespace ruralnet::network {

// Arc direction flags (arc_flags()).
inline constexpr std::uint8_t kArcTwoWay = 1;    // the road is two-way; the opposite arc exists with equal weights
inline constexpr std::uint8_t kArcReversed = 2;  // the arc runs against the road's digitised direction

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
    std::vector<XY> xy;                    // node position in the local metric CRS
    std::vector<LonLat> lonlat;            // node position in CGCS2000 degrees
    std::uint32_t segment_count = 0;       // segments of the input (bound for `segment`)
  };

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
  XY xy(VertexId v) const { return a_.xy[v.value()]; }
  LonLat lonlat(VertexId v) const { return a_.lonlat[v.value()]; }

  // The raw arrays, for tight loops (Dijkstra) and serialisation.
  std::span<const std::uint32_t> first_out() const { return a_.first_out; }
  std::span<const std::uint32_t> heads() const { return a_.head; }
  std::span<const float> lengths_m() const { return a_.length_m; }
  std::span<const float> times_s() const { return a_.time_s; }
  std::span<const std::uint32_t> segments() const { return a_.segment; }
  std::span<const std::uint8_t> arc_flags() const { return a_.flags; }
  std::span<const XY> node_xy() const { return a_.xy; }
  std::span<const LonLat> node_lonlat() const { return a_.lonlat; }

  // Sum of edge lengths (each road piece once, whatever its direction).
  Metres total_length() const;

  // Throws RunError naming every broken invariant (up to ten): first_out has
  // node_count + 1 entries, starts at 0, is monotone and ends at arc_count;
  // every per-arc and per-node array has the right size; heads are in range;
  // lengths and times are finite and >= 0; every arc names a segment below
  // segment_count; each two-way arc u->v has an opposite two-way arc v->u of
  // the same segment with equal length and time; node coordinates are finite.
  void validate() const;

  // Bytes held by the graph's arrays (capacity, not just size).
  std::size_t memory_bytes() const;

 private:
  Arrays a_;
};

}  // namespace ruralnet::network
