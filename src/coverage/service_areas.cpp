// Service areas: the roads a facility reaches first within each time band,
// drawn as the cells of a square grid in the local metric CRS that those
// roads pass through, and outlined as polygons with small holes filled and
// staircases simplified (docs/coverage.md). Outlining cells is linear in
// the cells and the outline; buffering and unioning every reached road with
// GEOS took ten seconds on the demo city. The previous routine
// (service_areas_reference) stays as the benchmark's baseline.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <utility>
#include <unordered_map>

#include "outliner.hpp"
#include "passes.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/huge_pages.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/geo/grid_index.hpp"
#include "ruralnet/geo/local_inverse.hpp"

namespace ruralnet::coverage::detail {

namespace {

struct Sample {
  std::uint64_t key;
  std::size_t owner;
  double cost;
};

struct Cell {
  std::int64_t i, j;
};

using Corner = std::pair<std::int64_t, std::int64_t>;

// The bounding box of a non-empty set of cells; ij(c) gives a cell's (i, j).
struct CellBox {
  std::int64_t i0, j0, i1, j1;
};
template <class Cells, class IJ>
CellBox box_of(const Cells& cells, IJ ij) {
  const auto [a, b] = ij(cells.front());
  CellBox box{a, b, a, b};
  for (const auto& c : cells) {
    const auto [i, j] = ij(c);
    box.i0 = std::min(box.i0, i);
    box.j0 = std::min(box.j0, j);
    box.i1 = std::max(box.i1, i);
    box.j1 = std::max(box.j1, j);
  }
  return box;
}

// A traced closed ring (first == last) without the corners where the
// boundary runs straight on; nullopt when fewer than three corners are left.
std::optional<std::vector<Corner>> straight_corners_dropped(const std::vector<Corner>& ring) {
  std::vector<Corner> simple;
  for (std::size_t k = 0; k + 1 < ring.size(); ++k) {
    const Corner& a = k == 0 ? ring[ring.size() - 2] : ring[k - 1];
    const Corner& b = ring[k];
    const Corner& c = ring[k + 1];
    if ((b.first - a.first) * (c.second - b.second) - (b.second - a.second) * (c.first - b.first) != 0) simple.push_back(b);
  }
  if (simple.size() < 3) return std::nullopt;
  simple.push_back(simple.front());
  return simple;
}

double signed_area(const std::vector<Corner>& r) {
  double a = 0.0;
  for (std::size_t k = 0; k + 1 < r.size(); ++k)
    a += static_cast<double>(r[k].first) * static_cast<double>(r[k + 1].second) -
         static_cast<double>(r[k + 1].first) * static_cast<double>(r[k].second);
  return a / 2.0;
}

bool inside(const std::vector<Corner>& r, double x, double y) {
  bool in = false;
  for (std::size_t k = 0, m = r.size() - 1; k < r.size(); m = k++) {
    const double xi = static_cast<double>(r[k].first), yi = static_cast<double>(r[k].second);
    const double xj = static_cast<double>(r[m].first), yj = static_cast<double>(r[m].second);
    if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
  }
  return in;
}

std::vector<std::vector<std::vector<Corner>>> assemble(std::vector<std::vector<Corner>> rings);

// Polygons (in grid corners) of a set of cells: boundary edges run with the
// region on their left, and at a corner shared by two diagonal cells the
// trace turns left, so every ring is simple. Counter-clockwise rings are
// shells, clockwise ones holes.
std::vector<std::vector<std::vector<Corner>>> trace(std::vector<Cell> cells) {
  auto key = [](std::int64_t i, std::int64_t j) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(i)) << 32) | static_cast<std::uint64_t>(static_cast<std::uint32_t>(j));
  };
  std::unordered_map<std::uint64_t, bool> in;
  in.reserve(cells.size() * 2);
  for (const Cell& c : cells) in[key(c.i, c.j)] = true;
  auto has = [&](std::int64_t i, std::int64_t j) { return in.count(key(i, j)) > 0; };
  // Fill every pinch (two cells touching only at a corner) with a side cell,
  // so that each corner starts at most one boundary edge and rings are simple.
  for (std::size_t k = 0; k < cells.size(); ++k) {
    const Cell c = cells[k];
    for (const std::int64_t dj : {-1, 1}) {
      if (has(c.i + 1, c.j + dj) && !has(c.i + 1, c.j) && !has(c.i, c.j + dj)) {
        in[key(c.i + 1, c.j)] = true;
        cells.push_back({c.i + 1, c.j});  // checked in turn: the loop runs to the new end
      }
    }
  }
  auto ckey = [&](const Corner& c) { return key(c.first, c.second); };
  std::unordered_map<std::uint64_t, Corner> next;
  next.reserve(cells.size() * 2);
  std::vector<Corner> starts;
  auto edge = [&](Corner a, Corner b) {
    next[ckey(a)] = b;
    starts.push_back(a);
  };
  for (const Cell& c : cells) {
    const std::int64_t i = c.i, j = c.j;
    if (!has(i, j - 1)) edge({i, j}, {i + 1, j});
    if (!has(i + 1, j)) edge({i + 1, j}, {i + 1, j + 1});
    if (!has(i, j + 1)) edge({i + 1, j + 1}, {i, j + 1});
    if (!has(i - 1, j)) edge({i, j + 1}, {i, j});
  }
  std::vector<std::vector<Corner>> rings;
  for (const Corner& s0 : starts) {
    auto it = next.find(ckey(s0));
    if (it == next.end()) continue;  // already on a traced ring
    std::vector<Corner> ring{s0};
    Corner cur = it->second;
    next.erase(it);
    while (!(cur == s0)) {
      ring.push_back(cur);
      auto nx = next.find(ckey(cur));
      if (nx == next.end()) break;
      cur = nx->second;
      next.erase(nx);
    }
    ring.push_back(s0);
    if (auto simple = straight_corners_dropped(ring)) rings.push_back(std::move(*simple));
  }
  return assemble(std::move(rings));
}

