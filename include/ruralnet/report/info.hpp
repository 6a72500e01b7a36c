// `ruralnet info` output: the inventory summary as a terminal table and as JSON
// (schema "ruralnet.info/1", documented in docs/info.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ruralnet/inventory/summary.hpp"

namespace ruralnet::report {

nlohmann::json info_json(const inventory::Summary& s);
std::string info_text(const inventory::Summary& s);

}  // namespace ruralnet::report
