// Route builder checks: hand-worked tiny instances, an exact enumeration on
// small random instances, the independent validator and the VRPLIB reader.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "ruralnet/core/error.hpp"
#include "ruralnet/frequency/vrp.hpp"

using namespace ruralnet;
using namespace ruralnet::frequency;

namespace {

// Depot at x=0 and customers at the given positions on a line; cost |xi - xj|.
VrpInstance line(const std::vector<double>& xs, const std::vector<double>& demand, double capacity) {
  VrpInstance in;
  in.name = "line";
  std::vector<double> pos{0.0};
  pos.insert(pos.end(), xs.begin(), xs.end());
  const std::size_t m = pos.size();
  in.cost.assign(m * m, 0.0);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < m; ++j) in.cost[i * m + j] = std::fabs(pos[i] - pos[j]);
  in.demand = {0.0};
  in.demand.insert(in.demand.end(), demand.begin(), demand.end());
  in.capacity = capacity;
  return in;
}

std::vector<std::vector<int>> sorted_routes(const VrpSolution& s) {
  std::vector<std::vector<int>> r;
  for (const auto& x : s.routes) r.push_back(x.customers);
  std::sort(r.begin(), r.end());
  return r;
}

void expect_valid(const VrpInstance& in, const VrpSolution& s) {
  const auto v = check_solution(in, s);
  for (const auto& x : v) ADD_FAILURE() << in.name << ": " << x.message;
}

// Exact optimum by enumeration: Held-Karp TSP for every feasible subset,
// then the best partition of the customers into feasible subsets.
double exact_optimum(const VrpInstance& in) {
  const int n = static_cast<int>(in.customers());
  const int full = (1 << n);
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> tour(static_cast<std::size_t>(full), inf);
  // dp[mask][last]: cheapest path depot -> customers of mask ending at last (0-based).
  std::vector<double> dp(static_cast<std::size_t>(full * n), inf);
  auto at = [&](int mask, int last) -> double& { return dp[static_cast<std::size_t>(mask * n + last)]; };
  auto c = [&](int a, int b) { return in.c(static_cast<std::size_t>(a), static_cast<std::size_t>(b)); };
  for (int k = 0; k < n; ++k) at(1 << k, k) = c(0, k + 1);
  for (int mask = 1; mask < full; ++mask)
    for (int last = 0; last < n; ++last) {
      if (!(mask & (1 << last)) || at(mask, last) == inf) continue;
      for (int nx = 0; nx < n; ++nx)
        if (!(mask & (1 << nx)))
          at(mask | (1 << nx), nx) = std::min(at(mask | (1 << nx), nx), at(mask, last) + c(last + 1, nx + 1));
    }
  for (int mask = 1; mask < full; ++mask) {
    double load = 0;
    int stops = 0;
    for (int k = 0; k < n; ++k)
      if (mask & (1 << k)) load += in.demand[static_cast<std::size_t>(k + 1)], ++stops;
    if (load > in.capacity) continue;
    for (int last = 0; last < n; ++last)
      if (mask & (1 << last)) {
        const double cost = at(mask, last) + c(last + 1, 0);
        if (in.max_duration && cost + in.service_time * stops > *in.max_duration) continue;
        tour[static_cast<std::size_t>(mask)] = std::min(tour[static_cast<std::size_t>(mask)], cost);
      }
  }
  std::vector<double> part(static_cast<std::size_t>(full), inf);
  part[0] = 0;
  for (int mask = 1; mask < full; ++mask) {
    const int low = mask & -mask;  // the lowest customer goes in the subset chosen now
    for (int sub = mask; sub; sub = (sub - 1) & mask)
      if ((sub & low) && tour[static_cast<std::size_t>(sub)] < inf)
        part[static_cast<std::size_t>(mask)] =
            std::min(part[static_cast<std::size_t>(mask)],
                     part[static_cast<std::size_t>(mask ^ sub)] + tour[static_cast<std::size_t>(sub)]);
  }
  return part[static_cast<std::size_t>(full - 1)];
}

}  // namespace

// ------------------------------------------------------------ hand-worked

TEST(FrequencySolve, LineOneVehicleGoesOutAndBack) {
  // All four fit one vehicle: out to 4 and back, cost 2 * 4 = 8.
  const auto in = line({1, 2, 3, 4}, {1, 1, 1, 1}, 10);
  const auto s = solve(in);
  expect_valid(in, s);
  EXPECT_DOUBLE_EQ(s.total_cost(), 8.0);
  ASSERT_EQ(s.routes.size(), 1u);
  EXPECT_DOUBLE_EQ(s.routes[0].load, 4.0);
}

