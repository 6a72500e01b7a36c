#include "ruralnet/network/dijkstra.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>
#include <string>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/huge_pages.hpp"

namespace ruralnet::network {

namespace {

// A 4-ary min-heap of (cost, node) with lazy deletion: an improved node is
// pushed again and the stale entry skipped when popped. On road graphs few
// nodes improve twice, so this beats an addressable heap, whose position
// updates cost a scattered write per move. Four children share a cache line.
class QuadHeap {
 public:
  struct Entry {
    double key;
    std::uint32_t node;
  };
  bool empty() const { return heap_.empty(); }
  void clear() { heap_.clear(); }

  void push(double key, std::uint32_t v) {
    std::size_t i = heap_.size();
    heap_.push_back({key, v});
    while (i > 0) {
      const std::size_t p = (i - 1) / 4;
      if (!(key < heap_[p].key)) break;
      heap_[i] = heap_[p];
      i = p;
    }
    heap_[i] = {key, v};
  }

  Entry pop() {
    const Entry top = heap_.front();
    const Entry last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n == 0) return top;
    std::size_t i = 0;
    for (;;) {
      const std::size_t c0 = 4 * i + 1;
      if (c0 >= n) break;
      std::size_t best = c0;
      const std::size_t c_end = std::min(c0 + 4, n);
      for (std::size_t c = c0 + 1; c < c_end; ++c)
        if (heap_[c].key < heap_[best].key) best = c;
      if (!(heap_[best].key < last.key)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = last;
    return top;
  }

 private:
  std::vector<Entry> heap_;
};

// Track: the labels come in sized and clear (every node unreached), and each
// node the search writes is listed in `touched`, so that a bounded search
// costs what it reaches rather than the size of the graph.
template <class Weight, bool Track = false>
void run(const RoadGraph& g, std::span<const Weight> w, std::span<const Source> sources, double max_cost, PathLabels& L,
         std::vector<std::uint32_t>* touched = nullptr, std::span<const std::uint32_t> stop_after = {}) {
  const std::size_t n = g.node_count();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if constexpr (!Track) {
    // A pass over a national graph reads these at random: on huge pages
    // far fewer of those reads also miss the TLB.
    assign_huge(L.cost, n, kInf);
    assign_huge(L.source, n, kNoSource);
    assign_huge(L.parent_arc, n, EdgeId::invalid());
  }
  L.settled = 0;
  QuadHeap heap;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const Source& s = sources[i];
    if (!s.node.valid() || s.node.value() >= n)
      throw RunError("shortest paths: source " + std::to_string(i) + " names node " + std::to_string(s.node.value()) +
                     " but the graph has " + std::to_string(n) + " nodes");
    if (!std::isfinite(s.start_cost) || s.start_cost < 0.0)
      throw RunError("shortest paths: source " + std::to_string(i) + " has start cost " + std::to_string(s.start_cost) +
                     " (must be finite and >= 0)");
    const std::uint32_t v = s.node.value();
    if (s.start_cost > max_cost || !(s.start_cost < L.cost[v])) continue;
    if constexpr (Track)
      if (L.cost[v] == kInf) touched->push_back(v);
    L.cost[v] = s.start_cost;
    L.source[v] = static_cast<std::uint32_t>(i);
    heap.push(s.start_cost, v);
  }
  const auto fo = g.first_out();
  const auto head = g.heads();
  std::size_t waiting = stop_after.size();  // distinct nodes of stop_after not settled yet
  while (!heap.empty()) {
    const auto [du, u] = heap.pop();
    if (du > L.cost[u]) continue;  // stale: u was improved after this push
    ++L.settled;
    if constexpr (Track) {
      // Each node is settled once, so each target counts down once.
      if (waiting > 0 && std::binary_search(stop_after.begin(), stop_after.end(), u) && --waiting == 0) break;
    }
    const std::uint32_t src = L.source[u];
    for (std::uint32_t a = fo[u]; a < fo[u + 1]; ++a) {
      const std::uint32_t v = head[a];
      const double dv = du + static_cast<double>(w[a]);
      if (dv < L.cost[v] && dv <= max_cost) {
        if constexpr (Track)
          if (L.cost[v] == kInf) touched->push_back(v);
        L.cost[v] = dv;
        L.source[v] = src;
        L.parent_arc[v] = EdgeId(a);
        heap.push(dv, v);
      }
    }
  }
}

PathLabels solve(const RoadGraph& g, std::span<const Source> sources, const DijkstraOptions& o) {
  if (std::isnan(o.max_cost)) throw RunError("shortest paths: the cost bound is NaN");
  PathLabels L;
  L.metric = o.metric;
  if (o.metric == Metric::time_s) run(g, g.times_s(), sources, o.max_cost, L);
  else run(g, g.lengths_m(), sources, o.max_cost, L);
  return L;
}

}  // namespace

void multi_source_dijkstra_into(const RoadGraph& g, std::span<const Source> sources, const DijkstraOptions& o,
                                PathLabels& labels, std::vector<std::uint32_t>& touched) {
  multi_source_dijkstra_into(g, sources, o, labels, touched, {});
}

void multi_source_dijkstra_into(const RoadGraph& g, std::span<const Source> sources, const DijkstraOptions& o,
                                PathLabels& labels, std::vector<std::uint32_t>& touched,
                                std::span<const VertexId> stop_after) {
  if (std::isnan(o.max_cost)) throw RunError("shortest paths: the cost bound is NaN");
  const std::size_t n = g.node_count();
  if (labels.cost.size() != n || labels.source.size() != n || labels.parent_arc.size() != n) {
    assign_huge(labels.cost, n, std::numeric_limits<double>::infinity());
    assign_huge(labels.source, n, kNoSource);
    assign_huge(labels.parent_arc, n, EdgeId::invalid());
  } else {
    clear_labels(labels, touched);
  }
  touched.clear();
  labels.metric = o.metric;
  std::vector<std::uint32_t> stop;
  stop.reserve(stop_after.size());
  for (const VertexId v : stop_after)
    if (v.valid() && v.value() < n) stop.push_back(v.value());
  std::sort(stop.begin(), stop.end());
  stop.erase(std::unique(stop.begin(), stop.end()), stop.end());
  if (o.metric == Metric::time_s) run<float, true>(g, g.times_s(), sources, o.max_cost, labels, &touched, stop);
  else run<float, true>(g, g.lengths_m(), sources, o.max_cost, labels, &touched, stop);
}

void clear_labels(PathLabels& labels, std::span<const std::uint32_t> touched) {
  for (const std::uint32_t v : touched) {
    labels.cost[v] = std::numeric_limits<double>::infinity();
    labels.source[v] = kNoSource;
    labels.parent_arc[v] = EdgeId::invalid();
  }
  labels.settled = 0;
}

PathLabels dijkstra(const RoadGraph& g, VertexId source, const DijkstraOptions& options) {
  const Source s{source, 0.0};
  return solve(g, std::span<const Source>(&s, 1), options);
}

PathLabels multi_source_dijkstra(const RoadGraph& g, std::span<const VertexId> sources, const DijkstraOptions& options) {
  std::vector<Source> s(sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) s[i] = {sources[i], 0.0};
  return solve(g, s, options);
}

PathLabels multi_source_dijkstra(const RoadGraph& g, std::span<const Source> sources, const DijkstraOptions& options) {
  return solve(g, sources, options);
}

std::vector<EdgeId> path_to(const RoadGraph& g, const PathLabels& labels, VertexId target) {
  std::vector<EdgeId> path;
  if (!target.valid() || target.value() >= labels.parent_arc.size()) return path;
  VertexId v = target;
  while (labels.parent_arc[v.value()].valid()) {
    const EdgeId a = labels.parent_arc[v.value()];
    path.push_back(a);
    v = g.tail(a);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

std::vector<double> bare_dijkstra(const RoadGraph& g, VertexId source) {
  const std::size_t n = g.node_count();
  std::vector<double> dist(n, std::numeric_limits<double>::infinity());
  if (!source.valid() || source.value() >= n) throw RunError("shortest paths: source outside the graph");
  using Item = std::pair<double, std::uint32_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> pq;
  dist[source.value()] = 0.0;
  pq.push({0.0, source.value()});
  const auto fo = g.first_out();
  const auto head = g.heads();
  const auto w = g.times_s();
  while (!pq.empty()) {
    const auto [d, u] = pq.top();
    pq.pop();
    if (d > dist[u]) continue;
    for (std::uint32_t a = fo[u]; a < fo[u + 1]; ++a) {
      const double nd = d + static_cast<double>(w[a]);
      if (nd < dist[head[a]]) {
        dist[head[a]] = nd;
        pq.push({nd, head[a]});
      }
    }
  }
  return dist;
}

}  // namespace ruralnet::network
