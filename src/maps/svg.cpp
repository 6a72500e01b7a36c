// Static SVG maps, written directly: one per analysis, for documents.
#include <algorithm>
#include <cmath>
#include <set>

#include "ruralnet/core/text.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/maps/report.hpp"

namespace ruralnet::maps {

using nlohmann::json;

double nice_scale_length(double max_m) {
  if (!(max_m > 0) || !std::isfinite(max_m)) return 0;
  const double p = std::pow(10.0, std::floor(std::log10(max_m)));
  for (double m : {5.0, 2.0, 1.0})
    if (m * p <= max_m * (1 + 1e-12)) return m * p;
  return p;
}

namespace {

struct View {
  double west = 0, north = 0, kx = 1, s = 1, ox = 0, oy = 0;
  double x(double lon) const { return ox + (lon - west) * kx * s; }
  double y(double lat) const { return oy + (north - lat) * s; }
};

std::string num(double v) { return fixed(v, 1); }

std::string color_of(const json& spec, const json& props) {
  if (spec.is_null()) return {};
  const json& v = props.value(spec["field"].get<std::string>(), json());
  if (spec.contains("values")) {
    const std::string key = v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump();
    if (spec["values"].contains(key)) return spec["values"][key].get<std::string>();
    // numbers as the page's script prints them (15.0 -> "15")
    if (v.is_number() && std::floor(v.get<double>()) == v.get<double>()) {
      const std::string k2 = fixed(v.get<double>(), 0);
      if (spec["values"].contains(k2)) return spec["values"][k2].get<std::string>();
    }
    return spec.value("other", std::string("#999999"));
  }
  if (spec.contains("breaks")) {
    if (!v.is_number()) return "#999999";
    std::size_t i = 0;
    const double d = v.get<double>();
    while (i < spec["breaks"].size() && d >= spec["breaks"][i].get<double>()) ++i;
    if (spec["colors"].empty()) return "#999999";
    return spec["colors"][std::min(i, spec["colors"].size() - 1)].get<std::string>();
  }
  return {};
}

double weight_of(const json& layer, const json& props) {
  double w = layer["style"].value("weight", 1.0);
  const json& spec = layer["weight_by"];
  if (spec.is_object()) {
    const json& v = props.value(spec["field"].get<std::string>(), json());
    const std::string key = v.is_string() ? v.get<std::string>() : v.dump();
    w = spec["values"].contains(key) ? spec["values"][key].get<double>() : spec.value("other", w);
  }
  return w;
}

// A tenth of a pixel as short text: "12.3", "-4", "0.5" -> ".5".
std::string tenths(long long t) {
  std::string out = t < 0 ? "-" : "";
  const long long a = t < 0 ? -t : t;
  if (a >= 10) out += std::to_string(a / 10);
  if (a % 10 != 0) out += "." + std::to_string(a % 10);
  else if (a < 10) out += "0";
  return out;
}

// Positions to a path, dropping vertices within 0.6 px of the last kept one.
// After the first point the steps are relative and in tenths of a pixel
// (rounded on the running position, so no error accumulates): the demo's
// pictures halve in size.
void path_of(const json& positions, const View& v, bool close, std::string& d) {
  long long px = 0, py = 0;  // the last point written, in tenths of a pixel
  bool first = true;
  std::size_t n = 0;
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const long long x = std::llround(v.x(positions[i][0].get<double>()) * 10);
    const long long y = std::llround(v.y(positions[i][1].get<double>()) * 10);
    const bool last = i + 1 == positions.size();
    if (!first && !last && std::llabs(x - px) < 6 && std::llabs(y - py) < 6) continue;
    if (first) {
      d += "M" + tenths(x) + " " + tenths(y);
    } else {
      const std::string dy = tenths(y - py);
      d += "l" + tenths(x - px) + (dy[0] == '-' ? "" : " ") + dy;
    }
    px = x;
    py = y;
    first = false;
    ++n;
  }
  if (close && n > 0) d += "Z";
}

std::string geometry_path(const json& g, const View& v) {
  std::string d;
  const std::string type = g["type"].get<std::string>();
  const json& c = g["coordinates"];
  if (type == "LineString") path_of(c, v, false, d);
  else if (type == "MultiLineString") for (const auto& l : c) path_of(l, v, false, d);
  else if (type == "Polygon") for (const auto& r : c) path_of(r, v, true, d);
  else if (type == "MultiPolygon") for (const auto& p : c) for (const auto& r : p) path_of(r, v, true, d);
  return d;
}

void draw_layer(const json& layer, const View& v, std::string& s, const std::string& force_color = {},
                double opacity = -1, const std::map<std::string, std::string>* county_fill = nullptr) {
  const json& style = layer["style"];
  const std::string geom = layer["geom"].get<std::string>();
  s += "<g id=\"" + html_escape(layer["id"].get<std::string>()) + "\">";
  // Lines and areas of one style go into one path: the demo's 24,000 roads
  // take 0.4 MB instead of 4.
  std::map<std::string, std::string> paths;  // style attributes -> path data
  const auto& feats = layer["features"]["features"];
  for (std::size_t i = 0; i < feats.size(); ++i) {
    const json& f = feats[i];
    if (!f["geometry"].is_object()) continue;
    const json& props = f["properties"];
    std::string c = force_color.empty() ? color_of(layer["color_by"], props) : force_color;
    if (geom == "point") {
      const json& p = f["geometry"]["coordinates"];
      if (f["geometry"]["type"] != "Point") continue;
      const std::string fill = c.empty() ? style.value("fillColor", std::string("#3388ff")) : c;
      double r = style.value("radius", 4.0) * 0.8;
      if (const json& rb = layer.value("radius_by", json()); rb.is_object()) {
        const json& val = props.value(rb["field"].get<std::string>(), json());
        const std::string key = val.is_string() ? val.get<std::string>() : val.dump();
        r = (rb["values"].contains(key) ? rb["values"][key].get<double>() : rb.value("other", 4.0)) * 0.8;
      }
      s += "<circle cx=\"" + num(v.x(p[0].get<double>())) + "\" cy=\"" + num(v.y(p[1].get<double>())) + "\" r=\"" +
           num(r) + "\" fill=\"" + fill + "\" stroke=\"" + style.value("color", std::string("#333333")) +
           "\" stroke-width=\"" + num(std::min(style.value("weight", 1.0), 1.0) * 0.6) + "\"/>";
    } else if (geom == "line") {
      const std::string stroke = c.empty() ? style.value("color", std::string("#3388ff")) : c;
      const double o = opacity >= 0 ? opacity : style.value("opacity", 1.0);
      paths[" fill=\"none\" stroke=\"" + stroke + "\" stroke-width=\"" + num(weight_of(layer, props) * 0.8) +
            "\" stroke-opacity=\"" + fixed(o, 2) + "\" stroke-linecap=\"round\" stroke-linejoin=\"round\"" +
            (style.contains("dashArray") ? " stroke-dasharray=\"" + style["dashArray"].get<std::string>() + "\"" : "")] +=
          geometry_path(f["geometry"], v);
    } else {
      std::string fill = c.empty() ? style.value("fillColor", std::string("none")) : c;
      double fo = style.value("fillOpacity", 0.2);
      if (county_fill) {
        const auto& counties = layer["county"];
        const std::string code = i < counties.size() ? counties[i].get<std::string>() : "";
        const auto it = county_fill->find(code);
        fill = it == county_fill->end() ? "#eeeeee" : it->second;
        fo = 0.85;
      }
      const std::string stroke = force_color.empty() ? style.value("color", std::string("#333333")) : force_color;
      // Areas keep a path each: shared edges of one path would cancel out
      // under the even-odd rule.
      s += "<path d=\"" + geometry_path(f["geometry"], v) + "\" fill=\"" + (fo > 0 ? fill : "none") +
           "\" fill-opacity=\"" + fixed(fo, 2) + "\" fill-rule=\"evenodd\" stroke=\"" + stroke + "\" stroke-width=\"" +
           num(style.value("weight", 1.0) * 0.7) + "\"" +
           (style.contains("dashArray") ? " stroke-dasharray=\"" + style["dashArray"].get<std::string>() + "\"" : "") +
           "/>";
    }
  }
  for (const auto& [attrs, d] : paths) s += "<path d=\"" + d + "\"" + attrs + "/>";
  s += "</g>\n";
}

const json* find(const ReportData& d, const std::string& id) {
  for (const auto& l : d.layers)
    if (l["id"] == id) return &l;
  return nullptr;
}

// A label point for a (multi)polygon: the centroid of its largest ring.
std::optional<LonLat> label_point(const json& g) {
  if (!g.is_object()) return std::nullopt;
  double best = -1;
  LonLat at;
  auto ring = [&](const json& r) {
    double a = 0, cx = 0, cy = 0;
    for (std::size_t i = 0; i + 1 < r.size(); ++i) {
      const double x0 = r[i][0], y0 = r[i][1], x1 = r[i + 1][0], y1 = r[i + 1][1];
      const double cr = x0 * y1 - x1 * y0;
      a += cr;
      cx += (x0 + x1) * cr;
      cy += (y0 + y1) * cr;
    }
    if (std::abs(a) > best && a != 0) {
      best = std::abs(a);
      at = {cx / (3 * a), cy / (3 * a)};
    }
  };
  if (g["type"] == "Polygon") ring(g["coordinates"][0]);
  if (g["type"] == "MultiPolygon")
    for (const auto& p : g["coordinates"]) ring(p[0]);
  if (best < 0) return std::nullopt;
  return at;
}

}  // namespace

