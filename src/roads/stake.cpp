#include "ruralnet/roads/stake.hpp"

#include <string>

#include "ruralnet/core/text.hpp"

namespace ruralnet::roads {

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Replaces the full-width forms planners' input methods produce.
std::string normalise(std::string_view s) {
  std::string out(s);
  auto replace = [&out](std::string_view from, char to) {
    for (std::size_t p = out.find(from); p != std::string::npos; p = out.find(from, p))
      out.replace(p, from.size(), 1, to);
  };
  replace("\xEF\xBC\xAB", 'K');  // Ｋ
  replace("\xEF\xBD\x8B", 'k');  // ｋ
  replace("\xEF\xBC\x8B", '+');  // ＋
  return out;
}

}  // namespace

std::optional<double> parse_stake_m(std::string_view text) {
  const std::string norm = normalise(text);
  std::string_view s = trim(norm);
  if (s.empty() || (s.front() != 'K' && s.front() != 'k')) return std::nullopt;
  s.remove_prefix(1);
  const std::size_t plus = s.find('+');
  if (plus == std::string_view::npos) return std::nullopt;
  const std::string_view km = trim(s.substr(0, plus));
  const std::string_view m = trim(s.substr(plus + 1));
  if (!all_digits(km) || km.size() > 5) return std::nullopt;
  const std::size_t dot = m.find('.');
  const std::string_view whole = m.substr(0, dot);
  if (!all_digits(whole) || whole.size() > 3) return std::nullopt;
  double metres = std::stod(std::string(whole));
  if (dot != std::string_view::npos) {
    const std::string_view frac = m.substr(dot + 1);
    if (!all_digits(frac)) return std::nullopt;
    metres = std::stod(std::string(whole) + "." + std::string(frac));
  }
  if (metres >= 1000.0) return std::nullopt;
  return std::stod(std::string(km)) * 1000.0 + metres;
}

}  // namespace ruralnet::roads
