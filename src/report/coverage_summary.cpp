// The coverage JSON summary (schema "ruralnet.coverage/1") and the Markdown
// summary for a planner's report.
#include <algorithm>
#include <cmath>

#include "ruralnet/core/text.hpp"
#include "ruralnet/report/csv.hpp"
#include "ruralnet/report/coverage.hpp"

namespace ruralnet::report {

namespace {

using coverage::kNone;
using nlohmann::json;

json num(double v, double scale = 1000.0) { return json_number(v, scale); }

json stats_json(const coverage::TimeStats& s) {
  return {{"count", s.count}, {"mean", num(s.mean)}, {"median", num(s.median)}, {"p95", num(s.p95)}, {"max", num(s.max)}};
}

const coverage::Reach kReasons[] = {coverage::Reach::direct, coverage::Reach::cooperative, coverage::Reach::township_only,
                                    coverage::Reach::off_network, coverage::Reach::disconnected};

json group_json(const coverage::GroupMetrics& g) {
  json reasons;
  for (const auto r : kReasons) reasons[coverage::to_string(r)] = g.by_reason[static_cast<int>(r)];
  return {{"villages", g.villages},
          {"reached", g.reached},
          {"reach_rate", num(g.reach_rate, 1e6)},
          {"population", num(g.population, 1.0)},
          {"population_reached", num(g.population_reached, 1.0)},
          {"by_reason", reasons},
          {"village_station_min", stats_json(g.village_station_min)},
          {"station_hub_min", stats_json(g.station_hub_min)},
          {"outlets", g.outlets},
          {"outlets_multi_carrier", g.outlets_multi_carrier},
          {"mean_carriers", num(g.mean_carriers)}};
}

json area_json(const coverage::AreaMetrics& a) {
  return {{"level", a.level},
          {"code", a.code},
          {"name", a.name},
          {"all", group_json(a.all)},
          {"poor", group_json(a.poor)},
          {"flood_zone", group_json(a.flood_zone)}};
}

std::string fid(const model::Dataset& ds, std::size_t i) {
  if (i == kNone || i >= ds.facilities.size()) return "";
  const auto& f = ds.facilities[i];
  return f.id.empty() ? "fid " + std::to_string(f.ref.fid) : f.id;
}

std::string pct(double rate) { return std::isfinite(rate) ? fixed(rate * 100.0, 1) + "%" : "–"; }
std::string mins(double v) { return std::isfinite(v) ? fixed(v, 1) : "–"; }

}  // namespace

json coverage_totals_json(const model::Dataset& ds, const coverage::CoverageResult& r) {
  const auto& o = r.options;
  json j;
  j["schema"] = coverage::kSchema;
  j["dataset"] = ds.path;
  j["dataset_fingerprint"] = model::fingerprint(ds);
  j["local_crs"] = r.local_crs;
  j["options"] = {{"max_snap_m", o.max_snap_m},
                  {"access_kmh", o.access_kmh},
                  {"station_threshold_min", o.station_threshold_min},
                  {"outlet_radius_m", o.outlet_radius_m},
                  {"bands_min", o.bands_min},
                  {"service_areas", o.service_areas},
                  {"area_cell_m", o.area_cell_m},
                  {"area_fill_holes_km2", o.area_fill_holes_km2}};
  std::size_t linked = 0, on_net = 0;
  for (const auto& f : r.facilities) {
    if (f.tier == model::Tier::village_outlet && f.linked) ++linked;
    if (f.at.on_network) ++on_net;
  }
  json ignored = json::array();
  for (const auto i : r.ignored_unknown_tier) ignored.push_back(fid(ds, i));
  j["facilities"] = {{"county_hubs", r.hubs},
                     {"township_stations", r.stations},
                     {"village_outlets", r.outlets},
                     {"outlets_linked", linked},
                     {"on_network", on_net},
                     {"ignored_unknown_tier", ignored}};
  j["city"] = area_json(r.city);
  j["service_areas"] = {{"count", r.service_areas.size()}};
  j["passes"] = json::array();
  for (const auto& p : r.passes)
    j["passes"].push_back({{"name", p.name}, {"sources", p.sources}, {"settled", p.settled}, {"seconds", num(p.seconds, 1e4)}});
  j["administrative_searches"] = r.admin_searches;
  return j;
}

json coverage_json(const model::Dataset& ds, const coverage::CoverageResult& r) {
  json j = coverage_totals_json(ds, r);
  j["counties"] = json::array();
  for (const auto& a : r.counties) j["counties"].push_back(area_json(a));
  j["townships"] = json::array();
  for (const auto& a : r.townships) j["townships"].push_back(area_json(a));
  j["neighbour_faster"] = json::array();
  for (const auto& v : r.villages) {
    if (!v.neighbour_faster) continue;
    j["neighbour_faster"].push_back({{"village_code", ds.villages[v.village].code},
                                     {"station_id", fid(ds, v.station)},
                                     {"station_time_min", num(v.station_time_min)},
                                     {"fastest_station_id", fid(ds, v.fastest_station)},
                                     {"fastest_station_time_min", num(v.fastest_station_time_min)}});
  }
  j["off_network"] = json::array();
  for (const auto& x : r.off_network)
    j["off_network"].push_back({{"layer", x.layer}, {"id", x.id}, {"reason", x.reason}});
  return j;
}

std::string coverage_markdown(const model::Dataset& ds, const coverage::CoverageResult& r) {
  const auto& o = r.options;
  const auto& c = r.city.all;
  std::string m;
  m += "# Delivery reach of administrative villages (快递进村通达率)\n\n";
  m += "Dataset: `" + ds.path + "`. A village counts as reached when delivery comes to the village itself: its own "
       "outlet linked to its township station within " + mins(o.station_threshold_min) +
       " minutes, or a linked outlet of another village or carrier within " + fixed(o.outlet_radius_m / 1000.0, 1) +
       " km by road.\n\n";
  m += "**" + std::to_string(c.reached) + " of " + std::to_string(c.villages) + " villages reached (" + pct(c.reach_rate) +
       ")**, " + fixed(c.population_reached, 0) + " of " + fixed(c.population, 0) + " residents. Poor villages: " +
       std::to_string(r.city.poor.reached) + " of " + std::to_string(r.city.poor.villages) + " (" +
       pct(r.city.poor.reach_rate) + "); flood-zone villages: " + std::to_string(r.city.flood_zone.reached) + " of " +
       std::to_string(r.city.flood_zone.villages) + " (" + pct(r.city.flood_zone.reach_rate) + ").\n\n";
  m += "| County | Villages | Reached | Rate | Poor rate | Flood-zone rate | Station→village median / p95 (min) | "
       "Hub→station median (min) | Outlets | ≥2 carriers | Carriers per outlet |\n";
  m += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  auto row = [&](const coverage::AreaMetrics& a, const std::string& label) {
    const auto& g = a.all;
    m += "| " + label + " | " + std::to_string(g.villages) + " | " + std::to_string(g.reached) + " | " +
         pct(g.reach_rate) + " | " + pct(a.poor.reach_rate) + " | " + pct(a.flood_zone.reach_rate) + " | " +
         mins(g.village_station_min.median) + " / " + mins(g.village_station_min.p95) + " | " +
         mins(g.station_hub_min.median) + " | " + std::to_string(g.outlets) + " | " +
         std::to_string(g.outlets_multi_carrier) + " | " + (std::isfinite(g.mean_carriers) ? fixed(g.mean_carriers, 2) : "–") +
         " |\n";
  };
  for (const auto& a : r.counties) row(a, (a.name.empty() ? a.code : a.name + " " + a.code));
  row(r.city, "**All**");
  m += "\nVillages by reason: ";
  for (const auto reason : kReasons)
    m += std::string(reason == coverage::Reach::direct ? "" : ", ") + coverage::to_string(reason) + " " +
         std::to_string(c.by_reason[static_cast<int>(reason)]);
  m += ".\n\n";
  // The gaps: townships with the lowest reach first.
  std::vector<const coverage::AreaMetrics*> low;
  for (const auto& a : r.townships)
    if (a.all.villages > 0 && a.all.reached < a.all.villages) low.push_back(&a);
  std::stable_sort(low.begin(), low.end(), [](const auto* a, const auto* b) { return a->all.reach_rate < b->all.reach_rate; });
  if (!low.empty()) {
    m += "Townships with the lowest reach:\n\n| Township | Villages | Reached | Rate | Township only | Off network | Disconnected |\n";
    m += "|---|---:|---:|---:|---:|---:|---:|\n";
    for (std::size_t i = 0; i < low.size() && i < 10; ++i) {
      const auto& a = *low[i];
      m += "| " + (a.name.empty() ? a.code : a.name + " " + a.code) + " | " + std::to_string(a.all.villages) + " | " +
           std::to_string(a.all.reached) + " | " + pct(a.all.reach_rate) + " | " +
           std::to_string(a.all.by_reason[static_cast<int>(coverage::Reach::township_only)]) + " | " +
           std::to_string(a.all.by_reason[static_cast<int>(coverage::Reach::off_network)]) + " | " +
           std::to_string(a.all.by_reason[static_cast<int>(coverage::Reach::disconnected)]) + " |\n";
    }
    m += "\n";
  }
  std::size_t faster = 0;
  for (const auto& v : r.villages) faster += v.neighbour_faster ? 1 : 0;
  m += std::to_string(faster) + " villages would be reached sooner from a neighbouring township's station; " +
       std::to_string(r.off_network.size()) + " points (villages or facilities) lie more than " + fixed(o.max_snap_m, 0) +
       " m from any road (layer off_network).\n";
  return m;
}

}  // namespace ruralnet::report
