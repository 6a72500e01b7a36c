#include "passes.hpp"

#include <algorithm>
#include <cmath>

#include "ruralnet/geo/geodesic.hpp"

namespace ruralnet::coverage::detail {

Pass run_pass(const network::EdgeSnapper& s, const network::RoadGraph& g, const std::vector<FacilityResult>& facilities,
              const std::vector<std::size_t>& slots, network::Metric metric, double access_kmh, double max_cost) {
  Pass p;
  std::vector<network::Source> sources;
  for (const std::size_t slot : slots) {
    const Attachment& at = facilities[slot].at;
    if (!at.on_network) continue;
    network::SnapPoint sp{at.piece, at.snap_m, at.along_m, at.snapped};
    for (const auto& src : network::point_sources(s, g, sp, metric, access_kmh)) {
      sources.push_back(src);
      p.owner.push_back(slot);
    }
    p.on_piece.emplace(at.piece, slot);
  }
  network::DijkstraOptions o;
  o.metric = metric;
  o.max_cost = max_cost;
  p.max_cost = max_cost;
  p.labels = network::multi_source_dijkstra(g, sources, o);
  return p;
}

PassArrival arrive(const network::EdgeSnapper& s, const network::RoadGraph& g, const Pass& pass,
                   const std::vector<FacilityResult>& facilities, const Attachment& at, double access_kmh) {
  PassArrival best;
  if (!at.on_network) return best;
  const network::SnapPoint sp{at.piece, at.snap_m, at.along_m, at.snapped};
  const network::Arrival a = network::arrival_cost(s, g, pass.labels, sp, access_kmh);
  if (a.via.valid()) best = {a.cost, pass.owner[pass.labels.source[a.via.value()]], a.via};
  const network::Metric m = pass.labels.metric;
  const auto access = [&](double d) { return m == network::Metric::time_s ? network::access_seconds(d, access_kmh) : d; };
  const auto range = pass.on_piece.equal_range(at.piece);
  for (auto it = range.first; it != range.second; ++it) {
    const Attachment& f = facilities[it->second].at;
    const double c = access(f.snap_m) + network::along_piece_cost(s, g, at.piece, f.along_m, at.along_m, m) + access(at.snap_m);
    if (c < best.cost || (c == best.cost && !best.via.valid() && it->second < best.owner)) best = {c, it->second, VertexId::invalid()};
  }
  if (best.cost > pass.max_cost) best = {};
  return best;
}

model::LineString link_path(const network::EdgeSnapper& s, const network::RoadGraph& g, const Pass& pass,
                            const PassArrival& a, LonLat parent_location, const Attachment& parent,
                            LonLat child_location, const Attachment& child) {
  model::LineString line;
  const auto append = [&](std::vector<LonLat> pts, bool reverse) {
    if (reverse) std::reverse(pts.begin(), pts.end());
    for (const LonLat& p : pts)
      if (line.empty() || !(line.back() == p)) line.push_back(p);
  };
  append({parent_location, parent.snapped}, false);
  if (!a.via.valid()) {
    append(s.piece_line(parent.piece, parent.along_m, child.along_m), parent.along_m > child.along_m);
  } else {
    const std::vector<EdgeId> arcs = network::path_to(g, pass.labels, a.via);
    const VertexId start = arcs.empty() ? a.via : g.tail(arcs.front());
    const network::EdgePiece& pp = s.piece(parent.piece);
    if (start == pp.to && pp.forward_arc.valid()) append(s.piece_line(parent.piece, parent.along_m, pp.length_m), false);
    else append(s.piece_line(parent.piece, 0.0, parent.along_m), true);
    for (const EdgeId e : arcs) {
      if (const auto pc = s.piece_of_arc(e)) append(s.piece_line(*pc), g.reversed(e));
      else append({g.lonlat(g.tail(e)), g.lonlat(g.head(e))}, false);
    }
    const network::EdgePiece& cp = s.piece(child.piece);
    if (a.via == cp.from && cp.forward_arc.valid()) append(s.piece_line(child.piece, 0.0, child.along_m), false);
    else append(s.piece_line(child.piece, child.along_m, cp.length_m), true);
  }
  append({child.snapped, child_location}, false);
  if (line.size() == 1) line.push_back(line.front());
  return line;
}

}  // namespace ruralnet::coverage::detail
