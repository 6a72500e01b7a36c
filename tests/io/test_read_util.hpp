// Small fixtures for the reader tests, written with GDAL into a temporary
// folder at test time so that nothing binary is committed.
#pragma once

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace ruralnet::testing {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("ruralnet-read-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

inline void write_text(const std::string& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
}

struct FieldDef {
  std::string name;
  OGRFieldType type = OFTString;
};

struct Feat {
  std::vector<std::optional<std::string>> values;  // one per field; nullopt = null
  std::string wkt;                                  // empty = no geometry
};

// Writes one layer (appending to an existing GeoPackage). epsg 0 = no CRS.
inline void write_layer(const std::string& file, const std::string& driver, const std::string& layer, int epsg,
                        const std::vector<FieldDef>& fields, const std::vector<Feat>& feats,
                        const std::vector<std::string>& layer_options = {}) {
  GDALAllRegister();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver.c_str());
  ASSERT_NE(drv, nullptr) << driver;
  GDALDataset* ds = nullptr;
  if (fs::exists(file)) ds = static_cast<GDALDataset*>(GDALOpenEx(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr));
  else
    ds = drv->Create(file.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  ASSERT_NE(ds, nullptr) << file;
  OGRSpatialReference srs;
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  if (epsg) srs.importFromEPSG(epsg);
  std::vector<const char*> lco;
  for (const auto& o : layer_options) lco.push_back(o.c_str());
  lco.push_back(nullptr);
  OGRwkbGeometryType gtype = wkbUnknown;
  for (const auto& f : feats)
    if (!f.wkt.empty()) {
      OGRGeometry* g = nullptr;
      OGRGeometryFactory::createFromWkt(f.wkt.c_str(), nullptr, &g);
      if (g) {
        gtype = g->getGeometryType();
        OGRGeometryFactory::destroyGeometry(g);
      }
      break;
    }
  OGRLayer* l = ds->CreateLayer(layer.c_str(), epsg ? &srs : nullptr, gtype, const_cast<char**>(lco.data()));
  ASSERT_NE(l, nullptr) << layer;
  for (const auto& fd : fields) {
    OGRFieldDefn d(fd.name.c_str(), fd.type);
    ASSERT_EQ(l->CreateField(&d), OGRERR_NONE) << fd.name;
  }
  for (const auto& f : feats) {
    OGRFeature feat(l->GetLayerDefn());
    for (std::size_t i = 0; i < f.values.size(); ++i) {
      if (f.values[i]) feat.SetField(static_cast<int>(i), f.values[i]->c_str());
      else
        feat.SetFieldNull(static_cast<int>(i));
    }
    if (!f.wkt.empty()) {
      OGRGeometry* g = nullptr;
      ASSERT_EQ(OGRGeometryFactory::createFromWkt(f.wkt.c_str(), nullptr, &g), OGRERR_NONE) << f.wkt;
      feat.SetGeometryDirectly(g);
    }
    ASSERT_EQ(l->CreateFeature(&feat), OGRERR_NONE);
  }
  GDALClose(ds);
}

inline std::string clean_data() { return std::string(RURALNET_TEST_DATA) + "/validate/clean"; }

}  // namespace ruralnet::testing
