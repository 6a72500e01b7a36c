#include "ruralnet/inventory/summary.hpp"

#include <algorithm>
#include <cmath>

#include "ruralnet/geo/crs.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/model/codes.hpp"

namespace ruralnet::inventory {

void RoadKm::add(const model::RoadSegment& s, double km) {
  total_km += km;
  by_class[model::to_string(s.road_class)] += km;
  by_program[model::to_string(s.program)] += km;
  by_status[model::to_string(s.status)] += km;
}

namespace {

double area_km2(const model::MultiPolygon& mp) {
  double m2 = 0.0;
  for (const auto& poly : mp) {
    for (std::size_t r = 0; r < poly.rings.size(); ++r) {
      const double a = geo::geodesic_ring_area_m2(poly.rings[r]);
      m2 += r == 0 ? a : -a;
    }
  }
  return m2 / 1e6;
}

double road_km(const model::RoadSegment& s) {
  double m = 0.0;
  for (const auto& part : s.geometry) m += geo::geodesic_length(part).value();
  return m / 1000.0;
}

const std::string kUnassigned = "unassigned";

GraphSummary summarize_graph(const model::Dataset& ds, const SummaryOptions& options) {
  network::BuildOptions build = options.graph;
  build.compute_components = true;
  const network::DatasetGraph dg = network::build_dataset_graph(ds, build, options.progress);
  const network::BuildResult& built = dg.built;
  const geo::LocalCrs& crs = dg.crs;
  const geo::Projector projector(crs);

  GraphSummary g;
  g.nodes = built.node_count();
  g.arcs = built.arc_count();
  g.edges = built.edge_count();
  g.components = built.components.count();
  g.main_component_share = built.components.main_length_share();
  g.snaps = built.snaps.size();
  for (const auto& sn : built.snaps)
    g.snap_list.push_back({dg.table.id[sn.segment_a], dg.table.id[sn.segment_b], sn.distance_m, sn.location_a});
  g.memory_bytes = built.memory_bytes();
  g.snap_tolerance_m = options.graph.snap_tolerance_m;
  g.local_crs = crs.definition() + " (" + crs.name() + ")";

  std::vector<LonLat> points;
  points.reserve(ds.villages.size());
  for (const auto& v : ds.villages) points.push_back(v.location);
  const auto nearest = network::nearest_points_by_component(built.graph, built.components, points, projector,
                                                            options.villages_per_component);
  std::vector<std::size_t> order(built.components.count());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return built.components.list[a].length_m > built.components.list[b].length_m;
  });
  for (std::size_t k = 0; k < order.size() && k < options.components_listed; ++k) {
    const auto& info = built.components.list[order[k]];
    ComponentSummary cs;
    cs.nodes = info.node_count;
    cs.edges = info.edge_count;
    cs.length_km = info.length_m / 1000.0;
    for (const auto& p : nearest[order[k]]) {
      const auto& v = ds.villages[p.point];
      cs.nearest_villages.push_back(v.code + " " + v.name + " (" + std::to_string(static_cast<long>(std::lround(p.distance_m))) + " m)");
    }
    g.largest.push_back(std::move(cs));
  }
  return g;
}

}  // namespace

Summary summarize(const model::Dataset& ds, const SummaryOptions& options) {
  Summary out;
  out.dataset = ds.path;
  out.geographic_crs = ds.geographic_crs;
  // The contract's order (counties down to facilities), then anything else.
  static const char* const kOrder[] = {"counties", "townships", "villages", "roads", "facilities"};
  std::vector<std::pair<std::string, model::LayerInfo>> ordered;
  for (const char* n : kOrder)
    if (auto it = ds.layers.find(n); it != ds.layers.end()) ordered.emplace_back(*it);
  for (const auto& kv : ds.layers)
    if (std::find(std::begin(kOrder), std::end(kOrder), kv.first) == std::end(kOrder)) ordered.emplace_back(kv);
  for (const auto& [name, info] : ordered) {
    LayerSummary l;
    l.name = name;
    l.present = info.present;
    l.features = info.feature_count;
    l.source = info.source;
    l.source_crs = info.source_crs;
    l.encoding = info.encoding;
    l.extent = info.extent;
    out.layers.push_back(std::move(l));
  }

  // Counties keyed by code; features whose county is not in the counties layer
  // are gathered under "unassigned" so that the per-county rows add up to the totals.
  std::map<std::string, CountySummary> by_code;
  for (const auto& c : ds.counties) {
    auto& cs = by_code[c.code];
    cs.code = c.code;
    cs.name = c.name;
    cs.area_km2 += area_km2(c.geometry);
  }
  auto county = [&](const std::string& code) -> CountySummary& {
    auto it = by_code.find(code);
    if (it != by_code.end()) return it->second;
    auto& cs = by_code[kUnassigned];
    cs.code = kUnassigned;
    return cs;
  };
  for (const auto& t : ds.townships) ++county(t.county_code.empty() ? model::county_of(t.code) : t.county_code).townships;
  for (const auto& v : ds.villages) {
    auto& cs = county(model::county_of(v.code));
    ++cs.villages;
    for (const auto& [k, val] : v.extra)
      if (k == "kind") ++cs.village_kinds[val];
    cs.poor_villages += v.poor ? 1 : 0;
    cs.flood_zone_villages += v.flood_zone ? 1 : 0;
    cs.population += v.population.value_or(0.0);
  }
  for (const auto& f : ds.facilities) ++county(model::county_of(f.admin_code)).facilities_by_tier[model::to_string(f.tier)];
  for (const auto& r : ds.roads) {
    const double km = road_km(r);
    out.roads.add(r, km);
    county(r.county_code).roads.add(r, km);
  }
  for (auto& [code, cs] : by_code) out.counties.push_back(std::move(cs));
  // "unassigned" sorts after the numeric codes already; keep code order.

  if (options.build_graph && !ds.roads.empty()) out.graph = summarize_graph(ds, options);
  return out;
}

}  // namespace ruralnet::inventory
