#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

#include "passes.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/coverage/coverage.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/model/codes.hpp"
#include "ruralnet/network/components.hpp"

namespace ruralnet::coverage {

const char* to_string(Reach r) {
  switch (r) {
    case Reach::direct: return "direct";
    case Reach::cooperative: return "cooperative";
    case Reach::township_only: return "township_only";
    case Reach::off_network: return "off_network";
    case Reach::disconnected: return "disconnected";
  }
  return "?";
}

namespace {

std::string num(double v) { return compact_number(v, 6); }

}  // namespace

void check_options(const CoverageOptions& o) {
  require_positive(o.max_snap_m, "--max-snap", "metres");
  require_positive(o.access_kmh, "--access-speed", "km/h");
  require_positive(o.station_threshold_min, "--station-threshold", "minutes");
  require_positive(o.outlet_radius_m, "--outlet-radius", "metres");
  require_positive(o.area_cell_m, "--area-cell", "metres");
  if (!std::isfinite(o.area_fill_holes_km2) || o.area_fill_holes_km2 < 0.0)
    throw UsageError("--area-fill-holes-km2 must be a number of square kilometres, 0 or more (0 keeps every hole), got " +
                     num(o.area_fill_holes_km2));
  if (o.access_kmh > 300.0) throw UsageError("--access-speed must be at most 300 km/h, got " + num(o.access_kmh));
  if (o.bands_min.empty()) throw UsageError("--bands needs at least one band in minutes, e.g. 15,30,45");
  for (std::size_t i = 0; i < o.bands_min.size(); ++i) {
    require_positive(o.bands_min[i], "--bands", "minutes");
    if (i > 0 && !(o.bands_min[i] > o.bands_min[i - 1]))
      throw UsageError("--bands must be increasing, got " + num(o.bands_min[i - 1]) + " then " + num(o.bands_min[i]));
  }
}

TimeStats time_stats(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
  TimeStats s;
  s.count = values.size();
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  double sum = 0.0;
  for (const double v : values) sum += v;
  s.mean = sum / static_cast<double>(n);
  s.median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
  const auto rank = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(n)));
  s.p95 = values[std::max<std::size_t>(rank, 1) - 1];
  s.max = values.back();
  return s;
}

namespace {

using detail::Pass;
using detail::PassArrival;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string facility_label(const model::Facility& f) {
  return f.id.empty() ? "fid " + std::to_string(f.ref.fid) : f.id;
}

// Distinct values of a short list (a facility's carriers), without a set.
std::size_t distinct_count(const std::vector<std::string>& v) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (std::find(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v[i]) == v.begin() + static_cast<std::ptrdiff_t>(i)) ++n;
  return n;
}

std::string prefix(const std::string& code, std::size_t n) { return code.size() >= n ? code.substr(0, n) : code; }

// A point to link to a parent tier.
struct Target {
  Attachment at;
  LonLat location;
  const std::vector<std::size_t>* candidates = nullptr;  // administrative parents
  std::size_t fastest = kNone;
  double fastest_s = std::numeric_limits<double>::infinity();
  std::size_t admin = kNone;
  double admin_s = std::numeric_limits<double>::infinity();
  model::LineString path;  // of the link (administrative when there are candidates)
  double path_s = std::numeric_limits<double>::infinity();
  double path_m = kNaN;    // geodesic length of path

  bool has_admin() const { return candidates && !candidates->empty(); }
  std::size_t link() const { return has_admin() ? admin : fastest; }
  double link_s() const { return has_admin() ? admin_s : fastest_s; }
};

struct Context {
  const network::EdgeSnapper& snapper;
  const network::RoadGraph& g;
  std::vector<FacilityResult>& facs;
  const model::Dataset& ds;
  const CoverageOptions& o;
  CoverageResult& r;
};