std::string render_svg(const ReportData& data, Analysis analysis, const SvgOptions& o) {
  const Lang lang = data.lang;
  const int W = std::max(o.width, 300), H = std::max(o.height, 240);
  const int title_h = 34, pad = 12, legend_w = std::min(250, W / 3);
  const double map_w = W - legend_w - 3 * pad, map_h = H - title_h - 2 * pad;
  View v;
  double west = 116, south = 31, east = 117, north = 32;
  if (data.bounds.size() == 4) {
    west = data.bounds[0];
    south = data.bounds[1];
    east = data.bounds[2];
    north = data.bounds[3];
  }
  if (!(east > west)) east = west + 0.01;
  if (!(north > south)) north = south + 0.01;
  const double lat0 = (south + north) / 2;
  v.kx = std::cos(lat0 * M_PI / 180.0);
  v.west = west;
  v.north = north;
  v.s = std::min(map_w / ((east - west) * v.kx), map_h / (north - south));
  v.ox = pad + (map_w - (east - west) * v.kx * v.s) / 2;
  v.oy = title_h + pad + (map_h - (north - south) * v.s) / 2;

  std::string s;
  s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(W) + "\" height=\"" + std::to_string(H) +
       "\" viewBox=\"0 0 " + std::to_string(W) + " " + std::to_string(H) +
       "\" font-family=\"Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  s += "<text x=\"" + std::to_string(pad) + "\" y=\"24\" font-size=\"18\" font-weight=\"600\">" +
       html_escape(label(std::string("analysis_") + to_string(analysis), lang)) + " · " + html_escape(data.title) + "</text>\n";
  s += "<rect x=\"" + std::to_string(pad) + "\" y=\"" + std::to_string(title_h + pad) + "\" width=\"" + num(map_w) +
       "\" height=\"" + num(map_h) + "\" fill=\"#eef3f6\" stroke=\"#999\"/>\n";

  std::vector<const json*> drawn;  // for the legend
  auto draw = [&](const char* id, const std::string& color = {}, double opacity = -1, bool legend = true) {
    if (const json* l = find(data, id)) {
      draw_layer(*l, v, s, color, opacity);
      if (legend) drawn.push_back(l);
    }
  };
  std::map<std::string, std::string> quota_fill;
  json quota_legend = json::array();
  if (analysis == Analysis::quota) {
    const char* ramp[] = {"#d73027", "#fc8d59", "#fee08b", "#d9ef8b", "#1a9850"};
    for (const auto& [code, share] : data.quota_ok_share)
      quota_fill[code] = ramp[std::min(4, static_cast<int>(share * 5))];
    const char* names[] = {"< 20%", "20–40%", "40–60%", "60–80%", "≥ 80%"};
    for (int i = 0; i < 5; ++i)
      quota_legend.push_back({{"label", names[i]}, {"color", ramp[i]}, {"shape", "area"}});
  }
  if (const json* c = find(data, "counties")) {
    draw_layer(*c, v, s, {}, -1, analysis == Analysis::quota ? &quota_fill : nullptr);
  }
  draw("townships", {}, -1, false);
  switch (analysis) {
    case Analysis::coverage:
      draw("roads", "#b0b0b0", 0.8, false);
      draw("facilities");
      draw("villages");
      break;
    case Analysis::roads:
      draw("roads");
      draw("findings");
      break;
    case Analysis::quota:
      draw("roads", "#9a9a9a", 0.6, false);
      draw("facilities");
      break;
    case Analysis::site:
      draw("roads", "#c4c4c4", 0.7, false);
      draw("assignment");
      draw("villages", "#bdbdbd", -1, false);
      draw("sites");
      break;
    case Analysis::frequency:
      draw("roads", "#c4c4c4", 0.7, false);
      draw("routes");
      draw("villages_frequency");
      draw("facilities");
      break;
  }
  // County names.
  if (const json* c = find(data, "counties"))
    for (const auto& f : (*c)["features"]["features"])
      if (const auto p = label_point(f["geometry"])) {
        const std::string name = f["properties"].value("name", std::string());
        const std::string attrs = "x=\"" + num(v.x(p->lon)) + "\" y=\"" + num(v.y(p->lat)) +
                                  "\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"600\"";
        s += "<text " + attrs + " stroke=\"#ffffff\" stroke-width=\"4\" stroke-linejoin=\"round\">" + html_escape(name) +
             "</text><text " + attrs + " fill=\"#222\">" + html_escape(name) + "</text>\n";
      }

  // Legend.
  const int lx = W - legend_w - pad;
  int ly = title_h + pad;
  std::string lg;
  auto entry = [&](const json& e) {
    const std::string color = e["color"].get<std::string>();
    const std::string shape = e.value("shape", std::string("area"));
    if (shape == "line")
      lg += "<line x1=\"" + std::to_string(lx + 6) + "\" x2=\"" + std::to_string(lx + 28) + "\" y1=\"" +
            std::to_string(ly + 8) + "\" y2=\"" + std::to_string(ly + 8) + "\" stroke=\"" + color + "\" stroke-width=\"" +
            num(e.value("size", 2.0)) + "\"/>";
    else if (shape == "point")
      lg += "<circle cx=\"" + std::to_string(lx + 17) + "\" cy=\"" + std::to_string(ly + 8) + "\" r=\"" +
            num(std::min(e.value("size", 4.0), 6.0) * 0.8) + "\" fill=\"" + color + "\" stroke=\"#333\" stroke-width=\"0.5\"/>";
    else
      lg += "<rect x=\"" + std::to_string(lx + 8) + "\" y=\"" + std::to_string(ly + 2) + "\" width=\"18\" height=\"12\" fill=\"" +
            color + "\" stroke=\"#555\" stroke-width=\"0.5\"/>";
    lg += "<text x=\"" + std::to_string(lx + 34) + "\" y=\"" + std::to_string(ly + 12) + "\" font-size=\"12\">" +
          html_escape(e["label"].get<std::string>()) + "</text>";
    ly += 17;
  };
  lg += "<text x=\"" + std::to_string(lx + 4) + "\" y=\"" + std::to_string(ly + 14) + "\" font-size=\"14\" font-weight=\"600\">" +
        html_escape(label("legend", lang)) + "</text>";
  ly += 22;
  if (!quota_legend.empty()) {
    lg += "<text x=\"" + std::to_string(lx + 4) + "\" y=\"" + std::to_string(ly + 11) + "\" font-size=\"12\" font-weight=\"600\">" +
          html_escape(label("quota_ok_share", lang)) + "</text>";
    ly += 16;
    for (const auto& e : quota_legend) entry(e);
  }
  for (const json* l : drawn) {
    lg += "<text x=\"" + std::to_string(lx + 4) + "\" y=\"" + std::to_string(ly + 11) + "\" font-size=\"12\" font-weight=\"600\">" +
          html_escape((*l)["title"].get<std::string>()) + "</text>";
    ly += 16;
    for (const auto& e : (*l)["legend"]) entry(e);
    ly += 4;
  }
  s += "<rect x=\"" + std::to_string(lx) + "\" y=\"" + std::to_string(title_h + pad) + "\" width=\"" +
       std::to_string(legend_w) + "\" height=\"" + std::to_string(ly - title_h - pad + 6) +
       "\" fill=\"#ffffff\" stroke=\"#999\"/>\n" + lg + "\n";

  // Scale bar: metres per pixel along the parallel through the map's centre,
  // measured on the ellipsoid.
  const double mid_lon = (west + east) / 2;
  const double half = 0.5 * 100.0 / (v.kx * v.s);  // degrees of longitude spanning 100 px
  const double m_per_px =
      geo::geodesic_distance({mid_lon - half, lat0}, {mid_lon + half, lat0}).value() / 100.0;
  const double len_m = nice_scale_length(m_per_px * map_w / 4);
  const double len_px = len_m / m_per_px;
  const double sx = pad + 14, sy = title_h + pad + map_h - 18;
  const std::string unit = len_m >= 1000 ? fixed(len_m / 1000, len_m >= 10000 || std::fmod(len_m, 1000) == 0 ? 0 : 1) + " " + label("km", lang)
                                         : fixed(len_m, 0) + " " + label("m", lang);
  s += "<g id=\"scale\"><rect x=\"" + num(sx - 6) + "\" y=\"" + num(sy - 20) + "\" width=\"" + num(len_px + 12) +
       "\" height=\"30\" fill=\"#ffffff\" fill-opacity=\"0.8\"/>";
  s += "<rect x=\"" + num(sx) + "\" y=\"" + num(sy) + "\" width=\"" + num(len_px / 2) +
       "\" height=\"5\" fill=\"#222\"/><rect x=\"" + num(sx + len_px / 2) + "\" y=\"" + num(sy) + "\" width=\"" +
       num(len_px / 2) + "\" height=\"5\" fill=\"#fff\" stroke=\"#222\" stroke-width=\"0.8\"/>";
  s += "<text x=\"" + num(sx) + "\" y=\"" + num(sy - 5) + "\" font-size=\"11\">0</text><text x=\"" + num(sx + len_px) +
       "\" y=\"" + num(sy - 5) + "\" font-size=\"11\" text-anchor=\"end\">" + html_escape(unit) + "</text></g>\n";
  // North arrow.
  const double nx = pad + 30, ny = title_h + pad + 14;
  s += "<g id=\"north\"><path d=\"M" + num(nx) + " " + num(ny) + " L" + num(nx + 10) + " " + num(ny + 30) + " L" +
       num(nx) + " " + num(ny + 23) + " L" + num(nx - 10) + " " + num(ny + 30) + " Z\" fill=\"#222\"/><text x=\"" +
       num(nx) + "\" y=\"" + num(ny + 46) + "\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"600\">" +
       html_escape(label("north", lang)) + "</text></g>\n";
  s += "<text x=\"" + std::to_string(pad) + "\" y=\"" + std::to_string(H - 2) + "\" font-size=\"10\" fill=\"#666\">" +
       html_escape(label("dataset", lang) + ": " + data.dataset + " · " + label("fingerprint", lang) + " " +
                   data.fingerprint) +
       "</text>\n";
  s += "</svg>\n";
  return s;
}

}  // namespace ruralnet::maps
