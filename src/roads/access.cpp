// What the programme's completed roads changed for villages: the graph is
// built with and without them and every village's reachability and travel
// time to its township seat and county hub compared (docs/roads.md, "Access").
#include <algorithm>
#include <cmath>
#include <map>

#include "detail.hpp"
#include "ruralnet/core/progress.hpp"
#include "ruralnet/geo/grid_index.hpp"
#include "ruralnet/network/dijkstra.hpp"

namespace ruralnet::roads::detail {

namespace {

// Minutes saved below this are noise of snapping, not a change of access.
constexpr double kMinSavedMin = 0.1;

network::SegmentTable without(const network::SegmentTable& t, const std::vector<bool>& removed) {
  network::SegmentTable o;
  o.crs = t.crs;
  std::vector<std::uint32_t> new_index(t.segment_count(), std::numeric_limits<std::uint32_t>::max());
  for (std::uint32_t s = 0; s < t.segment_count(); ++s) {
    if (removed[s]) continue;
    const auto ns = static_cast<std::uint32_t>(o.id.size());
    new_index[s] = ns;
    o.id.push_back(t.id[s]);
    o.road_class.push_back(t.road_class[s]);
    o.speed_kmh.push_back(t.speed_kmh[s]);
    o.oneway.push_back(t.oneway[s]);
    o.length_m.push_back(t.length_m[s]);
    o.first_part.push_back(static_cast<std::uint32_t>(o.part_segment.size()));
    for (std::uint32_t p = t.first_part[s]; p < t.first_part[s + 1]; ++p) {
      o.first_vertex.push_back(static_cast<std::uint32_t>(o.lonlat.size()));
      o.part_segment.push_back(ns);
      for (std::uint32_t v = t.first_vertex[p]; v < t.first_vertex[p + 1]; ++v) {
        o.lonlat.push_back(t.lonlat[v]);
        o.xy.push_back(t.xy[v]);
        o.cum_length_m.push_back(t.cum_length_m[v]);
      }
    }
  }
  o.first_part.push_back(static_cast<std::uint32_t>(o.part_segment.size()));
  o.first_vertex.push_back(static_cast<std::uint32_t>(o.lonlat.size()));
  for (std::uint32_t s : t.degenerate_parts)
    if (new_index[s] != std::numeric_limits<std::uint32_t>::max()) o.degenerate_parts.push_back(new_index[s]);
  return o;
}

// One graph's nodes, searchable.
struct Net {
  const network::BuildResult* b = nullptr;
  geo::GridIndex index;
  Net(const network::BuildResult& built, double cell) : b(&built), index(built.graph.node_xy(), cell) {}
  std::optional<geo::Neighbour> nearest(XY p, double max_m) const {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) return std::nullopt;
    return index.nearest(p, max_m);
  }
};

Saved distribution(std::vector<double> v) {
  Saved s;
  s.count = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  double sum = 0.0;
  for (double x : v) sum += x;
  s.mean_min = sum / static_cast<double>(v.size());
  const std::size_t n = v.size();
  s.median_min = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
  s.max_min = v.back();
  return s;
}

}  // namespace

