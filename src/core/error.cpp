#include "ruralnet/core/error.hpp"

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

}  // namespace ruralnet
