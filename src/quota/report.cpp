#include "ruralnet/quota/report.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/io/atomic_file.hpp"

namespace ruralnet::quota {

namespace {

using nlohmann::json;

// Integers exactly (targets and counts are whole), other values to 6 significant
// decimals without trailing zeros.
std::string fmt(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  std::string s = fixed(v, 6);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}
std::string pct(double share) { return fixed(share * 100.0, 1) + "%"; }

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json counts_json(const std::map<Status, std::size_t>& m) {
  json j = json::object();
  for (Status s : kAllStatuses) j[to_string(s)] = m.count(s) ? m.at(s) : 0;
  return j;
}

json row_json(const Row& r) {
  json j = {{"level", r.city ? "city" : "county"},
            {"county_code", r.county_code},
            {"county_name", r.county_name},
            {"indicator", r.indicator},
            {"indicator_name", r.indicator_name},
            {"unit", r.unit},
            {"task", r.task.empty() ? json(nullptr) : json(r.task)},
            {"lead_units", r.lead_units},
            {"deadline", r.deadline.iso()},
            {"days_to_deadline", r.days_to_deadline},
            {"target", r.target},
            {"actual", opt(r.actual)},
            {"share", opt(r.share)},
            {"expected_share", r.expected_share},
            {"status", to_string(r.status)},
            {"actual_from", r.actual_from.empty() ? json(nullptr) : json(r.actual_from)},
            {"reported_on", r.reported_on ? json(r.reported_on->iso()) : json(nullptr)},
            {"source", r.source},
            {"record", r.record.empty() ? json(nullptr) : json(r.record)},
            {"derived_value", opt(r.derived_value)}};
  if (r.city) {
    j["counties_reporting"] = r.counties_reporting;
    j["counties_total"] = r.counties_total;
  }
  return j;
}

std::map<Status, std::size_t> tally(const std::vector<Row>& rows) {
  std::map<Status, std::size_t> m;
  for (const auto& r : rows) ++m[r.status];
  return m;
}

Issues all_issues(const ReportInput& in) {
  Issues all = in.progress.issues;
  all.insert(all.end(), in.result.issues.begin(), in.result.issues.end());
  return all;
}

std::string unit_names(const Plan& plan, const std::vector<std::string>& ids) {
  std::vector<std::string> names;
  for (const auto& id : ids) {
    const Unit* u = plan.unit(id);
    names.push_back(u ? u->name : id);
  }
  return names.empty() ? std::string("(none named)") : join(names, "、");
}

const Row* find_row(const QuotaResult& r, const std::string& county, const std::string& ind) {
  for (const auto& row : r.rows)
    if (row.county_code == county && row.indicator == ind) return &row;
  return nullptr;
}

std::string md_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string days_text(long d) {
  if (d > 0) return "in " + std::to_string(d) + " days";
  if (d == 0) return "today";
  return std::to_string(-d) + " days ago";
}

std::string cell_text(const Row& r) {
  std::string t = (r.actual ? fmt(*r.actual) : std::string("–")) + " / " + fmt(r.target);
  return t;
}

std::string reporting_text(const Row& r) {
  if (r.actual && r.actual_from != "sum_of_counties") return "city figure";
  return std::to_string(r.counties_reporting) + "/" + std::to_string(r.counties_total);
}

std::string city_statuses(const QuotaResult& res, const std::vector<std::string>& indicators) {
  std::vector<std::string> parts;
  for (const auto& id : indicators)
    for (const auto& r : res.city_rows)
      if (r.indicator == id) parts.push_back(id + " " + to_string(r.status));
  return join(parts, ", ");
}

const char* status_colour(Status s) {
  switch (s) {
    case Status::met: return "#2e7d32";
    case Status::on_track: return "#7cb342";
    case Status::behind: return "#f9a825";
    case Status::overdue: return "#c62828";
    case Status::no_data: return "#9e9e9e";
  }
  return "#9e9e9e";
}
const char* status_text_colour(Status s) {
  return (s == Status::met || s == Status::overdue) ? "#ffffff" : "#000000";
}

}  // namespace

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += "\"\"";
    else out += c;
  }
  return out + "\"";
}

