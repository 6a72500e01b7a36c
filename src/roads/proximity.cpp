// Overlaps and gaps from one grid index of piece boxes (docs/roads.md,
// "Overlaps" and "Gaps"). Each piece is compared only with the pieces whose
// boxes share a grid cell with its own, so the work grows with the number of
// pieces plus the number of close pairs, never with their square.
#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "ruralnet/core/error.hpp"
#include "ruralnet/geo/grid_index.hpp"
#include "ruralnet/roads/audit.hpp"

namespace ruralnet::roads {

void Pieces::add(XY p, XY q, double geodesic, std::uint32_t seg, bool p_end, bool q_end) {
  a.push_back(p);
  b.push_back(q);
  geodesic_m.push_back(geodesic);
  segment.push_back(seg);
  a_is_end.push_back(p_end ? 1 : 0);
  b_is_end.push_back(q_end ? 1 : 0);
}

namespace {

double dist(XY p, XY q) { return std::hypot(p.x - q.x, p.y - q.y); }

double point_piece_distance(XY p, XY a, XY b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double l2 = dx * dx + dy * dy;
  double t = l2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

// Planar length that piece q shares with piece p: both ends of q within tol of
// p's line, then the overlap of their projections on it. Returns 0 when they
// only touch or are not parallel. `mid` receives the middle of the stretch.
double shared_length(XY a, XY b, XY c, XY d, double tol, XY& mid) {
  const double lp = dist(a, b);
  if (lp <= 0.0) return 0.0;
  const double ux = (b.x - a.x) / lp, uy = (b.y - a.y) / lp;
  const double cx = c.x - a.x, cy = c.y - a.y, dx = d.x - a.x, dy = d.y - a.y;
  if (std::abs(ux * cy - uy * cx) > tol || std::abs(ux * dy - uy * dx) > tol) return 0.0;
  const double tc = ux * cx + uy * cy, td = ux * dx + uy * dy;
  const double lo = std::max(0.0, std::min(tc, td)), hi = std::min(lp, std::max(tc, td));
  if (hi - lo <= 1e-6) return 0.0;
  const double t = (lo + hi) / 2;
  mid = {a.x + ux * t, a.y + uy * t};
  return hi - lo;
}

struct PairAcc {
  double length_m = 0.0;
  XY at;
};

}  // namespace

Proximity find_proximity(const Pieces& pc, double tolerance_m, double min_overlap_m, double snap_m, double gap_m) {
  if (!(tolerance_m >= 0) || !(snap_m >= 0) || !(gap_m >= 0) || !(min_overlap_m >= 0))
    throw UsageError("overlap, snap and gap tolerances must be non-negative numbers");
  Proximity out;
  const std::size_t n = pc.size();
  if (n == 0) return out;
  if (n >= std::numeric_limits<std::uint32_t>::max()) throw RunError("too many road pieces for the overlap index");

  // Boxes grown by the larger search distance, so one index answers both
  // questions. The cell is about the typical piece: fewer cells per box for
  // long pieces, few pieces per cell for short ones.
  const double grow = std::max(tolerance_m, gap_m);
  std::vector<geo::Box> boxes(n);
  double sum_extent = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const XY p = pc.a[i], q = pc.b[i];
    boxes[i] = {std::min(p.x, q.x) - grow, std::min(p.y, q.y) - grow, std::max(p.x, q.x) + grow,
                std::max(p.y, q.y) + grow};
    sum_extent += std::max(boxes[i].max_x - boxes[i].min_x, boxes[i].max_y - boxes[i].min_y);
  }
  const double cell = std::clamp(sum_extent / static_cast<double>(n), 50.0, 5000.0);
  const geo::GridIndex index = geo::GridIndex::of_boxes(boxes, cell);

  std::vector<std::uint32_t> stamp(n, std::numeric_limits<std::uint32_t>::max());
  std::unordered_map<std::uint64_t, PairAcc> pairs;
  std::vector<std::uint64_t> order;  // pair keys in the order first met, for a stable output

  // Overlaps: each unordered pair of pieces once (j > i).
  for (std::uint32_t i = 0; i < n; ++i) {
    const geo::Box q{std::min(pc.a[i].x, pc.b[i].x) - tolerance_m, std::min(pc.a[i].y, pc.b[i].y) - tolerance_m,
                     std::max(pc.a[i].x, pc.b[i].x) + tolerance_m, std::max(pc.a[i].y, pc.b[i].y) + tolerance_m};
    index.for_each_in_box(q, [&](std::uint32_t j) {
      if (j <= i || stamp[j] == i) return;
      stamp[j] = i;
      const geo::Box& bj = boxes[j];
      if (bj.min_x - grow > q.max_x || bj.max_x + grow < q.min_x || bj.min_y - grow > q.max_y ||
          bj.max_y + grow < q.min_y)
        return;
      XY mid;
      const double planar = shared_length(pc.a[i], pc.b[i], pc.a[j], pc.b[j], tolerance_m, mid);
      if (planar <= 0.0) return;
      const double lp = dist(pc.a[i], pc.b[i]);
      const double geodesic = planar * pc.geodesic_m[i] / lp;
      std::uint32_t sa = pc.segment[i], sb = pc.segment[j];
      if (sa > sb) std::swap(sa, sb);
      const std::uint64_t key = (static_cast<std::uint64_t>(sa) << 32) | sb;
      auto [it, fresh] = pairs.try_emplace(key);
      if (fresh) {
        it->second.at = mid;
        order.push_back(key);
      }
      it->second.length_m += geodesic;
    });
  }
  for (std::uint64_t key : order) {
    const PairAcc& acc = pairs[key];
    if (acc.length_m < min_overlap_m) continue;
    out.overlaps.push_back({static_cast<std::uint32_t>(key >> 32), static_cast<std::uint32_t>(key & 0xffffffffu),
                            acc.length_m, acc.at});
  }

  // Gaps: every part end not joined to another segment the way the graph
  // joins them (an endpoint within the snap tolerance, or any vertex at the
  // same millimetre) but within gap_m of another segment's line.
  std::fill(stamp.begin(), stamp.end(), std::numeric_limits<std::uint32_t>::max());
  std::uint32_t query = 0;
  auto check_end = [&](XY e, std::uint32_t seg) {
    bool joined = false;
    double best = std::numeric_limits<double>::infinity();
    std::uint32_t best_seg = 0;
    const std::uint32_t qid = query++;
    index.for_each_in_box({e.x - gap_m, e.y - gap_m, e.x + gap_m, e.y + gap_m}, [&](std::uint32_t j) {
      if (joined || pc.segment[j] == seg || stamp[j] == qid) return;
      stamp[j] = qid;
      const double da = dist(e, pc.a[j]), db = dist(e, pc.b[j]);
      if (da <= 0.001 || db <= 0.001 || (pc.a_is_end[j] && da <= snap_m) || (pc.b_is_end[j] && db <= snap_m)) {
        joined = true;
        return;
      }
      const double d = point_piece_distance(e, pc.a[j], pc.b[j]);
      if (d < best) {
        best = d;
        best_seg = pc.segment[j];
      }
    });
    if (!joined && best <= gap_m) out.gaps.push_back({seg, best_seg, e, best});
  };
  for (std::uint32_t i = 0; i < n; ++i) {
    if (pc.a_is_end[i]) check_end(pc.a[i], pc.segment[i]);
    if (pc.b_is_end[i]) check_end(pc.b[i], pc.segment[i]);
  }
  return out;
}

}  // namespace ruralnet::roads
