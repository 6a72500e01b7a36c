#include "ruralnet/network/snap.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "crossings.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/geo/geodesic.hpp"

namespace ruralnet::network {

namespace {

constexpr std::uint32_t kNoPiece = std::numeric_limits<std::uint32_t>::max();

// An undirected road piece as the graph holds it, before its vertices are known.
struct Rep {
  float length;
  std::uint32_t from, to;
  EdgeId fwd, bwd;
  bool used = false;
};

double hyp(XY a, XY b) {
  const double dx = a.x - b.x, dy = a.y - b.y;
  return std::sqrt(dx * dx + dy * dy);
}

double weight(const RoadGraph& g, EdgeId a, Metric m) {
  return m == Metric::time_s ? g.time_s(a) : g.length(a).value();
}

}  // namespace

EdgeSnapper::~EdgeSnapper() = default;
EdgeSnapper::EdgeSnapper(EdgeSnapper&&) noexcept = default;
EdgeSnapper& EdgeSnapper::operator=(EdgeSnapper&&) noexcept = default;

EdgeSnapper::EdgeSnapper(const SegmentTable& table, const BuildResult& built, bool node_crossings) {
  graph_ = &built.graph;
  if (node_crossings) {
    std::vector<Crossing> ignored;
    crossed_ = std::make_unique<SegmentTable>(split_at_crossings(table, ignored));
    table_ = crossed_.get();
  } else {
    table_ = &table;
  }
  const SegmentTable& t = *table_;
  const RoadGraph& g = built.graph;
  projector_ = std::make_unique<geo::Projector>(t.crs);
  const std::size_t nv = t.vertex_count();
  const std::size_t ns = t.segment_count();

  // 1. Where the builder cut parts into pieces: at part ends and at every
  // vertex sharing its quantised position with another vertex (build.cpp,
  // steps 1-2). Snapping of ends merges nodes but never adds a cut.
  std::vector<std::uint8_t> cut(nv, 0);
  if (nv > 0) {
    const CoordinateKeys keys(t.xy);
    std::vector<geo::KeyedIndex> keyed(nv);
    for (std::size_t k = 0; k < nv; ++k) keyed[k] = {keys.key(t.xy[k]), static_cast<std::uint32_t>(k)};
    geo::radix_sort(keyed);
    for (std::size_t i = 0; i < nv;) {
      std::size_t j = i + 1;
      while (j < nv && keyed[j].key == keyed[i].key) ++j;
      if (j - i > 1)
        for (std::size_t m = i; m < j; ++m) cut[keyed[m].index] = 1;
      i = j;
    }
    for (std::size_t p = 0; p < t.part_count(); ++p) {
      cut[t.first_vertex[p]] = 1;
      cut[t.first_vertex[p + 1] - 1] = 1;
    }
  }

  // 2. The graph's pieces grouped by segment, each once in digitised direction.
  std::vector<std::uint32_t> first_rep(ns + 1, 0);
  const auto fo = g.first_out();
  const auto flags = g.arc_flags();
  const auto heads = g.heads();
  const auto segs = g.segments();
  auto is_rep = [&](std::uint32_t a) { return !((flags[a] & kArcTwoWay) && (flags[a] & kArcReversed)); };
  for (std::uint32_t a = 0; a < g.arc_count(); ++a)
    if (is_rep(a) && segs[a] < ns) ++first_rep[segs[a] + 1];
  for (std::size_t s = 0; s < ns; ++s) first_rep[s + 1] += first_rep[s];
  std::vector<Rep> reps(first_rep[ns]);
  {
    std::vector<std::uint32_t> fill(first_rep.begin(), first_rep.end() - 1);
    for (std::uint32_t u = 0; u < g.node_count(); ++u)
      for (std::uint32_t a = fo[u]; a < fo[u + 1]; ++a) {
        if (!is_rep(a) || segs[a] >= ns) continue;
        const std::uint32_t v = heads[a];
        Rep r{g.lengths_m()[a], u, v, EdgeId(a), EdgeId::invalid()};
        if (flags[a] & kArcTwoWay) {
          for (std::uint32_t b = fo[v]; b < fo[v + 1]; ++b)
            if (heads[b] == u && segs[b] == segs[a] && (flags[b] & kArcReversed) && (flags[b] & kArcTwoWay) &&
                g.lengths_m()[b] == r.length) {
              r.bwd = EdgeId(b);
              break;
            }
        } else if (flags[a] & kArcReversed) {
          r = Rep{g.lengths_m()[a], v, u, EdgeId::invalid(), EdgeId(a)};
        }
        reps[fill[segs[a]]++] = r;
      }
    for (std::size_t s = 0; s < ns; ++s)
      std::sort(reps.begin() + first_rep[s], reps.begin() + first_rep[s + 1],
                [](const Rep& x, const Rep& y) { return x.length < y.length; });
  }

  // 3. Walk every part from cut to cut and match each run of vertices to the
  // piece of its segment with the same length (the builder stored exactly
  // float(cum[k1] - cum[k0])); among equal lengths the one whose nodes lie
  // nearest the run's ends. Runs without a piece were collapsed by snapping.
  arc_piece_.assign(g.arc_count(), kNoPiece);
  for (std::size_t p = 0; p < t.part_count(); ++p) {
    const std::uint32_t s = t.part_segment[p];
    std::uint32_t k0 = t.first_vertex[p];
    for (std::uint32_t k = k0 + 1; k < t.first_vertex[p + 1]; ++k) {
      if (!cut[k]) continue;
      const auto len = static_cast<float>(t.cum_length_m[k] - t.cum_length_m[k0]);
      auto lo = std::lower_bound(reps.begin() + first_rep[s], reps.begin() + first_rep[s + 1], len,
                                 [](const Rep& r, float l) { return r.length < l; });
      Rep* best = nullptr;
      double best_d = std::numeric_limits<double>::infinity();
      for (auto it = lo; it != reps.begin() + first_rep[s + 1] && it->length == len; ++it) {
        if (it->used) continue;
        const double d = hyp(g.xy(VertexId(it->from)), t.xy[k0]) + hyp(g.xy(VertexId(it->to)), t.xy[k]);
        if (d < best_d) {
          best_d = d;
          best = &*it;
        }
      }
      if (best) {
        best->used = true;
        const auto id = static_cast<std::uint32_t>(pieces_.size());
        pieces_.push_back({s, k0, k, VertexId(best->from), VertexId(best->to), best->fwd, best->bwd,
                           static_cast<double>(best->length)});
        if (best->fwd.valid()) arc_piece_[best->fwd.value()] = id;
        if (best->bwd.valid()) arc_piece_[best->bwd.value()] = id;
      }
      k0 = k;
    }
  }

  // 4. Index the straight sub-segments of every piece by their boxes.
  std::vector<geo::Box> boxes;
  double total = 0.0;
  for (std::uint32_t i = 0; i < pieces_.size(); ++i) {
    const EdgePiece& pc = pieces_[i];
    for (std::uint32_t k = pc.first_vertex; k < pc.last_vertex; ++k) {
      const XY a = t.xy[k], b = t.xy[k + 1];
      boxes.push_back({std::min(a.x, b.x), std::min(a.y, b.y), std::max(a.x, b.x), std::max(a.y, b.y)});
      sub_vertex_.push_back(k);
      sub_piece_.push_back(i);
      const double l = hyp(a, b);
      total += l;
      max_sub_length_ = std::max(max_sub_length_, l);
    }
  }
  // Cells about twice the mean sub-segment: a query box meets a few cells and
  // a sub-segment a few cells.
  const double mean = boxes.empty() ? 100.0 : total / static_cast<double>(boxes.size());
  index_ = geo::GridIndex::of_boxes(boxes, std::clamp(2.0 * mean, 25.0, 2000.0));
}

std::optional<std::uint32_t> EdgeSnapper::piece_of_arc(EdgeId a) const {
  if (!a.valid() || a.value() >= arc_piece_.size() || arc_piece_[a.value()] == kNoPiece) return std::nullopt;
  return arc_piece_[a.value()];
}

std::optional<SnapPoint> EdgeSnapper::snap(LonLat p, double max_distance_m) const {
  if (!std::isfinite(p.lon) || !std::isfinite(p.lat) || sub_vertex_.empty() || !(max_distance_m >= 0.0))
    return std::nullopt;
  const SegmentTable& t = *table_;
  const XY q = projector_->to_local(p);
  if (!std::isfinite(q.x) || !std::isfinite(q.y)) return std::nullopt;
  // Planar search radius: the geodesic bound widened by the zone's largest
  // scale error, so that no candidate within the bound is missed.
  const double limit = max_distance_m * (1.0 + 2e-4) + 1.0;
  double best_d = std::numeric_limits<double>::infinity();
  std::uint32_t best_sub = 0;
  double best_t = 0.0;
  for (double r = std::min(index_.cell_size(), limit);; r = std::min(2.0 * r, limit)) {
    index_.for_each_in_box({q.x - r, q.y - r, q.x + r, q.y + r}, [&](std::uint32_t i) {
      const XY a = t.xy[sub_vertex_[i]], b = t.xy[sub_vertex_[i] + 1];
      const double dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy;
      double f = l2 > 0.0 ? ((q.x - a.x) * dx + (q.y - a.y) * dy) / l2 : 0.0;
      f = std::clamp(f, 0.0, 1.0);
      const double ux = a.x + f * dx - q.x, uy = a.y + f * dy - q.y;
      const double d = std::sqrt(ux * ux + uy * uy);
      // Ties go to the lower sub-segment so that results do not depend on cell order.
      if (d < best_d || (d == best_d && i < best_sub)) {
        best_d = d;
        best_sub = i;
        best_t = f;
      }
    });
    if (best_d <= r || r >= limit) break;
  }
  if (!(best_d <= limit)) return std::nullopt;
  const std::uint32_t k = sub_vertex_[best_sub];
  const EdgePiece& pc = pieces_[sub_piece_[best_sub]];
  LonLat at;
  if (best_t <= 0.0) at = t.lonlat[k];
  else if (best_t >= 1.0) at = t.lonlat[k + 1];
  else {
    const XY a = t.xy[k], b = t.xy[k + 1];
    at = projector_->to_geographic({a.x + best_t * (b.x - a.x), a.y + best_t * (b.y - a.y)});
  }
  SnapPoint sp;
  sp.piece = sub_piece_[best_sub];
  sp.location = at;
  sp.distance_m = geo::geodesic_distance(p, at).value();
  if (sp.distance_m > max_distance_m) return std::nullopt;
  const double along = t.cum_length_m[k] - t.cum_length_m[pc.first_vertex] + geo::geodesic_distance(t.lonlat[k], at).value();
  sp.along_m = std::clamp(along, 0.0, pc.length_m);
  return sp;
}

namespace {

// The part of a piece between two distances along it, in the coordinates of
// `coords` (lon/lat or projected). Interpolation is linear within one
// sub-segment: sub-segments are short enough that the difference from the
// geodesic is far below a metre.
template <class P, class Lerp>
std::vector<P> cut_piece(const SegmentTable& t, const EdgePiece& pc, double from_m, double to_m,
                         const std::vector<P>& coords, Lerp lerp) {
  if (from_m > to_m) std::swap(from_m, to_m);
  const double base = t.cum_length_m[pc.first_vertex];
  from_m = std::clamp(from_m, 0.0, pc.length_m);
  to_m = std::clamp(to_m, 0.0, pc.length_m);
  auto at = [&](double d) {
    std::uint32_t k = pc.first_vertex;
    while (k + 1 < pc.last_vertex && t.cum_length_m[k + 1] - base < d) ++k;
    const double a = t.cum_length_m[k] - base, b = t.cum_length_m[k + 1] - base;
    const double f = b > a ? std::clamp((d - a) / (b - a), 0.0, 1.0) : 0.0;
    return lerp(coords[k], coords[k + 1], f);
  };
  std::vector<P> line{at(from_m)};
  for (std::uint32_t k = pc.first_vertex + 1; k < pc.last_vertex; ++k) {
    const double d = t.cum_length_m[k] - base;
    if (d > from_m && d < to_m) line.push_back(coords[k]);
  }
  line.push_back(at(to_m));
  return line;
}

}  // namespace

std::vector<LonLat> EdgeSnapper::piece_line(std::uint32_t piece, double from_m, double to_m) const {
  return cut_piece(*table_, pieces_.at(piece), from_m, to_m, table_->lonlat, [](LonLat p, LonLat q, double f) {
    return LonLat{p.lon + f * (q.lon - p.lon), p.lat + f * (q.lat - p.lat)};
  });
}

std::vector<XY> EdgeSnapper::piece_line_xy(std::uint32_t piece, double from_m, double to_m) const {
  return cut_piece(*table_, pieces_.at(piece), from_m, to_m, table_->xy, [](XY p, XY q, double f) {
    return XY{p.x + f * (q.x - p.x), p.y + f * (q.y - p.y)};
  });
}

std::vector<Source> point_sources(const EdgeSnapper& s, const RoadGraph& g, const SnapPoint& p, Metric metric,
                                  double access_kmh) {
  const EdgePiece& pc = s.piece(p.piece);
  const double access = metric == Metric::time_s ? access_seconds(p.distance_m, access_kmh) : p.distance_m;
  const double f = pc.length_m > 0.0 ? std::clamp(p.along_m / pc.length_m, 0.0, 1.0) : 0.0;
  std::vector<Source> out;
  if (pc.forward_arc.valid()) out.push_back({pc.to, access + (1.0 - f) * weight(g, pc.forward_arc, metric)});
  if (pc.backward_arc.valid()) out.push_back({pc.from, access + f * weight(g, pc.backward_arc, metric)});
  return out;
}

Arrival arrival_cost(const EdgeSnapper& s, const RoadGraph& g, const PathLabels& labels, const SnapPoint& p,
                     double access_kmh) {
  const EdgePiece& pc = s.piece(p.piece);
  const Metric metric = labels.metric;
  const double access = metric == Metric::time_s ? access_seconds(p.distance_m, access_kmh) : p.distance_m;
  const double f = pc.length_m > 0.0 ? std::clamp(p.along_m / pc.length_m, 0.0, 1.0) : 0.0;
  Arrival a;
  if (pc.forward_arc.valid() && labels.reached(pc.from)) {
    const double c = labels.cost[pc.from.value()] + f * weight(g, pc.forward_arc, metric) + access;
    if (c < a.cost) a = {c, pc.from};
  }
  if (pc.backward_arc.valid() && labels.reached(pc.to)) {
    const double c = labels.cost[pc.to.value()] + (1.0 - f) * weight(g, pc.backward_arc, metric) + access;
    if (c < a.cost) a = {c, pc.to};
  }
  return a;
}

double along_piece_cost(const EdgeSnapper& s, const RoadGraph& g, std::uint32_t piece, double from_along_m,
                        double to_along_m, Metric metric) {
  const EdgePiece& pc = s.piece(piece);
  if (!(pc.length_m > 0.0)) return 0.0;
  const double f = (to_along_m - from_along_m) / pc.length_m;
  if (f >= 0.0) return pc.forward_arc.valid() ? f * weight(g, pc.forward_arc, metric) : std::numeric_limits<double>::infinity();
  return pc.backward_arc.valid() ? -f * weight(g, pc.backward_arc, metric) : std::numeric_limits<double>::infinity();
}

}  // namespace ruralnet::network
