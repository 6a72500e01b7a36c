// `ruralnet site` outputs (docs/siting.md): a JSON summary (schema
// "ruralnet.siting/1"), a CSV row per chosen site, a GeoPackage with the
// layers `sites` (points) and `assignment` (village -> site lines), and a
// Markdown explanation per county of why each site was chosen.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ruralnet/io/write.hpp"
#include "ruralnet/model/dataset.hpp"
#include "ruralnet/siting/plan.hpp"

namespace ruralnet::report {

// File names inside the output folder (other readers rely on them).
inline constexpr const char* kSitingJson = "siting.json";
inline constexpr const char* kSitingCsv = "sites.csv";
inline constexpr const char* kSitingGpkg = "siting.gpkg";
inline constexpr const char* kSitingMarkdown = "siting.md";

// `plan_file` is recorded in the options (empty when quotas came from the command line).
nlohmann::json siting_json(const model::Dataset& ds, const siting::SitingResult& r, const std::string& plan_file = {});
// One row per chosen site (header first), RFC 4180 quoting, UTF-8.
std::string siting_csv(const model::Dataset& ds, const siting::SitingResult& r);
std::string siting_markdown(const model::Dataset& ds, const siting::SitingResult& r);
std::vector<io::LayerData> siting_layers(const model::Dataset& ds, const siting::SitingResult& r);

// Writes the four files into `dir` atomically. An existing folder is replaced
// only with `overwrite` (UsageError otherwise); RunError when writing fails.
void write_siting(const std::filesystem::path& dir, const model::Dataset& ds, const siting::SitingResult& r,
                  bool overwrite, const std::string& plan_file = {});

}  // namespace ruralnet::report
