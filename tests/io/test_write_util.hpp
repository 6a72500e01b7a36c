// Small helpers shared by the writer tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "ruralnet/model/dataset.hpp"

namespace ruralnet::testing {

// A fresh, empty folder for the running test: the prefix, the process and
// the test's name keep parallel runs apart.
inline std::filesystem::path fresh_test_dir(const std::string& prefix) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("ruralnet-test-" + prefix + "-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// A closed regular n-gon of radius r around (cx, cy), counter-clockwise.
inline model::Ring regular_ring(double cx, double cy, double r, int n) {
  model::Ring out;
  for (int k = 0; k < n; ++k) out.push_back({cx + r * std::cos(2 * M_PI * k / n), cy + r * std::sin(2 * M_PI * k / n)});
  out.push_back(out.front());
  return out;
}

}  // namespace ruralnet::testing
