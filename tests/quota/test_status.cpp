// Statuses on hand-made progress files before, at and after a deadline, the
// city roll-up, the views, and figures from the map and --derived.
#include <gtest/gtest.h>

#include <fstream>

#include "ruralnet/core/error.hpp"
#include "ruralnet/io/table.hpp"
#include "ruralnet/quota/status.hpp"

using namespace ruralnet;
using namespace ruralnet::quota;

namespace {

std::string fixture(const std::string& name) { return std::string(RURALNET_TEST_DATA) + "/quota/" + name; }
const Plan& plan() {
  static const Plan p = load_plan(fixture("fictional-plan.json"));
  return p;
}
QuotaResult at(const Date& d, const std::vector<DerivedFigure>& derived = {}) {
  static const io::Table t = io::read_table(fixture("progress-basic.csv"));
  return compute_quota(plan(), read_progress(t, plan(), d), derived, d);
}
const Row& row(const QuotaResult& r, const std::string& county, const std::string& ind) {
  for (const auto& x : r.rows)
    if (x.county_code == county && x.indicator == ind) return x;
  for (const auto& x : r.city_rows)
    if (x.county_code == county && x.indicator == ind) return x;
  throw std::runtime_error("no row " + county + " " + ind);
}

}  // namespace

TEST(StatusRule, Order) {
  const Date dl(2020, 6, 30);
  EXPECT_EQ(status_for(10, std::nullopt, 0.5, Date(2020, 7, 1), dl), Status::no_data);
  EXPECT_EQ(status_for(10, 10, 0.5, Date(2020, 7, 1), dl), Status::met);
  EXPECT_EQ(status_for(10, 12, 0.1, Date(2020, 1, 1), dl), Status::met);
  EXPECT_EQ(status_for(10, 9, 1.0, Date(2020, 7, 1), dl), Status::overdue);
  EXPECT_EQ(status_for(10, 9, 1.0, dl, dl), Status::behind);     // at the deadline: not yet overdue
  EXPECT_EQ(status_for(10, 4, 0.5, Date(2020, 3, 1), dl), Status::behind);
  EXPECT_EQ(status_for(10, 5, 0.5, Date(2020, 3, 1), dl), Status::on_track);  // exactly on pace
  EXPECT_EQ(status_for(0, 0, 0.5, Date(2020, 3, 1), dl), Status::met);
}

// Hand-worked: trained_farmers T1 2020-01-01..2020-12-31 (365 days), model_shops
// T2 ..2020-06-30 (181 days), cold_stores milestones 0.5 at 2020-06-30.
TEST(Statuses, BeforeTheDeadline) {
  const QuotaResult r = at(Date(2020, 4, 1));
  // 10 of 50 = 0.2 < 91/365 = 0.249
  EXPECT_EQ(row(r, "990101", "trained_farmers").status, Status::behind);
  EXPECT_NEAR(*row(r, "990101", "trained_farmers").share, 0.2, 1e-12);
  EXPECT_NEAR(row(r, "990101", "trained_farmers").expected_share, 91.0 / 365.0, 1e-12);
  EXPECT_EQ(row(r, "990102", "trained_farmers").status, Status::no_data);
  // 1 of 3 = 0.333 < 91/181 = 0.503
  EXPECT_EQ(row(r, "990101", "model_shops").status, Status::behind);
  EXPECT_EQ(row(r, "990101", "model_shops").days_to_deadline, 90);
  EXPECT_EQ(row(r, "990100", "cold_stores").status, Status::no_data);
  // City: 10 of 100 = 0.1 < 0.249, one county of three reporting.
  const Row& city = row(r, "990100", "trained_farmers");
  EXPECT_TRUE(city.city);
  EXPECT_DOUBLE_EQ(*city.actual, 10);
  EXPECT_EQ(city.counties_reporting, 1u);
  EXPECT_EQ(city.counties_total, 3u);
  EXPECT_EQ(city.status, Status::behind);
}

