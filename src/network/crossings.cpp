#include "crossings.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ruralnet/geo/crs.hpp"
#include "ruralnet/geo/grid_index.hpp"

namespace ruralnet::network {

namespace {

struct Cut {
  std::uint32_t piece;  // index of the piece's first vertex
  double t;             // position along the piece, 0..1
  std::uint32_t found;  // the crossing it belongs to
  XY at;
};

// Crossings closer than this are one: three roads through one point give
// three pairwise crossings millimetres apart (a straight piece in projected
// metres is not the straight piece in lon/lat), which must make one node.
constexpr double kCrossingMergeM = 0.05;

double cross(double ax, double ay, double bx, double by) { return ax * by - ay * bx; }

}  // namespace

SegmentTable split_at_crossings(const SegmentTable& t, std::vector<Crossing>& crossings) {
  const std::size_t nv = t.vertex_count(), np = t.part_count();
  const CoordinateKeys keys(t.xy);
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<geo::Box> boxes(nv, geo::Box{nan, nan, nan, nan});  // only a part's last vertex keeps NaN
  std::vector<std::uint32_t> segment_of_piece(nv, 0);
  double total = 0.0;
  std::size_t count = 0;
  for (std::size_t p = 0; p < np; ++p) {
    for (std::uint32_t k = t.first_vertex[p]; k + 1 < t.first_vertex[p + 1]; ++k) {
      const XY a = t.xy[k], b = t.xy[k + 1];
      boxes[k] = {std::min(a.x, b.x), std::min(a.y, b.y), std::max(a.x, b.x), std::max(a.y, b.y)};
      segment_of_piece[k] = t.part_segment[p];
      total += std::hypot(b.x - a.x, b.y - a.y);
      ++count;
    }
  }
  // Cells about twice the mean piece length keep most pieces in a few cells.
  const double cell = count == 0 ? 1.0 : std::clamp(2.0 * total / static_cast<double>(count), 1.0, 10000.0);
  const geo::GridIndex grid = geo::GridIndex::of_boxes(boxes, cell);

  std::vector<Cut> cuts;
  struct Found {
    std::uint32_t seg_a, seg_b;
    XY at;
    bool at_vertex;  // at an existing vertex of one of the roads
  };
  std::vector<Found> found;
  const double q = kCoordinateQuantumM;
  auto intersect = [&](std::uint32_t a, std::uint32_t b, std::int64_t col, std::int64_t row) {
    const geo::Box &ba = boxes[a], &bb = boxes[b];
    if (ba.max_x < bb.min_x || bb.max_x < ba.min_x || ba.max_y < bb.min_y || bb.max_y < ba.min_y) return;
    const XY a0 = t.xy[a], a1 = t.xy[a + 1], b0 = t.xy[b], b1 = t.xy[b + 1];
    const std::uint64_t ka0 = keys.key(a0), ka1 = keys.key(a1), kb0 = keys.key(b0), kb1 = keys.key(b1);
    if (ka0 == kb0 || ka0 == kb1 || ka1 == kb0 || ka1 == kb1) return;  // already joined at a shared vertex
    const double rx = a1.x - a0.x, ry = a1.y - a0.y, sx = b1.x - b0.x, sy = b1.y - b0.y;
    const double den = cross(rx, ry, sx, sy);
    const double la = std::hypot(rx, ry), lb = std::hypot(sx, sy);
    if (std::fabs(den) <= 1e-12 * la * lb) return;  // parallel or collinear
    const double qx = b0.x - a0.x, qy = b0.y - a0.y;
    const double ta = cross(qx, qy, sx, sy) / den, tb = cross(qx, qy, rx, ry) / den;
    if (ta < 0.0 || ta > 1.0 || tb < 0.0 || tb > 1.0) return;
    XY x{a0.x + ta * rx, a0.y + ta * ry};
    // A crossing within a quantum of an existing vertex uses that vertex, so
    // the piece it belongs to needs no cut.
    const bool a_at0 = ta * la < q, a_at1 = (1.0 - ta) * la < q;
    const bool b_at0 = tb * lb < q, b_at1 = (1.0 - tb) * lb < q;
    if ((a_at0 || a_at1) && (b_at0 || b_at1)) return;  // two distinct vertices within 2 mm: not a crossing
    if (a_at0) x = a0;
    else if (a_at1) x = a1;
    else if (b_at0) x = b0;
    else if (b_at1) x = b1;
    // Each crossing is handled once: in the cell that holds it.
    if (grid.column_of(x.x) != col || grid.row_of(x.y) != row) return;
    const auto id = static_cast<std::uint32_t>(found.size());
    if (!a_at0 && !a_at1) cuts.push_back({a, ta, id, x});
    if (!b_at0 && !b_at1) cuts.push_back({b, tb, id, x});
    found.push_back({segment_of_piece[a], segment_of_piece[b], x, a_at0 || a_at1 || b_at0 || b_at1});
  };
  grid.for_each_cell([&](std::int64_t col, std::int64_t row, std::span<const std::uint32_t> items) {
    for (std::size_t i = 0; i < items.size(); ++i)
      for (std::size_t j = i + 1; j < items.size(); ++j)
        intersect(std::min(items[i], items[j]), std::max(items[i], items[j]), col, row);
  });

  // Merge crossings within kCrossingMergeM: each cluster takes the position of
  // a member at an existing vertex if there is one (so noding joins that
  // vertex too), else of its first member.
  if (found.size() > 1) {
    std::vector<XY> pts(found.size());
    for (std::size_t i = 0; i < found.size(); ++i) pts[i] = found[i].at;
    std::vector<std::uint32_t> parent(found.size());
    for (std::uint32_t i = 0; i < parent.size(); ++i) parent[i] = i;
    auto root = [&parent](std::uint32_t x) {
      while (parent[x] != x) x = parent[x] = parent[parent[x]];
      return x;
    };
    const geo::GridIndex near(pts, kCrossingMergeM);
    near.for_each_close_pair(kCrossingMergeM, [&](std::uint32_t i, std::uint32_t j, double) {
      std::uint32_t ri = root(i), rj = root(j);
      if (ri == rj) return;
      // The root is the member at a vertex when there is one, else the lower index.
      if (found[rj].at_vertex && !found[ri].at_vertex) std::swap(ri, rj);
      else if (found[ri].at_vertex == found[rj].at_vertex && rj < ri) std::swap(ri, rj);
      parent[rj] = ri;
    });
    for (std::size_t i = 0; i < found.size(); ++i) found[i].at = found[root(static_cast<std::uint32_t>(i))].at;
    for (Cut& c : cuts) c.at = found[c.found].at;
  }

  const geo::Projector projector(t.crs);
  for (const Found& f : found) crossings.push_back({f.seg_a, f.seg_b, projector.to_geographic(f.at)});
  std::sort(cuts.begin(), cuts.end(), [](const Cut& x, const Cut& y) { return x.piece != y.piece ? x.piece < y.piece : x.t < y.t; });

  SegmentTable out;
  out.id = t.id;
  out.road_class = t.road_class;
  out.speed_kmh = t.speed_kmh;
  out.oneway = t.oneway;
  out.length_m = t.length_m;
  out.first_part = t.first_part;
  out.part_segment = t.part_segment;
  out.degenerate_parts = t.degenerate_parts;
  out.crs = t.crs;
  const std::size_t total_v = nv + cuts.size();
  out.lonlat.reserve(total_v);
  out.xy.reserve(total_v);
  out.cum_length_m.reserve(total_v);
  out.first_vertex.reserve(np + 1);
  std::size_t ci = 0;
  for (std::size_t p = 0; p < np; ++p) {
    out.first_vertex.push_back(static_cast<std::uint32_t>(out.lonlat.size()));
    const std::uint32_t e = t.first_vertex[p + 1];
    for (std::uint32_t k = t.first_vertex[p]; k < e; ++k) {
      out.lonlat.push_back(t.lonlat[k]);
      out.xy.push_back(t.xy[k]);
      out.cum_length_m.push_back(t.cum_length_m[k]);
      for (; ci < cuts.size() && cuts[ci].piece == k; ++ci) {
        const Cut& c = cuts[ci];
        if (keys.key(c.at) == keys.key(out.xy.back())) continue;  // several roads crossing at one point
        out.lonlat.push_back(projector.to_geographic(c.at));
        out.xy.push_back(c.at);
        out.cum_length_m.push_back(t.cum_length_m[k] + c.t * (t.cum_length_m[k + 1] - t.cum_length_m[k]));
      }
    }
  }
  out.first_vertex.push_back(static_cast<std::uint32_t>(out.lonlat.size()));
  return out;
}

}  // namespace ruralnet::network
