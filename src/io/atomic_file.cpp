#include "ruralnet/io/atomic_file.hpp"

#include <unistd.h>

#include <fstream>
#include <system_error>

#include "ruralnet/core/error.hpp"

namespace fs = std::filesystem;

namespace ruralnet::io {

void check_output_path(const fs::path& target, bool overwrite) {
  std::error_code ec;
  if (fs::exists(target, ec) && !overwrite)
    throw UsageError("output '" + target.string() + "' already exists", "add --overwrite to replace it");
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(parent, ec))
    throw UsageError("cannot write '" + target.string() + "': folder '" + parent.string() + "' does not exist");
}

AtomicOutput::AtomicOutput(const fs::path& target, bool overwrite) : target_(target) {
  check_output_path(target, overwrite);
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  // Same folder (rename stays on one file system) and same extension (GDAL
  // chooses the driver by it); the pid keeps concurrent runs apart.
  tmp_ = parent / (".tmp-" + std::to_string(::getpid()) + "-" + target.filename().string());
  std::error_code ec;
  fs::remove_all(tmp_, ec);
}

AtomicOutput::~AtomicOutput() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(tmp_, ec);
}

void AtomicOutput::commit() {
  std::error_code ec;
  if (fs::exists(target_, ec)) {
    // rename() cannot replace a non-empty folder; a file it replaces atomically.
    if (fs::is_directory(target_, ec)) fs::remove_all(target_, ec);
  }
  fs::rename(tmp_, target_, ec);
  if (ec)
    throw RunError("cannot move the finished output into place at '" + target_.string() + "': " + ec.message());
  committed_ = true;
}

void write_atomic(const fs::path& target, bool overwrite, const std::function<void(const fs::path&)>& write) {
  AtomicOutput out(target, overwrite);
  write(out.tmp());
  out.commit();
}

void write_text_file_atomic(const fs::path& target, const std::string& content, bool overwrite) {
  write_atomic(target, overwrite, [&](const fs::path& tmp) {
    std::ofstream f(tmp, std::ios::binary);
    f << content;
    f.flush();
    if (!f) throw RunError("cannot write '" + target.string() + "' (disk full or no permission?)");
  });
}

}  // namespace ruralnet::io
