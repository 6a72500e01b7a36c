// A development plan as data (schema "ruralnet.plan/1", docs/plan.md): the
// city, its counties, the responsible units, the phases, the tasks with their
// lead units and deadlines, and the indicators with a city target and
// per-county quotas. Nothing about a particular city lives in the code.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ruralnet/core/date.hpp"
#include "ruralnet/model/finding.hpp"

namespace ruralnet::quota {

using model::Severity;

// A problem found in a plan or a progress file. `where` is a JSON path
// ("indicators[3].quotas.341599") or a table position ("line 7").
struct Issue {
  Severity severity = Severity::error;
  std::string kind;     // stable machine name, listed in docs/plan.md and docs/quota.md
  std::string where;
  std::string message;  // one plain sentence
};
using Issues = std::vector<Issue>;
std::size_t count(const Issues& issues, Severity s);

struct Division {
  std::string code;  // division code, text
  std::string name;
  std::string name_en;
};

struct Unit {
  std::string id;  // short ascii id used by tasks
  std::string name;
  std::string name_en;
};

struct Phase {
  std::string id;
  std::string name;
  Date start;
  std::optional<Date> end;  // open-ended when absent (the last phase)
};

struct Task {
  std::string id;
  std::string text;
  std::vector<std::string> lead_units;  // unit ids
  std::vector<std::string> cooperating_units;
  Date deadline;
  std::string path;  // "tasks[4]", for findings
};

// Expected share of the target at points in time, for pacing. Linear from
// the plan's start (share 0) to the deadline (share 1) unless the plan gives
// milestones, which are joined linearly between those two ends.
struct Milestone {
  Date date;
  double share = 0.0;
};

struct Indicator {
  std::string id;
  std::string name;
  std::string unit;                    // "yuan", "km", "person_times" ...
  std::optional<std::string> task;     // annex task id
  std::vector<std::string> lead_units; // own lead units; empty = the task's
  std::optional<Date> own_deadline;    // own deadline; absent = the task's
  double city_target = 0.0;            // minimum
  std::map<std::string, double> quotas;  // county code -> minimum; empty = a city-level indicator
  std::vector<Milestone> milestones;   // pacing; empty = linear
  // Counted from the map: layer "facilities" or "villages" and a model level.
  std::optional<std::string> map_layer;
  std::optional<std::string> map_model_level;
  std::string source;                  // where in the plan text the figure is
  std::string path;                    // "indicators[3]", for findings

  bool city_only() const { return quotas.empty(); }
};

struct Plan {
  std::string schema;
  std::string id;
  std::string title;
  Division city;
  Date start;
  std::vector<Division> counties;
  std::vector<Unit> units;
  std::vector<Phase> phases;
  std::vector<Task> tasks;
  std::vector<Indicator> indicators;
  std::string file;  // where it was read from
  std::string notes;
  // JSON paths of fields the schema does not know (a misspelt "deadine"
  // would otherwise be ignored without a word); plan check warns about them.
  std::vector<std::string> unknown_fields;

  const Division* county(const std::string& code) const;
  const Unit* unit(const std::string& id) const;
  const Task* task(const std::string& id) const;
  const Indicator* indicator(const std::string& id) const;
  // The indicator's own deadline, else its task's; throws RunError when neither
  // (load_plan already refuses such a plan).
  Date deadline(const Indicator& ind) const;
  // The indicator's own lead units, else its task's.
  std::vector<std::string> lead_units(const Indicator& ind) const;
  // The phase a date falls in, or nullptr.
  const Phase* phase_at(const Date& d) const;
  // Share of the target expected by `at` (0..1) under the pacing rule.
  double expected_share(const Indicator& ind, const Date& at) const;
};

// Parses a plan. Throws InputError naming the file and the JSON path for an
// unusable plan: not JSON, a required field missing or of the wrong type, a
// date that is not a date, an indicator with neither a deadline nor a task.
Plan parse_plan(const nlohmann::json& j, const std::string& file);
Plan load_plan(const std::string& path);

// One line per indicator about its quotas: do they add up to the city target?
struct QuotaSum {
  std::string indicator;
  double quota_sum = 0.0;
  double city_target = 0.0;
  std::size_t counties = 0;  // with a quota
  bool city_only = false;
  bool adds_up = false;      // quota_sum == city_target (city-level indicators: true)
};

struct PlanCheck {
  Issues issues;
  std::vector<QuotaSum> sums;
};

// The consistency checks of `ruralnet plan check` (docs/plan.md): quotas add
// up to the city target, deadlines within the phases and the plan period,
// every county/unit/task referenced exists, ids unique.
PlanCheck check_plan(const Plan& plan);

}  // namespace ruralnet::quota
