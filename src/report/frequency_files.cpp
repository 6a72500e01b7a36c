// The frequency outputs: JSON summary, village CSV, GeoPackage layers and the
// Markdown summary with the consolidation comparison.
#include <cmath>
#include <sstream>

#include "ruralnet/report/csv.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/io/atomic_file.hpp"
#include "ruralnet/report/frequency.hpp"

namespace ruralnet::report {

namespace {

using frequency::kNone;
using nlohmann::json;

json num(double v, double scale = 1000.0) { return json_number(v, scale); }

std::string text(double v, int decimals) { return std::isfinite(v) ? fixed(v, decimals) : "–"; }
std::string pct(double rate) { return std::isfinite(rate) ? fixed(rate * 100.0, 1) + "%" : "–"; }
std::string signed_text(double v, int decimals) {
  if (!std::isfinite(v)) return "–";
  return (v > 0 ? "+" : "") + fixed(v, decimals);
}

std::string station_id(const model::Dataset& ds, std::size_t f) { return f == kNone ? "" : ds.facilities[f].id; }

const std::string& village_township(const model::Village& v, std::string& tmp) {
  if (!v.township_code.empty()) return v.township_code;
  tmp = v.code.substr(0, std::min<std::size_t>(9, v.code.size()));
  return tmp;
}

json area_json(const frequency::AreaFrequency& a, const frequency::FrequencyResult& r, const char* code_key,
               const char* name_key) {
  json hist = json::object();
  for (std::size_t k = 0; k < a.visits_histogram.size(); ++k) hist[std::to_string(k)] = a.visits_histogram[k];
  json j;
  if (code_key) j[code_key] = a.code;
  if (name_key) j[name_key] = a.name;
  j["villages"] = a.villages;
  j["villages_at_target"] = a.at_target;
  j["share_at_target"] = num(a.share_at_target, 1e6);
  j["mean_visits_week"] = num(a.mean_visits);
  j["visits_histogram"] = hist;
  j["vehicle_km_week"] = num(a.vehicle_km_week);
  j["vehicle_hours_week"] = num(a.vehicle_hours_week);
  j["parcels_week"] = num(a.parcels_week, 10.0);
  j["cost_week"] = num(a.cost_week, 100.0);
  j["cost_per_parcel"] = num(a.cost_per_parcel, 1e4);
  if (r.options.consolidate) {
    const double nv = static_cast<double>(a.villages);
    j["consolidation"] = {
        {"separate",
         {{"villages_at_target", a.at_target_separate},
          {"share_at_target", num(a.villages ? static_cast<double>(a.at_target_separate) / nv : std::nan(""), 1e6)},
          {"mean_visits_week", num(a.mean_visits_separate)},
          {"vehicle_km_week", num(a.vehicle_km_week_separate)},
          {"vehicle_hours_week", num(a.vehicle_hours_week_separate)},
          {"cost_week", num(a.cost_week_separate, 100.0)},
          {"cost_per_parcel", num(a.cost_per_parcel_separate, 1e4)}}},
        {"delta_vehicle_km_week", num(a.vehicle_km_week - a.vehicle_km_week_separate)},
        {"delta_vehicle_hours_week", num(a.vehicle_hours_week - a.vehicle_hours_week_separate)},
        {"delta_cost_per_parcel", num(a.cost_per_parcel - a.cost_per_parcel_separate, 1e4)},
        {"delta_mean_visits_week", num(a.mean_visits - a.mean_visits_separate)},
        {"delta_villages_at_target", static_cast<long long>(a.at_target) - static_cast<long long>(a.at_target_separate)}};
  }
  return j;
}

json fleet_json(const frequency::FleetSummary& f) {
  json j;
  if (!f.carrier.empty()) j["carrier"] = f.carrier;
  j["vehicles"] = f.vehicles;
  j["feasible"] = f.feasible;
  j["visits_all_stops"] = f.base_visits;
  j["raised_stops"] = f.raised;
  j["raised_visits"] = f.raised_visits;
  j["routes_week"] = f.routes;
  j["vehicle_km_week"] = num(f.vehicle_km_week);
  j["vehicle_hours_week"] = num(f.vehicle_hours_week);
  j["utilisation"] = num(f.utilisation, 1e4);
  j["parcels_week"] = num(f.parcels_week, 10.0);
  j["cost_week"] = num(f.cost_week, 100.0);
  j["cost_per_parcel"] = num(f.parcels_week > 0 ? f.cost_week / f.parcels_week : std::nan(""), 1e4);
  return j;
}

}  // namespace

json frequency_json(const model::Dataset& ds, const frequency::FrequencyResult& r) {
  const frequency::FrequencyOptions& o = r.options;
  json j;
  j["schema"] = frequency::kSchema;
  j["dataset"] = ds.path;
  j["dataset_fingerprint"] = model::fingerprint(ds);
  json add = json::object();
  for (const auto& [id, n] : o.add_vehicles) add[id] = n;
  j["options"] = {{"target", o.target},
                  {"days", o.days},
                  {"parcels_per_person", o.parcels_per_person},
                  {"vehicles", o.vehicles},
                  {"capacity_parcels", o.capacity},
                  {"shift_hours", o.shift_hours},
                  {"stop_min", o.stop_min},
                  {"cost_per_km", o.cost_per_km},
                  {"cost_per_hour", o.cost_per_hour},
                  {"add_vehicles", add},
                  {"consolidate", o.consolidate},
                  {"carriers", o.carriers},
                  {"solver_rounds", o.solver_rounds},
                  {"max_snap_m", o.coverage.max_snap_m},
                  {"access_kmh", o.coverage.access_kmh},
                  {"station_threshold_min", o.coverage.station_threshold_min},
                  {"outlet_radius_m", o.coverage.outlet_radius_m}};
  j["city"] = area_json(r.city, r, "code", nullptr);
  j["counties"] = json::array();
  for (const auto& a : r.counties) j["counties"].push_back(area_json(a, r, "county_code", "county_name"));
  j["townships"] = json::array();
  for (const auto& a : r.townships) j["townships"].push_back(area_json(a, r, "township_code", "township_name"));
  j["stations"] = json::array();
  for (const auto& s : r.stations) {
    json infeasible = json::array();
    for (const std::size_t k : s.infeasible) infeasible.push_back(r.stops[k].id);
    json st = {{"id", s.id},
               {"name", s.name},
               {"township_code", s.township_code},
               {"county_code", s.county_code},
               {"vehicles", s.vehicles},
               {"added_vehicles", s.added_vehicles},
               {"capacity_parcels", s.capacity},
               {"shift_hours", s.shift_hours},
               {"working_days", s.days},
               {"stop_min", s.stop_min},
               {"stops", s.stops.size()},
               {"infeasible_stops", infeasible},
               {"plan", fleet_json(s.shared)}};
    st["plan"]["merged_separate"] = s.shared.merged_separate;
    if (o.consolidate) {
      json sep = json::array();
      for (const auto& f : s.separate) sep.push_back(fleet_json(f));
      st["separate"] = sep;
    }
    j["stations"].push_back(st);
  }
  j["findings"] = json::array();
  for (const auto& f : r.findings)
    j["findings"].push_back({{"kind", f.kind}, {"station", f.station}, {"stop", f.stop}, {"message", f.message}});
  std::size_t shared_routes = 0;
  for (const auto& rt : r.routes) shared_routes += rt.plan == "shared" ? 1 : 0;
  j["stats"] = {{"stops", r.stops.size()},
                {"routes_week", shared_routes},
                {"routes_week_separate", r.routes.size() - shared_routes},
                {"searches", r.searches},
                {"weeks_solved", r.weeks_solved},
                {"coverage_seconds", num(r.coverage_seconds)},
                {"matrix_seconds", num(r.matrix_seconds)},
                {"solve_seconds", num(r.solve_seconds)}};
  return j;
}

std::string frequency_csv(const model::Dataset& ds, const frequency::FrequencyResult& r) {
  std::ostringstream out;
  out << "code,name,township_code,county_code,station,stop_kind,stop,parcels_day,visits_week,days,at_target,reason";
  if (r.options.consolidate) out << ",visits_week_separate,days_separate";
  out << "\n";
  for (const auto& v : r.villages) {
    const model::Village& dv = ds.villages[v.village];
    std::string tmp;
    const std::string& tc = village_township(dv, tmp);
    out << csv_text(dv.code) << ',' << csv_text(dv.name) << ',' << csv_text(tc) << ',' << csv_text(tc.substr(0, std::min<std::size_t>(6, tc.size())))
        << ',' << csv_text(station_id(ds, v.station)) << ','
        << (v.stop == kNone ? "" : frequency::to_string(r.stops[v.stop].kind)) << ','
        << csv_text(v.stop == kNone ? "" : r.stops[v.stop].id) << ',' << fixed(v.parcels_day, 2) << ',' << v.visits_week << ','
        << csv_text(frequency::day_list(v.days)) << ',' << (v.visits_week >= r.options.target ? 1 : 0) << ',' << v.reason;
    if (r.options.consolidate) out << ',' << v.visits_week_separate << ',' << csv_text(frequency::day_list(v.days_separate));
    out << "\n";
  }
  return out.str();
}

std::vector<io::LayerData> frequency_layers(const model::Dataset& ds, const frequency::FrequencyResult& r) {
  using io::FieldType;
  io::LayerData routes;
  routes.schema = {"routes",
                   io::GeometryType::linestring,
                   {{"station", FieldType::text},
                    {"station_name", FieldType::text},
                    {"county_code", FieldType::text},
                    {"plan", FieldType::text},
                    {"carrier", FieldType::text},
                    {"day", FieldType::text},
                    {"day_index", FieldType::integer},
                    {"vehicle", FieldType::integer},
                    {"trip", FieldType::integer},
                    {"stops", FieldType::text},
                    {"stop_count", FieldType::integer},
                    {"load_parcels", FieldType::real},
                    {"capacity_parcels", FieldType::real},
                    {"length_m", FieldType::real},
                    {"duration_min", FieldType::real},
                    {"vehicle_day_min", FieldType::real},
                    {"shift_min", FieldType::real}}};
  for (const auto& rt : r.routes) {
    const model::Facility& st = ds.facilities[rt.station];
    std::string stops;
    for (const std::size_t k : rt.stops) stops += (stops.empty() ? "" : ";") + r.stops[k].id;
    io::Feature f;
    f.geometry = rt.geometry;
    f.values = {st.id,
                st.name,
                st.admin_code.substr(0, std::min<std::size_t>(6, st.admin_code.size())),
                rt.plan,
                rt.carrier.empty() ? io::FieldValue{} : io::FieldValue{rt.carrier},
                std::string(frequency::day_name(rt.day)),
                std::int64_t{rt.day},
                std::int64_t{rt.vehicle},
                std::int64_t{rt.trip},
                stops,
                static_cast<std::int64_t>(rt.stops.size()),
                std::round(rt.load * 100.0) / 100.0,
                rt.capacity,
                std::round(rt.length_m * 10.0) / 10.0,
                std::round(rt.duration_min * 1000.0) / 1000.0,
                std::round(rt.vehicle_day_min * 1000.0) / 1000.0,
                rt.shift_min};
    routes.features.push_back(std::move(f));
  }
  io::LayerData villages;
  villages.schema = {"villages_frequency",
                     io::GeometryType::point,
                     {{"code", FieldType::text},
                      {"name", FieldType::text},
                      {"county_code", FieldType::text},
                      {"township_code", FieldType::text},
                      {"station", FieldType::text},
                      {"stop", FieldType::text},
                      {"stop_kind", FieldType::text},
                      {"parcels_day", FieldType::real},
                      {"visits_week", FieldType::integer},
                      {"days", FieldType::text},
                      {"at_target", FieldType::integer},
                      {"reason", FieldType::text},
                      {"visits_week_separate", FieldType::integer},
                      {"days_separate", FieldType::text}}};
  for (const auto& v : r.villages) {
    const model::Village& dv = ds.villages[v.village];
    std::string tmp;
    const std::string& tc = village_township(dv, tmp);
    io::Feature f;
    if (std::isfinite(dv.location.lon) && std::isfinite(dv.location.lat)) f.geometry = dv.location;
    const bool sep = r.options.consolidate;
    f.values = {dv.code,
                dv.name,
                tc.substr(0, std::min<std::size_t>(6, tc.size())),
                tc,
                v.station == kNone ? io::FieldValue{} : io::FieldValue{station_id(ds, v.station)},
                v.stop == kNone ? io::FieldValue{} : io::FieldValue{r.stops[v.stop].id},
                v.stop == kNone ? io::FieldValue{} : io::FieldValue{std::string(frequency::to_string(r.stops[v.stop].kind))},
                std::round(v.parcels_day * 100.0) / 100.0,
                std::int64_t{v.visits_week},
                frequency::day_list(v.days),
                std::int64_t{v.visits_week >= r.options.target ? 1 : 0},
                v.reason.empty() ? io::FieldValue{} : io::FieldValue{v.reason},
                sep ? io::FieldValue{std::int64_t{v.visits_week_separate}} : io::FieldValue{},
                sep ? io::FieldValue{frequency::day_list(v.days_separate)} : io::FieldValue{}};
    villages.features.push_back(std::move(f));
  }
  return {std::move(routes), std::move(villages)};
}

std::string frequency_markdown(const model::Dataset& ds, const frequency::FrequencyResult& r) {
  const frequency::FrequencyOptions& o = r.options;
  std::ostringstream md;
  const auto& c = r.city;
  md << "# Weekly delivery frequency\n\n";
  md << "Dataset: `" << ds.path << "` (fingerprint " << model::fingerprint(ds) << ")\n\n";
  md << "Target: " << o.target << " deliveries a week; " << o.days << " working days; costs " << text(o.cost_per_km, 2)
     << " yuan per vehicle-km and " << text(o.cost_per_hour, 2) << " yuan per vehicle-hour.\n\n";
  md << "**" << c.at_target << " of " << c.villages << " villages (" << pct(c.share_at_target) << ") get at least "
     << o.target << " deliveries a week**; " << text(c.vehicle_km_week, 0) << " vehicle-km and "
     << text(c.vehicle_hours_week, 0) << " vehicle-hours a week, " << text(c.cost_per_parcel, 2)
     << " yuan per parcel.\n\n";
  md << "## Villages by deliveries a week\n\n| visits a week |";
  for (int k = 0; k <= frequency::kMaxDays; ++k) md << ' ' << k << " |";
  md << "\n|---|";
  for (int k = 0; k <= frequency::kMaxDays; ++k) md << "---|";
  md << "\n| villages |";
  for (const std::size_t n : c.visits_histogram) md << ' ' << n << " |";
  md << "\n\n## Counties\n\n";
  md << "| county | villages | at target | share | mean visits | vehicle-km/week | vehicle-h/week | yuan/parcel |\n";
  md << "|---|---|---|---|---|---|---|---|\n";
  for (const auto& a : r.counties)
    md << "| " << a.name << " (" << a.code << ") | " << a.villages << " | " << a.at_target << " | " << pct(a.share_at_target)
       << " | " << text(a.mean_visits, 2) << " | " << text(a.vehicle_km_week, 0) << " | " << text(a.vehicle_hours_week, 0)
       << " | " << text(a.cost_per_parcel, 2) << " |\n";
  if (o.consolidate) {
    md << "\n## Consolidation: carriers' separate fleets against one shared fleet per station\n\n";
    md << "| county | vehicle-km separate | shared | change | yuan/parcel separate | shared | change | mean visits separate | shared | at target separate | shared |\n";
    md << "|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto* a : [&] {
           std::vector<const frequency::AreaFrequency*> v;
           for (const auto& x : r.counties) v.push_back(&x);
           v.push_back(&r.city);
           return v;
         }()) {
      md << "| " << (a->level == "city" ? std::string("**city**") : a->name) << " | " << text(a->vehicle_km_week_separate, 0)
         << " | " << text(a->vehicle_km_week, 0) << " | " << signed_text(a->vehicle_km_week - a->vehicle_km_week_separate, 0)
         << " | " << text(a->cost_per_parcel_separate, 2) << " | " << text(a->cost_per_parcel, 2) << " | "
         << signed_text(a->cost_per_parcel - a->cost_per_parcel_separate, 2) << " | " << text(a->mean_visits_separate, 2)
         << " | " << text(a->mean_visits, 2) << " | " << a->at_target_separate << " | " << a->at_target << " |\n";
    }
    std::size_t merged = 0;
    for (const auto& s : r.stations) merged += s.shared.merged_separate ? 1 : 0;
    md << "\nThe shared plan may not drive more than the separate plans it replaces; at " << merged
       << " station(s) it could not do better and keeps the separate routes.\n";
  }
  std::size_t below = 0;
  for (const auto& f : r.findings) below += f.kind == "below_target" ? 1 : 0;
  md << "\n## Stations\n\n" << r.stations.size() << " township stations, " << r.stops.size() << " stops; " << below
     << " station(s) cannot give every stop " << o.target << " visits a week.\n\n";
  std::ostringstream rows;
  for (const auto& s : r.stations) {
    if (s.stops.empty()) continue;
    if (s.shared.base_visits >= o.target && s.infeasible.empty()) continue;
    rows << "| " << s.id << " " << s.name << " | " << s.vehicles << " | " << s.stops.size() << " | " << s.shared.base_visits
         << (s.shared.raised ? " (" + std::to_string(s.shared.raised) + " stops " + std::to_string(s.shared.raised_visits) + ")" : "")
         << " | " << s.infeasible.size() << " | " << text(s.shared.vehicle_km_week, 0) << " | " << pct(s.shared.utilisation) << " |\n";
  }
  if (!rows.str().empty())
    md << "Stations below the target or with stops they cannot serve:\n\n"
       << "| station | vehicles | stops | visits (all stops) | stops beyond reach | vehicle-km/week | utilisation |\n"
       << "|---|---|---|---|---|---|---|\n"
       << rows.str();

  if (!r.findings.empty()) {
    md << "\n## Findings\n\n";
    std::size_t listed = 0, left = 0;
    for (const auto& f : r.findings) {
      if (f.kind == "below_target") continue;
      if (listed < 40) {
        md << "- " << f.kind << ": " << f.message << "\n";
        ++listed;
      } else {
        ++left;
      }
    }
    if (left) md << "- ... and " << left << " more in " << kFrequencyJson << "\n";
  }
  return md.str();
}

void write_frequency(const std::filesystem::path& dir, const model::Dataset& ds, const frequency::FrequencyResult& r,
                     bool overwrite) {
  const std::string json = frequency_json(ds, r).dump(2) + "\n";
  const std::string csv = frequency_csv(ds, r);
  const std::string md = frequency_markdown(ds, r);
  const auto layers = frequency_layers(ds, r);
  io::write_atomic(dir, overwrite, [&](const std::filesystem::path& tmp) {
    std::filesystem::create_directories(tmp);
    io::write_text_file_atomic(tmp / kFrequencyJson, json, false);
    io::write_text_file_atomic(tmp / kFrequencyCsv, csv, false);
    io::write_text_file_atomic(tmp / kFrequencyMarkdown, md, false);
    io::write_layers(tmp / kFrequencyGpkg, layers, io::WriteOptions{}, false);
  });
}

}  // namespace ruralnet::report
