// Wall time of the stages of a run, for the --run-json record: where the time
// of a large run goes is the first thing to know when it is too slow.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace ruralnet {

struct StageTime {
  std::string name;
  double seconds = 0.0;
};

class StageClock {
 public:
  StageClock() : last_(std::chrono::steady_clock::now()) {}
  // Ends the stage running since the previous mark (or construction).
  void mark(std::string name) {
    const auto now = std::chrono::steady_clock::now();
    stages_.push_back({std::move(name), std::chrono::duration<double>(now - last_).count()});
    last_ = now;
  }
  const std::vector<StageTime>& stages() const { return stages_; }

 private:
  std::chrono::steady_clock::time_point last_;
  std::vector<StageTime> stages_;
};

}  // namespace ruralnet
