#include "ruralnet/quota/status.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/model/codes.hpp"

namespace ruralnet::quota {

const char* to_string(Status s) {
  switch (s) {
    case Status::met: return "met";
    case Status::on_track: return "on_track";
    case Status::behind: return "behind";
    case Status::overdue: return "overdue";
    case Status::no_data: return "no_data";
  }
  return "no_data";
}

namespace {
// Shares are compared with a little slack so that 1/3 of a target reported at
// exactly a third of the period does not flip to behind on rounding.
constexpr double kEps = 1e-9;

std::string num(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  return fixed(v, 3);
}
}  // namespace

Status status_for(double target, std::optional<double> actual, double expected_share, const Date& as_of, const Date& deadline) {
  if (!actual) return Status::no_data;
  if (*actual >= target - kEps * std::max(1.0, std::fabs(target))) return Status::met;
  if (as_of > deadline) return Status::overdue;
  const double share = target > 0 ? *actual / target : 1.0;
  if (share < expected_share - kEps) return Status::behind;
  return Status::on_track;
}

std::vector<DerivedFigure> derive_from_dataset(const Plan& plan, const model::Dataset& ds, Issues& issues) {
  std::vector<DerivedFigure> out;
  auto present = [&](const std::string& layer, bool nonempty) {
    auto it = ds.layers.find(layer);
    return it != ds.layers.end() ? it->second.present : nonempty;
  };
  auto level_of = [](const std::string& s) {
    return s == "provincial" ? model::ModelLevel::provincial : model::ModelLevel::municipal;
  };
  for (const auto& ind : plan.indicators) {
    if (!ind.map_layer || !ind.map_model_level) continue;
    const bool facilities = *ind.map_layer == "facilities";
    if (!present(*ind.map_layer, facilities ? !ds.facilities.empty() : !ds.villages.empty())) {
      issues.push_back({Severity::info, "map_layer_absent", *ind.map_layer,
                        "the dataset has no " + *ind.map_layer + " layer; '" + ind.id + "' is not counted from the map"});
      continue;
    }
    const model::ModelLevel level = level_of(*ind.map_model_level);
    std::map<std::string, double> counts;
    for (const auto& c : plan.counties) counts[c.code] = 0;
    auto place = [&](const std::string& code, const std::string& feature) {
      const std::string county = code.size() >= 6 ? model::county_of(code) : std::string();
      auto it = counts.find(county);
      if (it == counts.end()) {
        issues.push_back({Severity::warning, "map_feature_outside", *ind.map_layer + " " + feature,
                          "a " + *ind.map_model_level + " model " + (facilities ? "outlet" : "village") + " with code '" + code +
                              "' lies in no county of the plan; not counted for '" + ind.id + "'"});
        return;
      }
      it->second += 1;
    };
    if (facilities) {
      for (const auto& f : ds.facilities)
        if (f.model_level == level) place(f.admin_code, f.id.empty() ? "fid " + std::to_string(f.ref.fid) : f.id);
    } else {
      for (const auto& v : ds.villages)
        if (v.model_level == level) place(v.code, v.code.empty() ? "fid " + std::to_string(v.ref.fid) : v.code);
    }
    for (const auto& [code, n] : counts)
      out.push_back({code, ind.id, n, "map: " + *ind.map_layer + ".model_level=" + *ind.map_model_level, 0.0, "map"});
  }
  return out;
}

std::vector<DerivedFigure> parse_derived(const nlohmann::json& j, const std::string& file, const Plan& plan, Issues& issues) {
  auto fail = [&](const std::string& path, const std::string& problem) {
    throw InputError({file, "", "", path}, problem,
                     "the file is {\"indicators\":[{\"county_code\":\"...\",\"indicator\":\"...\",\"value\":1,\"source\":\"...\"}]}");
  };
  if (!j.is_object() || !j.contains("indicators")) fail("indicators", "required field 'indicators' is missing");
  const auto& a = j.at("indicators");
  if (!a.is_array()) fail("indicators", "'indicators' must be a list");
  std::vector<DerivedFigure> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string p = "indicators[" + std::to_string(i) + "]";
    const auto& o = a[i];
    if (!o.is_object()) fail(p, "'" + p + "' must be an object");
    for (const char* k : {"county_code", "indicator", "value"})
      if (!o.contains(k)) fail(p + "." + k, "required field '" + p + "." + k + "' is missing");
    if (!o.at("county_code").is_string()) fail(p + ".county_code", "'" + p + ".county_code' must be text");
    if (!o.at("indicator").is_string()) fail(p + ".indicator", "'" + p + ".indicator' must be text");
    if (!o.at("value").is_number()) fail(p + ".value", "'" + p + ".value' must be a number");
    DerivedFigure d;
    d.county_code = o.at("county_code").get<std::string>();
    d.indicator = o.at("indicator").get<std::string>();
    d.value = o.at("value").get<double>();
    d.origin = "derived";
    d.source = o.contains("source") && o.at("source").is_string() ? o.at("source").get<std::string>() : file;
    if (o.contains("tolerance")) {
      if (!o.at("tolerance").is_number() || o.at("tolerance").get<double>() < 0)
        fail(p + ".tolerance", "'" + p + ".tolerance' must be a number >= 0");
      d.tolerance = o.at("tolerance").get<double>();
    }
    if (d.county_code != plan.city.code && !plan.county(d.county_code)) {
      issues.push_back({Severity::error, "unknown_county", file + ": " + p, "county_code '" + d.county_code + "' is not a county of the plan; entry left out"});
      continue;
    }
    if (!plan.indicator(d.indicator)) {
      issues.push_back({Severity::error, "unknown_indicator", file + ": " + p, "indicator '" + d.indicator + "' is not in the plan; entry left out"});
      continue;
    }
    if (!std::isfinite(d.value) || d.value < 0) {
      issues.push_back({Severity::error, "negative_value", file + ": " + p, "value must be a finite number >= 0; entry left out"});
      continue;
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<DerivedFigure> load_derived(const std::string& path, const Plan& plan, Issues& issues) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError({path, "", "", ""}, "cannot open the derived-figures file", "check the path");
  std::ostringstream ss;
  ss << f.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::parse_error&) {
    throw InputError({path, "", "", ""}, "not valid JSON", "see docs/quota.md for the --derived format");
  }
  return parse_derived(j, path, plan, issues);
}

namespace {

void fill_status(Row& r, const Plan& plan, const Indicator& ind, const Date& as_of) {
  r.expected_share = plan.expected_share(ind, as_of);
  if (r.actual && r.target > 0) r.share = *r.actual / r.target;
  r.status = status_for(r.target, r.actual, r.expected_share, as_of, r.deadline);
}

Row base_row(const Plan& plan, const Indicator& ind, const Date& as_of) {
  Row r;
  r.indicator = ind.id;
  r.indicator_name = ind.name;
  r.unit = ind.unit;
  r.task = ind.task.value_or("");
  r.lead_units = plan.lead_units(ind);
  r.deadline = plan.deadline(ind);
  r.days_to_deadline = days_between(as_of, r.deadline);
  return r;
}

}  // namespace

QuotaResult compute_quota(const Plan& plan, const ProgressSet& progress, const std::vector<DerivedFigure>& derived, const Date& as_of) {
  QuotaResult res;
  res.as_of = as_of;
  // Derived figures by (county, indicator); a later entry for the same cell
  // replaces an earlier one (the map first, then --derived).
  std::map<std::pair<std::string, std::string>, const DerivedFigure*> dmap;
  for (const auto& d : derived) dmap[{d.county_code, d.indicator}] = &d;

  auto fill_figure = [&](Row& r) {
    const std::pair<std::string, std::string> key{r.county_code, r.indicator};
    const DerivedFigure* d = dmap.count(key) ? dmap.at(key) : nullptr;
    if (d) r.derived_value = d->value;
    if (auto it = progress.latest.find(key); it != progress.latest.end()) {
      const Record& rec = it->second;
      r.actual = rec.value;
      r.actual_from = "report";
      r.reported_on = rec.as_of;
      r.source = rec.source;
      r.record = rec.where;
      if (d && std::fabs(d->value - rec.value) > d->tolerance + kEps * std::max(1.0, std::fabs(rec.value))) {
        const std::string who = r.city ? std::string("the city") : "county " + r.county_code + " (" + r.county_name + ")";
        res.issues.push_back({Severity::warning, d->origin == "map" ? "map_disagrees" : "derived_disagrees", rec.where,
                              who + " reports " + num(rec.value) + " for '" + r.indicator + "' as of " + rec.as_of.iso() + "; " +
                                  (d->origin == "map" ? "the map holds " : "the derived figure is ") + num(d->value) + " (" + d->source + ")"});
      }
    } else if (d) {
      r.actual = d->value;
      r.actual_from = d->origin;
      r.source = d->source;
    }
  };

  for (const auto& ind : plan.indicators) {
    Row city = base_row(plan, ind, as_of);
    city.city = true;
    city.county_code = plan.city.code;
    city.county_name = plan.city.name;
    city.target = ind.city_target;
    double sum = 0;
    std::size_t reporting = 0;
    if (!ind.city_only()) {
      for (const auto& c : plan.counties) {
        auto q = ind.quotas.find(c.code);
        if (q == ind.quotas.end()) continue;
        Row r = base_row(plan, ind, as_of);
        r.county_code = c.code;
        r.county_name = c.name;
        r.target = q->second;
        fill_figure(r);
        fill_status(r, plan, ind, as_of);
        if (r.actual) {
          sum += *r.actual;
          ++reporting;
        }
        res.rows.push_back(std::move(r));
      }
      city.counties_total = ind.quotas.size();
      city.counties_reporting = reporting;
      if (reporting > 0) {
        city.actual = sum;
        city.actual_from = "sum_of_counties";
      }
      // A city-wide derived figure (e.g. a map count) is still compared with the sum.
      const std::pair<std::string, std::string> key{plan.city.code, ind.id};
      if (dmap.count(key)) city.derived_value = dmap.at(key)->value;
    } else {
      fill_figure(city);
      if (!city.actual) {
        // No city figure: the counties' own figures, when any, are summed.
        for (const auto& c : plan.counties) {
          const std::pair<std::string, std::string> key{c.code, ind.id};
          if (auto it = progress.latest.find(key); it != progress.latest.end()) {
            sum += it->second.value;
            ++reporting;
          } else if (dmap.count(key)) {
            sum += dmap.at(key)->value;
            ++reporting;
          }
        }
        if (reporting > 0) {
          city.actual = sum;
          city.actual_from = "sum_of_counties";
        }
      }
      city.counties_total = plan.counties.size();
      city.counties_reporting = reporting;
    }
    fill_status(city, plan, ind, as_of);
    res.city_rows.push_back(std::move(city));
  }

  // View by lead unit: the plan's units in plan order, then "no lead unit".
  auto add_counts = [&](std::map<Status, std::size_t>& county, std::map<Status, std::size_t>& cityc, const std::string& ind) {
    for (const auto& r : res.rows)
      if (r.indicator == ind) ++county[r.status];
    for (const auto& r : res.city_rows)
      if (r.indicator == ind) ++cityc[r.status];
  };
  std::vector<std::string> unit_ids;
  for (const auto& u : plan.units) unit_ids.push_back(u.id);
  unit_ids.emplace_back();
  for (const auto& uid : unit_ids) {
    UnitView v;
    v.unit = uid;
    if (const Unit* u = plan.unit(uid)) v.unit_name = u->name;
    for (const auto& ind : plan.indicators) {
      const auto leads = plan.lead_units(ind);
      const bool mine = uid.empty() ? leads.empty() : std::find(leads.begin(), leads.end(), uid) != leads.end();
      if (!mine) continue;
      v.indicators.push_back(ind.id);
      add_counts(v.county_status, v.city_status, ind.id);
    }
    if (!v.indicators.empty()) res.by_unit.push_back(std::move(v));
  }

  // View by deadline: every date a task or indicator is due, in time order.
  std::map<Date, DeadlineView> dl;
  for (const auto& t : plan.tasks) {
    auto& v = dl[t.deadline];
    v.tasks.push_back(t.id);
  }
  for (const auto& ind : plan.indicators) {
    const Date d = plan.deadline(ind);
    auto& v = dl[d];
    v.indicators.push_back(ind.id);
    add_counts(v.county_status, v.city_status, ind.id);
  }
  for (auto& [d, v] : dl) {
    v.deadline = d;
    v.days_to_deadline = days_between(as_of, d);
    res.by_deadline.push_back(std::move(v));
  }
  return res;
}

}  // namespace ruralnet::quota
