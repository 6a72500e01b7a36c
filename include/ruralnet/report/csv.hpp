// Values as every output of the analyses writes them: CSV cells (RFC 4180,
// UTF-8) and JSON numbers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "ruralnet/io/write.hpp"

namespace ruralnet::report {

// The text, quoted (with inner quotes doubled) only when it holds a comma, a
// quote or a line break.
std::string csv_text(std::string_view s);

// A field value: empty for null, integers as they are, dates as ISO 8601, and
// reals with at most `decimals` decimals and no trailing zeros.
std::string csv_cell(const io::FieldValue& v, int decimals);

// A number for a JSON summary, rounded to 1/scale; null when not finite
// (JSON has no NaN).
nlohmann::json json_number(double v, double scale = 1000.0);

}  // namespace ruralnet::report
