// The weekly frequency plan of a dataset (docs/frequency.md): stops from the
// coverage links, network travel matrices per station, one fleet's week per
// station (and per carrier with --consolidate), metrics by area.
#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/frequency/plan.hpp"
#include "ruralnet/network/dijkstra.hpp"
#include "ruralnet/network/snap.hpp"

namespace ruralnet::frequency {

const char* to_string(Stop::Kind k) { return k == Stop::Kind::outlet ? "outlet" : "village"; }

namespace {

std::string num(double v) { return compact_number(v, 3); }

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return u;
}

std::string prefix(const std::string& code, std::size_t n) { return code.size() >= n ? code.substr(0, n) : code; }

std::string label(const model::Facility& f) { return f.id.empty() ? "fid " + std::to_string(f.ref.fid) : f.id; }

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::string_view kCarrierField = "parcels_day_";
// Stands for "no path" in the solver's matrix, which must be finite: longer
// than any shift, so no route ever uses such a leg.
constexpr double kNoPath = 1e9;

}  // namespace

void check_options(const FrequencyOptions& o) {
  if (o.target < 1 || o.target > kMaxDays) throw UsageError("--target must be a whole number of visits from 1 to 7, got " + std::to_string(o.target));
  if (o.days < 1 || o.days > kMaxDays) throw UsageError("--days must be a whole number of working days from 1 to 7, got " + std::to_string(o.days));
  if (!(std::isfinite(o.parcels_per_person) && o.parcels_per_person >= 0.0))
    throw UsageError("--parcels-per-person must be a number of parcels a day, 0 or more, got " + num(o.parcels_per_person));
  if (o.vehicles < 0) throw UsageError("--vehicles must be 0 or more, got " + std::to_string(o.vehicles));
  require_positive(o.capacity, "--capacity", "parcels");
  require_positive(o.shift_hours, "--shift-hours", "hours");
  if (o.shift_hours > 24.0) throw UsageError("--shift-hours must be at most 24, got " + num(o.shift_hours));
  if (!(std::isfinite(o.stop_min) && o.stop_min >= 0.0)) throw UsageError("--stop-min must be 0 or more minutes, got " + num(o.stop_min));
  if (!(std::isfinite(o.cost_per_km) && o.cost_per_km >= 0.0)) throw UsageError("--cost-per-km must be 0 or more, got " + num(o.cost_per_km));
  if (!(std::isfinite(o.cost_per_hour) && o.cost_per_hour >= 0.0)) throw UsageError("--cost-per-hour must be 0 or more, got " + num(o.cost_per_hour));
  if (o.solver_rounds < 0) throw UsageError("--solver-rounds must be 0 or more, got " + std::to_string(o.solver_rounds));
  if (o.carriers.empty()) throw UsageError("--carriers needs at least one carrier code, e.g. EMS,SF,ZTO");
  for (const auto& [id, n] : o.add_vehicles)
    if (n <= 0) throw UsageError("--add-vehicles " + id + "=" + std::to_string(n) + ": the number of vehicles to add must be 1 or more");
  coverage::CoverageOptions c = o.coverage;
  c.service_areas = false;
  coverage::check_options(c);
}

namespace {

// A point of a station's matrix: the station (node 0) or a stop.
struct NodePoint {
  LonLat location;
  coverage::Attachment at;
};

struct Search {
  std::vector<network::Source> sources;
  network::PathLabels labels;
};

struct Leg {
  double time_s = kInf;
  double length_m = kInf;
  bool same_piece = false;
  VertexId via;
  // The arcs of the path in travel order, kept instead of the search's
  // labels (a label per graph node) to draw the route later.
  std::vector<EdgeId> arcs;
};

class Legs {
 public:
  Legs(const network::EdgeSnapper& s, const network::RoadGraph& g, double kmh) : s_(s), g_(g), kmh_(kmh) {}

  network::SnapPoint sp(const coverage::Attachment& a) const { return {a.piece, a.snap_m, a.along_m, a.snapped}; }

  Search search(const NodePoint& p, double bound) const {
    Search r;
    r.sources = network::point_sources(s_, g_, sp(p.at), network::Metric::time_s, kmh_);
    network::DijkstraOptions o;
    o.metric = network::Metric::time_s;
    o.max_cost = bound;
    r.labels = network::multi_source_dijkstra(g_, r.sources, o);
    return r;
  }

