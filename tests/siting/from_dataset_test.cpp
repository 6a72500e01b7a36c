// The dataset -> instance path of `ruralnet site` on a hand-drawn county pair
// (tests/data/siting/tiny): one county road R1 along 31.05N from 116.00E to
// 116.10E (50 km/h), five villages and five outlets on it, a sixth of each
// 0.15 degrees north, off the network.
//
//   village  lon      county  population  flags         outlet  lon
//   V1       116.000  东县     100                        O1      116.000  shop, EMS
//   V2       116.020  东县     200         poor          O2      116.020  poverty_post, EMS;ZTO
//   V3       116.045  东县     600                        O3      116.045  shop, 3 carriers
//   V4       116.080  西县     400         flood zone    O4      116.065  bus_stop, ZTO (serves V4)
//   V5       116.100  西县     500                        O5      116.100  shop, EMS;ZTO
//   V6       116.08/31.2 西县  50          poor          O6      off the network
//
// With T = 3 min (0.0262 degrees at 50 km/h) the outlets cover:
//   O1 {V1,V2}  O2 {V1,V2,V3}  O3 {V2,V3}  O4 {V3,V4}  O5 {V4,V5}
// Weights (poor x2, flood x1.5): V1 100, V2 400, V3 600, V4 600, V5 500.
#include <gtest/gtest.h>

#include <algorithm>

#include "ruralnet/core/error.hpp"
#include "ruralnet/geo/geodesic.hpp"
#include "ruralnet/io/read.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/quota/plan.hpp"
#include "ruralnet/siting/plan.hpp"

