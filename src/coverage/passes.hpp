// Internal to the coverage module: one labelled multi-source pass per tier and
// the arrival of a pass at a snapped point.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <unordered_map>
#include <vector>

#include "ruralnet/coverage/coverage.hpp"
#include "ruralnet/network/dijkstra.hpp"
#include "ruralnet/network/snap.hpp"

namespace ruralnet::coverage::detail {

// Threads to use: the machine's cores (at least one), or the limit set by
// set_worker_limit.
std::size_t worker_count();
// Caps the threads of every parallel step (0 = the machine's cores), so that
// tests can check that the threaded result equals the one-thread result.
void set_worker_limit(std::size_t threads);

// Runs fn(first, stride) on up to worker_count() threads (first = 0, 1, ...;
// stride = the number of threads) for n items, and rethrows the first
// exception a worker threw. With one item or one core it runs inline.
void parallel_for(std::size_t n, const std::function<void(std::size_t, std::size_t)>& fn);
// Runs fn(begin, end) over [0, n) cut into contiguous blocks of `block` items,
// the blocks shared out among the threads: for per-item work whose results
// go to slots of the item, so neighbouring items stay on one thread.
void parallel_blocks(std::size_t n, std::size_t block, const std::function<void(std::size_t, std::size_t)>& fn);

// A search started from several facilities at once (their attachment points).
struct Pass {
  network::PathLabels labels;
  double max_cost = std::numeric_limits<double>::infinity();
  std::vector<std::size_t> owner;  // source index -> facility slot
  // Facilities attached to each piece, for arrivals along the same piece
  // without passing a node.
  std::unordered_multimap<std::uint32_t, std::size_t> on_piece;
};

struct PassArrival {
  double cost = std::numeric_limits<double>::infinity();  // seconds or metres
  std::size_t owner = kNone;                              // facility slot
  VertexId via;  // end node arrived through; invalid when along the same piece (or unreached)
};

// slots: facility slots (indices into `facilities`) to start from; those off
// the network are skipped.
Pass run_pass(const network::EdgeSnapper& s, const network::RoadGraph& g, const std::vector<FacilityResult>& facilities,
              const std::vector<std::size_t>& slots, network::Metric metric, double access_kmh, double max_cost);

// One of many bounded searches on a large graph: the labels are kept between
// searches and only the nodes the last one reached are cleared. With
// stop_after, the search ends once those nodes are settled (the end nodes of
// the pieces the search is for: arrivals there are then final).
struct ReusablePass {
  Pass pass;
  std::vector<std::uint32_t> touched;
};
void run_pass_into(ReusablePass& rp, const network::EdgeSnapper& s, const network::RoadGraph& g,
                   const std::vector<FacilityResult>& facilities, const std::vector<std::size_t>& slots,
                   network::Metric metric, double access_kmh, double max_cost,
                   std::span<const VertexId> stop_after = {});

PassArrival arrive(const network::EdgeSnapper& s, const network::RoadGraph& g, const Pass& pass,
                   const std::vector<FacilityResult>& facilities, const Attachment& at, double access_kmh);

// The path of a link as a line: parent's access leg, its partial piece, the
// arcs, the child's partial piece and access leg.
model::LineString link_path(const network::EdgeSnapper& s, const network::RoadGraph& g, const Pass& pass,
                            const PassArrival& a, LonLat parent_location, const Attachment& parent,
                            LonLat child_location, const Attachment& child);

// The geodesic lengths of link paths from one pass (link_path's lines), each
// equal to geo::geodesic_length of the line to the last bit: the sum along
// the pass's tree up to each node is kept, so links from one parent add the
// road they share once, and the sum there is the same sequential sum that
// geodesic_length forms over the whole line. Calls for arrivals through
// nodes of different sources (pass.labels.source) touch different nodes, so
// threads may share one TreeLengths when each takes its own sources.
class TreeLengths {
 public:
  TreeLengths(const network::EdgeSnapper& s, const network::RoadGraph& g, const Pass& pass,
              const std::vector<FacilityResult>& facilities, const std::vector<model::Facility>& dataset_facilities);
  // a.via must be valid (an arrival through a node of the pass).
  double length(const PassArrival& a, LonLat child_location, const Attachment& child);

 private:
  struct Acc;
  void piece_end(Acc& acc, VertexId v);
  const network::EdgeSnapper& s_;
  const network::RoadGraph& g_;
  const Pass& pass_;
  const std::vector<FacilityResult>& facs_;
  const std::vector<model::Facility>& ds_facs_;
  std::vector<double> sum_;  // per node, NaN until known
};

// Polygons (rings of grid corners; the first ring of each the shell) of a set
// of grid cells: the service areas' tracing, on a dense grid over the cells'
// box or (dense = false) with hash maps. Both give the same rings.
std::vector<std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>>> trace_cells(
    const std::vector<std::pair<std::int64_t, std::int64_t>>& cells, bool dense);

// Outlines (in cell units; rings closed, shells counter-clockwise and first)
// of a set of grid cells, as service areas draw them: pinches joined, a hole
// enclosing fewer than hole_limit_cells cells filled, block corners cut and
// staircase steps drawn through their midpoints, then (simplify) simplified
// with a tolerance of 0.35 cell without a ring crossing another.
std::vector<std::vector<std::vector<std::pair<double, double>>>> outline_cells(
    const std::vector<std::pair<std::int64_t, std::int64_t>>& cells, double hole_limit_cells, bool simplify);

// The previous service areas (every third of a cell sampled, sorted
// globally, staircase outlines with every hole), kept as the baseline of
// bench_coverage's BM_ServiceAreas.
std::vector<ServiceArea> service_areas_reference(const network::EdgeSnapper& s, const network::RoadGraph& g,
                                                 const Pass& pass, const std::vector<FacilityResult>& facilities,
                                                 const CoverageOptions& o, model::Tier tier);

// Service areas of one pass (time metric): per facility and band.
std::vector<ServiceArea> service_areas(const network::EdgeSnapper& s, const network::RoadGraph& g, const Pass& pass,
                                       const std::vector<FacilityResult>& facilities, const CoverageOptions& o,
                                       model::Tier tier);

}  // namespace ruralnet::coverage::detail
