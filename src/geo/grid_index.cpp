#include "ruralnet/geo/grid_index.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <exception>
#include <queue>
#include <string>
#include <thread>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/workers.hpp"

namespace ruralnet::geo {

namespace {

constexpr int kRadixBits = 11;
constexpr std::size_t kRadixBuckets = std::size_t{1} << kRadixBits;
constexpr std::size_t kParallelSortMin = std::size_t{1} << 17;

}  // namespace

void radix_sort(std::vector<KeyedIndex>& items) { radix_sort(items, 1); }

namespace {

// Sorts in[0, n) stably by key bits [lo, hi) into out[0, n), using in as
// scratch. Within one bucket of the first pass the bits above hi are equal,
// so this orders by the whole key.
void sort_bucket(KeyedIndex* in, KeyedIndex* out, std::size_t n, int lo, int hi, std::vector<std::uint32_t>& count) {
  if (n <= 48) {  // insertion sort: stable, no passes
    for (std::size_t i = 0; i < n; ++i) {
      const KeyedIndex x = in[i];
      std::size_t j = i;
      for (; j > 0 && out[j - 1].key > x.key; --j) out[j] = out[j - 1];
      out[j] = x;
    }
    return;
  }
  std::uint64_t o = 0, a = ~std::uint64_t{0};
  for (std::size_t i = 0; i < n; ++i) {
    o |= in[i].key;
    a &= in[i].key;
  }
  const std::uint64_t varying = (o ^ a) & ((hi >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << hi) - 1) >> lo << lo);
  KeyedIndex* src = in;
  KeyedIndex* dst = out;
  if (varying != 0) {
    lo = std::countr_zero(varying);
    hi = static_cast<int>(std::bit_width(varying));
    const int passes = (hi - lo + kRadixBits - 1) / kRadixBits;
    const int bits = (hi - lo + passes - 1) / passes;
    const std::size_t buckets = std::size_t{1} << bits;
    for (int shift = lo; shift < hi; shift += bits) {
      const std::uint64_t mask = (buckets - 1) << shift;
      if ((varying & mask) == 0) continue;
      std::fill(count.begin(), count.begin() + static_cast<std::ptrdiff_t>(buckets), 0u);
      for (std::size_t i = 0; i < n; ++i) ++count[(src[i].key >> shift) & (buckets - 1)];
      std::uint32_t sum = 0;
      for (std::size_t d = 0; d < buckets; ++d) {
        const std::uint32_t v = count[d];
        count[d] = sum;
        sum += v;
      }
      for (std::size_t i = 0; i < n; ++i) dst[count[(src[i].key >> shift) & (buckets - 1)]++] = src[i];
      std::swap(src, dst);
    }
  }
  if (src != out) std::copy(src, src + n, out);
}

}  // namespace

void radix_sort(std::vector<KeyedIndex>& items, std::size_t threads) {
  const std::size_t n = items.size();
  if (n < 2) return;
  if (n < kParallelSortMin) threads = 1;
  threads = std::clamp<std::size_t>(threads, 1, 64);
  // Worker w owns items [bound(w), bound(w + 1)) of a pass's input.
  const auto bound = [&](std::size_t w) { return n / threads * w + std::min(w, n % threads); };
  std::vector<std::uint64_t> ors(threads, 0), ands(threads, ~std::uint64_t{0});
  run_workers(threads, [&](std::size_t w) {
    std::uint64_t o = 0, a = ~std::uint64_t{0};
    for (std::size_t i = bound(w); i < bound(w + 1); ++i) {
      o |= items[i].key;
      a &= items[i].key;
    }
    ors[w] = o;
    ands[w] = a;
  });
  std::uint64_t all_or = 0, all_and = ~std::uint64_t{0};
  for (std::size_t w = 0; w < threads; ++w) {
    all_or |= ors[w];
    all_and &= ands[w];
  }
  const std::uint64_t varying = all_or ^ all_and;  // bits that differ somewhere
  if (varying == 0) return;
  const int lo = std::countr_zero(varying), hi = static_cast<int>(std::bit_width(varying));
  std::vector<KeyedIndex> tmp(n);
  // One pass over memory by the top bits (a stable counting scatter, a
  // share of the items per worker behind the shares before it) into buckets
  // of some 16k items; each bucket then sorted by the lower bits while it
  // sits in cache, the buckets shared out among the workers. Both steps are
  // stable, so the order is that of a full LSD sort.
  const int top_bits = std::clamp(static_cast<int>(std::bit_width(n)) - 14, 1, 12);
  const int top_shift = std::max(lo, hi - top_bits);
  const std::size_t buckets = std::size_t{1} << (hi - top_shift);
  const auto digit = [top_shift, buckets](const KeyedIndex& it) {
    return static_cast<std::size_t>((it.key >> top_shift) & (buckets - 1));
  };
  // count[w * buckets + d]: items of worker w with digit d, then where worker
  // w puts its first item with digit d.
  std::vector<std::uint32_t> count(threads * buckets);
  run_workers(threads, [&](std::size_t w) {
    std::uint32_t* c = count.data() + w * buckets;
    for (std::size_t i = bound(w); i < bound(w + 1); ++i) ++c[digit(items[i])];
  });
  std::vector<std::uint32_t> start(buckets + 1, 0);
  std::uint32_t sum = 0;
  for (std::size_t d = 0; d < buckets; ++d) {
    start[d] = sum;
    for (std::size_t w = 0; w < threads; ++w) {
      std::uint32_t& c = count[w * buckets + d];
      const std::uint32_t v = c;
      c = sum;
      sum += v;
    }
  }
  start[buckets] = sum;
  run_workers(threads, [&](std::size_t w) {
    std::uint32_t* c = count.data() + w * buckets;
    for (std::size_t i = bound(w); i < bound(w + 1); ++i) tmp[c[digit(items[i])]++] = items[i];
  });
  if (top_shift == lo) {  // the top bits were all the bits
    items.swap(tmp);
    return;
  }
  std::atomic<std::size_t> next{0};
  run_workers(threads, [&](std::size_t) {
    std::vector<std::uint32_t> scratch(kRadixBuckets);
    for (std::size_t d; (d = next.fetch_add(1, std::memory_order_relaxed)) < buckets;)
      sort_bucket(tmp.data() + start[d], items.data() + start[d], start[d + 1] - start[d], lo, top_shift, scratch);
  });
}

