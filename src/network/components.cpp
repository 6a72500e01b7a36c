#include "ruralnet/network/components.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>

#include "parallel.hpp"
#include "ruralnet/geo/crs.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/geo/grid_index.hpp"

namespace ruralnet::network {

double Components::main_node_share() const {
  std::size_t total = 0;
  for (const auto& c : list) total += c.node_count;
  return total == 0 ? 0.0 : static_cast<double>(list.front().node_count) / static_cast<double>(total);
}

double Components::main_length_share() const {
  double total = 0.0;
  for (const auto& c : list) total += c.length_m;
  return total > 0.0 ? list.front().length_m / total : 0.0;
}

Components connected_components(const RoadGraph& g) {
  const std::size_t n = g.node_count();
  std::vector<std::uint32_t> parent(n);
  const auto fo = g.first_out();
  const auto heads = g.heads();
  // Union-find where a root always joins the smaller root, so that each
  // set's root is its smallest node whatever the order of the unions: the
  // arcs are then shared out among workers (linking by compare-and-swap,
  // parents only ever decreasing) with the result of one pass.
  const std::size_t kw = detail::workers_for(g.arc_count(), std::size_t{1} << 17);
  detail::for_shares(n, kw, [&](std::size_t b, std::size_t e, std::size_t) {
    std::iota(parent.begin() + static_cast<std::ptrdiff_t>(b), parent.begin() + static_cast<std::ptrdiff_t>(e),
              static_cast<std::uint32_t>(b));
  });
  if (kw == 1) {
    auto find = [&parent](std::uint32_t x) {
      while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
      }
      return x;
    };
    for (std::uint32_t u = 0; u < n; ++u)
      for (std::uint32_t a = fo[u]; a < fo[u + 1]; ++a) {
        const std::uint32_t x = find(u), y = find(heads[a]);
        if (x != y) parent[std::max(x, y)] = std::min(x, y);
      }
  } else {
    using Ref = std::atomic_ref<std::uint32_t>;
    auto find = [&parent](std::uint32_t x) {
      for (;;) {
        std::uint32_t p = Ref(parent[x]).load(std::memory_order_relaxed);
        if (p == x) return x;
        const std::uint32_t gp = Ref(parent[p]).load(std::memory_order_relaxed);
        if (gp != p) Ref(parent[x]).compare_exchange_weak(p, gp, std::memory_order_relaxed);  // halve the path
        x = gp;
      }
    };
    std::vector<std::uint32_t> node_cut(kw + 1, static_cast<std::uint32_t>(n));
    node_cut[0] = 0;
    for (std::size_t w = 1; w < kw; ++w)
      node_cut[w] = static_cast<std::uint32_t>(
          std::lower_bound(fo.begin(), fo.end() - 1, detail::share_begin(g.arc_count(), kw, w)) - fo.begin());
    detail::run_workers(kw, [&](std::size_t w) {
      for (std::uint32_t u = node_cut[w]; u < node_cut[w + 1]; ++u)
        for (std::uint32_t a = fo[u]; a < fo[u + 1]; ++a) {
          std::uint32_t x = u, y = heads[a];
          for (;;) {
            x = find(x);
            y = find(y);
            if (x == y) break;
            if (x < y) std::swap(x, y);  // x, the larger root, joins y
            std::uint32_t expected = x;
            if (Ref(parent[x]).compare_exchange_strong(expected, y, std::memory_order_relaxed)) break;
          }
        }
    });
  }
  auto find = [&parent](std::uint32_t x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  // Provisional ids by root, then renumber by size.
  std::vector<std::uint32_t> provisional(n);
  std::vector<ComponentInfo> info;
  std::vector<std::uint32_t> root_id(n, static_cast<std::uint32_t>(-1));
  for (std::uint32_t v = 0; v < n; ++v) {
    const std::uint32_t r = find(v);
    if (root_id[r] == static_cast<std::uint32_t>(-1)) {
      root_id[r] = static_cast<std::uint32_t>(info.size());
      info.emplace_back();
    }
    provisional[v] = root_id[r];
    ++info[provisional[v]].node_count;
  }
  const auto lengths = g.lengths_m();
  const auto flags = g.arc_flags();
  std::vector<std::size_t> two_way_arcs(info.size(), 0), one_way_arcs(info.size(), 0);
  for (std::uint32_t u = 0; u < n; ++u) {
    auto& c = info[provisional[u]];
    for (std::uint32_t a = fo[u]; a < fo[u + 1]; ++a) {
      const bool two = (flags[a] & kArcTwoWay) != 0;
      c.length_m += two ? 0.5 * lengths[a] : lengths[a];
      ++(two ? two_way_arcs : one_way_arcs)[provisional[u]];
    }
  }
  for (std::size_t i = 0; i < info.size(); ++i) info[i].edge_count = one_way_arcs[i] + two_way_arcs[i] / 2;
  std::vector<std::uint32_t> order(info.size());
  std::iota(order.begin(), order.end(), 0u);
  // Provisional ids follow the first node, so the tie-break keeps a stable order.
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    if (info[x].node_count != info[y].node_count) return info[x].node_count > info[y].node_count;
    return info[x].length_m > info[y].length_m;
  });
  std::vector<std::uint32_t> rank(info.size());
  Components out;
  out.list.reserve(info.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) {
    rank[order[i]] = i;
    out.list.push_back(info[order[i]]);
  }
  out.of_node.resize(n);
  for (std::uint32_t v = 0; v < n; ++v) out.of_node[v] = rank[provisional[v]];
  return out;
}

