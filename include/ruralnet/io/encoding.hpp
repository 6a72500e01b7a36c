// Text encodings of planners' files. Chinese GIS software writes Shapefiles and
// CSV in GBK/GB18030, often without saying so; ruralnet converts everything to
// UTF-8 on read and refuses, rather than guesses, when it cannot tell.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ruralnet::io {

// Canonical name for an encoding the user typed ("gbk", "CP936" -> "GBK";
// "utf8" -> "UTF-8"); nullopt when unknown.
std::optional<std::string> canonical_encoding(std::string_view name);

// Strict conversion to UTF-8: nullopt when `raw` is not valid in `encoding`
// (never a replacement character, never mojibake).
std::optional<std::string> to_utf8(std::string_view raw, const std::string& encoding);

// Detects the encoding of text samples taken from one file: "UTF-8" when every
// sample is valid UTF-8 (plain ASCII included), "GB18030" when every sample
// decodes strictly as GB18030 and the non-ASCII text is mostly CJK, nullopt when
// unsure (the caller then asks for --encoding).
std::optional<std::string> detect_encoding(const std::vector<std::string>& samples);

}  // namespace ruralnet::io
