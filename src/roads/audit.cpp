// The roads audit (docs/roads.md): measurement, declared lengths and stakes,
// dates, geometry, overlaps, gaps, isolated chains, county booking, totals.
#include "ruralnet/roads/audit.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <sstream>

#include "detail.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/geo/crs.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/model/codes.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/roads/stake.hpp"

namespace ruralnet::roads {

using model::Severity;

const char* to_string(StatusAt s) {
  switch (s) {
    case StatusAt::planned: return "planned";
    case StatusAt::building: return "building";
    case StatusAt::completed: return "completed";
    case StatusAt::unknown: break;
  }
  return "unknown";
}

void Km::add(const SegmentAudit& s) {
  ++segments;
  if (s.declared_m) declared_km += *s.declared_m / 1000.0;
  else ++undeclared;
  measured_km += s.measured_m / 1000.0;
  unique_km += s.unique_m / 1000.0;
}

void StatusKm::add(const SegmentAudit& s) {
  switch (s.status_at) {
    case StatusAt::planned: planned.add(s); break;
    case StatusAt::building: building.add(s); break;
    case StatusAt::completed: completed.add(s); break;
    case StatusAt::unknown: unknown.add(s); break;
  }
  total.add(s);
}

std::size_t AuditResult::count(Severity s) const {
  std::size_t n = 0;
  for (const auto& f : findings) n += f.severity == s ? 1 : 0;
  return n;
}

namespace detail {

Geos::Geos() {
  h = GEOS_init_r();
  GEOSContext_setErrorMessageHandler_r(
      h, [](const char* msg, void* self) { static_cast<Geos*>(self)->last_error = msg; }, this);
}
Geos::~Geos() { GEOS_finish_r(h); }

GeomPtr polygon_xy(const Geos& g, const model::MultiPolygon& mp, const geo::Projector& proj) {
  std::vector<GEOSGeometry*> polys;
  for (const auto& poly : mp) {
    std::vector<GEOSGeometry*> rings;
    for (const auto& ring : poly.rings) {
      if (ring.size() < 3) continue;
      const bool closed = ring.front() == ring.back();
      const std::size_t n = ring.size() + (closed ? 0 : 1);
      if (n < 4) continue;
      GEOSCoordSequence* seq = GEOSCoordSeq_create_r(g.h, static_cast<unsigned>(n), 2);
      bool ok = seq != nullptr;
      for (std::size_t i = 0; ok && i < n; ++i) {
        const XY p = proj.to_local(ring[i % ring.size()]);
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) ok = false;
        else GEOSCoordSeq_setXY_r(g.h, seq, static_cast<unsigned>(i), p.x, p.y);
      }
      if (!ok) {
        if (seq) GEOSCoordSeq_destroy_r(g.h, seq);
        continue;
      }
      if (GEOSGeometry* lr = GEOSGeom_createLinearRing_r(g.h, seq)) rings.push_back(lr);
    }
    if (rings.empty()) continue;
    if (GEOSGeometry* p = GEOSGeom_createPolygon_r(g.h, rings[0], rings.data() + 1,
                                                   static_cast<unsigned>(rings.size() - 1)))
      polys.push_back(p);
  }
  if (polys.empty()) return {};
  GEOSGeometry* m = GEOSGeom_createCollection_r(g.h, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size()));
  if (!m) return {};
  GeomPtr out(g, m);
  // A self-touching boundary would make the intersection throw; repair it.
  if (GEOSisValid_r(g.h, m) != 1) {
    if (GEOSGeometry* fixed = GEOSMakeValid_r(g.h, m)) return GeomPtr(g, fixed);
    return {};
  }
  return out;
}

}  // namespace detail

namespace {

bool usable_point(LonLat p) {
  return std::isfinite(p.lon) && std::isfinite(p.lat) && std::abs(p.lon) <= 180.0 && std::abs(p.lat) <= 90.0;
}

std::string km_text(double m) { return fixed(m / 1000.0, 3) + " km"; }
std::string m_text(double m) { return fixed(m, 1) + " m"; }

// The point halfway along the segment's parts (by geodesic length).
std::optional<LonLat> halfway(const model::MultiLineString& parts, double total_m) {
  double left = total_m / 2.0;
  for (const auto& part : parts)
    for (std::size_t i = 1; i < part.size(); ++i) {
      const double d = geo::geodesic_distance(part[i - 1], part[i]).value();
      if (d >= left && d > 0) {
        const double t = left / d;
        return LonLat{part[i - 1].lon + t * (part[i].lon - part[i - 1].lon),
                      part[i - 1].lat + t * (part[i].lat - part[i - 1].lat)};
      }
      left -= d;
    }
  for (const auto& part : parts)
    if (!part.empty()) return part.front();
  return std::nullopt;
}

std::size_t distinct_vertices(const model::LineString& part) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < part.size(); ++i)
    if (i == 0 || !(part[i] == part[i - 1])) ++n;
  return n;
}