// Links every target to its fastest parent (from the labelled pass) and to
// its administrative parent. Where the two differ, one bounded search per
// administrative parent (stations and hubs are few) gives the time.
void link_tier(Context& c, const Pass& fast, std::vector<Target>& targets, double admin_bound, bool paths,
               const std::string& name) {
  // Arrivals and paths from the labelled pass are independent per target:
  // blocks of targets on all cores, each result in its target's slot.
  std::vector<PassArrival> arrivals(targets.size());
  std::vector<std::uint8_t> tree_path(targets.size(), 0);  // path from `fast` through a node
  detail::parallel_blocks(targets.size(), 2048, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      Target& t = targets[i];
      const PassArrival a = detail::arrive(c.snapper, c.g, fast, c.facs, t.at, c.o.access_kmh);
      arrivals[i] = a;
      const bool admin_is_fastest = t.has_admin() && a.owner != kNone &&
                                    std::find(t.candidates->begin(), t.candidates->end(), a.owner) != t.candidates->end();
      if (paths && (admin_is_fastest || !t.has_admin()) && a.owner != kNone) {
        const FacilityResult& p = c.facs[a.owner];
        t.path = detail::link_path(c.snapper, c.g, fast, a, c.ds.facilities[p.facility].location, p.at, t.location, t.at);
        t.path_s = a.cost;
        tree_path[i] = a.via.valid() ? 1 : 0;
      }
    }
  });
  std::map<std::size_t, std::vector<std::size_t>> pending;  // parent -> targets
  for (std::size_t i = 0; i < targets.size(); ++i) {
    Target& t = targets[i];
    const PassArrival& a = arrivals[i];
    t.fastest = a.owner;
    t.fastest_s = a.cost;
    const bool admin_is_fastest =
        t.has_admin() && a.owner != kNone && std::find(t.candidates->begin(), t.candidates->end(), a.owner) != t.candidates->end();
    if (admin_is_fastest) {
      t.admin = a.owner;
      t.admin_s = a.cost;
    } else if (t.has_admin() && t.at.on_network) {
      for (const std::size_t p : *t.candidates) pending[p].push_back(i);
    }
  }
  // The searches are independent: they run on all cores, each worker reusing
  // one set of labels, and their results are applied in parent order so the
  // outcome does not depend on the threads.
  struct Hit {
    std::size_t target;
    PassArrival a;
    model::LineString path;
  };
  struct Done {
    std::vector<Hit> hits;
    std::size_t settled = 0;
    double seconds = 0.0;
  };
  std::vector<std::pair<std::size_t, const std::vector<std::size_t>*>> jobs;
  for (const auto& [parent, list] : pending) jobs.emplace_back(parent, &list);
  std::vector<Done> done(jobs.size());
  detail::parallel_for(jobs.size(), [&](std::size_t first, std::size_t stride) {
    detail::ReusablePass rp;
    std::vector<VertexId> ends;
    for (std::size_t j = first; j < jobs.size(); j += stride) {
      const auto t0 = std::chrono::steady_clock::now();
      const std::size_t parent = jobs[j].first;
      // The search may stop once the end nodes of the targets' pieces are
      // settled: an arrival depends on nothing else.
      ends.clear();
      for (const std::size_t i : *jobs[j].second) {
        const network::EdgePiece& pc = c.snapper.piece(targets[i].at.piece);
        if (pc.forward_arc.valid()) ends.push_back(pc.from);
        if (pc.backward_arc.valid()) ends.push_back(pc.to);
      }
      detail::run_pass_into(rp, c.snapper, c.g, c.facs, {parent}, network::Metric::time_s, c.o.access_kmh, admin_bound,
                            ends);
      for (const std::size_t i : *jobs[j].second) {
        const Target& t = targets[i];
        const PassArrival a = detail::arrive(c.snapper, c.g, rp.pass, c.facs, t.at, c.o.access_kmh);
        if (a.owner == kNone) continue;
        Hit h{i, a, {}};
        if (paths) {
          const FacilityResult& p = c.facs[parent];
          h.path = detail::link_path(c.snapper, c.g, rp.pass, a, c.ds.facilities[p.facility].location, p.at, t.location, t.at);
        }
        done[j].hits.push_back(std::move(h));
      }
      done[j].settled = rp.pass.labels.settled;
      done[j].seconds = seconds_since(t0);
    }
  });
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    ++c.r.admin_searches;
    for (Hit& h : done[j].hits) {
      Target& t = targets[h.target];
      if (!(h.a.cost < t.admin_s)) continue;
      t.admin = jobs[j].first;
      t.admin_s = h.a.cost;
      if (paths) {
        t.path = std::move(h.path);
        t.path_s = h.a.cost;
        tree_path[h.target] = 0;
      }
    }
    c.r.passes.push_back({name + " administrative", 1, done[j].settled, done[j].seconds});
  }
  for (Target& t : targets)
    if (t.has_admin() && t.admin == kNone) t.admin = t.candidates->front();  // not reached within the bound
  if (paths) {
    // Paths of the labelled pass share the road from their parent: their
    // lengths come from sums kept along the pass's tree, each thread taking
    // the arrivals of its own sources (whose tree nodes no other thread
    // touches). The others are measured whole.
    detail::TreeLengths tree(c.snapper, c.g, fast, c.facs, c.ds.facilities);
    detail::parallel_for(detail::worker_count(), [&](std::size_t first, std::size_t stride) {
      for (std::size_t i = 0; i < targets.size(); ++i) {
        Target& t = targets[i];
        if (t.path.empty()) continue;
        if (tree_path[i] && t.path.size() > 2) {
          if (fast.labels.source[arrivals[i].via.value()] % stride == first)
            t.path_m = tree.length(arrivals[i], t.location, t.at);
        } else if (i % stride == first) {
          t.path_m = geo::geodesic_length(t.path).value();
        }
      }
    });
  }
}

