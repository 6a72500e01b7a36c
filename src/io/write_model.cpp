// The contract's layers as features: schemas and values of model structs.
#include <algorithm>
#include <cmath>

#include "ruralnet/core/text.hpp"
#include "ruralnet/io/write.hpp"

namespace ruralnet::io {

namespace {

void add_extra(LayerSchema& s, const std::vector<std::string>& extra) {
  for (const auto& e : extra) s.fields.push_back({e, FieldType::text});
}

void push_extra(Feature& f, const model::ExtraFields& have, const std::vector<std::string>& extra) {
  for (const auto& name : extra) {
    const auto it = std::find_if(have.begin(), have.end(), [&](const auto& kv) { return kv.first == name; });
    if (it == have.end())
      f.values.emplace_back(std::monostate{});
    else
      f.values.emplace_back(it->second);
  }
}

FieldValue opt(const std::optional<double>& v) {
  if (!v) return std::monostate{};
  return *v;
}

FieldValue text_or_null(const std::string& s) {
  if (s.empty()) return std::monostate{};
  return s;
}

}  // namespace

const char* oneway_text(model::Oneway o) {
  switch (o) {
    case model::Oneway::no: return "no";
    case model::Oneway::forward: return "yes";
    case model::Oneway::backward: return "-1";
  }
  return "no";
}

LayerSchema counties_schema(const std::vector<std::string>& extra) {
  LayerSchema s{"counties", GeometryType::multipolygon, {{"code", FieldType::text}, {"name", FieldType::text}}};
  add_extra(s, extra);
  return s;
}

LayerSchema townships_schema(const std::vector<std::string>& extra) {
  LayerSchema s{"townships",
                GeometryType::multipolygon,
                {{"code", FieldType::text}, {"name", FieldType::text}, {"county_code", FieldType::text}}};
  add_extra(s, extra);
  return s;
}

LayerSchema villages_schema(const std::vector<std::string>& extra) {
  LayerSchema s{"villages",
                GeometryType::point,
                {{"code", FieldType::text},
                 {"name", FieldType::text},
                 {"township_code", FieldType::text},
                 {"population", FieldType::integer},
                 {"households", FieldType::integer},
                 {"poor", FieldType::boolean},
                 {"flood_zone", FieldType::boolean},
                 {"demand_parcels_day", FieldType::real},
                 {"model_level", FieldType::text}}};
  add_extra(s, extra);
  return s;
}

LayerSchema roads_schema(const std::vector<std::string>& extra, bool multi_lines) {
  LayerSchema s{"roads",
                multi_lines ? GeometryType::multilinestring : GeometryType::linestring,
                {{"id", FieldType::text},
                 {"class", FieldType::text},
                 {"speed_kmh", FieldType::real},
                 {"oneway", FieldType::text},
                 {"surface", FieldType::text},
                 {"county_code", FieldType::text},
                 {"program", FieldType::text},
                 {"status", FieldType::text},
                 {"declared_km", FieldType::real},
                 {"completed_on", FieldType::date},
                 {"start_stake", FieldType::text},
                 {"end_stake", FieldType::text}}};
  add_extra(s, extra);
  return s;
}

LayerSchema facilities_schema(const std::vector<std::string>& extra) {
  LayerSchema s{"facilities",
                GeometryType::point,
                {{"id", FieldType::text},
                 {"tier", FieldType::text},
                 {"name", FieldType::text},
                 {"admin_code", FieldType::text},
                 {"carriers", FieldType::text},
                 {"vehicles", FieldType::integer},
                 {"vehicle_capacity_parcels", FieldType::real},
                 {"shift_hours", FieldType::real},
                 {"colocated", FieldType::text},
                 {"model_level", FieldType::text}}};
  add_extra(s, extra);
  return s;
}

Feature to_feature(const model::County& c, const std::vector<std::string>& extra) {
  Feature f{c.geometry, {c.code, c.name}};
  push_extra(f, c.extra, extra);
  return f;
}

Feature to_feature(const model::Township& t, const std::vector<std::string>& extra) {
  Feature f{t.geometry, {t.code, t.name, t.county_code}};
  push_extra(f, t.extra, extra);
  return f;
}

Feature to_feature(const model::Village& v, const std::vector<std::string>& extra) {
  auto whole = [](const std::optional<double>& x) -> FieldValue {
    if (!x) return std::monostate{};
    return static_cast<std::int64_t>(std::llround(*x));
  };
  Feature f{v.location,
            {v.code, v.name, v.township_code, whole(v.population), whole(v.households),
             std::int64_t{v.poor ? 1 : 0}, std::int64_t{v.flood_zone ? 1 : 0}, opt(v.demand_parcels_day),
             std::string(model::to_string(v.model_level))}};
  push_extra(f, v.extra, extra);
  return f;
}

Feature to_feature(const model::RoadSegment& r, const std::vector<std::string>& extra) {
  Feature f;
  if (r.geometry.size() == 1)
    f.geometry = r.geometry.front();
  else
    f.geometry = r.geometry;
  const std::string cls = r.class_text.empty() ? model::to_string(r.road_class) : r.class_text;
  FieldValue status = std::monostate{};
  if (r.status != model::RoadStatus::unknown) status = std::string(model::to_string(r.status));
  FieldValue completed = std::monostate{};
  if (r.completed_on) completed = *r.completed_on;
  f.values = {r.id,
              cls,
              opt(r.speed_kmh),
              std::string(oneway_text(r.oneway)),
              text_or_null(r.surface),
              text_or_null(r.county_code),
              std::string(model::to_string(r.program)),
              status,
              opt(r.declared_km),
              completed,
              text_or_null(r.start_stake),
              text_or_null(r.end_stake)};
  push_extra(f, r.extra, extra);
  return f;
}

Feature to_feature(const model::Facility& x, const std::vector<std::string>& extra) {
  FieldValue vehicles = std::monostate{};
  if (x.vehicles) vehicles = static_cast<std::int64_t>(*x.vehicles);
  Feature f{x.location,
            {x.id, std::string(model::to_string(x.tier)), text_or_null(x.name), text_or_null(x.admin_code),
             text_or_null(join(x.carriers, ";")), vehicles, opt(x.vehicle_capacity_parcels), opt(x.shift_hours),
             text_or_null(x.colocated), std::string(model::to_string(x.model_level))}};
  push_extra(f, x.extra, extra);
  return f;
}

void write_dataset(const std::filesystem::path& target, const model::Dataset& ds, const WriteOptions& options,
                   bool overwrite, const std::vector<LayerData>& extra_tables) {
  write_vector(target, options, overwrite, [&](VectorWriter& w) {
    auto put = [&](const auto& items, LayerSchema schema, const std::vector<std::string>& extra) {
      if (items.empty()) return;
      const std::size_t h = w.add_layer(schema);
      for (const auto& it : items) w.write(h, to_feature(it, extra));
    };
    const auto ce = extra_field_names(ds.counties);
    put(ds.counties, counties_schema(ce), ce);
    const auto te = extra_field_names(ds.townships);
    put(ds.townships, townships_schema(te), te);
    const auto ve = extra_field_names(ds.villages);
    put(ds.villages, villages_schema(ve), ve);
    const auto re = extra_field_names(ds.roads);
    const bool multi = std::any_of(ds.roads.begin(), ds.roads.end(), [](const auto& r) { return r.geometry.size() != 1; });
    put(ds.roads, roads_schema(re, multi), re);
    const auto fe = extra_field_names(ds.facilities);
    put(ds.facilities, facilities_schema(fe), fe);
    for (const auto& t : extra_tables) {
      const std::size_t h = w.add_layer(t.schema);
      for (const auto& f : t.features) w.write(h, f);
    }
  });
}

}  // namespace ruralnet::io
