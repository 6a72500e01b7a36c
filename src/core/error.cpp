#include "ruralnet/core/error.hpp"

#include <cmath>
#include <string>

#include "ruralnet/core/text.hpp"

namespace ruralnet {

std::string InputLocation::describe() const {
  std::string out;
  auto add = [&out](const char* what, const std::string& v) {
    if (v.empty()) return;
    if (!out.empty()) out += ", ";
    out += what;
    out += " '";
    out += v;
    out += "'";
  };
  add("file", file);
  add("layer", layer);
  add("feature", feature);
  add("field", field);
  return out;
}

namespace {
std::string compose(const InputLocation& where, const std::string& problem) {
  const std::string w = where.describe();
  return w.empty() ? problem : w + ": " + problem;
}
}  // namespace

InputError::InputError(InputLocation where, const std::string& problem, std::string hint)
    : Error(compose(where, problem), std::move(hint)), where_(std::move(where)), problem_(problem) {}

void require_positive(double v, std::string_view option, std::string_view unit) {
  if (!(std::isfinite(v) && v > 0.0))
    throw UsageError(std::string(option) + " must be a positive number of " + std::string(unit) + ", got " +
                     compact_number(v, 6));
}

}  // namespace ruralnet
