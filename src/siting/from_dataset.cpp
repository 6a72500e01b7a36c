// The dataset -> instance half of `ruralnet site`: candidates and filters,
// demand weights, network travel times, spacing conflicts.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/geo/grid_index.hpp"
#include "ruralnet/model/codes.hpp"
#include "ruralnet/network/components.hpp"
#include "ruralnet/network/dijkstra.hpp"
#include "ruralnet/network/snap.hpp"
#include "ruralnet/siting/plan.hpp"

namespace ruralnet::siting {

const char* to_string(Level l) { return l == Level::provincial ? "provincial" : "municipal"; }

std::optional<Level> parse_level(std::string_view text) {
  const std::string t = to_lower_ascii(trim(text));
  if (t == "provincial" || t == "province" || t == "省级") return Level::provincial;
  if (t == "municipal" || t == "city" || t == "市级") return Level::municipal;
  return std::nullopt;
}

const char* indicator_id(Level l) {
  return l == Level::provincial ? "provincial_model_outlets" : "municipal_model_outlets";
}

const char* to_string(Objective o) {
  switch (o) {
    case Objective::mclp: return "mclp";
    case Objective::p_median: return "p-median";
    case Objective::set_cover: return "set-cover";
  }
  return "?";
}

std::optional<Objective> parse_objective(std::string_view text) {
  const std::string t = to_lower_ascii(trim(text));
  if (t == "mclp" || t == "max-cover" || t == "maximal-covering") return Objective::mclp;
  if (t == "p-median" || t == "p_median" || t == "pmedian") return Objective::p_median;
  if (t == "set-cover" || t == "set_cover" || t == "setcover" || t == "set-covering") return Objective::set_cover;
  return std::nullopt;
}

LevelSpec level_from_plan(const quota::Plan& plan, Level level) {
  const quota::Indicator* ind = plan.indicator(indicator_id(level));
  if (!ind)
    throw InputError({plan.file, "", "", "indicators"},
                     std::string("the plan has no indicator '") + indicator_id(level) + "'",
                     std::string("add it with per-county quotas, or give them with --quota ") + to_string(level) +
                         ":COUNTY=N");
  LevelSpec s;
  s.level = level;
  s.city_target = static_cast<int>(std::ceil(ind->city_target - 1e-9));
  for (const auto& [code, v] : ind->quotas) s.quotas[code] = static_cast<int>(std::ceil(v - 1e-9));
  return s;
}

std::string resolve_county(std::string_view text, const model::Dataset& ds, const quota::Plan* plan) {
  const std::string t(trim(text));
  std::vector<std::pair<std::string, std::string>> known;  // code, label
  for (const auto& c : ds.counties) known.emplace_back(c.code, c.name);
  if (plan)
    for (const auto& c : plan->counties) known.emplace_back(c.code, c.name + "/" + c.name_en);
  if (model::is_division_code(t, model::CodeLevel::county)) return t;
  for (const auto& c : ds.counties)
    if (c.name == t) return c.code;
  if (plan)
    for (const auto& c : plan->counties)
      if (c.name == t || iequals(c.name_en, t)) return c.code;
  std::string list;
  std::set<std::string> seen;
  for (const auto& [code, label] : known)
    if (seen.insert(code).second) list += (list.empty() ? "" : ", ") + code + " " + label;
  throw UsageError("--quota: unknown county '" + t + "'",
                   list.empty() ? "name the county by its 6-digit code" : "known counties: " + list);
}

void check_options(const SitingOptions& o) {
  if (!(std::isfinite(o.time_min) && o.time_min > 0))
    throw UsageError("--time must be above 0 minutes, got " + fixed(o.time_min, 3),
                     "T is the travel time within which a site covers a village, e.g. --time 30");
  require_positive(o.cutoff_min, "--cutoff", "minutes");
  require_positive(o.max_snap_m, "--max-snap", "metres");
  require_positive(o.access_kmh, "--access-speed", "km/h");
  require_positive(o.exact_time_limit_s, "--exact-time-limit", "seconds");
  if (!(std::isfinite(o.poor_weight) && o.poor_weight >= 0))
    throw UsageError("--poor-weight must be a number >= 0, got " + fixed(o.poor_weight, 3));
  if (!(std::isfinite(o.flood_weight) && o.flood_weight >= 0))
    throw UsageError("--flood-weight must be a number >= 0, got " + fixed(o.flood_weight, 3));
  if (!(std::isfinite(o.spacing_m) && o.spacing_m >= 0))
    throw UsageError("--spacing must be metres >= 0, got " + fixed(o.spacing_m, 3));
  if (o.capacity) {
    require_positive(*o.capacity, "--capacity", "demand weight");
    if (o.objective == Objective::set_cover)
      throw UsageError("--capacity does not apply to --model set-cover", "use mclp or p-median with a capacity");
  }
  if (o.min_carriers < 0) throw UsageError("--min-carriers must be >= 0");
  if (o.levels.empty()) throw UsageError("--levels names no level", "use provincial, municipal or both");
  for (std::size_t i = 0; i < o.levels.size(); ++i) {
    for (std::size_t k = 0; k < i; ++k)
      if (o.levels[k].level == o.levels[i].level)
        throw UsageError(std::string("--levels names ") + to_string(o.levels[i].level) + " twice");
    if (i > 0 && o.levels[i].level == Level::provincial)
      throw UsageError("--levels: provincial sites are chosen before municipal ones", "write --levels provincial,municipal");
    for (const auto& [c, n] : o.levels[i].quotas)
      if (n < 0) throw UsageError("the quota of county " + c + " is negative");
    if (o.levels[i].sites && *o.levels[i].sites < 1)
      throw UsageError(std::string("--sites of the ") + to_string(o.levels[i].level) + " level must be at least 1");
  }
  static const std::set<std::string> kColocated = {"shop", "poverty_post", "bus_stop", "finance_room", "culture_station",
                                                   "beautiful_village"};
  for (const auto& c : o.colocated)
    if (!kColocated.count(c))
      throw UsageError("--colocated: unknown value '" + c + "'",
                       "use shop, poverty_post, bus_stop, finance_room, culture_station or beautiful_village");
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool finite(LonLat p) { return std::isfinite(p.lon) && std::isfinite(p.lat); }

std::string village_county(const model::Village& v) {
  const std::string& t = v.township_code.empty() ? v.code : v.township_code;
  return t.size() >= 6 ? model::county_of(t) : std::string();
}

int distinct_carriers(const model::Facility& f) {
  return static_cast<int>(std::set<std::string>(f.carriers.begin(), f.carriers.end()).size());
}

struct Attach {
  bool on = false;
  network::SnapPoint sp;
  bool main = false;
};

}  // namespace

SitingInput prepare(const model::Dataset& ds, const network::SegmentTable& table, const network::BuildResult& built,
                    const SitingOptions& o) {
  check_options(o);
  SitingInput in;
  in.local_crs = table.crs.definition();
  const std::string vil_source = ds.layers.count("villages") ? ds.layers.at("villages").source : ds.path;
  const std::string fac_source = ds.layers.count("facilities") ? ds.layers.at("facilities").source : ds.path;
  if (ds.villages.empty())
    throw InputError({vil_source, "villages", "", ""}, "there are no villages", "the villages layer is required");

  const network::RoadGraph& g = built.graph;
  const network::Components comps =
      built.components.of_node.size() == g.node_count() ? built.components : network::connected_components(g);
  const network::EdgeSnapper snapper(table, built, o.node_crossings);
  const auto attach = [&](LonLat p) {
    Attach a;
    if (!finite(p)) return a;
    if (const auto sp = snapper.snap(p, o.max_snap_m)) {
      a.on = true;
      a.sp = *sp;
      a.main = comps.is_main(snapper.piece(sp->piece).from);
    }
    return a;
  };

  // Demand: one point per village.
  std::vector<Attach> vat(ds.villages.size());
  std::unordered_map<std::string, std::size_t> village_of_code;
  {
    Progress prog(o.progress, "attaching villages", ds.villages.size());
    for (std::size_t i = 0; i < ds.villages.size(); ++i, prog.advance()) {
      const model::Village& v = ds.villages[i];
      village_of_code.emplace(v.code, i);
      DemandPoint d;
      d.village = i;
      d.county_code = village_county(v);
      d.poor = v.poor;
      d.flood_zone = v.flood_zone;
      if (v.population && std::isfinite(*v.population) && *v.population > 0) d.population = *v.population;
      else ++in.villages_without_population;
      d.weight = d.population * (v.poor ? o.poor_weight : 1.0) * (v.flood_zone ? o.flood_weight : 1.0);
      vat[i] = attach(v.location);
      d.on_network = vat[i].on;
      if (!d.on_network)
        in.left_out.push_back({"villages", v.code, finite(v.location) ? "beyond_max_snap" : "no_coordinates"});
      in.demand.push_back(d);
    }
  }

  // Candidates.
  std::vector<Candidate> all;
  std::vector<std::string> all_layer;  // layer each came from, for messages
  const auto from_facility = [&](const model::Facility& f, std::size_t index) {
    Candidate c;
    c.id = f.id.empty() ? "fid " + std::to_string(f.ref.fid) : f.id;
    c.name = f.name;
    c.village_code = f.admin_code.size() >= 12 ? f.admin_code.substr(0, 12) : std::string();
    c.county_code = f.admin_code.size() >= 6 ? model::county_of(f.admin_code) : std::string();
    c.location = f.location;
    c.designated = f.model_level;
    c.facility = index;
    if (const auto it = village_of_code.find(c.village_code); it != village_of_code.end()) c.village = it->second;
    c.colocated = f.colocated;
    c.carriers = distinct_carriers(f);
    return c;
  };
  std::string cand_layer = "facilities";
  if (o.candidates == CandidateKind::outlets) {
    for (std::size_t i = 0; i < ds.facilities.size(); ++i)
      if (ds.facilities[i].tier == model::Tier::village_outlet) all.push_back(from_facility(ds.facilities[i], i));
  } else if (o.candidates == CandidateKind::layer) {
    cand_layer = "candidates";
    for (const auto& f : o.layer_candidates) {
      Candidate c = from_facility(f, kNoIndex);
      all.push_back(c);
    }
  } else {
    cand_layer = "villages";
    // A village stands in for the outlets it holds: co-location and carriers
    // come from its best outlet.
    std::unordered_map<std::string, std::vector<std::size_t>> outlets_of;
    for (std::size_t i = 0; i < ds.facilities.size(); ++i)
      if (ds.facilities[i].tier == model::Tier::village_outlet) outlets_of[ds.facilities[i].admin_code].push_back(i);
    for (std::size_t i = 0; i < ds.villages.size(); ++i) {
      const model::Village& v = ds.villages[i];
      Candidate c;
      c.id = v.code;
      c.name = v.name;
      c.village_code = v.code;
      c.county_code = village_county(v);
      c.location = v.location;
      c.designated = v.model_level;
      c.village = i;
      if (const auto it = outlets_of.find(v.code); it != outlets_of.end()) {
        std::set<std::string> co;
        for (const std::size_t f : it->second) {
          c.carriers = std::max(c.carriers, distinct_carriers(ds.facilities[f]));
          if (!ds.facilities[f].colocated.empty()) co.insert(ds.facilities[f].colocated);
        }
        c.colocated = join(std::vector<std::string>(co.begin(), co.end()), ";");
      }
      all.push_back(c);
    }
  }
  if (all.empty())
    throw InputError({o.candidates == CandidateKind::layer ? o.layer_source : fac_source, cand_layer, "", ""},
                     o.candidates == CandidateKind::outlets ? "there is no village outlet to site" : "there are no candidates",
                     o.candidates == CandidateKind::outlets ? "add the village outlets, or use --candidates villages" : "");

  // Every --exclude must name a candidate: a typo would otherwise be ignored.
  std::set<std::string> exclude(o.exclude.begin(), o.exclude.end());
  for (const auto& id : exclude)
    if (std::none_of(all.begin(), all.end(), [&](const Candidate& c) { return c.id == id; }))
      throw UsageError("--exclude: '" + id + "' is not a candidate (" + cand_layer + ")",
                       o.candidates == CandidateKind::villages ? "name villages by their 12-digit code"
                                                               : "name outlets by their facility id");
  const std::set<std::string> colocated(o.colocated.begin(), o.colocated.end());
  {
    Progress prog(o.progress, "attaching candidates", all.size());
    for (Candidate& c : all) {
      prog.advance();
      const Attach a = attach(c.location);
      c.on_network = a.on;
      c.main_component = a.main;
      if (a.on) c.snap_m = a.sp.distance_m;
      const bool designated = o.use_designated && c.designated != model::ModelLevel::none;
      std::string reason;
      if (exclude.count(c.id)) reason = "excluded";
      else if (c.county_code.empty()) reason = "no_county";
      else if (!a.on && !designated) reason = finite(c.location) ? "beyond_max_snap" : "no_coordinates";
      else if (!designated && o.main_component_only && !a.main) reason = "not_main_component";
      else if (!designated && !colocated.empty()) {
        bool ok = false;
        for (const auto& part : split(c.colocated, ';')) ok = ok || colocated.count(std::string(trim(part)));
        if (!ok) reason = "colocated";
      }
      if (reason.empty() && !designated && c.carriers < o.min_carriers) reason = "min_carriers";
      if (!reason.empty()) {
        in.left_out.push_back({cand_layer, c.id, reason});
        continue;
      }
      if (!a.on) in.left_out.push_back({cand_layer, c.id, finite(c.location) ? "beyond_max_snap" : "no_coordinates"});
      if (finite(c.location)) c.xy = snapper.projector().to_local(c.location);
      in.candidates.push_back(c);
    }
  }
  if (in.candidates.empty())
    throw InputError({o.candidates == CandidateKind::layer ? o.layer_source : fac_source, cand_layer, "", ""},
                     "no candidate is left after the filters (" + std::to_string(all.size()) + " before)",
                     "relax --colocated, --min-carriers or --on-network, or raise --max-snap");
  {
    std::set<std::string> codes;
    for (const auto& c : in.candidates) codes.insert(c.county_code);
    in.counties.assign(codes.begin(), codes.end());
  }

  // Travel times: one search per candidate, from the candidate (the way its
  // parcels and its staff go out), bounded at the cutoff.
  const auto t0 = std::chrono::steady_clock::now();
  in.cutoff_min = o.objective == Objective::p_median ? std::max(o.cutoff_min, o.time_min) : o.time_min;
  const double cutoff_s = in.cutoff_min * 60.0;
  // A bound on speed turns the time cutoff into a radius for the village grid.
  double vmax_mps = o.access_kmh / 3.6;
  {
    const auto len = g.lengths_m();
    const auto tim = g.times_s();
    for (std::size_t a = 0; a < len.size(); ++a)
      if (tim[a] > 0) vmax_mps = std::max(vmax_mps, static_cast<double>(len[a]) / tim[a]);
  }
  const double radius_m = cutoff_s * vmax_mps * 1.01 + 1.0;
  std::vector<XY> vxy(ds.villages.size(), XY{std::numeric_limits<double>::quiet_NaN(), 0.0});
  for (std::size_t i = 0; i < ds.villages.size(); ++i)
    if (vat[i].on) vxy[i] = snapper.projector().to_local(ds.villages[i].location);
  const geo::GridIndex vgrid(vxy, std::clamp(radius_m / 4.0, 500.0, 20000.0));
  in.reach.resize(in.candidates.size());
  network::DijkstraOptions dopt;
  dopt.metric = network::Metric::time_s;
  dopt.max_cost = cutoff_s;
  {
    Progress prog(o.progress, "travel times from candidates", in.candidates.size());
    // Labels reused across the searches: each costs what it reaches, not the graph.
    network::PathLabels labels;
    std::vector<std::uint32_t> touched;
    for (std::size_t j = 0; j < in.candidates.size(); ++j, prog.advance()) {
      const Candidate& c = in.candidates[j];
      if (!c.on_network) continue;
      const Attach a = attach(c.location);
      const auto sources = network::point_sources(snapper, g, a.sp, network::Metric::time_s, o.access_kmh);
      network::multi_source_dijkstra_into(g, sources, dopt, labels, touched);
      in.settled_nodes += labels.settled;
      const XY cxy = snapper.projector().to_local(c.location);
      std::vector<std::uint32_t> near = vgrid.within(cxy, radius_m);
      std::sort(near.begin(), near.end());
      for (const std::uint32_t i : near) {
        const network::SnapPoint& vp = vat[i].sp;
        double cost = network::arrival_cost(snapper, g, labels, vp, o.access_kmh).cost;
        if (vp.piece == a.sp.piece) {
          const double along =
              network::along_piece_cost(snapper, g, vp.piece, a.sp.along_m, vp.along_m, network::Metric::time_s);
          cost = std::min(cost, network::access_seconds(a.sp.distance_m, o.access_kmh) + along +
                                    network::access_seconds(vp.distance_m, o.access_kmh));
        }
        if (cost <= cutoff_s) in.reach[j].push_back({static_cast<std::int32_t>(i), cost / 60.0});
      }
    }
  }
  in.network_seconds = seconds_since(t0);

  // Spacing: close pairs from a grid of the candidates, confirmed on the ellipsoid.
  if (o.spacing_m > 0) {
    std::vector<XY> cxy(in.candidates.size());
    for (std::size_t j = 0; j < cxy.size(); ++j) cxy[j] = in.candidates[j].xy;
    // The planar zone stretches lengths by at most 1.4e-4: a slightly larger
    // radius keeps every pair the geodesic test could accept.
    const double r = o.spacing_m * 1.001 + 1.0;
    const geo::GridIndex cgrid(cxy, r);
    cgrid.for_each_close_pair(r, [&](std::uint32_t a, std::uint32_t b, double) {
      if (geo::geodesic_distance(in.candidates[a].location, in.candidates[b].location).value() < o.spacing_m)
        in.conflicts.emplace_back(static_cast<int>(a), static_cast<int>(b));
    });
    std::sort(in.conflicts.begin(), in.conflicts.end());
  }
  return in;
}

}  // namespace ruralnet::siting
