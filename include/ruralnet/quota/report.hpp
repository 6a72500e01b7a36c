// The quarterly quota report (docs/quota.md): report.md, report.html,
// quota.csv and quota.json (schema "ruralnet.quota/1") in one folder.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "ruralnet/core/text.hpp"
#include "ruralnet/quota/plan.hpp"
#include "ruralnet/quota/progress.hpp"
#include "ruralnet/quota/status.hpp"

namespace ruralnet::quota {

struct ReportInput {
  const Plan& plan;
  const ProgressSet& progress;
  const QuotaResult& result;
  std::string dataset;       // the --dataset given, or empty
  std::string derived_file;  // the --derived given, or empty
  std::string dataset_fingerprint;  // model::fingerprint of the dataset read, or empty
};

nlohmann::json quota_json(const ReportInput& in);
std::string quota_csv(const ReportInput& in);
std::string report_markdown(const ReportInput& in);
std::string report_html(const ReportInput& in);

// Writes the four files into `dir` as one atomic folder (io::write_atomic);
// an existing folder is replaced only when `overwrite`.
void write_report(const ReportInput& in, const std::filesystem::path& dir, bool overwrite);

// Text escaped for HTML element content and attribute values.
using ruralnet::html_escape;  // core/text.hpp
// A CSV field, quoted when it holds a separator, quote or line break.
std::string csv_field(std::string_view s);

}  // namespace ruralnet::quota