TEST(FrequencySolve, LineCapacityBound) {
  // Capacity 4, demand 2 each: two routes. {1,2}+{3,4} costs 4 + 8 = 12,
  // {1,4}+{2,3} 8 + 6 = 14, {1,3}+{2,4} 6 + 8 = 14. Optimum 12.
  const auto in = line({1, 2, 3, 4}, {2, 2, 2, 2}, 4);
  const auto s = solve(in);
  expect_valid(in, s);
  EXPECT_DOUBLE_EQ(s.total_cost(), 12.0);
  ASSERT_EQ(s.routes.size(), 2u);
  auto r = sorted_routes(s);
  for (auto& x : r) std::sort(x.begin(), x.end());
  std::sort(r.begin(), r.end());
  EXPECT_EQ(r, (std::vector<std::vector<int>>{{1, 2}, {3, 4}}));
}

TEST(FrequencySolve, LineDurationBound) {
  // Service 1 per stop, limit 9. Any route with customer 4 and another stop
  // lasts >= 8 + 2 = 10, so {4} goes alone (8 + 1 = 9); {1,2,3} lasts
  // 6 + 3 = 9. Optimum 8 + 6 = 14 (without the limit it would be 8).
  auto in = line({1, 2, 3, 4}, {0, 0, 0, 0}, 100);
  in.service_time = 1.0;
  in.max_duration = 9.0;
  const auto s = solve(in);
  expect_valid(in, s);
  EXPECT_DOUBLE_EQ(s.total_cost(), 14.0);
  ASSERT_EQ(s.routes.size(), 2u);
  for (const auto& r : s.routes) {
    EXPECT_LE(r.duration, 9.0);
    if (r.customers.size() == 1) {
      EXPECT_EQ(r.customers[0], 4);
      EXPECT_DOUBLE_EQ(r.duration, 9.0);
    }
  }
}

TEST(FrequencySolve, SquarePairsAdjacentCorners) {
  // Depot in the centre, corners at (+-10, +-10), capacity 2 corners. With
  // EUC_2D rounding: depot-corner 14, side 20, diagonal 28. Two routes over
  // adjacent corners: 2 * (14 + 20 + 14) = 96; diagonal pairs would be 112.
  VrpInstance in;
  in.name = "square";
  in.cost = VrpInstance::euc2d_matrix({{0, 0}, {10, 10}, {-10, 10}, {-10, -10}, {10, -10}});
  in.demand = {0, 1, 1, 1, 1};
  EXPECT_DOUBLE_EQ(in.c(0, 1), 14.0);
  EXPECT_DOUBLE_EQ(in.c(1, 2), 20.0);
  EXPECT_DOUBLE_EQ(in.c(1, 3), 28.0);
  in.capacity = 2;
  const auto s = solve(in);
  expect_valid(in, s);
  EXPECT_DOUBLE_EQ(s.total_cost(), 96.0);
  for (const auto& r : s.routes) {
    ASSERT_EQ(r.customers.size(), 2u);
    const int a = r.customers[0], b = r.customers[1];
    EXPECT_NE(std::abs(a - b), 2) << "diagonal pair " << a << "," << b;
  }
}

TEST(FrequencySolve, AsymmetricFollowsTheCheapDirection) {
  // 0->1->2->3->0 costs 1 per leg, every other leg 10: optimum 4, in that order.
  VrpInstance in;
  in.name = "cycle";
  in.cost.assign(16, 10.0);
  for (std::size_t i = 0; i < 4; ++i) in.cost[i * 4 + i] = 0.0;
  for (std::size_t i = 0; i < 4; ++i) in.cost[i * 4 + (i + 1) % 4] = 1.0;
  in.demand = {0, 1, 1, 1};
  in.capacity = 3;
  const auto s = solve(in);
  expect_valid(in, s);
  EXPECT_DOUBLE_EQ(s.total_cost(), 4.0);
  ASSERT_EQ(s.routes.size(), 1u);
  EXPECT_EQ(s.routes[0].customers, (std::vector<int>{1, 2, 3}));
  // Savings alone already finds it: the only positive savings chain 1->2->3.
  EXPECT_DOUBLE_EQ(savings(in).total_cost(), 4.0);
}

TEST(FrequencySolve, NoCustomersGivesNoRoutes) {
  const auto in = line({}, {}, 5);
  EXPECT_TRUE(solve(in).routes.empty());
}

