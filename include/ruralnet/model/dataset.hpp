// The typed layers every dataset is read as (docs/data-input.md). Geometry is
// held in geographic degrees in the dataset's working geographic CRS (CGCS2000,
// EPSG:4490, longitude first); the io module reprojects and converts web-map
// coordinates on read so that nothing downstream sees a source CRS.
#pragma once

#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ruralnet/core/date.hpp"
#include "ruralnet/core/types.hpp"
#include "ruralnet/model/finding.hpp"

namespace ruralnet::model {

using Ring = std::vector<LonLat>;               // closed: first == last
struct Polygon { std::vector<Ring> rings; };    // rings[0] is the shell
using MultiPolygon = std::vector<Polygon>;
using LineString = std::vector<LonLat>;
using MultiLineString = std::vector<LineString>;

// Fields of the source that the contract does not name, carried to outputs.
using ExtraFields = std::vector<std::pair<std::string, std::string>>;

// Identity of a feature in its source, for messages.
struct FeatureRef {
  std::int64_t fid = -1;  // OGR feature id in the source layer
};

struct County {
  FeatureRef ref;
  std::string code;  // 6 digits
  std::string name;
  MultiPolygon geometry;
  ExtraFields extra;
};

struct Township {
  FeatureRef ref;
  std::string code;         // 9 digits
  std::string name;
  std::string county_code;  // from the field, else the code's prefix
  MultiPolygon geometry;
  ExtraFields extra;
};

enum class ModelLevel { none, municipal, provincial };
const char* to_string(ModelLevel l);

struct Village {
  FeatureRef ref;
  std::string code;  // 12 digits
  std::string name;
  std::string township_code;  // from the field, else the code's prefix
  LonLat location;            // the point, or a point on the polygon's surface
  std::optional<double> population;
  std::optional<double> households;
  bool poor = false;
  bool flood_zone = false;
  std::optional<double> demand_parcels_day;
  ModelLevel model_level = ModelLevel::none;
  ExtraFields extra;
};

enum class RoadClass { expressway, national, provincial, county, township, village, other };
const char* to_string(RoadClass c);
// Maps the contract's classes, OSM highway values and common Chinese labels
// (县道, 乡道, 村道 ...) to a class; nullopt for an unknown value.
std::optional<RoadClass> parse_road_class(std::string_view text);

enum class Oneway { no, forward, backward };
enum class Program { none, changtong, kuomian };
const char* to_string(Program p);
enum class RoadStatus { unknown, planned, building, completed };
const char* to_string(RoadStatus s);

struct RoadSegment {
  FeatureRef ref;
  std::string id;
  RoadClass road_class = RoadClass::other;
  std::string class_text;  // the value as given, for outputs
  std::optional<double> speed_kmh;
  Oneway oneway = Oneway::no;
  std::string surface;
  Program program = Program::none;
  RoadStatus status = RoadStatus::unknown;
  std::optional<double> declared_km;
  std::optional<Date> completed_on;
  std::string county_code;
  std::string start_stake;  // e.g. "K12+300", parsed by the roads analysis
  std::string end_stake;
  MultiLineString geometry;  // one part for a LineString
  ExtraFields extra;
};

// The roads as the road graph needs them, column by column: what a
// graph-only read (io::ReadOptions::roads_graph_only) holds instead of one
// RoadSegment per road, at a fraction of the memory. Road i has the parts
// [first_part[i], first_part[i + 1]); part p the vertices
// [first_vertex[p], first_vertex[p + 1]) of lonlat, as read (repeated vertices
// kept), in the working geographic CRS. Empty parts are not held, as in
// RoadSegment::geometry.
struct RoadColumns {
  std::vector<std::int64_t> fid;  // OGR feature id in the source layer
  std::vector<std::string> id;
  std::vector<RoadClass> road_class;
  std::vector<double> speed_kmh;  // NaN when the road gives none
  std::vector<Oneway> oneway;
  std::vector<std::uint32_t> first_part = {0};    // size() + 1
  std::vector<std::uint32_t> first_vertex = {0};  // part_count() + 1
  std::vector<LonLat> lonlat;

