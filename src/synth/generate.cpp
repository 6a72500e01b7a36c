// Generation of one synthetic city (a tile): counties, townships, villages,
// roads, facilities, progress records and the planted defects.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>
#include <queue>
#include <set>
#include <unordered_map>

#include "detail.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/geo/geodesic.hpp"

namespace ruralnet::synth {

using namespace detail;
using model::RoadClass;

std::optional<Scale> parse_scale(std::string_view name) {
  if (name == "luan") return Scale::luan;
  if (name == "province") return Scale::province;
  if (name == "nation") return Scale::nation;
  return std::nullopt;
}

const char* to_string(Scale s) {
  switch (s) {
    case Scale::luan: return "luan";
    case Scale::province: return "province";
    case Scale::nation: return "nation";
  }
  return "?";
}

std::size_t tile_count(Scale s) {
  switch (s) {
    case Scale::luan: return 1;
    case Scale::province: return 26;
    case Scale::nation: return 256;
  }
  return 1;
}

namespace {

constexpr double kCellDeg = 0.005;
constexpr double kPi = 3.141592653589793;

// Where a tile lies and the first four digits of its codes. Tile 0 is Lu'an
// itself (3415); others are laid around it on a grid of 2 x 1.7 degrees.
struct TileSpec {
  double dlon = 0, dlat = 0;
  std::string prefix4 = "3415";
};

TileSpec tile_spec(Scale scale, std::size_t index) {
  TileSpec t;
  if (index == 0) return t;
  const int i = static_cast<int>(index);
  int col = 0, row = 0;
  char buf[16];
  if (scale == Scale::province) {
    col = ((i % 6) + 3) % 6 - 3;
    row = i / 6;
    std::snprintf(buf, sizeof buf, "34%02d", 15 + i);
  } else {
    col = ((i % 16) + 10) % 16 - 10;
    row = ((i / 16) + 6) % 16 - 6;
    std::snprintf(buf, sizeof buf, "%04d", 1101 + i);
  }
  t.dlon = col * 2.0;
  t.dlat = row * 1.7;
  t.prefix4 = buf;
  return t;
}

// Local metres around the tile, for planning shapes; every length reported is
// geodesic.
struct Frame {
  double lon0 = 0, lat0 = 0, kx = 1, ky = 1;
  void init(LonLat c) {
    lon0 = c.lon;
    lat0 = c.lat;
    kx = 111320.0 * std::cos(c.lat * kPi / 180.0);
    ky = 110574.0;
  }
  XY xy(LonLat p) const { return {(p.lon - lon0) * kx, (p.lat - lat0) * ky}; }
  LonLat ll(XY q) const { return {lon0 + q.x / kx, lat0 + q.y / ky}; }
};

double dist(XY a, XY b) { return std::hypot(a.x - b.x, a.y - b.y); }

double point_segment_distance(XY p, XY a, XY b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double l2 = dx * dx + dy * dy;
  double t = l2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

double cross(XY o, XY a, XY b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }

bool segments_cross(XY a, XY b, XY c, XY d) {
  const double d1 = cross(c, d, a), d2 = cross(c, d, b), d3 = cross(a, b, c), d4 = cross(a, b, d);
  return ((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0)) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0;
}

double segment_segment_distance(XY a, XY b, XY c, XY d) {
  if (segments_cross(a, b, c, d)) return 0.0;
  return std::min({point_segment_distance(a, c, d), point_segment_distance(b, c, d), point_segment_distance(c, a, b),
                   point_segment_distance(d, a, b)});
}

std::string stake_text(long metres) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "K%ld+%03ld", metres / 1000, metres % 1000);
  return buf;
}

double round_to(double v, double step) { return std::round(v / step) * step; }

// Per-county quotas of the plan's annex, in the order of luan_counties().
struct Quotas {
  int prov_villages, muni_villages, prov_outlets, muni_outlets, muni_towns, new_entities, training;
};
constexpr std::array<Quotas, 7> kQuotas{{
    {3, 6, 6, 12, 1, 110, 2500},   // Jin'an
    {3, 6, 6, 12, 1, 110, 2500},   // Yu'an
    {1, 2, 3, 5, 1, 45, 700},      // Yeji
    {4, 8, 8, 16, 2, 110, 2500},   // Huoqiu
    {4, 8, 8, 16, 2, 80, 1600},    // Shucheng
    {3, 6, 8, 16, 1, 80, 1600},    // Jinzhai
    {3, 6, 6, 12, 1, 80, 1600},    // Huoshan
}};

struct TownshipW {
  int county = 0;
  int seed_cell = 0;
  std::string code, name, kind;
  LonLat seat;
  std::vector<int> cells;
  double area_km2 = 0;
  double mountain_share = 0;
  std::vector<int> villages;
  int node = -1;
};

struct VillageW {
  int township = 0;
  std::string code, name, kind;
  LonLat p;
  int cell = 0;
  bool mountain = false;
  double population = 0, households = 0, demand = 0;
  bool poor = false, flood = false;
  model::ModelLevel level = model::ModelLevel::none;
  int node = -1;
  bool defect = false;
};

struct Node {
  LonLat p;
  XY q;
  int degree = 0;
  bool hamlet = false;
};

struct EdgeW {
  int a = -1, b = -1;
  RoadClass cls = RoadClass::village;
  std::vector<LonLat> line;
  std::vector<XY> xy;
  double length_m = 0;
  int county = 0;
  bool spur = false;
  model::Program program = model::Program::none;
  model::RoadStatus status = model::RoadStatus::unknown;
  std::optional<Date> done;
  double declared_factor = 1.0;
};

// A bucket index of road pieces and nodes in local metres.
class SpatialIndex {
 public:
  explicit SpatialIndex(double bucket) : b_(bucket) {}
  void add_edge(int e, const std::vector<XY>& xy) {
    for (std::size_t k = 0; k + 1 < xy.size(); ++k) {
      const XY a = xy[k], c = xy[k + 1];
      const long i0 = key(std::min(a.x, c.x)), i1 = key(std::max(a.x, c.x));
      const long j0 = key(std::min(a.y, c.y)), j1 = key(std::max(a.y, c.y));
      for (long i = i0; i <= i1; ++i)
        for (long j = j0; j <= j1; ++j) pieces_[cell(i, j)].push_back({e, static_cast<int>(k)});
    }
  }
  void add_node(int n, XY p) { nodes_[cell(key(p.x), key(p.y))].push_back(n); }
  // Calls f(edge, piece) for pieces in buckets within `r` of the box a-b.
  template <class F>
  void pieces_near(XY a, XY c, double r, F&& f) const {
    const long i0 = key(std::min(a.x, c.x) - r), i1 = key(std::max(a.x, c.x) + r);
    const long j0 = key(std::min(a.y, c.y) - r), j1 = key(std::max(a.y, c.y) + r);
    for (long i = i0; i <= i1; ++i)
      for (long j = j0; j <= j1; ++j) {
        auto it = pieces_.find(cell(i, j));
        if (it == pieces_.end()) continue;
        for (const auto& pc : it->second) f(pc.first, pc.second);
      }
  }
  template <class F>
  void nodes_near(XY a, XY c, double r, F&& f) const {
    const long i0 = key(std::min(a.x, c.x) - r), i1 = key(std::max(a.x, c.x) + r);
    const long j0 = key(std::min(a.y, c.y) - r), j1 = key(std::max(a.y, c.y) + r);
    for (long i = i0; i <= i1; ++i)
      for (long j = j0; j <= j1; ++j) {
        auto it = nodes_.find(cell(i, j));
        if (it == nodes_.end()) continue;
        for (int n : it->second) f(n);
      }
  }

 private:
  long key(double v) const { return static_cast<long>(std::floor(v / b_)); }
  static std::int64_t cell(long i, long j) { return (static_cast<std::int64_t>(i) << 32) ^ (j & 0xffffffffL); }
  double b_;
  std::unordered_map<std::int64_t, std::vector<std::pair<int, int>>> pieces_;
  std::unordered_map<std::int64_t, std::vector<int>> nodes_;
};

class Generator {
 public:
  Generator(std::uint64_t seed, Scale scale, std::size_t index)
      : seed_(mix(seed, index)), scale_(scale), index_(index), rng_(mix(seed_, 1)) {}

  Tile run() {
    setup();
    make_counties();
    make_townships();
    make_villages();
    plant_village_defects();
    make_roads();
    choose_programme();
    make_segments();
    plant_road_defects();
    make_facilities();
    make_progress();
    emit_areas();
    tile_.index = index_;
    tile_.data.path = "synthetic";
    return std::move(tile_);
  }

 private:
  std::uint64_t seed_;
  Scale scale_;
  std::size_t index_;
  Rng rng_;
  TileSpec spec_;
  std::vector<CountyFacts> facts_;
  Frame frame_;
  Grid grid_;
  std::vector<int> county_of_cell_, township_of_cell_;
  std::vector<std::uint8_t> mountain_;
  std::vector<int> county_seed_cell_;
  std::vector<double> county_area_;
  std::vector<std::vector<int>> county_townships_;
  std::vector<TownshipW> townships_;
  std::vector<VillageW> villages_;
  std::vector<Node> nodes_;
  std::vector<EdgeW> edges_;
  std::vector<char> behind_;
  std::vector<double> achieve_;
  Tile tile_;
  // Segment bookkeeping for the road defects.
  struct SegInfo {
    int edge;
    int node_a, node_b;  // -1 where the segment ends inside its edge
  };
  std::vector<SegInfo> seg_info_;
  std::vector<int> next_seq_;

  // --- setup ----------------------------------------------------------------
  void setup() {
    spec_ = tile_spec(scale_, index_);
    facts_ = luan_counties();
    for (auto& f : facts_) {
      f.code = spec_.prefix4 + f.code.substr(4);
      f.centroid.lon += spec_.dlon;
      f.centroid.lat += spec_.dlat;
      f.bbox.min_lon += spec_.dlon;
      f.bbox.max_lon += spec_.dlon;
      f.bbox.min_lat += spec_.dlat;
      f.bbox.max_lat += spec_.dlat;
    }
    Extent e;
    for (const auto& f : facts_) e.add(f.bbox);
    frame_.init({(e.min_lon + e.max_lon) / 2, (e.min_lat + e.max_lat) / 2});
    grid_.init(e, kCellDeg);
    // Two counties fall behind on the plan: which two depends on the seed.
    const std::size_t n = facts_.size();
    behind_.assign(n, 0);
    Rng r(mix(seed_, 2));
    std::size_t a = r.below(n), b = r.below(n - 1);
    if (b >= a) ++b;
    behind_[a] = behind_[b] = 1;
    achieve_.resize(n);
    for (std::size_t c = 0; c < n; ++c) achieve_[c] = behind_[c] ? r.uniform(0.55, 0.85) : r.uniform(1.0, 1.3);
    next_seq_.assign(n, 1);
  }

