// `ruralnet roads` outputs (docs/roads.md): the audit as JSON (schema
// "ruralnet.roads/1"), CSV of segments and findings, a GeoPackage (segments,
// findings, newly_connected_villages), a Markdown report, and a short text
// summary for the terminal.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "ruralnet/model/dataset.hpp"
#include "ruralnet/roads/audit.hpp"

namespace ruralnet::report {

nlohmann::json roads_json(const roads::AuditResult& r, const model::Dataset& ds);
std::string roads_text(const roads::AuditResult& r);
std::string roads_markdown(const roads::AuditResult& r, const model::Dataset& ds);
std::string roads_segments_csv(const roads::AuditResult& r, const model::Dataset& ds);
std::string roads_findings_csv(const roads::AuditResult& r);

// The files written into the output folder.
inline constexpr const char* kRoadsSummaryFile = "summary.json";
inline constexpr const char* kRoadsSegmentsCsv = "segments.csv";
inline constexpr const char* kRoadsFindingsCsv = "findings.csv";
inline constexpr const char* kRoadsGeoPackage = "roads_audit.gpkg";
inline constexpr const char* kRoadsReport = "report.md";

// Writes every output into the folder `dir` atomically (the folder appears
// complete or not at all). Throws UsageError when it exists and !overwrite,
// RunError when it cannot be written.
void write_roads(const std::filesystem::path& dir, const roads::AuditResult& r, const model::Dataset& ds,
                 bool overwrite);

}  // namespace ruralnet::report
