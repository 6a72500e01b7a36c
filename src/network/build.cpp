#include "ruralnet/network/build.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "crossings.hpp"
#include "parallel.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/geo/grid_index.hpp"

namespace ruralnet::network {

namespace detail {
namespace {
std::atomic<std::size_t> g_worker_limit{0};
}  // namespace

void set_worker_limit(std::size_t threads) { g_worker_limit.store(threads); }

std::size_t workers_for(std::size_t n, std::size_t min_each) {
  const std::size_t cores = std::max<std::size_t>(1, std::thread::hardware_concurrency());
  const std::size_t limit = g_worker_limit.load();
  const std::size_t k = limit > 0 ? std::min(limit, cores) : cores;
  return std::clamp<std::size_t>(n / std::max<std::size_t>(min_each, 1), 1, k);
}
}  // namespace detail

double BuildResult::main_component_share() const { return components.main_node_share(); }

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr double kNodeBlockM = 4096.0;  // side of the blocks nodes are numbered by
// Below twice this many vertices the graph is built on the calling thread
// alone: thread start-up would cost more than it saves.
constexpr std::size_t kMinVerticesEach = std::size_t{1} << 16;

// Position of block (x, y) along a Hilbert curve over a 2^16 x 2^16 grid of
// blocks (the classic rotate-and-flip walk down the quadrants).
std::uint64_t hilbert_index(std::uint32_t x, std::uint32_t y) {
  constexpr std::uint32_t n = 1u << 16;
  std::uint64_t d = 0;
  // Levels above the highest set bit of x and y add nothing and swap x and
  // y: skipped, with one swap if their number is odd.
  const int top = static_cast<int>(std::bit_width(x | y));
  if ((16 - top) % 2 == 1) std::swap(x, y);
  for (std::uint32_t s = top == 0 ? 0 : 1u << (top - 1); s > 0; s /= 2) {
    const std::uint32_t rx = (x & s) ? 1u : 0u, ry = (y & s) ? 1u : 0u;
    d += static_cast<std::uint64_t>(s) * s * ((3u * rx) ^ ry);
    if (ry == 0) {
      if (rx == 1) {
        x = n - 1 - x;
        y = n - 1 - y;
      }
      std::swap(x, y);
    }
  }
  return d;
}

// The Hilbert block (x << 16 | y) of the vertex at a point, for node
// numbering: read from the point's key (its position to within half a
// quantum), and from the vertex's coordinates only within two quanta of a
// block edge, where rounding could tell the blocks apart.
std::uint32_t block_of_point(const CoordinateKeys& keys, std::uint64_t key, const SegmentTable& t, std::uint32_t vertex) {
  constexpr auto per_block = static_cast<std::uint64_t>(kNodeBlockM / kCoordinateQuantumM + 0.5);
  const std::uint64_t q[2] = {key / keys.rows(), key % keys.rows()};
  std::uint32_t b[2];
  for (int axis = 0; axis < 2; ++axis) {
    const std::uint64_t r = q[axis] % per_block;
    if (r < 3 || r + 3 > per_block) {
      const XY p = t.xy[vertex], o = keys.origin();
      const double d = axis == 0 ? p.x - o.x : p.y - o.y;
      b[axis] = static_cast<std::uint32_t>(std::clamp(std::floor(d / kNodeBlockM), 0.0, 65535.0));
    } else {
      b[axis] = static_cast<std::uint32_t>(std::min<std::uint64_t>(q[axis] / per_block, 65535));
    }
  }
  return b[0] << 16 | b[1];
}

// Union-find over snap candidates; the smaller index becomes the root so that
// a snapped node takes the position of its first point in key order.
struct DisjointSets {
  std::vector<std::uint32_t> parent;
  explicit DisjointSets(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
  std::uint32_t find(std::uint32_t x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }
  void unite(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (a < b) parent[b] = a;
    else parent[a] = b;
  }
};

std::uint32_t segment_of_vertex(const SegmentTable& t, std::uint32_t v) {
  const auto it = std::upper_bound(t.first_vertex.begin(), t.first_vertex.end(), v);
  return t.part_segment[static_cast<std::size_t>(it - t.first_vertex.begin() - 1)];
}

struct PieceEdge {
  std::uint32_t from;
  std::uint32_t to;
  std::uint32_t segment;
  float length_m;
};

}  // namespace

CoordinateKeys::CoordinateKeys(std::span<const XY> xy) {
  // The extent, a share of the vertices on each worker (min and max do not
  // depend on the order).
  const std::size_t kw = detail::workers_for(xy.size(), std::size_t{1} << 18);
  std::vector<std::array<double, 4>> box(kw);
  std::vector<std::uint8_t> bad(kw, 0);
  detail::for_shares(xy.size(), kw, [&](std::size_t b, std::size_t e, std::size_t w) {
    double lx = std::numeric_limits<double>::infinity(), ly = lx, hx = -lx, hy = -lx;
    for (std::size_t i = b; i < e; ++i) {
      const XY p = xy[i];
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
        bad[w] = 1;
        return;
      }
      lx = std::min(lx, p.x);
      hx = std::max(hx, p.x);
      ly = std::min(ly, p.y);
      hy = std::max(hy, p.y);
    }
    box[w] = {lx, ly, hx, hy};
  });
  double min_x = std::numeric_limits<double>::infinity(), min_y = min_x, max_x = -min_x, max_y = -min_x;
  for (std::size_t w = 0; w < kw; ++w) {
    if (bad[w]) throw RunError("road vertex with a non-finite projected coordinate reached the graph builder");
    min_x = std::min(min_x, box[w][0]);
    min_y = std::min(min_y, box[w][1]);
    max_x = std::max(max_x, box[w][2]);
    max_y = std::max(max_y, box[w][3]);
  }
  if (xy.empty()) min_x = max_x = min_y = max_y = 0.0;
  ox_ = std::floor(min_x) - 1.0;
  oy_ = std::floor(min_y) - 1.0;
  const double span = std::max(max_x - ox_, max_y - oy_) / kCoordinateQuantumM + 2.0;
  if (span >= 4.0e9)  // column * rows + row must fit in 64 bits
    throw RunError("the roads span " + std::to_string(std::max(max_x - min_x, max_y - min_y) / 1000.0) +
                       " km; the graph builder handles at most 4000 km",
                   "split the area into smaller datasets");
  rows_ = static_cast<std::uint64_t>((max_y - oy_) / kCoordinateQuantumM) + 2;
  centre_ = {std::round(0.5 * (min_x + max_x)), std::round(0.5 * (min_y + max_y))};
}

