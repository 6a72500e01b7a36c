// The with/without comparison on a hand-drawn network (village roads at the
// default 30 km/h, so a kilometre is 2 minutes):
//
//   V2 (4000,6000)         P2: V1 -> V2, 3 km, completed programme road
//   |
//   V1 (4000,3000) ---+    A: O -> (4000,0) -> V1, 7 km, existing road
//   P1 /              |    P1: O -> V1 diagonal, 5 km, completed programme road
//     /               |    P3: (4000,0) -> (4000,-1000), 1 km spur to nowhere
//   O (0,0) ----------+ (4000,0)
//                     | P3
//
// Without the programme V1 is 14 min from its township seat and county hub
// (both at O), with it 10 min; V2 is more than 2 km from any road without
// the programme (off the network) and 16 min away with it.
#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "ruralnet/roads/audit.hpp"

using namespace roadfix;

namespace {

model::Dataset hand_drawn() {
  using P = model::Program;
  using S = model::RoadStatus;
  model::Dataset ds;
  ds.path = "hand-drawn";
  ds.roads.push_back(road("A", {at(0, 0), at(4000, 0), at(4000, 3000)}));
  auto p1 = road("P1", {at(0, 0), at(4000, 3000)}, P::changtong, S::completed);
  p1.completed_on = Date(2018, 6, 1);
  auto p2 = road("P2", {at(4000, 3000), at(4000, 6000)}, P::kuomian, S::completed);
  p2.completed_on = Date(2018, 8, 1);
  auto p3 = road("P3", {at(4000, 0), at(4000, -1000)}, P::kuomian, S::completed);
  p3.completed_on = Date(2018, 9, 1);
  ds.roads.push_back(p1);
  ds.roads.push_back(p2);
  ds.roads.push_back(p3);
  for (auto [code, x, y] : {std::tuple{"341599001001", 4000.0, 3000.0}, std::tuple{"341599001002", 4000.0, 6000.0}}) {
    model::Village v;
    v.code = code;
    v.name = code;
    v.township_code = "341599001";
    v.location = at(x, y);
    ds.villages.push_back(v);
  }
  model::Facility hub, station;
  hub.id = "H";
  hub.tier = model::Tier::county_hub;
  hub.admin_code = "341599";
  hub.location = at(0, 0);
  station = hub;
  station.id = "T";
  station.tier = model::Tier::township_station;
  station.admin_code = "341599001";
  ds.facilities = {hub, station};
  return ds;
}

}  // namespace

TEST(RoadsAccess, WithAndWithoutTheCompletedProgramme) {
  roads::AuditOptions o;
  o.as_of = Date(2018, 12, 31);
  o.progress.quiet = true;
  const auto r = roads::audit(hand_drawn(), o);
  const auto& a = r.access;
  ASSERT_TRUE(a.computed);
  EXPECT_EQ(a.removed_segments, 3u);
  ASSERT_EQ(a.villages_list.size(), 2u);

  const auto& v1 = a.villages_list[0];
  EXPECT_TRUE(v1.reachable_with);
  EXPECT_TRUE(v1.reachable_without);
  ASSERT_TRUE(v1.township_with_min && v1.township_without_min);
  EXPECT_NEAR(*v1.township_with_min, 10.0, 0.01);
  EXPECT_NEAR(*v1.township_without_min, 14.0, 0.01);
  EXPECT_NEAR(*v1.hub_without_min - *v1.hub_with_min, 4.0, 0.01);

  const auto& v2 = a.villages_list[1];
  EXPECT_TRUE(v2.newly_connected());
  EXPECT_LT(v2.snap_without_m, 0.0);  // no node within 2 km without the programme
  ASSERT_TRUE(v2.township_with_min.has_value());
  EXPECT_NEAR(*v2.township_with_min, 16.0, 0.01);
  EXPECT_FALSE(v2.township_without_min.has_value());

  EXPECT_EQ(a.newly_connected, 1u);
  ASSERT_EQ(a.by_county.size(), 1u);
  EXPECT_EQ(a.by_county[0].code, "341599");
  EXPECT_EQ(a.by_county[0].newly_connected, 1u);
  EXPECT_EQ(a.by_county[0].township.count, 1u);
  EXPECT_NEAR(a.by_county[0].township.median_min, 4.0, 0.01);
  EXPECT_NEAR(a.by_county[0].hub.max_min, 4.0, 0.01);

  // P1 and P2 are on improved routes; the spur P3 changed nobody's access.
  EXPECT_TRUE(r.segments[1].changed_access);
  EXPECT_TRUE(r.segments[2].changed_access);
  EXPECT_FALSE(r.segments[3].changed_access);
  EXPECT_EQ(a.unused_segments, 1u);
  EXPECT_NEAR(a.unused_km, meridian_arc_m(at(4000, -1000).lat, 31.7) / 1000.0, 1e-6);
}

TEST(RoadsAccess, NothingChangesBeforeTheRoadsWereCompleted) {
  roads::AuditOptions o;
  o.as_of = Date(2018, 5, 1);  // before every completion date: nothing removed
  o.progress.quiet = true;
  const auto r = roads::audit(hand_drawn(), o);
  EXPECT_EQ(r.access.removed_segments, 0u);
  EXPECT_EQ(r.access.newly_connected, 0u);
  EXPECT_EQ(r.access.township.count, 0u);
  EXPECT_EQ(r.programme.building.segments, 3u);
}
