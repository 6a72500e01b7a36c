// The outlines of service areas (src/coverage/outliner.hpp) against the
// previous Outliner, kept below as outliner_baseline: a vertex hash map for
// the chord checks, vectors allocated per ring, hole placement by labelling
// every cell. Both are run on the same cells in the same run and must give
// the same polygons to the last vertex. The cells are those of a road grid
// with slanting roads within a radius (a service area's corridors and blocks),
// in a shuffled order as the cell table gives them.
//
//   bench_coverage --benchmark_filter=Outliner --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <ctime>
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <utility>
#include <vector>

#include "../../src/coverage/outliner.hpp"

namespace outliner_baseline {


// A cell of an Outliner's box, by column and row.
struct BoxCell {
  std::int32_t x, y;
};

// Outlines in doubled grid coordinates: the corner (i, j) of a cell is
// (2i, 2j) and the midpoint of a cell side has one odd coordinate.
struct P2 {
  std::int32_t x, y;
  bool operator==(const P2&) const = default;
};
using Ring2 = std::vector<P2>;  // open: the last point joins the first
using Poly2 = std::vector<Ring2>;

inline std::int64_t twice_area(const Ring2& r) {
  std::int64_t a = 0;
  for (std::size_t k = 0; k < r.size(); ++k) {
    const P2& p = r[k];
    const P2& q = r[k + 1 == r.size() ? 0 : k + 1];
    a += static_cast<std::int64_t>(p.x) * q.y - static_cast<std::int64_t>(q.x) * p.y;
  }
  return a;
}

// Squared distance from p to the segment a-b.
[[gnu::always_inline]] inline double seg_dist2(double px, double py, P2 a, P2 b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double l2 = dx * dx + dy * dy;
  double t = l2 > 0.0 ? ((px - a.x) * dx + (py - a.y) * dy) / l2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  const double ex = a.x + t * dx - px, ey = a.y + t * dy - py;
  return ex * ex + ey * ey;
}

// The vertices in place, by position: a small open-addressing table (the
// vertices of one area are few against the cells of its box).
class VertexMap {
 public:
  void reset(std::size_t n) {
    std::size_t cap = 64;
    while (cap < 2 * n) cap *= 2;
    slots_.assign(cap, {kFree, 0});
    mask_ = cap - 1;
  }
  std::uint32_t& ref(P2 p) {
    const std::uint64_t key = key_of(p.x, p.y);
    std::size_t k = hash(key);
    while (slots_[k].key != kFree && slots_[k].key != key) k = (k + 1) & mask_;
    slots_[k].key = key;
    return slots_[k].id1;
  }
  std::uint32_t get(std::int64_t x, std::int64_t y) const {
    const std::uint64_t key = key_of(x, y);
    for (std::size_t k = hash(key);; k = (k + 1) & mask_) {
      if (slots_[k].key == key) return slots_[k].id1;
      if (slots_[k].key == kFree) return 0;
    }
  }

 private:
  static constexpr std::uint64_t kFree = ~std::uint64_t{0};
  struct Slot {
    std::uint64_t key;
    std::uint32_t id1;  // vertex id + 1; 0 once removed
  };
  static std::uint64_t key_of(std::int64_t x, std::int64_t y) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(x)) << 32) | static_cast<std::uint32_t>(y);
  }
  std::size_t hash(std::uint64_t key) const { return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 32) & mask_; }
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
};

