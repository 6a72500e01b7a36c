// The self-contained HTML page of `ruralnet report`.
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "assets.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/maps/report.hpp"

#ifndef RURALNET_WEB_DIR
#define RURALNET_WEB_DIR ""
#endif

namespace ruralnet::maps {

namespace fs = std::filesystem;

std::filesystem::path default_web_dir() {
  if (const char* env = std::getenv("RURALNET_WEB_DIR"); env && *env) return env;
  return RURALNET_WEB_DIR;
}

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Coordinates as delta-coded integers of 1e-5 degree (about a metre): a
// position costs a few digits instead of two nine-digit decimals, which keeps
// a city's roads, service areas and routes within a size that mails and opens
// well. The page's script expands them back before Leaflet sees them.
bool is_positions(const nlohmann::json& a) {
  return a.is_array() && !a.empty() && a[0].is_array() && !a[0].empty() && a[0][0].is_number();
}

nlohmann::json delta_code(const nlohmann::json& a) {
  if (!is_positions(a)) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : a) out.push_back(delta_code(e));
    return out;
  }
  nlohmann::json flat = nlohmann::json::array();
  long long px = 0, py = 0;
  for (const auto& p : a) {
    const long long x = std::llround(p[0].get<double>() * 1e5), y = std::llround(p[1].get<double>() * 1e5);
    flat.push_back(x - px);
    flat.push_back(y - py);
    px = x;
    py = y;
  }
  return flat;
}

}  // namespace

nlohmann::json embedded_layers(const ReportData& data) {
  nlohmann::json out = data.layers;
  for (auto& layer : out) {
    auto it = layer.find("features");
    if (it == layer.end() || !it->contains("features")) continue;
    for (auto& f : (*it)["features"]) {
      auto g = f.find("geometry");
      if (g == f.end() || !g->is_object() || !g->contains("coordinates") || (*g)["type"] == "Point") continue;
      (*g)["d"] = delta_code((*g)["coordinates"]);
      g->erase("coordinates");
    }
  }
  return out;
}

std::size_t embedded_size(const ReportData& data) { return script_json(embedded_layers(data)).size(); }

Leaflet load_leaflet(const fs::path& web_dir) {
  for (const fs::path& dir : {web_dir / "node_modules" / "leaflet" / "dist", web_dir}) {
    if (fs::is_regular_file(dir / "leaflet.js") && fs::is_regular_file(dir / "leaflet.css")) {
      Leaflet l{read_file(dir / "leaflet.js"), read_file(dir / "leaflet.css"), dir};
      if (l.js.empty() || l.css.empty())
        throw InputError({(dir / "leaflet.js").string(), {}, {}, {}}, "Leaflet's files are empty",
                         "run scripts/setup.sh to install them again");
      return l;
    }
  }
  throw InputError({web_dir.string(), {}, {}, {}},
                   "Leaflet (node_modules/leaflet/dist/leaflet.js and leaflet.css) is not there; the HTML report inlines it",
                   "run scripts/setup.sh (it runs `npm ci` in web/), or point --web-dir or RURALNET_WEB_DIR at a folder "
                   "holding leaflet.js and leaflet.css; --static-only writes the SVG maps without it");
}

std::string render_html(const ReportData& data, const Leaflet& leaflet) {
  const Lang lang = data.lang;
  nlohmann::json page = {{"lang", lang == Lang::zh ? "zh" : "en"},
                         {"bounds", data.bounds},
                         {"counties", nlohmann::json::array()},
                         {"words", words(lang)},
                         {"layers", embedded_layers(data)}};
  for (const auto& [code, name] : data.counties) page["counties"].push_back({code, name});

  std::string h;
  h.reserve(leaflet.js.size() + 1024 * 1024);
  h += "<!DOCTYPE html>\n<html lang=\"";
  h += lang == Lang::zh ? "zh-CN" : "en";
  h += "\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Nothing may be fetched: the policy forbids every source but the page itself.
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
       "style-src 'unsafe-inline'; img-src data:\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>" + html_escape(data.title) + "</title>\n";
  // Leaflet's stylesheet names marker images by URL; the report draws no
  // markers, so those rules stay unused and nothing is requested.
  h += "<style>\n" + leaflet.css + "\n</style>\n<style>" + assets::kReportCss + "</style>\n</head>\n<body>\n";
  h += "<header><h1>" + html_escape(data.title) + "</h1><label>" + html_escape(label("county_filter", lang)) +
       " <select id=\"rn-county\"></select></label><span class=\"meta\">" + html_escape(label("dataset", lang)) + ": " +
       html_escape(data.dataset) + " · " + html_escape(label("fingerprint", lang)) + " " + html_escape(data.fingerprint) +
       "</span></header>\n";
  h += "<main><div id=\"map\"></div><aside>\n";
  for (const auto& p : data.panels) {
    h += "<section class=\"panel\" id=\"panel-" + html_escape(p["analysis"].get<std::string>()) + "\">";
    h += "<h2>" + html_escape(p["title"].get<std::string>()) + "</h2>";
    h += "<div class=\"source\">" + html_escape(label("source", lang)) + ": " +
         html_escape(p["source"].get<std::string>()) + "</div>";
    h += "<h3>" + html_escape(p["chart_title"].get<std::string>()) + "</h3>";
    h += p["chart"].get<std::string>();  // built with every text escaped
    h += "<table class=\"rn\"><thead><tr>";
    for (const auto& c : p["columns"]) h += "<th>" + html_escape(c.get<std::string>()) + "</th>";
    h += "</tr></thead><tbody>";
    const auto& rows = p["rows"];
    for (std::size_t i = 0; i < rows.size(); ++i) {
      h += "<tr data-county=\"" + html_escape(p["county"][i].get<std::string>()) + "\">";
      for (std::size_t k = 0; k < rows[i].size(); ++k)
        h += std::string("<td") + (p["align"][k] == "r" ? " class=\"r\"" : "") + ">" +
             html_escape(rows[i][k].get<std::string>()) + "</td>";
      h += "</tr>";
    }
    h += "</tbody></table></section>\n";
  }
  if (!data.analyses.empty()) {
    h += "<section class=\"static\"><h2>" + html_escape(label("static_maps", lang)) + "</h2>";
    for (Analysis a : data.analyses) {
      const std::string f = std::string("map-") + to_string(a) + ".svg";
      h += "<a href=\"" + f + "\">" + html_escape(label(std::string("analysis_") + to_string(a), lang)) + " (" + f + ")</a> ";
    }
    h += "</section>\n";
  }
  h += "</aside></main>\n";
  h += "<script type=\"application/json\" id=\"ruralnet-data\">" + script_json(page) + "</script>\n";
  h += "<script>\n" + leaflet.js + "\n</script>\n";
  h += "<script>" + std::string(assets::kReportJs) + "</script>\n</body>\n</html>\n";
  return h;
}

}  // namespace ruralnet::maps
