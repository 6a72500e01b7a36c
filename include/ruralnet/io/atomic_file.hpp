// Outputs are written under a temporary name beside the target and renamed into
// place, so a crash or a full disk never leaves a half-written output; an
// existing output is replaced only when the caller says so (--overwrite).
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace ruralnet::io {

// Throws UsageError when `target` exists and !overwrite.
void check_output_path(const std::filesystem::path& target, bool overwrite);

// Writes `content` to `target` atomically. Throws RunError on failure.
void write_text_file_atomic(const std::filesystem::path& target, const std::string& content, bool overwrite);

// An output written in steps under a temporary name beside `target` (same
// folder, same extension), moved into place by commit() and removed if it
// never is (the destructor). The constructor checks the target as
// check_output_path does. Files and folders alike.
class AtomicOutput {
 public:
  AtomicOutput(const std::filesystem::path& target, bool overwrite);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::filesystem::path& tmp() const { return tmp_; }
  // Renames the temporary to the target, replacing an existing one (the
  // constructor allowed it). Throws RunError.
  void commit();

 private:
  std::filesystem::path target_, tmp_;
  bool committed_ = false;
};

// Calls write(tmp) with a temporary path beside `target` (same folder, same
// extension so GDAL picks the driver), then renames tmp to target. The
// temporary is removed if write throws. Works for files and folders alike.
void write_atomic(const std::filesystem::path& target, bool overwrite,
                  const std::function<void(const std::filesystem::path& tmp)>& write);

}  // namespace ruralnet::io
