// Progress on stderr for long work. Silent when disabled (--quiet) or when
// stderr is not a terminal, so logs and pipes stay clean.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ruralnet {

struct ProgressSettings {
  bool quiet = false;
  // Computed once by the CLI: !quiet && isatty(stderr).
  bool enabled() const;
};

class Progress {
 public:
  Progress(const ProgressSettings& settings, std::string label, std::uint64_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void advance(std::uint64_t n = 1);
  void set(std::uint64_t done);
  void finish();

 private:
  void draw(bool force);
  bool enabled_;
  std::string label_;
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  bool finished_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
  std::chrono::steady_clock::time_point start_;
};

}  // namespace ruralnet
