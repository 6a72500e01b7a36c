// Outputs written in steps under a temporary name: moved into place only by
// commit(), gone when commit() is never reached.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ruralnet/core/error.hpp"
#include "ruralnet/io/atomic_file.hpp"

namespace fs = std::filesystem;
namespace io = ruralnet::io;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("ruralnet-atomic-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

void put(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

}  // namespace

TEST(AtomicOutput, AFolderWrittenInStepsAppearsOnlyAtCommit) {
  const fs::path d = fresh_dir("steps");
  const fs::path target = d / "out";
  io::AtomicOutput out(target, false);
  EXPECT_EQ(out.tmp().parent_path(), d);
  fs::create_directories(out.tmp());
  put(out.tmp() / "a.txt", "first");
  EXPECT_FALSE(fs::exists(target));  // nothing at the target between the steps
  put(out.tmp() / "b.txt", "second");
  out.commit();
  EXPECT_EQ(slurp(target / "a.txt"), "first");
  EXPECT_EQ(slurp(target / "b.txt"), "second");
  EXPECT_FALSE(fs::exists(out.tmp()));
  fs::remove_all(d);
}

TEST(AtomicOutput, AnAbandonedOutputLeavesNothingAndKeepsTheOldOne) {
  const fs::path d = fresh_dir("abandon");
  const fs::path target = d / "out";
  fs::create_directories(target);
  put(target / "old.txt", "old");
  fs::path tmp;
  try {
    io::AtomicOutput out(target, true);
    tmp = out.tmp();
    fs::create_directories(tmp);
    put(tmp / "half.txt", "half");
    throw ruralnet::RunError("the analysis failed between the steps");
  } catch (const ruralnet::RunError&) {
  }
  EXPECT_FALSE(fs::exists(tmp));
  EXPECT_EQ(slurp(target / "old.txt"), "old");
  fs::remove_all(d);
}

TEST(AtomicOutput, AnExistingTargetNeedsOverwriteAndIsReplacedWhole) {
  const fs::path d = fresh_dir("replace");
  const fs::path target = d / "out";
  fs::create_directories(target);
  put(target / "old.txt", "old");
  EXPECT_THROW(io::AtomicOutput(target, false), ruralnet::UsageError);
  io::AtomicOutput out(target, true);
  fs::create_directories(out.tmp());
  put(out.tmp() / "new.txt", "new");
  out.commit();
  EXPECT_FALSE(fs::exists(target / "old.txt"));
  EXPECT_EQ(slurp(target / "new.txt"), "new");
  fs::remove_all(d);
}
