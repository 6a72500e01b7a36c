// `ruralnet frequency` outputs (docs/frequency.md): a JSON summary (schema
// "ruralnet.frequency/1"), a CSV row per village, a GeoPackage with the layers
// routes and villages_frequency, and a Markdown summary with the consolidation
// comparison.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ruralnet/frequency/plan.hpp"
#include "ruralnet/io/write.hpp"
#include "ruralnet/model/dataset.hpp"

namespace ruralnet::report {

// File names inside the output folder.
inline constexpr const char* kFrequencyJson = "frequency.json";
inline constexpr const char* kFrequencyCsv = "villages_frequency.csv";
inline constexpr const char* kFrequencyGpkg = "frequency.gpkg";
inline constexpr const char* kFrequencyMarkdown = "frequency.md";

nlohmann::json frequency_json(const model::Dataset& ds, const frequency::FrequencyResult& r);
// One row per village (header first), RFC 4180 quoting, UTF-8.
std::string frequency_csv(const model::Dataset& ds, const frequency::FrequencyResult& r);
std::string frequency_markdown(const model::Dataset& ds, const frequency::FrequencyResult& r);
// The GeoPackage layers routes and villages_frequency, in memory.
std::vector<io::LayerData> frequency_layers(const model::Dataset& ds, const frequency::FrequencyResult& r);

// Writes the four files into `dir` atomically. An existing folder is replaced
// only with `overwrite` (UsageError otherwise); RunError when writing fails.
void write_frequency(const std::filesystem::path& dir, const model::Dataset& ds, const frequency::FrequencyResult& r,
                     bool overwrite);

}  // namespace ruralnet::report
