#include "ruralnet/model/codes.hpp"

namespace ruralnet::model {

bool is_division_code(std::string_view code, CodeLevel level) {
  if (code.size() != static_cast<std::size_t>(level)) return false;
  for (char c : code)
    if (c < '0' || c > '9') return false;
  return true;
}

bool code_nests(std::string_view child, std::string_view parent) {
  return !parent.empty() && child.size() > parent.size() && child.substr(0, parent.size()) == parent;
}

std::string county_of(std::string_view code) { return std::string(code.substr(0, 6)); }
std::string township_of(std::string_view code) { return std::string(code.substr(0, 9)); }

}  // namespace ruralnet::model