// Shells (counter-clockwise rings) with the holes (clockwise ones) each holds.
std::vector<std::vector<std::vector<Corner>>> assemble(std::vector<std::vector<Corner>> rings) {
  std::vector<std::vector<std::vector<Corner>>> polys;
  std::vector<double> shell_area;
  std::vector<std::array<std::int64_t, 4>> box;  // min i, min j, max i, max j of each shell
  std::vector<std::size_t> holes;
  for (std::size_t r = 0; r < rings.size(); ++r) {
    const double a = signed_area(rings[r]);
    if (a > 0) {
      std::array<std::int64_t, 4> b{rings[r][0].first, rings[r][0].second, rings[r][0].first, rings[r][0].second};
      for (const Corner& c : rings[r]) {
        b[0] = std::min(b[0], c.first);
        b[1] = std::min(b[1], c.second);
        b[2] = std::max(b[2], c.first);
        b[3] = std::max(b[3], c.second);
      }
      polys.push_back({rings[r]});
      shell_area.push_back(a);
      box.push_back(b);
    } else {
      holes.push_back(r);
    }
  }
  for (const std::size_t h : holes) {
    // The cell left of the hole's first edge is in the region, so its centre
    // lies inside the shell that holds the hole. A road grid makes a hole of
    // every block, so shells are screened by their boxes first.
    const Corner a = rings[h][0], b = rings[h][1];
    const double dx = static_cast<double>(b.first - a.first), dy = static_cast<double>(b.second - a.second);
    const double len = std::sqrt(dx * dx + dy * dy);
    const double mx = static_cast<double>(a.first) + 0.5 * dx / len - 0.5 * dy / len;
    const double my = static_cast<double>(a.second) + 0.5 * dy / len + 0.5 * dx / len;
    std::size_t best = polys.size();
    for (std::size_t p = 0; p < polys.size(); ++p) {
      if (mx < static_cast<double>(box[p][0]) || my < static_cast<double>(box[p][1]) ||
          mx > static_cast<double>(box[p][2]) || my > static_cast<double>(box[p][3]))
        continue;
      if (best != polys.size() && shell_area[p] >= shell_area[best]) continue;
      if (polys.size() == 1 || inside(polys[p][0], mx, my)) best = p;
    }
    if (best < polys.size()) polys[best].push_back(std::move(rings[h]));
  }
  return polys;
}

// The same tracing on a dense grid over the cells' bounding box: a byte per
// cell and a direction per corner instead of hash maps, several times faster
// for the compact areas of one facility. Falls back to the hash maps when the
// box is very large against the cells (scattered pieces).
std::vector<std::vector<std::vector<Corner>>> trace_dense(std::vector<Cell> cells) {
  if (cells.empty()) return {};
  const auto [i0, j0, i1, j1] = box_of(cells, [](const Cell& c) { return std::pair{c.i, c.j}; });
  // One empty cell of margin on each side; corners run one further.
  const std::int64_t w = i1 - i0 + 3, h = j1 - j0 + 3;
  if (w * h > std::max<std::int64_t>(std::int64_t{1} << 22, 64 * static_cast<std::int64_t>(cells.size())))
    return trace(std::move(cells));
  const std::int64_t bi = i0 - 1, bj = j0 - 1;  // cell (bi, bj) is index 0
  std::vector<std::uint8_t> in(static_cast<std::size_t>(w * h), 0);
  auto at = [&](std::int64_t i, std::int64_t j) { return static_cast<std::size_t>((i - bi) * h + (j - bj)); };
  for (const Cell& c : cells) in[at(c.i, c.j)] = 1;
  auto has = [&](std::int64_t i, std::int64_t j) { return in[at(i, j)] != 0; };
  for (std::size_t k = 0; k < cells.size(); ++k) {
    const Cell c = cells[k];
    for (const std::int64_t dj : {-1, 1}) {
      if (has(c.i + 1, c.j + dj) && !has(c.i + 1, c.j) && !has(c.i, c.j + dj)) {
        in[at(c.i + 1, c.j)] = 1;
        cells.push_back({c.i + 1, c.j});
      }
    }
  }
  // Per corner, the direction of the boundary edge leaving it (0 = none).
  const std::int64_t ch = h + 1;
  std::vector<std::uint8_t> out_dir(static_cast<std::size_t>((w + 1) * ch), 0);
  auto corner = [&](std::int64_t i, std::int64_t j) { return static_cast<std::size_t>((i - bi) * ch + (j - bj)); };
  std::vector<Corner> starts;
  starts.reserve(cells.size());
  auto edge = [&](std::int64_t i, std::int64_t j, std::uint8_t d) {
    out_dir[corner(i, j)] = d;
    starts.push_back({i, j});
  };
  constexpr std::int64_t di[5] = {0, 1, 0, -1, 0}, dj[5] = {0, 0, 1, 0, -1};
  for (const Cell& c : cells) {
    const std::int64_t i = c.i, j = c.j;
    if (!has(i, j - 1)) edge(i, j, 1);
    if (!has(i + 1, j)) edge(i + 1, j, 2);
    if (!has(i, j + 1)) edge(i + 1, j + 1, 3);
    if (!has(i - 1, j)) edge(i, j + 1, 4);
  }
  std::vector<std::vector<Corner>> rings;
  std::vector<Corner> ring;
  for (const Corner& s0 : starts) {
    std::uint8_t d = out_dir[corner(s0.first, s0.second)];
    if (d == 0) continue;  // already on a traced ring
    ring.clear();
    ring.push_back(s0);
    out_dir[corner(s0.first, s0.second)] = 0;
    Corner cur{s0.first + di[d], s0.second + dj[d]};
    while (!(cur == s0)) {
      ring.push_back(cur);
      std::uint8_t& nd = out_dir[corner(cur.first, cur.second)];
      if (nd == 0) break;
      d = nd;
      nd = 0;
      cur = {cur.first + di[d], cur.second + dj[d]};
    }
    ring.push_back(s0);
    if (auto simple = straight_corners_dropped(ring)) rings.push_back(std::move(*simple));
  }
  return assemble(std::move(rings));
}

// Area on the ellipsoid of polygons drawn in the local transverse Mercator
// CRS. The projection's areal scale depends on the distance from the central
// meridian (x) alone to within parts per billion over a county, so the area
// is the integral of 1/scale(x) over the polygon, with 1/scale(x) the
// quadratic through its values at the polygon's west edge, middle and east
// edge (each the geodesic area of a 1 km square there over its planar area),
// integrated exactly from the rings' moments. This agrees with the geodesic
// polygon through the corners (geod_polygonarea) to within 3e-5 (the
// province dataset's 10,521 areas) and costs three small geodesic polygons
// instead of one inverse geodesic per corner.
class EllipsoidArea {
 public:
  EllipsoidArea(const geo::Projector& proj) : proj_(proj) {}

