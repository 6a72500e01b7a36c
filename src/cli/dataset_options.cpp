#include <algorithm>
#include <cmath>

#include "cli/command.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"

namespace ruralnet::cli {

namespace {
bool known_layer(const std::string& l) {
  return std::find(io::kLayerNames.begin(), io::kLayerNames.end(), l) != io::kLayerNames.end();
}

// "layer=value" -> (layer, value), with the layer checked against the contract.
std::pair<std::string, std::string> layer_pair(const std::string& spec, const char* option) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    throw UsageError(std::string(option) + " takes LAYER=VALUE, got '" + spec + "'");
  std::string layer = to_lower_ascii(spec.substr(0, eq));
  if (!known_layer(layer))
    throw UsageError(std::string(option) + ": unknown layer '" + spec.substr(0, eq) + "'",
                     "layers are " + join(io::kLayerNames, ", "));
  return {layer, spec.substr(eq + 1)};
}

}  // namespace

void DatasetArgs::declare(CLI::App& app, bool dataset_required) {
  io::ReadOptions& o = read;
  auto* ds = app.add_option("DATASET", o.dataset,
                            "GeoPackage, folder of Shapefiles/GeoJSON/FlatGeobuf, or PG:connection string");
  if (dataset_required) ds->required();
  app.add_option("--layer", layers, "LAYER=PATH[|LAYERNAME]: read one layer from another source")
      ->type_name("LAYER=SRC");
  app.add_option("--field", fields, "LAYER.FIELD=SOURCE_FIELD: the bureau's name for a contract field")
      ->type_name("L.F=NAME");
  app.add_option("--encoding", o.encoding, "text encoding of sources that declare none (GBK, GB18030, UTF-8)");
  app.add_option("--crs", o.assume_crs, "CRS to assume for layers that declare none (e.g. EPSG:4490)");
  app.add_option("--web-coords", web, "LAYER=gcj02|bd09: layer digitised from a Chinese web map")
      ->type_name("LAYER=SYS");
}

void DatasetArgs::resolve() {
  io::ReadOptions& o = read;
  for (const auto& s : layers) {
    auto [layer, src] = layer_pair(s, "--layer");
    o.layer_sources[layer] = src;
  }
  for (const auto& s : fields) io::add_field_mapping(o.field_map, s);
  for (const auto& s : web) {
    auto [layer, sys] = layer_pair(s, "--web-coords");
    sys = to_lower_ascii(sys);
    if (sys != "gcj02" && sys != "bd09")
      throw UsageError("--web-coords: unknown coordinate system '" + sys + "'", "use gcj02 (AMap, Tencent) or bd09 (Baidu)");
    o.web_coordinates[layer] = sys;
  }
  if (!o.encoding.empty()) {
    const std::string e = to_lower_ascii(o.encoding);
    static const char* known[] = {"gbk", "gb18030", "gb2312", "cp936", "utf-8", "utf8", "big5", "latin1", "iso-8859-1"};
    if (std::none_of(std::begin(known), std::end(known), [&](const char* k) { return e == k; }))
      throw UsageError("--encoding: unknown encoding '" + o.encoding + "'", "use GBK, GB18030 or UTF-8");
  }
  if (o.dataset.empty() && o.layer_sources.empty())
    throw UsageError("no dataset given", "name a GeoPackage, a folder or a PG: connection, or use --layer");
}

std::filesystem::path output_folder(const std::string& out) {
  std::filesystem::path p = std::filesystem::path(out).lexically_normal();
  if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();
  if (p.empty() || p == ".") throw UsageError("--out must name a new folder, got '" + out + "'");
  return p;
}

void record_dataset(nlohmann::json& record, const model::Dataset& ds) {
  auto& j = record["dataset"];
  j["path"] = ds.path;
  j["geographic_crs"] = ds.geographic_crs;
  j["fingerprint"] = model::fingerprint(ds);
  for (const auto& [name, info] : ds.layers) {
    if (!info.present) continue;
    j["layers"][name] = {{"source", info.source},
                         {"source_layer", info.source_layer},
                         {"source_crs", info.source_crs},
                         {"encoding", info.encoding},
                         {"feature_count", info.feature_count}};
  }
}

nlohmann::json stages_json(const std::vector<StageTime>& stages) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& st : stages) a.push_back({{"name", st.name}, {"seconds", std::round(st.seconds * 1e3) / 1e3}});
  return a;
}

}  // namespace ruralnet::cli
