// National statistical division codes: 6 digits for a county, 9 for a township,
// 12 for a village; each begins with its parent's. Codes are text, never numbers
// (leading zeros and 12-digit values must survive).
#pragma once

#include <string>
#include <string_view>

namespace ruralnet::model {

enum class CodeLevel { county = 6, township = 9, village = 12 };

// True when the text is exactly `level` ASCII digits.
bool is_division_code(std::string_view code, CodeLevel level);
// True when child begins with parent (e.g. village 341522100201 in township 341522100).
bool code_nests(std::string_view child, std::string_view parent);
// The county (first 6) or township (first 9) prefix of a longer code.
std::string county_of(std::string_view code);
std::string township_of(std::string_view code);

}  // namespace ruralnet::model