json quota_json(const ReportInput& in) {
  const Plan& p = in.plan;
  json j;
  j["schema"] = "ruralnet.quota/1";
  j["plan"] = {{"id", p.id}, {"title", p.title}, {"file", p.file}, {"start", p.start.iso()},
               {"city", {{"code", p.city.code}, {"name", p.city.name}}}};
  j["as_of"] = in.result.as_of.iso();
  j["inputs"]["progress"] = {{"file", in.progress.file},         {"encoding", in.progress.encoding},
                             {"rows", in.progress.rows},         {"blank_rows", in.progress.blank_rows},
                             {"accepted", in.progress.accepted}, {"excluded", in.progress.excluded}};
  j["inputs"]["dataset"] = in.dataset.empty() ? json(nullptr) : json(in.dataset);
  j["inputs"]["dataset_fingerprint"] = in.dataset_fingerprint.empty() ? json(nullptr) : json(in.dataset_fingerprint);
  j["dataset_fingerprint"] = j["inputs"]["dataset_fingerprint"];
  j["inputs"]["derived"] = in.derived_file.empty() ? json(nullptr) : json(in.derived_file);
  j["status_counts"] = {{"county", counts_json(tally(in.result.rows))}, {"city", counts_json(tally(in.result.city_rows))}};
  j["rows"] = json::array();
  for (const auto& r : in.result.rows) j["rows"].push_back(row_json(r));
  j["city"] = json::array();
  for (const auto& r : in.result.city_rows) j["city"].push_back(row_json(r));
  j["by_lead_unit"] = json::array();
  for (const auto& v : in.result.by_unit)
    j["by_lead_unit"].push_back({{"unit", v.unit.empty() ? json(nullptr) : json(v.unit)},
                                 {"unit_name", v.unit_name},
                                 {"indicators", v.indicators},
                                 {"county_status", counts_json(v.county_status)},
                                 {"city_status", counts_json(v.city_status)}});
  j["by_deadline"] = json::array();
  for (const auto& v : in.result.by_deadline)
    j["by_deadline"].push_back({{"deadline", v.deadline.iso()},
                                {"days_to_deadline", v.days_to_deadline},
                                {"tasks", v.tasks},
                                {"indicators", v.indicators},
                                {"county_status", counts_json(v.county_status)},
                                {"city_status", counts_json(v.city_status)}});
  j["findings"] = json::array();
  for (const auto& i : all_issues(in))
    j["findings"].push_back({{"severity", model::to_string(i.severity)}, {"kind", i.kind}, {"where", i.where}, {"message", i.message}});
  return j;
}

std::string quota_csv(const ReportInput& in) {
  std::string out =
      "level,county_code,county_name,indicator,unit,task,lead_units,deadline,days_to_deadline,target,actual,share,"
      "expected_share,status,actual_from,reported_on,source,record,derived_value,counties_reporting,counties_total\n";
  auto line = [&](const Row& r) {
    std::vector<std::string> f = {r.city ? "city" : "county",
                                  r.county_code,
                                  r.county_name,
                                  r.indicator,
                                  r.unit,
                                  r.task,
                                  join(r.lead_units, ";"),
                                  r.deadline.iso(),
                                  std::to_string(r.days_to_deadline),
                                  fmt(r.target),
                                  r.actual ? fmt(*r.actual) : "",
                                  r.share ? fixed(*r.share, 4) : "",
                                  fixed(r.expected_share, 4),
                                  to_string(r.status),
                                  r.actual_from,
                                  r.reported_on ? r.reported_on->iso() : "",
                                  r.source,
                                  r.record,
                                  r.derived_value ? fmt(*r.derived_value) : "",
                                  r.city ? std::to_string(r.counties_reporting) : "",
                                  r.city ? std::to_string(r.counties_total) : ""};
    for (std::size_t i = 0; i < f.size(); ++i) {
      if (i) out += ',';
      out += csv_field(f[i]);
    }
    out += '\n';
  };
  for (const auto& r : in.result.rows) line(r);
  for (const auto& r : in.result.city_rows) line(r);
  return out;
}