void GridIndex::init_frame(double min_x, double min_y, double max_x, double max_y, double cell_size_m) {
  if (!(cell_size_m > 0.0) || !std::isfinite(cell_size_m))
    throw RunError("grid index cell size must be a positive number of metres, not " + std::to_string(cell_size_m));
  cell_ = cell_size_m;
  if (!(min_x <= max_x)) {  // nothing finite to index
    min_x = max_x = min_y = max_y = 0.0;
  }
  ox_ = min_x;
  oy_ = min_y;
  const double span_cols = std::floor((max_x - min_x) / cell_) + 3.0;
  const double span_rows = std::floor((max_y - min_y) / cell_) + 3.0;
  // Cell keys are col * rows + row in 64 bits; refuse grids that would overflow.
  if (span_cols * span_rows > 9.0e18)
    throw RunError("grid index of cell size " + std::to_string(cell_) + " m over this extent would have too many cells",
                   "use a larger cell size");
  cols_ = static_cast<std::int64_t>(span_cols);
  rows_ = static_cast<std::int64_t>(span_rows);
}

void GridIndex::fill(std::vector<KeyedIndex>& keyed) {
  radix_sort(keyed);
  keys_.clear();
  offsets_.clear();
  items_.resize(keyed.size());
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    if (i == 0 || keyed[i].key != keyed[i - 1].key) {
      keys_.push_back(keyed[i].key);
      offsets_.push_back(static_cast<std::uint32_t>(i));
    }
    items_[i] = keyed[i].index;
  }
  offsets_.push_back(static_cast<std::uint32_t>(keyed.size()));
}

GridIndex::GridIndex(std::span<const XY> points, double cell_size_m) {
  if (points.size() >= std::numeric_limits<std::uint32_t>::max())
    throw RunError("grid index: too many points (" + std::to_string(points.size()) + ")");
  double min_x = std::numeric_limits<double>::infinity(), min_y = min_x;
  double max_x = -min_x, max_y = -min_x;
  for (const XY& p : points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    min_x = std::min(min_x, p.x);
    max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y);
    max_y = std::max(max_y, p.y);
  }
  init_frame(min_x, min_y, max_x, max_y, cell_size_m);
  points_.assign(points.begin(), points.end());
  std::vector<KeyedIndex> keyed;
  keyed.reserve(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const XY& p = points[i];
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    keyed.push_back({key_of(column_of(p.x), row_of(p.y)), static_cast<std::uint32_t>(i)});
  }
  item_count_ = keyed.size();
  fill(keyed);
}

GridIndex GridIndex::of_boxes(std::span<const Box> boxes, double cell_size_m) {
  GridIndex g;
  double min_x = std::numeric_limits<double>::infinity(), min_y = min_x;
  double max_x = -min_x, max_y = -min_x;
  auto usable = [](const Box& b) {
    return std::isfinite(b.min_x) && std::isfinite(b.min_y) && std::isfinite(b.max_x) && std::isfinite(b.max_y) &&
           b.min_x <= b.max_x && b.min_y <= b.max_y;
  };
  for (const Box& b : boxes) {
    if (!usable(b)) continue;
    min_x = std::min(min_x, b.min_x);
    max_x = std::max(max_x, b.max_x);
    min_y = std::min(min_y, b.min_y);
    max_y = std::max(max_y, b.max_y);
  }
  g.init_frame(min_x, min_y, max_x, max_y, cell_size_m);
  std::vector<KeyedIndex> keyed;
  keyed.reserve(boxes.size() * 2);
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const Box& b = boxes[i];
    if (!usable(b)) continue;
    ++g.item_count_;
    for (std::int64_t c = g.column_of(b.min_x); c <= g.column_of(b.max_x); ++c)
      for (std::int64_t r = g.row_of(b.min_y); r <= g.row_of(b.max_y); ++r)
        keyed.push_back({g.key_of(c, r), static_cast<std::uint32_t>(i)});
  }
  if (keyed.size() >= std::numeric_limits<std::uint32_t>::max())
    throw RunError("grid index: boxes cover too many cells; use a larger cell size");
  g.fill(keyed);
  return g;
}