Extent roads_extent(const model::Dataset& ds) {
  Extent e;
  for (const auto& r : ds.roads)
    for (const auto& part : r.geometry)
      for (const auto& p : part)
        if (usable_point(p)) e.add(p);
  if (e.empty())
    for (const auto& v : ds.villages)
      if (usable_point(v.location)) e.add(v.location);
  return e;
}

}  // namespace

AuditResult audit(const model::Dataset& ds, const AuditOptions& o) {
  auto nonneg = [](double v) { return std::isfinite(v) && v >= 0.0; };
  if (!(std::isfinite(o.target_km) && o.target_km > 0)) throw UsageError("the target must be a positive number of km");
  if (!nonneg(o.length_tolerance_share) || !nonneg(o.length_tolerance_m))
    throw UsageError("the length tolerance must be a non-negative share and number of metres");
  if (!nonneg(o.gap_tolerance_m) || !nonneg(o.overlap_tolerance_m) || !nonneg(o.min_overlap_m) ||
      !nonneg(o.village_snap_m))
    throw UsageError("gap, overlap and village snap distances must be non-negative numbers of metres");
  if (!(o.snap_tolerance_m >= 0 && o.snap_tolerance_m <= 1000))
    throw UsageError("the snap tolerance must be between 0 and 1000 m");
  if (!(o.outside_share >= 0 && o.outside_share <= 1)) throw UsageError("the outside share must be between 0 and 1");

  AuditResult r;
  r.as_of = o.as_of;
  r.target_km = o.target_km;
  r.options = o;
  const auto& roads = ds.roads;
  r.segments.resize(roads.size());

  auto add = [&](std::size_t i, Severity sev, const std::string& kind, const std::string& field,
                 std::optional<LonLat> where, double value, const std::string& other, const std::string& message) {
    SegmentAudit& s = r.segments[i];
    RoadFinding f;
    f.severity = sev;
    f.kind = kind;
    f.segment_id = s.id;
    f.segment = i;
    f.county_code = s.county_code;
    f.field = field;
    f.location = where ? where : s.midpoint;
    f.other_id = other;
    f.value = value;
    f.message = message;
    r.findings.push_back(std::move(f));
    if (std::find(s.flags.begin(), s.flags.end(), kind) == s.flags.end()) s.flags.push_back(kind);
  };

  // 1. Each segment on its own: measurement, geometry, declared length, stakes, dates.
  std::vector<bool> usable(roads.size(), false);
  {
    Progress progress(o.progress, "measuring segments", roads.size());
    for (std::size_t i = 0; i < roads.size(); ++i) {
      progress.advance();
      const auto& rd = roads[i];
      SegmentAudit& s = r.segments[i];
      s.index = i;
      s.id = rd.id.empty() ? "fid " + std::to_string(rd.ref.fid) : rd.id;
      s.county_code = rd.county_code;
      s.program = rd.program;
      s.road_class = rd.road_class;
      s.status = rd.status;
      s.completed_on = rd.completed_on;
      if (rd.declared_km) s.declared_m = *rd.declared_km * 1000.0;

      bool finite = true;
      for (const auto& part : rd.geometry)
        for (const auto& p : part) finite = finite && usable_point(p);
      if (rd.geometry.empty()) {
        add(i, Severity::error, "empty_geometry", "", std::nullopt, 0, "",
            "the segment has no geometry, so it cannot be measured or mapped");
      } else if (!finite) {
        add(i, Severity::error, "invalid_geometry", "", std::nullopt, 0, "",
            "the geometry has non-finite or out-of-range coordinates; the segment is left out of the measurement");
      } else {
        usable[i] = true;
        for (const auto& part : rd.geometry) s.measured_m += geo::geodesic_length(part).value();
        s.midpoint = halfway(rd.geometry, s.measured_m);
        for (std::size_t k = 0; k < rd.geometry.size() && s.measured_m > 0.0; ++k)
          if (distinct_vertices(rd.geometry[k]) < 2)
            add(i, Severity::warning, "empty_part", "", rd.geometry[k].empty() ? std::nullopt : std::optional(rd.geometry[k][0]),
                0, "", "part " + std::to_string(k + 1) + " of the geometry has fewer than two distinct vertices");
        if (s.measured_m <= 0.0)
          add(i, Severity::error, "zero_length", "", std::nullopt, 0, "", "the segment has zero length");
      }

      const double tol = std::max(o.length_tolerance_share * s.measured_m, o.length_tolerance_m);
      if (s.declared_m && usable[i]) {
        s.declared_diff_m = *s.declared_m - s.measured_m;
        if (std::abs(*s.declared_diff_m) > tol)
          add(i, Severity::warning, "length_mismatch", "declared_km", std::nullopt, *s.declared_diff_m, "",
              "declared " + km_text(*s.declared_m) + " but measures " + km_text(s.measured_m) + " on the ellipsoid (" +
                  (*s.declared_diff_m > 0 ? "+" : "") + m_text(*s.declared_diff_m) + ", tolerance " + m_text(tol) + ")");
      }
      auto stake = [&](const std::string& text, const char* field) -> std::optional<double> {
        if (trim(text).empty()) return std::nullopt;
        auto v = parse_stake_m(text);
        if (!v)
          add(i, Severity::error, "unparseable_stake", field, std::nullopt, 0, "",
              "'" + text + "' is not a stake like K12+300 (kilometres, '+', metres below 1000)");
        return v;
      };
      s.stake_start_m = stake(rd.start_stake, "start_stake");
      s.stake_end_m = stake(rd.end_stake, "end_stake");
      if (s.stake_start_m && s.stake_end_m) {
        s.stake_length_m = std::abs(*s.stake_end_m - *s.stake_start_m);
        if (usable[i] && std::abs(*s.stake_length_m - s.measured_m) > tol)
          add(i, Severity::warning, "stake_length_mismatch", "end_stake", std::nullopt, *s.stake_length_m - s.measured_m,
              "",
              "the stakes " + rd.start_stake + " to " + rd.end_stake + " give " + km_text(*s.stake_length_m) +
                  " but the segment measures " + km_text(s.measured_m) + " (tolerance " + m_text(tol) + ")");
      }

      switch (rd.status) {
        case model::RoadStatus::planned: s.status_at = StatusAt::planned; break;
        case model::RoadStatus::building: s.status_at = StatusAt::building; break;
        case model::RoadStatus::unknown: s.status_at = StatusAt::unknown; break;
        case model::RoadStatus::completed:
          s.status_at = StatusAt::completed;
          if (rd.completed_on && *rd.completed_on > o.as_of) s.status_at = StatusAt::building;
          break;
      }
      if (s.is_programme()) {
        if (rd.status == model::RoadStatus::completed && !rd.completed_on)
          add(i, Severity::warning, "completed_without_date", "completed_on", std::nullopt, 0, "",
              "marked completed without a completion date; counted as completed");
        if (rd.status == model::RoadStatus::completed && rd.completed_on && *rd.completed_on > o.as_of)
          add(i, Severity::warning, "completed_after_as_of", "completed_on", std::nullopt, 0, "",
              "completed on " + rd.completed_on->iso() + ", after the as-of date " + o.as_of.iso() +
                  "; counted as building at that date");
        if (rd.status == model::RoadStatus::unknown)
          add(i, Severity::warning, "no_status", "status", std::nullopt, 0, "",
              "a programme segment without a status; its km are counted under 'unknown'");
        if (rd.county_code.empty())
          add(i, Severity::warning, "no_county", "county_code", std::nullopt, 0, "",
              "a programme segment booked to no county");
      }
    }
  }

  // 2. The flat table in the local metric CRS (usable segments only).
  const Extent ext = roads_extent(ds);
  const geo::LocalCrs crs = ext.empty() ? geo::LocalCrs{} : geo::choose_local_crs(ext);
  r.local_crs = crs.definition();
  const geo::Projector proj(crs);
  std::vector<model::RoadSegment> kept;
  std::vector<std::uint32_t> table_to_road;
  for (std::size_t i = 0; i < roads.size(); ++i)
    if (usable[i]) {
      kept.push_back(roads[i]);
      kept.back().extra.clear();
      table_to_road.push_back(static_cast<std::uint32_t>(i));
    }
  network::PrepareOptions popt;
  if (auto it = ds.layers.find("roads"); it != ds.layers.end()) popt.source = it->second.source;
  popt.progress = o.progress;
  const network::SegmentTable table = network::prepare_segments(kept, proj, popt);
  kept.clear();
  kept.shrink_to_fit();

  // 3. Overlaps and gaps.
  {
    Pieces pc;
    pc.a.reserve(table.vertex_count());
    for (std::uint32_t t = 0; t < table.segment_count(); ++t)
      for (std::uint32_t p = table.first_part[t]; p < table.first_part[t + 1]; ++p) {
        const std::uint32_t v0 = table.first_vertex[p], v1 = table.first_vertex[p + 1];
        for (std::uint32_t v = v0; v + 1 < v1; ++v)
          pc.add(table.xy[v], table.xy[v + 1], table.cum_length_m[v + 1] - table.cum_length_m[v], t, v == v0,
                 v + 2 == v1);
      }
    const Proximity prox = find_proximity(pc, o.overlap_tolerance_m, o.min_overlap_m, o.snap_tolerance_m,
                                          o.gap_tolerance_m);
    for (const auto& ov : prox.overlaps) {
      const std::size_t a = table_to_road[ov.segment_a], b = table_to_road[ov.segment_b];
      const LonLat at = proj.to_geographic(ov.at);
      if (a == b) {
        r.segments[a].self_overlap_m += ov.length_m;
        r.segments[a].double_counted_m += ov.length_m;
        add(a, Severity::error, "self_overlap", "", at, ov.length_m, "",
            "the segment runs over itself for " + m_text(ov.length_m) + ", which its length counts twice");
        continue;
      }
      SegmentAudit& later = r.segments[b];
      later.double_counted_m += ov.length_m;
      const double shorter = std::min(r.segments[a].measured_m, later.measured_m);
      const bool dup = ov.length_m >= 0.95 * shorter;
      add(b, Severity::error, dup ? "duplicate" : "overlap", "", at, ov.length_m, r.segments[a].id,
          (dup ? "duplicates segment " : "overlaps segment ") + r.segments[a].id + " along " + m_text(ov.length_m) +
              ", which the totals would count twice; counted once, under " + r.segments[a].id);
    }
    for (const auto& g : prox.gaps) {
      const std::size_t s = table_to_road[g.segment], other = table_to_road[g.other];
      add(s, Severity::warning, "gap", "", proj.to_geographic(g.end), g.distance_m, r.segments[other].id,
          "its end is " + m_text(g.distance_m) + " from segment " + r.segments[other].id +
              " but not joined to it (the graph joins ends within " + m_text(o.snap_tolerance_m) + ")");
    }
  }
  for (auto& s : r.segments) s.unique_m = std::max(0.0, s.measured_m - s.double_counted_m);

  // 4. The graph: which segments are joined to the main network.
  network::BuildOptions bo;
  bo.snap_tolerance_m = o.snap_tolerance_m;
  bo.speeds = o.speeds;
  const network::BuildResult built = network::build_graph(table, bo);
  r.graph_nodes = built.node_count();
  r.graph_edges = built.edge_count();
  r.graph_components = built.components.count();
  {
    constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
    std::vector<std::uint32_t> comp_of(table.segment_count(), none);
    const auto& g = built.graph;
    for (std::uint32_t a = 0; a < g.arc_count(); ++a) {
      const std::uint32_t c = built.components.of_node[g.head(EdgeId(a)).value()];
      std::uint32_t& slot = comp_of[g.segment(EdgeId(a))];
      slot = std::min(slot, c);
    }
    std::vector<std::size_t> segs_in(built.components.count(), 0);
    for (std::uint32_t c : comp_of)
      if (c != none) ++segs_in[c];
    for (std::uint32_t t = 0; t < table.segment_count(); ++t) {
      if (comp_of[t] == none) continue;
      SegmentAudit& s = r.segments[table_to_road[t]];
      s.in_graph = true;
      s.in_main_component = comp_of[t] == network::Components::main();
      s.component_segments = segs_in[comp_of[t]];
      if (s.is_programme() && !s.in_main_component) {
        const auto& info = built.components.list[comp_of[t]];
        add(s.index, Severity::warning, "isolated", "", std::nullopt, info.length_m, "",
            s.component_segments == 1
                ? "joined to no other road: it connects no one (" + km_text(info.length_m) + " on its own)"
                : "part of a chain of " + std::to_string(s.component_segments) + " segments (" +
                      km_text(info.length_m) + ") joined to no other road");
      }
    }
  }

  // 5. Booking: the share of each segment's length outside its county.
  if (!ds.counties.empty()) {
    detail::Geos geos;
    std::map<std::string, std::size_t> county_at;
    std::vector<detail::GeomPtr> poly(ds.counties.size());
    std::vector<const GEOSPreparedGeometry*> prep(ds.counties.size(), nullptr);
    for (std::size_t c = 0; c < ds.counties.size(); ++c) {
      county_at.emplace(ds.counties[c].code, c);
      poly[c] = detail::polygon_xy(geos, ds.counties[c].geometry, proj);
      if (poly[c].p) prep[c] = GEOSPrepare_r(geos.h, poly[c].p);
    }
    std::set<std::string> unknown_reported;
    Progress progress(o.progress, "checking county booking", table.segment_count());
    for (std::uint32_t t = 0; t < table.segment_count(); ++t) {
      progress.advance();
      SegmentAudit& s = r.segments[table_to_road[t]];
      if (s.county_code.empty()) continue;
      const auto it = county_at.find(s.county_code);
      if (it == county_at.end()) {
        add(s.index, Severity::error, "unknown_county", "county_code", std::nullopt, 0, "",
            "booked to county '" + s.county_code + "', which is not in the counties layer");
        continue;
      }
      if (!prep[it->second]) continue;
      std::vector<GEOSGeometry*> lines;
      for (std::uint32_t p = table.first_part[t]; p < table.first_part[t + 1]; ++p) {
        const std::uint32_t v0 = table.first_vertex[p], v1 = table.first_vertex[p + 1];
        GEOSCoordSequence* seq = GEOSCoordSeq_create_r(geos.h, v1 - v0, 2);
        for (std::uint32_t v = v0; v < v1; ++v) GEOSCoordSeq_setXY_r(geos.h, seq, v - v0, table.xy[v].x, table.xy[v].y);
        if (GEOSGeometry* l = GEOSGeom_createLineString_r(geos.h, seq)) lines.push_back(l);
      }
      if (lines.empty()) continue;
      detail::GeomPtr line(geos, GEOSGeom_createCollection_r(geos.h, GEOS_MULTILINESTRING, lines.data(),
                                                              static_cast<unsigned>(lines.size())));
      if (!line.p) continue;
      if (GEOSPreparedCovers_r(geos.h, prep[it->second], line.p) == 1) {
        s.outside_share = 0.0;
        continue;
      }
      double total = 0.0;
      GEOSLength_r(geos.h, line.p, &total);
      if (total <= 0) continue;
      auto inside_length = [&](std::size_t c) {
        double len = 0.0;
        if (!poly[c].p) return 0.0;
        detail::GeomPtr in(geos, GEOSIntersection_r(geos.h, poly[c].p, line.p));
        if (in.p) GEOSLength_r(geos.h, in.p, &len);
        return len;
      };
      s.outside_share = std::clamp(1.0 - inside_length(it->second) / total, 0.0, 1.0);
      if (*s.outside_share > o.outside_share) {
        std::string best;
        double best_len = 0.0;
        for (std::size_t c = 0; c < ds.counties.size(); ++c) {
          if (c == it->second) continue;
          const double len = inside_length(c);
          if (len > best_len) {
            best_len = len;
            best = ds.counties[c].code;
          }
        }
        add(s.index, Severity::error, "outside_county", "county_code", std::nullopt, *s.outside_share, best,
            fixed(*s.outside_share * 100.0, 1) + "% of its length lies outside county " + s.county_code +
                ", to which it is booked" + (best.empty() ? std::string() : "; most of it lies in county " + best));
      }
    }
    for (auto* p : prep)
      if (p) GEOSPreparedGeom_destroy_r(geos.h, p);
  }

  // 6. With and without the programme's completed segments.
  if (o.compare_access && table.segment_count() > 0) {
    std::vector<bool> removed(table.segment_count(), false);
    for (std::uint32_t t = 0; t < table.segment_count(); ++t) {
      const SegmentAudit& s = r.segments[table_to_road[t]];
      removed[t] = s.is_programme() && s.status_at == StatusAt::completed;
    }
    r.access = detail::compare_access(ds, table, table_to_road, removed, built, proj, o, r.segments);
  }

  // 7. Totals.
  std::map<std::string, StatusKm> county_km;
  std::map<std::string, MonthKm> months;
  for (const auto& s : r.segments) {
    r.all_roads.add(s);
    r.double_counted_km += s.double_counted_m / 1000.0;
    if (!s.is_programme()) continue;
    r.programme.add(s);
    r.by_program[model::to_string(s.program)].add(s);
    r.by_class[model::to_string(s.road_class)].add(s);
    county_km[s.county_code].add(s);
    if (s.status_at == StatusAt::completed && s.completed_on) {
      char key[16];
      std::snprintf(key, sizeof key, "%04d-%02d", s.completed_on->year(), s.completed_on->month());
      MonthKm& m = months[key];
      m.month = key;
      m.completed.add(s);
    }
  }
  for (const auto& [code, t] : o.county_targets_km) county_km[code];
  for (auto& [code, km] : county_km) {
    CountyTotals c;
    c.code = code;
    for (const auto& cty : ds.counties)
      if (cty.code == code) c.name = cty.name;
    c.km = km;
    if (auto it = o.county_targets_km.find(code); it != o.county_targets_km.end()) {
      c.target_km = it->second;
      if (it->second > 0) c.completion = km.completed.unique_km / it->second;
    }
    r.by_county.push_back(std::move(c));
  }
  double cumulative = 0.0;
  for (auto& [key, m] : months) {
    cumulative += m.completed.unique_km;
    m.cumulative_unique_km = cumulative;
    r.by_month.push_back(m);
  }
  r.completion = r.programme.completed.unique_km / o.target_km;

  std::stable_sort(r.findings.begin(), r.findings.end(),
                   [](const RoadFinding& a, const RoadFinding& b) { return a.segment < b.segment; });
  for (const auto& f : r.findings) ++r.findings_by_kind[f.kind];
  return r;
}

