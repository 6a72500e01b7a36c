#include "ruralnet/quota/progress.hpp"

#include <algorithm>
#include <cmath>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"

namespace ruralnet::quota {

namespace {

std::string num(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  return fixed(v, 3);
}

// Spreadsheets turn codes into numbers: "341502.0" is the code 341502.
std::string clean_code(const std::string& s) {
  std::string c(trim(s));
  if (c.size() > 2 && c.compare(c.size() - 2, 2, ".0") == 0 &&
      std::all_of(c.begin(), c.end() - 2, [](char ch) { return ch >= '0' && ch <= '9'; }))
    c.resize(c.size() - 2);
  return c;
}

}  // namespace

ProgressSet read_progress(const io::Table& table, const Plan& plan, const Date& as_of) {
  ProgressSet pr;
  pr.file = table.source;
  pr.encoding = table.encoding;
  pr.rows = table.rows.size();
  pr.blank_rows = table.blank_rows;

  const char* required[] = {"county_code", "indicator", "value", "as_of"};
  std::size_t col[4] = {0, 0, 0, 0};
  for (int k = 0; k < 4; ++k) {
    auto c = table.column(required[k]);
    if (!c)
      throw InputError({table.source, table.layer, "", required[k]}, std::string("the progress table has no column '") + required[k] + "'",
                       "the columns are county_code, indicator, value, as_of, source (found: " + join(table.columns, ", ") + ")");
    col[k] = *c;
  }
  const auto source_col = table.column("source");

  auto issue = [&](Severity s, const char* kind, const std::string& where, const std::string& msg) {
    pr.issues.push_back({s, kind, where, msg});
  };

  std::map<std::pair<std::string, std::string>, std::vector<Record>> groups;
  for (const auto& row : table.rows) {
    const std::string where = table.where(row);
    auto field = [&](std::size_t c) -> std::string { return c < row.values.size() ? row.values[c] : std::string(); };
    if (row.values.size() > table.columns.size()) {
      issue(Severity::error, "too_many_fields", where,
            "the row has " + std::to_string(row.values.size()) + " fields, the header " + std::to_string(table.columns.size()) +
                "; row excluded (a number with a thousands separator must be quoted: \"1,300\")");
      ++pr.excluded;
      continue;
    }
    Record r;
    r.where = where;
    r.county_code = clean_code(field(col[0]));
    r.indicator = std::string(trim(field(col[1])));
    const std::string value_text = field(col[2]);
    const std::string date_text = field(col[3]);
    r.source = source_col ? field(*source_col) : std::string();

    std::vector<std::string> problems;
    const char* kind = nullptr;
    auto bad = [&](const char* k, const std::string& msg) {
      if (!kind) kind = k;
      problems.push_back(msg);
    };
    if (r.county_code.empty()) bad("missing_value", "county_code is empty");
    else if (r.county_code != plan.city.code && !plan.county(r.county_code))
      bad("unknown_county", "county_code '" + r.county_code + "' is not a county of the plan");
    if (r.indicator.empty()) bad("missing_value", "indicator is empty");
    else if (!plan.indicator(r.indicator)) bad("unknown_indicator", "indicator '" + r.indicator + "' is not in the plan");
    if (trim(value_text).empty()) bad("missing_value", "value is empty");
    else if (auto v = parse_number(value_text); !v) bad("not_a_number", "value '" + value_text + "' is not a number");
    else if (*v < 0) bad("negative_value", "value " + value_text + " is negative");
    else r.value = *v;
    if (trim(date_text).empty()) bad("missing_value", "as_of is empty");
    else if (auto d = parse_date_or_serial(date_text); !d)
      bad("not_a_date", "as_of '" + date_text + "' is not a date (use 2018-07-05, 2018/7/5, 2018年7月5日 or a spreadsheet date)");
    else r.as_of = *d;
    if (kind) {
      issue(Severity::error, kind, where, join(problems, "; ") + "; row excluded");
      ++pr.excluded;
      continue;
    }
    if (r.as_of > as_of) {
      issue(Severity::warning, "after_report_date", where,
            "as_of " + r.as_of.iso() + " is after the report date " + as_of.iso() + "; not counted in this report");
      ++pr.excluded;
      continue;
    }
    const Indicator* ind = plan.indicator(r.indicator);
    if (r.county_code == plan.city.code && !ind->city_only()) {
      issue(Severity::warning, "city_record", where,
            "a city-level figure for '" + r.indicator + "', which has county quotas; the city figure is the sum of the counties, so this row is not counted");
      ++pr.excluded;
      continue;
    }
    groups[{r.county_code, r.indicator}].push_back(std::move(r));
  }

  for (auto& [key, recs] : groups) {
    std::stable_sort(recs.begin(), recs.end(), [](const Record& a, const Record& b) { return a.as_of < b.as_of; });
    std::vector<Record> kept;
    for (std::size_t i = 0; i < recs.size();) {
      std::size_t j = i;
      while (j < recs.size() && recs[j].as_of == recs[i].as_of) ++j;
      bool conflict = false;
      for (std::size_t k = i + 1; k < j; ++k)
        if (recs[k].value != recs[i].value) conflict = true;
      if (conflict) {
        std::vector<std::string> what;
        for (std::size_t k = i; k < j; ++k) what.push_back(recs[k].where + ": " + num(recs[k].value));
        for (std::size_t k = i; k < j; ++k) {
          issue(Severity::error, "conflicting_values", recs[k].where,
                "county " + key.first + ", " + key.second + " on " + recs[i].as_of.iso() + " has different values (" + join(what, ", ") +
                    "); all of them excluded");
          ++pr.excluded;
        }
      } else {
        for (std::size_t k = i + 1; k < j; ++k) {
          issue(Severity::warning, "duplicate_record", recs[k].where,
                "repeats " + recs[i].where + " (same county, indicator, date and value); counted once");
          ++pr.excluded;
        }
        kept.push_back(recs[i]);
      }
      i = j;
    }
    for (std::size_t k = 1; k < kept.size(); ++k)
      if (kept[k].value < kept[k - 1].value)
        issue(Severity::warning, "decreasing_value", kept[k].where,
              "value " + num(kept[k].value) + " on " + kept[k].as_of.iso() + " is lower than " + num(kept[k - 1].value) + " on " +
                  kept[k - 1].as_of.iso() + " (" + kept[k - 1].where + "); values are cumulative; the later one counts");
    pr.accepted += kept.size();
    if (!kept.empty()) pr.latest[key] = kept.back();
  }
  // Issues in file order, so a planner can work down the file.
  auto number_of = [](const std::string& w) -> long long {
    auto sp = w.rfind(' ');
    if (sp == std::string::npos) return 0;
    auto v = parse_integer(w.substr(sp + 1));
    return v ? *v : 0;
  };
  std::stable_sort(pr.issues.begin(), pr.issues.end(),
                   [&](const Issue& a, const Issue& b) { return number_of(a.where) < number_of(b.where); });
  return pr;
}

}  // namespace ruralnet::quota
