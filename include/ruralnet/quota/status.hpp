// Where each county stands on each of the plan's quotas at a report date
// (docs/quota.md, "Pacing and statuses").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ruralnet/core/date.hpp"
#include "ruralnet/model/dataset.hpp"
#include "ruralnet/quota/plan.hpp"
#include "ruralnet/quota/progress.hpp"

namespace ruralnet::quota {

enum class Status { met, on_track, behind, overdue, no_data };
const char* to_string(Status s);
inline constexpr Status kAllStatuses[] = {Status::met, Status::on_track, Status::behind, Status::overdue, Status::no_data};

// The pacing rule in one place: no figure -> no_data; actual >= target -> met;
// after the deadline -> overdue; share below the expected share -> behind;
// otherwise on_track.
Status status_for(double target, std::optional<double> actual, double expected_share, const Date& as_of, const Date& deadline);

// A figure that does not come from the counties' reports: counted from the map
// or handed in by another analysis (--derived). Compared with the reported
// figure; fills in where there is no report.
struct DerivedFigure {
  std::string county_code;  // a county, or the city's code
  std::string indicator;
  double value = 0.0;
  std::string source;       // "map: facilities.model_level=provincial" / the file's own source text
  double tolerance = 0.0;   // absolute difference still counted as agreeing
  std::string origin;       // "map" or "derived"
};

// Counts of model outlets (facilities.model_level, by the county prefix of
// admin_code) and model villages (villages.model_level, by the county prefix of
// the village code) for every indicator whose plan entry has a "map" source;
// one figure per county of the plan (0 included) when the layer is present.
// Features that cannot be placed in a county of the plan become issues.
std::vector<DerivedFigure> derive_from_dataset(const Plan& plan, const model::Dataset& ds, Issues& issues);

// Reads --derived FILE: {"indicators":[{"county_code","indicator","value","source"[,"tolerance"]}]}.
// Throws InputError for an unusable file; entries naming an unknown county or
// indicator become error issues and are left out.
std::vector<DerivedFigure> load_derived(const std::string& path, const Plan& plan, Issues& issues);
std::vector<DerivedFigure> parse_derived(const nlohmann::json& j, const std::string& file, const Plan& plan, Issues& issues);

struct Row {
  bool city = false;           // the city roll-up row
  std::string county_code;     // the city's code on the roll-up row
  std::string county_name;
  std::string indicator;
  std::string indicator_name;
  std::string unit;
  std::string task;            // may be empty
  std::vector<std::string> lead_units;
  Date deadline;
  long days_to_deadline = 0;   // negative when past
  double target = 0.0;
  std::optional<double> actual;
  std::optional<double> share;  // actual / target; none when no figure or target 0
  double expected_share = 0.0;
  Status status = Status::no_data;
  std::string actual_from;     // "report", "map", "derived", "sum_of_counties", "" when none
  std::optional<Date> reported_on;  // as_of of the record that counts
  std::string source;          // its source column
  std::string record;          // "line 7"
  std::optional<double> derived_value;  // map or --derived figure, for comparison
  std::size_t counties_reporting = 0;   // roll-up rows: counties with a figure
  std::size_t counties_total = 0;       // roll-up rows: counties with a quota
};

struct UnitView {
  std::string unit;  // id; empty for indicators with no lead unit
  std::string unit_name;
  std::vector<std::string> indicators;
  std::map<Status, std::size_t> county_status;  // over the county rows of its indicators
  std::map<Status, std::size_t> city_status;    // over the city rows
};

struct DeadlineView {
  Date deadline;
  long days_to_deadline = 0;
  std::vector<std::string> tasks;       // task ids due then
  std::vector<std::string> indicators;  // indicator ids due then
  std::map<Status, std::size_t> county_status;
  std::map<Status, std::size_t> city_status;
};

struct QuotaResult {
  Date as_of;
  std::vector<Row> rows;       // county rows, by indicator in plan order then county in plan order
  std::vector<Row> city_rows;  // one per indicator, in plan order
  std::vector<UnitView> by_unit;
  std::vector<DeadlineView> by_deadline;
  Issues issues;               // comparison findings (reported vs map/derived)
};

QuotaResult compute_quota(const Plan& plan, const ProgressSet& progress, const std::vector<DerivedFigure>& derived, const Date& as_of);

}  // namespace ruralnet::quota
