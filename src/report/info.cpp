#include "ruralnet/report/info.hpp"

#include <cmath>

#include "ruralnet/core/text.hpp"
#include "ruralnet/report/table.hpp"

namespace ruralnet::report {

namespace {

// Kilometres to 3 decimals (metre resolution) in JSON; rounding keeps the
// output stable across tiny floating differences without losing anything a
// report would quote.
double km3(double km) { return std::round(km * 1000.0) / 1000.0; }

nlohmann::json km_json(const inventory::RoadKm& r) {
  nlohmann::json j;
  j["total_km"] = km3(r.total_km);
  for (const auto& [k, v] : r.by_class) j["by_class_km"][k] = km3(v);
  for (const auto& [k, v] : r.by_program) j["by_program_km"][k] = km3(v);
  for (const auto& [k, v] : r.by_status) j["by_status_km"][k] = km3(v);
  return j;
}

nlohmann::json extent_json(const Extent& e) {
  if (e.empty()) return nullptr;
  return {{"min_lon", e.min_lon}, {"min_lat", e.min_lat}, {"max_lon", e.max_lon}, {"max_lat", e.max_lat}};
}

std::string km(double v) { return fixed(v, 1); }

double get(const std::map<std::string, double>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0.0 : it->second;
}

}  // namespace

nlohmann::json info_json(const inventory::Summary& s) {
  nlohmann::json j;
  j["schema"] = "ruralnet.info/1";
  j["dataset"] = s.dataset;
  j["geographic_crs"] = s.geographic_crs;
  j["layers"] = nlohmann::json::array();
  for (const auto& l : s.layers) {
    j["layers"].push_back({{"name", l.name},
                           {"present", l.present},
                           {"features", l.features},
                           {"source", l.source},
                           {"source_crs", l.source_crs},
                           {"encoding", l.encoding},
                           {"extent", extent_json(l.extent)}});
  }
  j["counties"] = nlohmann::json::array();
  for (const auto& c : s.counties) {
    nlohmann::json cj{{"code", c.code},
                      {"name", c.name},
                      {"area_km2", std::round(c.area_km2 * 10.0) / 10.0},
                      {"townships", c.townships},
                      {"villages", c.villages},
                      {"poor_villages", c.poor_villages},
                      {"flood_zone_villages", c.flood_zone_villages},
                      {"population", c.population},
                      {"facilities_by_tier", c.facilities_by_tier},
                      {"roads", km_json(c.roads)}};
    if (!c.village_kinds.empty()) cj["village_kinds"] = c.village_kinds;
    j["counties"].push_back(cj);
  }
  j["roads"] = km_json(s.roads);
  if (s.graph) {
    const auto& g = *s.graph;
    j["graph"] = {{"nodes", g.nodes},
                  {"arcs", g.arcs},
                  {"edges", g.edges},
                  {"components", g.components},
                  {"main_component_share", g.main_component_share},
                  {"snaps", g.snaps},
                  {"snap_tolerance_m", g.snap_tolerance_m},
                  {"memory_bytes", g.memory_bytes},
                  {"local_crs", g.local_crs}};
    j["graph"]["snap_list"] = nlohmann::json::array();
    for (const auto& sn : g.snap_list)
      j["graph"]["snap_list"].push_back({{"road_a", sn.road_a},
                                         {"road_b", sn.road_b},
                                         {"distance_m", std::round(sn.distance_m * 1000.0) / 1000.0},
                                         {"lon", sn.location.lon},
                                         {"lat", sn.location.lat}});
    j["graph"]["largest_components"] = nlohmann::json::array();
    for (const auto& c : g.largest)
      j["graph"]["largest_components"].push_back({{"nodes", c.nodes},
                                                  {"edges", c.edges},
                                                  {"length_km", km3(c.length_km)},
                                                  {"nearest_villages", c.nearest_villages}});
  } else {
    j["graph"] = nullptr;
  }
  return j;
}

std::string info_text(const inventory::Summary& s) {
  std::string out = "dataset: " + s.dataset + "\nworking CRS: " + s.geographic_crs + " (CGCS2000, lon/lat)\n\n";
  TextTable layers({"layer", ">features", "source CRS", "encoding", "extent (lon, lat)"});
  for (const auto& l : s.layers) {
    std::string ext = "-";
    if (!l.extent.empty())
      ext = fixed(l.extent.min_lon, 3) + ".." + fixed(l.extent.max_lon, 3) + ", " + fixed(l.extent.min_lat, 3) + ".." +
            fixed(l.extent.max_lat, 3);
    layers.add({l.name, l.present ? std::to_string(l.features) : "absent", l.present ? l.source_crs : "", l.encoding, ext});
  }
  out += layers.render() + "\n";

  TextTable counties({"county", "name", ">area km2", ">townships", ">villages", ">poor", ">flood", ">hubs", ">stations",
                      ">outlets", ">road km"});
  auto tier = [](const inventory::CountySummary& c, const char* t) {
    auto it = c.facilities_by_tier.find(t);
    return std::to_string(it == c.facilities_by_tier.end() ? 0 : it->second);
  };
  for (const auto& c : s.counties)
    counties.add({c.code, c.name, fixed(c.area_km2, 0), std::to_string(c.townships), std::to_string(c.villages),
                  std::to_string(c.poor_villages), std::to_string(c.flood_zone_villages), tier(c, "county_hub"),
                  tier(c, "township_station"), tier(c, "village_outlet"), km(c.roads.total_km)});
  out += counties.render() + "\n";

  TextTable roads({"county", ">expressway", ">national", ">provincial", ">county", ">township", ">village", ">other",
                   ">changtong", ">kuomian", ">completed", ">building", ">planned"});
  auto road_row = [&](const std::string& name, const inventory::RoadKm& r) {
    roads.add({name, km(get(r.by_class, "expressway")), km(get(r.by_class, "national")), km(get(r.by_class, "provincial")),
               km(get(r.by_class, "county")), km(get(r.by_class, "township")), km(get(r.by_class, "village")),
               km(get(r.by_class, "other")), km(get(r.by_program, "changtong")), km(get(r.by_program, "kuomian")),
               km(get(r.by_status, "completed")), km(get(r.by_status, "building")), km(get(r.by_status, "planned"))});
  };
  for (const auto& c : s.counties) road_row(c.code, c.roads);
  road_row("all", s.roads);
  out += "road km by class, programme and status:\n" + roads.render() + "\n";

  if (s.graph) {
    const auto& g = *s.graph;
    out += "road graph (" + g.local_crs + "): " + std::to_string(g.nodes) + " nodes, " + std::to_string(g.edges) +
           " edges, " + std::to_string(g.components) + " components (largest holds " +
           fixed(100.0 * g.main_component_share, 1) + "% of road length), " + std::to_string(g.snaps) +
           " endpoint snaps within " + fixed(g.snap_tolerance_m, 1) + " m, " + fixed(static_cast<double>(g.memory_bytes) / 1048576.0, 1) +
           " MiB\n";
    if (!g.snap_list.empty()) {
      // Every snap is in --json; the terminal shows the first few.
      constexpr std::size_t kShown = 20;
      TextTable snaps({"road", "joined to", ">gap m", "at (lon, lat)"});
      for (std::size_t i = 0; i < g.snap_list.size() && i < kShown; ++i) {
        const auto& sn = g.snap_list[i];
        snaps.add({sn.road_a, sn.road_b, fixed(sn.distance_m, 2), fixed(sn.location.lon, 6) + ", " + fixed(sn.location.lat, 6)});
      }
      out += "\nendpoint snaps" + std::string(g.snap_list.size() > kShown ? " (first 20; all with --json)" : "") + ":\n" +
             snaps.render();
    }
    if (g.components > 1) {
      TextTable comps({">#", ">nodes", ">edges", ">km", "nearest villages"});
      for (std::size_t i = 0; i < g.largest.size(); ++i)
        comps.add({std::to_string(i + 1), std::to_string(g.largest[i].nodes), std::to_string(g.largest[i].edges),
                   fixed(g.largest[i].length_km, 2), join(g.largest[i].nearest_villages, "; ")});
      out += "\nlargest components:\n" + comps.render();
    }
  }
  return out;
}

}  // namespace ruralnet::report
