#include "ruralnet/network/speeds.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"

namespace ruralnet::network {

namespace {
bool usable_speed(double kmh) { return std::isfinite(kmh) && kmh > 0.0 && kmh <= 300.0; }
}  // namespace

SpeedTable::SpeedTable() {
  using model::RoadClass;
  kmh_[class_index(RoadClass::expressway)] = 100.0;
  kmh_[class_index(RoadClass::national)] = 70.0;
  kmh_[class_index(RoadClass::provincial)] = 60.0;
  kmh_[class_index(RoadClass::county)] = 50.0;
  kmh_[class_index(RoadClass::township)] = 40.0;
  kmh_[class_index(RoadClass::village)] = 30.0;
  kmh_[class_index(RoadClass::other)] = 25.0;
}

void SpeedTable::set(model::RoadClass c, Kmh speed) {
  if (!usable_speed(speed.value()))
    throw UsageError(std::string("speed for road class '") + model::to_string(c) + "' must be in (0, 300] km/h, not " +
                     std::to_string(speed.value()));
  kmh_[class_index(c)] = speed.value();
}

SpeedTable parse_speed_table(std::string_view text, const std::string& source) {
  SpeedTable table;
  std::array<bool, kRoadClassCount> seen{};
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  auto where = [&source](std::size_t line, const char* field) {
    InputLocation loc;
    loc.file = source;
    loc.feature = "line " + std::to_string(line);
    loc.field = field;
    return loc;
  };
  std::size_t line_no = 0;
  bool header_seen = false;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t eol = text.find('\n', pos);
    std::string_view line = text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? text.size() + 1 : eol + 1;
    ++line_no;
    line = trim(line);  // also drops the \r of CRLF files
    if (line.empty()) continue;
    if (!is_valid_utf8(line)) throw InputError(where(line_no, ""), "the line is not valid UTF-8", "save the file as UTF-8");
    const auto cells = split(line, ',');
    if (!header_seen) {
      header_seen = true;
      if (cells.size() != 2 || to_lower_ascii(trim(cells[0])) != "class" || to_lower_ascii(trim(cells[1])) != "speed_kmh")
        throw InputError(where(line_no, ""), "the header must be 'class,speed_kmh', found '" + std::string(line) + "'");
      continue;
    }
    if (cells.size() != 2)
      throw InputError(where(line_no, ""), "expected 2 values 'class,speed_kmh', found " + std::to_string(cells.size()));
    const auto cls = model::parse_road_class(cells[0]);
    if (!cls)
      throw InputError(where(line_no, "class"), "unknown road class '" + std::string(trim(cells[0])) + "'",
                       "use expressway, national, provincial, county, township, village or other");
    if (seen[class_index(*cls)])
      throw InputError(where(line_no, "class"), std::string("road class '") + model::to_string(*cls) + "' is given twice");
    seen[class_index(*cls)] = true;
    const auto kmh = parse_number(cells[1]);
    if (!kmh || !usable_speed(*kmh))
      throw InputError(where(line_no, "speed_kmh"),
                       "speed '" + std::string(trim(cells[1])) + "' is not a number in (0, 300] km/h");
    table.set(*cls, Kmh(*kmh));
  }
  if (!header_seen) throw InputError(where(1, ""), "the speed table is empty (expected a header 'class,speed_kmh')");
  return table;
}

SpeedTable read_speed_table(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  InputLocation loc;
  loc.file = path;
  if (!in) throw InputError(loc, "cannot open the speed table", "check the path given to the speed option");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError(loc, "cannot read the speed table");
  return parse_speed_table(ss.str(), path);
}

}  // namespace ruralnet::network
