// Writing the generated tiles: the dataset streamed tile by tile, the progress
// table beside it as CSV, and the defects manifest as JSON.
#include <chrono>
#include <deque>
#include <future>

#include "ruralnet/core/error.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/io/atomic_file.hpp"
#include "ruralnet/synth/synth.hpp"

namespace fs = std::filesystem;

namespace ruralnet::synth {

namespace {

io::LayerSchema progress_schema(bool date_as_text) {
  return {"progress",
          io::GeometryType::none,
          {{"county_code", io::FieldType::text},
           {"indicator", io::FieldType::text},
           {"value", io::FieldType::real},
           {"as_of", date_as_text ? io::FieldType::text : io::FieldType::date},
           {"source", io::FieldType::text}}};
}

io::Feature progress_feature(const ProgressRecord& p, bool date_as_text) {
  io::FieldValue d = p.as_of;
  if (date_as_text) d = p.as_of.iso();
  return {std::monostate{}, {p.county_code, p.indicator, p.value, d, p.source}};
}

io::LayerSchema defects_schema() {
  return {"defects",
          io::GeometryType::none,
          {{"kind", io::FieldType::text},
           {"layer", io::FieldType::text},
           {"feature_id", io::FieldType::text},
           {"check", io::FieldType::text},
           {"details", io::FieldType::text}}};
}

}  // namespace

SynthPaths synth_paths(const fs::path& out) {
  SynthPaths p;
  p.dataset = out;
  p.defects = fs::path(out.string() + ".defects.json");
  p.progress_csv = fs::path(out.string() + ".progress.csv");
  return p;
}

nlohmann::json defects_manifest(const std::vector<Defect>& defects, std::uint64_t seed, Scale scale,
                                const std::string& dataset_name) {
  nlohmann::json j;
  j["generator"] = "ruralnet synth";
  j["dataset"] = dataset_name;
  j["seed"] = seed;
  j["scale"] = to_string(scale);
  j["snap_tolerance_m"] = 5;
  j["gap_tolerance_m"] = 20;
  std::size_t by_validate = 0, by_roads = 0;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : defects) {
    list.push_back({{"kind", d.kind},
                    {"layer", d.layer},
                    {"feature_id", d.feature_id},
                    {"check", d.check},
                    {"details", d.details}});
    (d.check == "validate" ? by_validate : by_roads) += 1;
  }
  j["counts"] = {{"validate", by_validate}, {"roads", by_roads}, {"total", defects.size()}};
  j["defects"] = std::move(list);
  return j;
}

SynthSummary write_synthetic(const fs::path& out, const SynthOptions& options, const ProgressSettings& progress) {
  const auto started = std::chrono::steady_clock::now();
  SynthSummary sum;
  sum.paths = synth_paths(out);
  const io::OutputFormat fmt = io::resolve_output_format(out, options.write.format);
  std::string ext = out.extension().string();
  if (!fmt.multi_layer && !ext.empty())
    throw UsageError("a " + fmt.driver + " file holds one layer; the dataset has five",
                     "write a GeoPackage (.gpkg), or name a folder without an extension and --format " + fmt.driver);
  io::check_output_path(sum.paths.dataset, options.overwrite);
  io::check_output_path(sum.paths.defects, options.overwrite);
  io::check_output_path(sum.paths.progress_csv, options.overwrite);

  io::WriteOptions wo = options.write;
  if (options.scale != Scale::luan) wo.batch_size = std::max<std::size_t>(wo.batch_size, 200000);
  std::vector<Defect> defects;
  std::vector<ProgressRecord> records;
  const std::size_t tiles = tile_count(options.scale);
  io::write_vector(out, wo, options.overwrite, [&](io::VectorWriter& w) {
    const std::vector<std::string> kind{"kind"};
    const std::size_t lc = w.add_layer(io::counties_schema());
    const std::size_t lt = w.add_layer(io::townships_schema(kind));
    const std::size_t lv = w.add_layer(io::villages_schema(kind));
    const std::size_t lr = w.add_layer(io::roads_schema());
    const std::size_t lf = w.add_layer(io::facilities_schema());
    Progress bar(progress, "synth: tiles", tiles);
    // Tiles are independent: the next ones are generated on other threads
    // while this one is written (two ahead keep both cores busy at the large
    // scales; the order of the features does not change).
    std::deque<std::future<Tile>> ahead;
    std::size_t queued = 0;
    const auto queue_up = [&] {
      while (queued < tiles && ahead.size() < 2)
        ahead.push_back(std::async(std::launch::async, generate_tile, options.seed, options.scale, queued++));
    };
    for (std::size_t i = 0; i < tiles; ++i) {
      queue_up();
      const Tile t = ahead.front().get();
      ahead.pop_front();
      queue_up();
      const auto& d = t.data;
      for (const auto& c : d.counties) w.write(lc, io::to_feature(c));
      for (const auto& x : d.townships) w.write(lt, io::to_feature(x, kind));
      for (const auto& v : d.villages) w.write(lv, io::to_feature(v, kind));
      for (const auto& r : d.roads) {
        w.write(lr, io::to_feature(r));
        if (options.scale == Scale::luan) {
          const double km = geo::geodesic_length(r.geometry.front()).value() / 1000.0;
          sum.road_km += km;
          if (r.program != model::Program::none) sum.programme_km += km;
        }
      }
      for (const auto& f : d.facilities) w.write(lf, io::to_feature(f));
      sum.counties += d.counties.size();
      sum.townships += d.townships.size();
      sum.villages += d.villages.size();
      sum.roads += d.roads.size();
      sum.facilities += d.facilities.size();
      defects.insert(defects.end(), t.defects.begin(), t.defects.end());
      records.insert(records.end(), t.progress.begin(), t.progress.end());
      ++sum.tiles;
      bar.advance();
    }
    bar.finish();
    // Tables without geometry go where the format holds them (GeoPackage);
    // the CSV and JSON beside the dataset carry them for every format.
    if (fmt.multi_layer) {
      const std::size_t lp = w.add_layer(progress_schema(false));
      for (const auto& p : records) w.write(lp, progress_feature(p, false));
      const std::size_t ld = w.add_layer(defects_schema());
      for (const auto& x : defects)
        w.write(ld, io::Feature{std::monostate{}, {x.kind, x.layer, x.feature_id, x.check, x.details.dump()}});
    }
  });
  io::LayerData csv{progress_schema(true), {}};
  for (const auto& p : records) csv.features.push_back(progress_feature(p, true));
  io::WriteOptions co;
  co.format = "CSV";
  io::write_layers(sum.paths.progress_csv, {csv}, co, options.overwrite);
  io::write_text_file_atomic(sum.paths.defects,
                             defects_manifest(defects, options.seed, options.scale, out.filename().string()).dump(2) + "\n",
                             options.overwrite);
  sum.progress = records.size();
  sum.defects = defects.size();
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return sum;
}

}  // namespace ruralnet::synth