  // rings[0] the shell, the rest holes, in metres of the local CRS (closed).
  double m2(const std::vector<std::vector<XY>>& rings) const {
    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, ymid = 0.0;
    for (const XY& p : rings[0]) {
      x0 = std::min(x0, p.x);
      x1 = std::max(x1, p.x);
      ymid += p.y;
    }
    ymid /= static_cast<double>(rings[0].size());
    const double xm = 0.5 * (x0 + x1), h = 0.5 * (x1 - x0);
    // 1/scale at xm - h, xm, xm + h; as a quadratic in u = x - xm.
    const double fa = inverse_scale(xm - h, ymid), fb = inverse_scale(xm, ymid), fc = inverse_scale(xm + h, ymid);
    const double c0 = fb;
    const double c1 = h > 0.0 ? (fc - fa) / (2.0 * h) : 0.0;
    const double c2 = h > 0.0 ? (fa + fc - 2.0 * fb) / (2.0 * h * h) : 0.0;
    double total = 0.0;
    for (std::size_t r = 0; r < rings.size(); ++r) {
      // Green's theorem: integrals of 1, u and u^2 over the ring's interior.
      double a = 0.0, su = 0.0, suu = 0.0;
      const auto& ring = rings[r];
      for (std::size_t k = 0; k + 1 < ring.size(); ++k) {
        const double ua = ring[k].x - xm, va = ring[k].y - ymid;
        const double ub = ring[k + 1].x - xm, vb = ring[k + 1].y - ymid;
        const double cr = ua * vb - ub * va;
        a += cr;
        su += cr * (ua + ub);
        suu += cr * (ua * ua + ua * ub + ub * ub);
      }
      const double part = std::fabs(c0 * a / 2.0 + c1 * su / 6.0 + c2 * suu / 12.0);
      total += r == 0 ? part : -part;
    }
    return total;
  }

 private:
  double inverse_scale(double x, double y) const {
    constexpr double d = 500.0;
    const std::vector<LonLat> sq{proj_.to_geographic({x - d, y - d}), proj_.to_geographic({x + d, y - d}),
                                 proj_.to_geographic({x + d, y + d}), proj_.to_geographic({x - d, y + d}),
                                 proj_.to_geographic({x - d, y - d})};
    const double g = geo::geodesic_ring_area_m2(sq);
    return g > 0.0 ? g / (4.0 * d * d) : 1.0;
  }
  const geo::Projector& proj_;
};

}  // namespace


std::vector<std::vector<std::vector<std::pair<double, double>>>> outline_cells(
    const std::vector<std::pair<std::int64_t, std::int64_t>>& cells, double hole_limit_cells, bool simplify) {
  if (cells.empty()) return {};
  const auto [i0, j0, i1, j1] = box_of(cells, [](const auto& c) { return c; });
  const std::int64_t w = i1 - i0 + 3, h = j1 - j0 + 3;
  std::vector<std::uint32_t> in;
  for (const auto& [i, j] : cells) in.push_back(static_cast<std::uint32_t>((i - i0 + 1) * h + (j - j0 + 1)));
  std::sort(in.begin(), in.end());
  in.erase(std::unique(in.begin(), in.end()), in.end());
  Outliner outliner;
  const auto polys = outliner.run(in, w, h, hole_limit_cells, [](std::span<const BoxCell>) { return false; },
                                  simplify ? kSimplifyTol : 0.0);
  std::vector<std::vector<std::vector<std::pair<double, double>>>> out;
  for (const Poly2& p : polys) {
    auto& op = out.emplace_back();
    for (const Ring2& r : p) {
      auto& orr = op.emplace_back();
      for (const P2& q : r) orr.emplace_back(static_cast<double>(i0 - 1) + 0.5 * q.x, static_cast<double>(j0 - 1) + 0.5 * q.y);
      orr.push_back(orr.front());
    }
  }
  return out;
}

std::vector<std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>>> trace_cells(
    const std::vector<std::pair<std::int64_t, std::int64_t>>& cells, bool dense) {
  std::vector<Cell> c;
  c.reserve(cells.size());
  for (const auto& [i, j] : cells) c.push_back({i, j});
  return dense ? trace_dense(std::move(c)) : trace(std::move(c));
}