std::string report_markdown(const ReportInput& in) {
  const Plan& p = in.plan;
  const QuotaResult& res = in.result;
  std::string md;
  md += "# " + md_escape(p.title) + " — quota report as of " + res.as_of.iso() + "\n\n";
  md += "Plan `" + p.id + "` (start " + p.start.iso() + "), " + p.city.name + ". Progress: `" + md_escape(in.progress.file) + "` (" +
        std::to_string(in.progress.rows) + " rows, " + std::to_string(in.progress.accepted) + " accepted, " +
        std::to_string(in.progress.excluded) + " excluded).\n\n";
  const auto county_tally = tally(res.rows);
  md += "County quotas: ";
  std::vector<std::string> parts;
  for (Status s : kAllStatuses) parts.push_back(std::string(to_string(s)) + " " + std::to_string(county_tally.count(s) ? county_tally.at(s) : 0));
  md += join(parts, ", ") + ".\n\n";

  md += "## City roll-up\n\n| indicator | unit | target | actual | share | expected | status | deadline | counties reporting |\n"
        "|---|---|---:|---:|---:|---:|---|---|---:|\n";
  for (const auto& r : res.city_rows)
    md += "| " + md_escape(r.indicator) + " " + md_escape(r.indicator_name) + " | " + md_escape(r.unit) + " | " + fmt(r.target) + " | " +
          (r.actual ? fmt(*r.actual) : "–") + " | " + (r.share ? pct(*r.share) : "–") + " | " + pct(r.expected_share) + " | **" +
          to_string(r.status) + "** | " + r.deadline.iso() + " (" + days_text(r.days_to_deadline) + ") | " +
          reporting_text(r) + " |\n";

  md += "\n## Counties × indicators\n\nEach cell: actual / target, status.\n\n| indicator |";
  for (const auto& c : p.counties) md += " " + md_escape(c.name) + " |";
  md += "\n|---|";
  for (std::size_t i = 0; i < p.counties.size(); ++i) md += "---|";
  md += "\n";
  for (const auto& ind : p.indicators) {
    if (ind.city_only()) continue;
    md += "| " + md_escape(ind.id) + " |";
    for (const auto& c : p.counties) {
      const Row* r = find_row(res, c.code, ind.id);
      md += r ? " " + cell_text(*r) + " " + to_string(r->status) + " |" : " |";
    }
    md += "\n";
  }

  md += "\n## Behind, overdue and missing\n\n";
  bool any = false;
  std::vector<const Row*> listed;
  for (const auto& r : res.rows) listed.push_back(&r);
  for (const auto& r : res.city_rows)
    if (const Indicator* ind = p.indicator(r.indicator); ind && ind->city_only()) listed.push_back(&r);
  for (const Row* rp : listed) {
    const Row& r = *rp;
    if (r.status != Status::behind && r.status != Status::overdue && r.status != Status::no_data) continue;
    any = true;
    md += "- **" + std::string(to_string(r.status)) + "** " + md_escape(r.county_name) + " (" + r.county_code + "), " + md_escape(r.indicator) +
          ": " + cell_text(r) + (r.share ? " (" + pct(*r.share) + ", expected " + pct(r.expected_share) + ")" : std::string()) +
          "; lead: " + md_escape(unit_names(p, r.lead_units)) + "; deadline " + r.deadline.iso() + " (" + days_text(r.days_to_deadline) + ")\n";
  }
  if (!any) md += "None.\n";

  md += "\n## By lead unit\n\n| lead unit | indicators | met | on_track | behind | overdue | no_data | city |\n|---|---|---:|---:|---:|---:|---:|---|\n";
  for (const auto& v : res.by_unit) {
    md += "| " + md_escape(v.unit.empty() ? std::string("(no lead unit named)") : v.unit_name) + " | " + join(v.indicators, ", ") + " |";
    for (Status s : kAllStatuses) md += " " + std::to_string(v.county_status.count(s) ? v.county_status.at(s) : 0) + " |";
    md += " " + city_statuses(res, v.indicators) + " |\n";
  }
  md += "\nThe status columns count county rows; the last column gives each indicator's city status.\n";

  md += "\n## By deadline\n\n| deadline | when | tasks | indicators | met | on_track | behind | overdue | no_data | city |\n|---|---|---|---|---:|---:|---:|---:|---:|---|\n";
  for (const auto& v : res.by_deadline) {
    md += "| " + v.deadline.iso() + " | " + days_text(v.days_to_deadline) + " | " + join(v.tasks, ", ") + " | " + join(v.indicators, ", ") + " |";
    for (Status s : kAllStatuses) md += " " + std::to_string(v.county_status.count(s) ? v.county_status.at(s) : 0) + " |";
    md += " " + city_statuses(res, v.indicators) + " |\n";
  }

  const Issues issues = all_issues(in);
  md += "\n## Findings\n\n";
  if (issues.empty()) md += "None.\n";
  for (const auto& i : issues)
    md += "- " + std::string(model::to_string(i.severity)) + " `" + i.kind + "` " + md_escape(i.where) + ": " + md_escape(i.message) + "\n";

  md += "\n## How statuses are decided\n\n"
        "Expected share at a date: linear from the plan's start (0) to the indicator's deadline (1), through the plan's milestones "
        "where it gives any. `no_data`: no figure on or before the report date; `met`: actual >= target; `overdue`: past the deadline "
        "and not met; `behind`: share below the expected share; `on_track`: otherwise.\n";
  return md;
}

