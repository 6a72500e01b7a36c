// Internal to the coverage module: one labelled multi-source pass per tier and
// the arrival of a pass at a snapped point.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "ruralnet/coverage/coverage.hpp"
#include "ruralnet/network/dijkstra.hpp"
#include "ruralnet/network/snap.hpp"

namespace ruralnet::coverage::detail {

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

PassArrival arrive(const network::EdgeSnapper& s, const network::RoadGraph& g, const Pass& pass,
                   const std::vector<FacilityResult>& facilities, const Attachment& at, double access_kmh);

// The path of a link as a line: parent's access leg, its partial piece, the
// arcs, the child's partial piece and access leg.
model::LineString link_path(const network::EdgeSnapper& s, const network::RoadGraph& g, const Pass& pass,
                            const PassArrival& a, LonLat parent_location, const Attachment& parent,
                            LonLat child_location, const Attachment& child);

// Service areas of one pass (time metric): per facility and band.
std::vector<ServiceArea> service_areas(const network::EdgeSnapper& s, const network::RoadGraph& g, const Pass& pass,
                                       const std::vector<FacilityResult>& facilities, const CoverageOptions& o,
                                       model::Tier tier);

}  // namespace ruralnet::coverage::detail