std::vector<ServiceArea> service_areas_reference(const network::EdgeSnapper& s, const network::RoadGraph& g,
                                                 const Pass& pass, const std::vector<FacilityResult>& facilities,
                                                 const CoverageOptions& o, model::Tier tier) {
  const auto& L = pass.labels;
  const double cell = o.area_cell_m;
  const double max_s = o.bands_min.back() * 60.0;
  const double inf = std::numeric_limits<double>::infinity();
  // Grid origin: any fixed point works; the first node keeps indices small.
  const XY origin = g.node_count() ? g.xy(VertexId(0)) : XY{};
  auto cell_of = [&](XY p) {
    return Cell{static_cast<std::int64_t>(std::floor((p.x - origin.x) / cell)),
                static_cast<std::int64_t>(std::floor((p.y - origin.y) / cell))};
  };
  auto key = [](Cell c) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(c.i + (1 << 30))) << 32) |
           static_cast<std::uint64_t>(static_cast<std::uint32_t>(c.j + (1 << 30)));
  };
  std::vector<Sample> samples;
  std::vector<std::pair<double, std::size_t>> own;  // per piece: facilities attached to it
  // Road length reached per owner and band, to a third of a cell.
  const std::size_t nb = o.bands_min.size();
  std::vector<double> road_m(facilities.size() * nb, 0.0);
  std::vector<double> band_s(nb);
  for (std::size_t b = 0; b < nb; ++b) band_s[b] = o.bands_min[b] * 60.0;
  // Consecutive samples in one cell for one owner keep only the earliest.
  const auto add_sample = [&](std::uint64_t k, std::size_t w, double c) {
    if (!samples.empty() && samples.back().key == k && samples.back().owner == w) {
      samples.back().cost = std::min(samples.back().cost, c);
      return;
    }
    samples.push_back({k, w, c});
  };
  for (std::uint32_t i = 0; i < s.piece_count(); ++i) {
    const network::EdgePiece& pc = s.piece(i);
    const bool f = pc.forward_arc.valid() && L.reached(pc.from), b = pc.backward_arc.valid() && L.reached(pc.to);
    const double cf = f ? L.cost[pc.from.value()] : inf, cb = b ? L.cost[pc.to.value()] : inf;
    const double tf = f ? g.time_s(pc.forward_arc) : 0.0, tb = b ? g.time_s(pc.backward_arc) : 0.0;
    const std::size_t of = f ? pass.owner[L.source[pc.from.value()]] : kNone;
    const std::size_t ob = b ? pass.owner[L.source[pc.to.value()]] : kNone;
    own.clear();
    const auto range = pass.on_piece.equal_range(i);
    for (auto it = range.first; it != range.second; ++it) own.push_back({facilities[it->second].at.along_m, it->second});
    if (!(cf <= max_s) && !(cb <= max_s) && own.empty()) continue;
    // The cheapest arrival at distance d along the piece, and its owner.
    auto at = [&](double d) {
      const double len = pc.length_m > 0.0 ? pc.length_m : 1.0;
      double c = inf;
      std::size_t w = kNone;
      if (f && cf + d / len * tf < c) c = cf + d / len * tf, w = of;
      if (b && cb + (pc.length_m - d) / len * tb < c) c = cb + (pc.length_m - d) / len * tb, w = ob;
      for (const auto& [along, slot] : own) {
        const double cc = network::access_seconds(facilities[slot].at.snap_m, o.access_kmh) +
                          network::along_piece_cost(s, g, i, along, d, network::Metric::time_s);
        if (cc < c) c = cc, w = slot;
      }
      return std::pair<double, std::size_t>{c, w};
    };
    const std::vector<XY> line = s.piece_line_xy(i);
    // Sample every third of a cell along the line; a step into a diagonal
    // cell also marks a side cell so that corridors stay edge-connected.
    const double step = cell / 3.0;
    double d0 = 0.0;
    bool have_prev = false;
    Cell prev{};
    for (std::size_t k = 0; k + 1 < line.size(); ++k) {
      const double ex = line[k + 1].x - line[k].x, ey = line[k + 1].y - line[k].y;
      const double seg = std::sqrt(ex * ex + ey * ey);
      const int n = std::max(1, static_cast<int>(std::ceil(seg / step)));
      for (int q = (k == 0 ? 0 : 1); q <= n; ++q) {
        const double t = static_cast<double>(q) / n;
        const XY p{line[k].x + t * (line[k + 1].x - line[k].x), line[k].y + t * (line[k + 1].y - line[k].y)};
        // Planar distance along stands in for the geodesic one within a piece.
        const double d = std::min(pc.length_m, (d0 + t * seg) * (pc.length_m > 0 ? 1.0 : 0.0));
        const auto [c, w] = at(d);
        const Cell cl = cell_of(p);
        if (q > 0) {
          // Road length by the cost at the middle of each step.
          const auto [cm, wm] = at(std::min(pc.length_m, d0 + (q - 0.5) / n * seg));
          if (wm != kNone)
            for (std::size_t bnd = 0; bnd < nb; ++bnd)
              if (cm <= band_s[bnd]) road_m[wm * nb + bnd] += seg / n;
        }
        if (c <= max_s && w != kNone) {
          add_sample(key(cl), w, c);
          if (have_prev && prev.i != cl.i && prev.j != cl.j) add_sample(key(Cell{prev.i, cl.j}), w, c);
        }
        prev = cl;
        have_prev = true;
      }
      d0 += seg;
    }
  }
  // One owner per cell: the one arriving first.
  std::sort(samples.begin(), samples.end(), [](const Sample& a, const Sample& b) {
    return a.key != b.key ? a.key < b.key : a.cost < b.cost;
  });
  std::vector<Sample> cells;
  for (const Sample& x : samples)
    if (cells.empty() || cells.back().key != x.key) cells.push_back(x);
  std::vector<Sample>().swap(samples);
  std::sort(cells.begin(), cells.end(), [](const Sample& a, const Sample& b) { return a.owner < b.owner; });

  std::vector<ServiceArea> out;
  // PROJ objects are not shared between threads: the tiers run in parallel.
  const geo::Projector proj(s.projector().crs());
  const EllipsoidArea area(proj);
  for (std::size_t i = 0; i < cells.size();) {
    std::size_t j = i;
    while (j < cells.size() && cells[j].owner == cells[i].owner) ++j;
    for (std::size_t bnd = 0; bnd < o.bands_min.size(); ++bnd) {
      const double limit = o.bands_min[bnd] * 60.0;
      std::vector<Cell> set;
      for (std::size_t k = i; k < j; ++k)
        if (cells[k].cost <= limit)
          set.push_back({static_cast<std::int64_t>(cells[k].key >> 32) - (1 << 30),
                         static_cast<std::int64_t>(cells[k].key & 0xffffffffu) - (1 << 30)});
      if (set.empty()) continue;
      ServiceArea a;
      a.facility = facilities[cells[i].owner].facility;
      a.tier = tier;
      a.band_min = o.bands_min[bnd];
      a.road_km = road_m[cells[i].owner * nb + bnd] / 1000.0;
      for (const auto& poly : trace_dense(std::move(set))) {
        model::Polygon p;
        std::vector<std::vector<XY>> xy_rings;
        for (const auto& ring : poly) {
          model::Ring r;
          std::vector<XY> xr;
          r.reserve(ring.size());
          xr.reserve(ring.size());
          for (const Corner& c : ring) {
            const XY q{origin.x + static_cast<double>(c.first) * cell, origin.y + static_cast<double>(c.second) * cell};
            xr.push_back(q);
            r.push_back(proj.to_geographic(q));
          }
          p.rings.push_back(std::move(r));
          xy_rings.push_back(std::move(xr));
        }
        a.area_km2 += area.m2(xy_rings) / 1e6;
        a.geometry.push_back(std::move(p));
      }
      out.push_back(std::move(a));
    }
    i = j;
  }
  return out;
}

