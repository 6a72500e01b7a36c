// The shape every subcommand has (after osmium-tool's cmd.hpp): declare options
// bound to an Options struct, check them without touching any file, then run by
// calling the core library. Commands never print errors themselves: they throw,
// and main() reports.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "ruralnet/core/progress.hpp"
#include "ruralnet/core/stages.hpp"
#include "ruralnet/io/read.hpp"
#include "ruralnet/network/build.hpp"

namespace ruralnet::cli {

struct RunContext {
  ProgressSettings progress;
  std::ostream& out;          // the command's report (stdout)
  nlohmann::json& record;     // what the run did, written by --run-json
};

class Command {
 public:
  virtual ~Command() = default;
  virtual std::string name() const = 0;
  virtual std::string summary() const = 0;
  // Declares the options on the subcommand, bound to members.
  virtual void declare(CLI::App& app) = 0;
  // Checks the parsed values; no I/O. Throws UsageError.
  virtual void validate() {}
  // Runs and returns the exit code: 0, or 1 where the command's contract says
  // findings of error severity make it 1. Fills ctx.record.
  virtual int run(RunContext& ctx) = 0;
};

// The registry: every subcommand, in the order `ruralnet --help` lists them.
std::vector<std::unique_ptr<Command>> make_commands();

// The dataset options every analysis shares (docs/data-input.md): DATASET
// positional, --layer, --field, --encoding, --crs, --web-coords. A command holds
// one, declares it, and calls resolve() in validate().
struct DatasetArgs {
  io::ReadOptions read;
  std::vector<std::string> layers, fields, web;  // raw repeated options until resolve()
  void declare(CLI::App& app, bool dataset_required = true);
  // Checks and converts the raw values into `read`; no I/O. Throws UsageError.
  void resolve();
};

// The road-graph options of every command that routes: --snap-tolerance,
// --node-crossings, --speeds (docs/network.md).
struct GraphArgs {
  double snap_tolerance_m = 5.0;
  bool node_crossings = false;
  std::string speeds_file;
  void declare(CLI::App& app);
  // Checks the values; no I/O. Throws UsageError.
  void check() const;
  // Reads the speed table when one is named (throws InputError).
  network::BuildOptions build_options() const;
};

// The folder an --out value names ("out/" names "out"); UsageError when it
// names none ("", "."). No I/O: whether it exists is checked when running.
std::filesystem::path output_folder(const std::string& out);

// Writes a small JSON summary of a dataset read (layers, counts, CRS) to the record.
void record_dataset(nlohmann::json& record, const model::Dataset& ds);

// [{"name": ..., "seconds": ...}, ...] for the record.
nlohmann::json stages_json(const std::vector<StageTime>& stages);

}  // namespace ruralnet::cli
