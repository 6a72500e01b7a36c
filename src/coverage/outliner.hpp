// The outlines of service areas: grid cells of one facility and band turned
// into simplified polygons (docs/coverage.md, "Method"). Kept apart from the
// cell walk so that both can be read, tested and timed on their own.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace ruralnet::coverage::detail {

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

inline std::int64_t twice_area(const P2* r, std::size_t n) {
  std::int64_t a = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const P2& p = r[k];
    const P2& q = r[k + 1 == n ? 0 : k + 1];
    a += static_cast<std::int64_t>(p.x) * q.y - static_cast<std::int64_t>(q.x) * p.y;
  }
  return a;
}
inline std::int64_t twice_area(const Ring2& r) { return twice_area(r.data(), r.size()); }

// Squared distance from p to the segment a-b.
[[gnu::always_inline]] inline double seg_dist2(double px, double py, P2 a, P2 b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double l2 = dx * dx + dy * dy;
  double t = l2 > 0.0 ? ((px - a.x) * dx + (py - a.y) * dy) / l2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  const double ex = a.x + t * dx - px, ey = a.y + t * dy - py;
  return ex * ex + ey * ey;
}

// std::floor and std::ceil to an integer, for values well within its range:
// the same results, without a library call (plain x86-64 has no rounding
// instruction).
[[gnu::always_inline]] inline std::int64_t floor_int(double v) {
  const auto i = static_cast<std::int64_t>(v);  // towards zero
  return static_cast<double>(i) > v ? i - 1 : i;
}
[[gnu::always_inline]] inline std::int64_t ceil_int(double v) {
  const auto i = static_cast<std::int64_t>(v);
  return static_cast<double>(i) < v ? i + 1 : i;
}

// Grid cells of one owner and band turned into simplified polygons. The
// buffers are kept between calls: one Outliner per thread. Work is linear in
// the cells and the outlines, not in the box (the box-sized buffers are
// left clear by each call); a call allocates for its result only, once the
// buffers have grown to the largest box and outline met.
class Outliner {
 public:
  // cells: the region's cells as indices i * h + j into a w x h box whose
  // outermost rows and columns are empty; pinch cells and filled holes are
  // appended. A hole whose outline encloses fewer than hole_limit cells and
  // holds no blocked cell is filled: blocked(span<const BoxCell>) says
  // whether any of a hole's empty cells is. tol: the simplification tolerance in
  // doubled units (1 = half a cell). Polygons come shell first, in the order
  // of the cells their outlines start from.
  template <class Blocked>
  std::vector<Poly2> run(std::vector<std::uint32_t>& cells, std::int64_t w, std::int64_t h, double hole_limit,
                         const Blocked& blocked, double tol) {
    w_ = w;
    h_ = h;
    const auto box = static_cast<std::size_t>(w * h);
    grow(in_, box, std::uint8_t{0});
    grow(dir_, box, std::uint8_t{0});
    grow(ring_at_, box, std::uint32_t{0});
    for (const std::uint32_t c : cells) in_[c] = 1;
    fill_pinches(cells);
    trace(cells);
    if (hole_limit > 0.0 && fill_holes(cells, hole_limit, blocked)) {
      // A filled hole's ring goes, and so do the rings of whatever it held
      // (their left cells are marked 2).
      std::size_t kept = 0;
      for (const Traced& t : traced_)
        if (t.b != t.e && in_[t.left] != 2) traced_[kept++] = t;
      traced_.resize(kept);
    }
    const std::size_t nr = traced_.size();
    vbeg_.assign(1, 0);
    vpts_.clear();
    vfix_.clear();
    area_.resize(nr);
    std::size_t shells = 0, holes = 0;
    for (std::size_t r = 0; r < nr; ++r) {
      vertices(&cpts_[traced_[r].b], traced_[r].e - traced_[r].b);
      vbeg_.push_back(static_cast<std::uint32_t>(vpts_.size()));
      area_[r] = twice_area(&vpts_[vbeg_[r]], vbeg_[r + 1] - vbeg_[r]);
      (area_[r] > 0 ? shells : holes) += 1;
    }
    // Each foreground component has one shell; a hole goes to the shell of
    // the component of the cells on its left.
    shell_of_.resize(nr);
    for (std::size_t r = 0; r < nr; ++r) shell_of_[r] = shells > 1 ? static_cast<std::uint32_t>(r) : 0;
    if (shells > 1 && holes > 0) place_holes(cells);
    for (const std::uint32_t c : cells) in_[c] = 0;
    alive_.clear();
    if (tol > 0.0) simplify(tol);
    // The rings as drawn: their vertices still in place, and their areas.
    std::vector<Poly2> out;
    poly_of_.assign(nr, -1);
    for (std::size_t r = 0; r < nr; ++r)
      if (area_[r] > 0) {
        poly_of_[shell_of_[r]] = static_cast<std::int32_t>(out.size());
        out.push_back({ring(r)});
      }
    for (std::size_t r = 0; r < nr; ++r)
      if (area_[r] < 0) {
        const std::int32_t p = poly_of_[shell_of_[r]];
        if (p >= 0) out[static_cast<std::size_t>(p)].push_back(ring(r));
      }
    return out;
  }