// Grid cells of one owner and band turned into simplified polygons. The
// buffers are kept between calls: one Outliner per thread.
class Outliner {
 public:
  // cells: the region's cells as indices i * h + j into a w x h box whose
  // outermost rows and columns are empty; pinch cells and filled holes are
  // appended. A hole whose outline encloses fewer than hole_limit cells and
  // holds no blocked cell is filled: blocked(span<const BoxCell>) says
  // whether any of a hole's empty cells is. tol: the simplification tolerance in
  // doubled units (1 = half a cell). Work is linear in the cells and the
  // outlines, not in the box: the buffers are kept clear between calls.
  template <class Blocked>
  std::vector<Poly2> run(std::vector<std::uint32_t>& cells, std::int64_t w, std::int64_t h, double hole_limit,
                         const Blocked& blocked, double tol) {
    w_ = w;
    h_ = h;
    grow(in_, static_cast<std::size_t>(w * h), std::uint8_t{0});
    grow(label_, static_cast<std::size_t>(w * h), std::int32_t{-1});
    grow(dir_, static_cast<std::size_t>((w + 1) * (h + 1)), std::uint8_t{0});
    for (const std::uint32_t c : cells) in_[c] = 1;
    fill_pinches(cells);
    std::vector<std::vector<P2>> corners;  // staircase rings, turning corners only (cell units)
    std::vector<std::int64_t> left;        // per ring, the cell left of its first edge
    trace(cells, corners, left);
    if (hole_limit > 0.0 && fill_holes(cells, corners, hole_limit, blocked)) {
      // A filled hole's ring goes, and so do the rings of whatever it held
      // (their left cells are marked 2).
      std::size_t kept = 0;
      for (std::size_t r = 0; r < corners.size(); ++r) {
        if (corners[r].empty() || in_[static_cast<std::size_t>(left[r])] == 2) continue;
        if (kept != r) {
          corners[kept] = std::move(corners[r]);
          left[kept] = left[r];
        }
        ++kept;
      }
      corners.resize(kept);
      left.resize(kept);
    }
    std::vector<Ring2> rings;
    rings.reserve(corners.size());
    fixed_.resize(corners.size());
    for (std::size_t r = 0; r < corners.size(); ++r) rings.push_back(vertices(corners[r], fixed_[r]));
    // Foreground components: each has one shell, and a hole belongs to the
    // component of the cell left of its first edge.
    std::int32_t comps = 0;
    std::size_t shells = 0, holes = 0;
    for (const Ring2& r : rings) (twice_area(r) > 0 ? shells : holes) += 1;
    for (const std::int64_t c : left) {
      if (shells == 1 || holes == 0) break;  // no hole to place, or one place for all
      if (label_[static_cast<std::size_t>(c)] >= 0) continue;
      stack_.assign(1, static_cast<std::uint32_t>(c));
      label_[static_cast<std::size_t>(c)] = comps;
      while (!stack_.empty()) {
        const std::int64_t k = stack_.back();
        stack_.pop_back();
        for (const std::int64_t nk : {k - 1, k + 1, k - h, k + h})
          if (in_[static_cast<std::size_t>(nk)] && label_[static_cast<std::size_t>(nk)] < 0) {
            label_[static_cast<std::size_t>(nk)] = comps;
            stack_.push_back(static_cast<std::uint32_t>(nk));
          }
      }
      ++comps;
    }
    std::vector<std::int32_t> comp_of(rings.size(), 0);
    if (comps > 0)
      for (std::size_t r = 0; r < rings.size(); ++r) comp_of[r] = label_[static_cast<std::size_t>(left[r])];
    else if (shells > 1)
      for (std::size_t r = 0; r < rings.size(); ++r) comp_of[r] = static_cast<std::int32_t>(r);  // shells only
    comps = std::max<std::int32_t>(comps, static_cast<std::int32_t>(rings.size()));
    for (const std::uint32_t c : cells) {
      in_[c] = 0;
      label_[c] = -1;
    }
    if (tol > 0.0) simplify(rings, tol);
    std::vector<std::int32_t> poly_of(static_cast<std::size_t>(comps), -1);
    std::vector<Poly2> out;
    for (std::size_t r = 0; r < rings.size(); ++r)
      if (twice_area(rings[r]) > 0) {
        poly_of[static_cast<std::size_t>(comp_of[r])] = static_cast<std::int32_t>(out.size());
        out.push_back({std::move(rings[r])});
      }
    for (std::size_t r = 0; r < rings.size(); ++r)
      if (!rings[r].empty() && twice_area(rings[r]) < 0) {
        const std::int32_t p = poly_of[static_cast<std::size_t>(comp_of[r])];
        if (p >= 0) out[static_cast<std::size_t>(p)].push_back(std::move(rings[r]));
      }
    return out;
  }