std::string report_html(const ReportInput& in) {
  const Plan& p = in.plan;
  const QuotaResult& res = in.result;
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + html_escape(p.title) + " — " + res.as_of.iso() +
       "</title>\n<style>\n"
       "body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}"
       "th,td{border:1px solid #bbb;padding:3px 6px;font-size:13px;text-align:left}td.n{text-align:right}"
       "td.s{text-align:center;white-space:nowrap}.legend span{display:inline-block;padding:2px 8px;margin-right:4px}"
       "svg text{font-size:11px;font-family:sans-serif}\n</style>\n</head>\n<body>\n";
  h += "<h1>" + html_escape(p.title) + "</h1>\n<p>Quota report as of <b>" + res.as_of.iso() + "</b>; plan <code>" + html_escape(p.id) +
       "</code> started " + p.start.iso() + ". Progress file <code>" + html_escape(in.progress.file) + "</code>: " +
       std::to_string(in.progress.rows) + " rows, " + std::to_string(in.progress.accepted) + " accepted, " +
       std::to_string(in.progress.excluded) + " excluded.</p>\n";
  h += "<p class=\"legend\">";
  for (Status s : kAllStatuses)
    h += std::string("<span style=\"background:") + status_colour(s) + ";color:" + status_text_colour(s) + "\">" + to_string(s) + "</span>";
  h += "</p>\n";

  // County × indicator table, coloured by status.
  h += "<h2>Counties × indicators</h2>\n<table>\n<tr><th>indicator</th><th>unit</th><th>deadline</th>";
  for (const auto& c : p.counties) h += "<th>" + html_escape(c.name) + "<br><small>" + html_escape(c.code) + "</small></th>";
  h += "<th>" + html_escape(p.city.name) + "</th></tr>\n";
  for (std::size_t k = 0; k < p.indicators.size(); ++k) {
    const Indicator& ind = p.indicators[k];
    const Row& city = res.city_rows[k];
    h += "<tr><td title=\"" + html_escape(ind.name) + "\">" + html_escape(ind.id) + "<br><small>" + html_escape(ind.name) + "</small></td><td>" +
         html_escape(ind.unit) + "</td><td>" + city.deadline.iso() + "</td>";
    for (const auto& c : p.counties) {
      const Row* r = find_row(res, c.code, ind.id);
      if (!r) {
        h += "<td class=\"s\">—</td>";
        continue;
      }
      h += std::string("<td class=\"s\" style=\"background:") + status_colour(r->status) + ";color:" + status_text_colour(r->status) +
           "\" title=\"" + html_escape(std::string(to_string(r->status)) + (r->source.empty() ? "" : "; " + r->source)) + "\">" +
           html_escape(cell_text(*r)) + "<br><small>" + to_string(r->status) + "</small></td>";
    }
    h += std::string("<td class=\"s\" style=\"background:") + status_colour(city.status) + ";color:" + status_text_colour(city.status) +
         "\">" + html_escape(cell_text(city)) + "<br><small>" + to_string(city.status) + "</small></td></tr>\n";
  }
  h += "</table>\n";

  // One bar chart per indicator: share of target per county, the expected
  // share as a dashed line, 100% as a solid line.
  h += "<h2>Progress per indicator</h2>\n";
  for (std::size_t k = 0; k < p.indicators.size(); ++k) {
    const Indicator& ind = p.indicators[k];
    std::vector<const Row*> rows;
    for (const auto& r : res.rows)
      if (r.indicator == ind.id) rows.push_back(&r);
    rows.push_back(&res.city_rows[k]);
    double max_share = 1.0;
    for (const Row* r : rows)
      if (r->share) max_share = std::max(max_share, std::min(*r->share, 3.0));
    const int label_w = 120, bar_w = 360, row_h = 18, top = 6;
    const int height = top + static_cast<int>(rows.size()) * row_h + 18;
    const int width = label_w + bar_w + 130;
    auto x_of = [&](double share) { return label_w + static_cast<int>(std::lround(std::min(share, max_share) / max_share * bar_w)); };
    h += "<h3>" + html_escape(ind.id) + " — " + html_escape(ind.name) + "</h3>\n";
    h += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) +
         "\" role=\"img\" aria-label=\"" + html_escape(ind.id) + "\">\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row& r = *rows[i];
      const int y = top + static_cast<int>(i) * row_h;
      h += "<text x=\"0\" y=\"" + std::to_string(y + 12) + "\">" + html_escape(r.county_name) + "</text>";
      if (r.share) {
        const int w = x_of(*r.share) - label_w;
        h += "<rect x=\"" + std::to_string(label_w) + "\" y=\"" + std::to_string(y + 2) + "\" width=\"" + std::to_string(std::max(w, 1)) +
             "\" height=\"" + std::to_string(row_h - 5) + "\" fill=\"" + status_colour(r.status) + "\"/>";
      }
      h += "<text x=\"" + std::to_string(label_w + bar_w + 6) + "\" y=\"" + std::to_string(y + 12) + "\">" +
           html_escape((r.share ? pct(*r.share) + " " : std::string()) + to_string(r.status)) + "</text>\n";
    }
    const int bottom = top + static_cast<int>(rows.size()) * row_h;
    const int x100 = x_of(1.0);
    const int xexp = x_of(res.city_rows[k].expected_share);
    h += "<line x1=\"" + std::to_string(x100) + "\" y1=\"" + std::to_string(top) + "\" x2=\"" + std::to_string(x100) + "\" y2=\"" +
         std::to_string(bottom) + "\" stroke=\"#000\"/>";
    h += "<line x1=\"" + std::to_string(xexp) + "\" y1=\"" + std::to_string(top) + "\" x2=\"" + std::to_string(xexp) + "\" y2=\"" +
         std::to_string(bottom) + "\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>";
    h += "<text x=\"" + std::to_string(label_w) + "\" y=\"" + std::to_string(bottom + 14) + "\">0%</text><text x=\"" + std::to_string(x100 - 14) +
         "\" y=\"" + std::to_string(bottom + 14) + "\">100%</text><text x=\"" + std::to_string(xexp + 3) + "\" y=\"" + std::to_string(bottom + 14) +
         "\">expected " + pct(res.city_rows[k].expected_share) + "</text>\n</svg>\n";
  }

  h += "<h2>By lead unit</h2>\n<table>\n<tr><th>lead unit</th><th>indicators</th>";
  for (Status s : kAllStatuses) h += std::string("<th>") + to_string(s) + "</th>";
  h += "<th>city</th></tr>\n";
  for (const auto& v : res.by_unit) {
    h += "<tr><td>" + html_escape(v.unit.empty() ? std::string("(no lead unit named)") : v.unit_name) + "</td><td>" +
         html_escape(join(v.indicators, ", ")) + "</td>";
    for (Status s : kAllStatuses) h += "<td class=\"n\">" + std::to_string(v.county_status.count(s) ? v.county_status.at(s) : 0) + "</td>";
    h += "<td>" + html_escape(city_statuses(res, v.indicators)) + "</td></tr>\n";
  }
  h += "</table>\n<h2>By deadline</h2>\n<table>\n<tr><th>deadline</th><th>when</th><th>tasks</th><th>indicators</th>";
  for (Status s : kAllStatuses) h += std::string("<th>") + to_string(s) + "</th>";
  h += "<th>city</th></tr>\n";
  for (const auto& v : res.by_deadline) {
    h += "<tr><td>" + v.deadline.iso() + "</td><td>" + days_text(v.days_to_deadline) + "</td><td>" + html_escape(join(v.tasks, ", ")) +
         "</td><td>" + html_escape(join(v.indicators, ", ")) + "</td>";
    for (Status s : kAllStatuses) h += "<td class=\"n\">" + std::to_string(v.county_status.count(s) ? v.county_status.at(s) : 0) + "</td>";
    h += "<td>" + html_escape(city_statuses(res, v.indicators)) + "</td></tr>\n";
  }
  h += "</table>\n<h2>Findings</h2>\n";
  const Issues issues = all_issues(in);
  if (issues.empty()) h += "<p>None.</p>\n";
  else {
    h += "<table>\n<tr><th>severity</th><th>kind</th><th>where</th><th>message</th></tr>\n";
    for (const auto& i : issues)
      h += std::string("<tr><td>") + model::to_string(i.severity) + "</td><td>" + html_escape(i.kind) + "</td><td>" + html_escape(i.where) +
           "</td><td>" + html_escape(i.message) + "</td></tr>\n";
    h += "</table>\n";
  }
  h += "<p><small>Expected share: linear from the plan's start to each indicator's deadline (through the plan's milestones where given). "
       "met: actual ≥ target; overdue: past the deadline and not met; behind: below the expected share; no_data: no figure on or "
       "before the report date.</small></p>\n</body>\n</html>\n";
  return h;
}

void write_report(const ReportInput& in, const std::filesystem::path& dir, bool overwrite) {
  const std::string md = report_markdown(in);
  const std::string html = report_html(in);
  const std::string csv = quota_csv(in);
  const std::string js = quota_json(in).dump(2) + "\n";
  io::write_atomic(dir, overwrite, [&](const std::filesystem::path& tmp) {
    std::error_code ec;
    std::filesystem::create_directories(tmp, ec);
    if (ec) throw RunError("cannot create the report folder '" + dir.string() + "': " + ec.message());
    for (const auto& [name, content] : {std::pair<const char*, const std::string*>{"report.md", &md},
                                        {"report.html", &html}, {"quota.csv", &csv}, {"quota.json", &js}}) {
      std::ofstream f(tmp / name, std::ios::binary);
      f << *content;
      f.flush();
      if (!f) throw RunError("cannot write '" + (dir / name).string() + "' (disk full or no permission?)");
    }
  });
}

}  // namespace ruralnet::quota
