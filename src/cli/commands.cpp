// The one registry of subcommands.
#include "cli/command.hpp"
#include "cli/commands.hpp"

namespace ruralnet::cli {

std::vector<std::unique_ptr<Command>> make_commands() {
  std::vector<std::unique_ptr<Command>> c;
  // Each line adds one subcommand; the factories are declared in cli/commands.hpp.
  return c;
}

}  // namespace ruralnet::cli