double minutes(double s) { return std::isfinite(s) ? s / 60.0 : kNaN; }

GroupMetrics metrics(const CoverageResult& r, const model::Dataset& ds, const std::vector<std::size_t>& villages,
                     const std::vector<std::size_t>& outlets) {
  GroupMetrics m;
  std::vector<double> vs, sh;
  std::set<std::size_t> stations;
  for (const std::size_t i : villages) {
    const VillageResult& v = r.villages[i];
    const double pop = ds.villages[i].population.value_or(0.0);
    ++m.villages;
    m.population += pop;
    ++m.by_reason[static_cast<int>(v.reach)];
    if (is_reached(v.reach)) {
      ++m.reached;
      m.population_reached += pop;
    }
    vs.push_back(v.station_time_min);
    if (v.station != kNone) stations.insert(v.station);
  }
  for (const std::size_t s : stations)
    if (const FacilityResult* f = r.facility_of(s)) sh.push_back(f->link_time_min);
  m.reach_rate = m.villages ? static_cast<double>(m.reached) / static_cast<double>(m.villages) : kNaN;
  m.village_station_min = time_stats(vs);
  m.station_hub_min = time_stats(sh);
  double carriers = 0.0;
  for (const std::size_t slot : outlets) {
    const FacilityResult& f = r.facilities[slot];
    ++m.outlets;
    carriers += static_cast<double>(f.carriers);
    if (f.carriers >= 2) ++m.outlets_multi_carrier;
  }
  m.mean_carriers = m.outlets ? carriers / static_cast<double>(m.outlets) : kNaN;
  return m;
}

}  // namespace