namespace {

// The earliest arrival in each grid cell a reached road crosses, over the
// whole tier, in an open-addressing hash table (roads are thin: tiles of a
// dense grid would be mostly empty). Nearly every offer misses the cache,
// so offers wait in a short queue while their home slots are prefetched:
// several misses are then in flight at once instead of one after another.
// The queue is first in, first out, so the table is the same as without it.
class CellTable {
 public:
  static constexpr std::uint32_t kEmpty = std::numeric_limits<std::uint32_t>::max();
  // 12 bytes a cell: a 48-bit cell key, the arrival cost in 1/65534 of the
  // largest band (rounded down), and the facility slot.
  struct Slot {
    std::uint32_t lo = 0;
    std::uint16_t hi = 0;
    std::uint16_t cost = 0;
    std::uint32_t owner = kEmpty;
  };
  static constexpr std::int64_t kHalf = std::int64_t{1} << 23;

  CellTable(std::size_t expected, double max_cost) : unit_(max_cost / 65534.0) {
    assign_huge(slots_, std::max<std::size_t>(1024, static_cast<std::size_t>(static_cast<double>(expected) / 0.8)), Slot{});
  }
  std::uint16_t quantum(double cost) const {
    return static_cast<std::uint16_t>(std::clamp(std::floor(cost / unit_), 0.0, 65534.0));
  }
  void offer(std::int64_t i, std::int64_t j, double cost, std::uint32_t owner) {
    if (i + kHalf < 0 || i + kHalf >= 2 * kHalf || j + kHalf < 0 || j + kHalf >= 2 * kHalf)
      throw RunError("the service-area grid has more than 16,777,216 cells a side; use a larger --area-cell");
    // The table grows exactly where it would without the queue: when the
    // cells inserted so far might reach the limit, the queue is emptied and
    // the limit checked against the true count.
    if (static_cast<double>(used_ + queued_ + 1) > 0.9 * static_cast<double>(slots_.size())) {
      flush();
      if (static_cast<double>(used_ + 1) > 0.9 * static_cast<double>(slots_.size())) grow();
    }
    const std::uint64_t key = key_of(i, j);
    const std::size_t home = home_of(key);
    __builtin_prefetch(&slots_[home], 1);
    if (queued_ == kQueue) {
      apply(queue_[head_]);
      head_ = (head_ + 1) % kQueue;
      --queued_;
    }
    queue_[(head_ + queued_) % kQueue] = {key, home, quantum(cost), owner};
    ++queued_;
  }
  // Every queued offer into the table; call before reading it.
  void flush() {
    for (; queued_ > 0; --queued_, head_ = (head_ + 1) % kQueue) apply(queue_[head_]);
    head_ = 0;
  }
  // Cells in [i0, i0 + w) x [j0, j0 + h) are also marked in a bitmap as
  // they are first offered, so that a lookup of a cell no road crosses
  // (most cells of a hole) costs one bit, nearby bits cached, instead of a
  // probe at random in the table. Call before the first offer.
  void mark_occupied_within(std::int64_t i0, std::int64_t j0, std::int64_t w, std::int64_t h) {
    bi0_ = i0;
    bj0_ = j0;
    bw_ = w;
    bh_ = h;
    bits_.assign(static_cast<std::size_t>((w * h + 63) / 64), 0);
  }
  // False only for a cell no road crosses; true may also be such a cell.
  bool maybe_occupied(std::int64_t i, std::int64_t j) const {
    const std::int64_t k = bit_of(i, j);
    return k < 0 || ((bits_[static_cast<std::size_t>(k) >> 6] >> (k & 63)) & 1) != 0;
  }
  const Slot* find(std::int64_t i, std::int64_t j) const {
    const std::uint64_t key = key_of(i, j);
    const Slot& s = slots_[index(key, home_of(key))];
    return s.owner == kEmpty ? nullptr : &s;
  }
  // A hint that find(i, j) follows shortly.
  void prefetch(std::int64_t i, std::int64_t j) const { __builtin_prefetch(&slots_[home_of(key_of(i, j))]); }
  const std::vector<Slot>& slots() const { return slots_; }
  static std::pair<std::int64_t, std::int64_t> cell(const Slot& s) {
    const std::uint64_t key = (static_cast<std::uint64_t>(s.hi) << 32) | s.lo;
    return {static_cast<std::int64_t>(key >> 24) - kHalf, static_cast<std::int64_t>(key & 0xffffff) - kHalf};
  }

 private:
  struct Offer {
    std::uint64_t key;
    std::size_t home;
    std::uint16_t cost;
    std::uint32_t owner;
  };
  // Enough misses in flight to cover memory latency; more only adds
  // bookkeeping.
  static constexpr std::size_t kQueue = 16;