 private:
  template <class T>
  static void grow(std::vector<T>& v, std::size_t n, T fill) {
    if (v.size() < n) v.resize(n, fill);
  }

  // Two cells touching only at a corner get the side cell to the right of
  // the left one, as the hash-map tracing does: then each corner starts at
  // most one boundary edge, and 4- and 8-connectivity agree for cells and
  // for gaps.
  void fill_pinches(std::vector<std::uint32_t>& cells) {
    const std::size_t h = static_cast<std::size_t>(h_);
    for (std::size_t k = 0; k < cells.size(); ++k) {
      const std::size_t c = cells[k];
      for (const std::size_t diag : {c + h - 1, c + h + 1}) {
        const std::size_t side = diag == c + h - 1 ? c - 1 : c + 1;
        if (in_[diag] && !in_[c + h] && !in_[side]) {
          in_[c + h] = 1;
          cells.push_back(static_cast<std::uint32_t>(c + h));  // checked in turn
        }
      }
    }
  }

  // Boundary rings with the region on their left (shells counter-clockwise,
  // holes clockwise), as their turning corners.
  void trace(const std::vector<std::uint32_t>& cells, std::vector<std::vector<P2>>& rings, std::vector<std::int64_t>& left) {
    const std::int64_t ch = h_ + 1;
    starts_.clear();
    auto edge = [&](std::int64_t i, std::int64_t j, std::uint8_t d) {
      const std::size_t k = static_cast<std::size_t>(i * ch + j);
      dir_[k] = d;
      starts_.push_back(static_cast<std::uint32_t>(k));
    };
    for (const std::uint32_t c : cells) {
      const std::int64_t i = c / h_, j = c % h_;
      if (!in_[c - 1]) edge(i, j, 1);
      if (!in_[c + static_cast<std::size_t>(h_)]) edge(i + 1, j, 2);
      if (!in_[c + 1]) edge(i + 1, j + 1, 3);
      if (!in_[c - static_cast<std::size_t>(h_)]) edge(i, j + 1, 4);
    }
    constexpr std::int32_t di[5] = {0, 1, 0, -1, 0}, dj[5] = {0, 0, 1, 0, -1};
    for (const std::uint32_t s : starts_) {
      if (dir_[s] == 0) continue;  // already on a traced ring
      const std::int32_t x0 = static_cast<std::int32_t>(static_cast<std::int64_t>(s) / ch);
      const std::int32_t y0 = static_cast<std::int32_t>(static_cast<std::int64_t>(s) % ch);
      const std::uint8_t d0 = dir_[s];
      const std::int64_t lx = d0 == 1 || d0 == 4 ? x0 : x0 - 1, ly = d0 == 1 || d0 == 2 ? y0 : y0 - 1;
      left.push_back(lx * h_ + ly);
      std::vector<P2> ring;
      std::int32_t x = x0, y = y0;
      std::size_t k = s;
      std::uint8_t prev = 0;
      // The direction into the start corner: that of the ring's last edge.
      while (dir_[k] != 0) {
        const std::uint8_t d = dir_[k];
        dir_[k] = 0;
        if (d != prev) ring.push_back({x, y});
        prev = d;
        x += di[d];
        y += dj[d];
        k = static_cast<std::size_t>(static_cast<std::int64_t>(x) * ch + y);
      }
      // The start corner is a turn unless the last edge runs on into the first.
      if (prev == d0) ring.erase(ring.begin());
      rings.push_back(std::move(ring));
    }
  }

