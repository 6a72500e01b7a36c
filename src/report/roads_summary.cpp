// The roads audit as JSON, Markdown and terminal text (docs/roads.md).
#include <cmath>
#include <sstream>

#include "ruralnet/core/text.hpp"
#include "ruralnet/report/roads.hpp"
#include "ruralnet/report/table.hpp"

namespace ruralnet::report {

namespace {

using roads::AuditResult;
using roads::Km;
using roads::StatusKm;

double r3(double v) { return std::round(v * 1000.0) / 1000.0; }
double r1(double v) { return std::round(v * 10.0) / 10.0; }

nlohmann::json km_json(const Km& k) {
  return {{"segments", k.segments},
          {"declared_km", r3(k.declared_km)},
          {"undeclared_segments", k.undeclared},
          {"measured_km", r3(k.measured_km)},
          {"unique_km", r3(k.unique_km)}};
}

nlohmann::json status_json(const StatusKm& s) {
  return {{"planned", km_json(s.planned)},
          {"building", km_json(s.building)},
          {"completed", km_json(s.completed)},
          {"unknown", km_json(s.unknown)},
          {"total", km_json(s.total)}};
}

nlohmann::json saved_json(const roads::Saved& s) {
  return {{"villages", s.count}, {"mean_min", r1(s.mean_min)}, {"median_min", r1(s.median_min)},
          {"max_min", r1(s.max_min)}};
}

std::string pct(double share) { return fixed(share * 100.0, 1) + "%"; }
std::string km1(double v) { return fixed(v, 1); }

std::string county_name(const model::Dataset& ds, const std::string& code) {
  for (const auto& c : ds.counties)
    if (c.code == code) return c.name;
  return {};
}

}  // namespace

nlohmann::json roads_json(const AuditResult& r, const model::Dataset& ds) {
  const auto& o = r.options;
  nlohmann::json j;
  j["schema"] = "ruralnet.roads/1";
  j["dataset"] = ds.path;
  j["dataset_fingerprint"] = model::fingerprint(ds);
  j["as_of"] = r.as_of.iso();
  j["local_crs"] = r.local_crs;
  j["options"] = {{"target_km", o.target_km},
                  {"length_tolerance_share", o.length_tolerance_share},
                  {"length_tolerance_m", o.length_tolerance_m},
                  {"snap_tolerance_m", o.snap_tolerance_m},
                  {"gap_tolerance_m", o.gap_tolerance_m},
                  {"overlap_tolerance_m", o.overlap_tolerance_m},
                  {"min_overlap_m", o.min_overlap_m},
                  {"outside_share", o.outside_share},
                  {"village_snap_m", o.village_snap_m},
                  {"county_targets", !o.county_targets_km.empty()}};
  j["target_km"] = r.target_km;
  j["completed_km"] = r3(r.programme.completed.unique_km);
  j["completed_declared_km"] = r3(r.programme.completed.declared_km);
  j["completion"] = std::round(r.completion * 10000.0) / 10000.0;
  j["programme"] = status_json(r.programme);
  j["by_program"] = nlohmann::json::object();
  for (const auto& [k, v] : r.by_program) j["by_program"][k] = status_json(v);
  j["by_class"] = nlohmann::json::object();
  for (const auto& [k, v] : r.by_class) j["by_class"][k] = status_json(v);
  j["by_county"] = nlohmann::json::array();
  for (const auto& c : r.by_county) {
    nlohmann::json cj = status_json(c.km);
    cj["code"] = c.code;
    cj["name"] = c.name;
    cj["target_km"] = c.target_km ? nlohmann::json(*c.target_km) : nlohmann::json(nullptr);
    cj["completion"] = c.completion ? nlohmann::json(std::round(*c.completion * 10000.0) / 10000.0) : nlohmann::json(nullptr);
    j["by_county"].push_back(std::move(cj));
  }
  j["by_month"] = nlohmann::json::array();
  for (const auto& m : r.by_month) {
    nlohmann::json mj = km_json(m.completed);
    mj["month"] = m.month;
    mj["cumulative_unique_km"] = r3(m.cumulative_unique_km);
    j["by_month"].push_back(std::move(mj));
  }
  j["all_roads"] = km_json(r.all_roads);
  j["double_counted_km"] = r3(r.double_counted_km);
  j["graph"] = {{"nodes", r.graph_nodes}, {"edges", r.graph_edges}, {"components", r.graph_components}};
  j["findings"] = {{"total", r.findings.size()},
                   {"error", r.count(model::Severity::error)},
                   {"warning", r.count(model::Severity::warning)},
                   {"info", r.count(model::Severity::info)},
                   {"by_kind", r.findings_by_kind}};
  if (r.access.computed) {
    const auto& a = r.access;
    nlohmann::json aj;
    aj["villages"] = a.villages;
    aj["villages_off_network"] = a.villages_off_network;
    aj["newly_connected"] = a.newly_connected;
    aj["township_saved"] = saved_json(a.township);
    aj["hub_saved"] = saved_json(a.hub);
    aj["removed_segments"] = a.removed_segments;
    aj["removed_km"] = r3(a.removed_km);
    aj["unused_segments"] = a.unused_segments;
    aj["unused_km"] = r3(a.unused_km);
    aj["by_county"] = nlohmann::json::array();
    for (const auto& c : a.by_county)
      aj["by_county"].push_back({{"code", c.code},
                                 {"villages", c.villages},
                                 {"newly_connected", c.newly_connected},
                                 {"township_saved", saved_json(c.township)},
                                 {"hub_saved", saved_json(c.hub)}});
    j["access"] = std::move(aj);
  } else {
    j["access"] = nullptr;
  }
  return j;
}

std::string roads_text(const AuditResult& r) {
  std::ostringstream out;
  out << "Rural road programme as of " << r.as_of.iso() << ": " << km1(r.programme.completed.unique_km) << " of "
      << km1(r.target_km) << " km completed (" << pct(r.completion) << "), "
      << km1(r.programme.building.unique_km) << " km building, " << km1(r.programme.planned.unique_km)
      << " km planned\n";
  out << "Declared completed: " << km1(r.programme.completed.declared_km) << " km; measured "
      << km1(r.programme.completed.measured_km) << " km, " << km1(r.programme.completed.measured_km - r.programme.completed.unique_km)
      << " km of it counted twice\n\n";
  TextTable t({"county", "name", ">planned km", ">building km", ">completed km", ">declared km", ">target km", ">done"});
  for (const auto& c : r.by_county)
    t.add({c.code.empty() ? "(none)" : c.code, c.name, km1(c.km.planned.unique_km), km1(c.km.building.unique_km),
           km1(c.km.completed.unique_km), km1(c.km.completed.declared_km), c.target_km ? km1(*c.target_km) : "",
           c.completion ? pct(*c.completion) : ""});
  out << t.render() << "\n";
  out << "Findings: " << r.count(model::Severity::error) << " errors, " << r.count(model::Severity::warning)
      << " warnings";
  if (!r.findings_by_kind.empty()) {
    std::vector<std::string> parts;
    for (const auto& [k, n] : r.findings_by_kind) parts.push_back(k + " " + std::to_string(n));
    out << " (" << join(parts, ", ") << ")";
  }
  out << "\n";
  if (r.access.computed) {
    const auto& a = r.access;
    out << "Access: " << a.newly_connected << " villages newly connected; " << a.faster_township
        << " reach their township seat faster (median " << fixed(a.township.median_min, 1) << " min saved), "
        << a.faster_hub << " their county hub (median " << fixed(a.hub.median_min, 1) << " min); "
        << km1(a.unused_km) << " of " << km1(a.removed_km) << " completed km changed no village's access\n";
  }
  return out.str();
}

std::string roads_markdown(const AuditResult& r, const model::Dataset& ds) {
  std::ostringstream md;
  md << "# Rural road programme audit\n\n";
  md << "Dataset `" << ds.path << "`, as of " << r.as_of.iso() << ". Lengths are geodesic on the CGCS2000 "
     << "ellipsoid; \"unique\" km count overlapping road once.\n\n";
  md << "**" << km1(r.programme.completed.unique_km) << " km** of the " << km1(r.target_km)
     << " km target completed (**" << pct(r.completion) << "**); " << km1(r.programme.building.unique_km)
     << " km building, " << km1(r.programme.planned.unique_km) << " km planned. Declared completed: "
     << km1(r.programme.completed.declared_km) << " km.\n\n";
  md << "## By county\n\n";
  md << "| county | name | planned km | building km | completed km | completed declared km | target km | completion | "
        "findings |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& c : r.by_county) {
    std::size_t n = 0;
    for (const auto& f : r.findings) n += f.county_code == c.code ? 1 : 0;
    md << "| " << (c.code.empty() ? "(none)" : c.code) << " | " << (c.name.empty() ? county_name(ds, c.code) : c.name)
       << " | " << km1(c.km.planned.unique_km) << " | " << km1(c.km.building.unique_km) << " | "
       << km1(c.km.completed.unique_km) << " | " << km1(c.km.completed.declared_km) << " | "
       << (c.target_km ? km1(*c.target_km) : "") << " | " << (c.completion ? pct(*c.completion) : "") << " | " << n
       << " |\n";
  }
  md << "\n## By programme and class\n\n| group | planned km | building km | completed km | completed declared km |\n"
        "|---|---:|---:|---:|---:|\n";
  auto row = [&](const std::string& name, const StatusKm& s) {
    md << "| " << name << " | " << km1(s.planned.unique_km) << " | " << km1(s.building.unique_km) << " | "
       << km1(s.completed.unique_km) << " | " << km1(s.completed.declared_km) << " |\n";
  };
  for (const auto& [k, v] : r.by_program) row("programme " + k, v);
  for (const auto& [k, v] : r.by_class) row("class " + k, v);
  md << "\n## Completed by month\n\n| month | completed km | cumulative km |\n|---|---:|---:|\n";
  for (const auto& m : r.by_month)
    md << "| " << m.month << " | " << km1(m.completed.unique_km) << " | " << km1(m.cumulative_unique_km) << " |\n";
  md << "\n## Findings\n\n" << r.count(model::Severity::error) << " errors, " << r.count(model::Severity::warning)
     << " warnings (every one in findings.csv).\n\n| kind | count |\n|---|---:|\n";
  for (const auto& [k, n] : r.findings_by_kind) md << "| " << k << " | " << n << " |\n";
  if (r.access.computed) {
    const auto& a = r.access;
    md << "\n## What the completed roads changed\n\n";
    md << a.newly_connected << " villages became reachable (joined to the main network); " << a.faster_township
       << " reach their township seat faster and " << a.faster_hub << " their county hub. " << km1(a.unused_km)
       << " of the " << km1(a.removed_km) << " completed km lie on no improved village's route.\n\n";
    md << "| county | villages | newly connected | faster to township | mean min | median min | max min | faster to hub | "
          "mean min | median min | max min |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& c : a.by_county)
      md << "| " << c.code << " | " << c.villages << " | " << c.newly_connected << " | " << c.township.count << " | "
         << fixed(c.township.mean_min, 1) << " | " << fixed(c.township.median_min, 1) << " | "
         << fixed(c.township.max_min, 1) << " | " << c.hub.count << " | " << fixed(c.hub.mean_min, 1) << " | "
         << fixed(c.hub.median_min, 1) << " | " << fixed(c.hub.max_min, 1) << " |\n";
  }
  return md.str();
}

}  // namespace ruralnet::report
