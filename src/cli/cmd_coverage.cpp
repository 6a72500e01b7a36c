// `ruralnet coverage DATASET --out DIR`: the three-tier delivery network and
// the reach of delivery to every administrative village (docs/coverage.md).
#include <chrono>
#include <cmath>
#include <filesystem>

#include "cli/commands.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/coverage/coverage.hpp"
#include "ruralnet/geo/crs.hpp"
#include "ruralnet/io/atomic_file.hpp"
#include "ruralnet/io/read.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/report/coverage.hpp"

namespace ruralnet::cli {

namespace {

class CoverageCommand final : public Command {
 public:
  std::string name() const override { return "coverage"; }
  std::string summary() const override {
    return "village reach of express delivery (通达率): hub -> station -> outlet links, gaps, service areas";
  }

  void declare(CLI::App& app) override {
    dataset_.declare(app);
    app.add_option("-o,--out", out_, "output folder (JSON, CSV, GeoPackage, Markdown)")->required();
    app.add_flag("--overwrite", overwrite_, "replace the output folder if it exists");
    app.add_option("--max-snap", o_.max_snap_m, "metres beyond which a point is off the network (default 2000)");
    app.add_option("--access-speed", o_.access_kmh, "km/h of the leg between a point and its road (default 15)");
    app.add_option("--station-threshold", o_.station_threshold_min,
                   "minutes within which a station -> outlet link counts as delivery (default 45)");
    app.add_option("--outlet-radius", o_.outlet_radius_m,
                   "road metres within which a linked outlet serves another village (default 3000)");
    app.add_option("--bands", o_.bands_min, "service-area bands in minutes (default 15,30,45)")->delimiter(',');
    app.add_option("--area-cell", o_.area_cell_m, "metres, side of the grid cells service areas are drawn with (default 100)");
    app.add_option("--area-fill-holes-km2", o_.area_fill_holes_km2, "service-area holes smaller than this are filled; 0 keeps every hole (default 1)");
    app.add_flag("--no-service-areas", no_areas_, "skip the service-area polygons");
    graph_.declare(app);
  }

  void validate() override {
    dataset_.resolve();
    dataset_.read.roads_graph_only = true;  // nothing here reads the roads but the road graph
    graph_.check();
    o_.service_areas = !no_areas_;
    o_.node_crossings = graph_.node_crossings;
    coverage::check_options(o_);
    dir_ = output_folder(out_);
  }

  int run(RunContext& ctx) override {
    const auto t0 = std::chrono::steady_clock::now();
    // The output folder is checked before the work, not after it, and most
    // of it is written while the service areas are still being drawn.
    report::CoverageWriter out(dir_, overwrite_);
    StageClock clock;
    model::Dataset ds = io::read_dataset(dataset_.read, ctx.progress);
    record_dataset(ctx.record, ds);
    clock.mark("read");
    const network::DatasetGraph dg = network::build_dataset_graph(ds, graph_.build_options(), ctx.progress);
    // The graph holds all the analysis needs of the roads, and the digest of
    // the dataset was taken when it was read: a gigabyte at national scale.
    ds.road_columns = model::RoadColumns{};
    std::vector<model::RoadSegment>().swap(ds.roads);
    clock.mark("road graph");
    const network::SegmentTable& table = dg.table;
    const network::BuildResult& built = dg.built;
    coverage::CoverageOptions o = o_;
    o.progress = ctx.progress;
    o.before_service_areas = [&](const coverage::CoverageResult& partial) { out.write_early(ds, partial); };
    const coverage::CoverageResult r = coverage::analyse(ds, table, built, o);
    clock.mark("analysis");
    out.finish(ds, r);
    clock.mark("write");

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto& c = r.city.all;
    nlohmann::json j = report::coverage_totals_json(ds, r);
    ctx.record["coverage"] = {{"out", dir_.string()},
                              {"city", j["city"]},
                              {"facilities", j["facilities"]},
                              {"passes", j["passes"]},
                              {"stages", stages_json(clock.stages())},
                              {"analysis_stages", stages_json(r.stages)},
                              {"seconds", seconds}};
    ctx.out << c.reached << " of " << c.villages << " villages reached ("
            << (std::isfinite(c.reach_rate) ? fixed(c.reach_rate * 100.0, 1) : "-") << "%), "
            << c.by_reason[static_cast<int>(coverage::Reach::township_only)] << " township only, "
            << c.by_reason[static_cast<int>(coverage::Reach::off_network)] << " off network, "
            << c.by_reason[static_cast<int>(coverage::Reach::disconnected)] << " disconnected\n";
    if (!r.ignored_unknown_tier.empty())
      ctx.out << r.ignored_unknown_tier.size() << " facilities of unknown tier left out (see `ruralnet validate`)\n";
    ctx.out << "written to " << dir_.string() << "/ (" << report::kCoverageJson << ", " << report::kCoverageCsv << ", "
            << report::kCoverageGpkg << ", " << report::kCoverageMarkdown << ") in " << fixed(seconds, 2) << " s\n";
    return 0;
  }

 private:
  DatasetArgs dataset_;
  coverage::CoverageOptions o_;
  std::string out_;
  std::filesystem::path dir_;
  bool overwrite_ = false;
  bool no_areas_ = false;
  GraphArgs graph_;
};

}  // namespace

std::unique_ptr<Command> make_coverage_command() { return std::make_unique<CoverageCommand>(); }

}  // namespace ruralnet::cli
