// The roads audit's files: CSV tables, the GeoPackage and the output folder.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "ruralnet/report/csv.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/io/atomic_file.hpp"
#include "ruralnet/io/write.hpp"
#include "ruralnet/report/roads.hpp"

namespace ruralnet::report {

namespace {

namespace fs = std::filesystem;
using io::FieldType;
using io::FieldValue;

FieldValue round_to(double v, double q) { return std::round(v / q) * q; }
FieldValue opt_round(const std::optional<double>& v, double q) {
  if (!v) return std::monostate{};
  return round_to(*v, q);
}
FieldValue flag(bool b) { return static_cast<std::int64_t>(b ? 1 : 0); }

io::LayerSchema segments_schema() {
  return {"segments",
          io::GeometryType::multilinestring,
          {{"id", FieldType::text},
           {"county_code", FieldType::text},
           {"program", FieldType::text},
           {"class", FieldType::text},
           {"status", FieldType::text},
           {"status_as_of", FieldType::text},
           {"completed_on", FieldType::date},
           {"declared_km", FieldType::real},
           {"measured_km", FieldType::real},
           {"declared_minus_measured_m", FieldType::real},
           {"start_stake", FieldType::text},
           {"end_stake", FieldType::text},
           {"stake_length_km", FieldType::real},
           {"double_counted_m", FieldType::real},
           {"unique_km", FieldType::real},
           {"self_overlap_m", FieldType::real},
           {"outside_county_share", FieldType::real},
           {"in_graph", FieldType::boolean},
           {"in_main_network", FieldType::boolean},
           {"component_segments", FieldType::integer},
           {"changed_access", FieldType::boolean},
           {"findings", FieldType::text}}};
}

std::vector<FieldValue> segment_values(const roads::SegmentAudit& s, const model::RoadSegment& rd) {
  auto km = [](const std::optional<double>& m) -> FieldValue {
    if (!m) return std::monostate{};
    return std::round(*m) / 1000.0;
  };
  return {s.id,
          s.county_code,
          std::string(model::to_string(s.program)),
          rd.class_text.empty() ? std::string(model::to_string(s.road_class)) : rd.class_text,
          std::string(model::to_string(s.status)),
          std::string(roads::to_string(s.status_at)),
          s.completed_on ? FieldValue(*s.completed_on) : FieldValue(std::monostate{}),
          km(s.declared_m),
          km(std::optional<double>(s.measured_m)),
          opt_round(s.declared_diff_m, 0.1),
          rd.start_stake,
          rd.end_stake,
          km(s.stake_length_m),
          round_to(s.double_counted_m, 0.1),
          km(std::optional<double>(s.unique_m)),
          round_to(s.self_overlap_m, 0.1),
          opt_round(s.outside_share, 0.0001),
          flag(s.in_graph),
          flag(s.in_main_component),
          static_cast<std::int64_t>(s.component_segments),
          flag(s.changed_access),
          join(s.flags, ";")};
}

io::LayerSchema findings_schema() {
  return {"findings",
          io::GeometryType::point,
          {{"kind", FieldType::text},
           {"severity", FieldType::text},
           {"segment_id", FieldType::text},
           {"county_code", FieldType::text},
           {"field", FieldType::text},
           {"other_id", FieldType::text},
           {"value", FieldType::real},
           {"lon", FieldType::real},
           {"lat", FieldType::real},
           {"message", FieldType::text}}};
}

std::vector<FieldValue> finding_values(const roads::RoadFinding& f) {
  return {f.kind,
          std::string(model::to_string(f.severity)),
          f.segment_id,
          f.county_code,
          f.field,
          f.other_id,
          round_to(f.value, 0.0001),
          f.location ? FieldValue(std::round(f.location->lon * 1e7) / 1e7) : FieldValue(std::monostate{}),
          f.location ? FieldValue(std::round(f.location->lat * 1e7) / 1e7) : FieldValue(std::monostate{}),
          f.message};
}

io::LayerSchema villages_schema() {
  return {"newly_connected_villages",
          io::GeometryType::point,
          {{"code", FieldType::text},
           {"name", FieldType::text},
           {"county_code", FieldType::text},
           {"township_code", FieldType::text},
           {"snap_m", FieldType::real},
           {"township_time_min", FieldType::real},
           {"hub_time_min", FieldType::real}}};
}

std::vector<FieldValue> village_values(const roads::VillageAccess& v) {
  return {v.code,
          v.name,
          v.county_code,
          v.township_code,
          round_to(v.snap_with_m, 0.1),
          opt_round(v.township_with_min, 0.1),
          opt_round(v.hub_with_min, 0.1)};
}

std::string csv(const io::LayerSchema& schema, const std::vector<std::vector<FieldValue>>& rows) {
  std::ostringstream out;
  for (std::size_t i = 0; i < schema.fields.size(); ++i) out << (i ? "," : "") << schema.fields[i].name;
  out << "\n";
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_cell(row[i], 7);
    out << "\n";
  }
  return out.str();
}

void write_text(const fs::path& p, const std::string& text) {
  std::FILE* f = std::fopen(p.c_str(), "wb");
  if (!f) throw RunError("cannot create " + p.string());
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) throw RunError("cannot write " + p.string() + " (disk full?)");
}

}  // namespace

