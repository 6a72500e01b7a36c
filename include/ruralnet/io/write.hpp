// Writing vector layers and attribute tables through GDAL/OGR: GeoPackage,
// GeoJSON, FlatGeobuf, Shapefile (UTF-8, with a .cpg), CSV, or any other GDAL
// driver that can create vector data. Geometry is in the working geographic CRS
// (EPSG:4490 unless told otherwise), longitude first.
//
// Writing streams: layers are declared, then features are appended one at a
// time in any order across layers, so a generator can write tile after tile in
// bounded memory. Features are grouped into transactions of `batch_size` where
// the format has them (GeoPackage), which is what makes SQLite fast.
//
// Every write goes through write_atomic: the output appears complete or not at
// all, and an existing output is replaced only when the caller says so.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "ruralnet/core/date.hpp"
#include "ruralnet/core/types.hpp"
#include "ruralnet/model/dataset.hpp"

namespace ruralnet::io {

enum class FieldType { text, integer, real, date, boolean };

struct FieldDef {
  std::string name;
  FieldType type = FieldType::text;
};

enum class GeometryType { none, point, linestring, multilinestring, polygon, multipolygon };

struct LayerSchema {
  std::string name;
  GeometryType geometry = GeometryType::none;  // none = a table without geometry
  std::vector<FieldDef> fields;
};

// One value of a field: null, text, integer (also booleans, 0/1), real, date.
using FieldValue = std::variant<std::monostate, std::string, std::int64_t, double, Date>;

// The geometry of one feature; monostate = none (null geometry).
using Geometry = std::variant<std::monostate, LonLat, model::LineString, model::MultiLineString, model::Polygon,
                              model::MultiPolygon>;

struct Feature {
  Geometry geometry;
  std::vector<FieldValue> values;  // one per schema field, in schema order
};

// A feature's geometry by reference (a point by value), for callers that
// write geometry they keep elsewhere without copying its vertices.
using GeometryRef = std::variant<std::monostate, LonLat, const model::LineString*, const model::MultiLineString*,
                                 const model::Polygon*, const model::MultiPolygon*>;
GeometryRef geometry_ref(const Geometry& g);

// The GeoPackage geometry blob of `g` in a layer of type `target`, byte for
// byte as GDAL writes it: the GP header (little-endian, the envelope unless a
// point or empty) and ISO WKB, a LineString or Polygon made a one-part multi
// for a multi layer. Empty for a null geometry.
std::string gpkg_geometry_blob(const GeometryRef& g, GeometryType target, std::int32_t srs_id);

// A resolved output format.
struct OutputFormat {
  std::string driver;     // GDAL driver name: "GPKG", "GeoJSON", "FlatGeobuf", "ESRI Shapefile", "CSV" ...
  std::string extension;  // without the dot: "gpkg"; empty when the driver has none
  bool multi_layer = false;  // one file holds many layers (GeoPackage)
};

struct WriteOptions {
  // Empty = from the output's extension. Otherwise a short name (gpkg, geojson,
  // fgb/flatgeobuf, shp/shapefile, csv) or any GDAL vector driver name.
  std::string format;
  std::string crs = "EPSG:4490";
  std::size_t batch_size = 50000;  // features per transaction (GeoPackage)
  bool spatial_index = true;       // GeoPackage/FlatGeobuf spatial index
  // GeoPackage only: the faster write path (64 KiB pages; each layer's R-tree
  // packed in one go at close instead of GDAL's row-by-row build; see
  // write.cpp). Layers, features, schema, spatial index entries and extension
  // rows are the same either way; false is GDAL's plain path, kept as the write
  // benchmark's baseline.
  bool gpkg_fast = true;
  // GeoPackage with gpkg_fast: features are encoded on the calling thread
  // (geometry blobs as GDAL encodes them) and inserted with a prepared SQLite
  // statement on a second thread; the layer's metadata (feature count,
  // extent, last change, triggers) is then written as GDAL writes it at close.
  // false inserts each feature through OGR (CreateFeature).
  bool gpkg_direct = true;
};

// GDAL vector drivers that can create files, by name ("GPKG", "GeoJSON", ...).
std::vector<std::string> writable_formats();

// The format for `path`: options.format when given, else by extension (.gpkg,
// .geojson/.json, .fgb, .shp, .csv). A path without an extension is a folder
// and needs a format. Throws UsageError naming the formats GDAL can write when
// the format is unknown or the driver cannot create vector data. No file I/O.
OutputFormat resolve_output_format(const std::filesystem::path& path, const std::string& format);

// A streaming writer onto `path` (normally the temporary name write_atomic
// hands over). A multi-layer format puts every layer into the one file; a
// single-layer format writes `path` itself when it has the format's extension
// (then only one layer may be added) and otherwise makes `path` a folder with
// one file per layer (<layer>.<ext>). Throws RunError when GDAL cannot create
// or write.
class VectorWriter {
 public:
  VectorWriter(const std::filesystem::path& path, const OutputFormat& format, const WriteOptions& options);
  ~VectorWriter();
  VectorWriter(const VectorWriter&) = delete;
  VectorWriter& operator=(const VectorWriter&) = delete;

