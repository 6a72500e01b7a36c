// The `ruralnet site` outputs: JSON summary, sites CSV, GeoPackage (sites and
// assignment) and the Markdown explanation per county.
#include "ruralnet/report/csv.hpp"
#include "ruralnet/report/siting.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "ruralnet/core/text.hpp"
#include "ruralnet/io/atomic_file.hpp"

namespace ruralnet::report {

namespace {

using io::FieldType;
using io::FieldValue;
using nlohmann::json;
using siting::SitingResult;

// Figures to 1/1000: finer than any input supports and stable against
// last-bit differences.
double r3(double v) { return std::round(v * 1000.0) / 1000.0; }
json jnum(double v) { return json_number(v); }
FieldValue real(double v) { return std::isfinite(v) ? FieldValue(r3(v)) : FieldValue(); }
FieldValue integer(long long v) { return FieldValue(static_cast<std::int64_t>(v)); }
FieldValue flag(bool b) { return FieldValue(std::int64_t{b ? 1 : 0}); }
FieldValue text(const std::string& s) { return s.empty() ? FieldValue() : FieldValue(s); }
bool finite(LonLat p) { return std::isfinite(p.lon) && std::isfinite(p.lat); }
std::string pct(double part, double whole) { return whole > 0 ? fixed(100.0 * part / whole, 1) + "%" : "–"; }

std::string candidates_text(siting::CandidateKind k) {
  switch (k) {
    case siting::CandidateKind::outlets: return "outlets";
    case siting::CandidateKind::villages: return "villages";
    case siting::CandidateKind::layer: return "layer";
  }
  return "?";
}

std::string objective_meaning(siting::Objective o) {
  switch (o) {
    case siting::Objective::mclp: return "weighted demand within T of a site of the level's network";
    case siting::Objective::p_median: return "weighted minutes to the nearest site of the level's network";
    case siting::Objective::set_cover: return "sites of the level's network (levels above included)";
  }
  return "";
}

const std::vector<io::FieldDef>& site_fields() {
  static const std::vector<io::FieldDef> f = {
      {"level", FieldType::text},           {"rank", FieldType::integer},
      {"site_id", FieldType::text},         {"name", FieldType::text},
      {"village_code", FieldType::text},    {"county", FieldType::text},
      {"county_name", FieldType::text},     {"designated", FieldType::boolean},
      {"covered_demand", FieldType::real},  {"covered_population", FieldType::real},
      {"villages_covered", FieldType::integer}, {"poor_villages_covered", FieldType::integer},
      {"flood_villages_covered", FieldType::integer}, {"marginal_gain", FieldType::real},
      {"colocated", FieldType::text},       {"carriers", FieldType::integer},
      {"snap_m", FieldType::real},          {"lon", FieldType::real},
      {"lat", FieldType::real}};
  return f;
}

std::vector<FieldValue> site_row(const SitingResult& r, const siting::SiteRow& s) {
  const siting::Candidate& c = r.input.candidates[s.candidate];
  return {text(siting::to_string(s.level)),
          integer(s.rank),
          text(c.id),
          text(c.name),
          text(c.village_code),
          text(c.county_code),
          text(r.county_name(c.county_code)),
          flag(s.designated),
          real(s.covered_demand),
          real(s.covered_population),
          integer(s.villages_covered),
          integer(s.poor_villages_covered),
          integer(s.flood_villages_covered),
          real(s.marginal_gain),
          text(c.colocated),
          integer(c.carriers),
          std::isfinite(c.snap_m) ? FieldValue(std::round(c.snap_m * 100.0) / 100.0) : FieldValue(),
          finite(c.location) ? FieldValue(std::round(c.location.lon * 1e7) / 1e7) : FieldValue(),
          finite(c.location) ? FieldValue(std::round(c.location.lat * 1e7) / 1e7) : FieldValue()};
}

}  // namespace

json siting_json(const model::Dataset& ds, const SitingResult& r, const std::string& plan_file) {
  const auto& o = r.options;
  const auto& in = r.input;
  json j;
  j["schema"] = siting::kSchema;
  j["dataset"] = ds.path;
  j["dataset_fingerprint"] = model::fingerprint(ds);
  j["local_crs"] = in.local_crs;
  json levels = json::array();
  for (const auto& l : o.levels) levels.push_back(siting::to_string(l.level));
  j["options"] = {{"model", siting::to_string(o.objective)},
                  {"time_min", o.time_min},
                  {"cutoff_min", in.cutoff_min},
                  {"levels", levels},
                  {"plan", plan_file.empty() ? json(nullptr) : json(plan_file)},
                  {"candidates", candidates_text(o.candidates)},
                  {"candidate_layer", o.layer_source.empty() ? json(nullptr) : json(o.layer_source)},
                  {"colocated", o.colocated},
                  {"min_carriers", o.min_carriers},
                  {"on_network", o.main_component_only},
                  {"exclude", o.exclude},
                  {"designated_fixed", o.use_designated},
                  {"spacing_m", o.spacing_m},
                  {"capacity", o.capacity ? json(*o.capacity) : json(nullptr)},
                  {"poor_weight", o.poor_weight},
                  {"flood_weight", o.flood_weight},
                  {"exact", o.exact},
                  {"max_snap_m", o.max_snap_m},
                  {"access_kmh", o.access_kmh}};
  std::size_t pairs = 0;
  for (const auto& l : in.reach) pairs += l.size();
  std::map<std::string, std::size_t> by_reason;
  json left = json::array();
  for (const auto& x : in.left_out) {
    ++by_reason[x.layer + "." + x.reason];
    left.push_back({{"layer", x.layer}, {"id", x.id}, {"reason", x.reason}});
  }
  json waived = json::array();
  for (const auto& [a, b] : r.waived_conflicts)
    waived.push_back({in.candidates[a].id, in.candidates[b].id});
  j["input"] = {{"villages", in.demand.size()},
                {"villages_without_population", in.villages_without_population},
                {"candidates", in.candidates.size()},
                {"reach_pairs", pairs},
                {"spacing_conflicts", in.conflicts.size()},
                {"designated_closer_than_spacing", waived},
                {"settled_nodes", in.settled_nodes},
                {"network_seconds", jnum(in.network_seconds)},
                {"left_out_counts", by_reason},
                {"left_out", left}};
  j["objective_meaning"] = objective_meaning(o.objective);
  json lv = json::array();
  for (const auto& l : r.levels) {
    const auto& s = l.solution;
    lv.push_back({{"level", siting::to_string(l.level)},
                  {"model", siting::to_string(o.objective)},
                  {"city_target", l.spec.city_target},
                  {"sites", l.sites},
                  {"designated", l.designated},
                  {"objective", jnum(s.objective)},
                  {"bound", jnum(s.bound)},
                  {"gap", std::isfinite(s.gap) ? json(std::round(s.gap * 1e6) / 1e6) : json(nullptr)},
                  {"proven_optimal", s.proven_optimal},
                  {"method", s.method},
                  {"seconds", jnum(s.seconds)},
                  {"total_demand", jnum(l.total_demand)},
                  {"covered_demand", jnum(l.covered_demand)},
                  {"covered_population", jnum(l.covered_population)},
                  {"villages_covered", l.villages_covered},
                  {"poor_villages_covered", l.poor_villages_covered}});
  }
  j["levels"] = lv;
  json counties = json::array();
  for (const auto& c : r.counties)
    counties.push_back({{"county_code", c.county_code},
                        {"county_name", c.county_name},
                        {"level", siting::to_string(c.level)},
                        {"quota", c.quota},
                        {"quota_exact", c.quota_exact},
                        {"chosen", c.chosen},
                        {"designated", c.designated},
                        {"met", c.met},
                        {"villages", c.villages},
                        {"poor_villages", c.poor_villages},
                        {"demand", jnum(c.demand)},
                        {"population", jnum(c.population)},
                        {"covered_demand", jnum(c.covered_demand)},
                        {"covered_population", jnum(c.covered_population)},
                        {"poor_villages_covered", c.poor_villages_covered}});
  j["counties"] = counties;
  json sites = json::array();
  for (const auto& s : r.sites) {
    const auto& c = in.candidates[s.candidate];
    sites.push_back({{"level", siting::to_string(s.level)},
                     {"rank", s.rank},
                     {"site_id", c.id},
                     {"name", c.name},
                     {"village_code", c.village_code},
                     {"county_code", c.county_code},
                     {"designated", s.designated},
                     {"covered_demand", jnum(s.covered_demand)},
                     {"marginal_gain", jnum(s.marginal_gain)},
                     {"poor_villages_covered", s.poor_villages_covered}});
  }
  j["sites"] = sites;
  return j;
}

std::string siting_csv(const model::Dataset&, const SitingResult& r) {
  std::string out;
  const auto& fields = site_fields();
  for (std::size_t k = 0; k < fields.size(); ++k) out += (k ? "," : "") + fields[k].name;
  out += "\r\n";
  for (const auto& s : r.sites) {
    const auto row = site_row(r, s);
    for (std::size_t k = 0; k < row.size(); ++k) out += (k ? "," : "") + csv_cell(row[k], 7);
    out += "\r\n";
  }
  return out;
}

std::vector<io::LayerData> siting_layers(const model::Dataset& ds, const SitingResult& r) {
  std::vector<io::LayerData> layers(2);
  auto& sl = layers[0];
  sl.schema = {"sites", io::GeometryType::point, site_fields()};
  for (const auto& s : r.sites) {
    io::Feature f;
    const auto& c = r.input.candidates[s.candidate];
    if (finite(c.location)) f.geometry = c.location;
    f.values = site_row(r, s);
    sl.features.push_back(std::move(f));
  }
  auto& al = layers[1];
  al.schema = {"assignment",
               io::GeometryType::linestring,
               {{"level", FieldType::text},
                {"village_code", FieldType::text},
                {"village_name", FieldType::text},
                {"county", FieldType::text},
                {"site_id", FieldType::text},
                {"site_level", FieldType::text},
                {"site_name", FieldType::text},
                {"time_min", FieldType::real},
                {"demand", FieldType::real},
                {"amount", FieldType::real},
                {"covered", FieldType::boolean},
                {"poor", FieldType::boolean},
                {"flood_zone", FieldType::boolean}}};
  std::map<int, std::string> level_of_site;
  for (const auto& s : r.sites) level_of_site[s.candidate] = siting::to_string(s.level);
  for (const auto& a : r.assignment) {
    const auto& d = r.input.demand[a.demand];
    const auto& v = ds.villages[d.village];
    const auto& c = r.input.candidates[a.candidate];
    io::Feature f;
    if (finite(v.location) && finite(c.location)) f.geometry = model::LineString{v.location, c.location};
    const auto lv = level_of_site.find(a.candidate);
    f.values = {text(siting::to_string(a.level)),
                text(v.code),
                text(v.name),
                text(d.county_code),
                text(c.id),
                lv == level_of_site.end() ? FieldValue() : text(lv->second),
                text(c.name),
                real(a.time_min),
                real(d.weight),
                real(a.amount),
                flag(a.covered),
                flag(d.poor),
                flag(d.flood_zone)};
    al.features.push_back(std::move(f));
  }
  return layers;
}

std::string siting_markdown(const model::Dataset& ds, const SitingResult& r) {
  const auto& o = r.options;
  const auto& in = r.input;
  std::string m;
  m += "# Siting of model village e-commerce outlets\n\n";
  m += "Dataset: `" + ds.path + "`. Model: " + siting::to_string(o.objective) + ", T = " + fixed(o.time_min, 1) +
       " minutes by road from the site. Demand: village population × " + fixed(o.poor_weight, 2) + " for a poor village × " +
       fixed(o.flood_weight, 2) + " for a flood-zone village. Candidates: " + candidates_text(o.candidates) + " (" +
       std::to_string(in.candidates.size()) + " usable" +
       (in.left_out.empty() ? std::string() : ", " + std::to_string(in.left_out.size()) + " points left out, listed in siting.json") +
       "). Designated model outlets are " + (o.use_designated ? "kept as fixed sites" : "ignored") +
       (o.spacing_m > 0 ? "; chosen sites are at least " + fixed(o.spacing_m, 0) + " m apart" : std::string()) +
       (o.capacity ? "; a site serves at most " + fixed(*o.capacity, 0) + " of demand" : std::string()) + ".\n\n";
  m += "| Level | Sites | Designated | Objective | Bound | Gap | Method | Demand covered | Poor villages covered |\n";
  m += "|---|---:|---:|---:|---:|---:|---|---:|---:|\n";
  for (const auto& l : r.levels) {
    const auto& s = l.solution;
    m += std::string("| ") + siting::to_string(l.level) + " | " + std::to_string(l.sites) + " | " +
         std::to_string(l.designated) + " | " + fixed(s.objective, 1) + " | " + fixed(s.bound, 1) + " | " +
         fixed(s.gap * 100.0, 3) + "% | " + s.method + (s.proven_optimal ? " (optimal)" : "") + " | " +
         pct(l.covered_demand, l.total_demand) + " | " + std::to_string(l.poor_villages_covered) + " |\n";
  }
  m += "\nObjective: " + objective_meaning(o.objective) +
       "; the municipal level's network holds the provincial sites too. The bound is proven (Lagrangian relaxation, or "
       "CBC's with --exact): no choice of sites does better than it.\n";

  std::map<std::string, std::vector<const siting::CountyStatus*>> status;
  for (const auto& c : r.counties) status[c.county_code].push_back(&c);
  std::map<std::string, std::vector<const siting::SiteRow*>> sites;
  for (const auto& s : r.sites) sites[in.candidates[s.candidate].county_code].push_back(&s);
  for (const auto& [code, list] : status) {
    const std::string name = r.county_name(code);
    m += "\n## " + (name.empty() ? code : name + " " + code) + "\n\n";
    m += "| Level | Quota | Chosen | Designated | Met | Demand covered | Population covered | Poor villages covered |\n";
    m += "|---|---:|---:|---:|---|---:|---:|---:|\n";
    for (const auto* c : list)
      m += std::string("| ") + siting::to_string(c->level) + " | " + (c->quota_exact ? "=" : "≥") +
           std::to_string(c->quota) + " | " + std::to_string(c->chosen) + " | " + std::to_string(c->designated) + " | " +
           (c->met ? "yes" : "**no**") + " | " + pct(c->covered_demand, c->demand) + " | " +
           fixed(c->covered_population, 0) + " of " + fixed(c->population, 0) + " | " +
           std::to_string(c->poor_villages_covered) + " of " + std::to_string(c->poor_villages) + " |\n";
    const auto it = sites.find(code);
    if (it == sites.end()) {
      m += "\nNo site chosen here.\n";
      continue;
    }
    m += "\nWhy each site:\n\n";
    for (const auto* s : it->second) {
      const auto& c = in.candidates[s->candidate];
      int quota = 0;
      for (const auto* st : list)
        if (st->level == s->level) quota = st->quota;
      m += std::string("- **") + siting::to_string(s->level) + " #" + std::to_string(s->rank) + " " + c.id +
           (c.name.empty() ? "" : " " + c.name) + "**" + (c.village_code.empty() ? "" : " (village " + c.village_code + ")") +
           ": ";
      if (s->designated) m += std::string("already designated a ") + siting::to_string(s->level) + " model outlet, kept. ";
      m += "Serves " + std::to_string(s->villages_covered) + (s->villages_covered == 1 ? " village" : " villages") + " within " + fixed(o.time_min, 0) + " min (" +
           std::to_string(s->poor_villages_covered) + " poor, " + std::to_string(s->flood_villages_covered) +
           " flood-zone; demand " + fixed(s->covered_demand, 0) + ", " + fixed(s->covered_population, 0) + " residents). ";
      if (s->marginal_gain > 0) {
        m += o.objective == siting::Objective::p_median
                 ? "Saves " + fixed(s->marginal_gain, 0) + " weighted minutes over the sites ranked above it"
                 : "Adds " + fixed(s->marginal_gain, 0) + " of demand no site ranked above it covers";
        m += ".\n";
      } else if (!s->designated) {
        m += "Adds nothing the sites ranked above it do not already give: chosen to meet the county's quota of " +
             std::to_string(quota) + ".\n";
      } else {
        m += "Adds nothing the sites ranked above it do not already give.\n";
      }
    }
  }
  if (!r.waived_conflicts.empty())
    m += "\n" + std::to_string(r.waived_conflicts.size()) +
         " pair(s) of designated sites are closer than the spacing; both are kept (siting.json lists them).\n";
  return m;
}

void write_siting(const std::filesystem::path& dir, const model::Dataset& ds, const SitingResult& r, bool overwrite,
                  const std::string& plan_file) {
  const std::string json = siting_json(ds, r, plan_file).dump(2) + "\n";
  const std::string csv = siting_csv(ds, r);
  const std::string md = siting_markdown(ds, r);
  const auto layers = siting_layers(ds, r);
  io::write_atomic(dir, overwrite, [&](const std::filesystem::path& tmp) {
    std::filesystem::create_directories(tmp);
    io::write_text_file_atomic(tmp / kSitingJson, json, false);
    io::write_text_file_atomic(tmp / kSitingCsv, csv, false);
    io::write_text_file_atomic(tmp / kSitingMarkdown, md, false);
    io::write_layers(tmp / kSitingGpkg, layers, io::WriteOptions{}, false);
  });
}

}  // namespace ruralnet::report
