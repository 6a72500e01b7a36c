// Attaching points (villages, facilities) to the road graph at the nearest
// point of the nearest road piece, not merely the nearest node: on a rural
// network whose nodes are kilometres apart, a village beside the middle of a
// road would otherwise be charged the walk to a junction.
//
// A road piece is the run of a segment's vertices between two graph nodes
// (one undirected edge of the graph). EdgeSnapper recovers the vertex range of
// every piece from the segment table the graph was built from, indexes the
// pieces' straight sub-segments on a dense grid of the local metric CRS (each
// listed in every cell its box meets; docs/network.md, "The snapping index"),
// and answers nearest-point queries. Candidates are ranked by
// planar distance (a Gauss-Krüger zone distorts lengths by at most 1.4e-4);
// distances reported are geodesic on CGCS2000.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "ruralnet/core/types.hpp"
#include "ruralnet/geo/crs.hpp"
#include "ruralnet/geo/grid_index.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/network/dijkstra.hpp"

namespace ruralnet::network {

// One road piece in its digitised direction: from the node at first_vertex to
// the node at last_vertex of the segment table.
struct EdgePiece {
  std::uint32_t segment = 0;
  std::uint32_t first_vertex = 0;
  std::uint32_t last_vertex = 0;  // inclusive
  VertexId from;
  VertexId to;
  EdgeId forward_arc;   // from -> to; invalid on a road one-way against the digitised direction
  EdgeId backward_arc;  // to -> from; invalid on a road one-way along it
  double length_m = 0.0;  // the arcs' length (geodesic)
};

// Where a point attaches to the network.
struct SnapPoint {
  std::uint32_t piece = 0;
  double distance_m = 0.0;  // geodesic, point to the attachment point (the access leg)
  double along_m = 0.0;     // geodesic, from the piece's first vertex to the attachment point
  LonLat location;          // the attachment point
};

class EdgeSnapper {
 public:
  // `table` and `built` must be the segment table and the result of
  // build_graph on it; node_crossings must be the BuildOptions value used
  // (the pieces are then recovered from the table split at crossings).
  // Pieces the builder left out (collapsed by snapping) are not indexed.
  EdgeSnapper(const SegmentTable& table, const BuildResult& built, bool node_crossings = false);
  ~EdgeSnapper();
  EdgeSnapper(EdgeSnapper&&) noexcept;
  EdgeSnapper& operator=(EdgeSnapper&&) noexcept;

  std::size_t piece_count() const { return pieces_.size(); }
  const EdgePiece& piece(std::uint32_t i) const { return pieces_[i]; }
  // The piece an arc runs along (both arcs of a two-way piece map to it);
  // nullopt when the arc's geometry could not be recovered.
  std::optional<std::uint32_t> piece_of_arc(EdgeId a) const;

  // The nearest attachment point within max_distance_m (geodesic), or nullopt
  // when every road is farther (the point is off the network). Non-finite
  // points are never snapped. Safe to call from several threads at once.
  std::optional<SnapPoint> snap(LonLat p, double max_distance_m) const;

  // The piece's line in CGCS2000 degrees between two distances along it
  // (clamped to the piece, swapped if from_m > to_m so the line runs in
  // increasing distance), and the same in local metric coordinates.
  std::vector<LonLat> piece_line(std::uint32_t piece, double from_m = 0.0,
                                 double to_m = std::numeric_limits<double>::infinity()) const;
  // piece_line into `out` (cleared first), reusing its storage: for the
  // hundreds of thousands of link paths of a large run.
  void piece_line_into(std::uint32_t piece, double from_m, double to_m, std::vector<LonLat>& out) const;
  std::vector<XY> piece_line_xy(std::uint32_t piece, double from_m = 0.0,
                                double to_m = std::numeric_limits<double>::infinity()) const;
  // piece_line_xy into `out` (cleared first), reusing its storage.
  void piece_line_xy_into(std::uint32_t piece, double from_m, double to_m, std::vector<XY>& out) const;

  // Not to be shared between threads (a PROJ transformation is not
  // thread-safe); snap() itself may be called from any number of threads.
  const geo::Projector& projector() const { return *projector_; }

