#include "ruralnet/network/road_graph.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"

namespace ruralnet::network {

std::size_t RoadGraph::edge_count() const {
  std::size_t two_way = 0;
  for (std::uint8_t f : a_.flags) two_way += (f & kArcTwoWay) ? 1 : 0;
  return arc_count() - two_way / 2;
}

VertexId RoadGraph::tail(EdgeId a) const {
  // The last node whose first arc is <= a.
  const auto it = std::upper_bound(a_.first_out.begin(), a_.first_out.end(), a.value());
  return VertexId(static_cast<std::uint32_t>(it - a_.first_out.begin() - 1));
}

Metres RoadGraph::total_length() const {
  double total = 0.0;
  for (std::size_t a = 0; a < a_.length_m.size(); ++a)
    total += (a_.flags[a] & kArcTwoWay) ? 0.5 * a_.length_m[a] : a_.length_m[a];
  return Metres(total);
}

void RoadGraph::validate() const {
  std::vector<std::string> problems;
  auto fail = [&problems](std::string p) {
    if (problems.size() < 10) problems.push_back(std::move(p));
  };
  const auto& fo = a_.first_out;
  const std::size_t m = a_.head.size();
  if (fo.empty()) {
    fail("first_out is empty (it needs node_count + 1 entries)");
  } else {
    if (fo.front() != 0) fail("first_out[0] is " + std::to_string(fo.front()) + ", not 0");
    for (std::size_t v = 0; v + 1 < fo.size(); ++v)
      if (fo[v] > fo[v + 1])
        fail("first_out decreases at node " + std::to_string(v) + " (" + std::to_string(fo[v]) + " > " +
             std::to_string(fo[v + 1]) + ")");
    if (fo.back() != m)
      fail("first_out ends at " + std::to_string(fo.back()) + " but there are " + std::to_string(m) + " arcs");
  }
  const std::size_t n = fo.empty() ? 0 : fo.size() - 1;
  auto check_size = [&](const char* name, std::size_t got, std::size_t want) {
    if (got != want) fail(std::string(name) + " has " + std::to_string(got) + " entries, expected " + std::to_string(want));
  };
  check_size("length_m", a_.length_m.size(), m);
  check_size("time_s", a_.time_s.size(), m);
  check_size("segment", a_.segment.size(), m);
  check_size("flags", a_.flags.size(), m);
  check_size("pos", a_.pos.size(), n);
  if (!problems.empty()) throw RunError("road graph is broken: " + join(problems, "; "));
  for (std::size_t a = 0; a < m; ++a) {
    if (a_.head[a] >= n) fail("arc " + std::to_string(a) + " has head " + std::to_string(a_.head[a]) + " but there are " + std::to_string(n) + " nodes");
    if (!std::isfinite(a_.length_m[a]) || a_.length_m[a] < 0.0f)
      fail("arc " + std::to_string(a) + " has length " + std::to_string(a_.length_m[a]) + " m (must be finite and >= 0)");
    if (!std::isfinite(a_.time_s[a]) || a_.time_s[a] < 0.0f)
      fail("arc " + std::to_string(a) + " has time " + std::to_string(a_.time_s[a]) + " s (must be finite and >= 0)");
    if (a_.segment[a] >= a_.segment_count)
      fail("arc " + std::to_string(a) + " names segment " + std::to_string(a_.segment[a]) + " but there are " +
           std::to_string(a_.segment_count) + " segments");
  }
  for (std::size_t v = 0; v < n; ++v) {
    const NodePos& p = a_.pos[v];
    if (p.lon_e7 < -1800000000 || p.lon_e7 > 1800000000 || p.lat_e7 < -900000000 || p.lat_e7 > 900000000)
      fail("node " + std::to_string(v) + " has lon/lat (" + std::to_string(1e-7 * p.lon_e7) + ", " +
           std::to_string(1e-7 * p.lat_e7) + ") out of range");
  }
  if (!std::isfinite(a_.origin.x) || !std::isfinite(a_.origin.y)) fail("the origin of node positions is not finite");
  if (problems.empty()) {
    // Every two-way arc needs its opposite: same segment, same weights.
    for (std::size_t u = 0; u < n; ++u) {
      for (std::uint32_t a = fo[u]; a < fo[u + 1]; ++a) {
        if (!(a_.flags[a] & kArcTwoWay)) continue;
        const std::uint32_t v = a_.head[a];
        bool found = false;
        for (std::uint32_t b = fo[v]; b < fo[v + 1] && !found; ++b)
          found = a_.head[b] == u && (a_.flags[b] & kArcTwoWay) && a_.segment[b] == a_.segment[a] &&
                  a_.length_m[b] == a_.length_m[a] && a_.time_s[b] == a_.time_s[a] &&
                  ((a_.flags[b] ^ a_.flags[a]) & kArcReversed) != 0;
        if (!found)
          fail("two-way arc " + std::to_string(a) + " (" + std::to_string(u) + " -> " + std::to_string(v) + ", segment " +
               std::to_string(a_.segment[a]) + ") has no opposite arc with equal length and time");
      }
    }
  }
  if (!problems.empty()) throw RunError("road graph is broken: " + join(problems, "; "));
}

NodePos RoadGraph::encode(XY xy, LonLat ll, XY origin) {
  const double dx = std::round((xy.x - origin.x) * 1000.0), dy = std::round((xy.y - origin.y) * 1000.0);
  const double lon = std::round(ll.lon * 1e7), lat = std::round(ll.lat * 1e7);
  constexpr double lim = 2147483647.0;
  if (!(std::fabs(dx) <= lim && std::fabs(dy) <= lim && std::fabs(ll.lon) <= 180.0 && std::fabs(ll.lat) <= 90.0))
    throw RunError("road graph node at (" + std::to_string(ll.lon) + ", " + std::to_string(ll.lat) +
                   ") cannot be stored: a coordinate is not finite or lies more than 2147 km from the graph's origin");
  return {static_cast<std::int32_t>(dx), static_cast<std::int32_t>(dy), static_cast<std::int32_t>(lon),
          static_cast<std::int32_t>(lat)};
}

std::vector<XY> RoadGraph::node_xy() const {
  std::vector<XY> out(node_count());
  for (std::uint32_t v = 0; v < out.size(); ++v) out[v] = xy(VertexId(v));
  return out;
}

std::vector<LonLat> RoadGraph::node_lonlat() const {
  std::vector<LonLat> out(node_count());
  for (std::uint32_t v = 0; v < out.size(); ++v) out[v] = lonlat(VertexId(v));
  return out;
}

std::size_t RoadGraph::memory_bytes() const {
  return sizeof(*this) + a_.first_out.capacity() * sizeof(std::uint32_t) + a_.head.capacity() * sizeof(std::uint32_t) +
         a_.length_m.capacity() * sizeof(float) + a_.time_s.capacity() * sizeof(float) +
         a_.segment.capacity() * sizeof(std::uint32_t) + a_.flags.capacity() * sizeof(std::uint8_t) +
         a_.pos.capacity() * sizeof(NodePos);
}

}  // namespace ruralnet::network