std::string roads_segments_csv(const roads::AuditResult& r, const model::Dataset& ds) {
  std::vector<std::vector<FieldValue>> rows;
  rows.reserve(r.segments.size());
  for (const auto& s : r.segments) rows.push_back(segment_values(s, ds.roads[s.index]));
  return csv(segments_schema(), rows);
}

std::string roads_findings_csv(const roads::AuditResult& r) {
  std::vector<std::vector<FieldValue>> rows;
  rows.reserve(r.findings.size());
  for (const auto& f : r.findings) rows.push_back(finding_values(f));
  return csv(findings_schema(), rows);
}

void write_roads(const fs::path& dir, const roads::AuditResult& r, const model::Dataset& ds, bool overwrite) {
  io::write_atomic(dir, overwrite, [&](const fs::path& tmp) {
    fs::create_directories(tmp);
    write_text(tmp / kRoadsSummaryFile, roads_json(r, ds).dump(2) + "\n");
    write_text(tmp / kRoadsSegmentsCsv, roads_segments_csv(r, ds));
    write_text(tmp / kRoadsFindingsCsv, roads_findings_csv(r));
    write_text(tmp / kRoadsReport, roads_markdown(r, ds));
    const fs::path gpkg = tmp / kRoadsGeoPackage;
    io::WriteOptions wo;
    io::VectorWriter w(gpkg, io::resolve_output_format(gpkg, ""), wo);
    const std::size_t ls = w.add_layer(segments_schema());
    const std::size_t lf = w.add_layer(findings_schema());
    const std::size_t lv = w.add_layer(villages_schema());
    for (const auto& s : r.segments) {
      const auto& rd = ds.roads[s.index];
      io::Feature f;
      model::MultiLineString parts;
      for (const auto& p : rd.geometry) {
        bool ok = p.size() >= 2;
        for (const auto& q : p) ok = ok && std::isfinite(q.lon) && std::isfinite(q.lat);
        if (ok) parts.push_back(p);
      }
      if (!parts.empty()) f.geometry = std::move(parts);
      f.values = segment_values(s, rd);
      w.write(ls, f);
    }
    for (const auto& fd : r.findings) {
      io::Feature f;
      if (fd.location) f.geometry = *fd.location;
      f.values = finding_values(fd);
      w.write(lf, f);
    }
    for (const auto& v : r.access.villages_list) {
      if (!v.newly_connected()) continue;
      io::Feature f;
      f.geometry = v.location;
      f.values = village_values(v);
      w.write(lv, f);
    }
    w.close();
  });
}

}  // namespace ruralnet::report