  std::size_t size() const { return id.size(); }
  bool empty() const { return id.empty(); }
  std::size_t part_count() const { return first_vertex.size() - 1; }
  std::size_t vertex_count() const { return lonlat.size(); }
  // Appends the roads of `other` after these (their part and vertex indices
  // shifted); the caller keeps the total below 2^32 vertices.
  void append(RoadColumns&& other) {
    const auto parts = static_cast<std::uint32_t>(part_count());
    const auto verts = static_cast<std::uint32_t>(lonlat.size());
    auto move_all = [](auto& to, auto& from) {
      to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
      from.clear();
      from.shrink_to_fit();
    };
    move_all(fid, other.fid);
    move_all(id, other.id);
    move_all(road_class, other.road_class);
    move_all(speed_kmh, other.speed_kmh);
    move_all(oneway, other.oneway);
    for (std::size_t i = 1; i < other.first_part.size(); ++i) first_part.push_back(other.first_part[i] + parts);
    for (std::size_t i = 1; i < other.first_vertex.size(); ++i) first_vertex.push_back(other.first_vertex[i] + verts);
    move_all(lonlat, other.lonlat);
    other = RoadColumns{};
  }
};

enum class Tier { county_hub, township_station, village_outlet };
const char* to_string(Tier t);
std::optional<Tier> parse_tier(std::string_view text);

struct Facility {
  FeatureRef ref;
  std::string id;
  Tier tier = Tier::village_outlet;
  std::string name;
  std::string admin_code;             // the county, township or village it serves
  std::vector<std::string> carriers;  // "EMS;ZTO" -> {"EMS","ZTO"}
  std::optional<int> vehicles;
  std::optional<double> vehicle_capacity_parcels;
  std::optional<double> shift_hours;
  std::string colocated;  // shop / poverty_post / bus_stop / finance_room / culture_station / beautiful_village
  ModelLevel model_level = ModelLevel::none;
  LonLat location;
  ExtraFields extra;
};

// What was read for one layer, for `info` and messages.
struct LayerInfo {
  std::string name;           // contract name: "villages"
  bool present = false;
  std::string source;         // file or connection it came from
  std::string source_layer;   // layer name inside the source
  std::string source_crs;     // "EPSG:4490" or the CRS name
  std::string coordinate_system;  // "", "gcj02" or "bd09" when converted from web-map coordinates
  std::string encoding;       // "UTF-8", "GBK" ...
  std::string geometry_type;  // as declared by the source
  std::size_t feature_count = 0;
  Extent extent;              // in the working geographic CRS
};

struct Dataset {
  std::string path;  // what the user named
  std::string geographic_crs = "EPSG:4490";
  std::vector<County> counties;
  std::vector<Township> townships;
  std::vector<Village> villages;
  std::vector<RoadSegment> roads;
  // The roads layer in graph-only form; holds the roads (and `roads` is
  // empty) when roads_graph_only is set.
  RoadColumns road_columns;
  bool roads_graph_only = false;
  std::vector<Facility> facilities;
  std::map<std::string, LayerInfo> layers;  // by contract name
  // Problems met while reading that did not stop the read (wrong types, NaN
  // coordinates, CRS mismatches between layers). Validation adds its own.
  Findings read_findings;
  // fingerprint() of the dataset as read, filled by io::read_dataset so that
  // an analysis can let go of the roads once its graph is built. Code that
  // changes a dataset after reading it clears this.
  std::string read_fingerprint;

  Extent extent() const;
};

// A short hex digest of what the analyses read from a dataset (codes, names,
// coordinates, road ids and geometry, facility ids and tiers), written into
// every analysis output so that a report can refuse to draw outputs of two
// different datasets together. Independent of the path the data was read from
// and of the form the roads were read in (RoadSegment or RoadColumns).
// Returns Dataset::read_fingerprint when it is set.
std::string fingerprint(const Dataset& ds);

}  // namespace ruralnet::model
