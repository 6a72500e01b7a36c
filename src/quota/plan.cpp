#include "ruralnet/quota/plan.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"

namespace ruralnet::quota {

std::size_t count(const Issues& issues, Severity s) {
  return static_cast<std::size_t>(std::count_if(issues.begin(), issues.end(), [s](const Issue& i) { return i.severity == s; }));
}

namespace {

using nlohmann::json;

// Reads typed values out of the plan's JSON, naming the JSON path of anything
// missing or mistyped so that the planner can find it in the file.
class Reader {
 public:
  explicit Reader(const std::string& file) : file_(file) {}

  [[noreturn]] void fail(const std::string& path, const std::string& problem, const std::string& hint = {}) const {
    throw InputError({file_, "", "", path}, problem,
                     hint.empty() ? "see docs/plan.md for the plan schema" : hint);
  }

  const json& member(const json& obj, const std::string& path, const char* key) const {
    const std::string p = join_path(path, key);
    if (!obj.contains(key)) fail(p, "required field is missing");
    return obj.at(key);
  }
  bool has(const json& obj, const char* key) const { return obj.contains(key) && !obj.at(key).is_null(); }

  std::string text(const json& obj, const std::string& path, const char* key) const {
    const json& v = member(obj, path, key);
    if (!v.is_string()) fail(join_path(path, key), "'" + join_path(path, key) + "' must be text");
    return v.get<std::string>();
  }
  std::string text_or(const json& obj, const std::string& path, const char* key, const std::string& dflt) const {
    return has(obj, key) ? text(obj, path, key) : dflt;
  }
  // Codes and ids may be written as numbers by mistake; they are text.
  std::string code(const json& obj, const std::string& path, const char* key) const {
    const json& v = member(obj, path, key);
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) fail(join_path(path, key), "'" + join_path(path, key) + "' must be text (write \"" + v.dump() + "\")",
                                    "codes and ids are text so that leading zeros survive");
    fail(join_path(path, key), "'" + join_path(path, key) + "' must be text");
  }
  double number(const json& v, const std::string& path) const {
    if (!v.is_number()) fail(path, "'" + path + "' must be a number");
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail(path, "'" + path + "' must be a finite number");
    return d;
  }
  Date date(const json& obj, const std::string& path, const char* key) const {
    const std::string p = join_path(path, key);
    const json& v = member(obj, path, key);
    if (!v.is_string()) fail(p, "'" + p + "' must be a date as text (YYYY-MM-DD)");
    auto d = parse_date(v.get<std::string>());
    if (!d) fail(p, "'" + p + "' is not a date: '" + v.get<std::string>() + "'", "write dates as YYYY-MM-DD, e.g. 2018-12-31");
    return *d;
  }
  const json& array(const json& obj, const std::string& path, const char* key) const {
    const json& v = member(obj, path, key);
    if (!v.is_array()) fail(join_path(path, key), "'" + join_path(path, key) + "' must be a list");
    return v;
  }
  std::vector<std::string> text_list(const json& obj, const std::string& path, const char* key, bool required) const {
    std::vector<std::string> out;
    if (!required && !has(obj, key)) return out;
    const json& a = array(obj, path, key);
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string p = join_path(path, key) + "[" + std::to_string(i) + "]";
      if (!a[i].is_string()) fail(p, "'" + p + "' must be text");
      out.push_back(a[i].get<std::string>());
    }
    return out;
  }
  void object(const json& v, const std::string& path) const {
    if (!v.is_object()) fail(path, "'" + path + "' must be an object");
  }

  static std::string join_path(const std::string& path, const char* key) {
    return path.empty() ? std::string(key) : path + "." + key;
  }

 private:
  const std::string& file_;
};

std::string at(const char* list, std::size_t i) { return std::string(list) + "[" + std::to_string(i) + "]"; }

void note_unknown(const json& obj, const std::string& path, std::initializer_list<const char*> known, std::vector<std::string>& out) {
  if (!obj.is_object()) return;
  for (const auto& [key, v] : obj.items()) {
    bool ok = false;
    for (const char* k : known)
      if (key == k) ok = true;
    if (!ok) out.push_back(path.empty() ? key : path + "." + key);
  }
}

}  // namespace

