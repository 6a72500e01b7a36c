#include "ruralnet/network/snap.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <string>

#include "crossings.hpp"
#include "parallel.hpp"
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

// The interior vertices (neither end of their part) at which the builder cut
// a part, in vertex order: those sharing their quantised position with
// another vertex. Only segments with more pieces than parts, or with a
// collapsed piece, can have one; their interior vertices are the candidates,
// and one pass over all vertices counts how many lie at each candidate's
// position.
std::vector<std::uint32_t> interior_cut_vertices(const SegmentTable& t, const std::vector<std::uint32_t>& first_rep,
                                                 const std::vector<CollapsedPiece>& collapsed) {
  const std::size_t ns = t.segment_count();
  std::vector<std::uint8_t> plain(ns, 1);
  for (const CollapsedPiece& c : collapsed)
    if (c.segment < ns) plain[c.segment] = 0;
  std::vector<std::uint32_t> candidates;
  for (std::size_t s = 0; s < ns; ++s) {
    if (plain[s] && first_rep[s + 1] - first_rep[s] == t.first_part[s + 1] - t.first_part[s]) continue;
    for (std::uint32_t p = t.first_part[s]; p < t.first_part[s + 1]; ++p)
      for (std::uint32_t k = t.first_vertex[p] + 1; k + 1 < t.first_vertex[p + 1]; ++k) candidates.push_back(k);
  }
  if (candidates.empty()) return candidates;
  const CoordinateKeys keys(t.xy);
  const std::size_t nv = t.vertex_count();
  std::vector<std::uint32_t> cuts;
  if (candidates.size() > nv / 8) {
    // Junctions everywhere: sort every vertex by position, as the builder does.
    std::vector<geo::KeyedIndex> keyed(nv);
    const std::size_t kw = detail::workers_for(nv, std::size_t{1} << 16);
    detail::for_shares(nv, kw, [&](std::size_t b, std::size_t e, std::size_t) {
      for (std::size_t k = b; k < e; ++k) keyed[k] = {keys.key(t.xy[k]), static_cast<std::uint32_t>(k)};
    });
    geo::radix_sort(keyed, kw);
    std::vector<std::uint8_t> shared(nv, 0);
    for (std::size_t i = 0; i < nv;) {
      std::size_t j = i + 1;
      while (j < nv && keyed[j].key == keyed[i].key) ++j;
      if (j - i > 1)
        for (std::size_t m = i; m < j; ++m) shared[keyed[m].index] = 1;
      i = j;
    }
    for (const std::uint32_t k : candidates)
      if (shared[k]) cuts.push_back(k);
    return cuts;
  }
  // Open addressing on the candidates' keys (no key is all ones: both axes
  // span less than 2^32 quanta), counting every vertex at each.
  constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
  int bits = 4;
  while ((std::size_t{1} << bits) < 2 * candidates.size()) ++bits;
  const std::size_t mask = (std::size_t{1} << bits) - 1;
  std::vector<std::uint64_t> slot_key(mask + 1, kEmpty);
  std::vector<std::uint32_t> slot_count(mask + 1, 0);
  const auto slot_of = [&](std::uint64_t key) {
    std::size_t h = static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> (64 - bits));
    while (slot_key[h] != kEmpty && slot_key[h] != key) h = (h + 1) & mask;
    return h;
  };
  for (const std::uint32_t k : candidates) {
    const std::uint64_t key = keys.key(t.xy[k]);
    slot_key[slot_of(key)] = key;
  }
  // Every vertex looked up, a share on each worker; a count only needs to
  // reach 2, so the workers' increments may land in any order.
  detail::for_shares(nv, detail::workers_for(nv, std::size_t{1} << 16), [&](std::size_t b, std::size_t e, std::size_t) {
    for (std::size_t k = b; k < e; ++k) {
      const std::size_t h = slot_of(keys.key(t.xy[k]));
      if (slot_key[h] == kEmpty) continue;
      std::atomic_ref<std::uint32_t> c(slot_count[h]);
      if (c.load(std::memory_order_relaxed) < 2) c.fetch_add(1, std::memory_order_relaxed);
    }
  });
  for (const std::uint32_t k : candidates)
    if (slot_count[slot_of(keys.key(t.xy[k]))] >= 2) cuts.push_back(k);
  return cuts;
}

