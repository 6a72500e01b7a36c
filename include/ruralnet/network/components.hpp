// Connected components of the road graph in the undirected sense (a one-way
// road still joins its two ends), and the points nearest to each component,
// which tells a planner which villages an isolated piece of road would serve.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ruralnet/core/types.hpp"
#include "ruralnet/network/road_graph.hpp"

namespace ruralnet::geo {
class Projector;
}

namespace ruralnet::network {

struct ComponentInfo {
  std::size_t node_count = 0;
  std::size_t edge_count = 0;  // undirected road pieces
  double length_m = 0.0;       // sum of edge lengths
};

struct Components {
  // Component of each node. Components are numbered by decreasing node count
  // (ties: longer first), so component 0 is the main one.
  std::vector<std::uint32_t> of_node;
  std::vector<ComponentInfo> list;

  std::size_t count() const { return list.size(); }
  static constexpr std::uint32_t main() { return 0; }
  bool is_main(VertexId v) const { return of_node[v.value()] == main(); }
  // Share of all nodes in the main component (0 for an empty graph).
  double main_node_share() const;
  // Share of all road length in the main component (0 for an empty graph).
  double main_length_share() const;
};

Components connected_components(const RoadGraph& g);

struct NearbyPoint {
  std::uint32_t point = 0;  // index in the points given
  VertexId node;            // the component's node nearest to the point
  double distance_m = 0.0;  // geodesic, point to node
};

// For every component, up to n points nearest to any of its nodes, nearest
// first. Points are ranked by planar distance in the projector's CRS (within
// 1.4e-4 of the geodesic in a 3-degree zone) and reported with the geodesic
// distance. Points with non-finite coordinates are skipped.
std::vector<std::vector<NearbyPoint>> nearest_points_by_component(const RoadGraph& g, const Components& c,
                                                                  std::span<const LonLat> points,
                                                                  const geo::Projector& projector, std::size_t n);

}  // namespace ruralnet::network
