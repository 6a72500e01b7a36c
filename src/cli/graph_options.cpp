#include "cli/command.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/network/speeds.hpp"

namespace ruralnet::cli {

void GraphArgs::declare(CLI::App& app) {
  app.add_option("--snap-tolerance", snap_tolerance_m, "metres within which road ends are joined (default 5)");
  app.add_flag("--node-crossings", node_crossings, "join roads where they cross without a shared vertex");
  app.add_option("--speeds", speeds_file, "CSV of class,speed_kmh overriding the default speed per road class");
}

void GraphArgs::check() const {
  if (!(snap_tolerance_m >= 0.0 && snap_tolerance_m <= 1000.0))
    throw UsageError("--snap-tolerance must be between 0 and 1000 metres, got " + fixed(snap_tolerance_m, 3));
}

network::BuildOptions GraphArgs::build_options() const {
  network::BuildOptions b;
  b.snap_tolerance_m = snap_tolerance_m;
  b.node_crossings = node_crossings;
  if (!speeds_file.empty()) b.speeds = network::read_speed_table(speeds_file);
  return b;
}

}  // namespace ruralnet::cli