double weight(const RoadGraph& g, EdgeId a, Metric m) {
  return m == Metric::time_s ? g.time_s(a) : g.length(a).value();
}

}  // namespace

// A PROJ transformation must not be used by two threads at once: each
// snap() takes a projector of its own from here (made on first need) and
// puts it back.
struct EdgeSnapper::ProjectorPool {
  explicit ProjectorPool(geo::LocalCrs c) : crs(std::move(c)) {}
  geo::LocalCrs crs;
  std::mutex mutex;
  std::vector<std::unique_ptr<geo::Projector>> idle;

  struct Lease {
    ProjectorPool* pool;
    std::unique_ptr<geo::Projector> p;
    ~Lease() {
      const std::lock_guard<std::mutex> lock(pool->mutex);
      pool->idle.push_back(std::move(p));
    }
  };
  Lease take() {
    std::unique_ptr<geo::Projector> p;
    {
      const std::lock_guard<std::mutex> lock(mutex);
      if (!idle.empty()) {
        p = std::move(idle.back());
        idle.pop_back();
      }
    }
    if (!p) p = std::make_unique<geo::Projector>(crs);
    return Lease{this, std::move(p)};
  }
};

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
  pool_ = std::make_unique<ProjectorPool>(t.crs);
  const std::size_t ns = t.segment_count();

  // 1. The graph's pieces grouped by segment, each once in digitised direction.
  std::vector<std::uint32_t> first_rep(ns + 1, 0);
  const auto fo = g.first_out();
  const auto flags = g.arc_flags();
  const auto heads = g.heads();
  const auto segs = g.segments();
  const auto lens = g.lengths_m();
  auto is_rep = [&](std::uint32_t a) { return !((flags[a] & kArcTwoWay) && (flags[a] & kArcReversed)); };
  // Shared by at most two workers: the first takes the first half of the
  // nodes and fills each segment's slots from the front, the second the
  // other half, walked backwards, from the back, so that each segment lists
  // its pieces in arc order as one pass would.
  const std::size_t rw = std::min<std::size_t>(detail::workers_for(g.arc_count(), std::size_t{1} << 16), 2);
  detail::for_shares(g.arc_count(), rw, [&](std::size_t b, std::size_t e, std::size_t) {
    for (std::size_t a = b; a < e; ++a)
      if (is_rep(static_cast<std::uint32_t>(a)) && segs[a] < ns) {
        if (rw > 1) std::atomic_ref<std::uint32_t>(first_rep[segs[a] + 1]).fetch_add(1, std::memory_order_relaxed);
        else ++first_rep[segs[a] + 1];
      }
  });
  for (std::size_t s = 0; s < ns; ++s) first_rep[s + 1] += first_rep[s];
  std::vector<Rep> reps(first_rep[ns]);
  {
    const auto rep_of = [&](std::uint32_t u, std::uint32_t a) {
      const std::uint32_t v = heads[a];
      Rep r{lens[a], u, v, EdgeId(a), EdgeId::invalid()};
      if (flags[a] & kArcTwoWay) {
        for (std::uint32_t b = fo[v]; b < fo[v + 1]; ++b)
          if (heads[b] == u && segs[b] == segs[a] && (flags[b] & kArcReversed) && (flags[b] & kArcTwoWay) &&
              lens[b] == r.length) {
            r.bwd = EdgeId(b);
            break;
          }
      } else if (flags[a] & kArcReversed) {
        r = Rep{lens[a], v, u, EdgeId::invalid(), EdgeId(a)};
      }
      return r;
    };
    const auto nn = static_cast<std::uint32_t>(g.node_count());
    const auto mid = static_cast<std::uint32_t>(detail::share_begin(nn, rw, 1));
    detail::run_workers(rw, [&](std::size_t w) {
      if (w == 0) {
        std::vector<std::uint32_t> front(first_rep.begin(), first_rep.end() - 1);
        for (std::uint32_t u = 0; u < mid; ++u)
          for (std::uint32_t a = fo[u]; a < fo[u + 1]; ++a)
            if (is_rep(a) && segs[a] < ns) reps[front[segs[a]]++] = rep_of(u, a);
      } else {
        std::vector<std::uint32_t> back(first_rep.begin() + 1, first_rep.end());
        for (std::uint32_t u = nn; u-- > mid;)
          for (std::uint32_t a = fo[u + 1]; a-- > fo[u];)
            if (is_rep(a) && segs[a] < ns) reps[--back[segs[a]]] = rep_of(u, a);
      }
    });
    detail::for_shares(ns, rw, [&](std::size_t b, std::size_t e, std::size_t) {
      for (std::size_t s = b; s < e; ++s)
        if (first_rep[s + 1] - first_rep[s] > 1)
          std::sort(reps.begin() + first_rep[s], reps.begin() + first_rep[s + 1],
                    [](const Rep& x, const Rep& y) { return x.length < y.length; });
    });
  }

  // 2. Where the builder cut parts into pieces: at part ends and at every
  // vertex sharing its quantised position with another vertex (build.cpp,
  // steps 1-2). Snapping of ends merges nodes but never adds a cut. A segment
  // with as many pieces as parts and none collapsed has no cut inside a part;
  // only the interior vertices of the other segments (road junctions away
  // from road ends: few) need their positions matched against every vertex.
  const std::vector<std::uint32_t> interior_cuts = interior_cut_vertices(t, first_rep, built.collapsed);

  // 3. Walk every part from cut to cut and match each run of vertices to the
  // piece of its segment with the same length (the builder stored exactly
  // float(cum[k1] - cum[k0])); among equal lengths the one whose nodes lie
  // nearest the run's ends. Runs without a piece were collapsed by snapping.
  // Segments are independent (each matches only its own pieces): each worker
  // takes a run of segments and writes its pieces from the first slot of
  // those segments' reps (a segment has at most as many pieces as reps);
  // the runs are then closed up in order.
  arc_piece_.assign(g.arc_count(), kNoPiece);
  const std::size_t kw = detail::workers_for(t.vertex_count(), std::size_t{1} << 16);
  pieces_.resize(reps.size());
  std::vector<std::size_t> found(kw, 0);
  detail::run_workers(kw, [&](std::size_t w) {
    const std::size_t p_begin = t.first_part[detail::share_begin(ns, kw, w)];
    const std::size_t p_end = t.first_part[detail::share_begin(ns, kw, w + 1)];
    const std::size_t out_begin = first_rep[detail::share_begin(ns, kw, w)];
    std::size_t out = out_begin;
    std::size_t next_cut = 0;  // into interior_cuts, which is in vertex order
    if (p_begin < p_end)
      next_cut = static_cast<std::size_t>(
          std::lower_bound(interior_cuts.begin(), interior_cuts.end(), t.first_vertex[p_begin]) - interior_cuts.begin());
    for (std::size_t p = p_begin; p < p_end; ++p) {
      const std::uint32_t s = t.part_segment[p];
      std::uint32_t k0 = t.first_vertex[p];
      const std::uint32_t last = t.first_vertex[p + 1] - 1;
      while (next_cut < interior_cuts.size() && interior_cuts[next_cut] <= k0) ++next_cut;
      while (k0 < last) {
        std::uint32_t k = last;
        if (next_cut < interior_cuts.size() && interior_cuts[next_cut] < last) k = interior_cuts[next_cut++];
        const auto len = static_cast<float>(t.cum_length_m[k] - t.cum_length_m[k0]);
        const auto end = reps.begin() + first_rep[s + 1];
        auto lo =
            std::lower_bound(reps.begin() + first_rep[s], end, len, [](const Rep& r, float l) { return r.length < l; });
        Rep* best = nullptr;
        bool several = false;
        for (auto it = lo; it != end && it->length == len; ++it) {
          if (it->used) continue;
          if (best) {
            several = true;
            break;
          }
          best = &*it;
        }
        if (several) {  // the nearest: only then are node positions read
          best = nullptr;
          double best_d = std::numeric_limits<double>::infinity();
          for (auto it = lo; it != end && it->length == len; ++it) {
            if (it->used) continue;
            const double d = hyp(g.xy(VertexId(it->from)), t.xy[k0]) + hyp(g.xy(VertexId(it->to)), t.xy[k]);
            if (d < best_d) {
              best_d = d;
              best = &*it;
            }
          }
        }
        if (best) {
          best->used = true;
          pieces_[out++] = {s, k0, k, VertexId(best->from), VertexId(best->to), best->fwd, best->bwd,
                            static_cast<double>(best->length)};
        }
        k0 = k;
      }
    }
    found[w] = out - out_begin;
  });
  std::size_t npieces = 0;
  for (std::size_t w = 0; w < kw; ++w) {
    const auto from = pieces_.begin() + static_cast<std::ptrdiff_t>(first_rep[detail::share_begin(ns, kw, w)]);
    std::copy(from, from + static_cast<std::ptrdiff_t>(found[w]), pieces_.begin() + static_cast<std::ptrdiff_t>(npieces));
    npieces += found[w];
  }
  pieces_.resize(npieces);
  detail::for_shares(npieces, kw, [&](std::size_t b, std::size_t e, std::size_t) {
    for (std::size_t id = b; id < e; ++id) {
      const EdgePiece& pc = pieces_[id];
      if (pc.forward_arc.valid()) arc_piece_[pc.forward_arc.value()] = static_cast<std::uint32_t>(id);
      if (pc.backward_arc.valid()) arc_piece_[pc.backward_arc.value()] = static_cast<std::uint32_t>(id);
    }
  });
  std::vector<Rep>().swap(reps);

  // 4. Index the straight sub-segments of every piece on a dense grid: each
  // sub-segment listed in every cell its box meets, cell by cell in one flat
  // array (a counting sort), so that a query finds a cell by arithmetic.
  std::size_t nsub = 0;
  for (const EdgePiece& pc : pieces_) nsub += pc.last_vertex - pc.first_vertex;
  if (nsub >= std::numeric_limits<std::uint32_t>::max()) throw RunError("too many road sub-segments to index");
  sub_vertex_.reserve(nsub);
  sub_piece_.reserve(nsub);
  double total = 0.0;
  double min_x = std::numeric_limits<double>::infinity(), min_y = min_x, max_x = -min_x, max_y = -min_x;
  for (std::uint32_t i = 0; i < pieces_.size(); ++i) {
    const EdgePiece& pc = pieces_[i];
    for (std::uint32_t k = pc.first_vertex; k < pc.last_vertex; ++k) {
      const XY a = t.xy[k];
      min_x = std::min(min_x, a.x);
      max_x = std::max(max_x, a.x);
      min_y = std::min(min_y, a.y);
      max_y = std::max(max_y, a.y);
      sub_vertex_.push_back(k);
      sub_piece_.push_back(i);
      const double l = hyp(a, t.xy[k + 1]);
      total += l;
      max_sub_length_ = std::max(max_sub_length_, l);
    }
    if (pc.last_vertex > pc.first_vertex) {
      const XY b = t.xy[pc.last_vertex];
      min_x = std::min(min_x, b.x);
      max_x = std::max(max_x, b.x);
      min_y = std::min(min_y, b.y);
      max_y = std::max(max_y, b.y);
    }
  }
  // Cells about twice the mean sub-segment: a query box meets a few cells and
  // a sub-segment a few cells. Larger where the roads are so sparse over
  // their extent that the grid would hold far more cells than sub-segments.
  const double mean = nsub == 0 ? 100.0 : total / static_cast<double>(nsub);
  grid_.build(t.xy, sub_vertex_, min_x, min_y, max_x, max_y, std::clamp(2.0 * mean, 25.0, 2000.0));
}

