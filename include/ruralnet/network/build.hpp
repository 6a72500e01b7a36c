// Building the road graph from road segments, in two steps:
//
//   prepare_segments: once, at read time. Flattens the segments into arrays,
//     projects every vertex to the local metric CRS and computes cumulative
//     geodesic lengths on the CGCS2000 ellipsoid (the costly part: one
//     length per vertex pair, by geo::cumulative_length_m).
//   build_graph: noding (vertices with equal quantised coordinates become one
//     node), snapping of nearby endpoints, optional noding of crossings, and
//     CSR assembly. Needs no geodesic call except to measure snap candidates,
//     so it runs at millions of segments a second (docs/network.md).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "ruralnet/core/progress.hpp"
#include "ruralnet/core/types.hpp"
#include "ruralnet/geo/crs.hpp"
#include "ruralnet/model/dataset.hpp"
#include "ruralnet/network/components.hpp"
#include "ruralnet/network/road_graph.hpp"
#include "ruralnet/network/speeds.hpp"

namespace ruralnet::network {

// Segments as flat arrays. A segment has one or more parts (a MultiLineString
// has several); a part is a run of vertices. Consecutive repeated vertices are
// dropped; a part left with fewer than two vertices is dropped and listed in
// degenerate_parts.
struct SegmentTable {
  // Per segment (index = position in the input vector).
  std::vector<std::string> id;
  std::vector<model::RoadClass> road_class;
  std::vector<float> speed_kmh;  // NaN when the segment gives none
  std::vector<model::Oneway> oneway;
  std::vector<double> length_m;  // geodesic length of all its parts
  std::vector<std::uint32_t> first_part;  // segment_count + 1
  // Per part.
  std::vector<std::uint32_t> first_vertex;  // part_count + 1
  std::vector<std::uint32_t> part_segment;
  // Per vertex.
  std::vector<LonLat> lonlat;
  std::vector<XY> xy;                 // local metric CRS
  std::vector<double> cum_length_m;   // geodesic length from the part's first vertex
  // Segment index of each dropped part (fewer than two distinct vertices).
  std::vector<std::uint32_t> degenerate_parts;
  geo::LocalCrs crs;

  std::size_t segment_count() const { return id.size(); }
  std::size_t part_count() const { return part_segment.size(); }
  std::size_t vertex_count() const { return lonlat.size(); }
  std::size_t memory_bytes() const;
};

struct PrepareOptions {
  std::string source;  // file the roads came from, for messages
  ProgressSettings progress{true};
};

// Throws GeometryError naming the segment for a non-finite coordinate or one
// the projection cannot transform, InputError for a speed_kmh that is not a
// number in (0, 300] (leave the field empty to use the class speed), and
// RunError beyond 2^31 vertices.
SegmentTable prepare_segments(const std::vector<model::RoadSegment>& roads, const geo::Projector& projector,
                              const PrepareOptions& options = {});
// The same from the graph-only form of the roads, with the same result.
SegmentTable prepare_segments(const model::RoadColumns& roads, const geo::Projector& projector,
                              const PrepareOptions& options = {});

struct BuildOptions {
  // Endpoints closer than this (geodesic metres) become one node; 0 turns
  // snapping off. At most 1000 m.
  double snap_tolerance_m = 5.0;
  // Split roads where they cross without a shared vertex (off: bridges and
  // underpasses stay apart).
  bool node_crossings = false;
  SpeedTable speeds;
  // Connected components are computed into BuildResult::components.
  bool compute_components = true;
  // Nodes numbered block by block along a Hilbert curve (4 km blocks), so
  // that neighbours sit close in every per-node array; off, they stay in
  // coordinate-key order (west to east), as the benchmark's baseline.
  bool spatial_numbering = true;
};

// Two endpoints joined by snapping.
struct Snap {
  std::uint32_t segment_a = 0;  // segment of the first endpoint
  std::uint32_t segment_b = 0;
  double distance_m = 0.0;      // geodesic
  LonLat location_a;
  LonLat location_b;
};

// Two arcs with the same tail and head (parallel roads or a road digitised twice).
struct DuplicateArc {
  VertexId tail;
  VertexId head;
  std::uint32_t segment_a = 0;
  std::uint32_t segment_b = 0;
  double length_a_m = 0.0;
  double length_b_m = 0.0;
};

// A road piece whose two ends became one node by snapping and which is no
// longer than twice the tolerance: it is left out of the graph.
struct CollapsedPiece {
  std::uint32_t segment = 0;
  double length_m = 0.0;
  LonLat location;
};

// Where two roads were split at a computed crossing (node_crossings only).
struct Crossing {
  std::uint32_t segment_a = 0;
  std::uint32_t segment_b = 0;
  LonLat location;
};

struct BuildResult {
  RoadGraph graph;
  Components components;  // empty unless BuildOptions::compute_components
  std::vector<Snap> snaps;
  std::vector<std::uint32_t> zero_length_segments;  // no part with length > 0
  std::vector<std::uint32_t> degenerate_parts;      // copied from the table
  std::vector<DuplicateArc> duplicate_arcs;
  std::vector<CollapsedPiece> collapsed;
  std::vector<Crossing> crossings;
  std::size_t split_vertices = 0;  // interior vertices that became nodes (junctions)
  std::array<double, kRoadClassCount> length_by_class_m{};  // edge lengths by road class
  std::array<std::size_t, kRoadClassCount> segments_by_class{};
  std::size_t segments_with_own_speed = 0;

  std::size_t node_count() const { return graph.node_count(); }
  std::size_t arc_count() const { return graph.arc_count(); }
  std::size_t edge_count() const { return graph.edge_count(); }
  std::size_t memory_bytes() const { return graph.memory_bytes(); }
  // Share of nodes in the main (largest) component, 0..1; 0 without components.
  double main_component_share() const;
};

// Throws UsageError for a snap tolerance outside [0, 1000] m and RunError when
// the projected extent exceeds 4000 km (coordinates are keyed in 1 mm units in
// 32 bits per axis) or the graph would exceed 2^32 arcs. Validates the graph
// before returning it.
BuildResult build_graph(const SegmentTable& table, const BuildOptions& options = {});

// A dataset's road graph with what it was built from: the local metric CRS
// chosen for the dataset's extent, the prepared segments and the graph.
struct DatasetGraph {
  geo::LocalCrs crs;
  SegmentTable table;
  BuildResult built;
};

// prepare_segments and build_graph over all of a dataset's roads, in the local
// metric CRS chosen for the dataset's extent (geo::choose_local_crs), from
// whichever form the roads were read in (Dataset::roads_graph_only).
DatasetGraph build_dataset_graph(const model::Dataset& ds, const BuildOptions& options, const ProgressSettings& progress);

namespace detail {
// Caps the threads build_graph, EdgeSnapper and connected_components use (0,
// the default: every core). Their results do not depend on it; tests set 1
// to compare the serial path with the parallel one.
void set_worker_limit(std::size_t threads);
}  // namespace detail

// Quantum of the coordinate keys used to decide that two vertices are the same
// point (docs/network.md).
inline constexpr double kCoordinateQuantumM = 0.001;

}  // namespace ruralnet::network
