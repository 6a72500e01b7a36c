// The plan file: parsing, the Lu'an plan's figures against the plan text, and
// the consistency checks of `plan check`.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "ruralnet/core/error.hpp"
#include "ruralnet/quota/plan.hpp"

using namespace ruralnet;
using namespace ruralnet::quota;

namespace {

std::string fixture(const std::string& name) { return std::string(RURALNET_TEST_DATA) + "/quota/" + name; }
std::string luan() { return std::string(RURALNET_TEST_DATA) + "/../../data/plans/luan-2018.json"; }

bool has_issue(const Issues& is, const std::string& kind, const std::string& where, Severity s) {
  return std::any_of(is.begin(), is.end(), [&](const Issue& i) { return i.kind == kind && i.where == where && i.severity == s; });
}

nlohmann::json fictional_json() {
  std::ifstream f(fixture("fictional-plan.json"));
  return nlohmann::json::parse(f);
}

std::string input_error_text(const nlohmann::json& j) {
  try {
    parse_plan(j, "p.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(LuanPlan, HoldsTheAnnexAndTheTargets) {
  const Plan p = load_plan(luan());
  EXPECT_EQ(p.counties.size(), 7u);
  EXPECT_EQ(p.tasks.size(), 18u);
  EXPECT_EQ(p.indicators.size(), 16u);
  EXPECT_EQ(p.start, Date(2018, 1, 1));
  // Deadlines from the annex: task 15 by 2018-07-31, task 18 by 2019-03-31, the rest 2018-12-31.
  EXPECT_EQ(p.task("15")->deadline, Date(2018, 7, 31));
  EXPECT_EQ(p.task("18")->deadline, Date(2019, 3, 31));
  EXPECT_EQ(p.task("6")->deadline, Date(2018, 12, 31));
  EXPECT_EQ(p.task("6")->lead_units, std::vector<std::string>{"transport"});
  EXPECT_EQ(p.task("4")->lead_units, std::vector<std::string>{"postal_admin"});
  EXPECT_EQ(p.unit("transport")->name, "市交通运输局");
  // Quotas from the annex text (tasks 3, 7, 10, 11), read by hand.
  EXPECT_EQ(p.indicator("provincial_model_outlets")->quotas.at("341522"), 8);  // 霍邱县 8
  EXPECT_EQ(p.indicator("provincial_model_outlets")->quotas.at("341525"), 6);  // 霍山县 6
  EXPECT_EQ(p.indicator("provincial_model_outlets")->quotas.at("341504"), 3);  // 叶集区 3
  EXPECT_EQ(p.indicator("municipal_model_outlets")->quotas.at("341524"), 16);  // 金寨县 16
  EXPECT_EQ(p.indicator("provincial_model_villages")->quotas.at("341523"), 4); // 舒城县 4
  EXPECT_EQ(p.indicator("municipal_model_villages")->quotas.at("341504"), 2);  // 叶集区 2
  EXPECT_EQ(p.indicator("municipal_featured_towns")->quotas.at("341522"), 2);  // 霍邱县 2
  EXPECT_EQ(p.indicator("new_entities")->quotas.at("341502"), 110);            // 金安区 110
  EXPECT_EQ(p.indicator("new_entities")->quotas.at("341523"), 80);             // 舒城县 80
  EXPECT_EQ(p.indicator("training_person_times")->quotas.at("341504"), 700);   // 叶集区 700
  EXPECT_EQ(p.indicator("training_person_times")->quotas.at("341503"), 2500);  // 裕安区 2500
  EXPECT_DOUBLE_EQ(p.indicator("online_sales_yuan")->city_target, 6.5e9);
  EXPECT_TRUE(p.indicator("online_sales_yuan")->city_only());
  EXPECT_DOUBLE_EQ(p.indicator("rural_road_km")->city_target, 4451);
  EXPECT_EQ(p.deadline(*p.indicator("rural_road_km")), Date(2018, 12, 31));
  // Every indicator id of the shared vocabulary is there.
  for (const char* id : {"online_sales_yuan", "entities_over_10m", "brands_over_1m", "provincial_model_counties",
                         "provincial_featured_towns", "provincial_model_villages", "municipal_featured_towns",
                         "municipal_model_villages", "provincial_model_outlets", "municipal_model_outlets", "new_entities",
                         "provincial_model_enterprises", "sanpin_producers_online", "trademark_enterprises_online",
                         "training_person_times", "rural_road_km"})
    EXPECT_NE(p.indicator(id), nullptr) << id;
}

TEST(LuanPlan, ChecksCleanAndQuotasAddUp) {
  const Plan p = load_plan(luan());
  const PlanCheck c = check_plan(p);
  EXPECT_EQ(count(c.issues, Severity::error), 0u);
  EXPECT_EQ(count(c.issues, Severity::warning), 0u);
  std::size_t with_quotas = 0;
  for (const auto& s : c.sums) {
    EXPECT_TRUE(s.adds_up) << s.indicator;
    if (!s.city_only) {
      ++with_quotas;
      EXPECT_EQ(s.counties, 7u) << s.indicator;
    }
  }
  EXPECT_EQ(with_quotas, 12u);
  // The deadline of task 18 falls in the open-ended last phase.
  EXPECT_EQ(p.phase_at(Date(2019, 3, 31))->id, "improvement");
  EXPECT_EQ(p.phase_at(Date(2018, 7, 31))->id, "full_push");
}

TEST(Pacing, LinearFromStartToDeadline) {
  const Plan p = load_plan(fixture("fictional-plan.json"));
  const Indicator& farmers = *p.indicator("trained_farmers");  // 2020-01-01 .. 2020-12-31: 365 days
  const Indicator& shops = *p.indicator("model_shops");        // 2020-01-01 .. 2020-06-30: 181 days
  EXPECT_NEAR(p.expected_share(farmers, Date(2020, 7, 1)), 182.0 / 365.0, 1e-12);
  EXPECT_NEAR(p.expected_share(shops, Date(2020, 4, 1)), 91.0 / 181.0, 1e-12);
  EXPECT_DOUBLE_EQ(p.expected_share(shops, Date(2020, 6, 30)), 1.0);
  EXPECT_DOUBLE_EQ(p.expected_share(shops, Date(2020, 9, 1)), 1.0);
  EXPECT_DOUBLE_EQ(p.expected_share(shops, Date(2019, 12, 1)), 0.0);
  EXPECT_DOUBLE_EQ(p.expected_share(shops, Date(2020, 1, 1)), 0.0);
}

TEST(Pacing, ThroughMilestones) {
  const Plan p = load_plan(fixture("fictional-plan.json"));
  const Indicator& cold = *p.indicator("cold_stores");  // 0 at 2020-01-01, 0.5 at 2020-06-30, 1 at 2020-12-31
  EXPECT_NEAR(p.expected_share(cold, Date(2020, 4, 1)), 0.5 * 91.0 / 181.0, 1e-12);
  EXPECT_NEAR(p.expected_share(cold, Date(2020, 6, 30)), 0.5, 1e-12);
  EXPECT_NEAR(p.expected_share(cold, Date(2020, 7, 15)), 0.5 + 0.5 * 15.0 / 184.0, 1e-12);
}

TEST(PlanParse, FictionalPlanWorksLikeLuan) {
  const Plan p = load_plan(fixture("fictional-plan.json"));
  EXPECT_EQ(p.city.code, "990100");
  EXPECT_EQ(p.lead_units(*p.indicator("cold_stores")), std::vector<std::string>{"trade"});  // own lead units win
  EXPECT_EQ(p.lead_units(*p.indicator("trained_farmers")), (std::vector<std::string>{"counties", "agri"}));
  EXPECT_EQ(p.indicator("model_shops")->map_layer.value_or(""), "facilities");
  const PlanCheck c = check_plan(p);
  EXPECT_TRUE(c.issues.empty());
}

TEST(PlanParse, MissingFieldNamesTheJsonPath) {
  EXPECT_THROW(load_plan(fixture("plan-missing-field.json")), InputError);
  auto j = fictional_json();
  j["indicators"][1].erase("quotas");
  EXPECT_NE(input_error_text(j).find("indicators[1].quotas"), std::string::npos);
  j = fictional_json();
  j.erase("start");
  EXPECT_NE(input_error_text(j).find("'start'"), std::string::npos);
  j = fictional_json();
  j["counties"][2].erase("code");
  EXPECT_NE(input_error_text(j).find("counties[2].code"), std::string::npos);
}

TEST(PlanParse, DeadlineThatIsNotADate) {
  auto j = fictional_json();
  j["tasks"][1]["deadline"] = "2020-06-31";  // no such day
  EXPECT_NE(input_error_text(j).find("tasks[1].deadline"), std::string::npos);
  try {
    load_plan(fixture("plan-bad-deadline.json"));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tasks[1].deadline"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("2020年6月底"), std::string::npos);
  }
}

TEST(PlanParse, OtherUnusablePlans) {
  EXPECT_THROW(load_plan(fixture("plan-not-json.json")), InputError);
  EXPECT_THROW(load_plan(fixture("no-such-plan.json")), InputError);
  auto j = fictional_json();
  j["counties"][0]["code"] = 990101;  // a code as a number
  EXPECT_NE(input_error_text(j).find("counties[0].code"), std::string::npos);
  j = fictional_json();
  j["indicators"][2].erase("task");  // neither deadline nor task
  EXPECT_NE(input_error_text(j).find("indicators[2].deadline"), std::string::npos);
  j = fictional_json();
  j["indicators"][0]["quotas"]["990101"] = "50";
  EXPECT_NE(input_error_text(j).find("indicators[0].quotas.990101"), std::string::npos);
  j = fictional_json();
  j["schema"] = "ruralnet.plan/9";
  EXPECT_NE(input_error_text(j).find("schema"), std::string::npos);
}

TEST(PlanCheck, UnknownCountyIsAFindingNotACrash) {
  const Plan p = load_plan(fixture("plan-unknown-county.json"));
  const PlanCheck c = check_plan(p);
  EXPECT_TRUE(has_issue(c.issues, "unknown_county", "indicators[0].quotas.990199", Severity::error));
}

TEST(PlanCheck, QuotasThatDoNotAddUp) {
  const Plan p = load_plan(fixture("plan-not-adding-up.json"));  // 50 + 30 + 10 = 90 < 100
  const PlanCheck c = check_plan(p);
  EXPECT_TRUE(has_issue(c.issues, "quotas_below_target", "indicators[0].quotas", Severity::error));
  EXPECT_DOUBLE_EQ(c.sums[0].quota_sum, 90);
  EXPECT_FALSE(c.sums[0].adds_up);
  EXPECT_TRUE(c.sums[1].adds_up);
  auto j = fictional_json();
  j["indicators"][0]["quotas"]["990103"] = 25;  // 105 > 100: stricter, a warning
  const PlanCheck c2 = check_plan(parse_plan(j, "p.json"));
  EXPECT_TRUE(has_issue(c2.issues, "quotas_above_target", "indicators[0].quotas", Severity::warning));
  EXPECT_EQ(count(c2.issues, Severity::error), 0u);
}

TEST(PlanCheck, ReferencesIdsAndDeadlines) {
  const Plan p = load_plan(fixture("plan-findings.json"));
  const PlanCheck c = check_plan(p);
  EXPECT_TRUE(has_issue(c.issues, "duplicate_task", "tasks[3]", Severity::error));
  EXPECT_TRUE(has_issue(c.issues, "duplicate_indicator", "indicators[3]", Severity::error));
  EXPECT_TRUE(has_issue(c.issues, "unknown_unit", "tasks[1].lead_units[1]", Severity::error));
  EXPECT_TRUE(has_issue(c.issues, "deadline_outside_phases", "tasks[2].deadline", Severity::error));
  EXPECT_TRUE(has_issue(c.issues, "unknown_field", "indicators[0].deadine", Severity::warning));

  auto j = fictional_json();
  j["tasks"][0]["deadline"] = "2019-12-31";  // before the start
  j["indicators"][0]["task"] = "T9";
  j["indicators"][0]["deadline"] = "2020-12-01";
  j["counties"].push_back({{"code", "990101"}, {"name", "again"}});
  const PlanCheck c2 = check_plan(parse_plan(j, "p.json"));
  EXPECT_TRUE(has_issue(c2.issues, "deadline_before_start", "tasks[0].deadline", Severity::error));
  EXPECT_TRUE(has_issue(c2.issues, "unknown_task", "indicators[0].task", Severity::error));
  EXPECT_TRUE(has_issue(c2.issues, "duplicate_county", "counties[3]", Severity::error));
}

// When the plan's original text is at hand (it is optional reference data
// beside the repository), every task text of the plan file must be quoted
// from it verbatim.
TEST(LuanPlan, TaskTextsAreQuotedFromTheOriginal) {
  const std::string original = std::string(RURALNET_TEST_DATA) + "/../../../shared/seed/luan-rural-ecommerce-plan-2018.txt";
  std::ifstream f(original, std::ios::binary);
  if (!f) GTEST_SKIP() << "the plan's original text is not present";
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto squeeze = [](std::string s) {
    s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }), s.end());
    return s;
  };
  text = squeeze(text);
  const Plan p = load_plan(luan());
  for (const auto& t : p.tasks) EXPECT_NE(text.find(squeeze(t.text)), std::string::npos) << "task " << t.id;
  for (const auto& u : p.units) EXPECT_NE(text.find(u.name), std::string::npos) << u.id;
}