  Leg leg(const Search& from, const NodePoint& a, const NodePoint& b) const {
    Leg l;
    const network::Arrival arr = network::arrival_cost(s_, g_, from.labels, sp(b.at), kmh_);
    if (arr.via.valid() && std::isfinite(arr.cost)) {
      l.time_s = arr.cost;
      l.via = arr.via;
      double len = a.at.snap_m + b.at.snap_m;
      VertexId v = arr.via;
      while (true) {
        const EdgeId e = from.labels.parent_arc[v.value()];
        if (!e.valid()) break;
        len += static_cast<double>(g_.length(e).value());
        l.arcs.push_back(e);
        v = g_.tail(e);
      }
      std::reverse(l.arcs.begin(), l.arcs.end());
      const network::EdgePiece& pa = s_.piece(a.at.piece);
      len += v == pa.from ? a.at.along_m : pa.length_m - a.at.along_m;
      const network::EdgePiece& pb = s_.piece(b.at.piece);
      len += arr.via == pb.from ? b.at.along_m : pb.length_m - b.at.along_m;
      l.length_m = len;
    }
    if (a.at.piece == b.at.piece) {
      const double c = network::access_seconds(a.at.snap_m, kmh_) +
                       network::along_piece_cost(s_, g_, a.at.piece, a.at.along_m, b.at.along_m, network::Metric::time_s) +
                       network::access_seconds(b.at.snap_m, kmh_);
      if (c < l.time_s) {
        l.time_s = c;
        l.length_m = a.at.snap_m + std::abs(a.at.along_m - b.at.along_m) + b.at.snap_m;
        l.same_piece = true;
        l.via = VertexId::invalid();
        l.arcs.clear();
      }
    }
    return l;
  }

  // The leg's line: access leg, partial piece, arcs, partial piece, access leg.
  void append_line(model::LineString& line, const Leg& l, const NodePoint& a, const NodePoint& b) const {
    const auto add = [&](std::vector<LonLat> pts, bool reverse) {
      if (reverse) std::reverse(pts.begin(), pts.end());
      for (const LonLat& p : pts)
        if (line.empty() || !(line.back() == p)) line.push_back(p);
    };
    add({a.location, a.at.snapped}, false);
    if (l.same_piece) {
      add(s_.piece_line(a.at.piece, a.at.along_m, b.at.along_m), a.at.along_m > b.at.along_m);
    } else if (l.via.valid()) {
      const std::vector<EdgeId>& arcs = l.arcs;
      const VertexId start = arcs.empty() ? l.via : g_.tail(arcs.front());
      const network::EdgePiece& pa = s_.piece(a.at.piece);
      if (start == pa.to && !(start == pa.from)) add(s_.piece_line(a.at.piece, a.at.along_m, pa.length_m), false);
      else add(s_.piece_line(a.at.piece, 0.0, a.at.along_m), true);
      for (const EdgeId e : arcs) {
        if (const auto pc = s_.piece_of_arc(e)) add(s_.piece_line(*pc), g_.reversed(e));
        else add({g_.lonlat(g_.tail(e)), g_.lonlat(g_.head(e))}, false);
      }
      const network::EdgePiece& pb = s_.piece(b.at.piece);
      if (l.via == pb.from) add(s_.piece_line(b.at.piece, 0.0, b.at.along_m), false);
      else add(s_.piece_line(b.at.piece, b.at.along_m, pb.length_m), true);
    }
    add({b.at.snapped, b.location}, false);
  }

 private:
  const network::EdgeSnapper& s_;
  const network::RoadGraph& g_;
  double kmh_;
};

struct Fleet {
  std::string carrier;
  std::vector<std::size_t> local;  // station matrix nodes (1..) this fleet serves
  std::vector<double> parcels_week;  // per local stop
  int vehicles = 0;
  FleetWeek week;
};

}  // namespace

