// Roads in graph-only form built by hand from RoadSegments, for tests that
// check the columns against the records without going through io.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "ruralnet/model/dataset.hpp"

namespace ruralnet::model::testing {

inline RoadColumns road_columns_of(const std::vector<RoadSegment>& roads) {
  RoadColumns c;
  for (const auto& r : roads) {
    c.fid.push_back(r.ref.fid);
    c.id.push_back(r.id);
    c.road_class.push_back(r.road_class);
    c.speed_kmh.push_back(r.speed_kmh.value_or(std::numeric_limits<double>::quiet_NaN()));
    c.oneway.push_back(r.oneway);
    for (const auto& part : r.geometry) {
      c.lonlat.insert(c.lonlat.end(), part.begin(), part.end());
      c.first_vertex.push_back(static_cast<std::uint32_t>(c.lonlat.size()));
    }
    c.first_part.push_back(static_cast<std::uint32_t>(c.first_vertex.size() - 1));
  }
  return c;
}

}  // namespace ruralnet::model::testing
