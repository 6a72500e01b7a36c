#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "ruralnet/model/dataset.hpp"

namespace ruralnet::model {

namespace {

// FNV-1a, 64 bit: not cryptographic; it only has to tell datasets apart.
class Digest {
 public:
  void bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) {
      h_ ^= b[i];
      h_ *= 1099511628211ULL;
    }
  }
  void text(const std::string& s) {
    bytes(s.data(), s.size());
    const char sep = '\x1f';
    bytes(&sep, 1);
  }
  void number(double v) {
    // Rounded to 1e-7 degree (about 1 cm) so that the same data read through
    // another driver gives the same digest.
    if (!std::isfinite(v) || std::fabs(v) > 1e11) {
      bytes("nan", 3);
      return;
    }
    const auto q = static_cast<std::int64_t>(v * 1e7 + (v < 0 ? -0.5 : 0.5));
    bytes(&q, sizeof q);
  }
  void count(std::size_t n) {
    const auto v = static_cast<std::uint64_t>(n);
    bytes(&v, sizeof v);
  }
  std::string hex() const {
    static const char* digits = "0123456789abcdef";
    std::string s(16, '0');
    for (int i = 0; i < 16; ++i) s[static_cast<std::size_t>(i)] = digits[(h_ >> (60 - 4 * i)) & 0xF];
    return s;
  }

 private:
  std::uint64_t h_ = 14695981039346656037ULL;
};

}  // namespace

std::string fingerprint(const Dataset& ds) {
  if (!ds.read_fingerprint.empty()) return ds.read_fingerprint;
  Digest d;
  d.count(ds.counties.size());
  for (const auto& c : ds.counties) d.text(c.code);
  d.count(ds.townships.size());
  for (const auto& t : ds.townships) d.text(t.code);
  d.count(ds.villages.size());
  for (const auto& v : ds.villages) {
    d.text(v.code);
    d.text(v.name);
    d.number(v.location.lon);
    d.number(v.location.lat);
  }
  auto part = [&](std::size_t size, const LonLat& front, const LonLat& back) {
    d.count(size);
    if (size == 0) return;
    d.number(front.lon);
    d.number(front.lat);
    d.number(back.lon);
    d.number(back.lat);
  };
  if (ds.roads_graph_only) {
    const RoadColumns& rc = ds.road_columns;
    d.count(rc.size());
    for (std::size_t i = 0; i < rc.size(); ++i) {
      d.text(rc.id[i]);
      d.count(rc.first_part[i + 1] - rc.first_part[i]);
      for (std::uint32_t p = rc.first_part[i]; p < rc.first_part[i + 1]; ++p) {
        const std::uint32_t b = rc.first_vertex[p], e = rc.first_vertex[p + 1];
        if (b < e) part(e - b, rc.lonlat[b], rc.lonlat[e - 1]);
        else part(0, {}, {});
      }
    }
  } else {
    d.count(ds.roads.size());
    for (const auto& r : ds.roads) {
      d.text(r.id);
      d.count(r.geometry.size());
      for (const auto& p : r.geometry)
        if (p.empty()) part(0, {}, {});
        else part(p.size(), p.front(), p.back());
    }
  }
  d.count(ds.facilities.size());
  for (const auto& f : ds.facilities) {
    d.text(f.id);
    d.text(to_string(f.tier));
    d.number(f.location.lon);
    d.number(f.location.lat);
  }
  return d.hex();
}

}  // namespace ruralnet::model