 private:
  // A traced ring: its turning corners cpts_[b, e), the cell left of its
  // first edge, its number in tracing order and twice its area.
  struct Traced {
    std::uint32_t b, e, left, id;
    std::int64_t area;
  };

  template <class T>
  static void grow(std::vector<T>& v, std::size_t n, T fill) {
    if (v.size() < n) v.resize(n, fill);
  }

  // Two cells touching only at a corner get the side cell to the right of
  // the left one, as the hash-map tracing does: then each corner starts at
  // most one boundary edge, and 4- and 8-connectivity agree for cells and
  // for gaps. (Of a cell's two checks the second never fills once the first
  // has: both would fill the same cell.)
  void fill_pinches(std::vector<std::uint32_t>& cells) {
    const std::size_t h = static_cast<std::size_t>(h_);
    std::uint8_t* in = in_.data();
    for (std::size_t k = 0; k < cells.size(); ++k) {
      const std::size_t c = cells[k];
      const unsigned pinch = ((in[c + h - 1] & ~in[c - 1]) | (in[c + h + 1] & ~in[c + 1])) & ~in[c + h];
      if (pinch & 1u) {
        in[c + h] = 1;
        cells.push_back(static_cast<std::uint32_t>(c + h));  // checked in turn
      }
    }
  }

