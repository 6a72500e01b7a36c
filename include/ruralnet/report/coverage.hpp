// `ruralnet coverage` outputs (docs/coverage.md): a JSON summary (schema
// "ruralnet.coverage/1"), a CSV row per village, a GeoPackage with the layers
// villages_reach, tier_links, service_areas and off_network, and a Markdown
// summary for a planner's report.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "ruralnet/coverage/coverage.hpp"
#include "ruralnet/io/write.hpp"
#include "ruralnet/model/dataset.hpp"

namespace ruralnet::report {

// File names inside the output folder.
inline constexpr const char* kCoverageJson = "coverage.json";
inline constexpr const char* kCoverageCsv = "villages.csv";
inline constexpr const char* kCoverageGpkg = "coverage.gpkg";
inline constexpr const char* kCoverageMarkdown = "coverage.md";

nlohmann::json coverage_json(const model::Dataset& ds, const coverage::CoverageResult& r);
// Its small part: everything but the per-county, per-township, per-village
// and off-network lists (for the run record).
nlohmann::json coverage_totals_json(const model::Dataset& ds, const coverage::CoverageResult& r);
// One row per village (header first), RFC 4180 quoting, UTF-8.
std::string coverage_csv(const model::Dataset& ds, const coverage::CoverageResult& r);
std::string coverage_markdown(const model::Dataset& ds, const coverage::CoverageResult& r);
// The GeoPackage layers, in memory (schema and features).
std::vector<io::LayerData> coverage_layers(const model::Dataset& ds, const coverage::CoverageResult& r);

// Writes the four files into `dir` atomically: the folder appears complete or
// not at all. An existing folder is replaced only with `overwrite`
// (UsageError otherwise); RunError when writing fails.
void write_coverage(const std::filesystem::path& dir, const model::Dataset& ds, const coverage::CoverageResult& r,
                    bool overwrite);
// The same, the text files and the GeoPackage written side by side on two
// threads when `parallel` (the default above does so on a machine with two
// cores or more); the files are the same either way.
void write_coverage(const std::filesystem::path& dir, const model::Dataset& ds, const coverage::CoverageResult& r,
                    bool overwrite, bool parallel);
// The same folder written in two steps, so that most of it is on its way to
// disk while the service areas are still being drawn: write_early() once
// every result but the service areas is final (the analysis calls it through
// coverage::CoverageOptions::before_service_areas) writes villages.csv and
// the GeoPackage's layers but service_areas; finish() with the complete
// results writes the rest and moves the folder into place. The folder is
// built under a temporary name and removed if finish() is never reached; the
// constructor refuses an existing folder without `overwrite` (UsageError).
// The files are those write_coverage writes (it is the two steps in a row).
class CoverageWriter {
 public:
  CoverageWriter(const std::filesystem::path& dir, bool overwrite, bool parallel);
  CoverageWriter(const std::filesystem::path& dir, bool overwrite);  // parallel with two cores or more
  ~CoverageWriter();
  CoverageWriter(const CoverageWriter&) = delete;
  CoverageWriter& operator=(const CoverageWriter&) = delete;

  // At most once, before finish(); finish() calls it if it was not.
  void write_early(const model::Dataset& ds, const coverage::CoverageResult& r);
  void finish(const model::Dataset& ds, const coverage::CoverageResult& r);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};
// The GeoPackage layers streamed into a writer, feature by feature, without
// holding them in memory: what write_coverage writes to coverage.gpkg.
void write_coverage_layers(io::VectorWriter& w, const model::Dataset& ds, const coverage::CoverageResult& r);

}  // namespace ruralnet::report
