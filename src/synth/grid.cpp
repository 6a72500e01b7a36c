// Administrative areas as unions of grid cells: growing them and tracing
// their boundaries into polygons.
#include <algorithm>
#include <array>
#include <queue>
#include <unordered_map>

#include "detail.hpp"

namespace ruralnet::synth::detail {

void Grid::init(const Extent& e, double cell_deg) {
  d = cell_deg;
  // Whole cells, one free row and column around, so the border is outside.
  lon0 = std::floor(e.min_lon / d) * d - d;
  lat0 = std::floor(e.min_lat / d) * d - d;
  nx = static_cast<int>(std::ceil((e.max_lon - lon0) / d)) + 2;
  ny = static_cast<int>(std::ceil((e.max_lat - lat0) / d)) + 2;
  vlon.resize(static_cast<std::size_t>(nx + 1));
  vlat.resize(static_cast<std::size_t>(ny + 1));
  for (int i = 0; i <= nx; ++i) vlon[static_cast<std::size_t>(i)] = lon0 + i * d;
  for (int j = 0; j <= ny; ++j) vlat[static_cast<std::size_t>(j)] = lat0 + j * d;
  // Cell areas on the authalic sphere of the CGCS2000 ellipsoid: close enough
  // (0.2%) to aim at area targets; measured areas are geodesic.
  constexpr double R = 6371.0072;
  constexpr double deg = 3.141592653589793 / 180.0;
  row_area_km2.resize(static_cast<std::size_t>(ny));
  for (int j = 0; j < ny; ++j)
    row_area_km2[static_cast<std::size_t>(j)] =
        R * R * d * deg * (std::sin(vlat[static_cast<std::size_t>(j + 1)] * deg) - std::sin(vlat[static_cast<std::size_t>(j)] * deg));
}

void grow_regions(const Grid& g, std::vector<int>& label, const std::vector<int>& seeds, const std::vector<int>& labels,
                  const std::vector<double>& target_km2, const std::function<bool(int cell)>& free_cell,
                  const std::function<double(std::size_t region, int cell)>& key) {
  using QE = std::pair<double, int>;
  const std::size_t n = seeds.size();
  std::vector<std::priority_queue<QE, std::vector<QE>, std::greater<QE>>> queue(n);
  std::vector<double> area(n, 0.0);
  std::vector<char> active(n, 1);
  auto push_neighbours = [&](std::size_t r, int c) {
    const int i = g.ci(c), j = g.cj(c);
    const std::array<std::pair<int, int>, 4> nb{{{i + 1, j}, {i - 1, j}, {i, j + 1}, {i, j - 1}}};
    for (const auto& [a, b] : nb) {
      if (a < 0 || b < 0 || a >= g.nx || b >= g.ny) continue;
      const int nc = g.cell(a, b);
      if (!free_cell(nc)) continue;
      const double k = key(r, nc);
      if (std::isfinite(k)) queue[r].push({k, nc});
    }
  };
  for (std::size_t r = 0; r < n; ++r) {
    const int s = seeds[r];
    if (!free_cell(s)) {
      active[r] = 0;
      continue;
    }
    label[static_cast<std::size_t>(s)] = labels[r];
    area[r] += g.area(s);
    push_neighbours(r, s);
  }
  for (;;) {
    std::size_t best = n;
    double best_ratio = 0;
    for (std::size_t r = 0; r < n; ++r) {
      if (!active[r]) continue;
      if (queue[r].empty()) {
        active[r] = 0;
        continue;
      }
      const double ratio = area[r] / target_km2[r];
      if (best == n || ratio < best_ratio) best = r, best_ratio = ratio;
    }
    if (best == n) break;
    auto& q = queue[best];
    int c = -1;
    while (!q.empty()) {
      const int cand = q.top().second;
      q.pop();
      if (free_cell(cand)) {
        c = cand;
        break;
      }
    }
    if (c < 0) {
      active[best] = 0;
      continue;
    }
    label[static_cast<std::size_t>(c)] = labels[best];
    area[best] += g.area(c);
    if (area[best] >= target_km2[best]) active[best] = 0;
    push_neighbours(best, c);
  }
}

void fill_from_neighbours(const Grid& g, std::vector<int>& label, const std::function<bool(int cell, int label)>& fillable) {
  std::queue<int> q;
  const int total = g.nx * g.ny;
  for (int c = 0; c < total; ++c)
    if (label[static_cast<std::size_t>(c)] >= 0) q.push(c);
  while (!q.empty()) {
    const int c = q.front();
    q.pop();
    const int i = g.ci(c), j = g.cj(c);
    const std::array<std::pair<int, int>, 4> nb{{{i + 1, j}, {i - 1, j}, {i, j + 1}, {i, j - 1}}};
    for (const auto& [a, b] : nb) {
      if (a < 0 || b < 0 || a >= g.nx || b >= g.ny) continue;
      const int nc = g.cell(a, b);
      if (label[static_cast<std::size_t>(nc)] < 0 && fillable(nc, label[static_cast<std::size_t>(c)])) {
        label[static_cast<std::size_t>(nc)] = label[static_cast<std::size_t>(c)];
        q.push(nc);
      }
    }
  }
}

namespace {

// Directions counter-clockwise: east, north, west, south.
constexpr int kDi[4] = {1, 0, -1, 0};
constexpr int kDj[4] = {0, 1, 0, -1};

struct Step {
  int vi, vj;  // start vertex
  int dir;
  bool used = false;
};

bool point_in_ring(const model::Ring& r, LonLat p) {
  bool in = false;
  for (std::size_t a = 0, b = r.size() - 1; a < r.size(); b = a++) {
    if ((r[a].lat > p.lat) != (r[b].lat > p.lat) &&
        p.lon < (r[b].lon - r[a].lon) * (p.lat - r[a].lat) / (r[b].lat - r[a].lat) + r[a].lon)
      in = !in;
  }
  return in;
}

double signed_area(const model::Ring& r) {
  double s = 0;
  for (std::size_t k = 0; k + 1 < r.size(); ++k) s += r[k].lon * r[k + 1].lat - r[k + 1].lon * r[k].lat;
  return s / 2;
}

}  // namespace

std::vector<model::MultiPolygon> trace_regions(const Grid& g, const std::vector<int>& label, int n,
                                               const std::vector<int>& nodes) {
  auto lab = [&](const std::vector<int>& l, int i, int j) {
    if (i < 0 || j < 0 || i >= g.nx || j >= g.ny) return -1;
    return l[static_cast<std::size_t>(g.cell(i, j))];
  };
  // Boundary steps of each region with the region on the left, so shells run
  // counter-clockwise and holes clockwise.
  std::vector<std::vector<Step>> steps(static_cast<std::size_t>(n));
  for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i) {
      const int a = lab(label, i, j);
      if (a < 0 || a >= n) continue;
      auto& s = steps[static_cast<std::size_t>(a)];
      if (lab(label, i, j - 1) != a) s.push_back({i, j, 0});
      if (lab(label, i + 1, j) != a) s.push_back({i + 1, j, 1});
      if (lab(label, i, j + 1) != a) s.push_back({i + 1, j + 1, 2});
      if (lab(label, i - 1, j) != a) s.push_back({i, j + 1, 3});
    }
  auto is_node = [&](int vi, int vj) {
    std::array<int, 4> l{lab(nodes, vi - 1, vj - 1), lab(nodes, vi, vj - 1), lab(nodes, vi - 1, vj), lab(nodes, vi, vj)};
    std::sort(l.begin(), l.end());
    return std::unique(l.begin(), l.end()) - l.begin() >= 3;
  };
  std::vector<model::MultiPolygon> out(static_cast<std::size_t>(n));
  const long W = g.nx + 1;
  for (int r = 0; r < n; ++r) {
    auto& s = steps[static_cast<std::size_t>(r)];
    std::unordered_map<long, std::array<int, 2>> from;
    from.reserve(s.size() * 2);
    for (std::size_t k = 0; k < s.size(); ++k) {
      auto [it, fresh] = from.try_emplace(static_cast<long>(s[k].vj) * W + s[k].vi, std::array<int, 2>{-1, -1});
      (void)fresh;
      if (it->second[0] < 0)
        it->second[0] = static_cast<int>(k);
      else
        it->second[1] = static_cast<int>(k);
    }
    std::vector<model::Ring> shells, holes;
    for (std::size_t k0 = 0; k0 < s.size(); ++k0) {
      if (s[k0].used) continue;
      std::vector<int> ring_steps;
      int k = static_cast<int>(k0);
      while (k >= 0 && !s[static_cast<std::size_t>(k)].used) {
        Step& st = s[static_cast<std::size_t>(k)];
        st.used = true;
        ring_steps.push_back(k);
        const int ei = st.vi + kDi[st.dir], ej = st.vj + kDj[st.dir];
        const auto& cand = from.at(static_cast<long>(ej) * W + ei);
        int next = -1;
        const int right = (st.dir + 3) % 4;
        for (int c : cand) {
          if (c < 0 || s[static_cast<std::size_t>(c)].used) continue;
          // Where the region touches itself diagonally, turning right keeps
          // it in one piece, which gives valid OGC rings.
          if (next < 0 || s[static_cast<std::size_t>(c)].dir == right) next = c;
        }
        k = next;
      }
      // Keep turning points and nodes; start on a kept vertex.
      const std::size_t m = ring_steps.size();
      std::vector<char> keep(m, 0);
      for (std::size_t q = 0; q < m; ++q) {
        const Step& cur = s[static_cast<std::size_t>(ring_steps[q])];
        const Step& prev = s[static_cast<std::size_t>(ring_steps[(q + m - 1) % m])];
        keep[q] = cur.dir != prev.dir || is_node(cur.vi, cur.vj);
      }
      std::size_t first = 0;
      while (first < m && !keep[first]) ++first;
      if (first == m) continue;
      model::Ring ring;
      for (std::size_t q = 0; q < m; ++q) {
        const std::size_t idx = (first + q) % m;
        if (!keep[idx]) continue;
        const Step& st = s[static_cast<std::size_t>(ring_steps[idx])];
        ring.push_back({g.vlon[static_cast<std::size_t>(st.vi)], g.vlat[static_cast<std::size_t>(st.vj)]});
      }
      ring.push_back(ring.front());
      if (signed_area(ring) > 0)
        shells.push_back(std::move(ring));
      else
        holes.push_back(std::move(ring));
    }
    auto& mp = out[static_cast<std::size_t>(r)];
    for (auto& sh : shells) mp.push_back(model::Polygon{{std::move(sh)}});
    for (auto& h : holes) {
      std::size_t owner = 0;
      if (mp.size() > 1) {
        // A point just inside the hole: right of its first edge.
        const LonLat a = h[0], b = h[1];
        const double dx = b.lon - a.lon, dy = b.lat - a.lat, len = std::hypot(dx, dy);
        const LonLat p{(a.lon + b.lon) / 2 + dy / len * g.d * 0.25, (a.lat + b.lat) / 2 - dx / len * g.d * 0.25};
        for (std::size_t q = 0; q < mp.size(); ++q)
          if (point_in_ring(mp[q].rings[0], p)) owner = q;
      }
      if (!mp.empty()) mp[owner].rings.push_back(std::move(h));
    }
  }
  return out;
}

Noise::Noise(std::uint64_t seed, double spacing_deg) : seed_(seed), spacing_(spacing_deg) {}

double Noise::lattice(long i, long j) const {
  Rng r(mix(seed_, static_cast<std::uint64_t>(i) * 0x1000003ULL ^ static_cast<std::uint64_t>(j)));
  return r.uniform(-1.0, 1.0);
}

double Noise::at(double lon, double lat) const {
  const double x = lon / spacing_, y = lat / spacing_;
  const double fx = std::floor(x), fy = std::floor(y);
  const long i = static_cast<long>(fx), j = static_cast<long>(fy);
  double tx = x - fx, ty = y - fy;
  tx = tx * tx * (3 - 2 * tx);
  ty = ty * ty * (3 - 2 * ty);
  const double a = lattice(i, j), b = lattice(i + 1, j), c = lattice(i, j + 1), e = lattice(i + 1, j + 1);
  return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + e * tx) * ty;
}

}  // namespace ruralnet::synth::detail