TEST(FrequencySolve, RejectsUnservableCustomers) {
  EXPECT_THROW(solve(line({1, 2}, {1, 6}, 5)), InputError);  // demand over capacity
  auto in = line({1, 5}, {1, 1}, 5);
  in.max_duration = 8.0;  // customer 2 alone needs 10
  try {
    solve(in);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("customer 2"), std::string::npos) << e.what();
  }
  auto bad = line({1}, {1}, 5);
  bad.cost.pop_back();
  EXPECT_THROW(solve(bad), InputError);
}

TEST(FrequencySolve, MatchesExactOptimumOnSmallRandomInstances) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> coord(0, 100), dem(1, 9);
  for (int trial = 0; trial < 12; ++trial) {
    const int n = 8;
    std::vector<std::pair<double, double>> pts;
    for (int i = 0; i <= n; ++i) pts.emplace_back(coord(rng), coord(rng));
    VrpInstance in;
    in.name = "random" + std::to_string(trial);
    in.cost = VrpInstance::euc2d_matrix(pts);
    in.demand = {0};
    for (int i = 0; i < n; ++i) in.demand.push_back(dem(rng));
    in.capacity = 15;
    if (trial % 3 == 2) {
      in.service_time = 5;
      in.max_duration = 260;
    }
    if (trial % 4 == 3) {  // make it asymmetric: leaving the depot costs extra
      for (std::size_t j = 1; j < in.nodes(); ++j) in.cost[j] += 7;
    }
    const double opt = exact_optimum(in);
    ASSERT_TRUE(std::isfinite(opt)) << in.name;
    SolverOptions o;
    o.perturbation_iterations = 300;
    const auto s = solve(in, o);
    expect_valid(in, s);
    EXPECT_NEAR(s.total_cost(), opt, 1e-9) << in.name;
    const auto sv = savings(in);
    expect_valid(in, sv);
    EXPECT_GE(sv.total_cost(), opt - 1e-9) << in.name;
  }
}

TEST(FrequencySolve, IsDeterministic) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> coord(0, 100);
  std::vector<std::pair<double, double>> pts;
  for (int i = 0; i <= 40; ++i) pts.emplace_back(coord(rng), coord(rng));
  VrpInstance in;
  in.name = "det";
  in.cost = VrpInstance::euc2d_matrix(pts);
  in.demand.assign(41, 3.0);
  in.demand[0] = 0;
  in.capacity = 20;
  SolverOptions o;
  o.perturbation_iterations = 200;
  const auto a = solve(in, o), b = solve(in, o);
  EXPECT_EQ(sorted_routes(a), sorted_routes(b));
  expect_valid(in, a);
}

// ------------------------------------------------------------ validator

class FrequencyCheck : public ::testing::Test {
 protected:
  VrpInstance in = line({1, 2, 3, 4}, {2, 2, 2, 2}, 4);
  VrpSolution good() const {
    VrpSolution s;
    s.routes.push_back(make_route(in, {1, 2}));
    s.routes.push_back(make_route(in, {3, 4}));
    return s;
  }
};

TEST_F(FrequencyCheck, AcceptsAValidSolution) {
  const auto s = good();
  EXPECT_DOUBLE_EQ(s.routes[0].cost, 4.0);
  EXPECT_DOUBLE_EQ(s.routes[1].cost, 8.0);
  EXPECT_DOUBLE_EQ(s.total_cost(), 12.0);
  EXPECT_TRUE(check_solution(in, s).empty());
}

TEST_F(FrequencyCheck, MissingCustomer) {
  auto s = good();
  s.routes[1] = make_route(in, {3});
  const auto v = check_solution(in, s);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].kind, Violation::Kind::missing_customer);
  EXPECT_EQ(v[0].customer, 4);
}

TEST_F(FrequencyCheck, RepeatedCustomer) {
  auto s = good();
  s.routes[1] = make_route(in, {3, 4, 1});
  in.capacity = 10;
  const auto v = check_solution(in, s);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].kind, Violation::Kind::repeated_customer);
  EXPECT_EQ(v[0].route, 1);
  EXPECT_EQ(v[0].customer, 1);
}

TEST_F(FrequencyCheck, UnknownCustomerAndDepotInRoute) {
  auto s = good();
  s.routes[0].customers = {1, 2, 9};
  s.routes[1].customers = {0, 3, 4};
  const auto v = check_solution(in, s);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].kind, Violation::Kind::unknown_customer);
  EXPECT_EQ(v[0].customer, 9);
  EXPECT_EQ(v[1].customer, 0);
}

