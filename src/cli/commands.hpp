// Factories of the subcommands, one per command class (src/cli/cmd_<name>.cpp).
#pragma once

#include <memory>

#include "cli/command.hpp"

namespace ruralnet::cli {

}  // namespace ruralnet::cli