  // Holes (clockwise rings) enclosing fewer than `limit` cells, none of them
  // blocked, are filled; true when any was.
  template <class Blocked>
  bool fill_holes(std::vector<std::uint32_t>& cells, std::vector<std::vector<P2>>& rings, double limit,
                  const Blocked& blocked) {
    bool any = false;
    std::vector<std::pair<std::int32_t, std::int32_t>> spans;  // (row, x) of the ring's vertical edges
    for (auto& r : rings) {
      std::int64_t a2 = 0;
      for (std::size_t k = 0; k < r.size(); ++k) {
        const P2& p = r[k];
        const P2& q = r[k + 1 == r.size() ? 0 : k + 1];
        a2 += static_cast<std::int64_t>(p.x) * q.y - static_cast<std::int64_t>(q.x) * p.y;
      }
      if (a2 >= 0 || static_cast<double>(-a2) / 2.0 >= limit) continue;
      spans.clear();
      for (std::size_t k = 0; k < r.size(); ++k) {
        const P2& p = r[k];
        const P2& q = r[k + 1 == r.size() ? 0 : k + 1];
        if (p.x != q.x) continue;
        for (std::int32_t y = std::min(p.y, q.y); y < std::max(p.y, q.y); ++y) spans.push_back({y, p.x});
      }
      std::sort(spans.begin(), spans.end());
      hole_.clear();
      gaps_.clear();
      for (std::size_t k = 0; k + 1 < spans.size(); k += 2)
        for (std::int32_t x = spans[k].second; x < spans[k + 1].second; ++x) {
          const std::size_t c = static_cast<std::size_t>(static_cast<std::int64_t>(x) * h_ + spans[k].first);
          if (!in_[c]) gaps_.push_back({x, spans[k].first});
          hole_.push_back(static_cast<std::uint32_t>(c));
        }
      // All the gap cells at once: the caller can look them up side by side.
      if (!gaps_.empty() && blocked(std::span<const BoxCell>(gaps_))) continue;
      // Every cell the ring encloses is marked 2 (islands included).
      for (const std::uint32_t c : hole_) {
        if (!in_[c]) cells.push_back(c);
        in_[c] = 2;
      }
      r.clear();
      any = true;
    }
    return any;
  }

  // The outline's vertices, in doubled units. A run between two turns the
  // same way (a side of a block) keeps its ends, each corner cut at half a
  // cell: the cut stays inside the one cell at that corner. A run between
  // turns opposite ways (a step of a staircase along a slanting road) is
  // drawn through its midpoint when the runs on either side are ends kept
  // or single steps, so the cut there stays within half a cell of the
  // corner and inside the cells along the run. Either way the rings stay
  // simple and apart, within half a cell of the cells' outline, and the
  // midpoints of a straight road's steps fall on a line.
  static Ring2 vertices(const std::vector<P2>& c, std::vector<std::uint8_t>& fixed) {
    Ring2 ring;
    fixed.clear();
    const std::size_t m = c.size();
    auto unit = [](std::int32_t v) { return v > 0 ? 1 : (v < 0 ? -1 : 0); };
    auto at = [&](std::size_t k) -> const P2& { return c[k % m]; };
    // turn[k]: at corner k, left (1) or right (-1).
    std::vector<std::int8_t> turn(m);
    std::vector<std::int32_t> len(m);
    for (std::size_t k = 0; k < m; ++k) {
      const P2& p = at(k + m - 1);
      const P2& q = at(k);
      const P2& r = at(k + 1);
      const std::int64_t cr = static_cast<std::int64_t>(q.x - p.x) * (r.y - q.y) - static_cast<std::int64_t>(q.y - p.y) * (r.x - q.x);
      turn[k] = cr > 0 ? 1 : -1;
      len[k] = std::abs(r.x - q.x) + std::abs(r.y - q.y);
    }
    auto step = [&](std::size_t k) { return turn[k] != turn[(k + 1) % m]; };
    for (std::size_t k = 0; k < m; ++k) {
      const P2& q = at(k);
      const P2& r = at(k + 1);
      const std::size_t before = (k + m - 1) % m, after = (k + 1) % m;
      // Runs up to four cells: a road slanting at 1 in 4 or more; a longer
      // step is rare and costs only its two cut corners.
      const bool mid = step(k) && len[k] > 1 && len[k] <= 4 && (!step(before) || len[before] == 1) &&
                       (!step(after) || len[after] == 1);
      if (mid) {
        ring.push_back({q.x + r.x, q.y + r.y});
        fixed.push_back(0);
        continue;
      }
      // The ends of a side two cells or longer stay where they are: blocks
      // keep their square corners and a one-road corridor its width.
      const std::uint8_t keep = !step(k) && len[k] >= 2 ? 1 : 0;
      const P2 d{unit(r.x - q.x), unit(r.y - q.y)};
      const P2 a{2 * q.x + d.x, 2 * q.y + d.y};
      const P2 b{2 * r.x - d.x, 2 * r.y - d.y};
      if (ring.empty() || !(ring.back() == a)) {
        ring.push_back(a);
        fixed.push_back(keep);
      } else {
        fixed.back() |= keep;
      }
      if (!(ring.back() == b)) {
        ring.push_back(b);
        fixed.push_back(keep);
      }
    }
    if (ring.size() > 1 && ring.front() == ring.back()) {
      fixed.front() |= fixed.back();
      ring.pop_back();
      fixed.pop_back();
    }
    return ring;
  }

