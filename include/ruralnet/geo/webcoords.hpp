// Coordinates of Chinese web maps. GCJ-02 (AMap, Tencent) is WGS84 shifted by
// a published obfuscation polynomial; BD-09 (Baidu) is GCJ-02 shifted again.
// PROJ knows neither, so data digitised from those maps is converted here
// after it has been reprojected to geographic coordinates. WGS84 and CGCS2000
// differ by a few centimetres, far below the accuracy of these formulas, so the
// result is used as CGCS2000 directly.
#pragma once

#include <optional>
#include <string_view>

#include "ruralnet/core/types.hpp"

namespace ruralnet::geo {

enum class WebCoords { none, gcj02, bd09 };

// "gcj02"/"gcj-02", "bd09"/"bd-09", "none"/"" (case-insensitive); nullopt otherwise.
std::optional<WebCoords> parse_web_coords(std::string_view text);
const char* to_string(WebCoords w);

// The rectangle outside which GCJ-02 applies no shift (as the public formulas
// define it); points outside it are returned unchanged by every conversion.
bool outside_china(LonLat p);

// Forward conversions are the closed formulas; the inverses iterate them until
// the round trip agrees to 1e-9 degrees (about 0.1 mm).
LonLat wgs84_to_gcj02(LonLat p);
LonLat gcj02_to_wgs84(LonLat p);
LonLat gcj02_to_bd09(LonLat p);
LonLat bd09_to_gcj02(LonLat p);
LonLat wgs84_to_bd09(LonLat p);
LonLat bd09_to_wgs84(LonLat p);

// Converts a point in `from` web-map coordinates to WGS84 (= CGCS2000 here).
LonLat web_to_wgs84(LonLat p, WebCoords from);

}  // namespace ruralnet::geo
