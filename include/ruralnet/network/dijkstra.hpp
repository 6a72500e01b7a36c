// Shortest paths on the road graph: single- and multi-source Dijkstra with an
// addressable 4-ary heap, an optional bound on the cost, and per-node labels
// (cost, which source reached the node, and the arc it was reached by).
// A multi-source run answers "which facility is nearest to every node" in one
// sweep instead of one sweep per facility.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "ruralnet/core/types.hpp"
#include "ruralnet/network/road_graph.hpp"

namespace ruralnet::network {

enum class Metric { time_s, length_m };

struct DijkstraOptions {
  Metric metric = Metric::time_s;
  // Nodes costing more than this are left unreached (infinite cost).
  double max_cost = std::numeric_limits<double>::infinity();
};

// A source node with a starting cost (e.g. the time to walk from a facility
// to the road); sources[i] is reported as source index i.
struct Source {
  VertexId node;
  double start_cost = 0.0;
};

inline constexpr std::uint32_t kNoSource = std::numeric_limits<std::uint32_t>::max();

struct PathLabels {
  Metric metric = Metric::time_s;
  std::vector<double> cost;          // infinity when not reached within max_cost
  std::vector<std::uint32_t> source; // index into the sources; kNoSource when unreached
  std::vector<EdgeId> parent_arc;    // invalid at a source and when unreached
  std::size_t settled = 0;           // nodes settled (for statistics)

  bool reached(VertexId v) const { return source[v.value()] != kNoSource; }
};

// Throws RunError for a source outside the graph, a negative or non-finite
// start cost, or a NaN max_cost. With several sources at one node the one
// with the lower start cost (then the lower index) wins; ties between sources
// reaching a node at equal cost go to the source settled first.
PathLabels dijkstra(const RoadGraph& g, VertexId source, const DijkstraOptions& options = {});
PathLabels multi_source_dijkstra(const RoadGraph& g, std::span<const VertexId> sources,
                                 const DijkstraOptions& options = {});
PathLabels multi_source_dijkstra(const RoadGraph& g, std::span<const Source> sources,
                                 const DijkstraOptions& options = {});

// Many bounded searches on a large graph: the search writes into `labels`
// and lists every node it labelled in `touched`. Labels not sized for the
// graph are set up first (O(nodes), once); otherwise the nodes listed in
// `touched` by the previous call are cleared (clear_labels), so each search
// costs what it reaches, not the size of the graph. Same results and errors
// as multi_source_dijkstra.
void multi_source_dijkstra_into(const RoadGraph& g, std::span<const Source> sources, const DijkstraOptions& options,
                                PathLabels& labels, std::vector<std::uint32_t>& touched);
// The same, stopping as soon as every node of `stop_after` is settled (its
// label is then final) or the search runs out: labels of nodes beyond are
// left unreached or not final. With stop_after empty (or naming no node of
// the graph) the search runs to the end.
void multi_source_dijkstra_into(const RoadGraph& g, std::span<const Source> sources, const DijkstraOptions& options,
                                PathLabels& labels, std::vector<std::uint32_t>& touched,
                                std::span<const VertexId> stop_after);
// Returns the nodes in `touched` to unreached.
void clear_labels(PathLabels& labels, std::span<const std::uint32_t> touched);

// The arcs of the path from the source that reached `target` to `target`, in
// travel order (empty for a source or an unreached node).
std::vector<EdgeId> path_to(const RoadGraph& g, const PathLabels& labels, VertexId target);

// Baseline for benchmarks: textbook Dijkstra on travel time with
// std::priority_queue and lazy deletion, costs only.
std::vector<double> bare_dijkstra(const RoadGraph& g, VertexId source);

}  // namespace ruralnet::network
