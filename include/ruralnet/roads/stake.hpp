// Chainage stakes (桩号) as road lists write them: "K12+300" is 12 km and
// 300 m from the road's origin. A segment's start and end stakes give a second
// declared length (end minus start) to check against the measured one.
#pragma once

#include <optional>
#include <string_view>

namespace ruralnet::roads {

// Metres from the origin: "K12+300" -> 12300, "K0+050.5" -> 50.5. Accepts a
// lower-case k, full-width Ｋ and ＋, and blanks around the parts. The metres
// part has one to three digits before an optional decimal fraction and is
// below 1000. nullopt for anything else ("K12+3OO", "12+300", "K12+1000", "K12").
std::optional<double> parse_stake_m(std::string_view text);

}  // namespace ruralnet::roads
