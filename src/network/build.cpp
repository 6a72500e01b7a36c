#include "ruralnet/network/build.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "crossings.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/geo/grid_index.hpp"

namespace ruralnet::network {

double BuildResult::main_component_share() const { return components.main_node_share(); }

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr double kNodeBlockM = 4096.0;  // side of the blocks nodes are numbered by

// Position of block (x, y) along a Hilbert curve over a 2^16 x 2^16 grid of
// blocks (the classic rotate-and-flip walk down the quadrants).
std::uint64_t hilbert_index(std::uint32_t x, std::uint32_t y) {
  constexpr std::uint32_t n = 1u << 16;
  std::uint64_t d = 0;
  for (std::uint32_t s = n / 2; s > 0; s /= 2) {
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
  double min_x = std::numeric_limits<double>::infinity(), min_y = min_x, max_x = -min_x, max_y = -min_x;
  for (const XY& p : xy) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y))
      throw RunError("road vertex with a non-finite projected coordinate reached the graph builder");
    min_x = std::min(min_x, p.x);
    max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y);
    max_y = std::max(max_y, p.y);
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

  // 1. Key every vertex by its quantised position; bit 0 of the payload marks
  // part endpoints, which always become nodes.
  const CoordinateKeys keys(t.xy);
  std::vector<geo::KeyedIndex> keyed(nv);
  for (std::size_t p = 0; p < np; ++p) {
    const std::uint32_t b = t.first_vertex[p], e = t.first_vertex[p + 1];
    for (std::uint32_t k = b; k < e; ++k)
      keyed[k] = {keys.key(t.xy[k]), (k << 1) | ((k == b || k + 1 == e) ? 1u : 0u)};
  }
  geo::radix_sort(keyed);

  // 2. A run of equal keys is one point. It is a node when it holds an
  // endpoint or more than one vertex (a junction at an interior vertex).
  std::vector<std::uint32_t> point_of_vertex(nv, kNone);
  std::vector<std::uint32_t> point_vertex;  // a vertex at each point
  std::vector<std::uint32_t> end_points;    // points holding an endpoint
  point_vertex.reserve(nv / 2 + 1);
  for (std::size_t g = 0; g < nv;) {
    std::size_t h = g + 1;
    bool has_end = (keyed[g].index & 1u) != 0;
    while (h < nv && keyed[h].key == keyed[g].key) {
      has_end |= (keyed[h].index & 1u) != 0;
      ++h;
    }
    if (has_end || h - g > 1) {
      const auto id = static_cast<std::uint32_t>(point_vertex.size());
      point_vertex.push_back(keyed[g].index >> 1);
      if (has_end) end_points.push_back(id);
      for (std::size_t i = g; i < h; ++i) {
        point_of_vertex[keyed[i].index >> 1] = id;
        if (h - g > 1 && !(keyed[i].index & 1u)) ++res.split_vertices;
      }
    }
    g = h;
  }
  std::vector<geo::KeyedIndex>().swap(keyed);
  const std::size_t npoints = point_vertex.size();

  // 3. Snap endpoints closer than the tolerance. Candidates come from a grid
  // in projected metres, widened by the largest Gauss-Krüger scale error
  // (1.4e-4 in a 3-degree zone); the decision uses the geodesic distance.
  DisjointSets sets(npoints);
  if (tol > 0.0 && end_points.size() > 1) {
    std::vector<XY> exy(end_points.size());
    for (std::size_t i = 0; i < end_points.size(); ++i) exy[i] = t.xy[point_vertex[end_points[i]]];
    const double reach = tol * (1.0 + 2e-4) + 2.0 * kCoordinateQuantumM;
    const geo::GridIndex grid(exy, reach);
    grid.for_each_close_pair(reach, [&](std::uint32_t i, std::uint32_t j, double) {
      const std::uint32_t va = point_vertex[end_points[i]], vb = point_vertex[end_points[j]];
      const double d = geo::geodesic_distance(t.lonlat[va], t.lonlat[vb]).value();
      if (d > tol) return;
      sets.unite(end_points[i], end_points[j]);
      res.snaps.push_back({segment_of_vertex(t, va), segment_of_vertex(t, vb), d, t.lonlat[va], t.lonlat[vb]});
    });
  }

  // 4. Number the nodes: one per set of snapped points, in key order.
  std::vector<std::uint32_t> node_of_point(npoints);
  std::vector<std::uint32_t> node_vertex;
  node_vertex.reserve(npoints);
  for (std::uint32_t p = 0; p < npoints; ++p) {
    const std::uint32_t r = sets.find(p);
    if (r == p) {
      node_of_point[p] = static_cast<std::uint32_t>(node_vertex.size());
      node_vertex.push_back(point_vertex[p]);
    } else {
      node_of_point[p] = node_of_point[r];  // r < p: already numbered
    }
  }
  std::vector<std::uint32_t>().swap(point_vertex);
  const std::size_t nn = node_vertex.size();
  if (options.spatial_numbering) {
    // Renumbered along a Hilbert curve over 4 km blocks, key order kept
    // within a block: neighbours then sit close together in every per-node
    // array, which makes a search over a national graph about twice as fast
    // as with nodes in column order (each label read was a cache miss). A
    // network smaller than a block keeps its key order.
    std::vector<geo::KeyedIndex> order(nn);
    const XY o = keys.origin();
    for (std::uint32_t v = 0; v < nn; ++v) {
      const XY p = t.xy[node_vertex[v]];
      const auto bx = static_cast<std::uint32_t>(std::clamp(std::floor((p.x - o.x) / kNodeBlockM), 0.0, 65535.0));
      const auto by = static_cast<std::uint32_t>(std::clamp(std::floor((p.y - o.y) / kNodeBlockM), 0.0, 65535.0));
      order[v] = {hilbert_index(bx, by), v};
    }
    geo::radix_sort(order);  // stable: key order within a block
    std::vector<std::uint32_t> new_id(nn), vertex(nn);
    for (std::uint32_t k = 0; k < nn; ++k) {
      new_id[order[k].index] = k;
      vertex[k] = node_vertex[order[k].index];
    }
    for (std::uint32_t& n : node_of_point) n = new_id[n];
    node_vertex.swap(vertex);
  }

  // 5. Cut every part at its nodes into road pieces.
  std::vector<PieceEdge> pieces;
  pieces.reserve(np + res.split_vertices);
  for (std::size_t p = 0; p < np; ++p) {
    const std::uint32_t seg = t.part_segment[p];
    std::uint32_t k0 = t.first_vertex[p];
    std::uint32_t n0 = node_of_point[point_of_vertex[k0]];
    for (std::uint32_t k = k0 + 1; k < t.first_vertex[p + 1]; ++k) {
      if (point_of_vertex[k] == kNone) continue;
      const std::uint32_t n1 = node_of_point[point_of_vertex[k]];
      const double len = t.cum_length_m[k] - t.cum_length_m[k0];
      if (n0 == n1 && len <= 2.0 * tol) {
        res.collapsed.push_back({seg, len, t.lonlat[k0]});
      } else {
        pieces.push_back({n0, n1, seg, static_cast<float>(len)});
      }
      k0 = k;
      n0 = n1;
    }
  }
  std::vector<std::uint32_t>().swap(point_of_vertex);
  std::vector<std::uint32_t>().swap(node_of_point);

  // 6. CSR by counting sort on the tail.
  RoadGraph::Arrays a;
  a.segment_count = static_cast<std::uint32_t>(ns);
  a.first_out.assign(nn + 1, 0);
  std::size_t m = 0;
  for (const auto& e : pieces) {
    switch (t.oneway[e.segment]) {
      case model::Oneway::no: ++a.first_out[e.from + 1]; ++a.first_out[e.to + 1]; m += 2; break;
      case model::Oneway::forward: ++a.first_out[e.from + 1]; ++m; break;
      case model::Oneway::backward: ++a.first_out[e.to + 1]; ++m; break;
    }
  }
  if (m >= kNone) throw RunError("the road graph would have more than 2^32 arcs");
  for (std::size_t v = 0; v < nn; ++v) a.first_out[v + 1] += a.first_out[v];
  a.head.resize(m);
  a.length_m.resize(m);
  a.time_s.resize(m);
  a.segment.resize(m);
  a.flags.resize(m);
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
  for (const auto& e : pieces) {
    const float own = t.speed_kmh[e.segment];
    const float s_per_m = std::isnan(own) ? class_s_per_m[class_index(t.road_class[e.segment])] : 3.6f / own;
    const float time = e.length_m * s_per_m;
    res.length_by_class_m[class_index(t.road_class[e.segment])] += e.length_m;
    switch (t.oneway[e.segment]) {
      case model::Oneway::no:
        put(e.from, e.to, e, time, kArcTwoWay);
        put(e.to, e.from, e, time, kArcTwoWay | kArcReversed);
        break;
      case model::Oneway::forward: put(e.from, e.to, e, time, 0); break;
      case model::Oneway::backward: put(e.to, e.from, e, time, kArcReversed); break;
    }
  }
  std::vector<PieceEdge>().swap(pieces);
  std::vector<std::uint32_t>().swap(fill);
  // Node positions relative to the middle of the extent: 32-bit millimetres
  // then reach 2147 km either way, more than the 4000 km CoordinateKeys allows.
  a.origin = keys.centre();
  a.pos.resize(nn);
  for (std::size_t v = 0; v < nn; ++v) a.pos[v] = RoadGraph::encode(t.xy[node_vertex[v]], t.lonlat[node_vertex[v]], a.origin);

  // 7. Parallel arcs: a stamp per head finds them in one pass over each node.
  {
    std::vector<std::uint32_t> seen_from(nn, kNone), seen_arc(nn, kNone);
    for (std::uint32_t u = 0; u < nn; ++u) {
      for (std::uint32_t i = a.first_out[u]; i < a.first_out[u + 1]; ++i) {
        const std::uint32_t v = a.head[i];
        if (seen_from[v] == u) {
          const std::uint32_t j = seen_arc[v];
          const bool twins = a.segment[i] == a.segment[j] && (a.flags[i] & a.flags[j] & kArcTwoWay) &&
                             ((a.flags[i] ^ a.flags[j]) & kArcReversed);  // both arcs of one two-way loop
          const bool mirrored = (a.flags[i] & kArcTwoWay) && (a.flags[j] & kArcTwoWay) && u > v;  // seen from v
          if (!twins && !mirrored)
            res.duplicate_arcs.push_back({VertexId(u), VertexId(v), a.segment[j], a.segment[i], a.length_m[j], a.length_m[i]});
        } else {
          seen_from[v] = u;
          seen_arc[v] = i;
        }
      }
    }
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
