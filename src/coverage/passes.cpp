#include "passes.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <thread>

#include "ruralnet/geo/geodesic.hpp"

namespace ruralnet::coverage::detail {

std::size_t worker_count() { return std::max<std::size_t>(1, std::thread::hardware_concurrency()); }

void parallel_for(std::size_t n, const std::function<void(std::size_t, std::size_t)>& fn) {
  const std::size_t k = std::min(n, worker_count());
  if (k <= 1) {
    if (n > 0) fn(0, 1);
    return;
  }
  std::vector<std::exception_ptr> errors(k);
  {
    std::vector<std::jthread> threads;
    for (std::size_t t = 1; t < k; ++t)
      threads.emplace_back([&, t] {
        try {
          fn(t, k);
        } catch (...) {
          errors[t] = std::current_exception();
        }
      });
    try {
      fn(0, k);
    } catch (...) {
      errors[0] = std::current_exception();
    }
  }
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

namespace {

std::vector<network::Source> pass_sources(const network::EdgeSnapper& s, const network::RoadGraph& g,
                                          const std::vector<FacilityResult>& facilities,
                                          const std::vector<std::size_t>& slots, network::Metric metric,
                                          double access_kmh, Pass& p) {
  std::vector<network::Source> sources;
  p.owner.clear();
  p.on_piece.clear();
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
  return sources;
}

}  // namespace

Pass run_pass(const network::EdgeSnapper& s, const network::RoadGraph& g, const std::vector<FacilityResult>& facilities,
              const std::vector<std::size_t>& slots, network::Metric metric, double access_kmh, double max_cost) {
  Pass p;
  const std::vector<network::Source> sources = pass_sources(s, g, facilities, slots, metric, access_kmh, p);
  network::DijkstraOptions o;
  o.metric = metric;
  o.max_cost = max_cost;
  p.max_cost = max_cost;
  p.labels = network::multi_source_dijkstra(g, sources, o);
  return p;
}

void run_pass_into(ReusablePass& rp, const network::EdgeSnapper& s, const network::RoadGraph& g,
                   const std::vector<FacilityResult>& facilities, const std::vector<std::size_t>& slots,
                   network::Metric metric, double access_kmh, double max_cost, std::span<const VertexId> stop_after) {
  const std::vector<network::Source> sources = pass_sources(s, g, facilities, slots, metric, access_kmh, rp.pass);
  network::DijkstraOptions o;
  o.metric = metric;
  o.max_cost = max_cost;
  rp.pass.max_cost = max_cost;
  network::multi_source_dijkstra_into(g, sources, o, rp.pass.labels, rp.touched, stop_after);
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
