// Factories of the subcommands, one per command class (src/cli/cmd_<name>.cpp).
#pragma once

#include <memory>

#include "cli/command.hpp"

namespace ruralnet::cli {

std::unique_ptr<Command> make_coverage_command();
std::unique_ptr<Command> make_frequency_command();
std::unique_ptr<Command> make_info_command();
std::unique_ptr<Command> make_plan_command();
std::unique_ptr<Command> make_quota_command();
std::unique_ptr<Command> make_report_command();
std::unique_ptr<Command> make_roads_command();
std::unique_ptr<Command> make_site_command();
std::unique_ptr<Command> make_synth_command();
std::unique_ptr<Command> make_validate_command();

}  // namespace ruralnet::cli
