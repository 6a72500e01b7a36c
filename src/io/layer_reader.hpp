// Internals of io::read_dataset: opening one contract layer from its source and
// converting its features into the typed model layers.
#pragma once

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "ruralnet/core/progress.hpp"
#include "ruralnet/io/read.hpp"
#include "ruralnet/model/dataset.hpp"

namespace ruralnet::io::detail {

// Where a contract layer comes from, once resolved.
struct LayerSource {
  std::string path;        // file, folder member or connection string
  std::string layer_name;  // named layer inside it; empty = find by contract name
  bool from_layer_option = false;  // named by --layer (a single-layer source may then use any layer name)
};

// One opened layer. The GDAL dataset is kept open while the layer is read.
struct OpenedLayer {
  GDALDatasetUniquePtr ds;
  OGRLayer* layer = nullptr;
  std::string path;
  std::string driver;
  std::string encoding;  // text encoding of strings as GDAL returns them; "UTF-8" when GDAL recodes
  bool raw_text = false;  // GDAL returns the source's bytes unchanged; recode from `encoding`
};

// Opens `path` (throws InputError: file not found / GDAL cannot open it).
GDALDatasetUniquePtr open_source(const std::string& path, bool raw_shapefile_text);

// Names of the layers in an opened source, for messages.
std::vector<std::string> layer_names(GDALDataset& ds);

// Opens the contract layer `contract` from `src`, settling its text encoding.
// Returns nullopt when the source has no such layer and the caller may treat
// the layer as absent; throws when the source itself is unusable.
std::optional<OpenedLayer> open_layer(const std::string& contract, const LayerSource& src,
                                      std::vector<std::string>* found_layers);

// Reads one opened layer into its member of `out` (and no other), appending
// its read findings to `findings`, filling `info` and returning the CRS
// definition the layer was read in. Once `cancel` is set, a parallel read
// ends early with what it has (the caller then raises another layer's error).
std::string read_layer(const std::string& contract, OpenedLayer& opened, const ReadOptions& options,
                       const ProgressSettings& progress, model::Dataset& out, model::LayerInfo& info,
                       model::Findings& findings, const std::atomic<bool>* cancel = nullptr);

// Whether read_layer reads this layer by more than one thread (the roads of a
// large GeoPackage).
bool reads_in_parallel(const std::string& contract, OpenedLayer& opened);

}  // namespace ruralnet::io::detail