Plan parse_plan(const json& j, const std::string& file) {
  Reader r(file);
  r.object(j, "(top level)");
  Plan p;
  p.file = file;
  note_unknown(j, "", {"schema", "id", "title", "city", "start", "notes", "counties", "units", "phases", "tasks", "indicators"},
               p.unknown_fields);
  p.schema = r.text(j, "", "schema");
  if (p.schema != "ruralnet.plan/1")
    r.fail("schema", "unknown schema '" + p.schema + "'", "this version reads \"ruralnet.plan/1\"");
  p.id = r.text(j, "", "id");
  p.title = r.text(j, "", "title");
  p.start = r.date(j, "", "start");
  p.notes = r.text_or(j, "", "notes", "");
  {
    const json& c = r.member(j, "", "city");
    r.object(c, "city");
    note_unknown(c, "city", {"code", "name", "name_en"}, p.unknown_fields);
    p.city = {r.code(c, "city", "code"), r.text(c, "city", "name"), r.text_or(c, "city", "name_en", "")};
  }
  const json& counties = r.array(j, "", "counties");
  for (std::size_t i = 0; i < counties.size(); ++i) {
    const std::string path = at("counties", i);
    r.object(counties[i], path);
    note_unknown(counties[i], path, {"code", "name", "name_en"}, p.unknown_fields);
    p.counties.push_back({r.code(counties[i], path, "code"), r.text(counties[i], path, "name"),
                          r.text_or(counties[i], path, "name_en", "")});
  }
  const json& units = r.array(j, "", "units");
  for (std::size_t i = 0; i < units.size(); ++i) {
    const std::string path = at("units", i);
    r.object(units[i], path);
    note_unknown(units[i], path, {"id", "name", "name_en"}, p.unknown_fields);
    p.units.push_back({r.code(units[i], path, "id"), r.text(units[i], path, "name"), r.text_or(units[i], path, "name_en", "")});
  }
  const json& phases = r.array(j, "", "phases");
  for (std::size_t i = 0; i < phases.size(); ++i) {
    const std::string path = at("phases", i);
    r.object(phases[i], path);
    note_unknown(phases[i], path, {"id", "name", "start", "end"}, p.unknown_fields);
    Phase ph;
    ph.id = r.code(phases[i], path, "id");
    ph.name = r.text(phases[i], path, "name");
    ph.start = r.date(phases[i], path, "start");
    if (r.has(phases[i], "end")) ph.end = r.date(phases[i], path, "end");
    p.phases.push_back(std::move(ph));
  }
  const json& tasks = r.array(j, "", "tasks");
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const std::string path = at("tasks", i);
    r.object(tasks[i], path);
    note_unknown(tasks[i], path, {"id", "text", "lead_units", "cooperating_units", "deadline"}, p.unknown_fields);
    Task t;
    t.path = path;
    t.id = r.code(tasks[i], path, "id");
    t.text = r.text(tasks[i], path, "text");
    t.lead_units = r.text_list(tasks[i], path, "lead_units", true);
    t.cooperating_units = r.text_list(tasks[i], path, "cooperating_units", false);
    t.deadline = r.date(tasks[i], path, "deadline");
    p.tasks.push_back(std::move(t));
  }
  const json& inds = r.array(j, "", "indicators");
  for (std::size_t i = 0; i < inds.size(); ++i) {
    const std::string path = at("indicators", i);
    const json& o = inds[i];
    r.object(o, path);
    note_unknown(o, path, {"id", "name", "unit", "task", "lead_units", "deadline", "city_target", "quotas", "source", "pacing", "map"},
                 p.unknown_fields);
    Indicator ind;
    ind.path = path;
    ind.id = r.code(o, path, "id");
    ind.name = r.text(o, path, "name");
    ind.unit = r.text(o, path, "unit");
    if (r.has(o, "task")) ind.task = r.code(o, path, "task");
    ind.lead_units = r.text_list(o, path, "lead_units", false);
    if (r.has(o, "deadline")) ind.own_deadline = r.date(o, path, "deadline");
    ind.city_target = r.number(r.member(o, path, "city_target"), path + ".city_target");
    const json& q = r.member(o, path, "quotas");
    r.object(q, path + ".quotas");
    for (const auto& [code, v] : q.items()) ind.quotas[code] = r.number(v, path + ".quotas." + code);
    ind.source = r.text_or(o, path, "source", "");
    if (r.has(o, "pacing")) {
      const json& pc = o.at("pacing");
      r.object(pc, path + ".pacing");
      const json& ms = r.array(pc, path + ".pacing", "milestones");
      for (std::size_t k = 0; k < ms.size(); ++k) {
        const std::string mp = path + ".pacing.milestones[" + std::to_string(k) + "]";
        r.object(ms[k], mp);
        Milestone m;
        m.date = r.date(ms[k], mp, "date");
        m.share = r.number(r.member(ms[k], mp, "share"), mp + ".share");
        if (m.share < 0 || m.share > 1) r.fail(mp + ".share", "'" + mp + ".share' must be between 0 and 1");
        ind.milestones.push_back(m);
      }
    }
    if (r.has(o, "map")) {
      const json& m = o.at("map");
      r.object(m, path + ".map");
      ind.map_layer = r.text(m, path + ".map", "layer");
      ind.map_model_level = r.text(m, path + ".map", "model_level");
      if (*ind.map_layer != "facilities" && *ind.map_layer != "villages")
        r.fail(path + ".map.layer", "'" + path + ".map.layer' must be \"facilities\" or \"villages\"");
      if (*ind.map_model_level != "provincial" && *ind.map_model_level != "municipal")
        r.fail(path + ".map.model_level", "'" + path + ".map.model_level' must be \"provincial\" or \"municipal\"");
    }
    if (!ind.own_deadline && !ind.task)
      r.fail(path + ".deadline", "indicator '" + ind.id + "' has neither a 'deadline' nor a 'task' to take one from",
             "add \"deadline\": \"YYYY-MM-DD\" or \"task\": \"<task id>\"");
    p.indicators.push_back(std::move(ind));
  }
  // A task named by an indicator that gives no deadline of its own must exist,
  // or the indicator has no deadline at all.
  for (const auto& ind : p.indicators)
    if (!ind.own_deadline && !p.task(*ind.task))
      r.fail(ind.path + ".task", "indicator '" + ind.id + "' takes its deadline from task '" + *ind.task + "', which does not exist",
             "name an existing task id or give the indicator its own \"deadline\"");
  return p;
}

