#include <gtest/gtest.h>

#include <limits>

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

}  // namespace
}  // namespace ruralnet::model