 private:
  const SegmentTable* table_ = nullptr;
  const RoadGraph* graph_ = nullptr;
  std::unique_ptr<SegmentTable> crossed_;  // the split table when node_crossings
  std::unique_ptr<geo::Projector> projector_;
  // Projectors for concurrent snap() calls, one taken per call.
  struct ProjectorPool;
  std::unique_ptr<ProjectorPool> pool_;
  std::vector<EdgePiece> pieces_;
  std::vector<std::uint32_t> arc_piece_;  // per arc; kNoPiece when unknown
  std::vector<std::uint32_t> sub_vertex_;  // indexed sub-segment -> its first vertex
  std::vector<std::uint32_t> sub_piece_;   // indexed sub-segment -> piece
  // The sub-segments by the cells of a dense grid over their extent: the
  // cell (c, r) lists items[first[c * rows + r] .. first[c * rows + r + 1]).
  struct Grid {
    double x0 = 0.0, y0 = 0.0, cell = 1.0;
    std::int64_t cols = 0, rows = 0;
    std::vector<std::uint32_t> first;
    std::vector<std::uint32_t> items;
    void build(const std::vector<XY>& xy, const std::vector<std::uint32_t>& sub_vertex, double min_x, double min_y,
               double max_x, double max_y, double cell_m);
    std::int64_t column(double x) const { return static_cast<std::int64_t>(std::floor((x - x0) / cell)); }
    std::int64_t row(double y) const { return static_cast<std::int64_t>(std::floor((y - y0) / cell)); }
    // Every item listed in a cell the box meets (an item once per such cell).
    template <class F>
    void for_each_in_box(double min_x, double min_y, double max_x, double max_y, F&& f) const {
      // Clamped in doubles first: a far query point must not overflow.
      const auto clamp_to = [](double v, std::int64_t n) {
        return static_cast<std::int64_t>(std::clamp(v, -1.0, static_cast<double>(n)));
      };
      const std::int64_t c0 = std::max<std::int64_t>(clamp_to(std::floor((min_x - x0) / cell), cols), 0);
      const std::int64_t c1 = std::min<std::int64_t>(clamp_to(std::floor((max_x - x0) / cell), cols), cols - 1);
      const std::int64_t r0 = std::max<std::int64_t>(clamp_to(std::floor((min_y - y0) / cell), rows), 0);
      const std::int64_t r1 = std::min<std::int64_t>(clamp_to(std::floor((max_y - y0) / cell), rows), rows - 1);
      for (std::int64_t c = c0; c <= c1; ++c) {
        const auto base = static_cast<std::size_t>(c * rows);
        for (std::uint32_t i = first[base + static_cast<std::size_t>(r0)]; i < first[base + static_cast<std::size_t>(r1) + 1]; ++i)
          f(items[i]);
      }
    }
  };
  Grid grid_;
  double max_sub_length_ = 0.0;
};

// Costs between a snapped point and the graph are in the search's metric:
// seconds for time (the access leg at access_kmh) or metres for length (the
// access leg at its length).

// The sources of a multi-source search starting at a snapped point: the
// access leg plus the partial piece to each end node the direction allows.
std::vector<Source> point_sources(const EdgeSnapper& s, const RoadGraph& g, const SnapPoint& p, Metric metric,
                                  double access_kmh);

// The cost of arriving at a snapped point from labelled nodes: the cheaper of
// the two end nodes plus the partial piece towards the point (direction
// permitting) plus the access leg; infinity when neither end is reached.
struct Arrival {
  double cost = std::numeric_limits<double>::infinity();
  VertexId via;  // the end node arrived through; invalid when unreached
};
Arrival arrival_cost(const EdgeSnapper& s, const RoadGraph& g, const PathLabels& labels, const SnapPoint& p,
                     double access_kmh);

// Cost along one piece between two attachment points on it (direction
// permitting; infinity when the piece's one-way direction forbids it),
// without access legs.
double along_piece_cost(const EdgeSnapper& s, const RoadGraph& g, std::uint32_t piece, double from_along_m,
                        double to_along_m, Metric metric);

// Seconds to cover metres at km/h.
inline double access_seconds(double metres, double kmh) { return metres * 3.6 / kmh; }

}  // namespace ruralnet::network