  // Boundary rings with the region on their left (shells counter-clockwise,
  // holes clockwise), as their turning corners, each started from the first
  // boundary edge of the first cell (in the cells' order) it passes. The
  // corner (i, j) is numbered i * h + j like the cell it is the lower left
  // corner of (boundary corners lie inside the box's empty frame); its
  // outgoing edge is kept in dir_ (1..4: +x, +y, -x, -y), and the ring that
  // traced it in ring_at_.
  void trace(const std::vector<std::uint32_t>& cells) {
    const std::size_t h = static_cast<std::size_t>(h_);
    grow(starts_, 4 * cells.size() + 4, std::uint32_t{0});
    std::uint8_t* in = in_.data();
    std::uint8_t* dir = dir_.data();
    std::uint32_t* st = starts_.data();
    std::size_t n = 0;
    for (const std::uint32_t c : cells) {
      const std::uint8_t f1 = in[c - 1] == 0, f2 = in[c + h] == 0, f3 = in[c + 1] == 0, f4 = in[c - h] == 0;
      dir[c] |= f1;
      dir[c + h] |= static_cast<std::uint8_t>(2 * f2);
      dir[c + h + 1] |= static_cast<std::uint8_t>(3 * f3);
      dir[c + 1] |= static_cast<std::uint8_t>(4 * f4);
      st[n] = c;
      n += f1;
      st[n] = static_cast<std::uint32_t>(c + h);
      n += f2;
      st[n] = static_cast<std::uint32_t>(c + h + 1);
      n += f3;
      st[n] = static_cast<std::uint32_t>(c + 1);
      n += f4;
    }
    traced_.clear();
    grow(cpts_, n + 1, P2{0, 0});
    P2* pts = cpts_.data();
    std::uint32_t np = 0;
    const std::int64_t ih = h_;
    std::uint32_t* ring_at = ring_at_.data();
    for (std::size_t q = 0; q < n; ++q) {
      const std::uint32_t s = st[q];
      const std::uint8_t d0 = dir[s];
      if (d0 == 0) continue;  // already on a traced ring
      const auto id = static_cast<std::uint32_t>(traced_.size());
      const std::uint32_t left = d0 == 1 ? s : d0 == 2 ? s - static_cast<std::uint32_t>(h) : d0 == 3 ? s - static_cast<std::uint32_t>(h) - 1 : s - 1;
      auto x = static_cast<std::int32_t>(s / h), y = static_cast<std::int32_t>(s % h);
      const std::uint32_t b = np;
      std::int64_t k = s;
      std::uint8_t prev = 0;
      for (std::uint8_t d = d0; d != 0; d = dir[k]) {
        dir[k] = 0;
        ring_at[k] = id;
        pts[np] = {x, y};
        np += d != prev;
        prev = d;
        const std::int32_t sx = (d == 1) - (d == 3), sy = (d == 2) - (d == 4);
        x += sx;
        y += sy;
        k += sx * ih + sy;
      }
      // The start corner is a turn unless the last edge runs on into the first.
      traced_.push_back({prev == d0 ? b + 1 : b, np, left, id, 0});
      traced_.back().area = twice_area(pts + traced_.back().b, traced_.back().e - traced_.back().b);
    }
  }

  // Holes (clockwise rings) enclosing fewer than `limit` cells, none of them
  // blocked, are filled (their ring emptied); true when any was.
  template <class Blocked>
  bool fill_holes(std::vector<std::uint32_t>& cells, double limit, const Blocked& blocked) {
    bool any = false;
    for (Traced& t : traced_) {
      const std::int64_t a2 = t.area;
      if (a2 >= 0 || static_cast<double>(-a2) / 2.0 >= limit) continue;
      const P2* r = &cpts_[t.b];
      const std::size_t n = t.e - t.b;
      spans_.clear();  // (row, x) of the ring's vertical edges
      for (std::size_t k = 0; k < n; ++k) {
        const P2& p = r[k];
        const P2& q = r[k + 1 == n ? 0 : k + 1];
        if (p.x != q.x) continue;
        for (std::int32_t y = std::min(p.y, q.y); y < std::max(p.y, q.y); ++y) spans_.push_back({y, p.x});
      }
      std::sort(spans_.begin(), spans_.end());
      hole_.clear();
      gaps_.clear();
      for (std::size_t k = 0; k + 1 < spans_.size(); k += 2)
        for (std::int32_t x = spans_[k].second; x < spans_[k + 1].second; ++x) {
          const std::size_t c = static_cast<std::size_t>(static_cast<std::int64_t>(x) * h_ + spans_[k].first);
          if (!in_[c]) gaps_.push_back({x, spans_[k].first});
          hole_.push_back(static_cast<std::uint32_t>(c));
        }
      // All the gap cells at once: the caller can look them up side by side.
      if (!gaps_.empty() && blocked(std::span<const BoxCell>(gaps_))) continue;
      // Every cell the ring encloses is marked 2 (islands included).
      for (const std::uint32_t c : hole_) {
        if (!in_[c]) cells.push_back(c);
        in_[c] = 2;
      }
      t.e = t.b;
      any = true;
    }
    return any;
  }