BuildResult build_graph(const SegmentTable& input, const BuildOptions& options) {
  const double tol = options.snap_tolerance_m;
  if (!(tol >= 0.0 && tol <= 1000.0))
    throw UsageError("snap tolerance must be between 0 and 1000 m, not " + std::to_string(tol));
  BuildResult res;
  res.degenerate_parts = input.degenerate_parts;

  SegmentTable crossed;
  const SegmentTable* tp = &input;
  if (options.node_crossings) {
    crossed = split_at_crossings(input, res.crossings);
    tp = &crossed;
  }
  const SegmentTable& t = *tp;
  const std::size_t nv = t.vertex_count();
  const std::size_t np = t.part_count();
  const std::size_t ns = t.segment_count();
  if (nv >= (std::size_t{1} << 31)) throw RunError("too many road vertices for one graph (limit 2^31)");

  // Work is shared among kw workers: parts in runs of about equal vertex
  // counts, sorted vertices in runs cut between keys, nodes in equal runs.
  // Each writes its own range or its own list, joined in worker order, so
  // the result is the same for any number of workers.
  const std::size_t kw = detail::workers_for(nv, kMinVerticesEach);
  std::vector<std::size_t> part_cut(kw + 1, np);
  part_cut[0] = 0;
  for (std::size_t w = 1; w < kw; ++w)
    part_cut[w] = static_cast<std::size_t>(
        std::lower_bound(t.first_vertex.begin(), t.first_vertex.begin() + static_cast<std::ptrdiff_t>(np),
                         detail::share_begin(nv, kw, w)) -
        t.first_vertex.begin());

  // 1. Key every vertex by its quantised position; bit 0 of the payload marks
  // part endpoints, which always become nodes.
  const CoordinateKeys keys(t.xy);
  std::vector<geo::KeyedIndex> keyed(nv);
  detail::run_workers(kw, [&](std::size_t w) {
    for (std::size_t p = part_cut[w]; p < part_cut[w + 1]; ++p) {
      const std::uint32_t b = t.first_vertex[p], e = t.first_vertex[p + 1];
      for (std::uint32_t k = b; k < e; ++k)
        keyed[k] = {keys.key(t.xy[k]), (k << 1) | ((k == b || k + 1 == e) ? 1u : 0u)};
    }
  });
  geo::radix_sort(keyed, kw);

  // 2. A run of equal keys is one point. It is a node when it holds an
  // endpoint or more than one vertex (a junction at an interior vertex).
  // Each worker takes whole runs: it counts its points first, then numbers
  // them from the count of the workers before it.
  std::vector<std::size_t> run_cut(kw + 1, nv);
  run_cut[0] = 0;
  for (std::size_t w = 1; w < kw; ++w) {
    std::size_t g = std::max(detail::share_begin(nv, kw, w), run_cut[w - 1]);
    while (g > 0 && g < nv && keyed[g].key == keyed[g - 1].key) ++g;
    run_cut[w] = g;
  }
  std::vector<std::uint32_t> point_of_vertex(nv, kNone);
  std::vector<std::uint32_t> point_vertex;  // a vertex at each point
  std::vector<std::uint32_t> point_block;   // its Hilbert block (spatial_numbering)
  std::vector<std::uint32_t> end_points;    // points holding an endpoint
  std::vector<std::size_t> first_point(kw + 1, 0), first_end(kw + 1, 0), splits(kw, 0);
  const bool numbering = options.spatial_numbering;
  auto runs = [&](std::size_t w, bool write) {
    std::size_t id = write ? first_point[w] : 0, end_id = write ? first_end[w] : 0, split = 0;
    for (std::size_t g = run_cut[w]; g < run_cut[w + 1];) {
      std::size_t h = g + 1;
      bool has_end = (keyed[g].index & 1u) != 0;
      while (h < run_cut[w + 1] && keyed[h].key == keyed[g].key) {
        has_end |= (keyed[h].index & 1u) != 0;
        ++h;
      }
      if (has_end || h - g > 1) {
        if (write) {
          point_vertex[id] = keyed[g].index >> 1;
          if (numbering) point_block[id] = block_of_point(keys, keyed[g].key, t, keyed[g].index >> 1);
          if (has_end) end_points[end_id] = static_cast<std::uint32_t>(id);
          for (std::size_t i = g; i < h; ++i) {
            point_of_vertex[keyed[i].index >> 1] = static_cast<std::uint32_t>(id);
            if (h - g > 1 && !(keyed[i].index & 1u)) ++split;
          }
        }
        ++id;
        if (has_end) ++end_id;
      }
      g = h;
    }
    if (write) splits[w] = split;
    else {
      first_point[w + 1] = id;
      first_end[w + 1] = end_id;
    }
  };
  detail::run_workers(kw, [&](std::size_t w) { runs(w, false); });
  for (std::size_t w = 0; w < kw; ++w) {
    first_point[w + 1] += first_point[w];
    first_end[w + 1] += first_end[w];
  }
  point_vertex.resize(first_point[kw]);
  if (numbering) point_block.resize(first_point[kw]);
  end_points.resize(first_end[kw]);
  detail::run_workers(kw, [&](std::size_t w) { runs(w, true); });
  for (const std::size_t n : splits) res.split_vertices += n;
  std::vector<geo::KeyedIndex>().swap(keyed);
  const std::size_t npoints = point_vertex.size();

  // 3. Snap endpoints closer than the tolerance. Candidates come from a grid
  // in projected metres, widened by the largest Gauss-Krüger scale error
  // (1.4e-4 in a 3-degree zone); the decision uses the geodesic distance.
  DisjointSets sets(npoints);
  if (tol > 0.0 && end_points.size() > 1) {
    std::vector<XY> exy(end_points.size());
    detail::for_shares(exy.size(), detail::workers_for(exy.size(), kMinVerticesEach), [&](std::size_t b, std::size_t e, std::size_t) {
      for (std::size_t i = b; i < e; ++i) exy[i] = t.xy[point_vertex[end_points[i]]];
    });
    const double reach = tol * (1.0 + 2e-4) + 2.0 * kCoordinateQuantumM;
    const geo::GridIndex grid(exy, reach);
    // Candidate pairs in the grid's order; their geodesic distances (the
    // costly part) a share on each worker; then the unions and the list, in
    // that order.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> close;
    grid.for_each_close_pair(reach, [&](std::uint32_t i, std::uint32_t j, double) { close.push_back({i, j}); });
    std::vector<double> dist(close.size());
    detail::for_shares(close.size(), detail::workers_for(close.size(), 2048), [&](std::size_t b, std::size_t e, std::size_t) {
      for (std::size_t c = b; c < e; ++c)
        dist[c] = geo::geodesic_distance(t.lonlat[point_vertex[end_points[close[c].first]]],
                                         t.lonlat[point_vertex[end_points[close[c].second]]])
                      .value();
    });
    for (std::size_t c = 0; c < close.size(); ++c) {
      const double d = dist[c];
      if (d > tol) continue;
      const auto [i, j] = close[c];
      const std::uint32_t va = point_vertex[end_points[i]], vb = point_vertex[end_points[j]];
      sets.unite(end_points[i], end_points[j]);
      res.snaps.push_back({segment_of_vertex(t, va), segment_of_vertex(t, vb), d, t.lonlat[va], t.lonlat[vb]});
    }
  }

  // 4. Number the nodes: one per set of snapped points, in key order. A set's
  // root is its first point, so roots are numbered in order (each worker from
  // the count of roots before its run of points), then every other point
  // takes its root's number.
  const std::size_t pw = detail::workers_for(npoints, kMinVerticesEach);
  const auto root_of = [&sets](std::uint32_t p) {  // no path compression: read-only, shared
    while (sets.parent[p] != p) p = sets.parent[p];
    return p;
  };
  std::vector<std::uint32_t> node_of_point(npoints);
  std::vector<std::size_t> first_node(pw + 1, 0);
  detail::for_shares(npoints, pw, [&](std::size_t b, std::size_t e, std::size_t w) {
    std::size_t roots = 0;
    for (std::size_t p = b; p < e; ++p) roots += sets.parent[p] == p ? 1 : 0;
    first_node[w + 1] = roots;
  });
  for (std::size_t w = 0; w < pw; ++w) first_node[w + 1] += first_node[w];
  std::vector<std::uint32_t> node_vertex(first_node[pw]), node_block(numbering ? first_node[pw] : 0);
  detail::for_shares(npoints, pw, [&](std::size_t b, std::size_t e, std::size_t w) {
    auto id = static_cast<std::uint32_t>(first_node[w]);
    for (std::size_t p = b; p < e; ++p)
      if (sets.parent[p] == p) {
        node_of_point[p] = id;
        if (numbering) node_block[id] = point_block[p];
        node_vertex[id++] = point_vertex[p];
      }
  });
  std::vector<std::uint32_t>().swap(point_block);
  detail::for_shares(npoints, pw, [&](std::size_t b, std::size_t e, std::size_t) {
    for (std::size_t p = b; p < e; ++p)
      if (sets.parent[p] != p) node_of_point[p] = node_of_point[root_of(static_cast<std::uint32_t>(p))];  // root < p
  });
  std::vector<std::uint32_t>().swap(point_vertex);
  const std::size_t nn = node_vertex.size();
  const std::size_t nw = detail::workers_for(nn, kMinVerticesEach);
  if (options.spatial_numbering) {
    // Renumbered along a Hilbert curve over 4 km blocks, key order kept
    // within a block: neighbours then sit close together in every per-node
    // array, which makes a search over a national graph about twice as fast
    // as with nodes in column order (each label read was a cache miss). A
    // network smaller than a block keeps its key order.
    std::vector<geo::KeyedIndex> order(nn);
    detail::for_shares(nn, nw, [&](std::size_t b, std::size_t e, std::size_t) {
      for (std::size_t v = b; v < e; ++v)
        order[v] = {hilbert_index(node_block[v] >> 16, node_block[v] & 0xFFFFu), static_cast<std::uint32_t>(v)};
    });
    std::vector<std::uint32_t>().swap(node_block);
    geo::radix_sort(order, nw);  // stable: key order within a block
    std::vector<std::uint32_t> new_id(nn), vertex(nn);
    detail::for_shares(nn, nw, [&](std::size_t b, std::size_t e, std::size_t) {
      for (std::size_t k = b; k < e; ++k) {
        new_id[order[k].index] = static_cast<std::uint32_t>(k);
        vertex[k] = node_vertex[order[k].index];
      }
    });
    detail::for_shares(npoints, pw, [&](std::size_t b, std::size_t e, std::size_t) {
      for (std::size_t p = b; p < e; ++p) node_of_point[p] = new_id[node_of_point[p]];
    });
    node_vertex.swap(vertex);
  }

  // 5. Cut every part at its nodes into road pieces, each worker its run of
  // parts into lists of its own (read below in worker order).
  std::vector<std::vector<PieceEdge>> pieces(kw);
  std::vector<std::vector<CollapsedPiece>> collapsed(kw);
  detail::run_workers(kw, [&](std::size_t w) {
    std::vector<PieceEdge>& out = pieces[w];
    out.reserve(part_cut[w + 1] - part_cut[w] + res.split_vertices / kw + 16);
    for (std::size_t p = part_cut[w]; p < part_cut[w + 1]; ++p) {
      const std::uint32_t seg = t.part_segment[p];
      std::uint32_t k0 = t.first_vertex[p];
      std::uint32_t n0 = node_of_point[point_of_vertex[k0]];
      for (std::uint32_t k = k0 + 1; k < t.first_vertex[p + 1]; ++k) {
        if (point_of_vertex[k] == kNone) continue;
        const std::uint32_t n1 = node_of_point[point_of_vertex[k]];
        const double len = t.cum_length_m[k] - t.cum_length_m[k0];
        if (n0 == n1 && len <= 2.0 * tol) {
          collapsed[w].push_back({seg, len, t.lonlat[k0]});
        } else {
          out.push_back({n0, n1, seg, static_cast<float>(len)});
        }
        k0 = k;
        n0 = n1;
      }
    }
  });
  for (auto& c : collapsed) res.collapsed.insert(res.collapsed.end(), c.begin(), c.end());
  std::vector<std::vector<CollapsedPiece>>().swap(collapsed);
  std::vector<std::uint32_t>().swap(point_of_vertex);
  std::vector<std::uint32_t>().swap(node_of_point);

  // 6. CSR by counting sort on the tail. Each worker owns a run of tails and
  // reads every piece, in order, keeping the arcs whose tail it owns: the
  // arcs of a node stay in piece order whatever the number of workers.
  RoadGraph::Arrays a;
  a.segment_count = static_cast<std::uint32_t>(ns);
  a.first_out.assign(nn + 1, 0);
  const auto for_each_piece = [&pieces](const auto& fn) {
    for (const auto& list : pieces)
      for (const PieceEdge& e : list) fn(e);
  };
  std::vector<std::size_t> arcs_of(nw, 0);
  detail::for_shares(nn, nw, [&](std::size_t b, std::size_t e, std::size_t w) {
    const auto lo = static_cast<std::uint32_t>(b), hi = static_cast<std::uint32_t>(e);
    const auto own = [lo, hi](std::uint32_t v) { return v >= lo && v < hi; };
    std::size_t m = 0;
    for_each_piece([&](const PieceEdge& p) {
      if (w == 0) res.length_by_class_m[class_index(t.road_class[p.segment])] += p.length_m;  // in piece order
      const model::Oneway ow = t.oneway[p.segment];
      if (ow != model::Oneway::backward && own(p.from)) {
        ++a.first_out[p.from + 1];
        ++m;
      }
      if (ow != model::Oneway::forward && own(p.to)) {
        ++a.first_out[p.to + 1];
        ++m;
      }
    });
    arcs_of[w] = m;
  });
  std::size_t m = 0;
  for (const std::size_t k : arcs_of) m += k;
  if (m >= kNone) throw RunError("the road graph would have more than 2^32 arcs");
  for (std::size_t v = 0; v < nn; ++v) a.first_out[v + 1] += a.first_out[v];
  a.head.resize(m);
  a.length_m.resize(m);
  a.time_s.resize(m);
  a.segment.resize(m);
  a.flags.resize(m);
  // Tails shared out by arc count for the fill and the checks below.
  std::vector<std::uint32_t> node_cut(nw + 1, static_cast<std::uint32_t>(nn));
  node_cut[0] = 0;
  for (std::size_t w = 1; w < nw; ++w)
    node_cut[w] = std::max(node_cut[w - 1],
                           static_cast<std::uint32_t>(std::lower_bound(a.first_out.begin(), a.first_out.end() - 1,
                                                                       detail::share_begin(m, nw, w)) -
                                                      a.first_out.begin()));
  std::vector<std::uint32_t> fill(a.first_out.begin(), a.first_out.end() - 1);
  std::array<float, kRoadClassCount> class_s_per_m{};
  for (std::size_t c = 0; c < kRoadClassCount; ++c)
    class_s_per_m[c] = static_cast<float>(3.6 / options.speeds.speed(static_cast<model::RoadClass>(c)).value());
  auto put = [&](std::uint32_t from, std::uint32_t to, const PieceEdge& e, float time, std::uint8_t flags) {
    const std::uint32_t i = fill[from]++;
    a.head[i] = to;
    a.length_m[i] = e.length_m;
    a.time_s[i] = time;
    a.segment[i] = e.segment;
    a.flags[i] = flags;
  };
  detail::run_workers(nw, [&](std::size_t w) {
    const std::uint32_t lo = node_cut[w], hi = node_cut[w + 1];
    const auto own = [lo, hi](std::uint32_t v) { return v >= lo && v < hi; };
    for_each_piece([&](const PieceEdge& e) {
      const model::Oneway ow = t.oneway[e.segment];
      const bool tail_from = ow != model::Oneway::backward && own(e.from);
      const bool tail_to = ow != model::Oneway::forward && own(e.to);
      if (!tail_from && !tail_to) return;
      const float speed = t.speed_kmh[e.segment];
      const float s_per_m = std::isnan(speed) ? class_s_per_m[class_index(t.road_class[e.segment])] : 3.6f / speed;
      const float time = e.length_m * s_per_m;
      switch (ow) {
        case model::Oneway::no:
          if (tail_from) put(e.from, e.to, e, time, kArcTwoWay);
          if (tail_to) put(e.to, e.from, e, time, kArcTwoWay | kArcReversed);
          break;
        case model::Oneway::forward: put(e.from, e.to, e, time, 0); break;
        case model::Oneway::backward: put(e.to, e.from, e, time, kArcReversed); break;
      }
    });
  });
  std::vector<std::vector<PieceEdge>>().swap(pieces);
  std::vector<std::uint32_t>().swap(fill);
  // Node positions relative to the middle of the extent: 32-bit millimetres
  // then reach 2147 km either way, more than the 4000 km CoordinateKeys allows.
  a.origin = keys.centre();
  a.pos.resize(nn);
  detail::for_shares(nn, nw, [&](std::size_t b, std::size_t e, std::size_t) {
    for (std::size_t v = b; v < e; ++v) {
      if (v + 16 < e) {  // vertices lie all over the table: fetch ahead
        __builtin_prefetch(&t.xy[node_vertex[v + 16]]);
        __builtin_prefetch(&t.lonlat[node_vertex[v + 16]]);
      }
      a.pos[v] = RoadGraph::encode(t.xy[node_vertex[v]], t.lonlat[node_vertex[v]], a.origin);
    }
  });

  // 7. Parallel arcs: arc i repeats the first earlier arc of its tail with the
  // same head. A node has few arcs, so they are compared pairwise; a node
  // with very many is looked up in its arcs sorted by head.
  {
    std::vector<std::vector<DuplicateArc>> found(nw);
    detail::run_workers(nw, [&](std::size_t w) {
      std::vector<std::pair<std::uint32_t, std::uint32_t>> by_head;  // (head, arc)
      for (std::uint32_t u = node_cut[w]; u < node_cut[w + 1]; ++u) {
        const std::uint32_t b = a.first_out[u], e = a.first_out[u + 1];
        const bool many = e - b > 32;
        if (many) {
          by_head.clear();
          for (std::uint32_t i = b; i < e; ++i) by_head.push_back({a.head[i], i});
          std::sort(by_head.begin(), by_head.end());
        }
        for (std::uint32_t i = b + 1; i < e; ++i) {
          const std::uint32_t v = a.head[i];
          std::uint32_t j = kNone;
          if (many) {
            const auto it = std::lower_bound(by_head.begin(), by_head.end(), std::pair<std::uint32_t, std::uint32_t>{v, 0u});
            if (it->second < i) j = it->second;
          } else {
            for (std::uint32_t k = b; k < i; ++k)
              if (a.head[k] == v) {
                j = k;
                break;
              }
          }
          if (j == kNone) continue;
          const bool twins = a.segment[i] == a.segment[j] && (a.flags[i] & a.flags[j] & kArcTwoWay) &&
                             ((a.flags[i] ^ a.flags[j]) & kArcReversed);  // both arcs of one two-way loop
          const bool mirrored = (a.flags[i] & kArcTwoWay) && (a.flags[j] & kArcTwoWay) && u > v;  // seen from v
          if (!twins && !mirrored)
            found[w].push_back({VertexId(u), VertexId(v), a.segment[j], a.segment[i], a.length_m[j], a.length_m[i]});
        }
      }
    });
    for (const auto& f : found) res.duplicate_arcs.insert(res.duplicate_arcs.end(), f.begin(), f.end());
  }

  for (std::size_t s = 0; s < ns; ++s) {
    if (!(t.length_m[s] > 0.0)) res.zero_length_segments.push_back(static_cast<std::uint32_t>(s));
    ++res.segments_by_class[class_index(t.road_class[s])];
    if (!std::isnan(t.speed_kmh[s])) ++res.segments_with_own_speed;
  }

  res.graph = RoadGraph(std::move(a));
  res.graph.validate();
  if (options.compute_components) res.components = connected_components(res.graph);
  return res;
}

}  // namespace ruralnet::network

namespace ruralnet::network {

DatasetGraph build_dataset_graph(const model::Dataset& ds, const BuildOptions& options, const ProgressSettings& progress) {
  DatasetGraph g;
  g.crs = geo::choose_local_crs(ds.extent());
  const geo::Projector projector(g.crs);
  PrepareOptions prep;
  const auto roads = ds.layers.find("roads");
  prep.source = roads != ds.layers.end() ? roads->second.source : ds.path;
  prep.progress = progress;
  g.table = ds.roads_graph_only ? prepare_segments(ds.road_columns, projector, prep)
                                : prepare_segments(ds.roads, projector, prep);
  g.built = build_graph(g.table, options);
  return g;
}

}  // namespace ruralnet::network
