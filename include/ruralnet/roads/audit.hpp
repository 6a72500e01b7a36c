// The rural road programme audit (`ruralnet roads`, docs/roads.md): measures
// every segment on the CGCS2000 ellipsoid, checks it against its declared
// length and stakes, totals the programme by county, programme, class, status
// and month as of a date, finds double-booked, mis-booked, disconnected and
// malformed segments, and compares village access with and without the
// programme's completed roads. Pure analysis: no file is read or written here.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ruralnet/core/date.hpp"
#include "ruralnet/core/progress.hpp"
#include "ruralnet/core/types.hpp"
#include "ruralnet/model/dataset.hpp"
#include "ruralnet/model/finding.hpp"
#include "ruralnet/network/speeds.hpp"

namespace ruralnet::roads {

struct AuditOptions {
  Date as_of;                       // the date the totals are taken at
  double target_km = 4451.0;        // the city's programme target
  std::map<std::string, double> county_targets_km;  // county_code -> km (empty = none)
  // Declared vs measured: flagged when they differ by more than the larger of
  // the share and the floor.
  double length_tolerance_share = 0.02;
  double length_tolerance_m = 50.0;
  double snap_tolerance_m = 5.0;     // as network::BuildOptions: ends this close are joined
  double gap_tolerance_m = 20.0;     // an unjoined end this close to another road is a gap
  double overlap_tolerance_m = 1.0;  // pieces this close and parallel are the same road
  double min_overlap_m = 5.0;        // shared length below this is a touch, not a double count
  double outside_share = 0.5;        // share of length outside the booked county that is flagged
  double village_snap_m = 2000.0;    // a village farther than this from every node is off the network
  network::SpeedTable speeds;
  bool compare_access = true;        // the with/without comparison (the costly part)
  ProgressSettings progress{true};
};

// A segment's state at the as-of date.
enum class StatusAt { unknown, planned, building, completed };
const char* to_string(StatusAt s);

struct SegmentAudit {
  std::size_t index = 0;  // in Dataset::roads
  std::string id;
  std::string county_code;
  model::Program program = model::Program::none;
  model::RoadClass road_class = model::RoadClass::other;
  model::RoadStatus status = model::RoadStatus::unknown;  // as given
  StatusAt status_at = StatusAt::unknown;                 // at the as-of date
  std::optional<Date> completed_on;
  double measured_m = 0.0;          // geodesic length of all parts
  std::optional<double> declared_m;  // declared_km * 1000
  std::optional<double> declared_diff_m;  // declared - measured
  std::optional<double> stake_start_m, stake_end_m;
  std::optional<double> stake_length_m;  // |end - start|
  double double_counted_m = 0.0;  // length already counted by an earlier segment it overlaps
  double unique_m = 0.0;          // measured - double_counted (>= 0)
  double self_overlap_m = 0.0;
  std::optional<double> outside_share;  // of length outside its county polygon (nullopt: no polygon)
  bool in_graph = false;        // has at least one graph edge
  bool in_main_component = false;
  std::size_t component_segments = 0;  // segments in its component (for isolated chains)
  bool changed_access = false;  // completed programme segment on an improved village's path
  std::vector<std::string> flags;  // kinds of its findings
  std::optional<LonLat> midpoint;  // a point halfway along, for maps
  bool is_programme() const { return program != model::Program::none; }
};

// One problem, with where it is and what it costs.
struct RoadFinding {
  model::Severity severity = model::Severity::warning;
  std::string kind;  // docs/roads.md lists them
  std::string segment_id;
  std::size_t segment = 0;  // index in Dataset::roads
  std::string county_code;
  std::string field;
  std::optional<LonLat> location;
  std::string other_id;    // the other segment (overlap, gap)
  double value = 0.0;      // kind-specific: metres differing, overlapping, gap, share outside ...
  std::string message;
};

// Kilometres of one group of segments.
struct Km {
  std::size_t segments = 0;
  double declared_km = 0.0;  // sum of declared lengths (segments without one add nothing)
  std::size_t undeclared = 0;  // segments without a declared length
  double measured_km = 0.0;  // geodesic
  double unique_km = 0.0;    // measured without double counting
  void add(const SegmentAudit& s);
};

// Programme km of one group by status at the as-of date.
struct StatusKm {
  Km planned, building, completed, unknown, total;
  void add(const SegmentAudit& s);
};

struct MonthKm {
  std::string month;  // "2018-07"
  Km completed;
  double cumulative_unique_km = 0.0;
};

struct CountyTotals {
  std::string code;
  std::string name;
  StatusKm km;
  std::optional<double> target_km;
  std::optional<double> completion;  // completed unique km / target
};

// Distribution of minutes saved over the villages whose time fell.
struct Saved {
  std::size_t count = 0;
  double mean_min = 0.0, median_min = 0.0, max_min = 0.0;
};

struct VillageAccess {
  std::size_t village = 0;  // index in Dataset::villages
  std::string code, name, county_code, township_code;
  LonLat location;
  double snap_with_m = -1.0, snap_without_m = -1.0;  // -1: no node within village_snap_m
  // Minutes; nullopt when unreachable.
  std::optional<double> township_with_min, township_without_min, hub_with_min, hub_without_min;
  bool reachable_with = false, reachable_without = false;
  bool newly_connected() const { return reachable_with && !reachable_without; }
};

struct CountyAccess {
  std::string code;
  std::size_t villages = 0;
  std::size_t newly_connected = 0;
  Saved township, hub;
};

struct AccessResult {
  bool computed = false;
  std::size_t villages = 0;
  std::size_t villages_off_network = 0;  // no node within village_snap_m with the programme
  std::size_t newly_connected = 0;
  std::size_t faster_township = 0, faster_hub = 0;
  Saved township, hub;
  std::vector<CountyAccess> by_county;
  std::vector<VillageAccess> villages_list;  // every village with the times
  std::size_t removed_segments = 0;          // completed programme segments left out of the "without" graph
  double removed_km = 0.0;
  double unused_km = 0.0;  // of those, km on no improved village's path
  std::size_t unused_segments = 0;
};

struct AuditResult {
  Date as_of;
  double target_km = 0.0;
  std::string local_crs;
  AuditOptions options;
  std::vector<SegmentAudit> segments;  // every road segment, input order
  std::vector<RoadFinding> findings;
  // Programme segments only.
  StatusKm programme;
  std::map<std::string, StatusKm> by_program;  // "changtong", "kuomian"
  std::map<std::string, StatusKm> by_class;
  std::vector<CountyTotals> by_county;  // by code, including codes without a county polygon
  std::vector<MonthKm> by_month;        // completed by month of completed_on, up to as_of
  double completion = 0.0;              // completed unique km / target_km
  // All roads.
  Km all_roads;
  double double_counted_km = 0.0;  // over all roads
  std::size_t graph_nodes = 0, graph_edges = 0, graph_components = 0;
  AccessResult access;
  std::map<std::string, std::size_t> findings_by_kind;
  std::size_t count(model::Severity s) const;
};

// Runs the audit. Throws UsageError for options out of range; GeometryError
// from the graph builder for a coordinate the projection cannot take.
AuditResult audit(const model::Dataset& ds, const AuditOptions& options);

// Read problems that make the totals untrustworthy: every error of a layer
// other than roads, every error of a roads field (unknown programme or status,
// text or negative lengths, unparseable dates), and negative declared lengths.
// Geometry problems of roads are not among them: the audit reports those.
std::vector<model::Finding> blocking_problems(const model::Dataset& ds);

// Parses a county targets file: header `county_code,target_km`, then one line
// per county. Throws InputError naming `source` and the line.
std::map<std::string, double> parse_county_targets(std::string_view text, const std::string& source);

// --- building blocks, exposed for tests and benchmarks ----------------------

// Pieces (consecutive vertex pairs) in a local metric CRS, with the geodesic
// length of each for converting planar overlap lengths.
struct Pieces {
  std::vector<XY> a, b;
  std::vector<double> geodesic_m;
  std::vector<std::uint32_t> segment;
  std::vector<std::uint8_t> a_is_end, b_is_end;  // the vertex ends a part
  std::size_t size() const { return a.size(); }
  void add(XY p, XY q, double geodesic, std::uint32_t seg, bool p_end, bool q_end);
};

struct Overlap {
  std::uint32_t segment_a = 0, segment_b = 0;  // a <= b; a == b for a self-overlap
  double length_m = 0.0;                       // shared length (geodesic-scaled)
  XY at;                                       // the middle of the first shared stretch
};

struct Gap {
  std::uint32_t segment = 0;
  std::uint32_t other = 0;  // nearest other segment
  XY end;                   // the unjoined end
  double distance_m = 0.0;  // to the other road (planar)
};

// Collinear overlaps between pieces within `tolerance_m` laterally, summed
// per segment pair and kept when at least `min_overlap_m`, plus the ends not
// joined to another segment (no other endpoint within snap_m, no other vertex
// at the same millimetre) that lie within gap_m of another segment's piece.
// One grid index of piece boxes; near-linear in the number of pieces.
struct Proximity {
  std::vector<Overlap> overlaps;
  std::vector<Gap> gaps;
};
Proximity find_proximity(const Pieces& pieces, double tolerance_m, double min_overlap_m, double snap_m, double gap_m);

}  // namespace ruralnet::roads