CoverageResult analyse(const model::Dataset& ds, const network::SegmentTable& table, const network::BuildResult& built,
                       const CoverageOptions& o) {
  check_options(o);
  StageClock clock;
  CoverageResult r;
  r.options = o;
  r.options.before_service_areas = nullptr;
  r.local_crs = table.crs.definition();
  const network::RoadGraph& g = built.graph;
  const network::Components comps =
      built.components.of_node.size() == g.node_count() ? built.components : network::connected_components(g);
  const network::EdgeSnapper snapper(table, built, o.node_crossings);
  clock.mark("snap index");
  const std::string fac_source = ds.layers.count("facilities") ? ds.layers.at("facilities").source : ds.path;
  const std::string vil_source = ds.layers.count("villages") ? ds.layers.at("villages").source : ds.path;

  auto attach = [&](LonLat p) {
    Attachment a;
    const auto sp = snapper.snap(p, o.max_snap_m);
    if (!sp) return a;
    const network::EdgePiece& pc = snapper.piece(sp->piece);
    a.on_network = true;
    a.snap_m = sp->distance_m;
    a.snapped = sp->location;
    a.piece = sp->piece;
    a.along_m = sp->along_m;
    a.component = comps.of_node[pc.from.value()];
    a.component_nodes = comps.list[a.component].node_count;
    return a;
  };
  auto finite = [](LonLat p) { return std::isfinite(p.lon) && std::isfinite(p.lat); };
  // Snapping is independent per point: blocks of points on all cores, each
  // result in the point's slot, so the outcome is the serial one.
  const auto attach_all = [&](std::size_t n, const auto& location_of) {
    std::vector<Attachment> out(n);
    detail::parallel_blocks(n, 1024, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) out[i] = attach(location_of(i));
    });
    return out;
  };

  // Facilities: those whose tier could not be read are left out (the read
  // already reported them) rather than silently counted as outlets.
  std::set<std::string> bad_tier;
  for (const auto& f : ds.read_findings)
    if (f.layer == "facilities" && f.field == "tier") bad_tier.insert(f.feature_id);
  r.facility_slot.assign(ds.facilities.size(), kNone);
  std::vector<std::size_t> hubs, stations, outlets;
  std::map<std::string, std::vector<std::size_t>> station_of_township, hub_of_county, outlets_of_village;
  {
    const std::vector<Attachment> fac_at =
        attach_all(ds.facilities.size(), [&](std::size_t i) { return ds.facilities[i].location; });
    Progress prog(o.progress, "attaching facilities", ds.facilities.size());
    for (std::size_t i = 0; i < ds.facilities.size(); ++i, prog.advance()) {
      const model::Facility& f = ds.facilities[i];
      if (!bad_tier.empty() && bad_tier.count(facility_label(f))) {
        r.ignored_unknown_tier.push_back(i);
        continue;
      }
      FacilityResult fr;
      fr.facility = i;
      fr.tier = f.tier;
      fr.carriers = distinct_count(f.carriers);
      fr.at = fac_at[i];
      const std::size_t slot = r.facilities.size();
      r.facility_slot[i] = slot;
      if (!fr.at.on_network)
        r.off_network.push_back({"facilities", i, facility_label(f), finite(f.location) ? "beyond_max_snap" : "no_coordinates"});
      switch (f.tier) {
        case model::Tier::county_hub:
          hubs.push_back(slot);
          hub_of_county[prefix(f.admin_code, 6)].push_back(slot);
          break;
        case model::Tier::township_station:
          stations.push_back(slot);
          station_of_township[prefix(f.admin_code, 9)].push_back(slot);
          break;
        case model::Tier::village_outlet:
          outlets.push_back(slot);
          outlets_of_village[f.admin_code].push_back(slot);
          break;
      }
      r.facilities.push_back(fr);
    }
  }
  clock.mark("attach facilities");
  r.hubs = hubs.size();
  r.stations = stations.size();
  r.outlets = outlets.size();
  const InputLocation fac_loc{fac_source, "facilities", "", "tier"};
  const auto on_net = [&](const std::vector<std::size_t>& slots) {
    return std::any_of(slots.begin(), slots.end(), [&](std::size_t s) { return r.facilities[s].at.on_network; });
  };
  if (stations.empty())
    throw InputError(fac_loc, "there is no township station (tier township_station)",
                     "add the township delivery stations to the facilities layer");
  if (hubs.empty())
    throw InputError(fac_loc, "there is no county hub (tier county_hub)", "add the county hubs to the facilities layer");
  if (!on_net(stations))
    throw InputError(fac_loc, "no township station is within " + num(o.max_snap_m) + " m of a road",
                     "check the facilities' coordinates and CRS, or raise --max-snap");
  if (!on_net(hubs))
    throw InputError(fac_loc, "no county hub is within " + num(o.max_snap_m) + " m of a road",
                     "check the facilities' coordinates and CRS, or raise --max-snap");

  // Villages.
  const InputLocation vil_loc{vil_source, "villages", "", ""};
  if (ds.villages.empty()) throw InputError(vil_loc, "there are no villages", "the villages layer is required");
  r.villages.resize(ds.villages.size());
  {
    std::vector<Attachment> vil_at = attach_all(ds.villages.size(), [&](std::size_t i) { return ds.villages[i].location; });
    Progress prog(o.progress, "attaching villages", ds.villages.size());
    for (std::size_t i = 0; i < ds.villages.size(); ++i, prog.advance()) {
      r.villages[i].village = i;
      r.villages[i].at = vil_at[i];
      if (!r.villages[i].at.on_network)
        r.off_network.push_back({"villages", i, ds.villages[i].code,
                                 finite(ds.villages[i].location) ? "beyond_max_snap" : "no_coordinates"});
    }
  }
  if (std::none_of(r.villages.begin(), r.villages.end(), [](const VillageResult& v) { return v.at.on_network; }))
    throw InputError(vil_loc, "every village is farther than " + num(o.max_snap_m) + " m from a road",
                     "check that villages and roads are in the same CRS and area, or raise --max-snap");

  clock.mark("attach villages");
  // One labelled pass per tier: every node learns its fastest station and hub.
  Context c{snapper, g, r.facilities, ds, o, r};
  auto timed_pass = [&](const std::string& name, const std::vector<std::size_t>& slots, network::Metric m, double bound) {
    const auto t0 = std::chrono::steady_clock::now();
    Pass p = detail::run_pass(snapper, g, r.facilities, slots, m, o.access_kmh, bound);
    r.passes.push_back({name, p.owner.size(), p.labels.settled, seconds_since(t0)});
    return p;
  };
  const double inf = std::numeric_limits<double>::infinity();
  // The two tiers' passes are independent: one core each.
  Pass station_pass, hub_pass;
  {
    PassStats ps[2];
    detail::parallel_for(2, [&](std::size_t first, std::size_t stride) {
      for (std::size_t k = first; k < 2; k += stride) {
        const auto t0 = std::chrono::steady_clock::now();
        Pass& p = k == 0 ? station_pass : hub_pass;
        p = detail::run_pass(snapper, g, r.facilities, k == 0 ? stations : hubs, network::Metric::time_s, o.access_kmh, inf);
        ps[k] = {k == 0 ? "stations" : "hubs", p.owner.size(), p.labels.settled, seconds_since(t0)};
      }
    });
    r.passes.push_back(ps[0]);
    r.passes.push_back(ps[1]);
  }
  clock.mark("tier passes");
  // Service areas need only the two tiers' passes: they are drawn beside the
  // links, the outlet pass and the metrics (which leave a core idle at
  // times), stations and hubs each on all cores, and collected at the end.
  std::vector<ServiceArea> sa_areas[2];
  double sa_secs[2] = {0.0, 0.0};
  std::exception_ptr sa_error;
  std::jthread sa_thread;
  if (o.service_areas)
    sa_thread = std::jthread([&] {
      try {
        detail::parallel_for(2, [&](std::size_t first, std::size_t stride) {
          for (std::size_t k = first; k < 2; k += stride) {
            const auto t0 = std::chrono::steady_clock::now();
            const bool hub_tier = k == 1;
            sa_areas[k] = detail::service_areas(snapper, g, hub_tier ? hub_pass : station_pass, r.facilities, o,
                                                hub_tier ? model::Tier::county_hub : model::Tier::township_station);
            sa_secs[k] = seconds_since(t0);
          }
        });
      } catch (...) {
        sa_error = std::current_exception();
      }
    });
  static const std::vector<std::size_t> kNoParents;
  const auto parents = [](const std::map<std::string, std::vector<std::size_t>>& m, const std::string& code) {
    const auto it = m.find(code);
    return it == m.end() ? &kNoParents : &it->second;
  };

  // Stations -> hubs.
  // The children of one tier as search targets, each with the parents that
  // serve its division (the code's first `digits` digits).
  const auto targets = [&](const std::vector<std::size_t>& slots,
                           const std::map<std::string, std::vector<std::size_t>>& parent_of, std::size_t digits) {
    std::vector<Target> ts(slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i) {
      const FacilityResult& f = r.facilities[slots[i]];
      ts[i].at = f.at;
      ts[i].location = ds.facilities[f.facility].location;
      ts[i].candidates = parents(parent_of, prefix(ds.facilities[f.facility].admin_code, digits));
    }
    return ts;
  };
  std::vector<Target> st = targets(stations, hub_of_county, 6);
  link_tier(c, hub_pass, st, inf, true, "hubs");
  // Outlets -> stations; the administrative search stops at twice the
  // threshold: a link slower than that is reported without a time.
  const double admin_bound = 2.0 * o.station_threshold_min * 60.0;
  std::vector<Target> ot = targets(outlets, station_of_township, 9);
  link_tier(c, station_pass, ot, admin_bound, true, "stations");
  const auto store = [&](const std::vector<std::size_t>& slots, std::vector<Target>& ts, model::Tier tier) {
    for (std::size_t i = 0; i < slots.size(); ++i) {
      FacilityResult& f = r.facilities[slots[i]];
      Target& t = ts[i];
      f.fastest_parent = t.fastest == kNone ? kNone : r.facilities[t.fastest].facility;
      f.fastest_time_min = minutes(t.fastest_s);
      if (t.has_admin()) {
        f.admin_parent = r.facilities[t.admin].facility;
        f.admin_time_min = minutes(t.admin_s);
      }
      const std::size_t link = t.link();
      f.link_parent = link == kNone ? kNone : r.facilities[link].facility;
      f.link_time_min = minutes(t.link_s());
      f.linked = tier == model::Tier::village_outlet ? f.link_time_min <= o.station_threshold_min
                                                     : std::isfinite(f.link_time_min);
      if (f.link_parent != kNone && std::isfinite(f.link_time_min) && !t.path.empty())
        r.links.push_back({f.link_parent, f.facility, tier, t.has_admin() ? "administrative" : "fastest",
                           f.link_time_min, t.path_m, std::move(t.path)});
    }
  };
  store(stations, st, model::Tier::township_station);
  store(outlets, ot, model::Tier::village_outlet);

  // Villages -> stations (the village point itself, for travel times).
  std::vector<Target> vt(ds.villages.size());
  for (std::size_t i = 0; i < ds.villages.size(); ++i) {
    const model::Village& v = ds.villages[i];
    vt[i].at = r.villages[i].at;
    vt[i].location = v.location;
    vt[i].candidates = parents(station_of_township, v.township_code.empty() ? prefix(v.code, 9) : v.township_code);
  }
  link_tier(c, station_pass, vt, admin_bound, false, "villages");
  clock.mark("tier links");

  // Cooperative reach: one pass by network distance from every linked outlet.
  std::vector<std::size_t> linked;
  for (const std::size_t s : outlets)
    if (r.facilities[s].linked && r.facilities[s].at.on_network) linked.push_back(s);
  const Pass coop = timed_pass("outlets", linked, network::Metric::length_m, o.outlet_radius_m);
  clock.mark("outlet pass");

  for (std::size_t i = 0; i < ds.villages.size(); ++i) {
    VillageResult& v = r.villages[i];
    const Target& t = vt[i];
    v.fastest_station = t.fastest == kNone ? kNone : r.facilities[t.fastest].facility;
    v.fastest_station_time_min = minutes(t.fastest_s);
    const std::size_t link = t.link();
    v.station = link == kNone ? kNone : r.facilities[link].facility;
    v.station_time_min = minutes(t.link_s());
    v.neighbour_faster = t.has_admin() && t.fastest != kNone && t.fastest != t.admin && t.fastest_s < t.admin_s;
    if (link != kNone) {
      v.hub = r.facilities[link].link_parent;
      v.hub_time_min = r.facilities[link].link_time_min;
    }
    // The village's own outlet: the linked one with the quickest link.
    const auto own = outlets_of_village.find(ds.villages[i].code);
    if (own != outlets_of_village.end()) {
      std::size_t best = own->second.front();
      for (const std::size_t s : own->second) {
        const FacilityResult& f = r.facilities[s];
        const FacilityResult& b = r.facilities[best];
        if ((f.linked && !b.linked) || (f.linked == b.linked && f.link_time_min < b.link_time_min)) best = s;
      }
      v.own_outlet = r.facilities[best].facility;
      if (r.facilities[best].linked) {
        v.reach = Reach::direct;
        v.serving_outlet = v.own_outlet;
        v.outlet_distance_m = 0.0;
        continue;
      }
    }
    if (!v.at.on_network) {
      v.reach = Reach::off_network;
      continue;
    }
    const PassArrival a = detail::arrive(snapper, g, coop, r.facilities, v.at, o.access_kmh);
    if (a.owner != kNone && a.cost <= o.outlet_radius_m) {
      v.reach = Reach::cooperative;
      v.serving_outlet = r.facilities[a.owner].facility;
      v.outlet_distance_m = a.cost;
    } else if (!std::isfinite(t.fastest_s)) {
      v.reach = Reach::disconnected;
    } else {
      v.reach = Reach::township_only;
    }
  }

  clock.mark("reach");
  // Metrics by township, county and city.
  {
    std::map<std::string, std::string> tname, cname;
    for (const auto& t : ds.townships) tname[t.code] = t.name;
    for (const auto& cc : ds.counties) cname[cc.code] = cc.name;
    std::map<std::string, const model::Village*> village_by_code;
    for (const auto& v : ds.villages) village_by_code.emplace(v.code, &v);
    std::vector<std::string> tcodes, ccodes;
    for (const auto& t : ds.townships) tcodes.push_back(t.code);
    for (const auto& cc : ds.counties) ccodes.push_back(cc.code);
    std::map<std::string, std::vector<std::size_t>> vt_of, vc_of, ot_of, oc_of;
    std::vector<std::size_t> all_v(ds.villages.size()), all_o;
    for (std::size_t i = 0; i < ds.villages.size(); ++i) {
      const model::Village& v = ds.villages[i];
      const std::string tc = v.township_code.empty() ? prefix(v.code, 9) : v.township_code;
      vt_of[tc].push_back(i);
      vc_of[prefix(tc, 6)].push_back(i);
      all_v[i] = i;
    }
    for (const std::size_t s : outlets) {
      const std::string& code = ds.facilities[r.facilities[s].facility].admin_code;
      ot_of[prefix(code, 9)].push_back(s);
      oc_of[prefix(code, 6)].push_back(s);
      all_o.push_back(s);
    }
    {
      std::set<std::string> known(tcodes.begin(), tcodes.end());
      for (const auto& [code, list] : vt_of)
        if (known.insert(code).second) tcodes.push_back(code);
      known.clear();
      known.insert(ccodes.begin(), ccodes.end());
      for (const auto& [code, list] : vc_of)
        if (known.insert(code).second) ccodes.push_back(code);
    }
    const auto area = [&](const std::string& level, const std::string& code, const std::string& name,
                          const std::vector<std::size_t>& vs, const std::vector<std::size_t>& os) {
      AreaMetrics a;
      a.level = level;
      a.code = code;
      a.name = name;
      a.all = metrics(r, ds, vs, os);
      for (int which = 0; which < 2; ++which) {
        const auto flag = [&](const model::Village& v) { return which == 0 ? v.poor : v.flood_zone; };
        std::vector<std::size_t> sv, so;
        for (const std::size_t i : vs)
          if (flag(ds.villages[i])) sv.push_back(i);
        for (const std::size_t s : os) {
          const auto it = village_by_code.find(ds.facilities[r.facilities[s].facility].admin_code);
          if (it != village_by_code.end() && flag(*it->second)) so.push_back(s);
        }
        (which == 0 ? a.poor : a.flood_zone) = metrics(r, ds, sv, so);
      }
      return a;
    };
    static const std::vector<std::size_t> kEmpty;
    const auto get = [](const std::map<std::string, std::vector<std::size_t>>& m, const std::string& k) -> const std::vector<std::size_t>& {
      const auto it = m.find(k);
      return it == m.end() ? kEmpty : it->second;
    };
    for (const auto& code : tcodes) r.townships.push_back(area("township", code, tname[code], get(vt_of, code), get(ot_of, code)));
    for (const auto& code : ccodes) r.counties.push_back(area("county", code, cname[code], get(vc_of, code), get(oc_of, code)));
    std::string city = ccodes.empty() ? "" : prefix(ccodes.front(), 4) + "00";
    for (const auto& code : ccodes)
      if (prefix(code, 4) + "00" != city) city.clear();
    r.city = area("city", city, "", all_v, all_o);
  }

  clock.mark("metrics");
  if (o.before_service_areas) {
    o.before_service_areas(r);
    clock.mark("early output");
  }
  if (o.service_areas) {
    sa_thread = {};  // joined
    if (sa_error) std::rethrow_exception(sa_error);
    for (std::size_t k = 0; k < 2; ++k) {
      r.passes.push_back({k == 1 ? "service areas of hubs" : "service areas of stations", 0, 0, sa_secs[k]});
      r.service_areas.insert(r.service_areas.end(), std::make_move_iterator(sa_areas[k].begin()),
                             std::make_move_iterator(sa_areas[k].end()));
    }
    clock.mark("service areas");
  }
  r.stages = clock.stages();
  return r;
}

}  // namespace ruralnet::coverage
