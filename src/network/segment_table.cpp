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

InputLocation where(const PrepareOptions& o, const std::string& id, std::int64_t fid, const char* field) {
  InputLocation loc;
  loc.file = o.source;
  loc.layer = "roads";
  loc.feature = id.empty() ? "fid " + std::to_string(fid) : id;
  loc.field = field;
  return loc;
}

void check_size(std::size_t nv, std::size_t ns) {
  // Vertex indices carry a flag bit while noding (build.cpp).
  if (nv >= (std::size_t{1} << 31) || ns >= (std::size_t{1} << 31))
    throw RunError("too many road vertices (" + std::to_string(nv) + ") for one graph; the limit is 2^31",
                   "split the area into smaller datasets");
}

float checked_speed(double v, const PrepareOptions& o, const std::string& id, std::int64_t fid) {
  if (!std::isfinite(v) || v <= 0.0 || v > 300.0)
    throw InputError(where(o, id, fid, "speed_kmh"), "speed " + std::to_string(v) + " km/h is not in (0, 300]",
                     "correct it, or leave it empty to use the speed of the road class");
  return static_cast<float>(v);
}

void check_vertex(LonLat p, const PrepareOptions& o, const std::string& id, std::int64_t fid) {
  if (!std::isfinite(p.lon) || !std::isfinite(p.lat) || std::fabs(p.lat) > 90.0)
    throw GeometryError(where(o, id, fid, ""),
                        "vertex (" + std::to_string(p.lon) + ", " + std::to_string(p.lat) + ") is not a valid lon/lat",
                        "fix or delete the vertex in the source");
}

// Appends one part's vertices to the table, dropping repeated ones; a part
// left with fewer than two is listed as degenerate instead.
template <class It>
void add_part(SegmentTable& t, std::size_t segment, It begin, It end, const PrepareOptions& o, const std::string& id,
              std::int64_t fid) {
  const std::size_t start = t.lonlat.size();
  for (It it = begin; it != end; ++it) {
    const LonLat p = *it;
    check_vertex(p, o, id, fid);
    if (t.lonlat.size() > start && t.lonlat.back() == p) continue;  // repeated vertex: no length, no junction
    t.lonlat.push_back(p);
  }
  if (t.lonlat.size() - start < 2) {
    t.lonlat.resize(start);
    t.degenerate_parts.push_back(static_cast<std::uint32_t>(segment));
    return;
  }
  t.first_vertex.push_back(static_cast<std::uint32_t>(start));
  t.part_segment.push_back(static_cast<std::uint32_t>(segment));
}

void reserve(SegmentTable& t, std::size_t ns, std::size_t np, std::size_t nv) {
  t.id.reserve(ns);
  t.road_class.reserve(ns);
  t.speed_kmh.reserve(ns);
  t.oneway.reserve(ns);
  t.length_m.assign(ns, 0.0);
  t.first_part.reserve(ns + 1);
  t.first_vertex.reserve(np + 1);
  t.part_segment.reserve(np);
  t.lonlat.reserve(nv);
}

// Projection and geodesic lengths, the costly part, on all cores: each
// thread takes a run of whole segments (so length_m has one writer per
// segment) with its own PROJ transformation (they are not shared between
// threads). An error is the first one in input order, as when serial.
// `location(segment)` names a segment in messages.
template <class Location>
void project_and_measure(SegmentTable& t, const geo::Projector& projector, Progress& progress, Location location) {
  const std::size_t ns = t.segment_count();
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
      const std::uint32_t b = t.first_vertex[p], e = t.first_vertex[p + 1];
      for (std::uint32_t k = b; k < e; ++k)
        if (!std::isfinite(t.xy[k].x) || !std::isfinite(t.xy[k].y))
          throw GeometryError(location(seg),
                              "vertex (" + std::to_string(t.lonlat[k].lon) + ", " + std::to_string(t.lonlat[k].lat) +
                                  ") cannot be projected to " + t.crs.name(),
                              "check the coordinates and the layer's CRS");
      // Short lines by the closed formula, longer ones by geod_inverse
      // (docs/network.md, "Lengths").
      geo::cumulative_length_m(&t.lonlat[b], e - b, &t.cum_length_m[b]);
      t.length_m[seg] += t.cum_length_m[e - 1];
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
  check_size(nv, ns);
  reserve(t, ns, np, nv);

  Progress progress(options.progress, "preparing roads", 2 * ns);
  for (std::size_t i = 0; i < ns; ++i) {
    const auto& r = roads[i];
    const float speed =
        r.speed_kmh ? checked_speed(*r.speed_kmh, options, r.id, r.ref.fid) : std::numeric_limits<float>::quiet_NaN();
    t.id.push_back(r.id);
    t.road_class.push_back(r.road_class);
    t.speed_kmh.push_back(speed);
    t.oneway.push_back(r.oneway);
    t.first_part.push_back(static_cast<std::uint32_t>(t.part_segment.size()));
    for (const auto& part : r.geometry) add_part(t, i, part.begin(), part.end(), options, r.id, r.ref.fid);
    if ((i & 0xFFF) == 0) progress.set(i);
  }
  t.first_part.push_back(static_cast<std::uint32_t>(t.part_segment.size()));
  t.first_vertex.push_back(static_cast<std::uint32_t>(t.lonlat.size()));
  project_and_measure(t, projector, progress,
                      [&](std::uint32_t seg) { return where(options, roads[seg].id, roads[seg].ref.fid, ""); });
  return t;
}

SegmentTable prepare_segments(const model::RoadColumns& roads, const geo::Projector& projector,
                              const PrepareOptions& options) {
  SegmentTable t;
  t.crs = projector.crs();
  const std::size_t ns = roads.size();
  check_size(roads.vertex_count(), ns);
  reserve(t, ns, roads.part_count(), roads.vertex_count());

  Progress progress(options.progress, "preparing roads", 2 * ns);
  for (std::size_t i = 0; i < ns; ++i) {
    const std::string& id = roads.id[i];
    const double v = roads.speed_kmh[i];
    t.id.push_back(id);
    t.road_class.push_back(roads.road_class[i]);
    t.speed_kmh.push_back(std::isnan(v) ? std::numeric_limits<float>::quiet_NaN() : checked_speed(v, options, id, roads.fid[i]));
    t.oneway.push_back(roads.oneway[i]);
    t.first_part.push_back(static_cast<std::uint32_t>(t.part_segment.size()));
    for (std::uint32_t p = roads.first_part[i]; p < roads.first_part[i + 1]; ++p) {
      const auto b = roads.lonlat.begin() + static_cast<std::ptrdiff_t>(roads.first_vertex[p]);
      const auto e = roads.lonlat.begin() + static_cast<std::ptrdiff_t>(roads.first_vertex[p + 1]);
      add_part(t, i, b, e, options, id, roads.fid[i]);
    }
    if ((i & 0xFFF) == 0) progress.set(i);
  }
  t.first_part.push_back(static_cast<std::uint32_t>(t.part_segment.size()));
  t.first_vertex.push_back(static_cast<std::uint32_t>(t.lonlat.size()));
  project_and_measure(t, projector, progress,
                      [&](std::uint32_t seg) { return where(options, roads.id[seg], roads.fid[seg], ""); });
  return t;
}

}  // namespace ruralnet::network