  // Douglas-Peucker on every ring, a chain replaced by its chord only when no
  // other vertex left (of any ring) lies between them: the rings stay simple
  // and nested as they were. Chords are checked one at a time against the
  // vertices in place, so every intermediate state is valid.
  void simplify(std::vector<Ring2>& rings, double tol) {
    // Each ring starts at a vertex that stays, if it has one.
    for (std::size_t r = 0; r < rings.size(); ++r) {
      const auto f = std::find(fixed_[r].begin(), fixed_[r].end(), 1);
      if (f == fixed_[r].end() || f == fixed_[r].begin()) continue;
      const auto shift = f - fixed_[r].begin();
      std::rotate(rings[r].begin(), rings[r].begin() + shift, rings[r].end());
      std::rotate(fixed_[r].begin(), f, fixed_[r].end());
    }
    W2_ = 2 * w_ + 1;
    H2_ = 2 * h_ + 1;
    offset_.assign(1, 0);
    for (const Ring2& r : rings) offset_.push_back(offset_.back() + static_cast<std::uint32_t>(r.size()));
    vid_.reset(offset_.back());
    grow(bits_, static_cast<std::size_t>(W2_ * H2_ / 64 + 1), std::uint64_t{0});
    ring_of_.resize(offset_.back());
    alive_.assign(offset_.back(), 1);
    for (std::size_t r = 0; r < rings.size(); ++r)
      for (std::size_t k = 0; k < rings[r].size(); ++k) {
        const std::uint32_t id = offset_[r] + static_cast<std::uint32_t>(k);
        ring_of_[id] = static_cast<std::uint32_t>(r);
        vid_.ref(rings[r][k]) = id + 1;
        flip(rings[r][k].x, rings[r][k].y);
      }
    const double tol2 = tol * tol;
    for (std::size_t r = 0; r < rings.size(); ++r) {
      const Ring2& ring = rings[r];
      const std::size_t n = ring.size();
      if (n < 5) continue;
      auto V = [&](std::size_t k) { return ring[k % n]; };
      chains_.clear();
      std::size_t prev = n;
      for (std::size_t k = n; k-- > 1;)
        if (fixed_[r][k]) {
          chains_.push_back({k, prev});
          prev = k;
        }
      if (prev == n) {
        // No vertex or one that stays: from the first to the farthest.
        std::size_t far = 0;
        double best = -1.0;
        for (std::size_t k = 1; k < n; ++k) {
          const double dx = ring[k].x - ring[0].x, dy = ring[k].y - ring[0].y;
          if (dx * dx + dy * dy > best) best = dx * dx + dy * dy, far = k;
        }
        chains_.push_back({far, n});
        prev = far;
      }
      chains_.push_back({0, prev});
      while (!chains_.empty()) {
        const auto [a, b] = chains_.back();
        chains_.pop_back();
        if (b - a < 2) continue;
        const P2 va = V(a), vb = V(b);
        std::size_t m = a + 1;
        double dmax = -1.0;
        for (std::size_t k = a + 1; k < b; ++k) {
          const double d2 = seg_dist2(ring[k].x, ring[k].y, va, vb);
          if (d2 > dmax) dmax = d2, m = k;
        }
        if (dmax >= tol2 || blocked_chord(rings, r, a, b, tol)) {
          chains_.push_back({m, b});
          chains_.push_back({a, m});
          continue;
        }
        for (std::size_t k = a + 1; k < b; ++k) {
          alive_[offset_[r] + k] = 0;
          vid_.ref(ring[k]) = 0;
          flip(ring[k].x, ring[k].y);
        }
      }
      // A ring must keep an area of the same sign; else it stays as traced
      // (only its own vertices moved, so the state before it is restored).
      Ring2 kept;
      for (std::size_t k = 0; k < n; ++k)
        if (alive_[offset_[r] + k]) kept.push_back(ring[k]);
      const std::int64_t a0 = twice_area(ring), a1 = kept.size() >= 3 ? twice_area(kept) : 0;
      if (a1 == 0 || (a0 > 0) != (a1 > 0)) {
        for (std::size_t k = 0; k < n; ++k) {
          if (!alive_[offset_[r] + k]) flip(ring[k].x, ring[k].y);
          alive_[offset_[r] + k] = 1;
          vid_.ref(ring[k]) = offset_[r] + static_cast<std::uint32_t>(k) + 1;
        }
      }
    }
    for (std::size_t r = 0; r < rings.size(); ++r) {
      Ring2 kept;
      for (std::size_t k = 0; k < rings[r].size(); ++k)
        if (alive_[offset_[r] + k]) {
          kept.push_back(rings[r][k]);
          flip(rings[r][k].x, rings[r][k].y);  // the bit map is left clear
        }
      rings[r] = std::move(kept);
    }
  }