TEST_F(FrequencyCheck, EmptyRoute) {
  auto s = good();
  s.routes.push_back(VrpRoute{});
  const auto v = check_solution(in, s);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].kind, Violation::Kind::empty_route);
  EXPECT_EQ(v[0].route, 2);
}

TEST_F(FrequencyCheck, CapacityExceeded) {
  VrpSolution s;
  s.routes.push_back(make_route(in, {1, 2, 3}));
  s.routes.push_back(make_route(in, {4}));
  const auto v = check_solution(in, s);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].kind, Violation::Kind::capacity_exceeded);
  EXPECT_EQ(v[0].route, 0);
}

TEST_F(FrequencyCheck, DurationExceeded) {
  in.service_time = 1;
  in.max_duration = 9;
  const auto s = good();  // {1,2}: 4 + 2 = 6; {3,4}: 8 + 2 = 10 > 9
  EXPECT_DOUBLE_EQ(s.routes[1].duration, 10.0);
  const auto v = check_solution(in, s);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].kind, Violation::Kind::duration_exceeded);
  EXPECT_EQ(v[0].route, 1);
}

TEST_F(FrequencyCheck, ReportedFiguresWrong) {
  auto s = good();
  s.routes[0].cost = 3.0;
  s.routes[1].load = 5.0;
  s.routes[1].duration = 7.0;
  const auto v = check_solution(in, s);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].kind, Violation::Kind::cost_mismatch);
  EXPECT_EQ(v[1].kind, Violation::Kind::load_mismatch);
  EXPECT_EQ(v[2].kind, Violation::Kind::duration_mismatch);
  EXPECT_STREQ(to_string(v[0].kind), "cost_mismatch");
}

TEST_F(FrequencyCheck, ReversedRouteCostsDifferWhenAsymmetric) {
  // The checker prices the route in the order given: with a one-way extra
  // cost a reversed route no longer matches its reported cost.
  in.cost[0 * 5 + 1] += 3;  // depot -> 1 costs 4 instead of 1
  VrpSolution s;
  s.routes.push_back(make_route(in, {1, 2}));  // 4 + 1 + 2 = 7
  s.routes.push_back(make_route(in, {3, 4}));
  EXPECT_DOUBLE_EQ(s.routes[0].cost, 7.0);
  EXPECT_TRUE(check_solution(in, s).empty());
  s.routes[0].customers = {2, 1};  // 2 + 1 + 1 = 4
  const auto v = check_solution(in, s);
  ASSERT_EQ(v.size(), 2u);  // duration = cost here, so both disagree
  EXPECT_EQ(v[0].kind, Violation::Kind::cost_mismatch);
  EXPECT_EQ(v[1].kind, Violation::Kind::duration_mismatch);
}

// ------------------------------------------------------------ reader