void EdgeSnapper::Grid::build(const std::vector<XY>& xy, const std::vector<std::uint32_t>& sub_vertex, double min_x,
                              double min_y, double max_x, double max_y, double cell_m) {
  first.clear();
  items.clear();
  const std::size_t nsub = sub_vertex.size();
  if (nsub == 0) return;
  x0 = min_x;
  y0 = min_y;
  cell = cell_m;
  const double cap = 2.0 * static_cast<double>(nsub) + static_cast<double>(1 << 20);
  for (;;) {
    const double c = std::floor((max_x - min_x) / cell) + 1.0, r = std::floor((max_y - min_y) / cell) + 1.0;
    if (c * r <= cap) {
      cols = static_cast<std::int64_t>(c);
      rows = static_cast<std::int64_t>(r);
      break;
    }
    cell *= 2.0;
  }
  const auto cell_range = [&](std::uint32_t i, std::int64_t& c0, std::int64_t& c1, std::int64_t& r0, std::int64_t& r1) {
    const XY a = xy[sub_vertex[i]], b = xy[sub_vertex[i] + 1];
    c0 = column(std::min(a.x, b.x));
    c1 = column(std::max(a.x, b.x));
    r0 = row(std::min(a.y, b.y));
    r1 = row(std::max(a.y, b.y));
  };
  // Counting sort of the sub-segments into cells. Worker w owns the cells of
  // columns [col_cut[w], col_cut[w + 1]) (cut where about equal numbers of
  // sub-segments start); a first pass, a share of the sub-segments on each
  // worker, marks which workers' columns each one meets. Each worker then
  // counts and fills its own cells, going through the sub-segments in index
  // order, so a cell lists its sub-segments in index order whatever the
  // number of workers.
  const std::size_t kw = std::min<std::size_t>(detail::workers_for(nsub, std::size_t{1} << 16), 8);
  std::vector<std::int64_t> col_cut(kw + 1, cols);
  col_cut[0] = 0;
  std::vector<std::uint8_t> owners(kw > 1 ? nsub : 0);  // bit w: meets worker w's columns
  if (kw > 1) {
    std::vector<std::int64_t> sample;
    for (std::uint32_t i = 0; i < nsub; i += 64) {
      std::int64_t c0, c1, r0, r1;
      cell_range(i, c0, c1, r0, r1);
      sample.push_back(c0);
    }
    std::sort(sample.begin(), sample.end());
    for (std::size_t w = 1; w < kw; ++w) col_cut[w] = std::max(col_cut[w - 1], sample[sample.size() * w / kw]);
    detail::for_shares(nsub, kw, [&](std::size_t b, std::size_t e, std::size_t) {
      for (std::size_t i = b; i < e; ++i) {
        std::int64_t c0, c1, r0, r1;
        cell_range(static_cast<std::uint32_t>(i), c0, c1, r0, r1);
        std::uint8_t mask = 0;
        for (std::size_t v = 0; v < kw; ++v)
          if (c0 < col_cut[v + 1] && c1 >= col_cut[v]) mask = static_cast<std::uint8_t>(mask | (1u << v));
        owners[i] = mask;
      }
    });
  }
  // first[k] counts cell k, then (inclusive prefix) ends it; the fill walks
  // the sub-segments backwards and leaves it at the cell's start.
  const std::size_t ncells = static_cast<std::size_t>(cols * rows);
  first.assign(ncells + 1, 0);
  std::vector<std::uint64_t> owned(kw + 1, 0);  // items in each worker's cells, then in those before them
  const auto each_owned = [&](std::size_t w, std::uint32_t i, const auto& fn) {
    if (kw > 1 && !(owners[i] >> w & 1u)) return;
    std::int64_t c0, c1, r0, r1;
    cell_range(i, c0, c1, r0, r1);
    for (std::int64_t c = std::max(c0, col_cut[w]); c <= std::min(c1, col_cut[w + 1] - 1); ++c)
      for (std::int64_t r = r0; r <= r1; ++r) fn(static_cast<std::size_t>(c * rows + r));
  };
  detail::run_workers(kw, [&](std::size_t w) {
    std::uint64_t n = 0;
    for (std::uint32_t i = 0; i < nsub; ++i)
      each_owned(w, i, [&](std::size_t k) {
        ++first[k];
        ++n;
      });
    owned[w + 1] = n;
  });
  for (std::size_t w = 0; w < kw; ++w) owned[w + 1] += owned[w];
  const std::uint64_t total = owned[kw];
  if (total >= std::numeric_limits<std::uint32_t>::max())
    throw RunError("road sub-segments cover too many cells of the snapping grid");
  items.resize(total);
  detail::run_workers(kw, [&](std::size_t w) {
    auto end = static_cast<std::uint32_t>(owned[w]);
    const auto k0 = static_cast<std::size_t>(col_cut[w] * rows), k1 = static_cast<std::size_t>(col_cut[w + 1] * rows);
    for (std::size_t k = k0; k < k1; ++k) first[k] = end += first[k];
    for (std::uint32_t i = static_cast<std::uint32_t>(nsub); i-- > 0;)
      each_owned(w, i, [&](std::size_t k) { items[--first[k]] = i; });
  });
  first[ncells] = static_cast<std::uint32_t>(total);
}