FrequencyResult plan_frequency(const model::Dataset& ds, const network::SegmentTable& table,
                               const network::BuildResult& built, const FrequencyOptions& options) {
  check_options(options);
  FrequencyResult r;
  r.options = options;
  const FrequencyOptions& o = r.options;
  const std::string fac_source = ds.layers.count("facilities") ? ds.layers.at("facilities").source : ds.path;
  const std::string vil_source = ds.layers.count("villages") ? ds.layers.at("villages").source : ds.path;

  auto t0 = std::chrono::steady_clock::now();
  coverage::CoverageOptions co = o.coverage;
  co.service_areas = false;
  co.progress = o.progress;
  const coverage::CoverageResult cov = coverage::analyse(ds, table, built, co);
  r.coverage_seconds = seconds_since(t0);

  std::set<std::string> known;
  for (const auto& c : o.carriers) known.insert(upper(c));
  const auto carriers_of = [&](const model::Facility& f) {
    std::vector<std::string> out;
    for (const auto& c : f.carriers) {
      const std::string u = upper(trim(c));
      if (u.empty()) continue;
      if (!known.count(u))
        throw InputError({fac_source, "facilities", label(f), "carriers"}, "unknown carrier '" + std::string(c) + "'",
                         "use one of " + join(o.carriers, ", ") + ", or name the carriers with --carriers");
      if (std::find(out.begin(), out.end(), u) == out.end()) out.push_back(u);
    }
    return out;
  };

  // Stations and their fleets.
  std::map<std::size_t, std::size_t> station_slot;  // dataset facility -> index in r.stations
  std::set<std::string> station_ids;
  for (std::size_t i = 0; i < ds.facilities.size(); ++i) {
    const model::Facility& f = ds.facilities[i];
    if (f.tier != model::Tier::township_station || !cov.facility_of(i)) continue;
    const InputLocation loc{fac_source, "facilities", label(f), ""};
    const auto at = [&](const char* field) {
      InputLocation l = loc;
      l.field = field;
      return l;
    };
    StationResult s;
    s.facility = i;
    s.id = f.id;
    s.name = f.name;
    s.township_code = prefix(f.admin_code, 9);
    s.county_code = prefix(f.admin_code, 6);
    s.vehicles = f.vehicles.value_or(o.vehicles);
    if (s.vehicles < 0)
      throw InputError(at("vehicles"), "a station cannot have " + std::to_string(s.vehicles) + " vehicles", "give 0 or more");
    s.capacity = f.vehicle_capacity_parcels.value_or(o.capacity);
    if (!(std::isfinite(s.capacity) && s.capacity > 0.0))
      throw InputError(at("vehicle_capacity_parcels"), "vehicle capacity must be a positive number of parcels, got " + num(s.capacity),
                       "fix the value, or leave it empty to use --capacity");
    s.shift_hours = f.shift_hours.value_or(o.shift_hours);
    if (!(std::isfinite(s.shift_hours) && s.shift_hours > 0.0 && s.shift_hours <= 24.0))
      throw InputError(at("shift_hours"), "shift must be more than 0 and at most 24 hours, got " + num(s.shift_hours),
                       "fix the value, or leave it empty to use --shift-hours");
    s.days = o.days;
    s.stop_min = o.stop_min;
    for (const auto& [k, v] : f.extra) {
      if (v.empty()) continue;
      if (k == "working_days") {
        const auto d = parse_integer(v);
        if (!d || *d < 1 || *d > kMaxDays)
          throw InputError(at("working_days"), "working days must be a whole number from 1 to 7, got '" + v + "'");
        s.days = static_cast<int>(*d);
      } else if (k == "stop_min") {
        const auto m = parse_number(v);
        if (!m || !std::isfinite(*m) || *m < 0.0) throw InputError(at("stop_min"), "stop time must be 0 or more minutes, got '" + v + "'");
        s.stop_min = *m;
      }
    }
    (void)carriers_of(f);
    station_slot[i] = r.stations.size();
    station_ids.insert(f.id);
    r.stations.push_back(std::move(s));
  }
  for (const auto& [id, n] : o.add_vehicles) {
    if (!station_ids.count(id))
      throw UsageError("--add-vehicles names station '" + id + "', which is not a township station of the dataset",
                       "use a facility id of tier township_station");
    for (StationResult& s : r.stations)
      if (s.id == id) {
        s.vehicles += n;
        s.added_vehicles += n;
      }
  }

  // Stops: a village's serving outlet, else the village itself when only the
  // township station reaches it.
  r.villages.resize(ds.villages.size());
  std::map<std::size_t, std::size_t> outlet_stop, village_stop;
  const auto station_carriers = [&](std::size_t station) {
    std::vector<std::string> c = carriers_of(ds.facilities[station]);
    if (c.empty()) c.push_back("EMS");
    return c;
  };
  for (std::size_t i = 0; i < ds.villages.size(); ++i) {
    const model::Village& v = ds.villages[i];
    const coverage::VillageResult& cv = cov.villages[i];
    VillageFrequency& vf = r.villages[i];
    vf.village = i;
    vf.parcels_day = v.demand_parcels_day.value_or(v.population.value_or(0.0) * o.parcels_per_person);
    if (!(std::isfinite(vf.parcels_day) && vf.parcels_day >= 0.0)) vf.parcels_day = 0.0;
    // The village's own split by carrier: extra fields parcels_day_<CARRIER>.
    std::vector<std::pair<std::string, double>> own_split;
    double own_total = 0.0;
    for (const auto& [k, val] : v.extra) {
      if (k.size() <= kCarrierField.size() || !iequals(k.substr(0, kCarrierField.size()), kCarrierField) || trim(val).empty())
        continue;
      const InputLocation loc{vil_source, "villages", v.code, k};
      const std::string c = upper(k.substr(kCarrierField.size()));
      if (!known.count(c))
        throw InputError(loc, "unknown carrier '" + k.substr(kCarrierField.size()) + "' in the field name",
                         "use one of " + join(o.carriers, ", ") + ", or name the carriers with --carriers");
      const auto x = parse_number(val);
      if (!x || !std::isfinite(*x) || *x < 0.0)
        throw InputError(loc, "parcels a day must be a number, 0 or more, got '" + val + "'");
      own_split.emplace_back(c, *x);
      own_total += *x;
    }
    if (!own_split.empty() && !v.demand_parcels_day) vf.parcels_day = own_total;
    vf.parcels_day = std::max(vf.parcels_day, own_total);
    std::size_t station = kNone;
    std::size_t stop = kNone;
    if (cv.serving_outlet != kNone) {
      const coverage::FacilityResult* fo = cov.facility_of(cv.serving_outlet);
      station = fo ? fo->link_parent : kNone;
      if (station != kNone && station_slot.count(station)) {
        auto it = outlet_stop.find(cv.serving_outlet);
        if (it == outlet_stop.end()) {
          const model::Facility& f = ds.facilities[cv.serving_outlet];
          Stop s;
          s.kind = Stop::Kind::outlet;
          s.index = cv.serving_outlet;
          s.id = f.id;
          s.name = f.name;
          s.location = f.location;
          s.station = station;
          s.carriers = carriers_of(f);
          if (s.carriers.empty()) s.carriers = station_carriers(station);
          it = outlet_stop.emplace(cv.serving_outlet, r.stops.size()).first;
          r.stops.push_back(std::move(s));
        }
        stop = it->second;
      }
    } else if (cv.reach == coverage::Reach::township_only && cv.station != kNone && cv.at.on_network &&
               station_slot.count(cv.station)) {
      station = cv.station;
      Stop s;
      s.kind = Stop::Kind::village;
      s.index = i;
      s.id = v.code;
      s.name = v.name;
      s.location = v.location;
      s.station = station;
      s.carriers = station_carriers(station);
      stop = r.stops.size();
      village_stop[i] = stop;
      r.stops.push_back(std::move(s));
    }
    vf.station = station;
    vf.stop = stop;
    if (stop != kNone) {
      Stop& s = r.stops[stop];
      s.villages.push_back(i);
      s.parcels_day += vf.parcels_day;
      s.carrier_parcels_day.resize(s.carriers.size(), 0.0);
      for (const auto& [c, x] : own_split) {
        auto it = std::find(s.carriers.begin(), s.carriers.end(), c);
        if (it == s.carriers.end()) {
          s.carriers.push_back(c);
          s.carrier_parcels_day.push_back(0.0);
          it = s.carriers.end() - 1;
        }
        s.carrier_parcels_day[static_cast<std::size_t>(it - s.carriers.begin())] += x;
      }
      // The rest of the village's demand, evenly over the stop's carriers.
      const double rest = vf.parcels_day - own_total;
      if (own_split.empty() || rest > 0.0) {
        std::vector<std::size_t> even;
        for (std::size_t c = 0; c < s.carriers.size(); ++c)
          if (std::none_of(own_split.begin(), own_split.end(), [&](const auto& p) { return p.first == s.carriers[c]; }))
            even.push_back(c);
        if (even.empty())
          for (std::size_t c = 0; c < s.carriers.size(); ++c) even.push_back(c);
        for (const std::size_t c : even) s.carrier_parcels_day[c] += rest / static_cast<double>(even.size());
      }
    } else {
      vf.reason = cv.reach == coverage::Reach::off_network || cv.reach == coverage::Reach::disconnected
                      ? coverage::to_string(cv.reach)
                      : "no_station";
    }
  }
  for (std::size_t k = 0; k < r.stops.size(); ++k) r.stations[station_slot.at(r.stops[k].station)].stops.push_back(k);

  // Every station: matrices, fleets, weeks, routes.
  t0 = std::chrono::steady_clock::now();
  const network::RoadGraph& g = built.graph;
  const network::EdgeSnapper snapper(table, built, co.node_crossings);
  const Legs legs(snapper, g, co.access_kmh);
  std::vector<unsigned> shared_mask(r.stops.size(), 0), separate_mask(r.stops.size(), 0);
  std::vector<std::string> stop_reason(r.stops.size());
  Progress prog(o.progress, "planning stations", r.stations.size());
  double matrix_s = 0.0;
  for (StationResult& st : r.stations) {
    prog.advance();
    if (st.stops.empty()) continue;
    const auto tm = std::chrono::steady_clock::now();
    const coverage::FacilityResult* sf = cov.facility_of(st.facility);
    std::vector<NodePoint> pts{{ds.facilities[st.facility].location, sf->at}};
    for (const std::size_t k : st.stops) {
      const Stop& s = r.stops[k];
      const coverage::Attachment& at =
          s.kind == Stop::Kind::outlet ? cov.facility_of(s.index)->at : cov.villages[s.index].at;
      pts.push_back({s.location, at});
    }
    const std::size_t n = pts.size() - 1;
    const double shift_s = st.shift_hours * 3600.0;
    const double stop_s = st.stop_min * 60.0;
    std::vector<Leg> leg((n + 1) * (n + 1));
    const auto fill_row = [&](std::size_t a, double bound) {
      const Search from = legs.search(pts[a], bound);
      ++r.searches;
      for (std::size_t b = 0; b <= n; ++b)
        if (a != b) leg[a * (n + 1) + b] = legs.leg(from, pts[a], pts[b]);
        else leg[a * (n + 1) + b] = Leg{0.0, 0.0, true, VertexId::invalid(), {}};
    };
    if (sf->at.on_network) {
      fill_row(0, shift_s);
      double far = 0.0;
      for (std::size_t b = 1; b <= n; ++b)
        if (std::isfinite(leg[b].time_s)) far = std::max(far, leg[b].time_s);
      for (std::size_t a = 1; a <= n; ++a) {
        if (!pts[a].at.on_network) continue;
        // Back to the station and on to the farthest stop bounds every leg
        // from a (a -> b <= a -> 0 -> b; a -> 0 taken as 0 -> a), with a
        // margin; a stop still unreached (one-way roads) is searched again
        // up to the shift.
        const double out = std::isfinite(leg[a].time_s) ? leg[a].time_s : shift_s;
        const double bound = std::min(shift_s, 1.1 * (out + far) + 120.0);
        fill_row(a, bound);
        bool missing = false;
        for (std::size_t b = 0; b <= n; ++b) missing = missing || !std::isfinite(leg[a * (n + 1) + b].time_s);
        if (missing && bound < shift_s) fill_row(a, shift_s);
      }
    }
    matrix_s += seconds_since(tm);

    // Stops the fleet can serve at all.
    std::vector<std::size_t> ok;  // matrix nodes
    for (std::size_t a = 1; a <= n; ++a) {
      const Stop& s = r.stops[st.stops[a - 1]];
      const double out = leg[a].time_s, back = leg[a * (n + 1)].time_s;
      if (!sf->at.on_network || !std::isfinite(out) || !std::isfinite(back)) {
        st.infeasible.push_back(st.stops[a - 1]);
        stop_reason[st.stops[a - 1]] = "unreachable";
        r.findings.push_back({"unreachable", st.id, s.id,
                              "stop " + s.id + " cannot be reached from station " + st.id + " and back over the roads within the " +
                                  num(st.shift_hours) + "-hour shift"});
      } else if (out + back + stop_s > shift_s) {
        st.infeasible.push_back(st.stops[a - 1]);
        stop_reason[st.stops[a - 1]] = "beyond_shift";
        r.findings.push_back({"beyond_shift", st.id, s.id,
                              "stop " + s.id + " (" + s.name + "): the trip from station " + st.id + " and back takes " +
                                  fixed((out + back + stop_s) / 60.0, 1) + " min, longer than the " + num(st.shift_hours) +
                                  "-hour shift"});
      } else {
        ok.push_back(a);
      }
    }
    if (st.vehicles == 0) {
      r.findings.push_back({"no_vehicles", st.id, "",
                            "station " + st.id + " has no vehicles: its " + std::to_string(ok.size()) + " stops get no delivery"});
      for (const std::size_t a : ok) stop_reason[st.stops[a - 1]] = "no_vehicles";
    }

    // The fleets: the station's one, or with --consolidate one per carrier and the pool.
    std::vector<std::string> carriers;
    for (const std::size_t a : ok)
      for (const auto& c : r.stops[st.stops[a - 1]].carriers)
        if (std::find(carriers.begin(), carriers.end(), c) == carriers.end()) carriers.push_back(c);
    std::sort(carriers.begin(), carriers.end());
    const auto make_input = [&](const Fleet& f) {
      FleetInput in;
      in.vehicles = f.vehicles;
      in.capacity = st.capacity;
      in.shift_s = shift_s;
      in.days = st.days;
      in.stop_s = stop_s;
      in.target = o.target;
      in.solver_rounds = o.solver_rounds;
      const std::size_t m = f.local.size();
      in.time_s.assign((m + 1) * (m + 1), 0.0);
      in.length_m.assign((m + 1) * (m + 1), 0.0);
      in.parcels_week.assign(m + 1, 0.0);
      const auto node = [&](std::size_t i) { return i == 0 ? std::size_t{0} : f.local[i - 1]; };
      for (std::size_t i = 0; i <= m; ++i) {
        if (i > 0) in.parcels_week[i] = f.parcels_week[i - 1];
        for (std::size_t j = 0; j <= m; ++j) {
          const Leg& l = leg[node(i) * (n + 1) + node(j)];
          in.time_s[i * (m + 1) + j] = std::isfinite(l.time_s) ? l.time_s : kNoPath;
          in.length_m[i * (m + 1) + j] = std::isfinite(l.length_m) ? l.length_m : kNoPath;
        }
      }
      // Nearest (out and back) first when only some stops can have the target.
      std::vector<int> prio(m);
      for (std::size_t i = 0; i < m; ++i) prio[i] = static_cast<int>(i + 1);
      std::stable_sort(prio.begin(), prio.end(), [&](int x, int y) {
        const auto ux = static_cast<std::size_t>(x), uy = static_cast<std::size_t>(y);
        return in.time_s[ux] + in.time_s[ux * (m + 1)] < in.time_s[uy] + in.time_s[uy * (m + 1)];
      });
      in.priority = std::move(prio);
      return in;
    };
    const auto summarise = [&](const Fleet& f, FleetSummary& s) {
      s.carrier = f.carrier;
      s.vehicles = f.vehicles;
      s.base_visits = f.week.base_visits;
      s.raised_visits = f.week.raised_visits;
      s.raised = f.week.raised;
      s.feasible = f.week.feasible;
      s.vehicle_km_week = f.week.length_m / 1000.0;
      s.vehicle_hours_week = f.week.time_s / 3600.0;
      s.parcels_week = f.week.parcels;
      const double avail = f.vehicles * st.days * st.shift_hours;
      s.utilisation = avail > 0.0 ? s.vehicle_hours_week / avail : 0.0;
      s.cost_week = s.vehicle_km_week * o.cost_per_km + s.vehicle_hours_week * o.cost_per_hour;
      s.routes = f.week.trips.size();
    };
    const auto plan = [&](Fleet& f, std::optional<double> budget) {
      FleetInput in = make_input(f);
      in.max_length_m = budget;
      f.week = plan_fleet_week(in);
      r.weeks_solved += static_cast<std::size_t>(f.week.weeks_solved);
    };
    const auto emit = [&](const Fleet& f, const std::string& plan_name, int vehicle_offset) {
      const FleetWeek& w = f.week;
      std::map<std::pair<int, int>, double> vday;
      for (const FleetTrip& t : w.trips) vday[{t.day, t.vehicle}] += t.time_s;
      for (const FleetTrip& t : w.trips) {
        Route rt;
        rt.station = st.facility;
        rt.plan = plan_name;
        rt.carrier = f.carrier;
        rt.day = t.day;
        rt.vehicle = t.vehicle + 1 + vehicle_offset;
        rt.trip = t.trip + 1;
        rt.loads = t.loads;
        rt.load = t.load;
        rt.capacity = st.capacity;
        rt.length_m = t.length_m;
        rt.duration_min = t.time_s / 60.0;
        rt.vehicle_day_min = vday[{t.day, t.vehicle}] / 60.0;
        rt.shift_min = st.shift_hours * 60.0;
        std::size_t prev = 0;
        for (const int s : t.stops) {
          const std::size_t node = f.local[static_cast<std::size_t>(s) - 1];
          rt.stops.push_back(st.stops[node - 1]);
          legs.append_line(rt.geometry, leg[prev * (n + 1) + node], pts[prev], pts[node]);
          prev = node;
        }
        legs.append_line(rt.geometry, leg[prev * (n + 1)], pts[prev], pts[0]);
        r.routes.push_back(std::move(rt));
      }
    };
    const auto masks = [&](const Fleet& f, std::vector<unsigned>& into) {
      for (std::size_t i = 0; i < f.local.size(); ++i) into[st.stops[f.local[i] - 1]] |= f.week.day_mask[i + 1];
    };
    const auto splits = [&](const Fleet& f) {
      for (std::size_t i = 0; i < f.local.size(); ++i)
        if (f.week.splits[i + 1] > 1) {
          const Stop& s = r.stops[st.stops[f.local[i] - 1]];
          r.findings.push_back({"split_delivery", st.id, s.id,
                                "stop " + s.id + " (" + s.name + "): " + fixed(f.parcels_week[i] / f.week.visits[i + 1], 1) +
                                    " parcels a visit exceed a vehicle's " + num(st.capacity) + ": each visit takes " +
                                    std::to_string(f.week.splits[i + 1]) + " vehicles" +
                                    (f.carrier.empty() ? "" : " (" + f.carrier + ")")});
        }
    };

    Fleet shared;
    for (const std::size_t a : ok) {
      shared.local.push_back(a);
      shared.parcels_week.push_back(r.stops[st.stops[a - 1]].parcels_day * 7.0);
    }
    if (!o.consolidate) {
      shared.vehicles = st.vehicles;
      plan(shared, std::nullopt);
      summarise(shared, st.shared);
      emit(shared, "shared", 0);
      masks(shared, shared_mask);
      splits(shared);
    } else {
      // Carriers' own fleets: one vehicle each, the rest of the station's by demand.
      std::vector<Fleet> sep(carriers.size());
      std::vector<double> share(carriers.size(), 0.0);
      double total = 0.0;
      for (std::size_t c = 0; c < carriers.size(); ++c) {
        sep[c].carrier = carriers[c];
        for (const std::size_t a : ok) {
          const Stop& s = r.stops[st.stops[a - 1]];
          const auto it = std::find(s.carriers.begin(), s.carriers.end(), carriers[c]);
          if (it == s.carriers.end()) continue;
          const double p = s.carrier_parcels_day[static_cast<std::size_t>(it - s.carriers.begin())] * 7.0;
          if (!(p > 0.0)) continue;
          sep[c].local.push_back(a);
          sep[c].parcels_week.push_back(p);
          share[c] += p;
        }
        total += share[c];
      }
      const int extra = st.vehicles > 0 ? std::max(0, st.vehicles - static_cast<int>(carriers.size())) : 0;
      std::vector<double> frac(carriers.size(), 0.0);
      int given = 0;
      for (std::size_t c = 0; c < carriers.size(); ++c) {
        const double q = total > 0.0 ? extra * share[c] / total : 0.0;
        sep[c].vehicles = st.vehicles > 0 ? 1 + static_cast<int>(std::floor(q)) : 0;
        frac[c] = q - std::floor(q);
        given += st.vehicles > 0 ? sep[c].vehicles - 1 : 0;
      }
      for (int left = extra - given; left > 0; --left) {
        std::size_t best = 0;
        for (std::size_t c = 1; c < carriers.size(); ++c)
          if (frac[c] > frac[best]) best = c;
        if (carriers.empty()) break;
        ++sep[best].vehicles;
        frac[best] = -1.0;
      }
      double sep_length = 0.0;
      int pooled = 0;
      for (Fleet& f : sep) {
        plan(f, std::nullopt);
        sep_length += f.week.length_m;
        pooled += f.vehicles;
        masks(f, separate_mask);
      }
      shared.vehicles = pooled;
      plan(shared, sep_length);
      // The pooled plan replaces the separate ones only when it drives no
      // more and visits no fewer times in all; else the separate routes are
      // kept, merged, as the shared plan.
      int shared_visits = 0, sep_visits = 0;
      for (std::size_t i = 0; i < shared.local.size(); ++i) {
        shared_visits += std::popcount(shared.week.day_mask[i + 1]);
        sep_visits += std::popcount(separate_mask[st.stops[shared.local[i] - 1]]);
      }
      const bool merged = !(shared.week.length_m <= sep_length + 1e-6) || shared_visits < sep_visits ||
                          (!shared.week.feasible && !ok.empty());
      for (std::size_t c = 0; c < sep.size(); ++c) {
        FleetSummary s;
        summarise(sep[c], s);
        st.separate.push_back(s);
      }
      if (!merged) {
        summarise(shared, st.shared);
        emit(shared, "shared", 0);
        masks(shared, shared_mask);
        splits(shared);
      } else {
        FleetSummary& s = st.shared;
        s.vehicles = pooled;
        s.merged_separate = true;
        s.feasible = true;
        s.base_visits = kMaxDays;
        s.raised_visits = 0;
        for (const FleetSummary& x : st.separate) {
          s.vehicle_km_week += x.vehicle_km_week;
          s.vehicle_hours_week += x.vehicle_hours_week;
          s.parcels_week += x.parcels_week;
          s.cost_week += x.cost_week;
          s.routes += x.routes;
          s.feasible = s.feasible && x.feasible;
          s.base_visits = std::min(s.base_visits, x.base_visits);
          s.raised_visits = std::max(s.raised_visits, x.raised_visits);
        }
        const double avail = pooled * st.days * st.shift_hours;
        s.utilisation = avail > 0.0 ? s.vehicle_hours_week / avail : 0.0;
        int offset = 0;
        for (const Fleet& f : sep) {
          emit(f, "shared", offset);
          offset += f.vehicles;
          masks(f, shared_mask);
        }
      }
      for (const Fleet& f : sep) {
        emit(f, "separate", 0);
        splits(f);
      }
    }
    const int shown = st.shared.raised > 0 ? st.shared.raised_visits : st.shared.base_visits;
    if (st.vehicles > 0 && !ok.empty() && st.shared.base_visits < std::min(o.target, st.days)) {
      std::string msg = "station " + st.id + ": the fleet of " + std::to_string(st.shared.vehicles) + " vehicle(s) gives " +
                        std::to_string(st.shared.base_visits) + " visit(s) a week to all its " + std::to_string(ok.size()) + " stops";
      if (st.shared.raised > 0)
        msg += ", " + std::to_string(st.shared.raised) + " of them " + std::to_string(shown);
      r.findings.push_back({"below_target", st.id, "", msg + " (target " + std::to_string(o.target) + ")"});
    }
  }
  prog.finish();
  r.matrix_seconds = matrix_s;
  r.solve_seconds = seconds_since(t0) - matrix_s;

  // Villages.
  for (VillageFrequency& vf : r.villages) {
    if (vf.stop == kNone) continue;
    vf.days = shared_mask[vf.stop];
    vf.visits_week = std::popcount(vf.days);
    vf.days_separate = separate_mask[vf.stop];
    vf.visits_week_separate = std::popcount(vf.days_separate);
    if (vf.visits_week == 0)
      vf.reason = stop_reason[vf.stop].empty() ? "fleet_too_small" : stop_reason[vf.stop];
  }

  // Areas.
  std::map<std::string, std::string> tname, cname;
  for (const auto& t : ds.townships) tname[t.code] = t.name;
  for (const auto& c : ds.counties) cname[c.code] = c.name;
  std::vector<std::string> tcodes, ccodes;
  for (const auto& t : ds.townships) tcodes.push_back(t.code);
  for (const auto& c : ds.counties) ccodes.push_back(c.code);
  const auto add_code = [](std::vector<std::string>& v, const std::string& c) {
    if (std::find(v.begin(), v.end(), c) == v.end()) v.push_back(c);
  };
  std::vector<std::string> vt(ds.villages.size());
  for (std::size_t i = 0; i < ds.villages.size(); ++i) {
    const model::Village& v = ds.villages[i];
    vt[i] = v.township_code.empty() ? prefix(v.code, 9) : v.township_code;
    add_code(tcodes, vt[i]);
    add_code(ccodes, prefix(vt[i], 6));
  }
  for (const StationResult& s : r.stations) {
    add_code(tcodes, s.township_code);
    add_code(ccodes, s.county_code);
  }
  const auto area = [&](const std::string& level, const std::string& code, const std::string& name,
                        const auto& village_in, const auto& station_in) {
    AreaFrequency a;
    a.level = level;
    a.code = code;
    a.name = name;
    double visits = 0.0, visits_sep = 0.0;
    for (std::size_t i = 0; i < r.villages.size(); ++i) {
      if (!village_in(i)) continue;
      const VillageFrequency& v = r.villages[i];
      ++a.villages;
      ++a.visits_histogram[static_cast<std::size_t>(std::clamp(v.visits_week, 0, kMaxDays))];
      visits += v.visits_week;
      visits_sep += v.visits_week_separate;
      if (v.visits_week >= o.target) ++a.at_target;
      if (v.visits_week_separate >= o.target) ++a.at_target_separate;
    }
    const double nv = static_cast<double>(a.villages);
    a.share_at_target = a.villages ? static_cast<double>(a.at_target) / nv : std::nan("");
    a.mean_visits = a.villages ? visits / nv : std::nan("");
    a.mean_visits_separate = a.villages ? visits_sep / nv : std::nan("");
    double parcels_sep = 0.0;
    for (const StationResult& s : r.stations) {
      if (!station_in(s)) continue;
      a.vehicle_km_week += s.shared.vehicle_km_week;
      a.vehicle_hours_week += s.shared.vehicle_hours_week;
      a.parcels_week += s.shared.parcels_week;
      a.cost_week += s.shared.cost_week;
      for (const FleetSummary& f : s.separate) {
        a.vehicle_km_week_separate += f.vehicle_km_week;
        a.vehicle_hours_week_separate += f.vehicle_hours_week;
        a.cost_week_separate += f.cost_week;
        parcels_sep += f.parcels_week;
      }
    }
    a.cost_per_parcel = a.parcels_week > 0.0 ? a.cost_week / a.parcels_week : std::nan("");
    a.cost_per_parcel_separate = parcels_sep > 0.0 ? a.cost_week_separate / parcels_sep : std::nan("");
    return a;
  };
  for (const auto& code : tcodes)
    r.townships.push_back(area("township", code, tname[code], [&](std::size_t i) { return vt[i] == code; },
                               [&](const StationResult& s) { return s.township_code == code; }));
  for (const auto& code : ccodes)
    r.counties.push_back(area("county", code, cname[code], [&](std::size_t i) { return prefix(vt[i], 6) == code; },
                              [&](const StationResult& s) { return s.county_code == code; }));
  std::string city = ccodes.empty() ? "" : prefix(ccodes.front(), 4) + "00";
  for (const auto& code : ccodes)
    if (prefix(code, 4) + "00" != city) city.clear();
  r.city = area("city", city, "", [](std::size_t) { return true; }, [](const StationResult&) { return true; });
  return r;
}

}  // namespace ruralnet::frequency