std::vector<std::vector<NearbyPoint>> nearest_points_by_component(const RoadGraph& g, const Components& c,
                                                                  std::span<const LonLat> points,
                                                                  const geo::Projector& projector, std::size_t n) {
  std::vector<std::vector<NearbyPoint>> out(c.count());
  if (n == 0 || points.empty()) return out;
  std::vector<XY> pxy(points.size());
  double min_x = std::numeric_limits<double>::infinity(), min_y = min_x, max_x = -min_x, max_y = -min_x;
  std::size_t finite = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const LonLat p = points[i];
    pxy[i] = std::isfinite(p.lon) && std::isfinite(p.lat)
                 ? projector.to_local(p)
                 : XY{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
    if (!std::isfinite(pxy[i].x) || !std::isfinite(pxy[i].y)) continue;
    ++finite;
    min_x = std::min(min_x, pxy[i].x);
    max_x = std::max(max_x, pxy[i].x);
    min_y = std::min(min_y, pxy[i].y);
    max_y = std::max(max_y, pxy[i].y);
  }
  if (finite == 0) return out;
  // With fewer points than asked for, every search would scan the whole grid.
  n = std::min(n, finite);
  // About two points a cell.
  const double area = std::max(max_x - min_x, 1.0) * std::max(max_y - min_y, 1.0);
  const double cell = std::max(std::sqrt(2.0 * area / static_cast<double>(finite)), 1.0);
  const geo::GridIndex grid(pxy, cell);

  // Per component, the best n (planar distance, point, node), unique points.
  struct Cand {
    double d;
    std::uint32_t point;
    std::uint32_t node;
  };
  std::vector<std::vector<Cand>> best(c.count());
  for (std::uint32_t v = 0; v < g.node_count(); ++v) {
    auto& b = best[c.of_node[v]];
    const double bound = b.size() == n ? b.back().d : std::numeric_limits<double>::infinity();
    for (const auto& nb : grid.k_nearest(g.xy(VertexId(v)), n, bound)) {
      auto same = std::find_if(b.begin(), b.end(), [&](const Cand& x) { return x.point == nb.item; });
      if (same != b.end()) {
        if (nb.distance >= same->d) continue;
        b.erase(same);
      }
      const Cand cand{nb.distance, nb.item, v};
      b.insert(std::upper_bound(b.begin(), b.end(), cand, [](const Cand& x, const Cand& y) { return x.d < y.d; }), cand);
      if (b.size() > n) b.pop_back();
    }
  }
  for (std::size_t k = 0; k < best.size(); ++k) {
    for (const Cand& x : best[k])
      out[k].push_back({x.point, VertexId(x.node), geo::geodesic_distance(points[x.point], g.lonlat(VertexId(x.node))).value()});
    std::stable_sort(out[k].begin(), out[k].end(),
                     [](const NearbyPoint& x, const NearbyPoint& y) { return x.distance_m < y.distance_m; });
  }
  return out;
}

}  // namespace ruralnet::network
