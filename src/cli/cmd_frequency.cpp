// `ruralnet frequency DATASET --out DIR`: what every township station's
// vehicles can deliver in a week, which villages fall below the target, and
// what consolidating carriers or adding vehicles would change
// (docs/frequency.md).
#include <chrono>
#include <cmath>
#include <filesystem>

#include "cli/commands.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/frequency/plan.hpp"
#include "ruralnet/io/atomic_file.hpp"
#include "ruralnet/io/read.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/report/frequency.hpp"

namespace ruralnet::cli {

namespace {

class FrequencyCommand final : public Command {
 public:
  std::string name() const override { return "frequency"; }
  std::string summary() const override {
    return "weekly delivery frequency per village: station routes, visits a week, carrier consolidation";
  }

  void declare(CLI::App& app) override {
    dataset_.declare(app);
    app.add_option("-o,--out", out_, "output folder (JSON, CSV, GeoPackage, Markdown)")->required();
    app.add_flag("--overwrite", overwrite_, "replace the output folder if it exists");
    app.add_option("--target", o_.target, "deliveries a week a village should get (default 3)");
    app.add_option("--days", o_.days, "working days a week of a station without working_days (default 6, Monday first)");
    app.add_option("--parcels-per-person", o_.parcels_per_person,
                   "parcels a day per resident of a village without demand_parcels_day (default 0.025)");
    app.add_option("--vehicles", o_.vehicles, "vehicles of a station without the vehicles field (default 1)");
    app.add_option("--capacity", o_.capacity, "parcels per vehicle of a station without vehicle_capacity_parcels (default 300)");
    app.add_option("--shift-hours", o_.shift_hours, "a vehicle's working day of a station without shift_hours (default 8)");
    app.add_option("--stop-min", o_.stop_min, "minutes at every stop of a station without stop_min (default 10)");
    app.add_option("--cost-per-km", o_.cost_per_km, "yuan per vehicle-km (default 1.5)");
    app.add_option("--cost-per-hour", o_.cost_per_hour, "yuan per vehicle-hour (default 40)");
    app.add_option("--add-vehicles", add_, "STATION=N: give station STATION N more vehicles (repeatable)");
    app.add_flag("--consolidate", o_.consolidate,
                 "compare the carriers' separate fleets with one shared fleet per station");
    app.add_option("--carriers", o_.carriers, "carrier codes the data may use (default EMS,SF,ZTO,YTO,STO,YUNDA,JD,BEST,JT,DBL,CAINIAO)")
        ->delimiter(',');
    app.add_option("--solver-rounds", o_.solver_rounds, "ruin-and-recreate rounds per day's routes (default 200)");
    app.add_option("--max-snap", o_.coverage.max_snap_m, "metres beyond which a point is off the network (default 2000)");
    app.add_option("--access-speed", o_.coverage.access_kmh, "km/h of the leg between a point and its road (default 15)");
    app.add_option("--station-threshold", o_.coverage.station_threshold_min,
                   "minutes within which a station -> outlet link counts as delivery (default 45)");
    app.add_option("--outlet-radius", o_.coverage.outlet_radius_m,
                   "road metres within which a linked outlet serves another village (default 3000)");
    graph_.declare(app);
  }

  void validate() override {
    dataset_.resolve();
    dataset_.read.roads_graph_only = true;  // nothing here reads the roads but the road graph
    graph_.check();
    o_.add_vehicles.clear();
    for (const std::string& a : add_) {
      const auto eq = a.rfind('=');
      if (eq == std::string::npos || eq == 0)
        throw UsageError("--add-vehicles takes STATION=N, got '" + a + "'", "e.g. --add-vehicles S341522100=1");
      const auto n = parse_integer(a.substr(eq + 1));
      if (!n || *n <= 0 || *n > 1000)
        throw UsageError("--add-vehicles " + a + ": N must be a whole number of vehicles from 1 to 1000");
      o_.add_vehicles[a.substr(0, eq)] += static_cast<int>(*n);
    }
    o_.coverage.node_crossings = graph_.node_crossings;
    o_.coverage.service_areas = false;
    frequency::check_options(o_);
    dir_ = output_folder(out_);
  }

  int run(RunContext& ctx) override {
    const auto t0 = std::chrono::steady_clock::now();
    io::check_output_path(dir_, overwrite_);
    const model::Dataset ds = io::read_dataset(dataset_.read, ctx.progress);
    record_dataset(ctx.record, ds);
    const network::DatasetGraph dg = network::build_dataset_graph(ds, graph_.build_options(), ctx.progress);
    frequency::FrequencyOptions o = o_;
    o.progress = ctx.progress;
    o.coverage.progress = ctx.progress;
    const frequency::FrequencyResult r = frequency::plan_frequency(ds, dg.table, dg.built, o);
    report::write_frequency(dir_, ds, r, overwrite_);

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const nlohmann::json j = report::frequency_json(ds, r);
    ctx.record["frequency"] = {{"out", dir_.string()}, {"city", j["city"]}, {"stats", j["stats"]},
                               {"findings", r.findings.size()}, {"seconds", seconds}};
    const auto& c = r.city;
    ctx.out << c.at_target << " of " << c.villages << " villages get at least " << o.target << " deliveries a week ("
            << (std::isfinite(c.share_at_target) ? fixed(c.share_at_target * 100.0, 1) : "-") << "%); "
            << fixed(c.vehicle_km_week, 0) << " vehicle-km a week, "
            << (std::isfinite(c.cost_per_parcel) ? fixed(c.cost_per_parcel, 2) : "-") << " yuan per parcel\n";
    if (o.consolidate)
      ctx.out << "consolidation: " << fixed(c.vehicle_km_week_separate, 0) << " -> " << fixed(c.vehicle_km_week, 0)
              << " vehicle-km a week, "
              << (std::isfinite(c.cost_per_parcel_separate) ? fixed(c.cost_per_parcel_separate, 2) : "-") << " -> "
              << (std::isfinite(c.cost_per_parcel) ? fixed(c.cost_per_parcel, 2) : "-") << " yuan per parcel, "
              << fixed(c.mean_visits_separate, 2) << " -> " << fixed(c.mean_visits, 2) << " visits a week per village\n";
    std::size_t infeasible = 0;
    for (const auto& f : r.findings) infeasible += f.kind == "beyond_shift" || f.kind == "unreachable" ? 1 : 0;
    if (infeasible) ctx.out << infeasible << " stops cannot be served within a shift (see findings)\n";
    ctx.out << "written to " << dir_.string() << "/ (" << report::kFrequencyJson << ", " << report::kFrequencyCsv << ", "
            << report::kFrequencyGpkg << ", " << report::kFrequencyMarkdown << ") in " << fixed(seconds, 2) << " s\n";
    return 0;
  }

 private:
  DatasetArgs dataset_;
  frequency::FrequencyOptions o_;
  std::vector<std::string> add_;
  std::string out_;
  std::filesystem::path dir_;
  bool overwrite_ = false;
  GraphArgs graph_;
};

}  // namespace

std::unique_ptr<Command> make_frequency_command() { return std::make_unique<FrequencyCommand>(); }

}  // namespace ruralnet::cli