  // Each hole goes to the shell of its component. Below a hole's lowest
  // edge lie cells of its component; going down from one of them, the first
  // boundary met is another ring of the component: its shell, or a hole
  // reaching lower, from which the search goes on. This needs the rings'
  // orientation as traced (the sign of the staircase's area) to be the sign
  // of their outline's area, as it is; were it not, the components are
  // labelled cell by cell.
  void place_holes(const std::vector<std::uint32_t>& cells) {
    const std::size_t nr = traced_.size();
    bool agree = true;
    for (std::size_t r = 0; r < nr; ++r) agree = agree && area_[r] != 0 && (area_[r] > 0) == (traced_[r].area > 0);
    if (!agree) {
      label_components(cells);
      return;
    }
    // The rings of this call by tracing number.
    grow(now_, traced_.empty() ? 0 : static_cast<std::size_t>(traced_.back().id) + 1, std::uint32_t{0});
    for (std::size_t r = 0; r < nr; ++r) now_[traced_[r].id] = static_cast<std::uint32_t>(r);
    constexpr std::uint32_t kUnknown = ~std::uint32_t{0};
    for (std::size_t r = 0; r < nr; ++r) shell_of_[r] = area_[r] > 0 ? static_cast<std::uint32_t>(r) : kUnknown;
    const std::size_t h = static_cast<std::size_t>(h_);
    for (std::size_t r0 = 0; r0 < nr; ++r0) {
      if (shell_of_[r0] != kUnknown) continue;
      chain_.clear();
      std::size_t r = r0;
      while (shell_of_[r] == kUnknown) {
        chain_.push_back(static_cast<std::uint32_t>(r));
        // The lowest corner of the hole: its edge on that row runs -x with
        // the region below.
        const P2* p = &cpts_[traced_[r].b];
        const std::size_t n = traced_[r].e - traced_[r].b;
        std::size_t lo = 0;
        for (std::size_t k = 1; k < n; ++k)
          if (p[k].y < p[lo].y) lo = k;
        const P2 a = p[lo], b = p[lo + 1 == n ? 0 : lo + 1], z = p[lo == 0 ? n - 1 : lo - 1];
        const std::int32_t x = a.y == b.y ? std::min(a.x, b.x) : std::min(a.x, z.x);
        std::size_t c = static_cast<std::size_t>(x) * h + static_cast<std::size_t>(a.y - 1);
        while (in_[c - 1]) --c;
        r = now_[ring_at_[c]];  // the ring of the edge below cell c
      }
      for (const std::uint32_t q : chain_) shell_of_[q] = shell_of_[r];
    }
  }

