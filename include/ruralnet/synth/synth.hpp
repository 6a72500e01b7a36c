// The demo dataset: a synthetic Lu'an city generated deterministically from a
// seed (docs/synth.md). Counties match the city's published figures (area,
// residents, township and village counts, centroids, extents, terrain); the
// road network matches the 2018 rural road lengths by class and the plan's
// 4,451 km of programme roads; a documented set of defects is planted so that
// `validate` and the roads audit have something true to find.
//
// Larger scales tile many synthetic cities side by side for benchmarks and are
// written one tile at a time in bounded memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ruralnet/core/date.hpp"
#include "ruralnet/core/progress.hpp"
#include "ruralnet/io/write.hpp"
#include "ruralnet/model/dataset.hpp"

namespace ruralnet::synth {

enum class Scale { luan, province, nation };
std::optional<Scale> parse_scale(std::string_view name);
const char* to_string(Scale s);
// Tiles (synthetic cities of seven counties) written at a scale: 1, 26, 256.
std::size_t tile_count(Scale s);

// Published figures of one county-level unit (2018).
struct CountyFacts {
  std::string code;
  std::string name;
  std::string pinyin;
  double area_km2 = 0;
  double residents = 0;  // resident population, end of 2018
  int townships = 0;
  int villages = 0;      // administrative villages (村)
  int communities = 0;   // residents' communities (社区)
  LonLat centroid;
  Extent bbox;
  double mountain_share = 0;  // share of the area that is mountain
  double rural_share = 0;     // share of residents who are rural
  double poor_share = 0;      // share of villages that are poor (贫困村)
};
const std::vector<CountyFacts>& luan_counties();

// City-wide road lengths the generator aims at (km, geodesic).
struct RoadTargets {
  double national_km = 480;
  double provincial_km = 1150;
  double county_km = 1462;
  double township_km = 3687;
  double village_km = 14152;
  double programme_km = 4451;
};
RoadTargets luan_road_targets();

// The plan's indicator ids (progress records use them).
const std::vector<std::string>& indicator_ids();

// A deliberate defect, listed in the manifest.
struct Defect {
  std::string kind;        // mis_declared_length, duplicate_segment, gap, code_not_nested, village_outside_township
  std::string layer;       // roads or villages
  std::string feature_id;  // road id or village code
  std::string check;       // "validate" or "roads": the command that should find it
  nlohmann::json details;  // kind-specific facts (see docs/synth.md)
};

// One row of the progress table.
struct ProgressRecord {
  std::string county_code;
  std::string indicator;
  double value = 0;
  Date as_of;
  std::string source;
};

// One synthetic city. Villages carry the extra field `kind` (village |
// community), townships the extra field `kind` (subdistrict | town | township).
struct Tile {
  std::size_t index = 0;
  model::Dataset data;
  std::vector<ProgressRecord> progress;
  std::vector<Defect> defects;
};

// Generates tile `index` of a scale. Tile 0 of every scale is Lu'an in its
// true place; further tiles are shifted copies with their own seeds and codes.
// Same seed, scale and index give the same features, bit for bit.
Tile generate_tile(std::uint64_t seed, Scale scale, std::size_t index);

// The files `ruralnet synth --out OUT` writes: OUT itself, OUT.defects.json
// and OUT.progress.csv.
struct SynthPaths {
  std::filesystem::path dataset, defects, progress_csv;
};
SynthPaths synth_paths(const std::filesystem::path& out);

struct SynthOptions {
  std::uint64_t seed = 1;
  Scale scale = Scale::luan;
  io::WriteOptions write;  // format chosen by the extension unless given
  bool overwrite = false;
};

struct SynthSummary {
  SynthPaths paths;
  std::size_t tiles = 0, counties = 0, townships = 0, villages = 0, roads = 0, facilities = 0, progress = 0,
              defects = 0;
  double road_km = 0, programme_km = 0;
  double seconds = 0;
};

// Generates and writes. Checks every output path first (UsageError when one
// exists without overwrite, or the format cannot be written).
SynthSummary write_synthetic(const std::filesystem::path& out, const SynthOptions& options,
                             const ProgressSettings& progress);

// The manifest document written to OUT.defects.json.
nlohmann::json defects_manifest(const std::vector<Defect>& defects, std::uint64_t seed, Scale scale,
                                const std::string& dataset_name);

}  // namespace ruralnet::synth
