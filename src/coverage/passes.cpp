#include "passes.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <thread>

#include "ruralnet/geo/geodesic.hpp"

namespace ruralnet::coverage::detail {

namespace {
std::atomic<std::size_t> g_worker_limit{0};
}  // namespace

std::size_t worker_count() {
  const std::size_t limit = g_worker_limit.load();
  return limit > 0 ? limit : std::max<std::size_t>(1, std::thread::hardware_concurrency());
}

void set_worker_limit(std::size_t threads) { g_worker_limit.store(threads); }

void parallel_blocks(std::size_t n, std::size_t block, const std::function<void(std::size_t, std::size_t)>& fn) {
  block = std::max<std::size_t>(block, 1);
  const std::size_t blocks = (n + block - 1) / block;
  parallel_for(blocks, [&](std::size_t first, std::size_t stride) {
    for (std::size_t b = first; b < blocks; b += stride) fn(b * block, std::min(n, (b + 1) * block));
  });
}

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
  // Scratch reused across the calls of a thread: a large run builds hundreds
  // of thousands of paths, and the line is the only allocation left.
  thread_local std::vector<LonLat> piece;
  thread_local std::vector<EdgeId> arcs;
  model::LineString line;
  const auto push = [&](LonLat p) {
    if (line.empty() || !(line.back() == p)) line.push_back(p);
  };
  const auto append_piece = [&](std::uint32_t pc, double from_m, double to_m, bool reverse) {
    s.piece_line_into(pc, from_m, to_m, piece);
    if (reverse)
      for (auto it = piece.rbegin(); it != piece.rend(); ++it) push(*it);
    else
      for (const LonLat& p : piece) push(p);
  };
  push(parent_location);
  push(parent.snapped);
  const double inf = std::numeric_limits<double>::infinity();
  if (!a.via.valid()) {
    append_piece(parent.piece, parent.along_m, child.along_m, parent.along_m > child.along_m);
  } else {
    arcs.clear();
    for (VertexId v = a.via; pass.labels.parent_arc[v.value()].valid();) {
      const EdgeId e = pass.labels.parent_arc[v.value()];
      arcs.push_back(e);
      v = g.tail(e);
    }
    std::reverse(arcs.begin(), arcs.end());
    const VertexId start = arcs.empty() ? a.via : g.tail(arcs.front());
    const network::EdgePiece& pp = s.piece(parent.piece);
    if (start == pp.to && pp.forward_arc.valid()) append_piece(parent.piece, parent.along_m, pp.length_m, false);
    else append_piece(parent.piece, 0.0, parent.along_m, true);
    for (const EdgeId e : arcs) {
      if (const auto pc = s.piece_of_arc(e)) {
        append_piece(*pc, 0.0, inf, g.reversed(e));
      } else {
        push(g.lonlat(g.tail(e)));
        push(g.lonlat(g.head(e)));
      }
    }
    const network::EdgePiece& cp = s.piece(child.piece);
    if (a.via == cp.from && cp.forward_arc.valid()) append_piece(child.piece, 0.0, child.along_m, false);
    else append_piece(child.piece, child.along_m, cp.length_m, true);
  }
  push(child.snapped);
  push(child_location);
  if (line.size() == 1) line.push_back(line.front());
  return line;
}

struct TreeLengths::Acc {
  double sum = 0.0;
  LonLat last;
  bool empty = true;
  bool measure = true;  // false: only the last point is wanted
  // As link_path's push: a point equal to the last is skipped.
  void push(LonLat p) {
    if (!empty && last == p) return;
    if (!empty && measure) sum += geo::geodesic_distance(last, p).value();
    last = p;
    empty = false;
  }
  void piece(const network::EdgeSnapper& s, std::vector<LonLat>& scratch, std::uint32_t pc, double from_m, double to_m,
             bool reverse) {
    s.piece_line_into(pc, from_m, to_m, scratch);
    if (reverse)
      for (auto it = scratch.rbegin(); it != scratch.rend(); ++it) push(*it);
    else
      for (const LonLat& p : scratch) push(p);
  }
};

TreeLengths::TreeLengths(const network::EdgeSnapper& s, const network::RoadGraph& g, const Pass& pass,
                         const std::vector<FacilityResult>& facilities,
                         const std::vector<model::Facility>& dataset_facilities)
    : s_(s), g_(g), pass_(pass), facs_(facilities), ds_facs_(dataset_facilities),
      sum_(g.node_count(), std::numeric_limits<double>::quiet_NaN()) {}

// Feeds acc what link_path appends for node v's step of the tree: the
// parent's access leg and partial piece at a source node, else the arc into v.
void TreeLengths::piece_end(Acc& acc, VertexId v) {
  thread_local std::vector<LonLat> scratch;
  const EdgeId e = pass_.labels.parent_arc[v.value()];
  if (!e.valid()) {
    const FacilityResult& p = facs_[pass_.owner[pass_.labels.source[v.value()]]];
    const Attachment& parent = p.at;
    acc.push(ds_facs_[p.facility].location);
    acc.push(parent.snapped);
    const network::EdgePiece& pp = s_.piece(parent.piece);
    if (v == pp.to && pp.forward_arc.valid()) acc.piece(s_, scratch, parent.piece, parent.along_m, pp.length_m, false);
    else acc.piece(s_, scratch, parent.piece, 0.0, parent.along_m, true);
  } else if (const auto pc = s_.piece_of_arc(e)) {
    acc.piece(s_, scratch, *pc, 0.0, std::numeric_limits<double>::infinity(), g_.reversed(e));
  } else {
    acc.push(g_.lonlat(g_.tail(e)));
    acc.push(g_.lonlat(g_.head(e)));
  }
}

double TreeLengths::length(const PassArrival& a, LonLat child_location, const Attachment& child) {
  // The nodes from via up to the first with a known sum (or the source).
  thread_local std::vector<VertexId> chain;
  chain.clear();
  VertexId v = a.via;
  while (std::isnan(sum_[v.value()])) {
    chain.push_back(v);
    const EdgeId e = pass_.labels.parent_arc[v.value()];
    if (!e.valid()) break;
    v = g_.tail(e);
  }
  // Down the chain: each node's sum continues its tail's, from the last
  // point link_path would hold there (the end of the tail's own step).
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    Acc acc;
    const EdgeId e = pass_.labels.parent_arc[it->value()];
    if (e.valid()) {
      const VertexId tail = g_.tail(e);
      Acc at_tail;
      at_tail.measure = false;
      piece_end(at_tail, tail);
      acc.sum = sum_[tail.value()];
      acc.last = at_tail.last;
      acc.empty = false;
    }
    piece_end(acc, *it);
    sum_[it->value()] = acc.sum;
  }
  Acc acc;
  Acc at_via;
  at_via.measure = false;
  piece_end(at_via, a.via);
  acc.sum = sum_[a.via.value()];
  acc.last = at_via.last;
  acc.empty = false;
  thread_local std::vector<LonLat> scratch;
  const network::EdgePiece& cp = s_.piece(child.piece);
  if (a.via == cp.from && cp.forward_arc.valid()) acc.piece(s_, scratch, child.piece, 0.0, child.along_m, false);
  else acc.piece(s_, scratch, child.piece, child.along_m, cp.length_m, true);
  acc.push(child.snapped);
  acc.push(child_location);
  return acc.sum;
}

}  // namespace ruralnet::coverage::detail
