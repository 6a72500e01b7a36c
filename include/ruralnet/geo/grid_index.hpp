// A uniform-grid spatial index over points or boxes in a local metric CRS.
// Items are bucketed by square cell and stored cell by cell in one flat array
// (like a CSR graph), so building is one sort and a query touches a few
// contiguous runs. A grid beats a tree here because road vertices and
// villages are spread fairly evenly over a city and every query radius
// (snap tolerance, walking distance) is known when the index is built.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "ruralnet/core/types.hpp"

namespace ruralnet::geo {

// An axis-aligned box in metres.
struct Box {
  double min_x = 0.0;
  double min_y = 0.0;
  double max_x = 0.0;
  double max_y = 0.0;
};

// A 64-bit key carrying a 32-bit payload, sorted by radix_sort.
struct KeyedIndex {
  std::uint64_t key = 0;
  std::uint32_t index = 0;
};

// Stable radix sort by key in linear time (the road graph builder sorts
// millions of quantised coordinates with it): one pass over memory scatters
// the items by their top varying bits into buckets of some 16k items, then
// each bucket is LSD-sorted by the remaining bits (11 bits a pass, passes
// whose digit is the same for every item skipped) while it is in cache.
void radix_sort(std::vector<KeyedIndex>& items);
// The same on up to `threads` threads: the first pass a share of the items
// per thread, each behind the shares before it, then the buckets shared out.
// The result is the serial one. Below 2^17 items, or with threads <= 1, it
// runs on the calling thread alone.
void radix_sort(std::vector<KeyedIndex>& items, std::size_t threads);

struct Neighbour {
  std::uint32_t item = 0;
  double distance = 0.0;  // planar, metres in the index's CRS
};

class GridIndex {
 public:
  GridIndex() = default;
  // Indexes points[i] as item i. Non-finite points are left out (queries never
  // return them). Throws RunError for a cell size that is not positive.
  GridIndex(std::span<const XY> points, double cell_size_m);
  // Indexes boxes[i] as item i in every cell the box overlaps.
  static GridIndex of_boxes(std::span<const Box> boxes, double cell_size_m);

  double cell_size() const { return cell_; }
  std::size_t item_count() const { return item_count_; }
  std::size_t cell_count() const { return keys_.size(); }
  bool holds_points() const { return !points_.empty() || item_count_ == 0; }

  // Every item stored in a cell that the box overlaps (candidates; for boxes
  // an item may be visited once per shared cell).
  template <class F>
  void for_each_in_box(const Box& b, F&& f) const;

  // Points only: items within `radius` of p, in no particular order.
  std::vector<std::uint32_t> within(XY p, double radius) const;
  // Points only: the nearest item within max_distance, if any.
  std::optional<Neighbour> nearest(XY p, double max_distance = std::numeric_limits<double>::infinity()) const;
  // Points only: up to k nearest items within max_distance, nearest first.
  std::vector<Neighbour> k_nearest(XY p, std::size_t k,
                                   double max_distance = std::numeric_limits<double>::infinity()) const;

  // Points only: calls f(i, j, distance) once for every pair of distinct
  // items (i < j) whose planar distance is at most radius, where radius is no
  // more than the cell size (RunError otherwise). Linear in the number of
  // items plus pairs: the cells are walked in key order and the three cells of
  // the next column are found by a pointer that only moves forward.
  template <class F>
  void for_each_close_pair(double radius, F&& f) const;

  // Calls f(col, row, items) for every non-empty cell, in key order.
  template <class F>
  void for_each_cell(F&& f) const {
    for (std::size_t k = 0; k < keys_.size(); ++k)
      f(static_cast<std::int64_t>(keys_[k] / static_cast<std::uint64_t>(rows_)),
        static_cast<std::int64_t>(keys_[k] % static_cast<std::uint64_t>(rows_)),
        std::span<const std::uint32_t>(items_.data() + offsets_[k], offsets_[k + 1] - offsets_[k]));
  }