Plan load_plan(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError({path, "", "", ""}, "cannot open the plan file", "check the path");
  std::ostringstream ss;
  ss << f.rdbuf();
  std::string text = ss.str();
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  if (!is_valid_utf8(text)) throw InputError({path, "", "", ""}, "the plan file is not UTF-8 text", "save it as UTF-8");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is the position; turn it into a line for the planner.
    std::size_t line = 1;
    for (std::size_t i = 0; i < std::min<std::size_t>(e.byte, text.size()); ++i)
      if (text[i] == '\n') ++line;
    throw InputError({path, "", "", ""}, "not valid JSON (near line " + std::to_string(line) + ")",
                     "check commas, quotes and brackets around that line");
  }
  return parse_plan(j, path);
}

const Division* Plan::county(const std::string& code) const {
  for (const auto& c : counties)
    if (c.code == code) return &c;
  return nullptr;
}
const Unit* Plan::unit(const std::string& uid) const {
  for (const auto& u : units)
    if (u.id == uid) return &u;
  return nullptr;
}
const Task* Plan::task(const std::string& tid) const {
  for (const auto& t : tasks)
    if (t.id == tid) return &t;
  return nullptr;
}
const Indicator* Plan::indicator(const std::string& iid) const {
  for (const auto& i : indicators)
    if (i.id == iid) return &i;
  return nullptr;
}

Date Plan::deadline(const Indicator& ind) const {
  if (ind.own_deadline) return *ind.own_deadline;
  if (ind.task)
    if (const Task* t = task(*ind.task)) return t->deadline;
  throw RunError("indicator '" + ind.id + "' has no deadline");
}

std::vector<std::string> Plan::lead_units(const Indicator& ind) const {
  if (!ind.lead_units.empty()) return ind.lead_units;
  if (ind.task)
    if (const Task* t = task(*ind.task)) return t->lead_units;
  return {};
}

const Phase* Plan::phase_at(const Date& d) const {
  for (const auto& ph : phases)
    if (d >= ph.start && (!ph.end || d <= *ph.end)) return &ph;
  return nullptr;
}

