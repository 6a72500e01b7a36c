#include <gtest/gtest.h>

#include <limits>

#include "road_columns_of.hpp"
#include "ruralnet/model/dataset.hpp"

namespace ruralnet::model {
namespace {

Dataset small() {
  Dataset ds;
  ds.path = "a.gpkg";
  County c;
  c.code = "341522";
  ds.counties.push_back(c);
  Village v;
  v.code = "341522100001";
  v.name = "甲村";
  v.location = {116.1, 31.9};
  ds.villages.push_back(v);
  RoadSegment r;
  r.id = "R1";
  r.geometry = {{{116.0, 31.9}, {116.2, 31.9}}};
  ds.roads.push_back(r);
  Facility f;
  f.id = "S1";
  f.tier = Tier::township_station;
  f.location = {116.05, 31.9};
  ds.facilities.push_back(f);
  return ds;
}

TEST(Fingerprint, IsSixteenHexDigitsAndIgnoresThePath) {
  Dataset a = small();
  Dataset b = small();
  b.path = "/elsewhere/copy.gpkg";
  const std::string fa = fingerprint(a);
  EXPECT_EQ(fa.size(), 16u);
  EXPECT_EQ(fa.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(fa, fingerprint(b));
}

TEST(Fingerprint, ChangesWithWhatTheAnalysesRead) {
  const std::string base = fingerprint(small());
  Dataset moved = small();
  moved.villages[0].location.lon += 0.001;  // about 95 m
  EXPECT_NE(fingerprint(moved), base);
  Dataset renamed = small();
  renamed.villages[0].name = "乙村";
  EXPECT_NE(fingerprint(renamed), base);
  Dataset more = small();
  more.roads.push_back(more.roads[0]);
  more.roads[1].id = "R2";
  EXPECT_NE(fingerprint(more), base);
  Dataset retiered = small();
  retiered.facilities[0].tier = Tier::county_hub;
  EXPECT_NE(fingerprint(retiered), base);
}

TEST(Fingerprint, ToleratesRoundingBelowACentimetreAndNaN) {
  Dataset a = small();
  a.villages[0].location.lon += 1e-10;
  EXPECT_EQ(fingerprint(a), fingerprint(small()));
  Dataset n = small();
  n.villages[0].location.lat = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(fingerprint(n).size(), 16u);  // no undefined conversion of NaN
}

// The graph-only form of small()'s roads, plus a MultiLineString road, built
// by hand.
Dataset as_columns(const Dataset& full) {
  Dataset ds = full;
  ds.road_columns = testing::road_columns_of(full.roads);
  ds.roads.clear();
  ds.roads_graph_only = true;
  return ds;
}

Dataset with_more_roads() {
  Dataset ds = small();
  RoadSegment multi;
  multi.id = "R2";
  multi.geometry = {{{116.2, 31.9}, {116.2, 31.9}, {116.3, 32.0}}, {{116.3, 32.0}, {116.4, 32.0}}};
  ds.roads.push_back(multi);
  RoadSegment none;  // a road whose geometry could not be read
  none.id = "R3";
  ds.roads.push_back(none);
  return ds;
}

TEST(Fingerprint, IsTheSameForRoadsReadInFullOrGraphOnly) {
  EXPECT_EQ(fingerprint(as_columns(small())), fingerprint(small()));
  const Dataset full = with_more_roads();
  const Dataset cols = as_columns(full);
  EXPECT_EQ(cols.road_columns.size(), 3u);
  EXPECT_EQ(fingerprint(cols), fingerprint(full));
  EXPECT_NE(fingerprint(cols), fingerprint(small()));
  // What the digest reads of the roads, changed in the columns, changes it.
  Dataset moved = cols;
  moved.road_columns.lonlat.back().lat += 0.001;  // the last part's end
  EXPECT_NE(fingerprint(moved), fingerprint(full));
  Dataset renamed = cols;
  renamed.road_columns.id[1] = "R9";
  EXPECT_NE(fingerprint(renamed), fingerprint(full));
  // A repeated vertex counts in the part's size, as read.
  Dataset thinner = full;
  thinner.roads[1].geometry[0].erase(thinner.roads[1].geometry[0].begin() + 1);
  EXPECT_NE(fingerprint(as_columns(thinner)), fingerprint(full));
  EXPECT_EQ(fingerprint(as_columns(thinner)), fingerprint(thinner));
}

TEST(Fingerprint, ReadFingerprintStandsForTheDatasetOnceSet) {
  // What io::read_dataset records is returned as it is, so that an analysis
  // can release its roads after building the graph and still name the data.
  Dataset ds = small();
  const std::string computed = fingerprint(ds);
  ds.read_fingerprint = computed;
  ds.roads.clear();
  EXPECT_EQ(fingerprint(ds), computed);
  ds.read_fingerprint.clear();
  EXPECT_NE(fingerprint(ds), computed);
}

}  // namespace
}  // namespace ruralnet::model