TEST(Statuses, AtTheDeadline) {
  const QuotaResult r = at(Date(2020, 6, 30));
  EXPECT_EQ(row(r, "990101", "trained_farmers").status, Status::on_track);  // 0.6 >= 181/365
  EXPECT_EQ(row(r, "990102", "trained_farmers").status, Status::met);       // 30 of 30
  EXPECT_EQ(row(r, "990103", "trained_farmers").status, Status::behind);    // 0.25 < 0.496
  EXPECT_EQ(row(r, "990101", "model_shops").status, Status::met);           // 3 of 3
  EXPECT_EQ(row(r, "990102", "model_shops").status, Status::behind);        // 1 of 2 on the day itself
  EXPECT_EQ(row(r, "990103", "model_shops").status, Status::no_data);
  EXPECT_EQ(row(r, "990102", "model_shops").days_to_deadline, 0);
  EXPECT_EQ(row(r, "990100", "cold_stores").status, Status::behind);  // 0.25 < milestone 0.5
  EXPECT_EQ(row(r, "990100", "cold_stores").actual_from, "report");
  const Row& city = row(r, "990100", "trained_farmers");
  EXPECT_DOUBLE_EQ(*city.actual, 65);  // 30 + 30 + 5
  EXPECT_EQ(city.status, Status::on_track);
  EXPECT_EQ(row(r, "990100", "model_shops").status, Status::behind);  // 4 of 6
}

TEST(Statuses, AfterTheDeadline) {
  const QuotaResult r = at(Date(2020, 7, 15));
  EXPECT_EQ(row(r, "990102", "model_shops").status, Status::overdue);
  EXPECT_EQ(row(r, "990102", "model_shops").days_to_deadline, -15);
  EXPECT_EQ(row(r, "990101", "model_shops").status, Status::met);
  EXPECT_EQ(row(r, "990103", "model_shops").status, Status::no_data);
  EXPECT_EQ(row(r, "990100", "model_shops").status, Status::overdue);  // 4 of 6 city-wide
  EXPECT_EQ(row(r, "990101", "trained_farmers").status, Status::on_track);  // 0.6 >= 196/365
  EXPECT_NEAR(row(r, "990100", "cold_stores").expected_share, 0.5 + 0.5 * 15.0 / 184.0, 1e-12);
  EXPECT_EQ(row(r, "990100", "cold_stores").status, Status::behind);
}

TEST(Views, ByLeadUnitAndByDeadline) {
  const QuotaResult r = at(Date(2020, 6, 30));
  ASSERT_EQ(r.by_unit.size(), 3u);  // trade, agri, counties in plan order
  EXPECT_EQ(r.by_unit[0].unit, "trade");
  EXPECT_EQ(r.by_unit[0].indicators, (std::vector<std::string>{"model_shops", "cold_stores"}));
  EXPECT_EQ(r.by_unit[0].county_status.at(Status::met), 1u);
  EXPECT_EQ(r.by_unit[0].county_status.at(Status::behind), 1u);
  EXPECT_EQ(r.by_unit[0].county_status.at(Status::no_data), 1u);
  EXPECT_EQ(r.by_unit[1].unit, "agri");
  EXPECT_EQ(r.by_unit[2].unit, "counties");
  ASSERT_EQ(r.by_deadline.size(), 2u);
  EXPECT_EQ(r.by_deadline[0].deadline, Date(2020, 6, 30));
  EXPECT_EQ(r.by_deadline[0].tasks, std::vector<std::string>{"T2"});
  EXPECT_EQ(r.by_deadline[0].indicators, std::vector<std::string>{"model_shops"});
  EXPECT_EQ(r.by_deadline[1].tasks, (std::vector<std::string>{"T1", "T3"}));
  EXPECT_EQ(r.by_deadline[1].days_to_deadline, 184);
}

TEST(MapFigures, CountedByCountyPrefix) {
  model::Dataset ds;
  ds.layers["facilities"].present = true;
  auto fac = [&](const std::string& id, const std::string& admin, model::ModelLevel l) {
    model::Facility f;
    f.id = id;
    f.admin_code = admin;
    f.model_level = l;
    ds.facilities.push_back(f);
  };
  fac("F1", "990101001002", model::ModelLevel::provincial);
  fac("F2", "990101003", model::ModelLevel::provincial);
  fac("F3", "990101", model::ModelLevel::provincial);
  fac("F4", "990101001001", model::ModelLevel::municipal);  // other level
  fac("F5", "990102001001", model::ModelLevel::none);
  fac("F6", "990199001001", model::ModelLevel::provincial);  // no such county
  Issues issues;
  const auto figs = derive_from_dataset(plan(), ds, issues);
  ASSERT_EQ(figs.size(), 3u);  // one per county for model_shops
  for (const auto& f : figs) {
    EXPECT_EQ(f.indicator, "model_shops");
    EXPECT_EQ(f.origin, "map");
    EXPECT_DOUBLE_EQ(f.value, f.county_code == "990101" ? 3.0 : 0.0) << f.county_code;
  }
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "map_feature_outside");
  EXPECT_NE(issues[0].where.find("F6"), std::string::npos);

  // Reported 3 for 990101 (agrees), 1 for 990102 (map 0: a finding); 990103
  // has no report, so the map's 0 fills in.
  const QuotaResult r = at(Date(2020, 6, 30), figs);
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].kind, "map_disagrees");
  EXPECT_EQ(r.issues[0].where, "line 8");
  EXPECT_NE(r.issues[0].message.find("map holds 0"), std::string::npos);
  EXPECT_DOUBLE_EQ(*row(r, "990102", "model_shops").derived_value, 0);
  EXPECT_DOUBLE_EQ(*row(r, "990102", "model_shops").actual, 1);
  EXPECT_EQ(row(r, "990103", "model_shops").actual_from, "map");
  EXPECT_EQ(row(r, "990103", "model_shops").status, Status::behind);  // 0 of 1 on the deadline
}