double Plan::expected_share(const Indicator& ind, const Date& at_date) const {
  // Points (date, share): the start at 0, milestones, the deadline at 1.
  std::vector<std::pair<long, double>> pts;
  pts.emplace_back(start.days_since_epoch(), 0.0);
  for (const auto& m : ind.milestones) pts.emplace_back(m.date.days_since_epoch(), m.share);
  pts.emplace_back(deadline(ind).days_since_epoch(), 1.0);
  std::stable_sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  const long t = at_date.days_since_epoch();
  if (t <= pts.front().first) return t < pts.front().first ? 0.0 : pts.front().second;
  if (t >= pts.back().first) return 1.0;
  for (std::size_t k = 1; k < pts.size(); ++k) {
    if (t <= pts[k].first) {
      const auto [t0, s0] = pts[k - 1];
      const auto [t1, s1] = pts[k];
      if (t1 == t0) return s1;
      return s0 + (s1 - s0) * static_cast<double>(t - t0) / static_cast<double>(t1 - t0);
    }
  }
  return 1.0;
}

namespace {

std::string num(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  return fixed(v, 3);
}

template <class T, class F>
void check_unique(const std::vector<T>& items, F id_of, const char* list, const char* kind, const char* what, Issues& out) {
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string& id = id_of(items[i]);
    auto [it, fresh] = seen.emplace(id, i);
    if (!fresh)
      out.push_back({Severity::error, kind, at(list, i),
                     std::string(what) + " '" + id + "' appears twice (also " + at(list, it->second) + ")"});
  }
}

}  // namespace

