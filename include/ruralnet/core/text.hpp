// Small text helpers shared by every module. All text inside ruralnet is UTF-8.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ruralnet {

bool is_valid_utf8(std::string_view s);
std::string_view trim(std::string_view s);
std::string to_lower_ascii(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// Numbers as planners type them: surrounding blanks and thousands separators
// ("1,300") are accepted; anything else that is not fully a number is not.
std::optional<double> parse_number(std::string_view s);
std::optional<long long> parse_integer(std::string_view s);
// true/false, yes/no, 1/0, t/f, y/n, 是/否 (case-insensitive); nullopt otherwise.
std::optional<bool> parse_bool(std::string_view s);

// Formats a number with a fixed count of decimals ("1234.5" -> "1234.50").
std::string fixed(double v, int decimals);
// At most `decimals` decimals, without trailing zeros ("2.500" -> "2.5",
// "3.000" -> "3"); "NaN", "inf" and "-inf" as such.
std::string compact_number(double v, int decimals = 3);
// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view s);

}  // namespace ruralnet
