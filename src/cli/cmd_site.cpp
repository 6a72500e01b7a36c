// `ruralnet site`: placeholder until the command lands; it refuses to run.
#include "cli/commands.hpp"
#include "ruralnet/core/error.hpp"

namespace ruralnet::cli {

namespace {

class PlaceholderCommand final : public Command {
 public:
  std::string name() const override { return "site"; }
  std::string summary() const override { return "(not available yet)"; }
  void declare(CLI::App&) override {}
  int run(RunContext&) override { throw RunError("ruralnet site is not available in this build"); }
};

}  // namespace

std::unique_ptr<Command> make_site_command() { return std::make_unique<PlaceholderCommand>(); }

}  // namespace ruralnet::cli
