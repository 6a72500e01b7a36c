// A validation finding: something wrong or notable about one feature of the
// input, said plainly enough for a planner to fix it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ruralnet/core/types.hpp"

namespace ruralnet::model {

enum class Severity { info, warning, error };
const char* to_string(Severity s);

struct Finding {
  Severity severity = Severity::error;
  std::string kind;        // stable machine name, e.g. "duplicate_code" (docs/validate.md lists them)
  std::string layer;       // "villages"
  std::string feature_id;  // the feature's own id or code; "fid N" when it has none
  std::string field;       // field concerned, empty for geometry-wide problems
  std::optional<LonLat> location;
  std::string message;     // plain reason, one sentence
};

using Findings = std::vector<Finding>;

std::size_t count(const Findings& f, Severity s);

}  // namespace ruralnet::model
