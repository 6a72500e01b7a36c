#include <algorithm>
#include <cmath>
#include <exception>
#include <thread>
#include <limits>
#include <string>

#include "ruralnet/core/error.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/network/build.hpp"

namespace ruralnet::network {

std::size_t SegmentTable::memory_bytes() const {
  std::size_t b = sizeof(*this);
  for (const auto& s : id) b += sizeof(std::string) + (s.size() > 15 ? s.capacity() : 0);
  b += road_class.capacity() * sizeof(model::RoadClass) + speed_kmh.capacity() * sizeof(float) +
       oneway.capacity() * sizeof(model::Oneway) + length_m.capacity() * sizeof(double) +
       first_part.capacity() * sizeof(std::uint32_t) + first_vertex.capacity() * sizeof(std::uint32_t) +
       part_segment.capacity() * sizeof(std::uint32_t) + lonlat.capacity() * sizeof(LonLat) +
       xy.capacity() * sizeof(XY) + cum_length_m.capacity() * sizeof(double) +
       degenerate_parts.capacity() * sizeof(std::uint32_t);
  return b;
}

namespace {

InputLocation where(const PrepareOptions& o, const model::RoadSegment& r, const char* field) {
  InputLocation loc;
  loc.file = o.source;
  loc.layer = "roads";
  loc.feature = r.id.empty() ? "fid " + std::to_string(r.ref.fid) : r.id;
  loc.field = field;
  return loc;
}

}  // namespace

SegmentTable prepare_segments(const std::vector<model::RoadSegment>& roads, const geo::Projector& projector,
                              const PrepareOptions& options) {
  SegmentTable t;
  t.crs = projector.crs();
  const std::size_t ns = roads.size();
  std::size_t nv = 0, np = 0;
  for (const auto& r : roads) {
    np += r.geometry.size();
    for (const auto& part : r.geometry) nv += part.size();
  }
  // Vertex indices carry a flag bit while noding (build.cpp).
  if (nv >= (std::size_t{1} << 31) || ns >= (std::size_t{1} << 31))
    throw RunError("too many road vertices (" + std::to_string(nv) + ") for one graph; the limit is 2^31",
                   "split the area into smaller datasets");
  t.id.reserve(ns);
  t.road_class.reserve(ns);
  t.speed_kmh.reserve(ns);
  t.oneway.reserve(ns);
  t.length_m.assign(ns, 0.0);
  t.first_part.reserve(ns + 1);
  t.first_vertex.reserve(np + 1);
  t.part_segment.reserve(np);
  t.lonlat.reserve(nv);

  Progress progress(options.progress, "preparing roads", 2 * ns);
  for (std::size_t i = 0; i < ns; ++i) {
    const auto& r = roads[i];
    float speed = std::numeric_limits<float>::quiet_NaN();
    if (r.speed_kmh) {
      const double v = *r.speed_kmh;
      if (!std::isfinite(v) || v <= 0.0 || v > 300.0)
        throw InputError(where(options, r, "speed_kmh"), "speed " + std::to_string(v) + " km/h is not in (0, 300]",
                         "correct it, or leave it empty to use the speed of the road class");
      speed = static_cast<float>(v);
    }
    t.id.push_back(r.id);
    t.road_class.push_back(r.road_class);
    t.speed_kmh.push_back(speed);
    t.oneway.push_back(r.oneway);
    t.first_part.push_back(static_cast<std::uint32_t>(t.part_segment.size()));
    for (const auto& part : r.geometry) {
      const std::size_t start = t.lonlat.size();
      for (const LonLat& p : part) {
        if (!std::isfinite(p.lon) || !std::isfinite(p.lat) || std::fabs(p.lat) > 90.0)
          throw GeometryError(where(options, r, ""),
                              "vertex (" + std::to_string(p.lon) + ", " + std::to_string(p.lat) + ") is not a valid lon/lat",
                              "fix or delete the vertex in the source");
        if (t.lonlat.size() > start && t.lonlat.back() == p) continue;  // repeated vertex: no length, no junction
        t.lonlat.push_back(p);
      }
      if (t.lonlat.size() - start < 2) {
        t.lonlat.resize(start);
        t.degenerate_parts.push_back(static_cast<std::uint32_t>(i));
        continue;
      }
      t.first_vertex.push_back(static_cast<std::uint32_t>(start));
      t.part_segment.push_back(static_cast<std::uint32_t>(i));
    }
    if ((i & 0xFFF) == 0) progress.set(i);
  }
  t.first_part.push_back(static_cast<std::uint32_t>(t.part_segment.size()));
  t.first_vertex.push_back(static_cast<std::uint32_t>(t.lonlat.size()));

  // Projection and geodesic lengths, the costly part, on all cores: each
  // thread takes a run of whole segments (so length_m has one writer per
  // segment) with its own PROJ transformation (they are not shared between
  // threads). An error is the first one in input order, as when serial.
  t.xy.resize(t.lonlat.size());
  t.cum_length_m.resize(t.lonlat.size());
  const std::size_t nparts = t.part_count();
  const std::size_t workers =
      nparts < 20000 ? 1 : std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
  auto chunk = [&](std::size_t w, const geo::Projector& proj) {
    // Parts [p0, p1) starting at a segment boundary.
    auto part_bound = [&](std::size_t k) {
      if (k >= workers) return nparts;
      return static_cast<std::size_t>(t.first_part[ns * k / workers]);
    };
    const std::size_t p0 = part_bound(w), p1 = part_bound(w + 1);
    if (p0 >= p1) return;
    const std::size_t v0 = t.first_vertex[p0], v1 = t.first_vertex[p1];
    {
      std::vector<LonLat> in;
      std::vector<XY> out;
      for (std::size_t b = v0; b < v1; b += 65536) {
        const std::size_t e = std::min(v1, b + 65536);
        in.assign(t.lonlat.begin() + static_cast<std::ptrdiff_t>(b), t.lonlat.begin() + static_cast<std::ptrdiff_t>(e));
        proj.to_local(in, out);
        std::copy(out.begin(), out.end(), t.xy.begin() + static_cast<std::ptrdiff_t>(b));
      }
    }
    for (std::size_t p = p0; p < p1; ++p) {
      const std::uint32_t seg = t.part_segment[p];
      double cum = 0.0;
      for (std::uint32_t k = t.first_vertex[p]; k < t.first_vertex[p + 1]; ++k) {
        if (!std::isfinite(t.xy[k].x) || !std::isfinite(t.xy[k].y))
          throw GeometryError(where(options, roads[seg], ""),
                              "vertex (" + std::to_string(t.lonlat[k].lon) + ", " + std::to_string(t.lonlat[k].lat) +
                                  ") cannot be projected to " + t.crs.name(),
                              "check the coordinates and the layer's CRS");
        if (k > t.first_vertex[p]) cum += geo::geodesic_distance(t.lonlat[k - 1], t.lonlat[k]).value();
        t.cum_length_m[k] = cum;
      }
      t.length_m[seg] += cum;
      if (w == 0 && (p & 0xFFF) == 0) progress.set(ns + static_cast<std::uint64_t>(seg) * workers);
    }
  };
  if (workers == 1) {
    chunk(0, projector);
  } else {
    std::vector<std::exception_ptr> errors(workers);
    {
      std::vector<std::jthread> threads;
      for (std::size_t w = 1; w < workers; ++w)
        threads.emplace_back([&, w] {
          try {
            const geo::Projector own(projector.crs());
            chunk(w, own);
          } catch (...) {
            errors[w] = std::current_exception();
          }
        });
      try {
        chunk(0, projector);
      } catch (...) {
        errors[0] = std::current_exception();
      }
    }
    for (const auto& e : errors)
      if (e) std::rethrow_exception(e);
  }
  progress.finish();
  return t;
}

}  // namespace ruralnet::network
