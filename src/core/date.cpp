#include "ruralnet/core/date.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace ruralnet {

namespace {
constexpr bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_month(int y, int m) {
  static constexpr int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : d[m - 1];
}
}  // namespace

Date::Date(int year, int month, int day) : y_(year), m_(month), d_(day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
    throw std::invalid_argument("no such date");
}

// Howard Hinnant's days_from_civil.
long Date::days_since_epoch() const {
  const int y = m_ <= 2 ? y_ - 1 : y_;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = static_cast<unsigned>(m_ > 2 ? m_ - 3 : m_ + 9);
  const unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(d_) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<long>(era) * 146097 + static_cast<long>(doe) - 719468;
}

Date Date::from_days_since_epoch(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned long doe = static_cast<unsigned long>(z - era * 146097);
  const unsigned long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long y = static_cast<long>(yoe) + era * 400;
  const unsigned long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned long mp = (5 * doy + 2) / 153;
  const unsigned long d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned long m = mp < 10 ? mp + 3 : mp - 9;
  return Date(static_cast<int>(m <= 2 ? y + 1 : y), static_cast<int>(m), static_cast<int>(d));
}

std::string Date::iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y_, m_, d_);
  return buf;
}

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// Splits "2018<sep>7<sep>5[<end>]" into three numbers; false if the shape differs.
bool three_numbers(std::string_view s, std::string_view sep1, std::string_view sep2, std::string_view end, int out[3]) {
  const std::string_view seps[3] = {sep1, sep2, end};
  for (int i = 0; i < 3; ++i) {
    std::size_t n = 0;
    while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
    if (n == 0 || n > 4) return false;
    std::from_chars(s.data(), s.data() + n, out[i]);
    s.remove_prefix(n);
    if (s.substr(0, seps[i].size()) != seps[i]) return false;
    s.remove_prefix(seps[i].size());
  }
  return s.empty();
}
}  // namespace

std::optional<Date> parse_date(std::string_view text) {
  text = trim(text);
  // A datetime "2018-07-05T00:00:00" or "2018-07-05 00:00:00" names a date.
  if (text.size() > 10 && (text[10] == 'T' || text[10] == ' ')) text = text.substr(0, 10);
  int v[3] = {0, 0, 0};
  const bool ok = three_numbers(text, "-", "-", "", v) || three_numbers(text, "/", "/", "", v) ||
                  three_numbers(text, ".", ".", "", v) || three_numbers(text, "年", "月", "日", v) ||
                  three_numbers(text, "年", "月", "", v);
  if (!ok || v[0] < 1000) return std::nullopt;  // year first, four digits
  try {
    return Date(v[0], v[1], v[2]);
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

std::optional<Date> parse_date_or_serial(std::string_view text) {
  if (auto d = parse_date(text)) return d;
  text = trim(text);
  long serial = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), serial);
  if (ec != std::errc() || p != text.data() + text.size() || serial < 1 || serial > 2958465) return std::nullopt;
  // Serial 25569 is 1970-01-01; the spreadsheet's fictitious 1900-02-29 only
  // shifts serials below 61, which no plan uses.
  return Date::from_days_since_epoch(serial - 25569);
}

long days_between(const Date& a, const Date& b) { return b.days_since_epoch() - a.days_since_epoch(); }

Date today_utc() {
  const auto now = std::chrono::system_clock::now();
  const auto days = std::chrono::duration_cast<std::chrono::hours>(now.time_since_epoch()).count() / 24;
  return Date::from_days_since_epoch(static_cast<long>(days));
}

}  // namespace ruralnet