std::optional<std::uint32_t> EdgeSnapper::piece_of_arc(EdgeId a) const {
  if (!a.valid() || a.value() >= arc_piece_.size() || arc_piece_[a.value()] == kNoPiece) return std::nullopt;
  return arc_piece_[a.value()];
}

std::optional<SnapPoint> EdgeSnapper::snap(LonLat p, double max_distance_m) const {
  if (!std::isfinite(p.lon) || !std::isfinite(p.lat) || grid_.items.empty() || !(max_distance_m >= 0.0))
    return std::nullopt;
  const SegmentTable& t = *table_;
  const ProjectorPool::Lease proj = pool_->take();
  const XY q = proj.p->to_local(p);
  if (!std::isfinite(q.x) || !std::isfinite(q.y)) return std::nullopt;
  // Planar search radius: the geodesic bound widened by the zone's largest
  // scale error, so that no candidate within the bound is missed.
  const double limit = max_distance_m * (1.0 + 2e-4) + 1.0;
  double best_d = std::numeric_limits<double>::infinity();
  std::uint32_t best_sub = 0;
  double best_t = 0.0;
  for (double r = std::min(grid_.cell, limit);; r = std::min(2.0 * r, limit)) {
    grid_.for_each_in_box(q.x - r, q.y - r, q.x + r, q.y + r, [&](std::uint32_t i) {
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
    at = proj.p->to_geographic({a.x + best_t * (b.x - a.x), a.y + best_t * (b.y - a.y)});
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
void cut_piece(const SegmentTable& t, const EdgePiece& pc, double from_m, double to_m, const std::vector<P>& coords,
               Lerp lerp, std::vector<P>& line) {
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
  line.clear();
  line.push_back(at(from_m));
  for (std::uint32_t k = pc.first_vertex + 1; k < pc.last_vertex; ++k) {
    const double d = t.cum_length_m[k] - base;
    if (d > from_m && d < to_m) line.push_back(coords[k]);
  }
  line.push_back(at(to_m));
}

LonLat lerp_lonlat(LonLat p, LonLat q, double f) { return LonLat{p.lon + f * (q.lon - p.lon), p.lat + f * (q.lat - p.lat)}; }

}  // namespace

std::vector<LonLat> EdgeSnapper::piece_line(std::uint32_t piece, double from_m, double to_m) const {
  std::vector<LonLat> line;
  cut_piece(*table_, pieces_.at(piece), from_m, to_m, table_->lonlat, lerp_lonlat, line);
  return line;
}

void EdgeSnapper::piece_line_into(std::uint32_t piece, double from_m, double to_m, std::vector<LonLat>& out) const {
  cut_piece(*table_, pieces_.at(piece), from_m, to_m, table_->lonlat, lerp_lonlat, out);
}

std::vector<XY> EdgeSnapper::piece_line_xy(std::uint32_t piece, double from_m, double to_m) const {
  std::vector<XY> line;
  piece_line_xy_into(piece, from_m, to_m, line);
  return line;
}

void EdgeSnapper::piece_line_xy_into(std::uint32_t piece, double from_m, double to_m, std::vector<XY>& out) const {
  cut_piece(*table_, pieces_.at(piece), from_m, to_m, table_->xy,
            [](XY p, XY q, double f) { return XY{p.x + f * (q.x - p.x), p.y + f * (q.y - p.y)}; }, out);
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
