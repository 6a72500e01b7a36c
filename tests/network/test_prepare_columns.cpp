// prepare_segments from the graph-only form of the roads (model::RoadColumns)
// gives the table the full form gives, and checks the same things.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "../model/road_columns_of.hpp"
#include "fixtures.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/network/build.hpp"

namespace {

using namespace ruralnet;
using model::Oneway;
using model::RoadClass;

model::RoadSegment road(std::string id, std::int64_t fid, model::MultiLineString g, RoadClass c = RoadClass::village,
                        std::optional<double> speed = std::nullopt, Oneway o = Oneway::no) {
  model::RoadSegment r;
  r.ref.fid = fid;
  r.id = std::move(id);
  r.geometry = std::move(g);
  r.road_class = c;
  r.speed_kmh = speed;
  r.oneway = o;
  return r;
}

// The columns of a list of roads, built here by hand rather than by io.
model::RoadColumns columns(const std::vector<model::RoadSegment>& roads) {
  return model::testing::road_columns_of(roads);
}

std::vector<model::RoadSegment> sample() {
  return {
      road("A", 1, {{{116.50, 31.70}, {116.51, 31.70}, {116.51, 31.70}, {116.52, 31.71}}}, RoadClass::county, 60.0),
      // A MultiLineString whose second part is one vertex repeated: degenerate.
      road("B", 2, {{{116.52, 31.71}, {116.52, 31.72}}, {{116.53, 31.72}, {116.53, 31.72}}}, RoadClass::township,
           std::nullopt, Oneway::forward),
      road("", 3, {}),  // no geometry (reported on read): no part
      road("D", 4, {{{116.52, 31.72}, {116.50, 31.70}}}, RoadClass::other, 25.5, Oneway::backward),
  };
}

TEST(PrepareColumns, GivesTheTableOfTheFullForm) {
  const auto roads = sample();
  const auto a = network::prepare_segments(roads, fixtures::projector());
  const auto b = network::prepare_segments(columns(roads), fixtures::projector());
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.road_class, b.road_class);
  ASSERT_EQ(a.speed_kmh.size(), b.speed_kmh.size());
  for (std::size_t i = 0; i < a.speed_kmh.size(); ++i)
    EXPECT_TRUE(a.speed_kmh[i] == b.speed_kmh[i] || (std::isnan(a.speed_kmh[i]) && std::isnan(b.speed_kmh[i]))) << i;
  EXPECT_EQ(a.oneway, b.oneway);
  EXPECT_EQ(a.length_m, b.length_m);
  EXPECT_EQ(a.first_part, b.first_part);
  EXPECT_EQ(a.first_vertex, b.first_vertex);
  EXPECT_EQ(a.part_segment, b.part_segment);
  EXPECT_EQ(a.lonlat, b.lonlat);
  EXPECT_EQ(a.cum_length_m, b.cum_length_m);
  EXPECT_EQ(a.degenerate_parts, b.degenerate_parts);
}

TEST(PrepareColumns, DropsRepeatedVerticesAndListsDegenerateParts) {
  const auto t = network::prepare_segments(columns(sample()), fixtures::projector());
  ASSERT_EQ(t.segment_count(), 4u);
  EXPECT_EQ(t.part_count(), 3u);  // A, B's first part, D
  EXPECT_EQ(t.vertex_count(), 3u + 2u + 2u);
  EXPECT_EQ(t.degenerate_parts, std::vector<std::uint32_t>{1});
  EXPECT_EQ(t.first_part, (std::vector<std::uint32_t>{0, 1, 2, 2, 3}));
  EXPECT_FLOAT_EQ(t.speed_kmh[0], 60.0f);
  EXPECT_TRUE(std::isnan(t.speed_kmh[1]));
  // B's first part runs 0.01° north along the meridian 116.52°E: the meridian
  // arc between the two latitudes (Helmert's series, fixtures.hpp).
  EXPECT_NEAR(t.length_m[1], fixtures::meridian_arc(31.72) - fixtures::meridian_arc(31.71), 1e-6);
  EXPECT_EQ(t.length_m[2], 0.0);
  // A: its repeated vertex adds nothing; the length is that of its two lines.
  const double a = geo::geodesic_distance({116.50, 31.70}, {116.51, 31.70}).value() +
                   geo::geodesic_distance({116.51, 31.70}, {116.52, 31.71}).value();
  EXPECT_NEAR(t.length_m[0], a, 1e-6);
}

TEST(PrepareColumns, BuildsTheSameGraph) {
  const auto roads = sample();
  const auto a = network::build_graph(network::prepare_segments(roads, fixtures::projector()));
  const auto b = network::build_graph(network::prepare_segments(columns(roads), fixtures::projector()));
  EXPECT_EQ(a.node_count(), b.node_count());
  EXPECT_EQ(a.arc_count(), b.arc_count());
  EXPECT_EQ(a.zero_length_segments, b.zero_length_segments);
  EXPECT_EQ(a.length_by_class_m, b.length_by_class_m);
}

TEST(PrepareColumns, RefusesABadSpeedNamingTheRoad) {
  auto roads = sample();
  roads[3].speed_kmh = 400.0;
  network::PrepareOptions o;
  o.source = "roads.gpkg";
  try {
    network::prepare_segments(columns(roads), fixtures::projector(), o);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().feature, "D");
    EXPECT_EQ(e.where().field, "speed_kmh");
    EXPECT_NE(std::string(e.what()).find("400"), std::string::npos) << e.what();
  }
}

TEST(PrepareColumns, RefusesANonFiniteVertexNamingTheFidWithoutAnId) {
  auto roads = sample();
  roads[2].geometry = {{{116.5, 31.7}, {std::nan(""), 31.7}}};
  EXPECT_THROW(network::prepare_segments(columns(roads), fixtures::projector()), GeometryError);
  try {
    network::prepare_segments(columns(roads), fixtures::projector());
  } catch (const GeometryError& e) {
    EXPECT_EQ(e.where().feature, "fid 3");
  }
}

}  // namespace
