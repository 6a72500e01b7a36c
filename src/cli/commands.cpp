// The one registry of subcommands.
#include "cli/command.hpp"
#include "cli/commands.hpp"

namespace ruralnet::cli {

std::vector<std::unique_ptr<Command>> make_commands() {
  std::vector<std::unique_ptr<Command>> c;
  // Each line adds one subcommand; the factories are declared in cli/commands.hpp.
  c.push_back(make_coverage_command());
  c.push_back(make_frequency_command());
  c.push_back(make_info_command());
  c.push_back(make_plan_command());
  c.push_back(make_quota_command());
  c.push_back(make_report_command());
  c.push_back(make_roads_command());
  c.push_back(make_site_command());
  c.push_back(make_synth_command());
  c.push_back(make_validate_command());
  return c;
}

}  // namespace ruralnet::cli
