// `ruralnet roads DATASET --as-of DATE`: the rural road programme audit
// (docs/roads.md).
#include <cmath>
#include <fstream>
#include <sstream>

#include "cli/command.hpp"
#include "cli/commands.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/io/atomic_file.hpp"
#include "ruralnet/io/read.hpp"
#include "ruralnet/report/roads.hpp"
#include "ruralnet/roads/audit.hpp"

namespace ruralnet::cli {

namespace {

class RoadsCommand final : public Command {
 public:
  std::string name() const override { return "roads"; }
  std::string summary() const override {
    return "audit the rural road programme: km by county and status, findings, what the roads connected";
  }

  void declare(CLI::App& app) override {
    dataset_.declare(app);
    app.add_option("--as-of", as_of_text_, "date the totals are taken at (2018-09-30, 2018/9/30 or 2018年9月30日)")
        ->required();
    app.add_option("--out", out_, "folder to write (summary.json, segments.csv, findings.csv, roads_audit.gpkg, report.md)");
    app.add_flag("--overwrite", overwrite_, "replace an existing output folder");
    app.add_flag("--json", json_, "print summary.json to stdout instead of the text summary");
    app.add_option("--target-km", o_.target_km, "the city's programme target in km (default 4451)");
    app.add_option("--county-targets", targets_file_, "CSV county_code,target_km of per-county targets");
    app.add_option("--length-tolerance-pct", tol_pct_, "declared vs measured: percent of the length (default 2)");
    app.add_option("--length-tolerance-m", o_.length_tolerance_m, "declared vs measured: at least this many metres (default 50)");
    app.add_option("--gap-tolerance", o_.gap_tolerance_m, "metres within which an unjoined end is a gap (default 20)");
    app.add_option("--snap-tolerance", o_.snap_tolerance_m, "metres within which road ends are joined (default 5)");
    app.add_option("--overlap-tolerance", o_.overlap_tolerance_m, "metres apart that parallel pieces are the same road (default 1)");
    app.add_option("--min-overlap", o_.min_overlap_m, "shared metres below which two roads only touch (default 5)");
    app.add_option("--outside-share", outside_pct_, "percent of a segment outside its county that is flagged (default 50)");
    app.add_option("--village-snap", o_.village_snap_m, "metres within which a village is joined to the nearest road node (default 2000)");
    app.add_option("--speeds", speeds_file_, "CSV of class,speed_kmh overriding the default speed per road class");
    app.add_flag("--no-access", no_access_, "skip the with/without comparison of village access");
  }

  void validate() override {
    dataset_.resolve();
    const auto d = parse_date(as_of_text_);
    if (!d) throw UsageError("--as-of: '" + as_of_text_ + "' is not a date", "write it as 2018-09-30, 2018/9/30 or 2018年9月30日");
    o_.as_of = *d;
    auto check = [](double v, double lo, double hi, const char* opt) {
      if (!(v >= lo && v <= hi))
        throw UsageError(std::string(opt) + " must be between " + fixed(lo, 0) + " and " + fixed(hi, 0) + ", got " +
                         fixed(v, 3));
    };
    check(o_.target_km, 0.001, 1e7, "--target-km");
    check(tol_pct_, 0, 100, "--length-tolerance-pct");
    check(o_.length_tolerance_m, 0, 1e5, "--length-tolerance-m");
    check(o_.gap_tolerance_m, 0, 1000, "--gap-tolerance");
    check(o_.snap_tolerance_m, 0, 1000, "--snap-tolerance");
    check(o_.overlap_tolerance_m, 0, 100, "--overlap-tolerance");
    check(o_.min_overlap_m, 0, 1e5, "--min-overlap");
    check(outside_pct_, 0, 100, "--outside-share");
    check(o_.village_snap_m, 0, 1e5, "--village-snap");
    if (o_.gap_tolerance_m < o_.snap_tolerance_m)
      throw UsageError("--gap-tolerance must not be below --snap-tolerance (ends within the snap tolerance are joined)");
    o_.length_tolerance_share = tol_pct_ / 100.0;
    o_.outside_share = outside_pct_ / 100.0;
    o_.compare_access = !no_access_;
  }

  int run(RunContext& ctx) override {
    if (!out_.empty()) io::check_output_path(out_, overwrite_);
    if (!speeds_file_.empty()) o_.speeds = network::read_speed_table(speeds_file_);
    if (!targets_file_.empty()) {
      std::ifstream in(targets_file_, std::ios::binary);
      if (!in) throw InputError({targets_file_, {}, {}, {}}, "cannot read the county targets file", "check the path");
      std::ostringstream text;
      text << in.rdbuf();
      o_.county_targets_km = roads::parse_county_targets(text.str(), targets_file_);
    }
    const model::Dataset ds = io::read_dataset(dataset_.read, ctx.progress);
    record_dataset(ctx.record, ds);
    refuse_bad_rows(ds);

    o_.progress = ctx.progress;
    const roads::AuditResult r = roads::audit(ds, o_);
    const nlohmann::json j = report::roads_json(r, ds);
    ctx.record["roads"] = {{"as_of", r.as_of.iso()},
                           {"completed_km", j["completed_km"]},
                           {"completion", j["completion"]},
                           {"findings", j["findings"]}};
    if (!out_.empty()) {
      report::write_roads(out_, r, ds, overwrite_);
      ctx.record["outputs"] = {out_};
    }
    ctx.out << (json_ ? j.dump(2) + "\n" : report::roads_text(r));
    return 0;
  }

 private:
  // Rows whose programme, status, length or date cannot be read would make
  // every total wrong, so the audit refuses them all at once, listed.
  static void refuse_bad_rows(const model::Dataset& ds) {
    const auto bad = roads::blocking_problems(ds);
    if (bad.empty()) return;
    std::string list;
    constexpr std::size_t kShown = 20;
    for (std::size_t i = 0; i < bad.size() && i < kShown; ++i) {
      const auto& f = bad[i];
      list += "\n  " + f.layer + " '" + f.feature_id + "'" + (f.field.empty() ? "" : " field '" + f.field + "'") +
              ": " + f.message + " [" + f.kind + "]";
    }
    if (bad.size() > kShown) list += "\n  ... and " + std::to_string(bad.size() - kShown) + " more";
    InputLocation where;
    where.layer = bad.front().layer;
    if (auto it = ds.layers.find(bad.front().layer); it != ds.layers.end()) where.file = it->second.source;
    throw InputError(where, std::to_string(bad.size()) + " row(s) cannot be used for the totals:" + list,
                     "correct these values (allowed programmes: none, changtong, kuomian; statuses: planned, building, "
                     "completed; dates like 2018-07-05, 2018/7/5 or 2018年7月5日), or run 'ruralnet validate' for "
                     "every problem");
  }

  DatasetArgs dataset_;
  roads::AuditOptions o_;
  std::string as_of_text_, out_, targets_file_, speeds_file_;
  bool overwrite_ = false, json_ = false, no_access_ = false;
  double tol_pct_ = 2.0, outside_pct_ = 50.0;
};

}  // namespace

std::unique_ptr<Command> make_roads_command() { return std::make_unique<RoadsCommand>(); }

}  // namespace ruralnet::cli
