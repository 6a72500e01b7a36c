// The layers and per-county tables the HTML report and the static maps draw.
#include <algorithm>
#include <cmath>
#include <set>

#include "ruralnet/core/text.hpp"
#include "ruralnet/maps/report.hpp"

namespace ruralnet::maps {

using nlohmann::json;

std::vector<LonLat> simplify_line(const std::vector<LonLat>& line, double tolerance) {
  if (line.size() <= 2 || tolerance <= 0) return line;
  std::vector<char> keep(line.size(), 0);
  keep.front() = keep.back() = 1;
  std::vector<std::pair<std::size_t, std::size_t>> stack{{0, line.size() - 1}};
  const double tol2 = tolerance * tolerance;
  while (!stack.empty()) {
    const auto [a, b] = stack.back();
    stack.pop_back();
    if (b <= a + 1) continue;
    const double dx = line[b].lon - line[a].lon, dy = line[b].lat - line[a].lat;
    const double len2 = dx * dx + dy * dy;
    double worst = -1;
    std::size_t at = a;
    for (std::size_t i = a + 1; i < b; ++i) {
      double px = line[i].lon - line[a].lon, py = line[i].lat - line[a].lat;
      double d2;
      if (len2 == 0) {
        d2 = px * px + py * py;
      } else {
        const double t = std::clamp((px * dx + py * dy) / len2, 0.0, 1.0);
        px -= t * dx;
        py -= t * dy;
        d2 = px * px + py * py;
      }
      if (d2 > worst) {
        worst = d2;
        at = i;
      }
    }
    if (worst > tol2) {
      keep[at] = 1;
      stack.push_back({a, at});
      stack.push_back({at, b});
    }
  }
  std::vector<LonLat> out;
  for (std::size_t i = 0; i < line.size(); ++i)
    if (keep[i]) out.push_back(line[i]);
  return out;
}

namespace {

double rnd(double v) { return std::round(v * 1e5) / 1e5; }

json position(LonLat p) { return json::array({rnd(p.lon), rnd(p.lat)}); }

json line_coords(const std::vector<LonLat>& line, double tol) {
  json a = json::array();
  for (const auto& p : simplify_line(line, tol)) {
    json q = position(p);
    if (a.empty() || a.back() != q) a.push_back(std::move(q));
  }
  if (a.size() == 1) a.push_back(a[0]);
  return a;
}

json ring_coords(const model::Ring& ring, double tol) {
  json a = line_coords(ring, tol);
  while (a.size() < 4) a.push_back(a[0]);  // keep a degenerate ring valid
  return a;
}

json multipolygon(const model::MultiPolygon& mp, double tol) {
  json polys = json::array();
  for (const auto& poly : mp) {
    json rings = json::array();
    for (const auto& r : poly.rings)
      if (!r.empty()) rings.push_back(ring_coords(r, tol));
    if (!rings.empty()) polys.push_back(std::move(rings));
  }
  return {{"type", "MultiPolygon"}, {"coordinates", std::move(polys)}};
}

json feature(json props, json geometry) {
  return {{"type", "Feature"}, {"properties", std::move(props)}, {"geometry", std::move(geometry)}};
}

json point(LonLat p) { return {{"type", "Point"}, {"coordinates", position(p)}}; }

json collection(json features) { return {{"type", "FeatureCollection"}, {"features", std::move(features)}}; }

// The county a feature lies in, from the first code-like field it has.
std::string county_of(const json& props) {
  for (const char* k : {"county_code", "county", "admin_code", "village_code", "code", "to_admin_code"}) {
    const auto it = props.find(k);
    if (it == props.end() || !it->is_string()) continue;
    const std::string v = it->get<std::string>();
    if (v.size() >= 6 && std::all_of(v.begin(), v.begin() + 6, [](char c) { return c >= '0' && c <= '9'; }))
      return v.substr(0, 6);
  }
  return {};
}

json legend_entry(const std::string& text, const std::string& color, const std::string& shape, double size = 0) {
  json e = {{"label", text}, {"color", color}, {"shape", shape}};
  if (size > 0) e["size"] = size;
  return e;
}

struct LayerSpec {
  std::string id, title, geom;  // geom: polygon, line, point
  bool on = true;
  std::string analysis;         // "" = the dataset
  json style = json::object();  // color, weight, fillColor, fillOpacity, radius, dashArray
  json color_by = nullptr;      // {field, values{}, other} or {field, breaks[], colors[]}
  json weight_by = nullptr;     // {field, values{}, other}
  json radius_by = nullptr;     // {field, values{}, other}: points' radius
  std::string label_field;      // permanent labels
  int label_min_zoom = 0;
  std::string title_field;      // the popup's heading
  json legend = json::array();
};

LayerSpec spec(std::string id, std::string title, std::string geom, bool on = true, std::string analysis = {}) {
  LayerSpec s;
  s.id = std::move(id);
  s.title = std::move(title);
  s.geom = std::move(geom);
  s.on = on;
  s.analysis = std::move(analysis);
  return s;
}

json make_layer(const LayerSpec& s, json features) {
  json counties = json::array();
  for (const auto& f : features) counties.push_back(county_of(f["properties"]));
  json l = {{"id", s.id},       {"title", s.title},         {"geom", s.geom},         {"on", s.on},
            {"analysis", s.analysis}, {"style", s.style},   {"color_by", s.color_by}, {"weight_by", s.weight_by}, {"radius_by", s.radius_by},
            {"label_field", s.label_field}, {"label_min_zoom", s.label_min_zoom}, {"title_field", s.title_field},
            {"legend", s.legend}, {"county", std::move(counties)}};
  l["features"] = collection(std::move(features));
  return l;
}

const char* kReachColors[][2] = {{"direct", "#1a9850"},
                                 {"cooperative", "#91cf60"},
                                 {"township_only", "#fc8d59"},
                                 {"off_network", "#d73027"},
                                 {"disconnected", "#7b3294"}};
const char* kStatusColors[][2] = {{"completed", "#1b7837"},
                                  {"building", "#f1a340"},
                                  {"planned", "#2166ac"},
                                  {"unknown", "#999999"},
                                  {"not_in_programme", "#b8b8b8"}};
const char* kQuotaColors[][2] = {{"met", "#1b7837"},     {"on_track", "#a6dba0"}, {"behind", "#f1a340"},
                                 {"overdue", "#d73027"}, {"no_data", "#bdbdbd"}};
// Villages are green by reach; road findings take warm hues and site levels
// cool ones, so neither is taken for the other.
const std::vector<const char*> kWarm = {"#e41a1c", "#ff7f00", "#a65628", "#f781bf", "#ffd92f", "#666666"};
const std::vector<const char*> kCool = {"#1f78b4", "#6a3d9a", "#01665e", "#80cdc1", "#b2abd2", "#666666"};

template <std::size_t N>
json categorical(const std::string& field, const char* (&pairs)[N][2], Lang lang, json& legend, const std::string& shape,
                 double size = 0) {
  json values = json::object();
  for (const auto& p : pairs) {
    values[p[0]] = p[1];
    legend.push_back(legend_entry(label(p[0], lang), p[1], shape, size));
  }
  return {{"field", field}, {"values", values}, {"other", "#999999"}};
}

// Colours for the distinct values of a field (levels of sites, kinds of
// findings), in sorted order so the same values get the same colours.
json distinct_colors(const json& features, const std::string& field, Lang lang, json& legend, const std::string& shape,
                     double size, const std::vector<const char*>& palette, const std::string& label_prefix) {
  std::set<std::string> seen;
  for (const auto& f : features) {
    const auto& v = f["properties"].value(field, json());
    seen.insert(v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump());
  }
  json values = json::object();
  std::size_t i = 0;
  for (const auto& v : seen) {
    const char* c = palette[std::min(i++, palette.size() - 1)];
    values[v] = c;
    // "level_provincial" before "provincial": a site level is not a road class.
    std::string text = label(label_prefix + v, lang);
    if (text == label_prefix + v) text = label(v, lang);
    legend.push_back(legend_entry(v.empty() ? label("unknown", lang) : text, c, shape, size));
  }
  return {{"field", field}, {"values", values}, {"other", "#999999"}};
}

const MapLayer* find_layer(const AnalysisOutput& o, const std::string& name) {
  for (const auto& l : o.layers)
    if (l.name == name) return &l;
  return nullptr;
}

// --- tables ----------------------------------------------------------------

enum class Fmt { text, integer, num1, num2, pct };

std::string format_value(const json& v, Fmt f) {
  if (v.is_null()) return "–";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "✓" : "✗";
  if (!v.is_number()) return v.dump();
  const double d = v.get<double>();
  if (!std::isfinite(d)) return "–";
  switch (f) {
    case Fmt::pct: return fixed(d * 100.0, 1) + "%";
    case Fmt::integer: return fixed(d, 0);
    case Fmt::num1: return fixed(d, 1);
    case Fmt::num2: return fixed(d, 2);
    case Fmt::text: return v.is_number_integer() ? std::to_string(v.get<long long>()) : fixed(d, 2);
  }
  return v.dump();
}

const json& at_path(const json& j, const std::string& path) {
  static const json null_value;
  const json* cur = &j;
  for (const auto& part : split(path, '.')) {
    if (!cur->is_object()) return null_value;
    const auto it = cur->find(part);
    if (it == cur->end()) return null_value;
    cur = &*it;
  }
  return *cur;
}

struct Column {
  std::string path, label_key;
  Fmt fmt;
};

struct Table {
  json columns = json::array();
  json rows = json::array();    // arrays of cell text
  json county = json::array();  // the row's county code
  json align = json::array();   // "l" or "r" per column
};

Table make_table(const json& items, const std::vector<Column>& cols, Lang lang) {
  Table t;
  for (const auto& c : cols) {
    t.columns.push_back(label(c.label_key, lang));
    t.align.push_back(c.fmt == Fmt::text ? "l" : "r");
  }
  for (const auto& it : items) {
    json row = json::array();
    for (const auto& c : cols) {
      const json& v = at_path(it, c.path);
      if (c.fmt == Fmt::text && v.is_string()) {
        // A value's word for its column first ("level_provincial"), then its own.
        const std::string text = v.get<std::string>();
        const std::string own = c.path + "_" + text;
        const std::string word = label(own, lang);
        row.push_back(word != own ? word : label(text, lang));
      } else {
        row.push_back(format_value(v, c.fmt));
      }
    }
    t.rows.push_back(std::move(row));
    std::string code = at_path(it, "county_code").is_string() ? at_path(it, "county_code").get<std::string>()
                       : at_path(it, "code").is_string()      ? at_path(it, "code").get<std::string>()
                                                              : std::string();
    t.county.push_back(code);
  }
  return t;
}

// --- charts (inline SVG; every text escaped) --------------------------------

struct Bar {
  std::string label, county;
  std::vector<std::pair<double, std::string>> segments;  // value, colour
  double marker = std::nan("");                          // a target tick
  std::string value_text;
};

std::string bar_chart(const std::vector<Bar>& bars, double max_value, const json& legend) {
  const int w = 420, left = 92, right = 64, bar_h = 16, gap = 6, top = 6;
  const int legend_h = legend.empty() ? 0 : 22;
  const int h = top + static_cast<int>(bars.size()) * (bar_h + gap) + legend_h + 4;
  if (!(max_value > 0)) max_value = 1;
  const double scale = (w - left - right) / max_value;
  std::string s = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(w) +
                  "\" height=\"" + std::to_string(h) + "\" viewBox=\"0 0 " + std::to_string(w) + " " +
                  std::to_string(h) + "\">";
  int y = top;
  for (const auto& b : bars) {
    s += "<g data-county=\"" + html_escape(b.county) + "\">";
    s += "<text x=\"" + std::to_string(left - 6) + "\" y=\"" + std::to_string(y + bar_h - 4) +
         "\" text-anchor=\"end\" font-size=\"12\">" + html_escape(b.label) + "</text>";
    double x = left;
    for (const auto& [v, color] : b.segments) {
      if (!(v > 0)) continue;
      const double bw = v * scale;
      s += "<rect x=\"" + fixed(x, 1) + "\" y=\"" + std::to_string(y) + "\" width=\"" + fixed(bw, 1) + "\" height=\"" +
           std::to_string(bar_h) + "\" fill=\"" + color + "\"/>";
      x += bw;
    }
    if (std::isfinite(b.marker)) {
      const double mx = left + b.marker * scale;
      s += "<line x1=\"" + fixed(mx, 1) + "\" x2=\"" + fixed(mx, 1) + "\" y1=\"" + std::to_string(y - 2) + "\" y2=\"" +
           std::to_string(y + bar_h + 2) + "\" stroke=\"#000\" stroke-width=\"2\"/>";
    }
    s += "<text x=\"" + fixed(x + 4, 1) + "\" y=\"" + std::to_string(y + bar_h - 4) + "\" font-size=\"11\">" +
         html_escape(b.value_text) + "</text></g>";
    y += bar_h + gap;
  }
  int lx = 4;
  for (const auto& e : legend) {
    s += "<rect x=\"" + std::to_string(lx) + "\" y=\"" + std::to_string(y + 6) + "\" width=\"10\" height=\"10\" fill=\"" +
         e["color"].get<std::string>() + "\"/>";
    const std::string text = e["label"].get<std::string>();
    s += "<text x=\"" + std::to_string(lx + 13) + "\" y=\"" + std::to_string(y + 15) + "\" font-size=\"11\">" +
         html_escape(text) + "</text>";
    lx += 22 + static_cast<int>(text.size()) * 5;
  }
  return s + "</svg>";
}

std::string county_name(const json& item) {
  for (const char* k : {"county_name", "name"})
    if (const auto it = item.find(k); it != item.end() && it->is_string()) return it->get<std::string>();
  return at_path(item, "county_code").is_string() ? at_path(item, "county_code").get<std::string>() : "";
}

std::string county_code(const json& item) {
  for (const char* k : {"county_code", "code"})
    if (const auto it = item.find(k); it != item.end() && it->is_string()) return it->get<std::string>();
  return {};
}

json panel(Analysis a, const AnalysisOutput& o, Lang lang, const Table& t, std::string chart, std::string chart_title) {
  return {{"analysis", to_string(a)},
          {"title", label(std::string("analysis_") + to_string(a), lang)},
          {"source", o.dir.string()},
          {"columns", t.columns},
          {"align", t.align},
          {"rows", t.rows},
          {"county", t.county},
          {"chart_title", std::move(chart_title)},
          {"chart", std::move(chart)}};
}

json coverage_panel(const AnalysisOutput& o, Lang lang) {
  const json& counties = o.summary.contains("counties") ? o.summary["counties"] : json::array();
  const Table t = make_table(counties,
                             {{"name", "county_name", Fmt::text},
                              {"all.villages", "villages", Fmt::integer},
                              {"all.reached", "reached", Fmt::integer},
                              {"all.reach_rate", "reach_rate", Fmt::pct},
                              {"poor.reach_rate", "poor_reach_rate", Fmt::pct},
                              {"all.by_reason.township_only", "township_only", Fmt::integer},
                              {"all.by_reason.off_network", "off_network", Fmt::integer},
                              {"all.by_reason.disconnected", "disconnected", Fmt::integer},
                              {"all.village_station_min.median", "median_station_min", Fmt::num1},
                              {"all.outlets", "outlets", Fmt::integer},
                              {"all.mean_carriers", "mean_carriers", Fmt::num2}},
                             lang);
  std::vector<Bar> bars;
  for (const auto& c : counties) {
    const json& r = at_path(c, "all.reach_rate");
    Bar b{county_name(c), county_code(c), {}, std::nan(""), format_value(r, Fmt::pct)};
    if (r.is_number()) b.segments.push_back({r.get<double>(), "#1a9850"});
    bars.push_back(std::move(b));
  }
  return panel(Analysis::coverage, o, lang, t, bar_chart(bars, 1.0, json::array()), label("chart_reach", lang));
}

json roads_panel(const AnalysisOutput& o, Lang lang) {
  const json& counties = o.summary.contains("by_county") ? o.summary["by_county"] : json::array();
  const Table t = make_table(counties,
                             {{"name", "county_name", Fmt::text},
                              {"target_km", "target_km", Fmt::num1},
                              {"completed.unique_km", "completed_km", Fmt::num1},
                              {"building.unique_km", "building_km", Fmt::num1},
                              {"planned.unique_km", "planned_km", Fmt::num1},
                              {"total.unique_km", "total_km", Fmt::num1},
                              {"completion", "completion", Fmt::pct}},
                             lang);
  std::vector<Bar> bars;
  double max_km = 0;
  for (const auto& c : counties) {
    Bar b{county_name(c), county_code(c), {}, std::nan(""), format_value(at_path(c, "completed.unique_km"), Fmt::num1)};
    double sum = 0;
    for (const char* s : {"completed", "building", "planned"}) {
      const json& v = at_path(c, std::string(s) + ".unique_km");
      const double km = v.is_number() ? v.get<double>() : 0.0;
      for (const auto& sc : kStatusColors)
        if (std::string(sc[0]) == s) b.segments.push_back({km, sc[1]});
      sum += km;
    }
    if (at_path(c, "target_km").is_number()) b.marker = at_path(c, "target_km").get<double>();
    max_km = std::max({max_km, sum, std::isfinite(b.marker) ? b.marker : 0.0});
    bars.push_back(std::move(b));
  }
  json legend = json::array();
  for (const char* s : {"completed", "building", "planned"})
    for (const auto& sc : kStatusColors)
      if (std::string(sc[0]) == s) legend.push_back(legend_entry(label(s, lang), sc[1], "area"));
  return panel(Analysis::roads, o, lang, t, bar_chart(bars, max_km, legend), label("chart_roads", lang));
}

json quota_panel(const AnalysisOutput& o, Lang lang, std::map<std::string, double>& ok_share) {
  // One row per county: how many of its indicators are in each status, and
  // which are behind or overdue.
  struct Row {
    std::string code, name;
    std::map<std::string, int> n;
    std::vector<std::string> behind;
  };
  std::vector<Row> rows;
  const json& items = o.summary.contains("rows") ? o.summary["rows"] : json::array();
  for (const auto& r : items) {
    const std::string code = r.value("county_code", std::string());
    auto it = std::find_if(rows.begin(), rows.end(), [&](const Row& x) { return x.code == code; });
    if (it == rows.end()) {
      rows.push_back({code, r.value("county_name", code), {}, {}});
      it = rows.end() - 1;
    }
    const std::string status = r.value("status", std::string("no_data"));
    ++it->n[status];
    if (status == "behind" || status == "overdue") {
      const json& name = r.contains("indicator_name") && r["indicator_name"].is_string() ? r["indicator_name"]
                                                                                           : r["indicator"];
      it->behind.push_back(name.is_string() ? name.get<std::string>() : "?");
    }
  }
  json table_items = json::array();
  for (const auto& r : rows) {
    json j = {{"county_code", r.code}, {"county_name", r.name}, {"behind_list", join(r.behind, "; ")}};
    for (const auto& sc : kQuotaColors) j[sc[0]] = r.n.count(sc[0]) ? r.n.at(sc[0]) : 0;
    table_items.push_back(std::move(j));
  }
  std::vector<Column> cols = {{"county_name", "county_name", Fmt::text}};
  for (const auto& sc : kQuotaColors) cols.push_back({sc[0], sc[0], Fmt::integer});
  cols.push_back({"behind_list", "behind_list", Fmt::text});
  const Table t = make_table(table_items, cols, lang);
  std::vector<Bar> bars;
  double max_n = 0;
  for (const auto& r : rows) {
    double total = 0, ok = 0;
    for (const auto& [k, n] : r.n) {
      total += n;
      if (k == "met" || k == "on_track") ok += n;
    }
    if (total > 0) ok_share[r.code] = ok / total;
    Bar b{r.name, r.code, {}, std::nan(""), ""};
    double sum = 0;
    for (const auto& sc : kQuotaColors) {
      const double v = r.n.count(sc[0]) ? r.n.at(sc[0]) : 0;
      b.segments.push_back({v, sc[1]});
      sum += v;
    }
    b.value_text = fixed(sum, 0);
    max_n = std::max(max_n, sum);
    bars.push_back(std::move(b));
  }
  json legend = json::array();
  for (const auto& sc : kQuotaColors) legend.push_back(legend_entry(label(sc[0], lang), sc[1], "area"));
  return panel(Analysis::quota, o, lang, t, bar_chart(bars, max_n, legend), label("chart_quota", lang));
}

// The "counties" array of an analysis the report knows only by contract: a
// column per key (known keys first, in a fixed order, then the rest sorted).
json generic_panel(Analysis a, const AnalysisOutput& o, Lang lang) {
  const json& counties = o.summary.contains("counties") && o.summary["counties"].is_array() ? o.summary["counties"]
                                                                                           : json::array();
  static const std::vector<std::string> order = {
      "county_name", "level", "quota", "quota_exact", "chosen", "met", "covered_demand", "covered_population",
      "poor_villages_covered", "villages", "villages_at_target", "share_at_target", "vehicle_km_week",
      "vehicle_hours_week", "cost_per_parcel"};
  std::vector<std::string> keys;
  std::set<std::string> all;
  for (const auto& c : counties)
    if (c.is_object())
      for (auto it = c.begin(); it != c.end(); ++it)
        if (!it.value().is_structured()) all.insert(it.key());
  for (const auto& k : order)
    if (all.count(k)) keys.push_back(k);
  for (const auto& k : all)
    if (k != "county_code" && std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  std::vector<Column> cols;
  for (const auto& k : keys) {
    Fmt f = Fmt::text;
    for (const auto& c : counties)
      if (c.contains(k) && c[k].is_number()) {
        f = k.find("share") != std::string::npos || k.find("rate") != std::string::npos ? Fmt::pct
            : c[k].is_number_integer()                                                  ? Fmt::integer
                                                                                        : Fmt::num2;
        break;
      }
    cols.push_back({k, k, f});
  }
  const Table t = make_table(counties, cols, lang);
  std::vector<Bar> bars;
  double max_v = 0;
  const bool site = a == Analysis::site;
  for (const auto& c : counties) {
    std::string name = county_name(c);
    if (site && c.contains("level") && c["level"].is_string()) name += " " + label(c["level"].get<std::string>(), lang);
    Bar b{name, county_code(c), {}, std::nan(""), ""};
    const json& v = site ? at_path(c, "chosen") : at_path(c, "share_at_target");
    if (v.is_number()) {
      b.segments.push_back({v.get<double>(), site ? "#377eb8" : "#1a9850"});
      b.value_text = format_value(v, site ? Fmt::integer : Fmt::pct);
      max_v = std::max(max_v, v.get<double>());
    }
    if (site && at_path(c, "quota").is_number()) {
      b.marker = at_path(c, "quota").get<double>();
      b.value_text += " / " + format_value(at_path(c, "quota"), Fmt::integer);
      max_v = std::max(max_v, b.marker);
    }
    bars.push_back(std::move(b));
  }
  return panel(a, o, lang, t, bar_chart(bars, site ? max_v : 1.0, json::array()),
               label(site ? "chart_site" : "chart_frequency", lang));
}

}  // namespace

ReportData build_report_data(const model::Dataset& ds, const std::vector<AnalysisOutput>& outputs, Lang lang,
                             double tol) {
  ReportData d;
  d.lang = lang;
  d.title = label("report_title", lang);
  d.dataset = ds.path;
  d.fingerprint = model::fingerprint(ds);
  for (const auto& c : ds.counties) d.counties.push_back({c.code, c.name});
  // The extent of what is drawn (the layers' extents as read may be absent).
  Extent e;
  for (const auto& c : ds.counties)
    for (const auto& poly : c.geometry)
      for (const auto& r : poly.rings)
        for (const auto& p : r) e.add(p);
  if (e.empty()) {
    for (const auto& v : ds.villages) e.add(v.location);
    for (const auto& r : ds.roads)
      for (const auto& part : r.geometry)
        for (const auto& p : part) e.add(p);
    for (const auto& f : ds.facilities) e.add(f.location);
  }
  if (!e.empty()) d.bounds = {e.min_lon, e.min_lat, e.max_lon, e.max_lat};
  for (const auto& o : outputs) d.analyses.push_back(o.kind);
  auto output = [&](Analysis a) -> const AnalysisOutput* {
    for (const auto& o : outputs)
      if (o.kind == a) return &o;
    return nullptr;
  };

  // Boundaries.
  {
    json fs = json::array();
    for (const auto& c : ds.counties)
      fs.push_back(feature({{"code", c.code}, {"name", c.name}}, multipolygon(c.geometry, tol)));
    LayerSpec s = spec("counties", label("layer_counties", lang), "polygon");
    s.style = {{"color", "#333333"}, {"weight", 2.0}, {"fillColor", "#f4f1e8"}, {"fillOpacity", 0.35}};
    s.label_field = s.title_field = "name";
    s.legend.push_back(legend_entry(s.title, "#333333", "area"));
    d.layers.push_back(make_layer(s, std::move(fs)));
  }
  {
    json fs = json::array();
    for (const auto& t : ds.townships)
      fs.push_back(feature({{"code", t.code}, {"name", t.name}, {"county_code", t.county_code}},
                           multipolygon(t.geometry, tol)));
    LayerSpec s = spec("townships", label("layer_townships", lang), "polygon");
    s.style = {{"color", "#8c8c8c"}, {"weight", 0.7}, {"fillOpacity", 0.0}, {"dashArray", "3 3"}};
    s.label_field = s.title_field = "name";
    s.label_min_zoom = 11;
    s.legend.push_back(legend_entry(s.title, "#8c8c8c", "line"));
    d.layers.push_back(make_layer(s, std::move(fs)));
  }
  if (const auto* cov = output(Analysis::coverage)) {
    if (const auto* l = find_layer(*cov, "service_areas")) {
      LayerSpec s = spec("service_areas", label("layer_service_areas", lang), "polygon", false, "coverage");
      s.style = {{"weight", 0.5}, {"fillOpacity", 0.25}};
      s.color_by = {{"field", "band_min"}, {"breaks", json::array()}, {"colors", json::array()}};
      std::set<double> bands;
      for (const auto& f : l->collection["features"])
        if (f["properties"].value("band_min", json()).is_number()) bands.insert(f["properties"]["band_min"].get<double>());
      const char* ramp[] = {"#238b45", "#74c476", "#c7e9c0", "#edf8e9"};
      std::size_t i = 0;
      for (double b : bands) {
        const char* c = ramp[std::min(i++, std::size(ramp) - 1)];
        s.color_by["breaks"].push_back(b);
        s.color_by["colors"].push_back(c);
        s.legend.push_back(legend_entry("≤ " + fixed(b, 0) + " " + label("minutes", lang), c, "area"));
      }
      d.layers.push_back(make_layer(s, l->collection["features"]));  // simplified as read (read_output)
    }
  }
  // Roads: width by class, colour by the programme status.
  {
    json fs = json::array();
    for (const auto& r : ds.roads) {
      json geom;
      if (r.geometry.size() == 1) {
        geom = {{"type", "LineString"}, {"coordinates", line_coords(r.geometry[0], tol)}};
      } else {
        json parts = json::array();
        for (const auto& p : r.geometry) parts.push_back(line_coords(p, tol));
        geom = {{"type", "MultiLineString"}, {"coordinates", std::move(parts)}};
      }
      // Most roads are not in the programme; they carry no programme fields
      // (drawn in the "other" colour), which keeps the demo's 24,000 roads a
      // few MB lighter.
      json props = {{"id", r.id}, {"class", model::to_string(r.road_class)}, {"county_code", r.county_code}};
      if (r.program != model::Program::none) {
        props["program"] = model::to_string(r.program);
        props["programme_status"] = model::to_string(r.status);
      }
      if (r.declared_km) props["declared_km"] = *r.declared_km;
      fs.push_back(feature(std::move(props), std::move(geom)));
    }
    LayerSpec s = spec("roads", label("layer_roads", lang), "line");
    s.style = {{"weight", 1.0}, {"opacity", 0.9}};
    s.color_by = categorical("programme_status", kStatusColors, lang, s.legend, "line", 2.5);
    s.color_by["other"] = "#b8b8b8";  // not in the programme: no programme_status
    const std::pair<const char*, double> widths[] = {{"expressway", 3.5}, {"national", 3.0}, {"provincial", 2.5},
                                                     {"county", 2.0},     {"township", 1.4}, {"village", 0.9}};
    json wv = json::object();
    for (const auto& [c, w] : widths) {
      wv[c] = w;
      s.legend.push_back(legend_entry(label(c, lang), "#555555", "line", w));
    }
    s.weight_by = {{"field", "class"}, {"values", wv}, {"other", 0.8}};
    s.title_field = "id";
    d.layers.push_back(make_layer(s, std::move(fs)));
  }
  if (const auto* fr = output(Analysis::frequency)) {
    if (const auto* l = find_layer(*fr, "routes")) {
      LayerSpec s = spec("routes", label("layer_routes", lang), "line", false, "frequency");
      s.style = {{"weight", 2.5}, {"opacity", 0.8}, {"color", "#6a3d9a"}};
      s.legend.push_back(legend_entry(s.title, "#6a3d9a", "line", 2.5));
      // With --consolidate the GeoPackage also holds each carrier's own routes,
      // the comparison's baseline; the map draws the plan the figures describe
      // (the shared one) and leaves the baseline to the GeoPackage.
      json routes = json::array();
      for (const auto& f : l->collection["features"]) {
        const auto& props = f["properties"];
        const auto it = props.find("plan");
        if (it != props.end() && it->is_string() && it->get<std::string>() == "separate") continue;
        routes.push_back(f);
      }
      d.layers.push_back(make_layer(s, std::move(routes)));
    }
  }
  if (const auto* si = output(Analysis::site)) {
    if (const auto* l = find_layer(*si, "assignment")) {
      LayerSpec s = spec("assignment", label("layer_assignment", lang), "line", false, "site");
      s.style = {{"weight", 1.0}, {"opacity", 0.7}, {"color", "#377eb8"}, {"dashArray", "4 3"}};
      s.legend.push_back(legend_entry(s.title, "#377eb8", "line", 1));
      d.layers.push_back(make_layer(s, l->collection["features"]));
    }
  }
  // Facilities from the dataset: hubs and stations, and (off at first) outlets.
  {
    // A tier that could not be read is shown as unknown (grey), never as an
    // outlet; the read reported it.
    std::set<std::string> bad_tier;
    for (const auto& f : ds.read_findings)
      if (f.layer == "facilities" && f.field == "tier") bad_tier.insert(f.feature_id);
    json hubs = json::array(), county_hubs = json::array(), outlets = json::array();
    for (const auto& f : ds.facilities) {
      const bool unknown = bad_tier.count(f.id.empty() ? "fid " + std::to_string(f.ref.fid) : f.id) > 0;
      json props = {{"id", f.id},
                    {"name", f.name},
                    {"tier", unknown ? std::string("unknown") : std::string(model::to_string(f.tier))},
                    {"admin_code", f.admin_code},
                    {"carriers", join(f.carriers, ";")}};
      if (f.model_level != model::ModelLevel::none) props["model_level"] = model::to_string(f.model_level);
      (f.tier == model::Tier::village_outlet && !unknown ? outlets
       : f.tier == model::Tier::county_hub && !unknown   ? county_hubs
                                                          : hubs)
          .push_back(feature(std::move(props), point(f.location)));
    }
    // Hubs last, so that a station in the same town does not cover them.
    for (auto& h : county_hubs) hubs.push_back(std::move(h));
    LayerSpec s = spec("outlets", label("layer_outlets", lang), "point", false);
    s.style = {{"radius", 2.5}, {"color", "#5e3c99"}, {"fillColor", "#b2abd2"}, {"fillOpacity", 0.9}, {"weight", 1}};
    s.legend.push_back(legend_entry(label("village_outlet", lang), "#5e3c99", "point", 3));
    s.title_field = "id";
    d.layers.push_back(make_layer(s, std::move(outlets)));
    LayerSpec h = spec("facilities", label("layer_facilities", lang), "point");
    h.style = {{"radius", 6}, {"fillOpacity", 1.0}, {"weight", 1.5}, {"color", "#000000"}};
    h.radius_by = {{"field", "tier"}, {"values", {{"county_hub", 9}}}, {"other", 6}};
    h.color_by = {{"field", "tier"},
                  {"values", {{"county_hub", "#e31a1c"}, {"township_station", "#ff7f00"}}},
                  {"other", "#999999"}};
    h.weight_by = nullptr;
    h.legend.push_back(legend_entry(label("county_hub", lang), "#e31a1c", "point", 7));
    h.legend.push_back(legend_entry(label("township_station", lang), "#ff7f00", "point", 5));
    h.title_field = "name";
    d.layers.push_back(make_layer(h, std::move(hubs)));
  }
  if (const auto* ro = output(Analysis::roads)) {
    if (const auto* l = find_layer(*ro, "findings")) {
      LayerSpec s = spec("findings", label("layer_findings", lang), "point", true, "roads");
      s.style = {{"radius", 5}, {"fillOpacity", 0.9}, {"weight", 1}, {"color", "#000000"}};
      s.color_by = distinct_colors(l->collection["features"], "kind", lang, s.legend, "point", 5, kWarm, "kind_");
      s.title_field = "kind";
      d.layers.push_back(make_layer(s, l->collection["features"]));
    }
  }
  // Villages: by reach when coverage is drawn, else plain.
  if (const auto* cov = output(Analysis::coverage); cov && find_layer(*cov, "villages_reach")) {
    LayerSpec s = spec("villages", label("layer_villages_reach", lang), "point", true, "coverage");
    s.style = {{"radius", 4}, {"fillOpacity", 0.95}, {"weight", 0.5}, {"color", "#333333"}};
    s.color_by = categorical("reach", kReachColors, lang, s.legend, "point", 4);
    s.title_field = "village_name";
    d.layers.push_back(make_layer(s, find_layer(*cov, "villages_reach")->collection["features"]));
  } else {
    json fs = json::array();
    for (const auto& v : ds.villages) {
      json props = {{"code", v.code}, {"name", v.name}, {"township_code", v.township_code}};
      if (v.population) props["population"] = *v.population;
      props["poor"] = v.poor;
      fs.push_back(feature(std::move(props), point(v.location)));
    }
    LayerSpec s = spec("villages", label("layer_villages", lang), "point");
    s.style = {{"radius", 3.5}, {"fillOpacity", 0.9}, {"weight", 0.5}, {"color", "#333333"}, {"fillColor", "#9ecae1"}};
    s.legend.push_back(legend_entry(s.title, "#9ecae1", "point", 4));
    s.title_field = "name";
    d.layers.push_back(make_layer(s, std::move(fs)));
  }
  if (const auto* fr = output(Analysis::frequency)) {
    if (const auto* l = find_layer(*fr, "villages_frequency")) {
      LayerSpec s = spec("villages_frequency", label("layer_villages_frequency", lang), "point", false, "frequency");
      s.style = {{"radius", 4}, {"fillOpacity", 0.95}, {"weight", 0.5}, {"color", "#333333"}};
      const char* keys[] = {"visits_lt1", "visits_1_2", "visits_3_4", "visits_5_6", "visits_7"};
      const char* colors[] = {"#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"};
      s.color_by = {{"field", "visits_week"}, {"breaks", {1, 3, 5, 7}}, {"colors", json::array()}};
      for (int i = 0; i < 5; ++i) {
        s.color_by["colors"].push_back(colors[i]);
        s.legend.push_back(legend_entry(label(keys[i], lang), colors[i], "point", 4));
      }
      s.title_field = "village_name";
      d.layers.push_back(make_layer(s, l->collection["features"]));
    }
  }
  if (const auto* si = output(Analysis::site)) {
    if (const auto* l = find_layer(*si, "sites")) {
      LayerSpec s = spec("sites", label("layer_sites", lang), "point", true, "site");
      s.style = {{"radius", 7}, {"fillOpacity", 1.0}, {"weight", 2}, {"color", "#000000"}};
      s.color_by = distinct_colors(l->collection["features"], "level", lang, s.legend, "point", 7, kCool, "level_");
      s.title_field = "name";
      d.layers.push_back(make_layer(s, l->collection["features"]));
    }
  }
  for (const auto& o : outputs) {
    switch (o.kind) {
      case Analysis::coverage: d.panels.push_back(coverage_panel(o, lang)); break;
      case Analysis::roads: d.panels.push_back(roads_panel(o, lang)); break;
      case Analysis::quota: d.panels.push_back(quota_panel(o, lang, d.quota_ok_share)); break;
      case Analysis::site:
      case Analysis::frequency: d.panels.push_back(generic_panel(o.kind, o, lang)); break;
    }
  }
  return d;
}


}  // namespace ruralnet::maps
