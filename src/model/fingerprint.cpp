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
  d.count(ds.roads.size());
  for (const auto& r : ds.roads) {
    d.text(r.id);
    d.count(r.geometry.size());
    for (const auto& part : r.geometry) {
      d.count(part.size());
      if (!part.empty()) {
        d.number(part.front().lon);
        d.number(part.front().lat);
        d.number(part.back().lon);
        d.number(part.back().lat);
      }
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