namespace {

using namespace ruralnet;
using namespace ruralnet::siting;

struct Tiny {
  model::Dataset ds;
  network::DatasetGraph g;
};

const Tiny& tiny() {
  static const Tiny t = [] {
    Tiny x;
    io::ReadOptions ro;
    ro.dataset = std::string(RURALNET_TEST_DATA) + "/siting/tiny";
    x.ds = io::read_dataset(ro, ProgressSettings{true});
    x.g = network::build_dataset_graph(x.ds, network::BuildOptions{}, ProgressSettings{true});
    return x;
  }();
  return t;
}

SitingOptions base(double t = 3.0) {
  SitingOptions o;
  o.progress = ProgressSettings{true};
  o.time_min = t;
  LevelSpec p;
  p.level = Level::provincial;
  p.quotas = {{"341591", 1}};
  p.sites = 1;
  LevelSpec m;
  m.level = Level::municipal;
  m.quotas = {{"341592", 1}};
  m.sites = 1;
  o.levels = {p, m};
  return o;
}

int cand(const SitingInput& in, const std::string& id) {
  for (std::size_t j = 0; j < in.candidates.size(); ++j)
    if (in.candidates[j].id == id) return static_cast<int>(j);
  return -1;
}

std::vector<std::string> ids(const SitingInput& in) {
  std::vector<std::string> v;
  for (const auto& c : in.candidates) v.push_back(c.id);
  return v;
}

// Minutes at 50 km/h along the parallel between two longitudes, measured
// independently of the network code.
double road_min(double lon_a, double lon_b) {
  return geo::geodesic_distance({lon_a, 31.05}, {lon_b, 31.05}).value() / (50000.0 / 60.0);
}

double reach_of(const SitingInput& in, const std::string& site, std::size_t village) {
  const int j = cand(in, site);
  for (const auto& e : in.reach[j])
    if (static_cast<std::size_t>(e.demand) == village) return e.cost_min;
  return -1;
}

TEST(SitingDataset, DemandWeightsUseTheMultipliers) {
  const auto& t = tiny();
  SitingInput in = prepare(t.ds, t.g.table, t.g.built, base());
  ASSERT_EQ(in.demand.size(), 6u);
  EXPECT_DOUBLE_EQ(in.demand[0].weight, 100);
  EXPECT_DOUBLE_EQ(in.demand[1].weight, 400);  // poor x2
  EXPECT_DOUBLE_EQ(in.demand[3].weight, 600);  // flood zone x1.5
  EXPECT_DOUBLE_EQ(in.demand[5].weight, 100);  // poor x2, off the network
  EXPECT_EQ(in.demand[3].county_code, "341592");
  SitingOptions o = base();
  o.poor_weight = 3;
  o.flood_weight = 1;
  in = prepare(t.ds, t.g.table, t.g.built, o);
  EXPECT_DOUBLE_EQ(in.demand[1].weight, 600);
  EXPECT_DOUBLE_EQ(in.demand[3].weight, 400);
}

TEST(SitingDataset, NetworkTimesMatchTheRoad) {
  const auto& t = tiny();
  const SitingInput in = prepare(t.ds, t.g.table, t.g.built, base());
  // Everything lies on the road: the access legs are ~1 m (the geodesic bows).
  EXPECT_NEAR(reach_of(in, "O2", 2), road_min(116.02, 116.045), 0.01);
  EXPECT_NEAR(reach_of(in, "O2", 0), road_min(116.0, 116.02), 0.01);
  EXPECT_EQ(reach_of(in, "O4", 4), -1);  // 0.035 degrees: beyond T
  EXPECT_NEAR(reach_of(in, "O5", 3), road_min(116.08, 116.1), 0.01);
  EXPECT_NEAR(reach_of(in, "O3", 2), 0.0, 0.01);
  // Coverage sets within T = 3 min.
  const auto covered = [&](const std::string& s) {
    std::vector<int> v;
    for (const auto& e : in.reach[cand(in, s)]) v.push_back(e.demand);
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(covered("O1"), (std::vector<int>{0, 1}));
  EXPECT_EQ(covered("O2"), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(covered("O4"), (std::vector<int>{2, 3}));
  EXPECT_EQ(covered("O5"), (std::vector<int>{3, 4}));
}

TEST(SitingDataset, OffNetworkPointsAreReportedNotDropped) {
  const auto& t = tiny();
  const SitingInput in = prepare(t.ds, t.g.table, t.g.built, base());
  EXPECT_EQ(ids(in), (std::vector<std::string>{"O1", "O2", "O3", "O4", "O5"}));  // the station is no candidate
  const auto has = [&](const std::string& layer, const std::string& id, const std::string& reason) {
    return std::any_of(in.left_out.begin(), in.left_out.end(),
                       [&](const LeftOut& l) { return l.layer == layer && l.id == id && l.reason == reason; });
  };
  EXPECT_TRUE(has("villages", "341592001006", "beyond_max_snap"));
  EXPECT_TRUE(has("facilities", "O6", "beyond_max_snap"));
  EXPECT_FALSE(in.demand[5].on_network);
}

TEST(SitingDataset, CandidateFilters) {
  const auto& t = tiny();
  SitingOptions o = base();
  o.colocated = {"shop"};
  o.levels[0].quotas.clear();
  o.levels[1].quotas.clear();
  EXPECT_EQ(ids(prepare(t.ds, t.g.table, t.g.built, o)), (std::vector<std::string>{"O1", "O3", "O5"}));
  o.colocated = {"shop", "bus_stop"};
  o.min_carriers = 2;
  EXPECT_EQ(ids(prepare(t.ds, t.g.table, t.g.built, o)), (std::vector<std::string>{"O3", "O5"}));
  o = base();
  o.exclude = {"O2"};
  EXPECT_EQ(ids(prepare(t.ds, t.g.table, t.g.built, o)), (std::vector<std::string>{"O1", "O3", "O4", "O5"}));
  o.exclude = {"O9"};
  EXPECT_THROW(prepare(t.ds, t.g.table, t.g.built, o), UsageError);
  o = base();
  o.candidates = CandidateKind::villages;
  const SitingInput v = prepare(t.ds, t.g.table, t.g.built, o);
  EXPECT_EQ(v.candidates.size(), 5u);  // V6 is off the network
  EXPECT_EQ(v.candidates[1].id, "341591001002");
  EXPECT_EQ(v.candidates[1].colocated, "poverty_post");  // from its outlet O2
}

TEST(SitingDataset, TwoLevelsMunicipalAddsToProvincial) {
  const auto& t = tiny();
  const SitingResult r = site(t.ds, t.g.table, t.g.built, base());
  ASSERT_EQ(r.levels.size(), 2u);
  const auto& in = r.input;
  // Provincial, one site in 东县: O2 covers V1 V2 V3 = 1100.
  EXPECT_EQ(r.levels[0].solution.sites, (std::vector<int>{cand(in, "O2")}));
  EXPECT_NEAR(r.levels[0].solution.objective, 1100, 1e-6);
  EXPECT_LE(r.levels[0].solution.gap, 1e-6);
  // Municipal, one site in 西县 added to O2: O5 adds V4 V5 (1100), O4 only
  // V4 (600) -- alone O4 (1200) would beat O5 (1100).
  ASSERT_EQ(r.levels[1].solution.sites.size(), 2u);
  EXPECT_NEAR(r.levels[1].solution.objective, 2200, 1e-6);
  EXPECT_NEAR(r.levels[1].covered_demand, 2200, 1e-6);
  EXPECT_NEAR(r.levels[1].total_demand, 2300, 1e-6);  // V6 weighs 100 and is off the network
  ASSERT_EQ(r.sites.size(), 2u);
  EXPECT_EQ(in.candidates[r.sites[1].candidate].id, "O5");
  EXPECT_EQ(r.sites[1].level, Level::municipal);
  EXPECT_NEAR(r.sites[1].marginal_gain, 1100, 1e-6);
  EXPECT_EQ(r.sites[0].poor_villages_covered, 1);  // V2
  // County status: 4 rows (2 counties x 2 levels), every quota met.
  ASSERT_EQ(r.counties.size(), 4u);
  for (const auto& c : r.counties) EXPECT_TRUE(c.met);
  const auto& east_prov = r.counties[0];
  EXPECT_EQ(east_prov.county_code, "341591");
  EXPECT_EQ(east_prov.county_name, "东县");
  EXPECT_EQ(east_prov.chosen, 1);
  EXPECT_NEAR(east_prov.covered_demand, 1100, 1e-6);
  EXPECT_EQ(east_prov.poor_villages_covered, 1);
  // The exact backend agrees.
  SitingOptions o = base();
  o.exact = true;
  const SitingResult e = site(t.ds, t.g.table, t.g.built, o);
  EXPECT_NEAR(e.levels[1].solution.objective, 2200, 1e-6);
  EXPECT_TRUE(e.levels[1].solution.proven_optimal);
}

TEST(SitingDataset, AssignmentGoesToTheNearestSite) {
  const auto& t = tiny();
  const SitingResult r = site(t.ds, t.g.table, t.g.built, base());
  int municipal_rows = 0;
  for (const auto& a : r.assignment) {
    if (a.level != Level::municipal) continue;
    ++municipal_rows;
    const std::string site_id = r.input.candidates[a.candidate].id;
    if (a.demand <= 2) EXPECT_EQ(site_id, "O2");
    else EXPECT_EQ(site_id, "O5");
    EXPECT_TRUE(a.covered);
  }
  EXPECT_EQ(municipal_rows, 5);
}

TEST(SitingDataset, DesignatedOutletsAreFixedUnlessIgnored) {
  const auto& t = tiny();
  model::Dataset ds = t.ds;
  ds.facilities[0].model_level = model::ModelLevel::provincial;  // O1
  SitingResult r = site(ds, t.g.table, t.g.built, base());
  EXPECT_EQ(r.levels[0].solution.sites, (std::vector<int>{0}));
  EXPECT_EQ(r.levels[0].designated, 1);
  EXPECT_TRUE(r.sites[0].designated);
  SitingOptions o = base();
  o.use_designated = false;
  r = site(ds, t.g.table, t.g.built, o);
  EXPECT_EQ(r.levels[0].solution.sites, (std::vector<int>{1}));  // O2 again
}

TEST(SitingDataset, SpacingKeepsChosenSitesApart) {
  const auto& t = tiny();
  SitingOptions o = base();
  o.spacing_m = 2500;  // O1-O2 1909 m, O2-O3 2386 m, O3-O4 1909 m apart; O1-O3 4295 m
  o.levels.resize(1);
  o.levels[0].quotas = {{"341591", 2}};
  o.levels[0].sites = 2;
  const SitingResult r = site(t.ds, t.g.table, t.g.built, o);
  EXPECT_EQ(r.input.conflicts, (std::vector<std::pair<int, int>>{{0, 1}, {1, 2}, {2, 3}}));
  // The greedy start (O2, the best) leaves no second site; CBC finds O1 + O3.
  EXPECT_EQ(r.levels[0].solution.sites, (std::vector<int>{0, 2}));
  // Three sites in 东县 cannot be 2500 m apart.
  o.levels[0].quotas = {{"341591", 3}};
  o.levels[0].sites = 3;
  EXPECT_THROW(site(t.ds, t.g.table, t.g.built, o), RunError);
  // At 10 km the three lie within 4.3 km, at most two cells of 7.07 km: the
  // room check names the county before any search.
  o.spacing_m = 10000;
  try {
    site(t.ds, t.g.table, t.g.built, o);
    FAIL() << "no error";
  } catch (const RunError& e) {
    EXPECT_NE(std::string(e.what()).find("leaves room for at most"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("东县 (341591)"), std::string::npos) << e.what();
  }
}

TEST(SitingDataset, QuotaBeyondTheCandidatesNamesTheCounty) {
  const auto& t = tiny();
  SitingOptions o = base();
  o.levels[0].quotas = {{"341591", 4}};
  o.levels[0].sites = 4;
  try {
    site(t.ds, t.g.table, t.g.built, o);
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("东县 (341591)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("provincial"), std::string::npos) << e.what();
  }
  o = base();
  o.levels[0].quotas = {{"341599", 1}};  // a county without candidates
  EXPECT_THROW(site(t.ds, t.g.table, t.g.built, o), UsageError);
}

TEST(SitingDataset, BadOptions) {
  const auto& t = tiny();
  SitingOptions o = base();
  o.time_min = 0;
  EXPECT_THROW(check_options(o), UsageError);
  o = base();
  o.capacity = 500;  // V4 and V2 weigh 600 and 400
  try {
    site(t.ds, t.g.table, t.g.built, o);
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("341591001003"), std::string::npos) << e.what();  // V3, the first of weight 600
  }
  EXPECT_FALSE(parse_objective("k-means"));
  EXPECT_EQ(parse_objective("p-median"), Objective::p_median);
  o = base();
  o.levels = {base().levels[1], base().levels[0]};
  EXPECT_THROW(check_options(o), UsageError);
}

TEST(SitingDataset, CapacitySplitsTheLargestSite) {
  const auto& t = tiny();
  SitingOptions o = base();
  o.capacity = 700;
  o.levels.resize(1);
  o.levels[0].quotas = {{"341591", 1}};
  o.levels[0].sites = 1;
  const SitingResult r = site(t.ds, t.g.table, t.g.built, o);
  // O2 would cover 1100 but serves at most 700; O3 covers 1000 (V2 V3), also capped at 700.
  EXPECT_NEAR(r.levels[0].solution.objective, 700, 1e-6);
  EXPECT_NEAR(r.levels[0].covered_demand, 700, 1e-6);
}

TEST(SitingDataset, QuotasFromThePlan) {
  const quota::Plan plan = quota::load_plan(std::string(RURALNET_TEST_DATA) + "/../../data/plans/luan-2018.json");
  const LevelSpec p = level_from_plan(plan, Level::provincial);
  EXPECT_EQ(p.city_target, 45);
  EXPECT_EQ(p.quotas.at("341522"), 8);  // Huoqiu
  EXPECT_EQ(p.quotas.at("341504"), 3);  // Yeji
  const LevelSpec m = level_from_plan(plan, Level::municipal);
  EXPECT_EQ(m.city_target, 89);
  EXPECT_EQ(m.quotas.at("341502"), 12);  // Jin'an
  EXPECT_EQ(m.quotas.at("341524"), 16);  // Jinzhai
  const auto& t = tiny();
  EXPECT_EQ(resolve_county("Jinzhai", t.ds, &plan), "341524");
  EXPECT_EQ(resolve_county("霍山县", t.ds, &plan), "341525");
  EXPECT_EQ(resolve_county("西县", t.ds, &plan), "341592");
  EXPECT_THROW(resolve_county("Atlantis", t.ds, &plan), UsageError);
}

}  // namespace