  XY xy(LonLat p) const { return frame_.xy(p); }
  double km_between_cells(int a, int b) const { return dist(xy(grid_.centre(a)), xy(grid_.centre(b))) / 1000.0; }

  // --- counties -------------------------------------------------------------
  void make_counties() {
    const std::size_t total = static_cast<std::size_t>(grid_.nx) * static_cast<std::size_t>(grid_.ny);
    county_of_cell_.assign(total, -1);
    const std::size_t n = facts_.size();
    std::vector<int> seeds, labels;
    std::vector<double> targets;
    for (std::size_t c = 0; c < n; ++c) {
      seeds.push_back(grid_.cell_at(facts_[c].centroid));
      labels.push_back(static_cast<int>(c));
      targets.push_back(facts_[c].area_km2);
    }
    county_seed_cell_ = seeds;
    Noise noise(mix(seed_, 3), 0.12);
    auto key = [&](std::size_t r, int cell) {
      const CountyFacts& f = facts_[r];
      const LonLat p = grid_.centre(cell);
      if (p.lon < f.bbox.min_lon || p.lon > f.bbox.max_lon || p.lat < f.bbox.min_lat || p.lat > f.bbox.max_lat)
        return std::numeric_limits<double>::infinity();
      const double hw = p.lon >= f.centroid.lon ? f.bbox.max_lon - f.centroid.lon : f.centroid.lon - f.bbox.min_lon;
      const double hh = p.lat >= f.centroid.lat ? f.bbox.max_lat - f.centroid.lat : f.centroid.lat - f.bbox.min_lat;
      const double dn = std::hypot((p.lon - f.centroid.lon) / hw, (p.lat - f.centroid.lat) / hh);
      return dn * (1.0 + 0.3 * noise.at(p.lon + 0.37 * static_cast<double>(r), p.lat));
    };
    auto free_cell = [&](int c) { return county_of_cell_[static_cast<std::size_t>(c)] < 0; };
    grow_regions(grid_, county_of_cell_, seeds, labels, targets, free_cell, key);
    // Free cells that the city encloses become part of a neighbouring county,
    // so the city has no holes.
    std::vector<char> outside(total, 0);
    std::queue<int> q;
    for (int i = 0; i < grid_.nx; ++i)
      for (int j : {0, grid_.ny - 1}) q.push(grid_.cell(i, j));
    for (int j = 0; j < grid_.ny; ++j)
      for (int i : {0, grid_.nx - 1}) q.push(grid_.cell(i, j));
    while (!q.empty()) {
      const int c = q.front();
      q.pop();
      if (outside[static_cast<std::size_t>(c)] || county_of_cell_[static_cast<std::size_t>(c)] >= 0) continue;
      outside[static_cast<std::size_t>(c)] = 1;
      const int i = grid_.ci(c), j = grid_.cj(c);
      if (i > 0) q.push(c - 1);
      if (i + 1 < grid_.nx) q.push(c + 1);
      if (j > 0) q.push(c - grid_.nx);
      if (j + 1 < grid_.ny) q.push(c + grid_.nx);
    }
    // First only into the county's published extent, then anywhere enclosed.
    fill_from_neighbours(grid_, county_of_cell_, [&](int c, int k) {
      const LonLat p = grid_.centre(c);
      const Extent& b = facts_[static_cast<std::size_t>(k)].bbox;
      return !outside[static_cast<std::size_t>(c)] && p.lon >= b.min_lon && p.lon <= b.max_lon && p.lat >= b.min_lat &&
             p.lat <= b.max_lat;
    });
    fill_from_neighbours(grid_, county_of_cell_, [&](int c, int) { return !outside[static_cast<std::size_t>(c)]; });
    county_area_.assign(n, 0.0);
    for (std::size_t c = 0; c < total; ++c)
      if (county_of_cell_[c] >= 0) county_area_[static_cast<std::size_t>(county_of_cell_[c])] += grid_.area(static_cast<int>(c));
    // Terrain: mountains rise towards the south-west (the Dabie range); each
    // county gets its published share of mountain cells.
    mountain_.assign(total, 0);
    Noise tn(mix(seed_, 4), 0.08);
    std::vector<std::vector<std::pair<double, int>>> scored(n);
    for (std::size_t c = 0; c < total; ++c) {
      const int k = county_of_cell_[c];
      if (k < 0) continue;
      const CountyFacts& f = facts_[static_cast<std::size_t>(k)];
      const LonLat p = grid_.centre(static_cast<int>(c));
      const double s = -(p.lon - f.centroid.lon) / (f.bbox.max_lon - f.bbox.min_lon) -
                       (p.lat - f.centroid.lat) / (f.bbox.max_lat - f.bbox.min_lat) + 0.35 * tn.at(p.lon, p.lat);
      scored[static_cast<std::size_t>(k)].push_back({-s, static_cast<int>(c)});
    }
    for (std::size_t k = 0; k < n; ++k) {
      auto& v = scored[k];
      std::sort(v.begin(), v.end());
      const std::size_t m = static_cast<std::size_t>(std::llround(facts_[k].mountain_share * static_cast<double>(v.size())));
      for (std::size_t q2 = 0; q2 < m && q2 < v.size(); ++q2) mountain_[static_cast<std::size_t>(v[q2].second)] = 1;
    }
  }

  // --- townships ------------------------------------------------------------
  std::string make_name(Rng& r, const std::string& suffix, std::set<std::string>& used) {
    const auto& a = name_first();
    const auto& b = name_second();
    for (int attempt = 0;; ++attempt) {
      std::string nm = a[r.below(a.size())] + b[r.below(b.size())];
      if (attempt > 50) nm += b[r.below(b.size())];
      if (nm.size() >= 6 && nm.substr(0, 3) == nm.substr(3, 3)) continue;
      nm += suffix;
      if (used.insert(nm).second) return nm;
    }
  }