AccessResult compare_access(const model::Dataset& ds, const network::SegmentTable& table,
                            const std::vector<std::uint32_t>& table_to_road, const std::vector<bool>& removed,
                            const network::BuildResult& with, const geo::Projector& proj, const AuditOptions& o,
                            std::vector<SegmentAudit>& segments) {
  AccessResult a;
  a.computed = true;
  for (std::uint32_t t = 0; t < table.segment_count(); ++t)
    if (removed[t]) {
      ++a.removed_segments;
      a.removed_km += segments[table_to_road[t]].unique_m / 1000.0;
    }
  network::BuildOptions bo;
  bo.snap_tolerance_m = o.snap_tolerance_m;
  bo.speeds = o.speeds;
  const network::BuildResult wo = network::build_graph(without(table, removed), bo);

  const double cell = std::max(100.0, std::min(o.village_snap_m, 1000.0));
  const Net net_with(with, cell), net_wo(wo, cell);

  // Villages: snapped to the nearest node of each graph; reachable when that
  // node is in the graph's main component.
  const std::size_t nv = ds.villages.size();
  a.villages = nv;
  a.villages_list.resize(nv);
  std::vector<XY> vxy(nv);
  std::vector<VertexId> node_with(nv), node_wo(nv);
  for (std::size_t i = 0; i < nv; ++i) {
    const auto& v = ds.villages[i];
    VillageAccess& va = a.villages_list[i];
    va.village = i;
    va.code = v.code;
    va.name = v.name;
    va.township_code = v.township_code;
    va.county_code = v.township_code.size() >= 6 ? v.township_code.substr(0, 6) : v.code.substr(0, std::min<std::size_t>(6, v.code.size()));
    va.location = v.location;
    const bool finite = std::isfinite(v.location.lon) && std::isfinite(v.location.lat);
    vxy[i] = finite ? proj.to_local(v.location) : XY{std::nan(""), std::nan("")};
    if (auto n = net_with.nearest(vxy[i], o.village_snap_m)) {
      node_with[i] = VertexId(n->item);
      va.snap_with_m = n->distance;
      va.reachable_with = with.components.is_main(node_with[i]);
    } else {
      ++a.villages_off_network;
    }
    if (auto n = net_wo.nearest(vxy[i], o.village_snap_m)) {
      node_wo[i] = VertexId(n->item);
      va.snap_without_m = n->distance;
      va.reachable_without = wo.components.is_main(node_wo[i]);
    }
    if (va.newly_connected()) ++a.newly_connected;
  }

  // Sources: a township's station (else the node nearest its polygon's
  // centroid) and a county's hub.
  std::map<std::string, LonLat> seat, hub;
  for (const auto& f : ds.facilities) {
    if (f.tier == model::Tier::township_station) seat.emplace(f.admin_code, f.location);
    if (f.tier == model::Tier::county_hub) hub.emplace(f.admin_code, f.location);
  }
  {
    Geos geos;
    for (const auto& t : ds.townships) {
      if (seat.count(t.code)) continue;
      GeomPtr poly = polygon_xy(geos, t.geometry, proj);
      if (!poly.p) continue;
      GeomPtr c(geos, GEOSGetCentroid_r(geos.h, poly.p));
      double x = 0, y = 0;
      if (c.p && GEOSGeomGetX_r(geos.h, c.p, &x) == 1 && GEOSGeomGetY_r(geos.h, c.p, &y) == 1)
        seat.emplace(t.code, proj.to_geographic(XY{x, y}));
    }
  }

  // Groups of villages by the source they are timed from.
  std::map<std::string, std::vector<std::size_t>> by_township, by_county;
  for (std::size_t i = 0; i < nv; ++i) {
    by_township[a.villages_list[i].township_code].push_back(i);
    by_county[a.villages_list[i].county_code].push_back(i);
  }

  auto mark_path = [&](const network::PathLabels& labels, VertexId target) {
    for (EdgeId e : network::path_to(with.graph, labels, target)) {
      const std::uint32_t t = with.graph.segment(e);
      if (removed[t]) segments[table_to_road[t]].changed_access = true;
    }
  };

  // Times from one source to a group of villages in both graphs.
  auto time_group = [&](LonLat src, const std::vector<std::size_t>& group, bool township) {
    if (!std::isfinite(src.lon) || !std::isfinite(src.lat)) return;
    const XY sxy = proj.to_local(src);
    const auto sw = net_with.nearest(sxy, o.village_snap_m), so = net_wo.nearest(sxy, o.village_snap_m);
    if (!sw) return;
    network::DijkstraOptions dopt;
    const network::PathLabels lw = network::dijkstra(with.graph, VertexId(sw->item), dopt);
    std::optional<network::PathLabels> lo;
    if (so) lo = network::dijkstra(wo.graph, VertexId(so->item), dopt);
    for (std::size_t i : group) {
      VillageAccess& va = a.villages_list[i];
      std::optional<double> tw, to;
      if (node_with[i].valid() && lw.reached(node_with[i])) tw = lw.cost[node_with[i].value()] / 60.0;
      if (lo && node_wo[i].valid() && lo->reached(node_wo[i])) to = lo->cost[node_wo[i].value()] / 60.0;
      (township ? va.township_with_min : va.hub_with_min) = tw;
      (township ? va.township_without_min : va.hub_without_min) = to;
      const bool faster = tw && to && *to - *tw >= kMinSavedMin;
      if (faster || (tw && !to) || va.newly_connected()) {
        if (tw) mark_path(lw, node_with[i]);
      }
    }
  };
  {
    Progress progress(o.progress, "comparing access", by_township.size() + by_county.size());
    for (const auto& [code, group] : by_township) {
      progress.advance();
      if (auto it = seat.find(code); it != seat.end()) time_group(it->second, group, true);
    }
    for (const auto& [code, group] : by_county) {
      progress.advance();
      if (auto it = hub.find(code); it != hub.end()) time_group(it->second, group, false);
    }
  }

  // Distributions, city-wide and per county.
  std::vector<double> all_t, all_h;
  for (const auto& [code, group] : by_county) {
    CountyAccess ca;
    ca.code = code;
    ca.villages = group.size();
    std::vector<double> st, sh;
    for (std::size_t i : group) {
      const VillageAccess& va = a.villages_list[i];
      if (va.newly_connected()) ++ca.newly_connected;
      if (va.township_with_min && va.township_without_min &&
          *va.township_without_min - *va.township_with_min >= kMinSavedMin)
        st.push_back(*va.township_without_min - *va.township_with_min);
      if (va.hub_with_min && va.hub_without_min && *va.hub_without_min - *va.hub_with_min >= kMinSavedMin)
        sh.push_back(*va.hub_without_min - *va.hub_with_min);
    }
    all_t.insert(all_t.end(), st.begin(), st.end());
    all_h.insert(all_h.end(), sh.begin(), sh.end());
    ca.township = distribution(std::move(st));
    ca.hub = distribution(std::move(sh));
    a.by_county.push_back(std::move(ca));
  }
  a.township = distribution(all_t);
  a.hub = distribution(all_h);
  a.faster_township = a.township.count;
  a.faster_hub = a.hub.count;

  for (std::uint32_t t = 0; t < table.segment_count(); ++t)
    if (removed[t] && !segments[table_to_road[t]].changed_access) {
      ++a.unused_segments;
      a.unused_km += segments[table_to_road[t]].unique_m / 1000.0;
    }
  return a;
}

}  // namespace ruralnet::roads::detail
