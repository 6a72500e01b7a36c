// Reading the output folders of the analyses back for `ruralnet report`
// (docs/report.md): each folder's JSON summary and GeoPackage layers, checked
// against the dataset the report is drawn for, so that outputs of two
// different datasets are never drawn together.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ruralnet::maps {

enum class Analysis { coverage, roads, quota, site, frequency };
const char* to_string(Analysis a);
std::optional<Analysis> parse_analysis(std::string_view text);
// Every analysis, in the order the report shows them.
const std::vector<Analysis>& all_analyses();

// What an analysis writes into its folder: the JSON summary, the GeoPackage
// (empty when it writes none) and the layers the report draws from it.
struct OutputContract {
  std::string json;
  std::string gpkg;
  std::vector<std::string> layers;
  std::string schema_prefix;  // the summary's "schema" starts with this; empty = not checked
};
const OutputContract& contract(Analysis a);

// One GeoPackage layer as a GeoJSON FeatureCollection (all attributes; dates
// as ISO text), coordinates rounded to `decimals` places of a degree, lines
// and rings simplified by Douglas-Peucker to `simplify_deg` (0 = not), and
// polygons and holes under `min_ring_area` square degrees left out.
// Throws InputError naming the file and layer when either cannot be read.
nlohmann::json read_layer_geojson(const std::filesystem::path& gpkg, const std::string& layer, int decimals,
                                  double simplify_deg = 0, double min_ring_area = 0);

struct MapLayer {
  std::string name;
  nlohmann::json collection;  // GeoJSON FeatureCollection
};

struct AnalysisOutput {
  Analysis kind = Analysis::coverage;
  std::filesystem::path dir;
  nlohmann::json summary;
  std::vector<MapLayer> layers;  // in the order of contract(kind).layers
};

// Reads one output folder. Throws InputError naming the folder when a file or
// layer is missing, the summary is not the analysis's, or its
// "dataset_fingerprint" differs from `dataset_fingerprint` (both shown). A
// summary without a fingerprint is refused too, except a quota report, which
// may be made without a dataset: then every county it names must be one of
// `county_codes`.
AnalysisOutput read_output(Analysis kind, const std::filesystem::path& dir, const std::string& dataset_fingerprint,
                           const std::vector<std::string>& county_codes, int decimals = 5);

}  // namespace ruralnet::maps
