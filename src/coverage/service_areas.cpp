// Service areas: the roads a facility reaches first within each time band,
// drawn as the cells of a square grid in the local metric CRS that those
// roads pass through, and traced into polygons (docs/coverage.md). Tracing
// cell boundaries is linear in the number of cells; buffering and unioning
// every reached road with GEOS took ten seconds on the demo city.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <utility>
#include <unordered_map>

#include "passes.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/geo/grid_index.hpp"

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
  std::int64_t i0 = cells[0].i, j0 = cells[0].j, i1 = i0, j1 = j0;
  for (const Cell& c : cells) {
    i0 = std::min(i0, c.i);
    j0 = std::min(j0, c.j);
    i1 = std::max(i1, c.i);
    j1 = std::max(j1, c.j);
  }
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

std::vector<std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>>> trace_cells(
    const std::vector<std::pair<std::int64_t, std::int64_t>>& cells, bool dense) {
  std::vector<Cell> c;
  c.reserve(cells.size());
  for (const auto& [i, j] : cells) c.push_back({i, j});
  return dense ? trace_dense(std::move(c)) : trace(std::move(c));
}

std::vector<ServiceArea> service_areas(const network::EdgeSnapper& s, const network::RoadGraph& g, const Pass& pass,
                                       const std::vector<FacilityResult>& facilities, const CoverageOptions& o,
                                       model::Tier tier) {
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

}  // namespace ruralnet::coverage::detail
