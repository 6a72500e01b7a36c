#include "ruralnet/report/csv.hpp"

#include <cmath>
#include <variant>

#include "ruralnet/core/text.hpp"

namespace ruralnet::report {

std::string csv_text(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string q = "\"";
  for (const char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::string csv_cell(const io::FieldValue& v, int decimals) {
  struct V {
    int decimals;
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(const std::string& s) const { return csv_text(s); }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      std::string s = fixed(d, decimals);
      if (s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
      }
      return s;
    }
    std::string operator()(const Date& d) const { return d.iso(); }
  };
  return std::visit(V{decimals}, v);
}

nlohmann::json json_number(double v, double scale) {
  if (!std::isfinite(v)) return nullptr;
  return std::round(v * scale) / scale;
}

}  // namespace ruralnet::report