  static std::uint64_t key_of(std::int64_t i, std::int64_t j) {
    return (static_cast<std::uint64_t>(i + kHalf) << 24) | static_cast<std::uint64_t>(j + kHalf);
  }
  // The cell's bit, or -1 outside the bitmap (or without one).
  std::int64_t bit_of(std::int64_t i, std::int64_t j) const {
    const std::int64_t di = i - bi0_, dj = j - bj0_;
    if (di < 0 || dj < 0 || di >= bw_ || dj >= bh_) return -1;
    return di * bh_ + dj;
  }
  // Any table size: the hash scaled to it (Lemire's multiply-shift).
  std::size_t home_of(std::uint64_t key) const {
    return static_cast<std::size_t>((((key * 0x9E3779B97F4A7C15ull) >> 32) * slots_.size()) >> 32);
  }
  // The slot holding key, or the free slot where it would go.
  std::size_t index(std::uint64_t key, std::size_t k) const {
    const std::size_t n = slots_.size();
    while (slots_[k].owner != kEmpty &&
           ((static_cast<std::uint64_t>(slots_[k].hi) << 32) | slots_[k].lo) != key)
      k = k + 1 == n ? 0 : k + 1;
    return k;
  }
  void apply(const Offer& o) {
    Slot& s = slots_[index(o.key, o.home)];
    if (s.owner == kEmpty) {
      s = {static_cast<std::uint32_t>(o.key), static_cast<std::uint16_t>(o.key >> 32), o.cost, o.owner};
      ++used_;
      const std::int64_t k = bit_of(static_cast<std::int64_t>(o.key >> 24) - kHalf,
                                    static_cast<std::int64_t>(o.key & 0xffffff) - kHalf);
      if (k >= 0) bits_[static_cast<std::size_t>(k) >> 6] |= std::uint64_t{1} << (k & 63);
    } else if (o.cost < s.cost || (o.cost == s.cost && o.owner < s.owner)) {
      s.cost = o.cost;
      s.owner = o.owner;
    }
  }
  void grow() {
    std::vector<Slot> old;
    assign_huge(old, slots_.size() + slots_.size() / 2, Slot{});
    old.swap(slots_);
    for (const Slot& s : old)
      if (s.owner != kEmpty) {
        const std::uint64_t key = (static_cast<std::uint64_t>(s.hi) << 32) | s.lo;
        slots_[index(key, home_of(key))] = s;
      }
  }
  double unit_;
  std::vector<Slot> slots_;
  std::size_t used_ = 0;
  std::array<Offer, kQueue> queue_{};
  std::size_t head_ = 0, queued_ = 0;
  std::int64_t bi0_ = 0, bj0_ = 0, bw_ = 0, bh_ = 0;
  std::vector<std::uint64_t> bits_;
};

// The arrival cost along one piece from each way in: a facility's label at
// either end node, or a facility attached to the piece itself. Each is
// linear in the distance along, but for a facility on the piece, whose cost
// grows both ways from where it attaches.
struct Way {
  double base;      // cost at `at`
  double at;        // metres along
  double fwd, bwd;  // seconds per metre going up / down the piece (inf: not allowed)
  std::size_t owner;
  double cost(double d) const {
    if (d > at) return base + (d - at) * fwd;
    if (d < at) return base + (at - d) * bwd;
    return base;
  }
};

}  // namespace

