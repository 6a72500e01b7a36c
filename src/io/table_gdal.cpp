// Attribute tables through GDAL (spreadsheets, DBF, GeoPackage, Shapefile ...).
#include <gdal_priv.h>
#include <cpl_conv.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <memory>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/io/encoding.hpp"
#include "ruralnet/io/table.hpp"

namespace ruralnet::io {

Table read_gdal_table(const std::string& path, const TableOptions& options);

namespace {

struct DatasetCloser {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

DatasetPtr open(const std::string& path, bool raw_dbf) {
  // Shapefiles and DBF are opened without GDAL's recoding: GDAL would read a
  // GBK file that lacks a .cpg as Latin-1 and hand back mojibake. ruralnet
  // decodes the raw bytes itself (--encoding, else detection).
  const char* raw_options[] = {"ENCODING=", nullptr};
  return DatasetPtr(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                      raw_dbf ? raw_options : nullptr, nullptr));
}

}  // namespace

Table read_gdal_table(const std::string& path, const TableOptions& options) {
  GDALAllRegister();
  // Spreadsheets: the first row is always the header (GDAL's guess fails on
  // sheets whose cells are all text), and every cell is read as text so that
  // codes keep their digits; date cells then arrive as serial day numbers,
  // which the callers read as dates. GDAL 3.6 takes these as configuration
  // options and reads sheets lazily, so they stay set for the whole read.
  const std::string ext = to_lower_ascii(std::filesystem::path(path).extension().string());
  const bool sheet = ext == ".xlsx" || ext == ".ods";
  CPLConfigOptionSetter xh("OGR_XLSX_HEADERS", sheet ? "FORCE" : nullptr, false);
  CPLConfigOptionSetter xt("OGR_XLSX_FIELD_TYPES", sheet ? "STRING" : nullptr, false);
  CPLConfigOptionSetter oh("OGR_ODS_HEADERS", sheet ? "FORCE" : nullptr, false);
  CPLConfigOptionSetter ot("OGR_ODS_FIELD_TYPES", sheet ? "STRING" : nullptr, false);
  CPLPushErrorHandler(CPLQuietErrorHandler);
  DatasetPtr ds = open(path, false);
  bool raw = false;
  if (ds && ds->GetDriver() && std::string(ds->GetDriver()->GetDescription()) == "ESRI Shapefile") {
    ds = open(path, true);
    raw = true;
  }
  CPLPopErrorHandler();
  if (!ds) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      throw InputError({path, "", "", ""}, "file not found", "check the path");
    throw InputError({path, "", "", ""}, "GDAL cannot open it as a table",
                     "use CSV, XLSX, ODS, DBF, GeoPackage or another GDAL vector format");
  }
  OGRLayer* layer = nullptr;
  if (!options.layer.empty()) {
    layer = ds->GetLayerByName(options.layer.c_str());
    if (!layer) throw InputError({path, options.layer, "", ""}, "no such layer in the source");
  } else {
    if (ds->GetLayerCount() < 1) throw InputError({path, "", "", ""}, "the source holds no table");
    layer = ds->GetLayer(0);
  }
  Table t;
  t.source = path;
  t.layer = layer->GetName();
  t.number_kind = "feature";
  const bool utf8 = !raw && layer->TestCapability(OLCStringsAsUTF8);
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  const int nfields = defn->GetFieldCount();
  std::vector<std::string> raw_names;
  for (int f = 0; f < nfields; ++f) raw_names.emplace_back(defn->GetFieldDefn(f)->GetNameRef());

  std::vector<TableRow> rows;
  layer->ResetReading();
  std::size_t n = 0;
  for (auto& feature : *layer) {
    ++n;
    TableRow r;
    r.number = n;
    for (int f = 0; f < nfields; ++f)
      r.values.emplace_back(feature->IsFieldSetAndNotNull(f) ? feature->GetFieldAsString(f) : "");
    rows.push_back(std::move(r));
  }

  // Decide the encoding on the raw text unless the driver already gives UTF-8
  // and the user did not say otherwise.
  std::string encoding = "UTF-8";
  if (!options.encoding.empty()) {
    auto canon = canonical_encoding(options.encoding);
    if (!canon) throw InputError({path, t.layer, "", ""}, "unknown text encoding '" + options.encoding + "'", "use GBK, GB18030 or UTF-8");
    encoding = *canon;
  } else if (!utf8) {
    std::vector<std::string> samples = raw_names;
    for (const auto& r : rows)
      for (const auto& v : r.values) samples.push_back(v);
    auto detected = detect_encoding(samples);
    if (!detected)
      throw InputError({path, t.layer, "", ""}, "cannot tell the text encoding of the table",
                       "give it with --encoding GBK (or GB18030, UTF-8)");
    encoding = *detected;
  }
  t.encoding = encoding;
  auto conv = [&](const std::string& s, const std::string& where) {
    auto u = to_utf8(s, encoding);
    if (!u) throw InputError({path, t.layer, where, ""}, "text is not valid " + encoding, "check --encoding");
    return std::string(trim(*u));
  };
  for (const auto& name : raw_names) t.columns.push_back(conv(name, "field names"));
  for (auto& r : rows) {
    for (auto& v : r.values) v = conv(v, "feature " + std::to_string(r.number));
    bool blank = true;
    for (const auto& v : r.values)
      if (!v.empty()) blank = false;
    if (blank) {
      ++t.blank_rows;
      continue;
    }
    t.rows.push_back(std::move(r));
  }
  return t;
}

}  // namespace ruralnet::io
