// Progress records as counties report them (county_code, indicator, value,
// as_of, source), checked row by row. Values are cumulative: the latest record
// on or before the report date counts. Every row is either accepted or named
// in an issue with its line; none is dropped silently (docs/quota.md lists
// which problems exclude the row and which only warn).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ruralnet/core/date.hpp"
#include "ruralnet/io/table.hpp"
#include "ruralnet/quota/plan.hpp"

namespace ruralnet::quota {

struct Record {
  std::string county_code;  // a county of the plan, or the city's own code for city-level figures
  std::string indicator;
  double value = 0.0;
  Date as_of;
  std::string source;
  std::string where;  // "line 7" / "feature 7"
};

// The checked rows of one progress table.
struct ProgressSet {
  std::string file;
  std::string encoding;
  std::size_t rows = 0;        // data rows read (blank rows not counted)
  std::size_t blank_rows = 0;
  std::size_t accepted = 0;    // rows that count (the latest per county and indicator is used)
  std::size_t excluded = 0;    // rows left out, each with an error or a not-counted warning
  // The latest accepted record per (county_code, indicator) on or before the report date.
  std::map<std::pair<std::string, std::string>, Record> latest;
  Issues issues;
};

// Checks the rows of a progress table against the plan. `as_of` is the report
// date. Throws InputError when a required column (county_code, indicator,
// value, as_of) is missing.
ProgressSet read_progress(const io::Table& table, const Plan& plan, const Date& as_of);

}  // namespace ruralnet::quota
