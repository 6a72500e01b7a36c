// Internals of the generator shared by its source files.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ruralnet/synth/synth.hpp"

namespace ruralnet::synth::detail {

// splitmix64: tiny, fast, and the same on every platform and compiler (the
// standard library's distributions are not, so none of them is used).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  // 0 <= result < n
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  int between(int a, int b) { return a + static_cast<int>(below(static_cast<std::size_t>(b - a + 1))); }
  bool chance(double p) { return uniform() < p; }
  double normal() {
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

 private:
  std::uint64_t s_;
};

inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  Rng r(a * 0x9E3779B97F4A7C15ULL ^ (b + 0x632BE59BD9B4E019ULL));
  r.next();
  return r.next();
}

// A lon/lat grid of square-degree cells covering a city. Counties and
// townships are unions of cells, so neighbours share boundaries exactly.
struct Grid {
  double lon0 = 0, lat0 = 0, d = 0.005;
  int nx = 0, ny = 0;
  std::vector<double> vlon, vlat;  // vertex coordinates, computed once
  std::vector<double> row_area_km2;
  int cell(int i, int j) const { return j * nx + i; }
  int ci(int c) const { return c % nx; }
  int cj(int c) const { return c / nx; }
  double area(int c) const { return row_area_km2[static_cast<std::size_t>(cj(c))]; }
  LonLat centre(int c) const { return {lon0 + (ci(c) + 0.5) * d, lat0 + (cj(c) + 0.5) * d}; }
  // -1 when outside the grid.
  int cell_at(LonLat p) const {
    const int i = static_cast<int>(std::floor((p.lon - lon0) / d));
    const int j = static_cast<int>(std::floor((p.lat - lat0) / d));
    if (i < 0 || j < 0 || i >= nx || j >= ny) return -1;
    return cell(i, j);
  }
  void init(const Extent& e, double cell_deg);
};

// Region growing: each region starts at its seed cell and takes the free,
// allowed neighbour with the lowest key, the region furthest below its target
// area moving first. Cells claimed get the region's label.
void grow_regions(const Grid& g, std::vector<int>& label, const std::vector<int>& seeds, const std::vector<int>& labels,
                  const std::vector<double>& target_km2, const std::function<bool(int cell)>& free_cell,
                  const std::function<double(std::size_t region, int cell)>& key);

// Gives every free cell the label of a labelled neighbour where
// fillable(cell, label) holds, breadth first, until no free cell touches a
// label it may take.
void fill_from_neighbours(const Grid& g, std::vector<int>& label, const std::function<bool(int cell, int label)>& fillable);

// The polygons of every label 0..n-1 traced along cell edges. Collinear steps
// are merged except at points where three or more labels of `nodes` meet, so
// that neighbours share identical vertices along their common boundary.
std::vector<model::MultiPolygon> trace_regions(const Grid& g, const std::vector<int>& label, int n,
                                               const std::vector<int>& nodes);

// Smooth noise in [-1, 1] over lon/lat, for natural-looking boundaries.
class Noise {
 public:
  Noise(std::uint64_t seed, double spacing_deg);
  double at(double lon, double lat) const;

 private:
  std::uint64_t seed_;
  double spacing_;
  double lattice(long i, long j) const;
};

const std::vector<std::string>& name_first();
const std::vector<std::string>& name_second();

}  // namespace ruralnet::synth::detail
