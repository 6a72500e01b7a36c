// Calendar dates as planners write them. Parsing accepts ISO (2018-07-05),
// slashes (2018/7/5), Chinese (2018年7月5日) and dotted (2018.7.5); anything else
// is rejected rather than guessed (05/07/2018 is ambiguous).
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace ruralnet {

class Date {
 public:
  constexpr Date() = default;
  // Throws std::invalid_argument for a day that does not exist.
  Date(int year, int month, int day);
  int year() const { return y_; }
  int month() const { return m_; }
  int day() const { return d_; }
  // Days since 1970-01-01 (negative before).
  long days_since_epoch() const;
  static Date from_days_since_epoch(long days);
  std::string iso() const;  // YYYY-MM-DD
  auto operator<=>(const Date&) const = default;
  bool operator==(const Date&) const = default;

 private:
  int y_ = 1970;
  int m_ = 1;
  int d_ = 1;
};

// nullopt when the text is not a date in an accepted form.
std::optional<Date> parse_date(std::string_view text);
// Also accepts a spreadsheet serial day number (1900 date system, e.g. 43281 =
// 2018-06-30) as spreadsheets export dates that way.
std::optional<Date> parse_date_or_serial(std::string_view text);
// Whole days from a to b (b - a).
long days_between(const Date& a, const Date& b);
// Today's date in UTC.
Date today_utc();

}  // namespace ruralnet