TEST(MapFigures, VillagesAndAbsentLayers) {
  // A plan whose indicator counts provincial model villages.
  auto j = nlohmann::json::parse(std::ifstream(fixture("fictional-plan.json")));
  j["indicators"][1]["map"] = {{"layer", "villages"}, {"model_level", "provincial"}};
  const Plan p = parse_plan(j, "p.json");
  model::Dataset ds;
  ds.layers["villages"].present = true;
  for (const char* code : {"990102001001", "990102001002", "990103002001"}) {
    model::Village v;
    v.code = code;
    v.model_level = model::ModelLevel::provincial;
    ds.villages.push_back(v);
  }
  Issues issues;
  auto figs = derive_from_dataset(p, ds, issues);
  std::map<std::string, double> by;
  for (const auto& f : figs) by[f.county_code] = f.value;
  EXPECT_DOUBLE_EQ(by["990101"], 0);
  EXPECT_DOUBLE_EQ(by["990102"], 2);
  EXPECT_DOUBLE_EQ(by["990103"], 1);
  EXPECT_TRUE(issues.empty());
  model::Dataset none;
  none.layers["villages"].present = false;
  issues.clear();
  EXPECT_TRUE(derive_from_dataset(p, none, issues).empty());
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "map_layer_absent");
}

TEST(DerivedFile, CompareAndFillIn) {
  Issues issues;
  const auto figs = load_derived(fixture("derived.json"), plan(), issues);
  ASSERT_EQ(figs.size(), 3u);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "unknown_county");  // 990177
  const QuotaResult r = at(Date(2020, 6, 30), figs);
  // 990102 reports 30, derived 30.4 within tolerance 0.5: agrees. 990103
  // reports 5, derived 9: a finding. The city reports 1 cold store, derived 2.
  ASSERT_EQ(r.issues.size(), 2u);
  EXPECT_EQ(r.issues[0].kind, "derived_disagrees");
  EXPECT_EQ(r.issues[0].where, "line 5");
  EXPECT_EQ(r.issues[1].where, "line 9");
  EXPECT_DOUBLE_EQ(*row(r, "990103", "trained_farmers").actual, 5);
  EXPECT_DOUBLE_EQ(*row(r, "990103", "trained_farmers").derived_value, 9);
}

TEST(DerivedFile, Unusable) {
  Issues issues;
  EXPECT_THROW(parse_derived(nlohmann::json::parse(R"({"figures":[]})"), "d.json", plan(), issues), InputError);
  EXPECT_THROW(parse_derived(nlohmann::json::parse(R"({"indicators":[{"county_code":"990101","indicator":"x"}]})"), "d.json", plan(), issues),
               InputError);
  EXPECT_THROW(parse_derived(nlohmann::json::parse(R"({"indicators":[{"county_code":990101,"indicator":"x","value":1}]})"), "d.json",
                             plan(), issues),
               InputError);
}

TEST(DerivedFile, CityOnlyIndicatorFromCounties) {
  // No city figure for cold_stores: county figures are summed.
  const std::vector<DerivedFigure> figs = {{"990101", "cold_stores", 1, "a", 0, "derived"},
                                           {"990103", "cold_stores", 2, "b", 0, "derived"}};
  const QuotaResult r = at(Date(2020, 4, 1), figs);
  const Row& city = row(r, "990100", "cold_stores");
  EXPECT_DOUBLE_EQ(*city.actual, 3);
  EXPECT_EQ(city.actual_from, "sum_of_counties");
  EXPECT_EQ(city.counties_reporting, 2u);
  EXPECT_EQ(city.status, Status::on_track);  // 0.75 >= 0.5 * 91/181
}
