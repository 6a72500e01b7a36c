#include "ruralnet/model/dataset.hpp"

#include <array>
#include <utility>

#include "ruralnet/core/text.hpp"

namespace ruralnet::model {

const char* to_string(Severity s) {
  switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "?";
}

std::size_t count(const Findings& f, Severity s) {
  std::size_t n = 0;
  for (const auto& x : f) n += x.severity == s ? 1 : 0;
  return n;
}

const char* to_string(ModelLevel l) {
  switch (l) {
    case ModelLevel::none: return "none";
    case ModelLevel::municipal: return "municipal";
    case ModelLevel::provincial: return "provincial";
  }
  return "?";
}

const char* to_string(RoadClass c) {
  switch (c) {
    case RoadClass::expressway: return "expressway";
    case RoadClass::national: return "national";
    case RoadClass::provincial: return "provincial";
    case RoadClass::county: return "county";
    case RoadClass::township: return "township";
    case RoadClass::village: return "village";
    case RoadClass::other: return "other";
  }
  return "?";
}

std::optional<RoadClass> parse_road_class(std::string_view text) {
  static const std::array<std::pair<const char*, RoadClass>, 34> table{{
      {"expressway", RoadClass::expressway}, {"motorway", RoadClass::expressway}, {"motorway_link", RoadClass::expressway},
      {"高速", RoadClass::expressway},       {"高速公路", RoadClass::expressway},
      {"national", RoadClass::national},     {"trunk", RoadClass::national},      {"trunk_link", RoadClass::national},
      {"国道", RoadClass::national},
      {"provincial", RoadClass::provincial}, {"primary", RoadClass::provincial},  {"primary_link", RoadClass::provincial},
      {"省道", RoadClass::provincial},
      {"county", RoadClass::county},         {"secondary", RoadClass::county},    {"secondary_link", RoadClass::county},
      {"县道", RoadClass::county},
      {"township", RoadClass::township},     {"tertiary", RoadClass::township},   {"tertiary_link", RoadClass::township},
      {"乡道", RoadClass::township},
      {"village", RoadClass::village},       {"unclassified", RoadClass::village}, {"residential", RoadClass::village},
      {"track", RoadClass::village},         {"service", RoadClass::village},     {"living_street", RoadClass::village},
      {"村道", RoadClass::village},
      {"other", RoadClass::other},           {"road", RoadClass::other},          {"专用公路", RoadClass::other},
      {"其他", RoadClass::other},            {"path", RoadClass::other},          {"unknown", RoadClass::other},
  }};
  const std::string t = to_lower_ascii(trim(text));
  for (const auto& [name, cls] : table)
    if (t == name) return cls;
  return std::nullopt;
}

const char* to_string(Program p) {
  switch (p) {
    case Program::none: return "none";
    case Program::changtong: return "changtong";
    case Program::kuomian: return "kuomian";
  }
  return "?";
}

const char* to_string(RoadStatus s) {
  switch (s) {
    case RoadStatus::unknown: return "unknown";
    case RoadStatus::planned: return "planned";
    case RoadStatus::building: return "building";
    case RoadStatus::completed: return "completed";
  }
  return "?";
}

const char* to_string(Tier t) {
  switch (t) {
    case Tier::county_hub: return "county_hub";
    case Tier::township_station: return "township_station";
    case Tier::village_outlet: return "village_outlet";
  }
  return "?";
}

std::optional<Tier> parse_tier(std::string_view text) {
  const std::string t = to_lower_ascii(trim(text));
  if (t == "county_hub") return Tier::county_hub;
  if (t == "township_station") return Tier::township_station;
  if (t == "village_outlet") return Tier::village_outlet;
  return std::nullopt;
}

Extent Dataset::extent() const {
  Extent e;
  for (const auto& [name, info] : layers) e.add(info.extent);
  return e;
}

}  // namespace ruralnet::model
