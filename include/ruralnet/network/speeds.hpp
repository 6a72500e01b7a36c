// Travel speed by road class, used for a road without its own speed_kmh.
// Defaults (docs/network.md): expressway 100, national 70, provincial 60,
// county 50, township 40, village 30, other 25 km/h.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "ruralnet/core/types.hpp"
#include "ruralnet/model/dataset.hpp"

namespace ruralnet::network {

inline constexpr std::size_t kRoadClassCount = 7;

inline std::size_t class_index(model::RoadClass c) { return static_cast<std::size_t>(c); }

class SpeedTable {
 public:
  // The default speeds.
  SpeedTable();
  Kmh speed(model::RoadClass c) const { return Kmh(kmh_[class_index(c)]); }
  // Throws UsageError unless 0 < speed <= 300 km/h.
  void set(model::RoadClass c, Kmh speed);

 private:
  std::array<double, kRoadClassCount> kmh_{};
};

// Parses a speed table file: a header line `class,speed_kmh`, then one line per
// class (contract class names, OSM highway values or Chinese labels such as
// 县道). Classes not listed keep their default. Blank lines and a UTF-8 BOM are
// ignored. Throws InputError naming `source` and the line for a bad header,
// an unknown class, a class given twice, or a speed that is not a number in
// (0, 300].
SpeedTable parse_speed_table(std::string_view text, const std::string& source);
// Reads and parses the file; InputError when it cannot be read.
SpeedTable read_speed_table(const std::string& path);

}  // namespace ruralnet::network