  // Whether a vertex in place other than the chain's own lies on the chord
  // a-b of ring r or between the chord and the chain (all such points are
  // within tol of the chord, as the chain's vertices are).
  bool blocked_chord(const std::vector<Ring2>& rings, std::size_t r, std::size_t a, std::size_t b, double tol) const {
    const Ring2& ring = rings[r];
    const std::size_t n = ring.size();
    const P2 va = ring[a % n], vb = ring[b % n];
    const double tol2 = tol * tol + 1e-9;
    auto test = [&](std::int64_t x, std::int64_t y) {
      if (x < 0 || y < 0 || x >= W2_ || y >= H2_) return false;
      if (!bit(x, y)) return false;
      const std::uint32_t id1 = vid_.get(x, y);
      if (id1 == 0) return false;
      const std::uint32_t id = id1 - 1;
      if (ring_of_[id] == r) {
        const std::size_t k = id - offset_[r];
        if ((k >= a && k <= b) || (b == n && k == 0)) return false;  // on the chain
      }
      const double px = static_cast<double>(x), py = static_cast<double>(y);
      if (seg_dist2(px, py, va, vb) > tol2) return false;
      // On the chord?
      const double cr = (vb.x - va.x) * (py - va.y) - (vb.y - va.y) * (px - va.x);
      if (cr == 0.0) return true;
      // Between chord and chain: even-odd over the chain closed by the chord.
      bool inside = false;
      for (std::size_t k = a; k <= b; ++k) {
        const P2 p = ring[k % n], q = k == b ? va : ring[(k + 1) % n];
        if ((p.y > py) != (q.y > py) &&
            px < static_cast<double>(q.x - p.x) * (py - p.y) / static_cast<double>(q.y - p.y) + p.x)
          inside = !inside;
      }
      return inside;
    };
    // The points within tol of the chord, column by column along its
    // longer axis: within tol / cos of the line (tol of an end beyond it).
    const std::int64_t dx = vb.x - va.x, dy = vb.y - va.y;
    const bool flat = std::abs(dx) >= std::abs(dy);
    const double du = static_cast<double>(flat ? dx : dy), dv = static_cast<double>(flat ? dy : dx);
    const double half = (du != 0.0 ? tol * std::hypot(du, dv) / std::fabs(du) : tol) + 1e-9;
    const std::int64_t ua = flat ? va.x : va.y, ub = flat ? vb.x : vb.y, v0 = flat ? va.y : va.x;
    const std::int64_t u0 = static_cast<std::int64_t>(std::floor(static_cast<double>(std::min(ua, ub)) - tol));
    const std::int64_t u1 = static_cast<std::int64_t>(std::ceil(static_cast<double>(std::max(ua, ub)) + tol));
    for (std::int64_t u = u0; u <= u1; ++u) {
      const double t = du != 0.0 ? std::clamp(static_cast<double>(u - ua) / du, 0.0, 1.0) : 0.0;
      const double vc = static_cast<double>(v0) + t * dv;
      const std::int64_t w0 = static_cast<std::int64_t>(std::ceil(vc - half)), w1 = static_cast<std::int64_t>(std::floor(vc + half));
      for (std::int64_t v = w0; v <= w1; ++v)
        if (flat ? test(u, v) : test(v, u)) return true;
    }
    return false;
  }