namespace {
const char* kSmall =
    "NAME : tiny\n"
    "COMMENT : hand-made\n"
    "TYPE : CVRP\n"
    "DIMENSION : 4\n"
    "EDGE_WEIGHT_TYPE : EUC_2D\n"
    "CAPACITY : 10\n"
    "NODE_COORD_SECTION\n"
    " 1 3 4\n"
    " 2 0 0\n"
    " 3 6 8\n"
    " 4 4 5\n"
    "DEMAND_SECTION\n"
    "1 3\n"
    "2 0\n"
    "3 7\n"
    "4 2\n"
    "DEPOT_SECTION\n"
    " 2\n"
    " -1\n"
    "EOF\n";

VrpInstance parse(const std::string& text) {
  std::istringstream s(text);
  return parse_vrplib(s, "tiny.vrp");
}

std::string parse_error(const std::string& text) {
  try {
    parse(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto p = s.find(from);
  if (p == std::string::npos) return s;
  return s.replace(p, from.size(), to);
}
}  // namespace

TEST(FrequencyReader, ReadsASmallInstance) {
  const auto in = parse(kSmall);
  EXPECT_EQ(in.name, "tiny");
  EXPECT_DOUBLE_EQ(in.capacity, 10);
  // The depot is node 2 in the file; it becomes 0, nodes 1, 3, 4 become 1, 2, 3.
  ASSERT_EQ(in.customers(), 3u);
  EXPECT_EQ(in.demand, (std::vector<double>{0, 3, 7, 2}));
  EXPECT_DOUBLE_EQ(in.c(0, 1), 5.0);   // (0,0)-(3,4)
  EXPECT_DOUBLE_EQ(in.c(0, 2), 10.0);  // (0,0)-(6,8)
  EXPECT_DOUBLE_EQ(in.c(1, 3), 1.0);   // (3,4)-(4,5): sqrt 2 = 1.41 -> 1
  EXPECT_DOUBLE_EQ(in.c(0, 3), 6.0);   // sqrt 41 = 6.40 -> 6
  EXPECT_DOUBLE_EQ(in.c(2, 3), 4.0);   // sqrt 13 = 3.61 -> 4
  EXPECT_DOUBLE_EQ(in.c(3, 2), 4.0);
}

TEST(FrequencyReader, ReadsFromAFile) {
  const auto dir = std::filesystem::temp_directory_path() / "ruralnet_frequency_reader";
  std::filesystem::create_directories(dir);
  const auto p = dir / "tiny.vrp";
  {
    std::ofstream f(p);
    f << kSmall;
  }
  EXPECT_EQ(read_vrplib(p).customers(), 3u);
  std::filesystem::remove_all(dir);
  EXPECT_THROW(read_vrplib(p), InputError);
}

TEST(FrequencyReader, BadInputNamesFileAndLine) {
  const std::string bad_coord = replace(kSmall, " 3 6 8\n", " 3 6 eight\n");
  const auto e1 = parse_error(bad_coord);
  EXPECT_NE(e1.find("tiny.vrp"), std::string::npos) << e1;
  EXPECT_NE(e1.find("line 10"), std::string::npos) << e1;
  EXPECT_NE(e1.find("eight"), std::string::npos) << e1;

  const auto e2 = parse_error(replace(kSmall, "4 2\n", "9 2\n"));
  EXPECT_NE(e2.find("line 16"), std::string::npos) << e2;
  EXPECT_NE(e2.find("node 9"), std::string::npos) << e2;

  EXPECT_NE(parse_error(replace(kSmall, "EUC_2D", "GEO")).find("EUC_2D"), std::string::npos);
  EXPECT_NE(parse_error(replace(kSmall, " 4 4 5\n", "")).find("DIMENSION"), std::string::npos);
  EXPECT_NE(parse_error(replace(kSmall, " 2\n -1\n", " -1\n")).find("depot"), std::string::npos);
  EXPECT_NE(parse_error(replace(kSmall, "2 0\n", "2 0 1\n")).find("line 14"), std::string::npos);
  EXPECT_NE(parse_error(replace(kSmall, "CAPACITY : 10\n", "")).find("CAPACITY"), std::string::npos);
  EXPECT_NE(parse_error(replace(kSmall, "DEMAND_SECTION", "EDGE_WEIGHT_SECTION")).find("line 12"),
            std::string::npos);
}

// ------------------------------------------------------------ CVRPLIB quality

TEST(FrequencyCvrplib, GapToBestKnownCosts) {
  const std::filesystem::path dir = std::string(RURALNET_TEST_DATA) + "/../../../shared/cvrplib/";
  if (!std::filesystem::exists(dir / "A-n32-k5.vrp")) GTEST_SKIP() << "CVRPLIB instances not present";
  // Best-known costs from CVRPLIB (the first four are proven optimal).
  const std::vector<std::pair<std::string, double>> cases{
      {"A-n32-k5", 784},    {"A-n45-k6", 944},    {"A-n80-k10", 1763},
      {"E-n51-k5", 521},    {"M-n200-k16", 1274}, {"M-n200-k17", 1275}};
  double sum = 0;
  for (const auto& [name, bks] : cases) {
    const auto in = read_vrplib(dir / (name + ".vrp"));
    const auto s = solve(in);
    expect_valid(in, s);
    const double gap = 100.0 * (s.total_cost() - bks) / bks;
    if (name[0] != 'M') {
      EXPECT_GE(gap, -1e-9) << name << " beats the proven optimum: the cost must be wrong";
    }
    EXPECT_LE(gap, 8.0) << name << " cost " << s.total_cost();
    RecordProperty(name + "_cost", std::to_string(s.total_cost()));
    std::printf("%s: cost %.0f, best known %.0f, gap %.2f%%, %zu routes\n", name.c_str(), s.total_cost(), bks, gap,
                s.routes.size());
    sum += gap;
  }
  EXPECT_LE(sum / static_cast<double>(cases.size()), 5.0);
}
