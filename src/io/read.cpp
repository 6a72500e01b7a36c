#include "ruralnet/io/read.hpp"

#include <cpl_error.h>
#include <gdal.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "layer_reader.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/geo/crs.hpp"

namespace fs = std::filesystem;

namespace ruralnet::io {

namespace {

void init_gdal() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

// GDAL reports through CPLError; while reading, its messages are captured for
// our own errors rather than printed.
struct QuietGdal {
  QuietGdal() { CPLPushErrorHandler(CPLQuietErrorHandler); }
  ~QuietGdal() { CPLPopErrorHandler(); }
  QuietGdal(const QuietGdal&) = delete;
  QuietGdal& operator=(const QuietGdal&) = delete;
};

bool is_connection(const std::string& p) {
  if (p.rfind("/vsi", 0) == 0) return true;
  const auto colon = p.find(':');
  if (colon == std::string::npos || colon < 2) return false;
  return std::all_of(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(colon),
                     [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
}

// Formats a folder may hold, one file per layer.
bool layer_file_extension(const std::string& ext) {
  return iequals(ext, ".shp") || iequals(ext, ".geojson") || iequals(ext, ".json") || iequals(ext, ".fgb");
}

}  // namespace

model::Dataset read_dataset(const ReadOptions& options, const ProgressSettings& progress) {
  init_gdal();
  QuietGdal quiet;

  model::Dataset ds;
  ds.path = options.dataset;
  for (const auto& name : kLayerNames) ds.layers[name].name = name;
  for (const auto& [layer, src] : options.layer_sources)
    if (std::find(kLayerNames.begin(), kLayerNames.end(), layer) == kLayerNames.end())
      throw UsageError("--layer: unknown layer '" + layer + "'", "layers are " + join(kLayerNames, ", "));
  if (ds.path.empty() && !options.layer_sources.empty()) ds.path = options.layer_sources.begin()->second;

  // A folder holds one file per layer, named by the layer.
  bool folder = false;
  std::map<std::string, std::vector<fs::path>> folder_files;
  std::vector<std::string> folder_stems;
  if (!options.dataset.empty() && !is_connection(options.dataset)) {
    std::error_code ec;
    if (!fs::exists(options.dataset, ec))
      throw InputError({options.dataset, {}, {}, {}}, "file not found",
                       "check the path (a GeoPackage, a folder of Shapefiles/GeoJSON/FlatGeobuf, or a PG: connection)");
    // A File Geodatabase is a folder that GDAL opens as one dataset.
    const fs::path norm = fs::path(options.dataset).lexically_normal();
    const std::string leaf = norm.has_filename() ? norm.filename().string() : norm.parent_path().filename().string();
    const bool gdb = leaf.size() > 4 && iequals(leaf.substr(leaf.size() - 4), ".gdb");
    if (!gdb && fs::is_directory(options.dataset, ec)) {
      folder = true;
      for (const auto& e : fs::directory_iterator(options.dataset, ec)) {
        if (!e.is_regular_file() || !layer_file_extension(e.path().extension().string())) continue;
        folder_files[to_lower_ascii(e.path().stem().string())].push_back(e.path());
        folder_stems.push_back(e.path().filename().string());
      }
      std::sort(folder_stems.begin(), folder_stems.end());
    }
  }

  // Opens layer `name`; nullopt when it is absent and may be.
  auto open = [&](const std::string& name) -> std::optional<detail::OpenedLayer> {
    const bool required =
        std::find(options.required_layers.begin(), options.required_layers.end(), name) != options.required_layers.end();
    detail::LayerSource src;
    bool have = false;
    std::vector<std::string> found;
    if (auto it = options.layer_sources.find(name); it != options.layer_sources.end()) {
      const auto bar = it->second.rfind('|');
      src.path = bar == std::string::npos ? it->second : it->second.substr(0, bar);
      if (bar != std::string::npos) src.layer_name = it->second.substr(bar + 1);
      src.from_layer_option = true;
      have = true;
    } else if (folder) {
      const auto f = folder_files.find(name);
      if (f != folder_files.end()) {
        if (f->second.size() > 1) {
          std::vector<std::string> names;
          for (const auto& p : f->second) names.push_back(p.filename().string());
          std::sort(names.begin(), names.end());
          throw InputError({options.dataset, name, {}, {}}, "more than one file holds the layer: " + join(names, ", "),
                           "keep one of them, or name it with --layer " + name + "=PATH");
        }
        src.path = f->second.front().string();
        src.from_layer_option = true;  // a file per layer: its own layer name does not matter
        have = true;
      }
      found = folder_stems;
    } else if (!options.dataset.empty()) {
      src.path = options.dataset;
      have = true;
    }

    std::optional<detail::OpenedLayer> opened;
    if (have) opened = detail::open_layer(name, src, &found);
    if (!opened && required)
      throw InputError({options.dataset, name, {}, {}},
                       "the required layer '" + name + "' is not in the dataset; " +
                           (found.empty() ? std::string("it has no layers")
                                          : (folder ? "the folder holds: " : "its layers are: ") + join(found, ", ")),
                       folder ? "add a file " + name + ".shp (or .geojson, .fgb), or name it with --layer " + name + "=PATH"
                              : "rename the layer to '" + name + "', or name it with --layer " + name + "=PATH|LAYERNAME");
    return opened;
  };

  // Each layer's outcome, kept apart so that the findings, and the first
  // error, come out in the layers' order whichever thread read them.
  struct Slot {
    std::string name;
    model::LayerInfo* info = nullptr;
    std::optional<detail::OpenedLayer> opened;
    model::Findings findings;
    std::optional<std::string> crs;  // set once read
    std::exception_ptr error;
  };
  std::vector<Slot> slots(kLayerNames.size());
  for (std::size_t i = 0; i < kLayerNames.size(); ++i) {
    slots[i].name = kLayerNames[i];
    slots[i].info = &ds.layers[kLayerNames[i]];
  }
  // Set when a layer before the roads fails while they are read beside it.
  std::atomic<bool> cancel_roads{false};
  auto read = [&](Slot& s, const ProgressSettings& p) {
    s.crs = detail::read_layer(s.name, *s.opened, options, p, ds, *s.info, s.findings, &cancel_roads);
    s.opened.reset();
  };

  // The roads of a large GeoPackage, read by two threads, are by far the
  // largest layer: they are read beside the other layers, which the calling
  // thread reads meanwhile (silently: one progress bar at a time), so that
  // the cores stay busy until the roads are done. The roads are opened first
  // for that; an error in opening them is raised in its turn.
  const std::size_t roads_i = static_cast<std::size_t>(
      std::find(kLayerNames.begin(), kLayerNames.end(), "roads") - kLayerNames.begin());
  Slot& roads = slots[roads_i];
  try {
    roads.opened = open("roads");
  } catch (...) {
    roads.error = std::current_exception();
  }
  const bool beside = roads.opened && detail::reads_in_parallel("roads", *roads.opened);
  const ProgressSettings others_progress = beside ? ProgressSettings{true} : progress;
  {
    std::jthread roads_thread;
    if (beside)
      roads_thread = std::jthread([&] {
        QuietGdal quiet_here;
        try {
          read(roads, progress);
        } catch (...) {
          roads.error = std::current_exception();
        }
      });
    for (std::size_t i = 0; i < slots.size(); ++i) {
      Slot& s = slots[i];
      if (i == roads_i) {
        if (beside) continue;
        if (s.error) break;
        try {
          if (s.opened) read(s, progress);
        } catch (...) {
          s.error = std::current_exception();
          break;
        }
        continue;
      }
      try {
        s.opened = open(s.name);
        if (s.opened) read(s, others_progress);
      } catch (...) {
        s.error = std::current_exception();
        if (i < roads_i) cancel_roads.store(true);
        break;
      }
    }
  }
  for (const auto& s : slots)
    if (s.error) std::rethrow_exception(s.error);

  std::vector<std::pair<std::string, std::string>> crs_of;  // layer -> CRS definition
  for (auto& s : slots) {
    if (!s.crs) continue;
    crs_of.emplace_back(s.name, *s.crs);
    ds.read_findings.insert(ds.read_findings.end(), std::make_move_iterator(s.findings.begin()),
                            std::make_move_iterator(s.findings.end()));
  }

  // Layers in different CRSs are all transformed to the working CRS, so they
  // read fine; the difference is still worth a look (a wrongly declared .prj
  // is the usual cause of layers that do not overlay).
  for (std::size_t i = 1; i < crs_of.size(); ++i) {
    if (geo::same_crs(crs_of[0].second, crs_of[i].second)) continue;
    model::Finding f;
    f.severity = model::Severity::warning;
    f.kind = "crs_mismatch";
    f.layer = crs_of[i].first;
    f.message = "the layer is in " + ds.layers[crs_of[i].first].source_crs + " while '" + crs_of[0].first + "' is in " +
                ds.layers[crs_of[0].first].source_crs + "; both were transformed to " + geo::kWorkingGeographicCrs +
                ", check that each declared CRS is right";
    ds.read_findings.push_back(std::move(f));
  }
  ds.read_fingerprint = model::fingerprint(ds);
  return ds;
}

void require_usable(const model::Dataset& dataset) {
  const model::Finding* first = nullptr;
  std::size_t errors = 0;
  for (const auto& f : dataset.read_findings) {
    if (f.severity != model::Severity::error) continue;
    if (!first) first = &f;
    ++errors;
  }
  if (!first) return;
  InputLocation where;
  if (auto it = dataset.layers.find(first->layer); it != dataset.layers.end()) where.file = it->second.source;
  where.layer = first->layer;
  where.feature = first->feature_id;
  where.field = first->field;
  std::string problem = first->message + " [" + first->kind + "]";
  if (errors > 1) problem += " (and " + std::to_string(errors - 1) + " more error" + (errors > 2 ? "s" : "") + ")";
  throw InputError(where, problem,
                   "run 'ruralnet validate " + (dataset.path.empty() ? std::string("DATASET") : dataset.path) +
                       "' to list every problem, and fix the data");
}

}  // namespace ruralnet::io