  // The cell (column, row) holding p; columns and rows are offset so that every
  // data point has both >= 1.
  std::int64_t column_of(double x) const { return static_cast<std::int64_t>(std::floor((x - ox_) / cell_)) + 1; }
  std::int64_t row_of(double y) const { return static_cast<std::int64_t>(std::floor((y - oy_) / cell_)) + 1; }

  std::size_t memory_bytes() const;

 private:
  void init_frame(double min_x, double min_y, double max_x, double max_y, double cell_size_m);
  void fill(std::vector<KeyedIndex>& keyed);
  void check_pair_radius(double radius) const;
  std::uint64_t key_of(std::int64_t col, std::int64_t row) const {
    return static_cast<std::uint64_t>(col) * static_cast<std::uint64_t>(rows_) + static_cast<std::uint64_t>(row);
  }
  // Index in keys_ of the cell, or npos.
  std::size_t find_cell(std::int64_t col, std::int64_t row) const;
  double point_distance(std::uint32_t item, XY p) const {
    return std::hypot(points_[item].x - p.x, points_[item].y - p.y);
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  double cell_ = 1.0;
  double ox_ = 0.0, oy_ = 0.0;
  std::int64_t cols_ = 0, rows_ = 0;  // including one margin cell on each side
  std::size_t item_count_ = 0;
  std::vector<std::uint64_t> keys_;     // sorted cell keys
  std::vector<std::uint32_t> offsets_;  // keys_.size() + 1
  std::vector<std::uint32_t> items_;
  std::vector<XY> points_;  // copy of the points (empty for boxes)
};

template <class F>
void GridIndex::for_each_in_box(const Box& b, F&& f) const {
  if (keys_.empty()) return;
  const std::int64_t c0 = std::max<std::int64_t>(column_of(b.min_x), 0);
  const std::int64_t c1 = std::min<std::int64_t>(column_of(b.max_x), cols_ - 1);
  const std::int64_t r0 = std::max<std::int64_t>(row_of(b.min_y), 0);
  const std::int64_t r1 = std::min<std::int64_t>(row_of(b.max_y), rows_ - 1);
  for (std::int64_t c = c0; c <= c1; ++c)
    for (std::int64_t r = r0; r <= r1; ++r) {
      const std::size_t k = find_cell(c, r);
      if (k == npos) continue;
      for (std::uint32_t i = offsets_[k]; i < offsets_[k + 1]; ++i) f(items_[i]);
    }
}

template <class F>
void GridIndex::for_each_close_pair(double radius, F&& f) const {
  check_pair_radius(radius);
  if (keys_.empty()) return;
  const double r2 = radius * radius;
  auto test = [&](std::uint32_t a, std::uint32_t b) {
    const double dx = points_[a].x - points_[b].x, dy = points_[a].y - points_[b].y;
    const double d2 = dx * dx + dy * dy;
    if (d2 <= r2) {
      if (a < b) f(a, b, std::sqrt(d2));
      else f(b, a, std::sqrt(d2));
    }
  };
  auto cross = [&](std::size_t ka, std::size_t kb) {
    for (std::uint32_t i = offsets_[ka]; i < offsets_[ka + 1]; ++i)
      for (std::uint32_t j = offsets_[kb]; j < offsets_[kb + 1]; ++j) test(items_[i], items_[j]);
  };
  const std::size_t n = keys_.size();
  const std::uint64_t rows = static_cast<std::uint64_t>(rows_);
  std::size_t next_col = 0;  // first cell with key >= key + rows - 1
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint64_t key = keys_[k];
    for (std::uint32_t i = offsets_[k]; i < offsets_[k + 1]; ++i)
      for (std::uint32_t j = i + 1; j < offsets_[k + 1]; ++j) test(items_[i], items_[j]);
    if (k + 1 < n && keys_[k + 1] == key + 1) cross(k, k + 1);  // the cell above
    while (next_col < n && keys_[next_col] < key + rows - 1) ++next_col;
    for (std::size_t m = next_col; m < n && keys_[m] <= key + rows + 1; ++m) cross(k, m);  // next column, 3 rows
  }
}

}  // namespace ruralnet::geo
