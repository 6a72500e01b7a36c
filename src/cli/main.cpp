// The one place where exceptions become messages and exit codes
// (docs/architecture.md, "Errors and exit codes").
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <new>

#include "cli/command.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/io/atomic_file.hpp"

namespace {

using ruralnet::ExitCode;

int report(const char* kind, const std::string& message, const std::string& hint, ExitCode code) {
  std::cerr << "ruralnet: " << kind << " error: " << message << '\n';
  if (!hint.empty()) std::cerr << "  hint: " << hint << '\n';
  return static_cast<int>(code);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ruralnet;
  const auto started = std::chrono::steady_clock::now();
  nlohmann::json record;
  std::string run_json;
  int code = 0;
  std::string error_text;

  CLI::App app{"ruralnet: plan and audit a prefecture's rural delivery and e-commerce network"};
  app.set_version_flag("--version", "ruralnet 0.1.0");
  app.require_subcommand(1);
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet, "no progress on stderr");
  app.add_option("--run-json", run_json, "also write what the run did, as JSON, to this file");

  auto commands = cli::make_commands();
  std::vector<std::pair<CLI::App*, cli::Command*>> subs;
  for (auto& c : commands) {
    CLI::App* sub = app.add_subcommand(c->name(), c->summary());
    c->declare(*sub);
    subs.emplace_back(sub, c.get());
  }

  try {
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      throw UsageError(e.what(), "see 'ruralnet --help' or 'ruralnet COMMAND --help'");
    }
    cli::Command* chosen = nullptr;
    for (auto& [sub, cmd] : subs)
      if (sub->parsed()) chosen = cmd;
    if (!chosen) throw UsageError("no command given", "see 'ruralnet --help'");
    record["command"] = chosen->name();
    std::vector<std::string> args(argv + 1, argv + argc);
    record["arguments"] = args;
    chosen->validate();
    cli::RunContext ctx{ProgressSettings{quiet}, std::cout, record};
    code = chosen->run(ctx);
    std::cout.flush();
  } catch (const InputError& e) {
    // Exit code and hint follow the error's kind; the location is in the message.
    error_text = e.what();
    code = report(e.kind(), e.what(), e.hint(), e.exit_code());
  } catch (const Error& e) {
    error_text = e.what();
    code = report(e.kind(), e.what(), e.hint(), e.exit_code());
  } catch (const std::bad_alloc&) {
    error_text = "out of memory";
    code = report("failed", "out of memory", "try a smaller dataset or free memory", ExitCode::failure);
  } catch (const std::exception& e) {
    error_text = std::string("internal error: ") + e.what();
    code = report("internal", e.what(), "this is a bug in ruralnet; please report it with the command line",
                  ExitCode::failure);
  }

  if (!run_json.empty()) {
    record["exit_code"] = code;
    if (!error_text.empty()) record["error"] = error_text;
    record["duration_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    try {
      io::write_text_file_atomic(run_json, record.dump(2) + "\n", /*overwrite=*/true);
    } catch (const Error& e) {
      report(e.kind(), e.what(), e.hint(), e.exit_code());
      if (code == 0) code = static_cast<int>(ExitCode::failure);
    }
  }
  return code;
}
