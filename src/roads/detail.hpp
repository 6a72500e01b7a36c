// Internal pieces of the roads audit shared between its source files.
#pragma once

#include <geos_c.h>

#include <optional>
#include <string>
#include <vector>

#include "ruralnet/geo/crs.hpp"
#include "ruralnet/model/dataset.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/roads/audit.hpp"

namespace ruralnet::roads::detail {

// A reentrant GEOS handle that keeps the last error message.
struct Geos {
  GEOSContextHandle_t h = nullptr;
  std::string last_error;
  Geos();
  ~Geos();
  Geos(const Geos&) = delete;
  Geos& operator=(const Geos&) = delete;
};

// Owns a GEOS geometry.
struct GeomPtr {
  const Geos* g = nullptr;
  GEOSGeometry* p = nullptr;
  GeomPtr() = default;
  GeomPtr(const Geos& ctx, GEOSGeometry* geom) : g(&ctx), p(geom) {}
  GeomPtr(GeomPtr&& o) noexcept : g(o.g), p(o.p) { o.p = nullptr; }
  GeomPtr& operator=(GeomPtr&& o) noexcept {
    std::swap(g, o.g);
    std::swap(p, o.p);
    return *this;
  }
  GeomPtr(const GeomPtr&) = delete;
  GeomPtr& operator=(const GeomPtr&) = delete;
  ~GeomPtr() {
    if (p) GEOSGeom_destroy_r(g->h, p);
  }
};

// A multipolygon in the local metric CRS; null when it has no usable ring.
GeomPtr polygon_xy(const Geos& g, const model::MultiPolygon& mp, const geo::Projector& proj);

// The with/without comparison (access.cpp). `removed` marks, per table
// segment, the completed programme segments; table_to_road maps table
// segments back to Dataset::roads.
AccessResult compare_access(const model::Dataset& ds, const network::SegmentTable& table,
                            const std::vector<std::uint32_t>& table_to_road, const std::vector<bool>& removed,
                            const network::BuildResult& with, const geo::Projector& proj, const AuditOptions& o,
                            std::vector<SegmentAudit>& segments);

}  // namespace ruralnet::roads::detail