  std::int64_t w_ = 0, h_ = 0, W2_ = 0, H2_ = 0;
  std::vector<std::uint8_t> in_, dir_;
  std::vector<std::uint32_t> stack_, hole_, starts_;
  std::vector<BoxCell> gaps_;
  std::vector<std::int32_t> label_;
  void flip(std::int64_t x, std::int64_t y) {
    const std::size_t k = static_cast<std::size_t>(x * H2_ + y);
    bits_[k >> 6] ^= std::uint64_t{1} << (k & 63);
  }
  bool bit(std::int64_t x, std::int64_t y) const {
    const std::size_t k = static_cast<std::size_t>(x * H2_ + y);
    return (bits_[k >> 6] >> (k & 63)) & 1;
  }
  VertexMap vid_;
  std::vector<std::vector<std::uint8_t>> fixed_;  // per ring and vertex: stays in simplification
  std::vector<std::uint64_t> bits_;  // a vertex in place at each doubled-grid point
  std::vector<std::uint32_t> offset_, ring_of_;
  std::vector<std::uint8_t> alive_;
  std::vector<std::pair<std::size_t, std::size_t>> chains_;
};

constexpr double kSimplifyTol = 0.7;  // doubled units: 0.35 cell

}  // namespace outliner_baseline

namespace {

namespace cd = ruralnet::coverage::detail;

// CPU seconds of this thread: the ratio holds on a loaded machine.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// The cells within `radius` cells of the box's centre crossed by a grid of
// roads 9 cells apart (blocks of 64 cells, filled as holes; one road in five
// left out, so larger blocks stay holes) and by slanting roads; a few road
// pieces (one in seven) are missing, leaving dead ends. Cell indices
// i * h + j in a box with an empty frame, in a random order.
struct CellSet {
  std::int64_t w = 0, h = 0;
  std::vector<std::uint32_t> cells;
  std::vector<std::uint8_t> other;  // cells of another facility: a hole holding one stays
};

CellSet make_cells(int radius, std::uint32_t seed) {
  CellSet s;
  s.w = s.h = 2 * radius + 5;
  const double c = radius + 2.5;
  std::vector<std::uint8_t> on(static_cast<std::size_t>(s.w * s.h), 0);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto mark = [&](double x, double y) {
    if ((x - c) * (x - c) + (y - c) * (y - c) > static_cast<double>(radius) * radius) return;
    const auto i = static_cast<std::int64_t>(std::floor(x)), j = static_cast<std::int64_t>(std::floor(y));
    if (i < 1 || j < 1 || i > s.w - 2 || j > s.h - 2) return;
    on[static_cast<std::size_t>(i * s.h + j)] = 1;
  };
  // A road from (x0, y0) to (x1, y1), sampled every tenth of a cell, in
  // pieces of 12 cells of which one in seven is missing.
  auto road = [&](double x0, double y0, double x1, double y1) {
    const double len = std::hypot(x1 - x0, y1 - y0);
    bool missing = false;
    for (double d = 0.0; d <= len; d += 0.1) {
      if (std::fmod(d, 12.0) < 0.1) missing = unit(rng) < 0.15;
      if (!missing) mark(x0 + (x1 - x0) * d / len, y0 + (y1 - y0) * d / len);
    }
  };
  const double n = static_cast<double>(s.w);
  for (double v = 4.5; v < n; v += 9.0) {
    if (unit(rng) >= 0.2) road(v, 0.0, v, n);
    if (unit(rng) >= 0.2) road(0.0, v, n, v);
  }
  for (const double slope : {1.0 / 3.0, 2.0 / 5.0, 1.0, 3.0 / 7.0, -0.6, -2.5})
    for (double off = -n; off < 2.0 * n; off += 37.0) {
      const double x0 = 0.0, y0 = off;
      road(x0, y0, n, y0 + slope * n);
    }
  for (std::size_t k = 0; k < on.size(); ++k)
    if (on[k]) s.cells.push_back(static_cast<std::uint32_t>(k));
  std::shuffle(s.cells.begin(), s.cells.end(), rng);
  s.other.assign(on.size(), 0);
  for (std::size_t k = 0; k < on.size(); ++k) s.other[k] = !on[k] && k % 29 == 0;
  return s;
}

template <class Polys>
std::size_t vertex_count(const Polys& ps) {
  std::size_t v = 0;
  for (const auto& p : ps)
    for (const auto& r : p) v += r.size();
  return v;
}

bool same(const std::vector<cd::Poly2>& a, const std::vector<outliner_baseline::Poly2>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t p = 0; p < a.size(); ++p) {
    if (a[p].size() != b[p].size()) return false;
    for (std::size_t r = 0; r < a[p].size(); ++r) {
      if (a[p][r].size() != b[p][r].size()) return false;
      for (std::size_t k = 0; k < a[p][r].size(); ++k)
        if (a[p][r][k].x != b[p][r][k].x || a[p][r][k].y != b[p][r][k].y) return false;
    }
  }
  return true;
}

