// The one error hierarchy of ruralnet. Library code throws these; only the CLI's
// main() turns them into messages and exit codes (see docs/architecture.md).
#pragma once

#include <string_view>

#include <stdexcept>
#include <string>

namespace ruralnet {

// Documented process exit codes.
enum class ExitCode : int {
  ok = 0,
  findings = 1,  // the run worked and found error-severity problems (validate)
  failure = 1,   // something failed while running (disk full, solver failure)
  unusable = 2,  // unusable input or arguments
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, std::string hint = {})
      : std::runtime_error(what), hint_(std::move(hint)) {}
  // What the user could do about it; may be empty.
  const std::string& hint() const noexcept { return hint_; }
  virtual ExitCode exit_code() const noexcept { return ExitCode::failure; }
  // Short category shown before the message ("usage", "input", ...).
  virtual const char* kind() const noexcept { return "error"; }

 private:
  std::string hint_;
};

// Bad command line: unknown option, value out of range, missing argument.
class UsageError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const noexcept override { return ExitCode::unusable; }
  const char* kind() const noexcept override { return "usage"; }
};

// Where in the input a problem is. Every part is optional but the more is known
// the more is said; fid is the feature id as the source numbers it.
struct InputLocation {
  std::string file;
  std::string layer;
  std::string feature;  // external id or "fid 12"
  std::string field;
  std::string describe() const;  // "file 'x.gpkg', layer 'roads', feature 'R12', field 'speed_kmh'"
};

// Unusable input data: missing file, layer or field, wrong value, bad encoding.
class InputError : public Error {
 public:
  InputError(InputLocation where, const std::string& problem, std::string hint = {});
  const InputLocation& where() const noexcept { return where_; }
  const std::string& problem() const noexcept { return problem_; }
  ExitCode exit_code() const noexcept override { return ExitCode::unusable; }
  const char* kind() const noexcept override { return "input"; }

 private:
  InputLocation where_;
  std::string problem_;
};

// A CRS is missing, unknown, or cannot be transformed to the working CRS.
class CrsError : public InputError {
 public:
  using InputError::InputError;
  const char* kind() const noexcept override { return "crs"; }
};

// A geometry cannot be used (NaN coordinates, empty where one is required).
class GeometryError : public InputError {
 public:
  using InputError::InputError;
  const char* kind() const noexcept override { return "geometry"; }
};

// A failure while running on usable input: an output cannot be written, an
// internal invariant was broken, a solver failed.
class RunError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const noexcept override { return ExitCode::failure; }
  const char* kind() const noexcept override { return "failed"; }
};

// Throws UsageError "<option> must be a positive number of <unit>, got <v>"
// unless v is finite and above 0: the check every analysis makes of its
// thresholds, speeds and capacities.
void require_positive(double v, std::string_view option, std::string_view unit);

}  // namespace ruralnet