std::vector<model::Finding> blocking_problems(const model::Dataset& ds) {
  std::vector<model::Finding> out;
  for (const auto& f : ds.read_findings) {
    if (f.severity != Severity::error) continue;
    if (f.layer == "roads" && f.field.empty()) continue;  // geometry: the audit reports it
    out.push_back(f);
  }
  for (const auto& rd : ds.roads)
    if (rd.declared_km && *rd.declared_km < 0) {
      model::Finding f;
      f.severity = Severity::error;
      f.kind = "negative_length";
      f.layer = "roads";
      f.feature_id = rd.id.empty() ? "fid " + std::to_string(rd.ref.fid) : rd.id;
      f.field = "declared_km";
      f.message = "the declared length " + fixed(*rd.declared_km, 3) + " km is negative";
      out.push_back(std::move(f));
    }
  return out;
}

std::map<std::string, double> parse_county_targets(std::string_view text, const std::string& source) {
  std::map<std::string, double> out;
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const auto lines = split(text, '\n');
  bool header = false;
  for (std::size_t n = 0; n < lines.size(); ++n) {
    std::string line(trim(lines[n]));
    if (line.empty()) continue;
    const std::string where = "line " + std::to_string(n + 1);
    const auto cells = split(line, ',');
    if (!header) {
      if (cells.size() != 2 || trim(cells[0]) != "county_code" || trim(cells[1]) != "target_km")
        throw InputError({source, {}, where, {}}, "the header must be 'county_code,target_km', got '" + line + "'",
                         "start the file with the line county_code,target_km");
      header = true;
      continue;
    }
    if (cells.size() != 2)
      throw InputError({source, {}, where, {}}, "expected two values (county_code,target_km), got '" + line + "'");
    const std::string code(trim(cells[0]));
    const auto km = parse_number(cells[1]);
    if (!model::is_division_code(code, model::CodeLevel::county))
      throw InputError({source, {}, where, "county_code"}, "'" + code + "' is not a 6-digit county code");
    if (!km || !(*km > 0))
      throw InputError({source, {}, where, "target_km"}, "'" + std::string(trim(cells[1])) + "' is not a positive number of km");
    if (!out.emplace(code, *km).second)
      throw InputError({source, {}, where, "county_code"}, "county " + code + " is listed twice");
  }
  if (!header) throw InputError({source, {}, {}, {}}, "the file is empty", "write county_code,target_km and one line per county");
  return out;
}

}  // namespace ruralnet::roads
