// What a dataset holds, measured: the figures of `ruralnet info`. Counts per
// layer and county, areas and road lengths on the ellipsoid, and the road graph.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ruralnet/core/types.hpp"
#include "ruralnet/model/dataset.hpp"
#include "ruralnet/network/build.hpp"

namespace ruralnet::inventory {

struct LayerSummary {
  std::string name;
  bool present = false;
  std::size_t features = 0;
  std::string source;
  std::string source_crs;
  std::string encoding;
  Extent extent;
};

// Road kilometres split three ways; keys are the model's to_string names.
struct RoadKm {
  double total_km = 0.0;
  std::map<std::string, double> by_class;
  std::map<std::string, double> by_program;
  std::map<std::string, double> by_status;
  void add(const model::RoadSegment& s, double km);
};

struct CountySummary {
  std::string code;
  std::string name;
  double area_km2 = 0.0;  // geodesic, holes subtracted
  std::size_t townships = 0;
  std::size_t villages = 0;
  std::map<std::string, std::size_t> village_kinds;  // from the extra field `kind` when present
  std::size_t poor_villages = 0;
  std::size_t flood_zone_villages = 0;
  double population = 0.0;
  std::map<std::string, std::size_t> facilities_by_tier;
  RoadKm roads;
};

// One connected part of the road network, with the villages nearest to it (a
// small part far from every village is usually a digitising gap).
struct ComponentSummary {
  std::size_t nodes = 0;
  std::size_t edges = 0;
  double length_km = 0.0;
  std::vector<std::string> nearest_villages;  // "code name (distance m)"
};

// Two road ends closer than the snap tolerance, joined into one node.
struct SnapSummary {
  std::string road_a, road_b;  // the roads' own ids
  double distance_m = 0.0;     // geodesic
  LonLat location;             // the first road's end
};

struct GraphSummary {
  std::size_t nodes = 0;
  std::size_t arcs = 0;
  std::size_t edges = 0;
  std::size_t components = 0;
  double main_component_share = 0.0;  // share of road length in the largest component
  std::vector<ComponentSummary> largest;  // up to SummaryOptions::components_listed, longest first
  std::size_t snaps = 0;
  std::vector<SnapSummary> snap_list;  // every snap, in build order
  std::size_t memory_bytes = 0;
  double snap_tolerance_m = 0.0;
  std::string local_crs;
};

struct Summary {
  std::string dataset;
  std::string geographic_crs;
  std::vector<LayerSummary> layers;
  std::vector<CountySummary> counties;  // in code order, plus "unassigned" when needed
  RoadKm roads;
  std::optional<GraphSummary> graph;
};

struct SummaryOptions {
  bool build_graph = true;
  network::BuildOptions graph;
  std::size_t components_listed = 10;
  std::size_t villages_per_component = 3;
  ProgressSettings progress;
};

// Computes every figure. The graph is built in the dataset's local metric CRS.
Summary summarize(const model::Dataset& ds, const SummaryOptions& options);

}  // namespace ruralnet::inventory
