// Service areas: the roads a facility reaches first within each time band,
// buffered and unioned with GEOS in the local metric CRS (docs/coverage.md).
#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "passes.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/geo/geodesic.hpp"

namespace ruralnet::coverage::detail {

namespace {

// One reached stretch of a piece: [from_m, to_m] along it.
struct Stretch {
  std::size_t owner;
  std::uint32_t band;
  std::uint32_t piece;
  double from_m, to_m;
};

struct GeosContext {
  GEOSContextHandle_t h = GEOS_init_r();
  ~GeosContext() { GEOS_finish_r(h); }
};

struct GeomDeleter {
  GEOSContextHandle_t h;
  void operator()(GEOSGeometry* g) const {
    if (g) GEOSGeom_destroy_r(h, g);
  }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

model::Ring ring_to_lonlat(GEOSContextHandle_t h, const GEOSGeometry* ring, const geo::Projector& proj) {
  const GEOSCoordSequence* cs = GEOSGeom_getCoordSeq_r(h, ring);
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(h, cs, &n);
  model::Ring out;
  out.reserve(n);
  for (unsigned int i = 0; i < n; ++i) {
    double x = 0.0, y = 0.0;
    GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
    out.push_back(proj.to_geographic({x, y}));
  }
  return out;
}

void add_polygon(GEOSContextHandle_t h, const GEOSGeometry* poly, const geo::Projector& proj, ServiceArea& a) {
  if (GEOSisEmpty_r(h, poly) == 1) return;
  model::Polygon p;
  p.rings.push_back(ring_to_lonlat(h, GEOSGetExteriorRing_r(h, poly), proj));
  const int holes = GEOSGetNumInteriorRings_r(h, poly);
  for (int i = 0; i < holes; ++i) p.rings.push_back(ring_to_lonlat(h, GEOSGetInteriorRingN_r(h, poly, i), proj));
  double m2 = geo::geodesic_ring_area_m2(p.rings[0]);
  for (std::size_t r = 1; r < p.rings.size(); ++r) m2 -= geo::geodesic_ring_area_m2(p.rings[r]);
  a.area_km2 += m2 / 1e6;
  a.geometry.push_back(std::move(p));
}

}  // namespace

std::vector<ServiceArea> service_areas(const network::EdgeSnapper& s, const network::RoadGraph& g, const Pass& pass,
                                       const std::vector<FacilityResult>& facilities, const CoverageOptions& o,
                                       model::Tier tier) {
  const auto& L = pass.labels;
  std::vector<double> band_s;
  for (const double b : o.bands_min) band_s.push_back(b * 60.0);
  std::vector<Stretch> st;
  const auto add = [&](std::size_t owner, std::uint32_t piece, double start_cost, double t_piece, bool forward) {
    const network::EdgePiece& pc = s.piece(piece);
    for (std::uint32_t b = 0; b < band_s.size(); ++b) {
      if (!(start_cost <= band_s[b])) continue;
      const double frac = t_piece > 0.0 ? std::min(1.0, (band_s[b] - start_cost) / t_piece) : 1.0;
      if (forward) st.push_back({owner, b, piece, 0.0, frac * pc.length_m});
      else st.push_back({owner, b, piece, (1.0 - frac) * pc.length_m, pc.length_m});
    }
  };
  // Stretches entered from a reached end node, in the direction the road allows.
  for (std::uint32_t i = 0; i < s.piece_count(); ++i) {
    const network::EdgePiece& pc = s.piece(i);
    if (pc.forward_arc.valid() && L.reached(pc.from))
      add(pass.owner[L.source[pc.from.value()]], i, L.cost[pc.from.value()], g.time_s(pc.forward_arc), true);
    if (pc.backward_arc.valid() && L.reached(pc.to))
      add(pass.owner[L.source[pc.to.value()]], i, L.cost[pc.to.value()], g.time_s(pc.backward_arc), false);
  }
  // And the facility's own piece, from its attachment point both ways.
  for (const auto& [piece, slot] : pass.on_piece) {
    const Attachment& at = facilities[slot].at;
    const network::EdgePiece& pc = s.piece(piece);
    const double access = network::access_seconds(at.snap_m, o.access_kmh);
    for (std::uint32_t b = 0; b < band_s.size(); ++b) {
      const double left = band_s[b] - access;
      if (!(left >= 0.0)) continue;
      if (pc.forward_arc.valid()) {
        const double t = g.time_s(pc.forward_arc);
        const double reach = t > 0.0 ? left / t * pc.length_m : pc.length_m;
        st.push_back({slot, b, piece, at.along_m, std::min(pc.length_m, at.along_m + reach)});
      }
      if (pc.backward_arc.valid()) {
        const double t = g.time_s(pc.backward_arc);
        const double reach = t > 0.0 ? left / t * pc.length_m : pc.length_m;
        st.push_back({slot, b, piece, std::max(0.0, at.along_m - reach), at.along_m});
      }
    }
  }
  std::sort(st.begin(), st.end(), [](const Stretch& a, const Stretch& b) {
    if (a.owner != b.owner) return a.owner < b.owner;
    if (a.band != b.band) return a.band < b.band;
    if (a.piece != b.piece) return a.piece < b.piece;
    return a.from_m < b.from_m;
  });
  // Merge overlapping stretches of one piece (a facility's own piece is
  // reached both from its attachment point and from the end nodes).
  {
    std::size_t w = 0;
    for (std::size_t i = 0; i < st.size(); ++i) {
      if (w > 0 && st[w - 1].owner == st[i].owner && st[w - 1].band == st[i].band && st[w - 1].piece == st[i].piece &&
          st[i].from_m <= st[w - 1].to_m) {
        st[w - 1].to_m = std::max(st[w - 1].to_m, st[i].to_m);
      } else {
        st[w++] = st[i];
      }
    }
    st.resize(w);
  }

  GeosContext ctx;
  const GEOSContextHandle_t h = ctx.h;
  std::vector<ServiceArea> out;
  for (std::size_t i = 0; i < st.size();) {
    std::size_t j = i;
    ServiceArea area;
    area.facility = facilities[st[i].owner].facility;
    area.tier = tier;
    area.band_min = o.bands_min[st[i].band];
    std::vector<GEOSGeometry*> lines;
    for (; j < st.size() && st[j].owner == st[i].owner && st[j].band == st[i].band; ++j) {
      const Stretch& x = st[j];
      area.road_km += (x.to_m - x.from_m) / 1000.0;
      std::vector<XY> pts = s.piece_line_xy(x.piece, x.from_m, x.to_m);
      if (pts.size() == 1) pts.push_back(pts.front());
      GEOSCoordSequence* cs = GEOSCoordSeq_create_r(h, static_cast<unsigned int>(pts.size()), 2);
      for (std::size_t k = 0; k < pts.size(); ++k)
        GEOSCoordSeq_setXY_r(h, cs, static_cast<unsigned int>(k), pts[k].x, pts[k].y);
      if (GEOSGeometry* l = GEOSGeom_createLineString_r(h, cs)) lines.push_back(l);
    }
    GeomPtr multi(GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, lines.data(),
                                              static_cast<unsigned int>(lines.size())),
                  GeomDeleter{h});
    if (!multi) throw RunError("service areas: GEOS could not assemble the reached roads");
    // Simplifying first (by a quarter of the width) removes vertices the
    // buffer would smooth away anyway, which is most of the buffer's cost.
    GeomPtr simple(GEOSSimplify_r(h, multi.get(), o.area_width_m / 4.0), GeomDeleter{h});
    GeomPtr buf(GEOSBufferWithStyle_r(h, simple ? simple.get() : multi.get(), o.area_width_m, 2, GEOSBUF_CAP_ROUND,
                                      GEOSBUF_JOIN_ROUND, 5.0),
                GeomDeleter{h});
    if (!buf) throw RunError("service areas: GEOS could not buffer the reached roads");
    const int type = GEOSGeomTypeId_r(h, buf.get());
    if (type == GEOS_POLYGON) add_polygon(h, buf.get(), s.projector(), area);
    else {
      const int n = GEOSGetNumGeometries_r(h, buf.get());
      for (int k = 0; k < n; ++k) add_polygon(h, GEOSGetGeometryN_r(h, buf.get(), k), s.projector(), area);
    }
    if (!area.geometry.empty()) out.push_back(std::move(area));
    i = j;
  }
  return out;
}

}  // namespace ruralnet::coverage::detail