// Arg: the radius in cells. Each iteration outlines the same cells with
// both Outliners (each kept between iterations, as one per thread is in
// coverage), holes under 100 cells filled and simplified at kSimplifyTol.
void BM_Outliner(benchmark::State& state) {
  const CellSet s = make_cells(static_cast<int>(state.range(0)), 7);
  const std::int64_t h = s.h;
  cd::Outliner fresh;
  outliner_baseline::Outliner base;
  double t_new = 0.0, t_base = 0.0;
  std::size_t verts = 0, polys = 0;
  for (auto _ : state) {
    std::vector<std::uint32_t> c1 = s.cells, c2 = s.cells;
    double t0 = cpu_seconds();
    const auto a = fresh.run(
        c1, s.w, s.h, 100.0,
        [&](std::span<const cd::BoxCell> gaps) {
          for (const cd::BoxCell& g : gaps)
            if (s.other[static_cast<std::size_t>(g.x * h + g.y)]) return true;
          return false;
        },
        cd::kSimplifyTol);
    t_new += cpu_seconds() - t0;
    t0 = cpu_seconds();
    const auto b = base.run(
        c2, s.w, s.h, 100.0,
        [&](std::span<const outliner_baseline::BoxCell> gaps) {
          for (const outliner_baseline::BoxCell& g : gaps)
            if (s.other[static_cast<std::size_t>(g.x * h + g.y)]) return true;
          return false;
        },
        outliner_baseline::kSimplifyTol);
    t_base += cpu_seconds() - t0;
    if (!same(a, b)) state.SkipWithError("the two Outliners give different polygons");
    verts = vertex_count(a);
    polys = a.size();
  }
  const auto it = static_cast<double>(state.iterations());
  state.counters["cells"] = static_cast<double>(s.cells.size());
  state.counters["polygons"] = static_cast<double>(polys);
  state.counters["vertices"] = static_cast<double>(verts);
  state.counters["new_ms"] = t_new / it * 1e3;  // CPU
  state.counters["baseline_ms"] = t_base / it * 1e3;
  state.counters["ratio"] = t_new / t_base;
}
BENCHMARK(BM_Outliner)->Arg(60)->Arg(150)->Arg(350)->Unit(benchmark::kMillisecond);

}  // namespace
