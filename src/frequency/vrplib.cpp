// Reader for the TSPLIB/VRPLIB CVRP text format with EUC_2D distances.
#include <cmath>
#include <fstream>
#include <istream>
#include <map>
#include <sstream>

#include "ruralnet/core/error.hpp"
#include "ruralnet/frequency/vrp.hpp"

namespace ruralnet::frequency {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string upper(std::string s) {
  for (auto& ch : s)
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  return s;
}

struct Reader {
  const std::string& source;
  std::size_t line_no = 0;

  [[noreturn]] void fail(const std::string& problem, const std::string& hint = {}) const {
    throw InputError(InputLocation{source, "", "line " + std::to_string(line_no), ""}, problem, hint);
  }

  double number(const std::string& tok, const char* what) const {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(tok, &used);
    } catch (const std::exception&) {
      fail(std::string("'") + tok + "' is not a number (" + what + ")");
    }
    if (used != tok.size() || !std::isfinite(v)) fail(std::string("'") + tok + "' is not a number (" + what + ")");
    return v;
  }

  long integer(const std::string& tok, const char* what) const {
    const double v = number(tok, what);
    if (v != std::floor(v)) fail(std::string("'") + tok + "' is not a whole number (" + what + ")");
    return static_cast<long>(v);
  }
};

}  // namespace

VrpInstance parse_vrplib(std::istream& in, const std::string& source) {
  Reader rd{source};
  long dimension = -1;
  double capacity = -1;
  std::string name, type = "CVRP", weight_type;
  std::map<long, std::pair<double, double>> coords;
  std::map<long, double> demands;
  std::vector<long> depots;
  enum class Sec { none, coord_sec, demand_sec, depot_sec, done } sec = Sec::none;

  std::string raw;
  while (std::getline(in, raw)) {
    ++rd.line_no;
    const std::string line = trim(raw);
    if (line.empty()) continue;
    const std::string up = upper(line);
    if (up == "EOF") {
      sec = Sec::done;
      break;
    }
    // A "KEY : value" line or a section header ends the current section.
    const auto colon = line.find(':');
    const bool starts_alpha = (up[0] >= 'A' && up[0] <= 'Z');
    if (starts_alpha) {
      if (colon != std::string::npos) {
        const std::string key = upper(trim(line.substr(0, colon)));
        const std::string value = trim(line.substr(colon + 1));
        sec = Sec::none;
        if (key == "NAME") name = value;
        else if (key == "TYPE") type = upper(value);
        else if (key == "DIMENSION") dimension = rd.integer(value, "DIMENSION");
        else if (key == "CAPACITY") capacity = rd.number(value, "CAPACITY");
        else if (key == "EDGE_WEIGHT_TYPE") weight_type = upper(value);
        // COMMENT and other keys carry nothing the solver needs.
        continue;
      }
      if (up == "NODE_COORD_SECTION") sec = Sec::coord_sec;
      else if (up == "DEMAND_SECTION") sec = Sec::demand_sec;
      else if (up == "DEPOT_SECTION") sec = Sec::depot_sec;
      else rd.fail("unsupported section or keyword '" + line + "'",
                   "only NODE_COORD_SECTION, DEMAND_SECTION and DEPOT_SECTION with EUC_2D are read");
      if (sec == Sec::coord_sec && weight_type.empty())
        rd.fail("NODE_COORD_SECTION before EDGE_WEIGHT_TYPE", "declare 'EDGE_WEIGHT_TYPE : EUC_2D' first");
      if (dimension <= 0) rd.fail("section '" + line + "' before a positive DIMENSION");
      continue;
    }
    std::istringstream toks(line);
    std::vector<std::string> t;
    for (std::string s; toks >> s;) t.push_back(s);
    auto check_id = [&](long id) {
      if (id < 1 || id > dimension)
        rd.fail("node " + std::to_string(id) + " outside 1.." + std::to_string(dimension) + " (DIMENSION)");
    };
    switch (sec) {
      case Sec::coord_sec: {
        if (t.size() != 3) rd.fail("expected 'node x y', found " + std::to_string(t.size()) + " values");
        const long id = rd.integer(t[0], "node id");
        check_id(id);
        if (coords.count(id)) rd.fail("node " + std::to_string(id) + " has coordinates twice");
        coords[id] = {rd.number(t[1], "x"), rd.number(t[2], "y")};
        break;
      }
      case Sec::demand_sec: {
        if (t.size() != 2) rd.fail("expected 'node demand', found " + std::to_string(t.size()) + " values");
        const long id = rd.integer(t[0], "node id");
        check_id(id);
        if (demands.count(id)) rd.fail("node " + std::to_string(id) + " has a demand twice");
        const double d = rd.number(t[1], "demand");
        if (d < 0) rd.fail("negative demand " + t[1]);
        demands[id] = d;
        break;
      }
      case Sec::depot_sec: {
        for (const auto& s : t) {
          const long id = rd.integer(s, "depot id");
          if (id == -1) {
            sec = Sec::none;
            break;
          }
          check_id(id);
          depots.push_back(id);
        }
        break;
      }
      default:
        rd.fail("data line '" + line + "' outside any section");
    }
  }

  ++rd.line_no;  // problems found at the end are reported past the last line
  if (type != "CVRP") rd.fail("TYPE is '" + type + "', only CVRP is read");
  if (weight_type != "EUC_2D")
    rd.fail("EDGE_WEIGHT_TYPE is '" + weight_type + "', only EUC_2D is read");
  if (dimension <= 0) rd.fail("no positive DIMENSION");
  if (!(capacity > 0)) rd.fail("no positive CAPACITY");
  if (static_cast<long>(coords.size()) != dimension)
    rd.fail("NODE_COORD_SECTION has " + std::to_string(coords.size()) + " nodes, DIMENSION says " +
            std::to_string(dimension));
  if (static_cast<long>(demands.size()) != dimension)
    rd.fail("DEMAND_SECTION has " + std::to_string(demands.size()) + " nodes, DIMENSION says " +
            std::to_string(dimension));
  if (depots.size() != 1)
    rd.fail("DEPOT_SECTION lists " + std::to_string(depots.size()) + " depots; exactly one is supported");

  VrpInstance inst;
  inst.name = name.empty() ? source : name;
  inst.capacity = capacity;
  std::vector<std::pair<double, double>> pts;
  pts.push_back(coords[depots[0]]);
  inst.demand.push_back(0.0);
  for (long id = 1; id <= dimension; ++id) {
    if (id == depots[0]) continue;
    pts.push_back(coords[id]);
    inst.demand.push_back(demands[id]);
  }
  inst.cost = VrpInstance::euc2d_matrix(pts);
  return inst;
}

VrpInstance read_vrplib(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError(InputLocation{path.string(), "", "", ""}, "cannot open the file", "check the path");
  return parse_vrplib(in, path.string());
}

}  // namespace ruralnet::frequency
