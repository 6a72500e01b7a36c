// The three-tier delivery network (county hub -> township station -> village
// outlet) and the reach of delivery to every administrative village (通达率),
// as the postal statistics count it: a village is reached when delivery comes
// to the village itself -- its own outlet or a cooperative one -- not when
// parcels stop at the township station (docs/coverage.md).
//
// Pure analysis: no file I/O. report/coverage.hpp writes the results.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "ruralnet/core/progress.hpp"
#include "ruralnet/core/stages.hpp"
#include "ruralnet/core/types.hpp"
#include "ruralnet/model/dataset.hpp"
#include "ruralnet/network/build.hpp"

namespace ruralnet::coverage {

inline constexpr const char* kSchema = "ruralnet.coverage/1";

enum class Reach { direct, cooperative, township_only, off_network, disconnected };
const char* to_string(Reach r);
inline bool is_reached(Reach r) { return r == Reach::direct || r == Reach::cooperative; }

struct CoverageResult;

struct CoverageOptions {
  double max_snap_m = 2000.0;             // farther from every road = off the network
  double access_kmh = 15.0;               // speed of the access leg (walking, tricycle)
  double station_threshold_min = 45.0;    // station -> outlet link that counts as delivery
  double outlet_radius_m = 3000.0;        // network distance within which an outlet serves a village
  std::vector<double> bands_min{15.0, 30.0, 45.0};  // service-area bands
  bool service_areas = true;
  double area_cell_m = 100.0;             // grid cell of the service-area polygons
  double area_fill_holes_km2 = 1.0;       // service-area holes smaller than this are filled (0: keep all)
  bool node_crossings = false;            // the BuildOptions value the graph was built with
  ProgressSettings progress{true};
  // Called once, on the calling thread, as soon as every result but the
  // service areas is final (r.service_areas still empty, r.stages not yet
  // set) while the areas are still being drawn, so that a caller can start
  // writing the rest beside them. Not kept in CoverageResult::options.
  std::function<void(const CoverageResult&)> before_service_areas;
};

// Throws UsageError naming the option for a value that is not a finite
// positive number (bands must also be increasing).
void check_options(const CoverageOptions& o);

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

// How a point attaches to the road network.
struct Attachment {
  bool on_network = false;
  double snap_m = kNaN;             // geodesic length of the access leg; NaN when off the network
  LonLat snapped{kNaN, kNaN};       // the attachment point on the road
  std::uint32_t component = 0;      // connected component of the road (0 = the main one)
  std::size_t component_nodes = 0;
  std::uint32_t piece = 0;
  double along_m = 0.0;
};

struct FacilityResult {
  std::size_t facility = kNone;  // index into Dataset::facilities
  model::Tier tier = model::Tier::village_outlet;
  Attachment at;
  // The link up one tier (outlet -> station, station -> hub); kNone for hubs.
  // Travel time is from the parent down to this facility (the delivery
  // direction), in minutes; NaN when not reached.
  std::size_t admin_parent = kNone;    // the parent serving its division code
  double admin_time_min = kNaN;        // NaN also when beyond the administrative search bound
  std::size_t fastest_parent = kNone;  // the parent reaching it fastest
  double fastest_time_min = kNaN;
  std::size_t link_parent = kNone;     // the administrative parent, else the fastest one
  double link_time_min = kNaN;
  bool linked = false;                 // outlets: link_time_min <= the station threshold
  std::size_t carriers = 0;
};

struct VillageResult {
  std::size_t village = kNone;  // index into Dataset::villages
  Reach reach = Reach::township_only;
  Attachment at;
  std::size_t own_outlet = kNone;      // best outlet carrying the village's code
  std::size_t serving_outlet = kNone;  // the outlet that delivers (direct or cooperative)
  double outlet_distance_m = kNaN;     // network distance outlet -> village (cooperative; 0 for direct)
  std::size_t station = kNone;         // administrative station, else the fastest one
  double station_time_min = kNaN;      // station -> village point
  std::size_t fastest_station = kNone;
  double fastest_station_time_min = kNaN;
  bool neighbour_faster = false;       // another township's station reaches the village sooner
  std::size_t hub = kNone;             // the station's hub
  double hub_time_min = kNaN;          // hub -> station
};

struct TimeStats {
  std::size_t count = 0;
  double mean = kNaN, median = kNaN, p95 = kNaN, max = kNaN;
};
// Nearest-rank percentiles over the finite values.
TimeStats time_stats(std::vector<double> values);

struct GroupMetrics {
  std::size_t villages = 0;
  std::size_t reached = 0;
  double reach_rate = kNaN;  // reached / villages; NaN when there are none
  double population = 0.0;
  double population_reached = 0.0;
  std::size_t by_reason[5] = {0, 0, 0, 0, 0};  // indexed by Reach
  TimeStats village_station_min;  // per village, station -> village
  TimeStats station_hub_min;      // per station of the area, hub -> station
  std::size_t outlets = 0;
  std::size_t outlets_multi_carrier = 0;  // outlets serving two or more carriers
  double mean_carriers = kNaN;            // per outlet (网点快递收发兼容度)
};

struct AreaMetrics {
  std::string level;  // "township", "county", "city"
  std::string code;
  std::string name;
  GroupMetrics all, poor, flood_zone;
};

struct ServiceArea {
  std::size_t facility = kNone;
  model::Tier tier = model::Tier::township_station;
  double band_min = 0.0;
  model::MultiPolygon geometry;
  double area_km2 = 0.0;
  double road_km = 0.0;  // reached road length inside the band
};

struct TierLink {
  std::size_t from = kNone;  // parent facility
  std::size_t to = kNone;    // child facility
  model::Tier tier = model::Tier::village_outlet;  // tier of the child
  std::string kind;          // "administrative" or "fastest"
  double time_min = kNaN;
  double length_m = kNaN;
  model::LineString path;    // parent -> child, access legs included
};

struct OffNetworkPoint {
  std::string layer;  // "villages" or "facilities"
  std::size_t index = kNone;
  std::string id;
  std::string reason;  // "beyond_max_snap" or "no_coordinates"
};

struct PassStats {
  std::string name;
  std::size_t sources = 0;
  std::size_t settled = 0;
  double seconds = 0.0;
};

struct CoverageResult {
  CoverageOptions options;
  std::string local_crs;
  std::vector<VillageResult> villages;      // one per dataset village, in order
  std::vector<FacilityResult> facilities;   // hubs, stations, outlets used (dataset order)
  std::vector<std::size_t> facility_slot;   // dataset facility -> index in facilities, kNone when ignored
  std::vector<std::size_t> ignored_unknown_tier;  // dataset facility indices
  std::vector<AreaMetrics> townships, counties;
  AreaMetrics city;
  std::vector<ServiceArea> service_areas;
  std::vector<TierLink> links;
  std::vector<OffNetworkPoint> off_network;
  std::vector<PassStats> passes;
  std::vector<StageTime> stages;  // wall time of the analysis stages, in order
  std::size_t hubs = 0, stations = 0, outlets = 0;
  std::size_t admin_searches = 0;  // bounded per-station/hub searches run

  const FacilityResult* facility_of(std::size_t dataset_index) const {
    return dataset_index < facility_slot.size() && facility_slot[dataset_index] != kNone
               ? &facilities[facility_slot[dataset_index]]
               : nullptr;
  }
};

// Throws InputError (naming the facilities or villages layer) when there is
// no township station or no county hub on the network, or when every village
// is off the network; UsageError for bad options.
CoverageResult analyse(const model::Dataset& ds, const network::SegmentTable& table,
                       const network::BuildResult& built, const CoverageOptions& options);

}  // namespace ruralnet::coverage