  void make_townships() {
    const std::size_t total = county_of_cell_.size();
    township_of_cell_.assign(total, -1);
    const std::size_t n = facts_.size();
    std::vector<std::vector<int>> cells(n);
    for (std::size_t c = 0; c < total; ++c)
      if (county_of_cell_[c] >= 0) cells[static_cast<std::size_t>(county_of_cell_[c])].push_back(static_cast<int>(c));
    Noise noise(mix(seed_, 5), 0.05);
    county_townships_.assign(n, {});
    static const std::array<int, 7> subdistricts{5, 5, 2, 2, 2, 2, 2};
    for (std::size_t k = 0; k < n; ++k) {
      Rng r(mix(seed_, 100 + k));
      const int nt = facts_[k].townships;
      std::vector<int> seeds{county_seed_cell_[k]};
      while (static_cast<int>(seeds.size()) < nt) {
        int best = -1;
        double best_d = -1;
        for (int t = 0; t < 40; ++t) {
          const int c = cells[k][r.below(cells[k].size())];
          double dmin = std::numeric_limits<double>::infinity();
          for (int s : seeds) dmin = std::min(dmin, km_between_cells(c, s));
          if (dmin > best_d) best_d = dmin, best = c;
        }
        seeds.push_back(best);
      }
      std::vector<double> w(seeds.size());
      double wsum = 0;
      for (std::size_t s = 0; s < seeds.size(); ++s) {
        w[s] = s == 0 ? 0.5 : r.uniform(0.7, 1.3) * (mountain_[static_cast<std::size_t>(seeds[s])] ? 1.3 : 1.0);
        wsum += w[s];
      }
      std::vector<int> labels;
      std::vector<double> targets;
      const int base = static_cast<int>(townships_.size());
      for (std::size_t s = 0; s < seeds.size(); ++s) {
        labels.push_back(base + static_cast<int>(s));
        targets.push_back(county_area_[k] * w[s] / wsum);
      }
      const int kk = static_cast<int>(k);
      auto free_cell = [&](int c) {
        return township_of_cell_[static_cast<std::size_t>(c)] < 0 && county_of_cell_[static_cast<std::size_t>(c)] == kk;
      };
      auto key = [&](std::size_t reg, int c) {
        const LonLat p = grid_.centre(c);
        return km_between_cells(seeds[reg], c) * (1.0 + 0.35 * noise.at(p.lon + 0.21 * static_cast<double>(reg), p.lat));
      };
      grow_regions(grid_, township_of_cell_, seeds, labels, targets, free_cell, key);
      fill_from_neighbours(grid_, township_of_cell_, [&](int c, int t) {
        return county_of_cell_[static_cast<std::size_t>(c)] == kk && t >= base;
      });
      // Kinds: the seat and its nearest neighbours are subdistricts (街道),
      // the rest towns (镇) and, more often in the mountains, townships (乡).
      std::vector<std::pair<double, std::size_t>> by_seat;
      for (std::size_t s = 0; s < seeds.size(); ++s) by_seat.push_back({km_between_cells(seeds[0], seeds[s]), s});
      std::sort(by_seat.begin(), by_seat.end());
      std::vector<std::string> kind(seeds.size());
      for (std::size_t q = 0; q < by_seat.size(); ++q) {
        const std::size_t s = by_seat[q].second;
        if (static_cast<int>(q) < subdistricts[k % subdistricts.size()])
          kind[s] = "subdistrict";
        else
          kind[s] = r.chance(mountain_[static_cast<std::size_t>(seeds[s])] ? 0.5 : 0.25) ? "township" : "town";
      }
      // Codes in north-to-south order within each kind: 001.. subdistricts,
      // 100.. towns, 200.. townships, as statistical codes run.
      std::vector<std::size_t> order(seeds.size());
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const LonLat pa = grid_.centre(seeds[a]), pb = grid_.centre(seeds[b]);
        if (pa.lat != pb.lat) return pa.lat > pb.lat;
        return pa.lon < pb.lon;
      });
      int n_sub = 0, n_town = 0, n_xiang = 0;
      std::set<std::string> used;
      std::vector<std::string> codes(seeds.size()), names(seeds.size());
      for (std::size_t s : order) {
        int num = 0;
        std::string suffix;
        if (kind[s] == "subdistrict") num = 1 + n_sub++, suffix = "街道";
        if (kind[s] == "town") num = 100 + n_town++, suffix = "镇";
        if (kind[s] == "township") num = 200 + n_xiang++, suffix = "乡";
        char buf[16];
        std::snprintf(buf, sizeof buf, "%03d", num);
        codes[s] = facts_[k].code + buf;
        names[s] = make_name(r, suffix, used);
      }
      for (std::size_t s = 0; s < seeds.size(); ++s) {
        TownshipW t;
        t.county = kk;
        t.seed_cell = seeds[s];
        t.code = codes[s];
        t.name = names[s];
        t.kind = kind[s];
        t.seat = grid_.centre(seeds[s]);
        townships_.push_back(std::move(t));
        county_townships_[k].push_back(base + static_cast<int>(s));
      }
    }
    for (std::size_t c = 0; c < total; ++c) {
      const int t = township_of_cell_[c];
      if (t < 0) continue;
      auto& tw = townships_[static_cast<std::size_t>(t)];
      tw.cells.push_back(static_cast<int>(c));
      tw.area_km2 += grid_.area(static_cast<int>(c));
      tw.mountain_share += mountain_[c];
    }
    for (auto& t : townships_) t.mountain_share /= static_cast<double>(std::max<std::size_t>(1, t.cells.size()));
  }

  // --- villages -------------------------------------------------------------
  static std::vector<int> largest_remainder(const std::vector<double>& w, int total) {
    std::vector<int> out(w.size(), 0);
    const double sum = std::accumulate(w.begin(), w.end(), 0.0);
    if (sum <= 0 || total <= 0) return out;
    std::vector<std::pair<double, std::size_t>> frac;
    int given = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
      const double q = w[i] / sum * total;
      out[i] = static_cast<int>(std::floor(q));
      given += out[i];
      frac.push_back({-(q - std::floor(q)), i});
    }
    std::sort(frac.begin(), frac.end());
    for (std::size_t i = 0; given < total; ++i, ++given) ++out[frac[i % frac.size()].second];
    return out;
  }

  LonLat point_in_cell(Rng& r, int cell) const {
    const LonLat c = grid_.centre(cell);
    return {c.lon + r.uniform(-0.3, 0.3) * grid_.d, c.lat + r.uniform(-0.3, 0.3) * grid_.d};
  }

  void make_villages() {
    const std::size_t n = facts_.size();
    for (std::size_t k = 0; k < n; ++k) {
      Rng r(mix(seed_, 200 + k));
      const auto& tids = county_townships_[k];
      std::vector<double> wv, wc;
      for (int t : tids) {
        const auto& tw = townships_[static_cast<std::size_t>(t)];
        wv.push_back(tw.area_km2 * (1.0 - 0.4 * tw.mountain_share) * (tw.kind == "subdistrict" ? 0.35 : 1.0) *
                     r.uniform(0.85, 1.15));
        wc.push_back(tw.kind == "subdistrict" ? 6.0 : tw.kind == "town" ? 1.0 : 0.3);
      }
      const int nt = static_cast<int>(tids.size());
      std::vector<int> nv = largest_remainder(wv, facts_[k].villages - nt);
      for (int& x : nv) ++x;  // every township has at least one village
      const std::vector<int> nc = largest_remainder(wc, facts_[k].communities);
      for (std::size_t s = 0; s < tids.size(); ++s) {
        auto& tw = townships_[static_cast<std::size_t>(tids[s])];
        std::set<std::string> used;
        std::vector<XY> placed{xy(tw.seat)};
        // Cells near the seat for communities.
        std::vector<int> near;
        for (int c : tw.cells)
          if (dist(xy(grid_.centre(c)), xy(tw.seat)) < 3000) near.push_back(c);
        if (near.empty()) near = tw.cells;
        auto place = [&](const std::vector<int>& pool, double spacing) {
          for (int attempt = 0;; ++attempt) {
            const double need = attempt < 60 ? spacing : attempt < 150 ? spacing / 2 : attempt < 400 ? 150.0 : 60.0;
            const int c = pool[r.below(pool.size())];
            const LonLat p = point_in_cell(r, c);
            const XY q = xy(p);
            bool ok = true;
            for (const XY& o : placed) ok = ok && dist(o, q) >= need;
            if (ok || attempt > 2000) {
              placed.push_back(q);
              return std::make_pair(p, c);
            }
          }
        };
        for (int i = 0; i < nc[s]; ++i) {
          VillageW v;
          v.township = tids[s];
          v.kind = "community";
          std::tie(v.p, v.cell) = place(near, 500);
          char buf[16];
          std::snprintf(buf, sizeof buf, "%03d", 1 + i);
          v.code = tw.code + buf;
          v.name = make_name(r, "社区", used);
          tw.villages.push_back(static_cast<int>(villages_.size()));
          villages_.push_back(std::move(v));
        }
        for (int i = 0; i < nv[s]; ++i) {
          VillageW v;
          v.township = tids[s];
          v.kind = "village";
          std::tie(v.p, v.cell) = place(tw.cells, 900);
          char buf[16];
          std::snprintf(buf, sizeof buf, "%03d", 200 + i);
          v.code = tw.code + buf;
          v.name = make_name(r, "村", used);
          tw.villages.push_back(static_cast<int>(villages_.size()));
          villages_.push_back(std::move(v));
        }
      }
      // Attributes.
      std::vector<int> vil, com;
      for (int t : tids)
        for (int v : townships_[static_cast<std::size_t>(t)].villages)
          (villages_[static_cast<std::size_t>(v)].kind == "village" ? vil : com).push_back(v);
      const double rural = std::round(facts_[k].residents * facts_[k].rural_share);
      std::vector<double> w;
      for (int v : vil) {
        auto& x = villages_[static_cast<std::size_t>(v)];
        x.mountain = mountain_[static_cast<std::size_t>(x.cell)] != 0;
        w.push_back(r.uniform(0.5, 1.5) * (x.mountain ? 0.75 : 1.0));
      }
      const double wsum = std::accumulate(w.begin(), w.end(), 0.0);
      double given = 0;
      for (std::size_t i = 0; i < vil.size(); ++i) {
        auto& x = villages_[static_cast<std::size_t>(vil[i])];
        x.population = i + 1 < vil.size() ? std::round(rural * w[i] / wsum) : rural - given;
        given += x.population;
      }
      for (int v : com) {
        auto& x = villages_[static_cast<std::size_t>(v)];
        x.mountain = mountain_[static_cast<std::size_t>(x.cell)] != 0;
        x.population = std::round(r.uniform(2500, 9000));
      }
      // Poor villages: the published share, more likely in the mountains.
      std::vector<std::pair<double, int>> keyed;
      for (int v : vil) {
        const double wt = villages_[static_cast<std::size_t>(v)].mountain ? 2.5 : 1.0;
        keyed.push_back({-std::pow(r.uniform() + 1e-12, 1.0 / wt), v});
      }
      std::sort(keyed.begin(), keyed.end());
      const std::size_t n_poor = static_cast<std::size_t>(std::llround(facts_[k].poor_share * static_cast<double>(vil.size())));
      for (std::size_t i = 0; i < n_poor && i < keyed.size(); ++i) villages_[static_cast<std::size_t>(keyed[i].second)].poor = true;
      // Flood-storage areas: Huoqiu's villages along the Huai in the north.
      double north = -90;
      if (facts_[k].pinyin == "Huoqiu")
        for (int t : tids)
          for (int c : townships_[static_cast<std::size_t>(t)].cells) north = std::max(north, grid_.centre(c).lat);
      for (int t : tids)
        for (int v : townships_[static_cast<std::size_t>(t)].villages) {
          auto& x = villages_[static_cast<std::size_t>(v)];
          x.households = std::round(x.population / r.uniform(2.9, 3.5));
          const double rate = r.uniform(0.015, 0.035) * (x.mountain ? 0.7 : 1.0) * (x.kind == "community" ? 1.6 : 1.0);
          x.demand = round_to(x.population * rate, 0.1);
          x.flood = x.kind == "village" && facts_[k].pinyin == "Huoqiu" && x.p.lat > north - 0.09;
        }
      // Model villages: the annex quota, reached or not.
      const Quotas& qt = kQuotas[k % kQuotas.size()];
      std::vector<int> cand = vil;
      r.shuffle(cand);
      const int n_prov = static_cast<int>(std::floor(qt.prov_villages * achieve_[k] + 0.5));
      const int n_muni = static_cast<int>(std::floor(qt.muni_villages * achieve_[k] + 0.5));
      for (std::size_t i = 0; i < cand.size(); ++i) {
        auto& x = villages_[static_cast<std::size_t>(cand[i])];
        if (static_cast<int>(i) < n_prov)
          x.level = model::ModelLevel::provincial;
        else if (static_cast<int>(i) < n_prov + n_muni)
          x.level = model::ModelLevel::municipal;
      }
    }
  }

  void plant_village_defects() {
    Rng r(mix(seed_, 300));
    // Codes that do not nest: the village keeps its township but its code
    // names a neighbouring township of the same county.
    std::vector<int> order(villages_.size());
    std::iota(order.begin(), order.end(), 0);
    r.shuffle(order);
    std::set<int> counties_used;
    int planted = 0;
    for (int v : order) {
      if (planted == 3) break;
      auto& x = villages_[static_cast<std::size_t>(v)];
      const auto& tw = townships_[static_cast<std::size_t>(x.township)];
      if (x.kind != "village" || x.defect || counties_used.count(tw.county)) continue;
      const auto& sib = county_townships_[static_cast<std::size_t>(tw.county)];
      const int other = sib[r.below(sib.size())];
      if (other == x.township) continue;
      const std::string old = x.code;
      x.code = townships_[static_cast<std::size_t>(other)].code + "9" + x.code.substr(10, 2);
      x.defect = true;
      counties_used.insert(tw.county);
      ++planted;
      tile_.defects.push_back({"code_not_nested", "villages", x.code, "validate",
                               {{"township_code", tw.code},
                                {"code_names_township", townships_[static_cast<std::size_t>(other)].code},
                                {"original_code", old},
                                {"finding_kind", "code_not_nested"}}});
    }
    // Points just outside their township: moved into the neighbouring cell
    // of another township of the same county.
    planted = 0;
    counties_used.clear();
    for (int v : order) {
      if (planted == 3) break;
      auto& x = villages_[static_cast<std::size_t>(v)];
      if (x.kind != "village" || x.defect) continue;
      const auto& tw = townships_[static_cast<std::size_t>(x.township)];
      if (counties_used.count(tw.county)) continue;
      const int i = grid_.ci(x.cell), j = grid_.cj(x.cell);
      const std::array<std::pair<int, int>, 4> nb{{{i + 1, j}, {i - 1, j}, {i, j + 1}, {i, j - 1}}};
      for (const auto& [a, b] : nb) {
        const int nc = grid_.cell(a, b);
        const int t2 = township_of_cell_[static_cast<std::size_t>(nc)];
        if (t2 < 0 || t2 == x.township || townships_[static_cast<std::size_t>(t2)].county != tw.county) continue;
        // Across the shared edge, a quarter of a cell in.
        LonLat p = x.p;
        const LonLat cc = grid_.centre(nc);
        if (a != i) p.lon = cc.lon + (a > i ? -0.25 : 0.25) * grid_.d;
        if (b != j) p.lat = cc.lat + (b > j ? -0.25 : 0.25) * grid_.d;
        bool clear = true;
        for (const auto& o : villages_) clear = clear && (&o == &x || dist(xy(o.p), xy(p)) > 150);
        if (!clear) continue;
        const LonLat edge_pt{a != i ? grid_.vlon[static_cast<std::size_t>(std::max(a, i))] : p.lon,
                             b != j ? grid_.vlat[static_cast<std::size_t>(std::max(b, j))] : p.lat};
        x.p = p;
        x.defect = true;
        counties_used.insert(tw.county);
        ++planted;
        tile_.defects.push_back({"village_outside_township", "villages", x.code, "validate",
                                 {{"township_code", tw.code},
                                  {"lies_in_township", townships_[static_cast<std::size_t>(t2)].code},
                                  {"metres_outside", std::round(geo::geodesic_distance(p, edge_pt).value())},
                                  {"finding_kind", "village_outside_township"}}});
        break;
      }
    }
  }

  // --- roads ----------------------------------------------------------------
  int add_node(LonLat p, bool hamlet = false) {
    nodes_.push_back({p, xy(p), 0, hamlet});
    return static_cast<int>(nodes_.size()) - 1;
  }

  int county_at(LonLat p, int fallback) const {
    const int c = grid_.cell_at(p);
    if (c < 0) return fallback;
    const int k = county_of_cell_[static_cast<std::size_t>(c)];
    return k < 0 ? fallback : k;
  }

  EdgeW make_edge(int a, int b, RoadClass cls, double wiggle, Rng& r) {
    EdgeW e;
    e.a = a;
    e.b = b;
    e.cls = cls;
    const XY pa = nodes_[static_cast<std::size_t>(a)].q, pb = nodes_[static_cast<std::size_t>(b)].q;
    const double len = dist(pa, pb);
    const int inner = std::clamp(static_cast<int>(len / 300.0), 1, 80);
    const double nx = -(pb.y - pa.y) / len, ny = (pb.x - pa.x) / len;
    const double r1 = r.uniform(-1, 1), r2 = r.uniform(-1, 1), r3 = r.uniform(-1, 1);
    e.line.push_back(nodes_[static_cast<std::size_t>(a)].p);
    e.xy.push_back(pa);
    for (int k = 1; k <= inner; ++k) {
      const double t = static_cast<double>(k) / (inner + 1);
      const double off = wiggle * len *
                         (r1 * std::sin(kPi * t) + 0.5 * r2 * std::sin(2 * kPi * t) + 0.25 * r3 * std::sin(3 * kPi * t));
      const XY q{pa.x + (pb.x - pa.x) * t + nx * off, pa.y + (pb.y - pa.y) * t + ny * off};
      e.line.push_back(frame_.ll(q));
      e.xy.push_back(q);
    }
    e.line.push_back(nodes_[static_cast<std::size_t>(b)].p);
    e.xy.push_back(pb);
    // Where the line would leave the city (a concave boundary), it runs
    // straight instead, and vertices still outside move to the nearest cell
    // inside, so every road is booked to a county that holds it.
    if (wiggle > 0)
      for (std::size_t k = 1; k + 1 < e.line.size(); ++k) {
        const int c = grid_.cell_at(e.line[k]);
        if (c < 0 || county_of_cell_[static_cast<std::size_t>(c)] < 0) return make_edge(a, b, cls, 0.0, r);
      }
    for (std::size_t k = 1; k + 1 < e.line.size(); ++k) {
      const int c = grid_.cell_at(e.line[k]);
      if (c >= 0 && county_of_cell_[static_cast<std::size_t>(c)] >= 0) continue;
      const int ci = static_cast<int>(std::floor((e.line[k].lon - grid_.lon0) / grid_.d));
      const int cj = static_cast<int>(std::floor((e.line[k].lat - grid_.lat0) / grid_.d));
      int best = -1;
      double best_d = std::numeric_limits<double>::infinity();
      for (int rad = 1; rad < 40 && best < 0; ++rad)
        for (int i = ci - rad; i <= ci + rad; ++i)
          for (int j = cj - rad; j <= cj + rad; ++j) {
            if (i < 0 || j < 0 || i >= grid_.nx || j >= grid_.ny) continue;
            const int cc = grid_.cell(i, j);
            if (county_of_cell_[static_cast<std::size_t>(cc)] < 0) continue;
            const double dd = dist(xy(grid_.centre(cc)), e.xy[k]);
            if (dd < best_d) best_d = dd, best = cc;
          }
      if (best < 0) continue;
      e.line[k] = grid_.centre(best);
      e.xy[k] = xy(e.line[k]);
    }
    e.length_m = geo::geodesic_length(e.line).value();
    e.county = county_at(e.line[e.line.size() / 2], county_of_node(a));
    return e;
  }

  // True when the straight line a-b stays inside the city (sampled every 150 m).
  bool inside_city(XY a, XY b) const {
    const int n = 1 + static_cast<int>(dist(a, b) / 150.0);
    for (int q = 0; q <= n; ++q) {
      const double t = static_cast<double>(q) / n;
      const int c = grid_.cell_at(frame_.ll({a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t}));
      if (c < 0 || county_of_cell_[static_cast<std::size_t>(c)] < 0) return false;
    }
    return true;
  }

  std::vector<int> node_county_;
  int county_of_node(int n) const { return node_county_[static_cast<std::size_t>(n)]; }

  int push_edge(EdgeW e) {
    ++nodes_[static_cast<std::size_t>(e.a)].degree;
    ++nodes_[static_cast<std::size_t>(e.b)].degree;
    edges_.push_back(std::move(e));
    return static_cast<int>(edges_.size()) - 1;
  }

  std::vector<double> class_share(double total, const std::vector<double>& w) const {
    const double s = std::accumulate(w.begin(), w.end(), 0.0);
    std::vector<double> out;
    for (double x : w) out.push_back(total * x / s);
    return out;
  }

  void make_roads() {
    Rng r(mix(seed_, 400));
    const std::size_t n = facts_.size();
    const RoadTargets tg = luan_road_targets();
    // Each county's share of each class: more road where it is flat.
    std::vector<double> w;
    for (std::size_t k = 0; k < n; ++k) w.push_back(county_area_[k] * (1.0 - 0.45 * facts_[k].mountain_share));
    const auto county_km = class_share(tg.county_km * 1000, w);
    const auto township_km = class_share(tg.township_km * 1000, w);
    const auto village_km = class_share(tg.village_km * 1000, w);
    // Nodes: township seats, then villages.
    for (auto& t : townships_) {
      t.node = add_node(t.seat);
      node_county_.push_back(t.county);
    }
    for (auto& v : villages_) {
      v.node = add_node(v.p);
      node_county_.push_back(townships_[static_cast<std::size_t>(v.township)].county);
    }
    // The seat graph: greedy planar links between township seats.
    const std::size_t ns = townships_.size();
    std::vector<std::tuple<double, int, int>> pairs;
    for (std::size_t a = 0; a < ns; ++a)
      for (std::size_t b = a + 1; b < ns; ++b) {
        const double d = dist(nodes_[static_cast<std::size_t>(townships_[a].node)].q, nodes_[static_cast<std::size_t>(townships_[b].node)].q);
        if (d < 32000) pairs.push_back({d, static_cast<int>(a), static_cast<int>(b)});
      }
    std::sort(pairs.begin(), pairs.end());
    std::vector<std::pair<int, int>> links;
    for (const auto& [d, a, b] : pairs) {
      const XY pa = nodes_[static_cast<std::size_t>(townships_[static_cast<std::size_t>(a)].node)].q;
      const XY pb = nodes_[static_cast<std::size_t>(townships_[static_cast<std::size_t>(b)].node)].q;
      bool ok = true;
      for (const auto& [c, e] : links) {
        if (c == a || c == b || e == a || e == b) continue;
        if (segments_cross(pa, pb, nodes_[static_cast<std::size_t>(townships_[static_cast<std::size_t>(c)].node)].q,
                           nodes_[static_cast<std::size_t>(townships_[static_cast<std::size_t>(e)].node)].q)) {
          ok = false;
          break;
        }
      }
      // Links stay inside the city.
      for (int q = 1; q < 24 && ok; ++q) {
        const double t = q / 24.0;
        const int c = grid_.cell_at(frame_.ll({pa.x + (pb.x - pa.x) * t, pa.y + (pb.y - pa.y) * t}));
        ok = c >= 0 && county_of_cell_[static_cast<std::size_t>(c)] >= 0;
      }
      // Skip links that pass close by another seat: the road would go through it.
      if (ok)
        for (std::size_t s = 0; s < ns && ok; ++s) {
          if (static_cast<int>(s) == a || static_cast<int>(s) == b) continue;
          ok = point_segment_distance(nodes_[static_cast<std::size_t>(townships_[s].node)].q, pa, pb) > 1500;
        }
      if (ok) links.push_back({a, b});
    }
    std::vector<std::vector<std::pair<int, double>>> adj(ns);
    std::map<std::pair<int, int>, int> link_edge;  // seat pair -> road edge, once built
    for (const auto& [a, b] : links) {
      const double d = dist(nodes_[static_cast<std::size_t>(townships_[static_cast<std::size_t>(a)].node)].q,
                            nodes_[static_cast<std::size_t>(townships_[static_cast<std::size_t>(b)].node)].q);
      adj[static_cast<std::size_t>(a)].push_back({b, d});
      adj[static_cast<std::size_t>(b)].push_back({a, d});
    }
    auto route = [&](int from, int to) {
      std::vector<double> best(ns, std::numeric_limits<double>::infinity());
      std::vector<int> prev(ns, -1);
      using QE = std::pair<double, int>;
      std::priority_queue<QE, std::vector<QE>, std::greater<QE>> q;
      best[static_cast<std::size_t>(from)] = 0;
      q.push({0, from});
      while (!q.empty()) {
        auto [d, u] = q.top();
        q.pop();
        if (d > best[static_cast<std::size_t>(u)]) continue;
        if (u == to) break;
        for (auto [v, l] : adj[static_cast<std::size_t>(u)])
          if (d + l < best[static_cast<std::size_t>(v)]) {
            best[static_cast<std::size_t>(v)] = d + l;
            prev[static_cast<std::size_t>(v)] = u;
            q.push({d + l, v});
          }
      }
      std::vector<int> path;
      for (int v = to; v >= 0; v = prev[static_cast<std::size_t>(v)]) path.push_back(v);
      std::reverse(path.begin(), path.end());
      if (path.front() != from) path.clear();
      return path;
    };
    double class_total[8] = {0};
    auto build_link = [&](int a, int b, RoadClass cls) {
      const auto keyp = std::minmax(a, b);
      if (link_edge.count(keyp)) return 0.0;
      EdgeW e = make_edge(townships_[static_cast<std::size_t>(a)].node, townships_[static_cast<std::size_t>(b)].node, cls, 0.03, r);
      const double len = e.length_m;
      link_edge[keyp] = push_edge(std::move(e));
      class_total[static_cast<int>(cls)] += len;
      return len;
    };
    auto build_route = [&](int a, int b, RoadClass cls, double budget) {
      const auto path = route(a, b);
      for (std::size_t h = 1; h < path.size(); ++h) {
        if (class_total[static_cast<int>(cls)] >= budget) return;
        build_link(path[h - 1], path[h], cls);
      }
    };
    // County seats: the seat township of each county.
    std::vector<int> cseat;
    for (std::size_t k = 0; k < n; ++k) cseat.push_back(county_townships_[k][0]);
    // National roads: a tree between county seats, then further pairs.
    {
      std::vector<std::tuple<double, int, int>> cp;
      for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = a + 1; b < n; ++b)
          cp.push_back({km_between_cells(townships_[static_cast<std::size_t>(cseat[a])].seed_cell,
                                         townships_[static_cast<std::size_t>(cseat[b])].seed_cell),
                        static_cast<int>(a), static_cast<int>(b)});
      std::sort(cp.begin(), cp.end());
      std::vector<int> uf(n);
      std::iota(uf.begin(), uf.end(), 0);
      std::function<int(int)> find = [&](int x) { return uf[static_cast<std::size_t>(x)] == x ? x : uf[static_cast<std::size_t>(x)] = find(uf[static_cast<std::size_t>(x)]); };
      std::vector<std::pair<int, int>> rest;
      for (const auto& [d, a, b] : cp) {
        if (find(a) != find(b)) {
          uf[static_cast<std::size_t>(find(a))] = find(b);
          build_route(cseat[static_cast<std::size_t>(a)], cseat[static_cast<std::size_t>(b)], RoadClass::national, 1e18);
        } else {
          rest.push_back({a, b});
        }
      }
      for (const auto& [a, b] : rest)
        build_route(cseat[static_cast<std::size_t>(a)], cseat[static_cast<std::size_t>(b)], RoadClass::national, tg.national_km * 1000);
    }
    // Provincial roads: from county seats out to far townships.
    {
      std::vector<std::pair<int, int>> cand;
      for (std::size_t k = 0; k < n; ++k) {
        std::vector<std::pair<double, int>> far;
        for (int t : county_townships_[k])
          far.push_back({-km_between_cells(townships_[static_cast<std::size_t>(t)].seed_cell,
                                           townships_[static_cast<std::size_t>(cseat[k])].seed_cell),
                         t});
        std::sort(far.begin(), far.end());
        for (std::size_t i = 0; i < far.size() && i < 4; ++i) cand.push_back({cseat[k], far[i].second});
      }
      r.shuffle(cand);
      // Then links between townships across the city, until the budget is met.
      std::vector<std::pair<int, int>> more;
      for (int t = 0; t < 400; ++t) {
        const int a = static_cast<int>(r.below(townships_.size())), b = static_cast<int>(r.below(townships_.size()));
        const double d = km_between_cells(townships_[static_cast<std::size_t>(a)].seed_cell, townships_[static_cast<std::size_t>(b)].seed_cell);
        if (d > 20 && d < 70) more.push_back({a, b});
      }
      for (const auto& [a, b] : cand) build_route(a, b, RoadClass::provincial, tg.provincial_km * 1000);
      for (const auto& [a, b] : more) build_route(a, b, RoadClass::provincial, tg.provincial_km * 1000);
    }
    // County roads: a tree over each county's township seats (the links
    // already built count as joined), as far as the county budget goes; the
    // rest of the tree becomes township roads; then more links up to budget.
    std::vector<double> used_county(n, 0.0), used_township(n, 0.0), used_village(n, 0.0);
    std::vector<int> uf(ns);
    std::iota(uf.begin(), uf.end(), 0);
    std::function<int(int)> find = [&](int x) { return uf[static_cast<std::size_t>(x)] == x ? x : uf[static_cast<std::size_t>(x)] = find(uf[static_cast<std::size_t>(x)]); };
    for (const auto& [pr, e] : link_edge) uf[static_cast<std::size_t>(find(pr.first))] = find(pr.second);
    std::vector<std::tuple<double, int, int>> sorted_links;
    for (const auto& [a, b] : links)
      sorted_links.push_back({dist(nodes_[static_cast<std::size_t>(townships_[static_cast<std::size_t>(a)].node)].q,
                                   nodes_[static_cast<std::size_t>(townships_[static_cast<std::size_t>(b)].node)].q),
                              a, b});
    std::sort(sorted_links.begin(), sorted_links.end());
    for (const auto& [d, a, b] : sorted_links) {
      const int k = townships_[static_cast<std::size_t>(a)].county;
      if (townships_[static_cast<std::size_t>(b)].county != k || find(a) == find(b)) continue;
      uf[static_cast<std::size_t>(find(a))] = find(b);
      const RoadClass cls = used_county[static_cast<std::size_t>(k)] < county_km[static_cast<std::size_t>(k)] - 0.5 * d ? RoadClass::county : RoadClass::township;
      const double len = build_link(a, b, cls);
      (cls == RoadClass::county ? used_county : used_township)[static_cast<std::size_t>(k)] += len;
    }
    // Counties whose seats the tree could not reach through their own links
    // are joined across the county line.
    for (const auto& [d, a, b] : sorted_links) {
      if (find(a) == find(b)) continue;
      uf[static_cast<std::size_t>(find(a))] = find(b);
      const int k = townships_[static_cast<std::size_t>(a)].county;
      used_county[static_cast<std::size_t>(k)] += build_link(a, b, RoadClass::county);
    }
    for (const auto& [d, a, b] : sorted_links) {
      const int k = townships_[static_cast<std::size_t>(a)].county;
      if (used_county[static_cast<std::size_t>(k)] >= county_km[static_cast<std::size_t>(k)] - 0.5 * d) continue;
      used_county[static_cast<std::size_t>(k)] += build_link(a, b, RoadClass::county);
    }
    // A seat that no link reached (every candidate crossed another link or
    // left the city) joins the nearest seat of the main network directly.
    for (std::size_t a = 0; a < ns; ++a) {
      if (find(static_cast<int>(a)) == find(cseat[0])) continue;
      int best = -1;
      double best_d = std::numeric_limits<double>::infinity();
      for (std::size_t b = 0; b < ns; ++b) {
        if (find(static_cast<int>(b)) != find(cseat[0])) continue;
        const XY pa = nodes_[static_cast<std::size_t>(townships_[a].node)].q, pb = nodes_[static_cast<std::size_t>(townships_[b].node)].q;
        const double d = dist(pa, pb) * (inside_city(pa, pb) ? 1.0 : 10.0);
        if (d < best_d) best_d = d, best = static_cast<int>(b);
      }
      uf[static_cast<std::size_t>(find(static_cast<int>(a)))] = find(best);
      const int k = townships_[a].county;
      used_county[static_cast<std::size_t>(k)] += build_link(static_cast<int>(a), best, RoadClass::county);
    }
    // Within each township: a tree from the seat over its villages. Its trunk
    // (the links that carry the most villages) is township road up to the
    // county's budget; the twigs are village roads.
    struct TreeEdge {
      int size;
      double len;
      int a, b;
      int county;
    };
    std::vector<std::vector<TreeEdge>> tree(n);
    for (const auto& tw : townships_) {
      std::vector<int> pts{tw.node};
      for (int v : tw.villages) pts.push_back(villages_[static_cast<std::size_t>(v)].node);
      const std::size_t m = pts.size();
      std::vector<double> best(m, std::numeric_limits<double>::infinity());
      std::vector<int> parent(m, -1);
      std::vector<char> in(m, 0);
      best[0] = 0;
      std::vector<int> order;
      for (std::size_t it = 0; it < m; ++it) {
        std::size_t u = m;
        for (std::size_t i = 0; i < m; ++i)
          if (!in[i] && (u == m || best[i] < best[u])) u = i;
        in[u] = 1;
        order.push_back(static_cast<int>(u));
        for (std::size_t i = 0; i < m; ++i) {
          if (in[i]) continue;
          const XY pu = nodes_[static_cast<std::size_t>(pts[u])].q, pi = nodes_[static_cast<std::size_t>(pts[i])].q;
          double d = dist(pu, pi);
          if (d >= best[i]) continue;
          // A link that would leave the city (across a notch of its
          // boundary) is taken only when nothing else reaches the village.
          if (!inside_city(pu, pi)) d = 1e7 + d;
          if (d < best[i]) best[i] = d, parent[i] = static_cast<int>(u);
        }
      }
      std::vector<int> size(m, 1);
      for (std::size_t i = order.size(); i-- > 1;) size[static_cast<std::size_t>(parent[static_cast<std::size_t>(order[i])])] += size[static_cast<std::size_t>(order[i])];
      for (std::size_t i = 1; i < m; ++i)
        tree[static_cast<std::size_t>(tw.county)].push_back(
            {size[i], best[i] >= 1e7 ? best[i] - 1e7 : best[i], pts[static_cast<std::size_t>(parent[i])], pts[i], tw.county});
    }
    for (std::size_t k = 0; k < n; ++k) {
      auto& te = tree[k];
      std::sort(te.begin(), te.end(), [](const TreeEdge& x, const TreeEdge& y) {
        if (x.size != y.size) return x.size > y.size;
        if (x.len != y.len) return x.len < y.len;
        return x.b < y.b;
      });
      for (const auto& t : te) {
        const bool trunk = used_township[k] < township_km[k] - 0.5 * t.len * 1.05;
        EdgeW e = make_edge(t.a, t.b, trunk ? RoadClass::township : RoadClass::village, 0.05, r);
        (trunk ? used_township : used_village)[k] += e.length_m;
        push_edge(std::move(e));
      }
    }
    // Village roads branch out from the villages to hamlets until each
    // county's village-road length is reached.
    SpatialIndex index(400.0);
    for (std::size_t e = 0; e < edges_.size(); ++e) index.add_edge(static_cast<int>(e), edges_[e].xy);
    for (std::size_t q = 0; q < nodes_.size(); ++q) index.add_node(static_cast<int>(q), nodes_[q].q);
    auto clear_of_roads = [&](XY p, double need, int except_node) {
      bool ok = true;
      index.pieces_near(p, p, need, [&](int e, int k) {
        if (!ok) return;
        const EdgeW& ed = edges_[static_cast<std::size_t>(e)];
        if (ed.a == except_node || ed.b == except_node) return;
        ok = point_segment_distance(p, ed.xy[static_cast<std::size_t>(k)], ed.xy[static_cast<std::size_t>(k) + 1]) >= need;
      });
      return ok;
    };
    // A new line from node `from`: crosses no road, passes no dead end
    // closely, and ends well clear of every road and node.
    auto line_ok = [&](const EdgeW& e, int from) {
      const XY end = e.xy.back();
      if (!clear_of_roads(end, 45.0, -2)) return false;
      bool ok = true;
      index.nodes_near(end, end, 150.0, [&](int nd) {
        if (ok && dist(nodes_[static_cast<std::size_t>(nd)].q, end) < 150.0) ok = false;
      });
      for (std::size_t k = 0; ok && k + 1 < e.xy.size(); ++k) {
        const XY a = e.xy[k], b = e.xy[k + 1];
        index.pieces_near(a, b, 0.0, [&](int oe, int ok2) {
          if (!ok) return;
          const EdgeW& o = edges_[static_cast<std::size_t>(oe)];
          const XY c = o.xy[static_cast<std::size_t>(ok2)], d = o.xy[static_cast<std::size_t>(ok2) + 1];
          if ((o.a == from || o.b == from) && (k == 0)) return;
          if (o.a == from || o.b == from) {
            if (segment_segment_distance(a, b, c, d) < 1.0) ok = false;
            return;
          }
          if (segments_cross(a, b, c, d)) ok = false;
        });
        index.nodes_near(a, b, 50.0, [&](int nd) {
          if (!ok || nd == from) return;
          const Node& nn = nodes_[static_cast<std::size_t>(nd)];
          if (nn.degree <= 1 && point_segment_distance(nn.q, a, b) < 45.0) ok = false;
          if (nn.degree > 1 && point_segment_distance(nn.q, a, b) < 25.0) ok = false;
        });
      }
      return ok;
    };
    auto grow_spur = [&](int from, double len, int township) -> int {
      const XY s = nodes_[static_cast<std::size_t>(from)].q;
      const double ang = r.uniform(0, 2 * kPi);
      const XY end{s.x + std::cos(ang) * len / 1.04, s.y + std::sin(ang) * len / 1.04};
      const LonLat pe = frame_.ll(end);
      const int c = grid_.cell_at(pe);
      if (c < 0 || township_of_cell_[static_cast<std::size_t>(c)] != township || !inside_city(s, end)) return -1;
      const int h = add_node(pe, true);
      node_county_.push_back(townships_[static_cast<std::size_t>(township)].county);
      EdgeW e = make_edge(from, h, RoadClass::village, 0.06, r);
      e.spur = true;
      if (!line_ok(e, from)) {
        nodes_.pop_back();
        node_county_.pop_back();
        return -1;
      }
      const int id = push_edge(std::move(e));
      index.add_edge(id, edges_[static_cast<std::size_t>(id)].xy);
      index.add_node(h, nodes_[static_cast<std::size_t>(h)].q);
      return id;
    };
    for (std::size_t k = 0; k < n; ++k) {
      std::vector<int> vil;
      for (int t : county_townships_[k])
        for (int v : townships_[static_cast<std::size_t>(t)].villages) vil.push_back(v);
      for (int pass = 0; pass < 4 && used_village[k] < village_km[k] - 400; ++pass) {
        const double remaining = village_km[k] - used_village[k];
        double carry = 0;
        for (std::size_t i = 0; i < vil.size(); ++i) {
          const VillageW& v = villages_[static_cast<std::size_t>(vil[i])];
          double budget = remaining / static_cast<double>(vil.size()) * r.uniform(0.6, 1.4) + carry;
          std::vector<int> tree_nodes{v.node};
          int fails = 0;
          while (budget > 350 && fails < 12 && used_village[k] < village_km[k] - 300) {
            const int from = (tree_nodes.size() > 1 && r.chance(0.55)) ? tree_nodes[r.below(tree_nodes.size())] : v.node;
            const double len = std::min(budget, r.uniform(500, 1600));
            const int id = grow_spur(from, len, v.township);
            if (id < 0) {
              ++fails;
              continue;
            }
            const double l = edges_[static_cast<std::size_t>(id)].length_m;
            budget -= l;
            used_village[k] += l;
            tree_nodes.push_back(edges_[static_cast<std::size_t>(id)].b);
          }
          carry = std::max(0.0, budget);
        }
      }
    }
    // Village trees leave dead ends at villages; one close to another road
    // would read as a gap, so such a village gets a spur beyond it.
    for (const auto& v : villages_) {
      const Node& nd = nodes_[static_cast<std::size_t>(v.node)];
      if (nd.degree != 1 || clear_of_roads(nd.q, 25.0, v.node)) continue;
      for (int attempt = 0; attempt < 40; ++attempt) {
        const int id = grow_spur(v.node, r.uniform(300, 900), v.township);
        if (id >= 0) {
          used_village[static_cast<std::size_t>(county_of_node(v.node))] += edges_[static_cast<std::size_t>(id)].length_m;
          break;
        }
      }
    }
    // Two roads leaving a node in almost the same direction would run along
    // each other (a double count to the roads audit): the later one bends away.
    {
      std::vector<std::vector<std::pair<int, bool>>> at(nodes_.size());
      for (std::size_t e = 0; e < edges_.size(); ++e) {
        at[static_cast<std::size_t>(edges_[e].a)].push_back({static_cast<int>(e), true});
        at[static_cast<std::size_t>(edges_[e].b)].push_back({static_cast<int>(e), false});
      }
      auto dir = [&](int e, bool from_a) {
        const auto& x = edges_[static_cast<std::size_t>(e)].xy;
        const XY o = from_a ? x[0] : x[x.size() - 1], nx = from_a ? x[1] : x[x.size() - 2];
        const double l = dist(o, nx);
        return XY{(nx.x - o.x) / l, (nx.y - o.y) / l};
      };
      // Repeated: a bend can bring a road close to a third one.
      for (int round = 0; round < 4; ++round)
      for (const auto& list : at)
        for (std::size_t i = 0; i < list.size(); ++i)
          for (std::size_t j = i + 1; j < list.size(); ++j) {
            const XY u = dir(list[i].first, list[i].second), v = dir(list[j].first, list[j].second);
            if (u.x * v.x + u.y * v.y < 0.9986) continue;  // more than 3 degrees apart
            EdgeW& e = edges_[static_cast<std::size_t>(list[j].first)];
            if (e.xy.size() < 3) continue;
            const std::size_t k = list[j].second ? 1 : e.xy.size() - 2;
            const double side = (u.x * v.y - u.y * v.x) >= 0 ? 1.0 : -1.0;
            const XY q{e.xy[k].x - v.y * 30.0 * side, e.xy[k].y + v.x * 30.0 * side};
            const LonLat p = frame_.ll(q);
            const int c = grid_.cell_at(p);
            if (c < 0 || county_of_cell_[static_cast<std::size_t>(c)] < 0) continue;
            e.xy[k] = q;
            e.line[k] = p;
            e.length_m = geo::geodesic_length(e.line).value();
          }
    }
    // Edge counties by midpoint.
    for (auto& e : edges_) e.county = county_at(e.line[e.line.size() / 2], county_of_node(e.a));
  }

  // --- the two programmes ---------------------------------------------------
  void choose_programme() {
    Rng r(mix(seed_, 500));
    const RoadTargets tg = luan_road_targets();
    const std::size_t n = facts_.size();
    std::vector<double> w;
    for (std::size_t k = 0; k < n; ++k)
      w.push_back((facts_[k].villages + facts_[k].communities) * (1.0 + 2.0 * facts_[k].poor_share));
    const auto budget = class_share(tg.programme_km * 1000, w);
    std::vector<std::vector<int>> cand(n);
    for (std::size_t e = 0; e < edges_.size(); ++e) {
      const auto cls = edges_[e].cls;
      if (cls == RoadClass::county || cls == RoadClass::township || cls == RoadClass::village)
        cand[static_cast<std::size_t>(edges_[e].county)].push_back(static_cast<int>(e));
    }
    const Date jan1(2018, 1, 1);
    for (std::size_t k = 0; k < n; ++k) {
      r.shuffle(cand[k]);
      double sum = 0;
      for (int e : cand[k]) {
        EdgeW& ed = edges_[static_cast<std::size_t>(e)];
        if (sum + ed.length_m > budget[k]) continue;
        sum += ed.length_m;
        ed.program = ed.cls == RoadClass::village ? model::Program::kuomian : model::Program::changtong;
        const double u = r.uniform();
        const double done_share = behind_[k] ? 0.55 : 0.8;
        if (u < done_share) {
          ed.status = model::RoadStatus::completed;
          const long doy = 45 + static_cast<long>(std::floor(319.0 * std::sqrt(r.uniform())));
          ed.done = Date::from_days_since_epoch(jan1.days_since_epoch() + doy);
        } else {
          ed.status = u < done_share + 0.3 ? model::RoadStatus::building : model::RoadStatus::planned;
        }
        ed.declared_factor = 1.0 + r.uniform(-0.006, 0.006);
        if (budget[k] - sum < 150) break;
      }
    }
  }

  // --- segments ---------------------------------------------------------------
  std::string next_road_id(int county) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%06d", next_seq_[static_cast<std::size_t>(county)]++);
    return "R" + facts_[static_cast<std::size_t>(county)].code + buf;
  }

  static double speed_for(RoadClass c, bool mountain) {
    switch (c) {
      case RoadClass::national: return mountain ? 60 : 80;
      case RoadClass::provincial: return mountain ? 50 : 70;
      case RoadClass::county: return mountain ? 35 : 50;
      case RoadClass::township: return mountain ? 30 : 40;
      default: return mountain ? 20 : 30;
    }
  }

  void make_segments() {
    Rng r(mix(seed_, 600));
    // County seats' first national segment is split into a pair of one-way
    // carriageways.
    std::set<int> dual;
    for (std::size_t k = 0; k < facts_.size(); ++k) {
      const int seat_node = townships_[static_cast<std::size_t>(county_townships_[k][0])].node;
      for (std::size_t e = 0; e < edges_.size(); ++e)
        if (edges_[e].cls == RoadClass::national && edges_[e].a == seat_node) {
          dual.insert(static_cast<int>(e));
          break;
        }
    }
    const double max_piece = scale_ == Scale::luan ? 1100 : 450;
    for (std::size_t ei = 0; ei < edges_.size(); ++ei) {
      const EdgeW& e = edges_[ei];
      // Pieces: cut at vertices about every max_piece metres, never leaving
      // a short tail.
      std::vector<std::size_t> cuts{0};
      double acc = 0;
      const double target = r.uniform(0.55, 1.0) * max_piece;
      std::vector<double> seglen(e.line.size(), 0.0);
      for (std::size_t k = 1; k < e.line.size(); ++k) seglen[k] = geo::geodesic_distance(e.line[k - 1], e.line[k]).value();
      double left = e.length_m;
      for (std::size_t k = 1; k + 1 < e.line.size(); ++k) {
        acc += seglen[k];
        left -= seglen[k];
        // Also cut where the road passes into another county, so that each
        // segment lies clearly in the county it is booked to.
        const bool border = county_at(e.line[k], -1) != county_at(e.line[k + 1], -1) && acc >= 150 && left >= 150;
        if ((acc >= target && left >= 300) || border) {
          cuts.push_back(k);
          acc = 0;
        }
      }
      cuts.push_back(e.line.size() - 1);
      double stake = 0;
      for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
        model::RoadSegment s;
        s.geometry.push_back(model::LineString(e.line.begin() + static_cast<long>(cuts[c]),
                                               e.line.begin() + static_cast<long>(cuts[c + 1]) + 1));
        const auto& ls = s.geometry.front();
        const LonLat mid = ls[ls.size() / 2];
        // The county holding most of the segment's length.
        std::map<int, double> share;
        for (std::size_t k = 0; k + 1 < ls.size(); ++k) {
          const double len = dist(xy(ls[k]), xy(ls[k + 1]));
          const int parts = 1 + static_cast<int>(len / 5.0);
          for (int q = 0; q < parts; ++q) {
            const double t = (q + 0.5) / parts;
            const LonLat m{ls[k].lon + (ls[k + 1].lon - ls[k].lon) * t, ls[k].lat + (ls[k + 1].lat - ls[k].lat) * t};
            share[county_at(m, -1)] += len / parts;
          }
        }
        share.erase(-1);  // outside the city: booked nowhere
        int county = e.county;
        double most = -1;
        for (const auto& [kc, len] : share)
          if (len > most) most = len, county = kc;
        const int cell = grid_.cell_at(mid);
        const bool mountain = cell >= 0 && mountain_[static_cast<std::size_t>(cell)] != 0;
        s.id = next_road_id(county);
        s.road_class = e.cls;
        s.class_text = model::to_string(e.cls);
        s.speed_kmh = speed_for(e.cls, mountain);
        s.county_code = facts_[static_cast<std::size_t>(county)].code;
        switch (e.cls) {
          case RoadClass::national:
          case RoadClass::provincial: s.surface = "asphalt"; break;
          case RoadClass::county: s.surface = r.chance(0.7) ? "asphalt" : "cement"; break;
          case RoadClass::township: s.surface = r.chance(0.8) ? "cement" : "asphalt"; break;
          default: s.surface = r.chance(mountain ? 0.7 : 0.9) ? "cement" : "gravel"; break;
        }
        s.program = e.program;
        if (e.program != model::Program::none) {
          const double measured = geo::geodesic_length(ls).value();
          const double declared = std::round(measured * e.declared_factor);  // metres
          s.declared_km = declared / 1000.0;
          s.start_stake = stake_text(static_cast<long>(stake));
          s.end_stake = stake_text(static_cast<long>(stake + declared));
          stake += declared;
          s.status = e.status;
          s.completed_on = e.done;
        }
        const int na = c == 0 ? e.a : -1;
        const int nb = c + 2 == cuts.size() ? e.b : -1;
        if (dual.count(static_cast<int>(ei)) && c == 0 && e.program == model::Program::none) {
          // The other carriageway: the reverse way, 20 m to the side.
          model::RoadSegment back = s;
          back.id = next_road_id(county);
          model::LineString rev(ls.rbegin(), ls.rend());
          for (std::size_t k = 1; k + 1 < rev.size(); ++k) {
            const XY p0 = xy(rev[k - 1]), p1 = xy(rev[k + 1]);
            const double L = dist(p0, p1);
            XY q = xy(rev[k]);
            q.x += -(p1.y - p0.y) / L * 20.0;
            q.y += (p1.x - p0.x) / L * 20.0;
            rev[k] = frame_.ll(q);
          }
          back.geometry = {rev};
          s.oneway = model::Oneway::forward;
          back.oneway = model::Oneway::forward;
          tile_.data.roads.push_back(std::move(s));
          seg_info_.push_back({static_cast<int>(ei), na, nb});
          tile_.data.roads.push_back(std::move(back));
          seg_info_.push_back({static_cast<int>(ei), nb, na});
          continue;
        }
        tile_.data.roads.push_back(std::move(s));
        seg_info_.push_back({static_cast<int>(ei), na, nb});
      }
    }
  }

  int county_index_of_code(const std::string& code) const {
    for (std::size_t k = 0; k < facts_.size(); ++k)
      if (facts_[k].code == code) return static_cast<int>(k);
    return 0;
  }

  void plant_road_defects() {
    Rng r(mix(seed_, 700));
    auto& roads = tile_.data.roads;
    std::vector<std::size_t> order(roads.size());
    std::iota(order.begin(), order.end(), 0);
    r.shuffle(order);
    std::set<int> edges_used;
    // Mis-declared lengths on programme roads.
    int planted = 0;
    for (std::size_t i : order) {
      if (planted == 5) break;
      auto& s = roads[i];
      if (s.program == model::Program::none || edges_used.count(seg_info_[i].edge)) continue;
      const double measured = geo::geodesic_length(s.geometry.front()).value() / 1000.0;
      // Off by more than both of the roads audit's tolerances (2 %, 50 m).
      if (measured < 0.7) continue;
      const double f = (r.chance(0.5) ? 1 : -1) * r.uniform(0.09, 0.15);
      s.declared_km = std::round(measured * (1 + f) * 1000) / 1000;
      edges_used.insert(seg_info_[i].edge);
      ++planted;
      tile_.defects.push_back({"mis_declared_length", "roads", s.id, "roads",
                               {{"declared_km", *s.declared_km},
                                {"measured_km", std::round(measured * 1000) / 1000},
                                {"difference_pct", std::round((*s.declared_km / measured - 1) * 1000) / 10}}});
    }
    // Gaps: the start of a branch to a hamlet pulled back 10-13 m from the
    // node where it should meet two or more other roads. Only the branch (no
    // programme road) is cut off, so the gap is the one thing to find.
    std::vector<std::vector<std::size_t>> at_node(nodes_.size());
    for (std::size_t i = 0; i < roads.size(); ++i) {
      if (seg_info_[i].node_a >= 0) at_node[static_cast<std::size_t>(seg_info_[i].node_a)].push_back(i);
      if (seg_info_[i].node_b >= 0) at_node[static_cast<std::size_t>(seg_info_[i].node_b)].push_back(i);
    }
    planted = 0;
    for (std::size_t i : order) {
      if (planted == 4) break;
      auto& s = roads[i];
      const SegInfo si = seg_info_[i];
      const EdgeW& ed = edges_[static_cast<std::size_t>(si.edge)];
      if (!ed.spur || ed.program != model::Program::none || s.oneway != model::Oneway::no ||
          edges_used.count(si.edge) || si.node_a < 0 || nodes_[static_cast<std::size_t>(ed.b)].degree != 1)
        continue;
      const auto& meet = at_node[static_cast<std::size_t>(si.node_a)];
      if (meet.size() < 3) continue;
      auto& ls = s.geometry.front();
      const XY start = xy(ls.front()), next = xy(ls[1]);
      const double L = dist(start, next);
      if (L < 80) continue;
      const double cut = r.uniform(10.5, 12.5);
      const XY ne{start.x + (next.x - start.x) * cut / L, start.y + (next.y - start.y) * cut / L};
      const LonLat pe = frame_.ll(ne);
      // The gap as the roads audit will see it: the distance to the nearest
      // other road.
      double gap = std::numeric_limits<double>::infinity();
      std::vector<std::string> ids;
      for (std::size_t o : meet) {
        if (o == i) continue;
        ids.push_back(roads[o].id);
      }
      for (std::size_t o = 0; o < roads.size(); ++o) {
        if (o == i) continue;
        const auto& ol = roads[o].geometry.front();
        for (std::size_t k = 0; k + 1 < ol.size(); ++k) {
          const XY a = xy(ol[k]), b = xy(ol[k + 1]);
          if (std::abs(a.x - ne.x) > 3000 || std::abs(a.y - ne.y) > 3000) continue;
          gap = std::min(gap, point_segment_distance(ne, a, b));
        }
      }
      if (gap < 8.5 || gap > 14.5) continue;
      ls.front() = pe;
      edges_used.insert(si.edge);
      ++planted;
      std::sort(ids.begin(), ids.end());
      tile_.defects.push_back({"gap", "roads", s.id, "roads",
                               {{"end", "start"},
                                {"gap_m", std::round(geo::geodesic_distance(pe, nodes_[static_cast<std::size_t>(si.node_a)].p).value() * 10) / 10},
                                {"should_meet", ids}}});
    }
    // Duplicated segments: an exact copy under another id.
    planted = 0;
    const std::size_t original = roads.size();
    for (std::size_t i : order) {
      if (planted == 3) break;
      if (i >= original) continue;
      const auto& s = roads[i];
      if (s.road_class != RoadClass::village || s.program != model::Program::none || edges_used.count(seg_info_[i].edge) ||
          s.oneway != model::Oneway::no)
        continue;
      model::RoadSegment copy = s;
      copy.id = next_road_id(county_index_of_code(s.county_code));
      edges_used.insert(seg_info_[i].edge);
      ++planted;
      tile_.defects.push_back({"duplicate_segment", "roads", copy.id, "roads", {{"copy_of", s.id}}});
      roads.push_back(std::move(copy));
      seg_info_.push_back(seg_info_[i]);
    }
  }

  // --- facilities -------------------------------------------------------------
  void make_facilities() {
    Rng r(mix(seed_, 800));
    static const std::vector<std::string> others = {"ZTO", "YTO", "STO", "YUNDA", "JD", "SF"};
    auto carriers = [&](int extra) {
      std::vector<std::string> c{"EMS"};
      std::vector<std::string> pool = others;
      r.shuffle(pool);
      pool.resize(static_cast<std::size_t>(std::clamp(extra, 0, 6)));
      for (const auto& o : others)
        if (std::find(pool.begin(), pool.end(), o) != pool.end()) c.push_back(o);
      return c;
    };
    auto nudge = [&](LonLat p, double metres) {
      XY q = xy(p);
      const double a = r.uniform(0, 2 * kPi);
      q.x += std::cos(a) * metres;
      q.y += std::sin(a) * metres;
      return frame_.ll(q);
    };
    auto& out = tile_.data.facilities;
    for (std::size_t k = 0; k < facts_.size(); ++k) {
      const auto& f = facts_[k];
      const auto& seat = townships_[static_cast<std::size_t>(county_townships_[k][0])];
      model::Facility h;
      h.id = "H" + f.code;
      h.tier = model::Tier::county_hub;
      h.name = f.name + "电子商务物流配送中心";
      h.admin_code = f.code;
      h.carriers = carriers(6);
      h.vehicles = r.between(12, 30);
      h.vehicle_capacity_parcels = 800.0;  // per vehicle, as the field says
      h.shift_hours = r.chance(0.5) ? 16.0 : 12.0;
      h.location = nudge(seat.seat, 120);
      out.push_back(std::move(h));
      std::vector<std::size_t> outlets;
      for (int t : county_townships_[k]) {
        const auto& tw = townships_[static_cast<std::size_t>(t)];
        if (t == county_townships_[k][0] || r.chance(0.9)) {
          model::Facility s;
          s.id = "S" + tw.code;
          s.tier = model::Tier::township_station;
          s.name = tw.name + "电商服务站";
          s.admin_code = tw.code;
          s.carriers = carriers(r.between(2, 5));
          s.vehicles = r.between(1, 4);
          s.vehicle_capacity_parcels = 300.0;
          s.shift_hours = round_to(r.uniform(8, 10), 0.5);
          static const char* kinds[] = {"shop", "bus_stop", "finance_room", "culture_station"};
          s.colocated = kinds[r.below(4)];
          s.location = nudge(tw.seat, 80);
          out.push_back(std::move(s));
        }
        for (int vi : tw.villages) {
          const auto& v = villages_[static_cast<std::size_t>(vi)];
          if (v.defect || !r.chance(v.poor ? 0.95 : 0.82)) continue;
          model::Facility o;
          o.id = "O" + v.code;
          o.tier = model::Tier::village_outlet;
          o.name = v.name + "电商服务点";
          o.admin_code = v.code;
          o.carriers = carriers(r.between(0, v.mountain ? 1 : 2));
          o.vehicles = r.chance(0.3) ? 1 : 0;
          o.vehicle_capacity_parcels = 80.0;
          o.shift_hours = round_to(r.uniform(4, 8), 0.5);
          if (v.poor && r.chance(0.6)) {
            o.colocated = "poverty_post";
          } else {
            const double u = r.uniform();
            o.colocated = u < 0.5 ? "shop" : u < 0.62 ? "bus_stop" : u < 0.74 ? "finance_room" : u < 0.87 ? "culture_station" : "beautiful_village";
          }
          o.location = nudge(v.p, 40);
          outlets.push_back(out.size());
          out.push_back(std::move(o));
        }
      }
      // Model outlets: the annex quota, reached or not.
      const Quotas& q = kQuotas[k % kQuotas.size()];
      r.shuffle(outlets);
      const std::size_t n_prov = static_cast<std::size_t>(std::floor(q.prov_outlets * achieve_[k] + 0.5));
      const std::size_t n_muni = static_cast<std::size_t>(std::floor(q.muni_outlets * achieve_[k] + 0.5));
      for (std::size_t i = 0; i < outlets.size() && i < n_prov + n_muni; ++i)
        out[outlets[i]].model_level = i < n_prov ? model::ModelLevel::provincial : model::ModelLevel::municipal;
    }
  }

  // --- progress -------------------------------------------------------------
  void make_progress() {
    Rng r(mix(seed_, 900));
    const std::array<Date, 4> dates{Date(2018, 3, 31), Date(2018, 6, 30), Date(2018, 9, 30), Date(2018, 12, 31)};
    double residents = 0;
    for (const auto& f : facts_) residents += f.residents;
    const std::size_t model_county = r.below(facts_.size());
    for (std::size_t k = 0; k < facts_.size(); ++k) {
      const auto& f = facts_[k];
      const Quotas& q = kQuotas[k % kQuotas.size()];
      const double a = achieve_[k];
      int prov_v = 0, muni_v = 0, prov_o = 0, muni_o = 0;
      for (const auto& v : villages_)
        if (townships_[static_cast<std::size_t>(v.township)].county == static_cast<int>(k)) {
          prov_v += v.level == model::ModelLevel::provincial;
          muni_v += v.level == model::ModelLevel::municipal;
        }
      for (const auto& fa : tile_.data.facilities)
        if (fa.tier == model::Tier::village_outlet && fa.admin_code.compare(0, 6, f.code) == 0) {
          prov_o += fa.model_level == model::ModelLevel::provincial;
          muni_o += fa.model_level == model::ModelLevel::municipal;
        }
      auto whole = [&](double target) { return std::floor(target * a * r.uniform(0.97, 1.03) + 0.5); };
      const std::vector<std::pair<std::string, double>> finals = {
          {"online_sales_yuan", round_to(6.5e9 * f.residents / residents * a, 10000)},
          {"entities_over_10m", whole(2)},
          {"brands_over_1m", whole(2)},
          {"provincial_model_counties", k == model_county ? 1.0 : 0.0},
          {"provincial_featured_towns", whole(1)},
          {"provincial_model_villages", static_cast<double>(prov_v)},
          {"municipal_featured_towns", whole(q.muni_towns)},
          {"municipal_model_villages", static_cast<double>(muni_v)},
          {"provincial_model_outlets", static_cast<double>(prov_o)},
          {"municipal_model_outlets", static_cast<double>(muni_o)},
          {"new_entities", whole(q.new_entities)},
          {"provincial_model_enterprises", whole(1)},
          {"sanpin_producers_online", whole(3)},
          {"trademark_enterprises_online", whole(2)},
          {"training_person_times", whole(q.training)},
      };
      const std::string commerce = f.name + "商务局季度报告";
      for (const auto& [ind, fin] : finals) {
        // Cumulative through the year, the push coming mid-year.
        std::array<double, 4> frac{r.uniform(0.08, 0.25), r.uniform(0.3, 0.5), r.uniform(0.6, 0.8), 1.0};
        double prev = 0;
        for (std::size_t qd = 0; qd < 4; ++qd) {
          double v = ind == "online_sales_yuan" ? round_to(fin * frac[qd], 10000) : std::floor(fin * frac[qd]);
          if (ind == "provincial_model_counties") v = qd == 3 ? fin : 0;
          v = std::max(v, prev);
          prev = v;
          tile_.progress.push_back({f.code, ind, v, dates[qd], commerce});
        }
      }
      // Road km: what the county's completed programme roads add up to.
      const std::string transport = f.name + "交通运输局季度报告";
      for (std::size_t qd = 0; qd < 4; ++qd) {
        double km = 0;
        for (const auto& s : tile_.data.roads)
          if (s.county_code == f.code && s.program != model::Program::none && s.status == model::RoadStatus::completed &&
              s.completed_on && *s.completed_on <= dates[qd] && s.declared_km)
            km += *s.declared_km;
        tile_.progress.push_back({f.code, "rural_road_km", round_to(km, 0.1), dates[qd], transport});
      }
    }
  }

  // --- model layers -----------------------------------------------------------
  void emit_areas() {
    const int nt = static_cast<int>(townships_.size());
    const auto tpoly = trace_regions(grid_, township_of_cell_, nt, township_of_cell_);
    const auto cpoly = trace_regions(grid_, county_of_cell_, static_cast<int>(facts_.size()), township_of_cell_);
    for (std::size_t k = 0; k < facts_.size(); ++k) {
      model::County c;
      c.code = facts_[k].code;
      c.name = facts_[k].name;
      c.geometry = cpoly[k];
      tile_.data.counties.push_back(std::move(c));
    }
    for (std::size_t t = 0; t < townships_.size(); ++t) {
      const auto& tw = townships_[t];
      model::Township m;
      m.code = tw.code;
      m.name = tw.name;
      m.county_code = facts_[static_cast<std::size_t>(tw.county)].code;
      m.geometry = tpoly[t];
      m.extra = {{"kind", tw.kind}};
      tile_.data.townships.push_back(std::move(m));
    }
    for (const auto& v : villages_) {
      model::Village m;
      m.code = v.code;
      m.name = v.name;
      m.township_code = townships_[static_cast<std::size_t>(v.township)].code;
      m.location = v.p;
      m.population = v.population;
      m.households = v.households;
      m.poor = v.poor;
      m.flood_zone = v.flood;
      m.demand_parcels_day = v.demand;
      m.model_level = v.level;
      m.extra = {{"kind", v.kind}};
      tile_.data.villages.push_back(std::move(m));
    }
  }
};

}  // namespace

Tile generate_tile(std::uint64_t seed, Scale scale, std::size_t index) {
  if (index >= tile_count(scale))
    throw RunError("internal: tile " + std::to_string(index) + " beyond the " + to_string(scale) + " scale");
  Generator g(seed, scale, index);
  return g.run();
}

}  // namespace ruralnet::synth