  // The components cell by cell, from the cell left of each ring's first edge.
  void label_components(const std::vector<std::uint32_t>& cells) {
    grow(label_, in_.size(), std::int32_t{-1});
    const std::int64_t h = h_;
    std::int32_t comps = 0;
    for (const Traced& t : traced_) {
      if (label_[t.left] >= 0) continue;
      stack_.assign(1, t.left);
      label_[t.left] = comps;
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
    for (std::size_t r = 0; r < traced_.size(); ++r) shell_of_[r] = static_cast<std::uint32_t>(label_[traced_[r].left]);
    for (const std::uint32_t c : cells) label_[c] = -1;
  }

  // The outline's vertices, in doubled units. A run between two turns the
  // same way (a side of a block) keeps its ends, each corner cut at half a
  // cell: the cut stays inside the one cell at that corner. A run between
  // turns opposite ways (a step of a staircase along a slanting road) is
  // drawn through its midpoint when the runs on either side are ends kept
  // or single steps, so the cut there stays within half a cell of the
  // corner and inside the cells along the run. Either way the rings stay
  // simple and apart, within half a cell of the cells' outline, and the
  // midpoints of a straight road's steps fall on a line. Appended to
  // vpts_, with vfix_ (the vertex stays in simplification).
  void vertices(const P2* c, std::size_t m) {
    const std::size_t base = vpts_.size();
    auto unit = [](std::int32_t v) { return v > 0 ? 1 : (v < 0 ? -1 : 0); };
    // turn: at corner k, left (1) or right (-1); step[k]: the run from
    // corner k turns the other way at its end; len[k]: its length.
    grow(turn_, m, std::int8_t{0});
    grow(len_, m, std::int32_t{0});
    grow(step_, m, std::uint8_t{0});
    std::int8_t* turn = turn_.data();
    std::int32_t* len = len_.data();
    std::uint8_t* step = step_.data();
    for (std::size_t k = 0; k < m; ++k) {
      const P2& p = c[k == 0 ? m - 1 : k - 1];
      const P2& q = c[k];
      const P2& r = c[k + 1 == m ? 0 : k + 1];
      const std::int64_t cr = static_cast<std::int64_t>(q.x - p.x) * (r.y - q.y) - static_cast<std::int64_t>(q.y - p.y) * (r.x - q.x);
      turn[k] = cr > 0 ? 1 : -1;
      len[k] = std::abs(r.x - q.x) + std::abs(r.y - q.y);
    }
    for (std::size_t k = 0; k + 1 < m; ++k) step[k] = turn[k] != turn[k + 1];
    step[m - 1] = turn[m - 1] != turn[0];
    // At most two vertices a corner.
    vpts_.resize(base + 2 * m);
    vfix_.resize(base + 2 * m);
    P2* out = vpts_.data() + base;
    std::uint8_t* fix = vfix_.data() + base;
    std::size_t j = 0;
    for (std::size_t k = 0; k < m; ++k) {
      const P2& q = c[k];
      const P2& r = c[k + 1 == m ? 0 : k + 1];
      const std::size_t before = k == 0 ? m - 1 : k - 1, after = k + 1 == m ? 0 : k + 1;
      // Runs up to four cells: a road slanting at 1 in 4 or more; a longer
      // step is rare and costs only its two cut corners.
      const bool mid = step[k] && len[k] > 1 && len[k] <= 4 && (!step[before] || len[before] == 1) &&
                       (!step[after] || len[after] == 1);
      if (mid) {
        out[j] = {q.x + r.x, q.y + r.y};
        fix[j++] = 0;
        continue;
      }
      // The ends of a side two cells or longer stay where they are: blocks
      // keep their square corners and a one-road corridor its width.
      const std::uint8_t keep = !step[k] && len[k] >= 2 ? 1 : 0;
      const P2 d{unit(r.x - q.x), unit(r.y - q.y)};
      const P2 pa{2 * q.x + d.x, 2 * q.y + d.y};
      const P2 pb{2 * r.x - d.x, 2 * r.y - d.y};
      if (j == 0 || !(out[j - 1] == pa)) {
        out[j] = pa;
        fix[j++] = keep;
      } else {
        fix[j - 1] |= keep;
      }
      if (!(out[j - 1] == pb)) {
        out[j] = pb;
        fix[j++] = keep;
      }
    }
    if (j > 1 && out[0] == out[j - 1]) {
      fix[0] |= fix[j - 1];
      --j;
    }
    vpts_.resize(base + j);
    vfix_.resize(base + j);
  }

  // Douglas-Peucker on every ring, a chain replaced by its chord only when no
  // other vertex left (of any ring) lies between them: the rings stay simple
  // and nested as they were. Chords are checked one at a time against the
  // vertices in place, so every intermediate state is valid. The vertices in
  // place are bits of a map of the doubled grid (no two vertices share a
  // point: each lies on a boundary edge of its own, or is a corner of one
  // ring's outline passed once).
  void simplify(double tol) {
    const std::size_t nr = traced_.size();
    // Each ring starts at a vertex that stays, if it has one.
    for (std::size_t r = 0; r < nr; ++r) {
      const auto f0 = vfix_.begin() + vbeg_[r], f1 = vfix_.begin() + vbeg_[r + 1];
      const auto f = std::find(f0, f1, 1);
      if (f == f1 || f == f0) continue;
      std::rotate(vpts_.begin() + vbeg_[r], vpts_.begin() + vbeg_[r] + (f - f0), vpts_.begin() + vbeg_[r + 1]);
      std::rotate(f0, f, f1);
    }
    W2_ = 2 * w_ + 1;
    H2_ = 2 * h_ + 1;
    TH_ = (H2_ + 7) / 8;
    grow(bits_, static_cast<std::size_t>((W2_ + 7) / 8 * TH_), std::uint64_t{0});
    alive_.assign(vpts_.size(), 1);
    bit_of_.resize(vpts_.size());
    for (std::size_t v = 0; v < vpts_.size(); ++v) {
      bit_of_[v] = index(vpts_[v]);
      flip(bit_of_[v]);
    }
    const double tol2 = tol * tol;
    for (std::size_t r = 0; r < nr; ++r) {
      const P2* ring = &vpts_[vbeg_[r]];
      const std::size_t* bit_of = &bit_of_[vbeg_[r]];
      const std::uint8_t* fixed = &vfix_[vbeg_[r]];
      std::uint8_t* alive = &alive_[vbeg_[r]];
      const std::size_t n = vbeg_[r + 1] - vbeg_[r];
      if (n < 5) continue;
      chains_.clear();
      std::size_t prev = n;
      for (std::size_t k = n; k-- > 1;)
        if (fixed[k]) {
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
        const P2 va = ring[a], vb = ring[b == n ? 0 : b];
        std::size_t m = a + 1;
        double dmax = -1.0;
        for (std::size_t k = a + 1; k < b; ++k) {
          const double d2 = seg_dist2(ring[k].x, ring[k].y, va, vb);
          if (d2 > dmax) dmax = d2, m = k;
        }
        if (dmax >= tol2 || blocked_chord(ring, bit_of, n, a, b, tol)) {
          chains_.push_back({m, b});
          chains_.push_back({a, m});
          continue;
        }
        for (std::size_t k = a + 1; k < b; ++k) {
          alive[k] = 0;
          flip(bit_of[k]);
        }
      }
      // A ring must keep an area of the same sign; else it stays as traced
      // (only its own vertices moved, so the state before it is restored).
      std::int64_t a1 = 0;
      std::size_t kept = 0, first = n, last = n;
      for (std::size_t k = 0; k < n; ++k)
        if (alive[k]) {
          if (last != n) a1 += static_cast<std::int64_t>(ring[last].x) * ring[k].y - static_cast<std::int64_t>(ring[k].x) * ring[last].y;
          else first = k;
          last = k;
          ++kept;
        }
      if (kept >= 3)
        a1 += static_cast<std::int64_t>(ring[last].x) * ring[first].y - static_cast<std::int64_t>(ring[first].x) * ring[last].y;
      else
        a1 = 0;
      const std::int64_t a0 = area_[r];
      if (a1 == 0 || (a0 > 0) != (a1 > 0)) {
        for (std::size_t k = 0; k < n; ++k) {
          if (!alive[k]) flip(bit_of[k]);
          alive[k] = 1;
        }
      } else {
        area_[r] = a1;
      }
    }
    // The bit map is left clear.
    for (const std::size_t k : bit_of_) bits_[k >> 6] = 0;
  }

  // Whether a vertex in place other than the chain's own lies on the chord
  // a-b of ring r or between the chord and the chain (all such points are
  // within tol of the chord, as the chain's vertices are). The points tested
  // are those of a strip along the chord, column by column along its longer
  // axis: within tol / cos of the line (tol of an end beyond it). The
  // chain's own vertices are taken off the map meanwhile, and only the
  // vertices in place in a box around the strip are looked at (mostly none).
  bool blocked_chord(const P2* ring, const std::size_t* bit_of, std::size_t n, std::size_t a, std::size_t b, double tol) {
    const P2 va = ring[a], vb = ring[b == n ? 0 : b];
    const std::size_t last = b == n ? (a == 0 ? n - 1 : n) : b;  // vertex n is vertex 0
    for (std::size_t k = a; k <= last; ++k) flip(bit_of[k == n ? 0 : k]);
    const double tol2 = tol * tol + 1e-9;
    auto test = [&](std::int64_t x, std::int64_t y) {
      const double px = static_cast<double>(x), py = static_cast<double>(y);
      if (seg_dist2(px, py, va, vb) > tol2) return false;
      // On the chord?
      const double cr = (vb.x - va.x) * (py - va.y) - (vb.y - va.y) * (px - va.x);
      if (cr == 0.0) return true;
      // Between chord and chain: even-odd over the chain closed by the chord.
      bool inside = false;
      for (std::size_t k = a; k <= b; ++k) {
        const P2 p = ring[k == n ? 0 : k], q = k == b ? va : ring[k + 1 == n ? 0 : k + 1];
        if ((p.y > py) != (q.y > py) &&
            px < static_cast<double>(q.x - p.x) * (py - p.y) / static_cast<double>(q.y - p.y) + p.x)
          inside = !inside;
      }
      return inside;
    };
    const std::int64_t dx = vb.x - va.x, dy = vb.y - va.y, l2 = dx * dx + dy * dy;
    const bool flat = std::abs(dx) >= std::abs(dy);
    const double du = static_cast<double>(flat ? dx : dy), dv = static_cast<double>(flat ? dy : dx);
    const std::int64_t ua = flat ? va.x : va.y, ub = flat ? vb.x : vb.y, v0 = flat ? va.y : va.x, v1 = flat ? vb.y : vb.x;
    const std::int64_t u0 = floor_int(static_cast<double>(std::min(ua, ub)) - tol);
    const std::int64_t u1 = ceil_int(static_cast<double>(std::max(ua, ub)) + tol);
    double half = -1.0;  // the strip's half width across, when needed
    // Whether (u, v) is in the strip.
    auto in_strip = [&](std::int64_t u, std::int64_t v) {
      if (half < 0.0) half = (du != 0.0 ? tol * std::hypot(du, dv) / std::fabs(du) : tol) + 1e-9;
      const double t = du != 0.0 ? std::clamp(static_cast<double>(u - ua) / du, 0.0, 1.0) : 0.0;
      const double vc = static_cast<double>(v0) + t * dv;
      return ceil_int(vc - half) <= v && v <= floor_int(vc + half);
    };
    // The box: the strip's columns, and across them the chord's range widened
    // by at least the strip's half width (hypot(du, dv) <= |du| + |dv|).
    const double adu = std::fabs(du), wide = (adu != 0.0 ? tol * (adu + std::fabs(dv)) / adu : tol) + 1e-9;
    const std::int64_t w0 = floor_int(static_cast<double>(std::min(v0, v1)) - wide);
    const std::int64_t w1 = ceil_int(static_cast<double>(std::max(v0, v1)) + wide);
    const std::int64_t x0 = std::max<std::int64_t>(flat ? u0 : w0, 0), x1 = std::min(flat ? u1 : w1, W2_ - 1);
    const std::int64_t y0 = std::max<std::int64_t>(flat ? w0 : u0, 0), y1 = std::min(flat ? w1 : u1, H2_ - 1);
    bool hit = false;
    for (std::int64_t tx = x0 >> 3; tx <= x1 >> 3 && !hit && y0 <= y1; ++tx) {
      // The tile's columns in the box, as bytes of the tile's word.
      const std::int64_t xa = std::max(x0 - 8 * tx, std::int64_t{0}), xb = std::min(x1 - 8 * tx, std::int64_t{7});
      const std::uint64_t cols = (~std::uint64_t{0} >> (8 * (7 - xb))) & (~std::uint64_t{0} << (8 * xa));
      for (std::int64_t ty = y0 >> 3; ty <= y1 >> 3 && !hit; ++ty) {
        const std::int64_t ya = std::max(y0 - 8 * ty, std::int64_t{0}), yb = std::min(y1 - 8 * ty, std::int64_t{7});
        const std::uint64_t rows = ((0xFFu >> (7 - yb)) & (0xFFu << ya) & 0xFFu) * 0x0101010101010101ull;
        for (std::uint64_t m = bits_[static_cast<std::size_t>(tx * TH_ + ty)] & cols & rows; m != 0; m &= m - 1) {
          const int bt = __builtin_ctzll(m);
          const std::int64_t x = 8 * tx + (bt >> 3), y = 8 * ty + (bt & 7);
          // Off either end of the chord the distance is exact in integers
          // (seg_dist2 clamps to the end and so computes just this).
          const std::int64_t ex = x - va.x, ey = y - va.y, dot = ex * dx + ey * dy;
          if (dot <= 0 && static_cast<double>(ex * ex + ey * ey) > tol2) continue;
          if (dot >= l2 && static_cast<double>((x - vb.x) * (x - vb.x) + (y - vb.y) * (y - vb.y)) > tol2) continue;
          // Between them, a point clearly farther than tol from the line
          // (seg_dist2's rounding is far below the margin).
          const std::int64_t cross = ex * dy - ey * dx;
          if (static_cast<double>(cross * cross) > (tol2 + 1e-6) * static_cast<double>(l2)) continue;
          if (test(x, y) && (flat ? in_strip(x, y) : in_strip(y, x))) {
            hit = true;
            break;
          }
        }
      }
    }
    for (std::size_t k = a; k <= last; ++k) flip(bit_of[k == n ? 0 : k]);
    return hit;
  }

  // Ring r as drawn: its vertices in place.
  Ring2 ring(std::size_t r) const {
    Ring2 out;
    if (alive_.empty()) return Ring2(vpts_.begin() + vbeg_[r], vpts_.begin() + vbeg_[r + 1]);
    out.reserve(vbeg_[r + 1] - vbeg_[r]);
    for (std::size_t k = vbeg_[r]; k < vbeg_[r + 1]; ++k)
      if (alive_[k]) out.push_back(vpts_[k]);
    return out;
  }

  // The map of the doubled grid in tiles of 8 x 8 points, a word each, so
  // that the box around a chord is a few words whatever its slant.
  std::size_t index(P2 p) const {
    return static_cast<std::size_t>(((p.x >> 3) * TH_ + (p.y >> 3)) * 64 + ((p.x & 7) << 3) + (p.y & 7));
  }
  void flip(std::size_t k) { bits_[k >> 6] ^= std::uint64_t{1} << (k & 63); }

  std::int64_t w_ = 0, h_ = 0, W2_ = 0, H2_ = 0, TH_ = 0;
  // Box-sized, clear between calls.
  std::vector<std::uint8_t> in_, dir_;
  std::vector<std::uint32_t> ring_at_;
  std::vector<std::int32_t> label_;
  std::vector<std::uint64_t> bits_;  // a vertex in place at each doubled-grid point
  // The traced rings' corners, and the rings that remain.
  std::vector<std::uint32_t> starts_;
  std::vector<P2> cpts_;
  std::vector<Traced> traced_;
  // Per remaining ring: its vertices vpts_[vbeg_[r], vbeg_[r + 1]) and
  // whether each stays (vfix_) and is in place (alive_), twice its area,
  // the shell it belongs to.
  std::vector<std::uint32_t> vbeg_;
  std::vector<P2> vpts_;
  std::vector<std::uint8_t> vfix_, alive_;
  std::vector<std::size_t> bit_of_;  // per vertex, its bit in bits_
  std::vector<std::int64_t> area_;
  std::vector<std::uint32_t> shell_of_, now_, chain_, stack_, hole_;
  std::vector<std::int32_t> poly_of_;
  std::vector<std::pair<std::int32_t, std::int32_t>> spans_;
  std::vector<BoxCell> gaps_;
  std::vector<std::int8_t> turn_;
  std::vector<std::int32_t> len_;
  std::vector<std::uint8_t> step_;
  std::vector<std::pair<std::size_t, std::size_t>> chains_;
};

constexpr double kSimplifyTol = 0.7;  // doubled units: 0.35 cell

}  // namespace ruralnet::coverage::detail
