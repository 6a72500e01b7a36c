// CSV cells as every output of the analyses writes them (RFC 4180, UTF-8).
#pragma once

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

}  // namespace ruralnet::report
