// Reading a planner's dataset through GDAL/OGR into the typed layers of
// model::Dataset (the contract is docs/data-input.md).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ruralnet/core/progress.hpp"
#include "ruralnet/model/dataset.hpp"

namespace ruralnet::io {

// The five layers of the contract, in reading order.
inline const std::vector<std::string> kLayerNames = {"counties", "townships", "villages", "roads", "facilities"};

struct ReadOptions {
  // One dataset holding the layers by their contract names: a GeoPackage, a
  // folder of Shapefiles/GeoJSON/FlatGeobuf, or a "PG:..." connection string.
  std::string dataset;
  // Per-layer sources overriding the dataset: layer -> "path" or "path|layername".
  std::map<std::string, std::string> layer_sources;
  // Bureau field names: "villages.population" -> "RKS".
  std::map<std::string, std::string> field_map;
  // Text encoding for sources that do not declare one ("GBK", "GB18030",
  // "UTF-8"); empty = detect, refusing when unsure.
  std::string encoding;
  // CRS to assume for layers that declare none; empty = a missing CRS is an error.
  std::string assume_crs;
  // Layers digitised from Chinese web maps: layer -> "gcj02" or "bd09".
  std::map<std::string, std::string> web_coordinates;
  // Layers that must be present (others are read when present).
  std::vector<std::string> required_layers;
  // For the analyses that need only the road graph: the roads layer is read
  // into Dataset::road_columns (id, class, speed_kmh, oneway and the
  // geometry) instead of Dataset::roads. Its other fields are neither read nor
  // checked, so their findings are not reported (docs/data-input.md).
  bool roads_graph_only = false;
};

// Reads every present layer. Unusable sources (missing file, unopenable,
// required layer absent, no CRS) throw InputError/CrsError; problems with single
// features (wrong types, bad geometry) become Dataset::read_findings so that
// `validate` can list them all.
model::Dataset read_dataset(const ReadOptions& options, const ProgressSettings& progress);

// For analysis commands: throws InputError for the first error-severity read
// finding (naming its file, layer, feature and field, with the count of the
// others and the hint to run `ruralnet validate`). Returns when there is none.
void require_usable(const model::Dataset& dataset);

// Parses "villages.population=RKS" into the field map; throws UsageError.
void add_field_mapping(std::map<std::string, std::string>& map, const std::string& spec);

namespace detail {
// The threads that read a large GeoPackage's roads (0, the default: two, or
// one on a one-core machine), and the number of roads from which more than one
// is used (0, the default: 50,000). What is read does not depend on them;
// tests and benchmarks set them to compare the serial read with the parallel one.
void set_roads_read_threads(std::size_t threads);
void set_parallel_roads_min(std::size_t roads);
}  // namespace detail

}  // namespace ruralnet::io
