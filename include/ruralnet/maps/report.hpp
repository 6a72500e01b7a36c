// The self-contained HTML report and the static SVG maps of `ruralnet report`
// (docs/report.md). Both are drawn from one ReportData: the dataset's
// boundaries, roads and facilities plus the analyses' layers and per-county
// tables, as GeoJSON with coordinates rounded to 1e-5 degree.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ruralnet/core/text.hpp"
#include "ruralnet/maps/outputs.hpp"
#include "ruralnet/core/types.hpp"
#include "ruralnet/model/dataset.hpp"

namespace ruralnet::maps {

enum class Lang { zh, en };
std::optional<Lang> parse_lang(std::string_view text);

// A label in the report's language; the key itself when it has no translation.
std::string label(std::string_view key, Lang lang);
// Every translated word, for the page's script.
nlohmann::json words(Lang lang);

// --- escaping ----------------------------------------------------------------
// Text for HTML element content or a quoted attribute value (& < > " ').
using ruralnet::html_escape;  // core/text.hpp
// JSON for a <script> element: every "<" becomes \u003c and U+2028/U+2029
// are escaped, so no data can end the script or break the JavaScript parser.
std::string script_json(const nlohmann::json& j);

// --- the data both renderings draw ---------------------------------------------
struct ReportData {
  Lang lang = Lang::zh;
  std::string title;
  std::string dataset;      // the dataset's path as named
  std::string fingerprint;  // model::fingerprint of it
  std::vector<std::pair<std::string, std::string>> counties;  // code, name
  std::vector<double> bounds;  // west, south, east, north
  // Map layers: each {id, title, group, geom, on, style..., legend, features
  // (a FeatureCollection), county (a county code per feature)}.
  nlohmann::json layers = nlohmann::json::array();
  // Side panels: each {analysis, title, source, table {columns, rows,
  // county}, chart}.
  nlohmann::json panels = nlohmann::json::array();
  std::vector<Analysis> analyses;  // those drawn, in order
  // Per county, the share of its quota indicators met or on track (the quota
  // picture colours the counties by it).
  std::map<std::string, double> quota_ok_share;
};

// Builds the layers and tables. Road and boundary lines are simplified by
// Douglas-Peucker to `simplify_deg` (0 = none) before rounding.
ReportData build_report_data(const model::Dataset& ds, const std::vector<AnalysisOutput>& outputs, Lang lang,
                             double simplify_deg = 2e-5);

// The layers as the page embeds them: line and polygon coordinates as
// delta-coded integers of 1e-5 degree ("d" in place of "coordinates"), which
// the page's script expands; points as they are.
nlohmann::json embedded_layers(const ReportData& data);
// Bytes the map data takes embedded (the JSON of embedded_layers).
std::size_t embedded_size(const ReportData& data);

// --- Leaflet -------------------------------------------------------------------
struct Leaflet {
  std::string js, css;
  std::filesystem::path dir;  // where they were found
};
// Reads leaflet.js and leaflet.css from WEB_DIR/node_modules/leaflet/dist (or
// from `dir` itself when it holds them). Throws InputError with the hint to
// run scripts/setup.sh when they are missing.
Leaflet load_leaflet(const std::filesystem::path& web_dir);
// The web folder compiled in (the source tree's web/), unless
// RURALNET_WEB_DIR is set in the environment.
std::filesystem::path default_web_dir();

// The self-contained HTML page: Leaflet, the report's script and style, and
// the data inlined; no request leaves the page.
std::string render_html(const ReportData& data, const Leaflet& leaflet);

// --- static maps -----------------------------------------------------------------
struct SvgOptions {
  int width = 1200;   // pixels of the whole picture
  int height = 900;
};
// One picture per analysis: boundaries with labels, that analysis's layers, a
// legend, a geodesic scale bar and a north arrow. Equirectangular at the
// map's mid-latitude (x = lon·cos φ0, y = lat), which keeps a city's shapes
// within a fraction of a percent of a conformal projection.
std::string render_svg(const ReportData& data, Analysis analysis, const SvgOptions& options);

// A round length for a scale bar no longer than `max_m` metres: 1, 2 or 5 × 10^k.
double nice_scale_length(double max_m);

// Douglas-Peucker on lon/lat (planar, tolerance in degrees); keeps the ends.
std::vector<LonLat> simplify_line(const std::vector<LonLat>& line, double tolerance);

}  // namespace ruralnet::maps