std::vector<ServiceArea> service_areas(const network::EdgeSnapper& s, const network::RoadGraph& g, const Pass& pass,
                                       const std::vector<FacilityResult>& facilities, const CoverageOptions& o,
                                       model::Tier tier) {
  const auto& L = pass.labels;
  const double cell = o.area_cell_m;
  const double max_s = o.bands_min.back() * 60.0;
  const double inf = std::numeric_limits<double>::infinity();
  const XY origin = g.node_count() ? g.xy(VertexId(0)) : XY{};
  const std::size_t nb = o.bands_min.size();
  std::vector<double> band_s(nb);
  for (std::size_t b = 0; b < nb; ++b) band_s[b] = o.bands_min[b] * 60.0;
  std::vector<double> road_m(facilities.size() * nb, 0.0);
  // Cells to expect: the length of the reached pieces in cells (a line
  // crosses up to 1.4 cells per cell of length; crossings share cells).
  double expect = 0.0;
  for (std::uint32_t i = 0; i < s.piece_count(); ++i) {
    const network::EdgePiece& pc = s.piece(i);
    if ((L.reached(pc.from) && L.cost[pc.from.value()] <= max_s) || (L.reached(pc.to) && L.cost[pc.to.value()] <= max_s))
      expect += pc.length_m / cell + 1.0;
  }
  CellTable raster(static_cast<std::size_t>(expect) + pass.on_piece.size() * 64, max_s);
  {
    // The bitmap spans the nodes' cells and a margin for roads that bulge
    // beyond them (cells outside it are looked up in the table), unless
    // that would take more than a small share of the table's own memory.
    double x0 = std::numeric_limits<double>::infinity(), y0 = x0, x1 = -x0, y1 = -x0;
    for (std::uint32_t v = 0; v < g.node_count(); ++v) {
      const XY p = g.xy(VertexId(v));
      x0 = std::min(x0, p.x);
      y0 = std::min(y0, p.y);
      x1 = std::max(x1, p.x);
      y1 = std::max(y1, p.y);
    }
    constexpr double margin = 64.0;
    const double w = std::floor((x1 - origin.x) / cell) - std::floor((x0 - origin.x) / cell) + 2 * margin + 1;
    const double h = std::floor((y1 - origin.y) / cell) - std::floor((y0 - origin.y) / cell) + 2 * margin + 1;
    if (g.node_count() > 0 && w * h / 8.0 <= 0.25 * static_cast<double>(raster.slots().size() * sizeof(CellTable::Slot)))
      raster.mark_occupied_within(static_cast<std::int64_t>(std::floor((x0 - origin.x) / cell) - margin),
                                  static_cast<std::int64_t>(std::floor((y0 - origin.y) / cell) - margin),
                                  static_cast<std::int64_t>(w), static_cast<std::int64_t>(h));
  }
  // The facilities on each piece, by piece, for a cursor that moves with the
  // walk instead of a hash lookup per piece; a stable sort keeps those of one
  // piece in the order equal_range gives them.
  std::vector<std::pair<std::uint32_t, std::size_t>> on_piece(pass.on_piece.begin(), pass.on_piece.end());
  std::stable_sort(on_piece.begin(), on_piece.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::size_t next_on = 0;
  std::vector<Way> ways;
  std::vector<double> cuts, seg_len;
  std::vector<XY> line;
  for (std::uint32_t i = 0; i < s.piece_count(); ++i) {
    const network::EdgePiece& pc = s.piece(i);
    const double len = pc.length_m;
    const double tf = pc.forward_arc.valid() ? g.time_s(pc.forward_arc) : inf;
    const double tb = pc.backward_arc.valid() ? g.time_s(pc.backward_arc) : inf;
    const double uf = len > 0.0 ? tf / len : (pc.forward_arc.valid() ? 0.0 : inf);
    const double ub = len > 0.0 ? tb / len : (pc.backward_arc.valid() ? 0.0 : inf);
    ways.clear();
    if (pc.forward_arc.valid() && L.reached(pc.from) && L.cost[pc.from.value()] <= max_s)
      ways.push_back({L.cost[pc.from.value()], 0.0, uf, inf, pass.owner[L.source[pc.from.value()]]});
    if (pc.backward_arc.valid() && L.reached(pc.to) && L.cost[pc.to.value()] <= max_s)
      ways.push_back({L.cost[pc.to.value()], len, inf, ub, pass.owner[L.source[pc.to.value()]]});
    for (; next_on < on_piece.size() && on_piece[next_on].first == i; ++next_on) {
      const std::size_t slot = on_piece[next_on].second;
      const Attachment& a = facilities[slot].at;
      ways.push_back({network::access_seconds(a.snap_m, o.access_kmh), std::clamp(a.along_m, 0.0, len), uf, ub, slot});
    }
    if (ways.empty()) continue;
    // Facilities attached to one piece come in no fixed order.
    std::sort(ways.begin(), ways.end(), [](const Way& a, const Way& b) {
      return a.owner != b.owner ? a.owner < b.owner : a.at < b.at;
    });
    auto best = [&](double d) {
      double c = inf;
      std::size_t w = kNone;
      for (const Way& x : ways) {
        const double cc = x.cost(d);
        if (cc < c) c = cc, w = x.owner;
      }
      return std::pair<double, std::size_t>{c, w};
    };
    // Reached road length per owner and band, exactly: between the cuts
    // (the ends, where facilities attach, where two ways cost the same) one
    // way is cheapest and its cost is linear.
    cuts.assign({0.0, len});
    for (const Way& x : ways) cuts.push_back(x.at);
    {
      std::sort(cuts.begin(), cuts.end());
      const std::size_t base = cuts.size();
      for (std::size_t c = 0; c + 1 < base; ++c) {
        const double u = cuts[c], v = cuts[c + 1];
        if (!(v > u)) continue;
        for (std::size_t p = 0; p < ways.size(); ++p)
          for (std::size_t q = p + 1; q < ways.size(); ++q) {
            const double du = ways[p].cost(u) - ways[q].cost(u), dv = ways[p].cost(v) - ways[q].cost(v);
            if (std::isfinite(du) && std::isfinite(dv) && ((du < 0) != (dv < 0)) && du != dv)
              cuts.push_back(u + (v - u) * du / (du - dv));
          }
      }
      std::sort(cuts.begin(), cuts.end());
      for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
        const double u = cuts[c], v = cuts[c + 1];
        if (!(v > u)) continue;
        const auto [cm, w] = best(0.5 * (u + v));
        if (w == kNone || !std::isfinite(cm)) continue;
        // The cheapest way there, linear over [u, v].
        const Way* x = nullptr;
        for (const Way& y : ways)
          if (y.owner == w && y.cost(0.5 * (u + v)) == cm) {
            x = &y;
            break;
          }
        const double cu = x->cost(u), cv = x->cost(v);
        for (std::size_t b = 0; b < nb; ++b) {
          const double B = band_s[b];
          double part;
          if (cu <= B && cv <= B) part = v - u;
          else if (cu > B && cv > B) part = 0.0;
          else part = (v - u) * (cu <= B ? (B - cu) / (cv - cu) : (B - cv) / (cu - cv));
          road_m[w * nb + b] += part;
        }
      }
    }
    // The cells the piece's line crosses, each with the cheapest arrival on
    // the part of the road inside it: at the ends of that part, or where a
    // facility attaches within it.
    s.piece_line_xy_into(i, 0.0, inf, line);
    // Metre-scale differences: the plain square root is as good as hypot
    // here, at a fraction of its cost over ten million pieces.
    seg_len.resize(line.size());
    double planar = 0.0;
    for (std::size_t k = 0; k + 1 < line.size(); ++k) {
      const double dx = line[k + 1].x - line[k].x, dy = line[k + 1].y - line[k].y;
      seg_len[k] = std::sqrt(dx * dx + dy * dy);
      planar += seg_len[k];
    }
    const double scale = planar > 0.0 ? len / planar : 0.0;  // planar to geodesic metres along
    auto offer = [&](std::int64_t ci, std::int64_t cj, double da, double db, std::pair<double, std::size_t> ea,
                     std::pair<double, std::size_t> eb) {
      auto e = ea.first <= eb.first ? ea : eb;
      for (const Way& x : ways)
        if (x.at > da && x.at < db) {
          const auto m = best(x.at);
          if (m.first < e.first) e = m;
        }
      if (e.second != kNone && e.first <= max_s) raster.offer(ci, cj, e.first, static_cast<std::uint32_t>(e.second));
    };
    double d0 = 0.0;
    for (std::size_t k = 0; k + 1 < line.size(); ++k) {
      const double gx0 = (line[k].x - origin.x) / cell, gy0 = (line[k].y - origin.y) / cell;
      const double gx1 = (line[k + 1].x - origin.x) / cell, gy1 = (line[k + 1].y - origin.y) / cell;
      const double seg = seg_len[k] * scale;
      const double dx = gx1 - gx0, dy = gy1 - gy0;
      std::int64_t ci = static_cast<std::int64_t>(std::floor(gx0)), cj = static_cast<std::int64_t>(std::floor(gy0));
      const std::int64_t ei = static_cast<std::int64_t>(std::floor(gx1)), ej = static_cast<std::int64_t>(std::floor(gy1));
      const std::int64_t si = dx > 0 ? 1 : -1, sj = dy > 0 ? 1 : -1;
      double tx = dx != 0.0 ? ((dx > 0 ? static_cast<double>(ci + 1) : static_cast<double>(ci)) - gx0) / dx : inf;
      double ty = dy != 0.0 ? ((dy > 0 ? static_cast<double>(cj + 1) : static_cast<double>(cj)) - gy0) / dy : inf;
      const double sx = dx != 0.0 ? std::fabs(1.0 / dx) : inf, sy = dy != 0.0 ? std::fabs(1.0 / dy) : inf;
      double t0 = 0.0;
      auto e0 = best(std::min(len, d0));
      std::int64_t left = std::abs(ei - ci) + std::abs(ej - cj);
      while (left > 0 && std::min(tx, ty) < 1.0) {
        const double t = std::min(tx, ty);
        const double dt = std::min(len, d0 + t * seg);
        const auto e1 = best(dt);
        offer(ci, cj, std::min(len, d0 + t0 * seg), dt, e0, e1);
        if (tx < ty) {
          ci += si;
          tx += sx;
          --left;
        } else if (ty < tx) {
          cj += sj;
          ty += sy;
          --left;
        } else {
          // Through a corner: the side cell keeps the corridor edge-connected.
          offer(ci + si, cj, dt, dt, e1, e1);
          ci += si;
          cj += sj;
          tx += sx;
          ty += sy;
          left -= 2;
        }
        t0 = t;
        e0 = e1;
      }
      const double dend = std::min(len, d0 + seg);
      offer(ci, cj, std::min(len, d0 + t0 * seg), dend, e0, best(dend));
      d0 += seg;
    }
  }

  raster.flush();
  // The table's slots by owner (a counting sort: slot order within one).
  std::vector<std::uint32_t> first(facilities.size() + 1, 0), by_owner;
  for (const CellTable::Slot& e : raster.slots())
    if (e.owner != CellTable::kEmpty) ++first[e.owner + 1];
  for (std::size_t k = 1; k < first.size(); ++k) first[k] += first[k - 1];
  by_owner.resize(first.back());
  {
    std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
    for (std::size_t k = 0; k < raster.slots().size(); ++k)
      if (raster.slots()[k].owner != CellTable::kEmpty) by_owner[fill[raster.slots()[k].owner]++] = static_cast<std::uint32_t>(k);
  }
  std::vector<std::uint16_t> band_q(nb);
  for (std::size_t b = 0; b < nb; ++b) band_q[b] = raster.quantum(band_s[b]);

  const double hole_limit = o.area_fill_holes_km2 * 1e6 / (cell * cell);  // in cells
  struct OwnCell {
    std::int64_t i, j;
    std::uint8_t band;
  };
  // The owners' outlines are independent: they are shared out among the
  // threads (interleaved, as owners differ in size), each with its own PROJ
  // objects, and collected in owner order so the result does not depend on
  // the threads. The two tiers run side by side, each on all cores, so the
  // larger tier goes on using both once the other is done.
  const std::size_t owners = first.size() - 1;
  std::vector<std::vector<ServiceArea>> of_owner(owners);
  parallel_for(owners, [&](std::size_t first_owner, std::size_t stride) {
    const geo::Projector proj(s.projector().crs());
    const EllipsoidArea area(proj);
    Outliner outliner;
    std::vector<OwnCell> own;
    std::vector<std::uint32_t> in;
    std::vector<BoxCell> crossed;  // a hole's empty cells that a road may cross
    for (std::size_t wo = first_owner; wo < owners; wo += stride) {
      const auto w = static_cast<std::uint32_t>(wo);
      own.clear();
      // The owner's slots lie all over the table: each is fetched a few
      // iterations ahead of its use.
      constexpr std::uint32_t ahead = 32;
      for (std::uint32_t k = first[w]; k < first[w + 1]; ++k) {
        if (k + ahead < first[w + 1]) __builtin_prefetch(&raster.slots()[by_owner[k + ahead]]);
        const CellTable::Slot& e = raster.slots()[by_owner[k]];
        std::uint8_t b = 0;
        while (b < nb && e.cost > band_q[b]) ++b;
        if (b < nb) {
          const auto [ci, cj] = CellTable::cell(e);
          own.push_back({ci, cj, b});
        }
      }
      if (own.empty()) continue;
      const auto [i0, j0, i1, j1] = box_of(own, [](const OwnCell& c) { return std::pair{c.i, c.j}; });
      const std::int64_t gw = i1 - i0 + 3, gh = j1 - j0 + 3, bi = i0 - 1, bj = j0 - 1;
      // Every outline vertex lies in the box of the owner's cells.
      const geo::LocalInverse inverse(proj, origin.x + static_cast<double>(bi) * cell,
                                      origin.y + static_cast<double>(bj) * cell,
                                      origin.x + static_cast<double>(bi + gw) * cell,
                                      origin.y + static_cast<double>(bj + gh) * cell);
      // A gap holding another facility's cell stays open: areas of a tier do
      // not overlap.
      const auto blocked = [&](std::span<const BoxCell> gaps) {
        crossed.clear();
        for (const BoxCell& c : gaps)
          if (raster.maybe_occupied(c.x + bi, c.y + bj)) {
            raster.prefetch(c.x + bi, c.y + bj);
            crossed.push_back(c);
          }
        for (const BoxCell& c : crossed) {
          const CellTable::Slot* e = raster.find(c.x + bi, c.y + bj);
          if (e && e->owner != w) return true;
        }
        return false;
      };
      std::size_t drawn = 0;  // cells of the band drawn last
      for (std::size_t b = 0; b < nb; ++b) {
        in.clear();
        for (const OwnCell& c : own)
          if (c.band <= b) in.push_back(static_cast<std::uint32_t>((c.i - bi) * gh + (c.j - bj)));
        if (in.empty()) continue;
        ServiceArea sa;
        sa.facility = facilities[w].facility;
        sa.tier = tier;
        sa.band_min = o.bands_min[b];
        sa.road_km = road_m[w * nb + b] / 1000.0;
        // A facility whose cells all lie within the smaller band has the
        // same cells, in the same order, so the same outline: copied, not
        // drawn again (the larger bands of a station hemmed in by its
        // neighbours are often the same area).
        const bool same_cells = drawn == in.size() && !of_owner[w].empty();
        drawn = in.size();
        if (same_cells) {
          sa.geometry = of_owner[w].back().geometry;
          sa.area_km2 = of_owner[w].back().area_km2;
          of_owner[w].push_back(std::move(sa));
          continue;
        }
        for (const Poly2& poly : outliner.run(in, gw, gh, hole_limit, blocked, kSimplifyTol)) {
          model::Polygon p;
          std::vector<std::vector<XY>> xy_rings;
          for (const Ring2& ring : poly) {
            std::vector<XY> xr;
            xr.reserve(ring.size() + 1);
            for (const P2& c : ring)
              xr.push_back({origin.x + (static_cast<double>(bi) + 0.5 * c.x) * cell,
                            origin.y + (static_cast<double>(bj) + 0.5 * c.y) * cell});
            xr.push_back(xr.front());
            model::Ring r;
            inverse.to_geographic(xr, r);
            p.rings.push_back(std::move(r));
            xy_rings.push_back(std::move(xr));
          }
          sa.area_km2 += area.m2(xy_rings) / 1e6;
          sa.geometry.push_back(std::move(p));
        }
        of_owner[w].push_back(std::move(sa));
      }
    }
  });
  std::vector<ServiceArea> out;
  for (auto& list : of_owner)
    for (ServiceArea& a : list) out.push_back(std::move(a));
  return out;
}

}  // namespace ruralnet::coverage::detail
