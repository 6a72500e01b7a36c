// The demo dataset's planted road defects (its manifest) are exactly what
// the audit finds: every mis-declared length, duplicated segment and gap, and
// no other finding of those kinds.
#include <gtest/gtest.h>

#include <set>

#include "ruralnet/roads/audit.hpp"
#include "ruralnet/synth/synth.hpp"

using namespace ruralnet;

TEST(RoadsOnDemo, FindsExactlyThePlantedDefects) {
  const synth::Tile tile = synth::generate_tile(1, synth::Scale::luan, 0);
  std::map<std::string, std::set<std::string>> planted;
  std::map<std::string, std::string> copy_of;
  for (const auto& d : tile.defects) {
    if (d.check != "roads") continue;
    planted[d.kind].insert(d.feature_id);
    if (d.kind == "duplicate_segment") copy_of[d.feature_id] = d.details.at("copy_of").get<std::string>();
  }
  ASSERT_FALSE(planted.empty());

  roads::AuditOptions o;
  o.as_of = Date(2018, 12, 31);
  o.progress.quiet = true;
  o.compare_access = false;
  const roads::AuditResult r = roads::audit(tile.data, o);
  std::map<std::string, std::set<std::string>> found;
  for (const auto& f : r.findings) {
    found[f.kind].insert(f.segment_id);
    if (f.kind == "duplicate") {
      EXPECT_EQ(copy_of[f.segment_id], f.other_id) << f.segment_id;
    }
  }
  EXPECT_EQ(found["length_mismatch"], planted["mis_declared_length"]);
  EXPECT_EQ(found["duplicate"], planted["duplicate_segment"]);
  EXPECT_EQ(found["gap"], planted["gap"]);
}
