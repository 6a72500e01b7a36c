#include "ruralnet/core/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace ruralnet {

bool ProgressSettings::enabled() const { return !quiet && isatty(STDERR_FILENO) == 1; }

Progress::Progress(const ProgressSettings& settings, std::string label, std::uint64_t total)
    : enabled_(settings.enabled()), label_(std::move(label)), total_(total), start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { finish(); }

void Progress::advance(std::uint64_t n) { set(done_ + n); }

void Progress::set(std::uint64_t done) {
  done_ = done;
  if (enabled_) draw(false);
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (!enabled_) return;
  draw(true);
  std::fputc('\n', stderr);
}

void Progress::draw(bool force) {
  const auto now = std::chrono::steady_clock::now();
  // Redrawing more than ten times a second costs time and shows nothing new.
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  if (total_ > 0)
    std::fprintf(stderr, "\r%s: %llu/%llu (%.0f%%) %.1fs", label_.c_str(), static_cast<unsigned long long>(done_),
                 static_cast<unsigned long long>(total_), 100.0 * static_cast<double>(done_) / static_cast<double>(total_), secs);
  else
    std::fprintf(stderr, "\r%s: %llu %.1fs", label_.c_str(), static_cast<unsigned long long>(done_), secs);
  std::fflush(stderr);
}

}  // namespace ruralnet
