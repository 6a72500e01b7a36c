// Checks of a dataset that a planner can act on: broken or empty geometry,
// duplicate codes and ids, codes that do not nest, villages outside their
// township. Every kind is listed in docs/validate.md with its severity.
#pragma once

#include <string_view>
#include <vector>

#include "ruralnet/core/progress.hpp"
#include "ruralnet/model/dataset.hpp"
#include "ruralnet/model/finding.hpp"

namespace ruralnet::validation {

struct ValidateOptions {
  // Include Dataset::read_findings (wrong types, missing fields ...) in the
  // result, so that one list holds every problem of the dataset.
  bool include_read_findings = true;
  ProgressSettings progress{true};
};

// All findings about `dataset`, sorted by sort_findings. Checks whose field
// the reader reported missing are skipped, and a feature whose geometry the
// reader already reported is not reported again for it.
model::Findings validate(const model::Dataset& dataset, const ValidateOptions& options = {});

// Deterministic order: errors first, then warnings, then info; within a
// severity by layer (contract order), kind, feature, field and message.
void sort_findings(model::Findings& findings);

struct FindingKind {
  std::string_view kind;
  model::Severity severity;  // the usual severity (a few kinds vary by field; see docs/validate.md)
  std::string_view meaning;
};
// Every kind that reading and validation produce.
const std::vector<FindingKind>& finding_kinds();

}  // namespace ruralnet::validation
