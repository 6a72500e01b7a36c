#include <algorithm>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/io/read.hpp"

namespace ruralnet::io {

void add_field_mapping(std::map<std::string, std::string>& map, const std::string& spec) {
  const auto eq = spec.find('=');
  const auto dot = spec.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot > eq || dot == 0 || dot + 1 == eq || eq + 1 == spec.size())
    throw UsageError("--field takes LAYER.FIELD=SOURCE_FIELD, got '" + spec + "'",
                     "e.g. --field villages.population=RKS");
  const std::string layer = to_lower_ascii(spec.substr(0, dot));
  if (std::find(kLayerNames.begin(), kLayerNames.end(), layer) == kLayerNames.end())
    throw UsageError("--field: unknown layer '" + spec.substr(0, dot) + "'", "layers are " + join(kLayerNames, ", "));
  map[layer + "." + to_lower_ascii(spec.substr(dot + 1, eq - dot - 1))] = spec.substr(eq + 1);
}

}  // namespace ruralnet::io