PlanCheck check_plan(const Plan& p) {
  PlanCheck out;
  Issues& is = out.issues;
  for (const auto& f : p.unknown_fields)
    is.push_back({Severity::warning, "unknown_field", f, "field '" + f + "' is not part of the plan schema and is ignored (misspelt?)"});
  check_unique(p.counties, [](const Division& c) -> const std::string& { return c.code; }, "counties", "duplicate_county", "county code", is);
  check_unique(p.units, [](const Unit& u) -> const std::string& { return u.id; }, "units", "duplicate_unit", "unit id", is);
  check_unique(p.phases, [](const Phase& ph) -> const std::string& { return ph.id; }, "phases", "duplicate_phase", "phase id", is);
  check_unique(p.tasks, [](const Task& t) -> const std::string& { return t.id; }, "tasks", "duplicate_task", "task id", is);
  check_unique(p.indicators, [](const Indicator& i) -> const std::string& { return i.id; }, "indicators", "duplicate_indicator", "indicator id", is);
  if (p.counties.empty()) is.push_back({Severity::error, "no_counties", "counties", "the plan lists no county"});
  if (p.city.code.empty()) is.push_back({Severity::error, "empty_field", "city.code", "the city has no code"});
  for (std::size_t i = 0; i < p.counties.size(); ++i)
    if (p.counties[i].code.empty() || p.counties[i].code == p.city.code)
      is.push_back({Severity::error, "bad_county_code", at("counties", i) + ".code",
                    "county code '" + p.counties[i].code + "' is empty or the city's own code"});

  // Phases: in order, each ending after it starts, the first not before the plan.
  for (std::size_t i = 0; i < p.phases.size(); ++i) {
    const Phase& ph = p.phases[i];
    if (ph.end && *ph.end < ph.start)
      is.push_back({Severity::error, "phase_order", at("phases", i), "phase '" + ph.id + "' ends (" + ph.end->iso() +
                                                                          ") before it starts (" + ph.start.iso() + ")"});
    if (ph.start < p.start)
      is.push_back({Severity::error, "phase_before_start", at("phases", i) + ".start",
                    "phase '" + ph.id + "' starts " + ph.start.iso() + ", before the plan's start " + p.start.iso()});
    if (i > 0) {
      const Phase& prev = p.phases[i - 1];
      if (!prev.end)
        is.push_back({Severity::error, "phase_order", at("phases", i - 1) + ".end",
                      "phase '" + prev.id + "' has no end but is not the last phase"});
      else if (ph.start <= *prev.end)
        is.push_back({Severity::warning, "phase_overlap", at("phases", i) + ".start",
                      "phase '" + ph.id + "' starts " + ph.start.iso() + ", on or before the end of phase '" + prev.id + "' (" + prev.end->iso() + ")"});
      else if (days_between(*prev.end, ph.start) > 1)
        is.push_back({Severity::warning, "phase_gap", at("phases", i) + ".start",
                      "there is a gap between phase '" + prev.id + "' (ends " + prev.end->iso() + ") and phase '" + ph.id + "' (starts " + ph.start.iso() + ")"});
    }
  }

  auto check_deadline = [&](const Date& d, const std::string& where, const std::string& what) {
    if (d < p.start) {
      is.push_back({Severity::error, "deadline_before_start", where, what + " deadline " + d.iso() + " is before the plan's start " + p.start.iso()});
      return;
    }
    if (!p.phases.empty() && !p.phase_at(d))
      is.push_back({Severity::error, "deadline_outside_phases", where, what + " deadline " + d.iso() + " falls in no phase of the plan"});
  };
  auto check_units = [&](const std::vector<std::string>& ids, const std::string& where) {
    for (std::size_t k = 0; k < ids.size(); ++k)
      if (!p.unit(ids[k]))
        is.push_back({Severity::error, "unknown_unit", where + "[" + std::to_string(k) + "]", "unit '" + ids[k] + "' is not in the plan's units"});
  };

  for (const auto& t : p.tasks) {
    check_deadline(t.deadline, t.path + ".deadline", "task " + t.id + ":");
    if (t.lead_units.empty()) is.push_back({Severity::warning, "no_lead_unit", t.path + ".lead_units", "task " + t.id + " names no lead unit"});
    check_units(t.lead_units, t.path + ".lead_units");
    check_units(t.cooperating_units, t.path + ".cooperating_units");
  }

  for (const auto& ind : p.indicators) {
    if (ind.task && !p.task(*ind.task))
      is.push_back({Severity::error, "unknown_task", ind.path + ".task", "indicator '" + ind.id + "' names task '" + *ind.task + "', which does not exist"});
    if (ind.own_deadline) check_deadline(*ind.own_deadline, ind.path + ".deadline", "indicator '" + ind.id + "':");
    check_units(ind.lead_units, ind.path + ".lead_units");
    if (p.lead_units(ind).empty())
      is.push_back({Severity::info, "no_lead_unit", ind.path, "indicator '" + ind.id + "' has no lead unit (neither its own nor its task's)"});
    if (ind.city_target < 0)
      is.push_back({Severity::error, "negative_target", ind.path + ".city_target", "indicator '" + ind.id + "' has a negative city target"});
    for (const auto& m : ind.milestones) {
      if (m.date < p.start || m.date > p.deadline(ind))
        is.push_back({Severity::error, "milestone_outside", ind.path + ".pacing",
                      "indicator '" + ind.id + "' has a milestone on " + m.date.iso() + ", outside its period " + p.start.iso() + " .. " + p.deadline(ind).iso()});
    }
    QuotaSum s;
    s.indicator = ind.id;
    s.city_target = ind.city_target;
    s.city_only = ind.city_only();
    for (const auto& [code, q] : ind.quotas) {
      if (!p.county(code))
        is.push_back({Severity::error, "unknown_county", ind.path + ".quotas." + code,
                      "indicator '" + ind.id + "' has a quota for county '" + code + "', which is not in the plan's counties"});
      if (q < 0)
        is.push_back({Severity::error, "negative_quota", ind.path + ".quotas." + code, "indicator '" + ind.id + "': quota of county " + code + " is negative"});
      s.quota_sum += q;
      ++s.counties;
    }
    if (!ind.city_only()) {
      for (const auto& c : p.counties)
        if (!ind.quotas.count(c.code))
          is.push_back({Severity::warning, "missing_quota", ind.path + ".quotas",
                        "indicator '" + ind.id + "' gives county " + c.code + " (" + c.name + ") no quota"});
      s.adds_up = std::fabs(s.quota_sum - s.city_target) <= 1e-9 * std::max(1.0, std::fabs(s.city_target));
      if (!s.adds_up) {
        // Below the target the city misses it even when every county meets its
        // quota; above it the quotas are merely stricter.
        const bool short_of = s.quota_sum < s.city_target;
        is.push_back({short_of ? Severity::error : Severity::warning, short_of ? "quotas_below_target" : "quotas_above_target",
                      ind.path + ".quotas",
                      "indicator '" + ind.id + "': county quotas add up to " + num(s.quota_sum) + ", the city target is " + num(s.city_target)});
      }
    } else {
      s.adds_up = true;
    }
    out.sums.push_back(s);
  }
  return out;
}

}  // namespace ruralnet::quota