void GridIndex::check_pair_radius(double radius) const {
  if (!(radius >= 0.0 && radius <= cell_))
    throw RunError("grid index: close pairs need a radius between 0 and the cell size (" + std::to_string(cell_) +
                   " m), not " + std::to_string(radius));
  if (!points_.empty() || item_count_ == 0) return;
  throw RunError("grid index: close pairs are for an index of points, not of boxes");
}

std::size_t GridIndex::find_cell(std::int64_t col, std::int64_t row) const {
  if (col < 0 || row < 0 || col >= cols_ || row >= rows_) return npos;
  const std::uint64_t key = key_of(col, row);
  const auto it = std::lower_bound(keys_.begin(), keys_.end(), key);
  if (it == keys_.end() || *it != key) return npos;
  return static_cast<std::size_t>(it - keys_.begin());
}

std::vector<std::uint32_t> GridIndex::within(XY p, double radius) const {
  std::vector<std::uint32_t> out;
  if (!std::isfinite(p.x) || !std::isfinite(p.y) || !(radius >= 0.0)) return out;
  for_each_in_box({p.x - radius, p.y - radius, p.x + radius, p.y + radius}, [&](std::uint32_t i) {
    if (point_distance(i, p) <= radius) out.push_back(i);
  });
  return out;
}

std::optional<Neighbour> GridIndex::nearest(XY p, double max_distance) const {
  auto v = k_nearest(p, 1, max_distance);
  if (v.empty()) return std::nullopt;
  return v.front();
}

std::vector<Neighbour> GridIndex::k_nearest(XY p, std::size_t k, double max_distance) const {
  std::vector<Neighbour> best;  // sorted, at most k
  if (k == 0 || keys_.empty() || !std::isfinite(p.x) || !std::isfinite(p.y)) return best;
  auto offer = [&](std::uint32_t i) {
    const double d = point_distance(i, p);
    if (d > max_distance) return;
    if (best.size() == k && d >= best.back().distance) return;
    auto at = std::upper_bound(best.begin(), best.end(), d,
                               [](double v, const Neighbour& n) { return v < n.distance; });
    best.insert(at, Neighbour{i, d});
    if (best.size() > k) best.pop_back();
  };
  // Search square rings of cells around p's cell, clipped to the grid (a
  // query far outside starts at the first ring that reaches the grid). Every
  // item outside ring r-1 is at least (r-1) cells' width away, which bounds
  // when to stop.
  const std::int64_t pc = column_of(p.x), pr = row_of(p.y);
  const std::int64_t last_c = cols_ - 1, last_r = rows_ - 1;
  const std::int64_t first_ring = std::max<std::int64_t>({0, -pc, pc - last_c, -pr, pr - last_r});
  const std::int64_t last_ring = std::max<std::int64_t>({pc, last_c - pc, pr, last_r - pr});
  auto visit = [&](std::int64_t c, std::int64_t row) {
    const std::size_t cell = find_cell(c, row);
    if (cell == npos) return;
    for (std::uint32_t i = offsets_[cell]; i < offsets_[cell + 1]; ++i) offer(items_[i]);
  };
  for (std::int64_t r = first_ring; r <= last_ring; ++r) {
    const double unseen = static_cast<double>(r - 1) * cell_;  // anything in ring r or beyond is this far at least
    if (unseen > max_distance) break;
    if (best.size() == k && best.back().distance <= unseen) break;
    if (r == 0) {
      visit(pc, pr);
      continue;
    }
    const std::int64_t c0 = std::max<std::int64_t>(pc - r, 0), c1 = std::min<std::int64_t>(pc + r, last_c);
    for (std::int64_t c = c0; c <= c1; ++c) {
      if (pr - r >= 0) visit(c, pr - r);
      if (pr + r <= last_r) visit(c, pr + r);
    }
    const std::int64_t r0 = std::max<std::int64_t>(pr - r + 1, 0), r1 = std::min<std::int64_t>(pr + r - 1, last_r);
    for (std::int64_t row = r0; row <= r1; ++row) {
      if (pc - r >= 0) visit(pc - r, row);
      if (pc + r <= last_c) visit(pc + r, row);
    }
  }
  return best;
}

std::size_t GridIndex::memory_bytes() const {
  return keys_.capacity() * sizeof(std::uint64_t) + offsets_.capacity() * sizeof(std::uint32_t) +
         items_.capacity() * sizeof(std::uint32_t) + points_.capacity() * sizeof(XY);
}

}  // namespace ruralnet::geo