  // Returns the layer's handle for write().
  std::size_t add_layer(const LayerSchema& schema);
  void write(std::size_t layer, const Feature& feature);
  // The same, the geometry by reference (nothing copied).
  void write(std::size_t layer, const GeometryRef& geometry, const std::vector<FieldValue>& values);
  std::uint64_t features_written() const;
  // Commits and closes every file; further writes are errors. Throws RunError.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// write_atomic around a VectorWriter: resolves the format (UsageError), refuses
// an existing output without `overwrite` (UsageError), then calls fill(writer)
// and closes it. Nothing is left behind when fill throws.
void write_vector(const std::filesystem::path& target, const WriteOptions& options, bool overwrite,
                  const std::function<void(VectorWriter&)>& fill);

// One layer or table held in memory.
struct LayerData {
  LayerSchema schema;
  std::vector<Feature> features;
};

// Writes layers held in memory (all into one file, or one file per layer in a
// folder for single-layer formats).
void write_layers(const std::filesystem::path& target, const std::vector<LayerData>& layers,
                  const WriteOptions& options, bool overwrite);

// --- model layers -----------------------------------------------------------
// The contract's layers (docs/data-input.md) as they are written: the named
// fields first, then the extra fields (as text) in the order first seen.
LayerSchema counties_schema(const std::vector<std::string>& extra = {});
LayerSchema townships_schema(const std::vector<std::string>& extra = {});
LayerSchema villages_schema(const std::vector<std::string>& extra = {});
LayerSchema roads_schema(const std::vector<std::string>& extra = {}, bool multi_lines = false);
LayerSchema facilities_schema(const std::vector<std::string>& extra = {});

// Values in the order of the schema above; extras matched by name (missing = null).
Feature to_feature(const model::County& c, const std::vector<std::string>& extra = {});
Feature to_feature(const model::Township& t, const std::vector<std::string>& extra = {});
Feature to_feature(const model::Village& v, const std::vector<std::string>& extra = {});
Feature to_feature(const model::RoadSegment& r, const std::vector<std::string>& extra = {});
Feature to_feature(const model::Facility& f, const std::vector<std::string>& extra = {});

// Text as written for the road's oneway field: "no", "yes" (along the line) or "-1".
const char* oneway_text(model::Oneway o);

// The extra field names of a layer, in the order first seen.
template <class T>
std::vector<std::string> extra_field_names(const std::vector<T>& items) {
  std::vector<std::string> names;
  for (const auto& it : items)
    for (const auto& [k, v] : it.extra) {
      bool seen = false;
      for (const auto& n : names) seen = seen || n == k;
      if (!seen) names.push_back(k);
    }
  return names;
}

// The model layers of `ds` (those with features), named by the contract, plus
// any further tables.
void write_dataset(const std::filesystem::path& target, const model::Dataset& ds, const WriteOptions& options,
                   bool overwrite, const std::vector<LayerData>& extra_tables = {});

}  // namespace ruralnet::io
