// `ruralnet quota`: the quarterly quota report (docs/quota.md).
#include <cmath>

#include "cli/command.hpp"
#include "cli/commands.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/io/atomic_file.hpp"
#include "ruralnet/io/encoding.hpp"
#include "ruralnet/io/read.hpp"
#include "ruralnet/io/table.hpp"
#include "ruralnet/quota/plan.hpp"
#include "ruralnet/quota/progress.hpp"
#include "ruralnet/quota/report.hpp"
#include "ruralnet/quota/status.hpp"
#include "ruralnet/report/table.hpp"

namespace ruralnet::cli {

namespace {

std::string num(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  return fixed(v, 2);
}

class QuotaCommand : public Command {
 public:
  std::string name() const override { return "quota"; }
  std::string summary() const override { return "quarterly report: each county's progress on the plan's quotas"; }

  void declare(CLI::App& app) override {
    app.add_option("--plan", plan_, "plan file (JSON, schema ruralnet.plan/1)")->required();
    app.add_option("--progress", progress_, "progress records: CSV or any GDAL table (county_code, indicator, value, as_of, source)")
        ->required();
    app.add_option("--as-of", as_of_text_, "report date (YYYY-MM-DD); records after it are not counted")->required();
    app.add_option("--out", out_, "report folder to write (report.md, report.html, quota.csv, quota.json)")->required();
    app.add_flag("--overwrite", overwrite_, "replace an existing report folder");
    app.add_flag("--json", json_, "print quota.json to stdout instead of the text summary");
    app.add_option("--encoding", encoding_, "text encoding of the progress file (GBK, GB18030, UTF-8); default: detect");
    app.add_option("--progress-layer", progress_layer_, "layer of a multi-layer progress source (GDAL); default: the first");
    app.add_option("--dataset", dataset_, "dataset whose facilities/villages give model outlet and village counts to compare");
    app.add_option("--derived", derived_, "JSON of figures from other analyses: {\"indicators\":[{county_code,indicator,value,source}]}");
  }

  void validate() override {
    auto d = parse_date(as_of_text_);
    if (!d) throw UsageError("--as-of: '" + as_of_text_ + "' is not a date", "write it as YYYY-MM-DD, e.g. 2018-09-30");
    as_of_ = *d;
    if (!encoding_.empty() && !io::canonical_encoding(encoding_))
      throw UsageError("--encoding: unknown encoding '" + encoding_ + "'", "use GBK, GB18030 or UTF-8");
    // "q2/" names the folder q2; without this the folder's parent would be q2 itself.
    while (out_.size() > 1 && out_.back() == '/') out_.pop_back();
    if (out_.empty()) throw UsageError("--out: empty folder name");
  }

  int run(RunContext& ctx) override {
    const quota::Plan plan = quota::load_plan(plan_);
    const quota::PlanCheck check = quota::check_plan(plan);
    if (const auto n = quota::count(check.issues, model::Severity::error); n > 0)
      throw InputError({plan_, "", "", ""}, "the plan has " + std::to_string(n) + " error finding(s)",
                       "run 'ruralnet plan check " + plan_ + "' and fix them first");
    io::check_output_path(out_, overwrite_);

    const io::Table table = io::read_table(progress_, {encoding_, progress_layer_});
    const quota::ProgressSet progress = quota::read_progress(table, plan, as_of_);

    quota::Issues derived_issues;
    std::vector<quota::DerivedFigure> derived;
    std::string fingerprint;
    if (!dataset_.empty()) {
      io::ReadOptions ro;
      ro.dataset = dataset_;
      const model::Dataset ds = io::read_dataset(ro, ctx.progress);
      derived = quota::derive_from_dataset(plan, ds, derived_issues);
      if (!ds.read_findings.empty())
        derived_issues.push_back({model::Severity::warning, "dataset_read_findings", dataset_,
                                  std::to_string(ds.read_findings.size()) +
                                      " problem(s) while reading the dataset; map counts may be off (run 'ruralnet validate' to list them)"});
      record_dataset(ctx.record, ds);
      fingerprint = model::fingerprint(ds);
    }
    if (!derived_.empty()) {
      auto more = quota::load_derived(derived_, plan, derived_issues);
      derived.insert(derived.end(), more.begin(), more.end());
    }
    quota::QuotaResult result = quota::compute_quota(plan, progress, derived, as_of_);
    result.issues.insert(result.issues.begin(), derived_issues.begin(), derived_issues.end());

    const quota::ReportInput in{plan, progress, result, dataset_, derived_, fingerprint};
    quota::write_report(in, out_, overwrite_);

    quota::Issues all = progress.issues;
    all.insert(all.end(), result.issues.begin(), result.issues.end());
    const std::size_t errors = quota::count(all, model::Severity::error);
    const std::size_t warnings = quota::count(all, model::Severity::warning);

    std::map<quota::Status, std::size_t> tally;
    for (const auto& r : result.rows) ++tally[r.status];
    nlohmann::json counts;
    for (auto s : quota::kAllStatuses) counts[quota::to_string(s)] = tally[s];
    ctx.record["plan"] = {{"file", plan_}, {"id", plan.id}};
    ctx.record["as_of"] = as_of_.iso();
    ctx.record["progress"] = {{"file", progress_}, {"encoding", progress.encoding}, {"rows", progress.rows},
                              {"accepted", progress.accepted}, {"excluded", progress.excluded}};
    ctx.record["county_status"] = counts;
    ctx.record["findings"] = {{"errors", errors}, {"warnings", warnings}};
    ctx.record["outputs"] = {out_ + "/report.md", out_ + "/report.html", out_ + "/quota.csv", out_ + "/quota.json"};

    if (json_) {
      ctx.out << quota::quota_json(in).dump(2) << "\n";
    } else {
      auto& o = ctx.out;
      o << "quota report for plan " << plan.id << " as of " << as_of_.iso() << " written to " << out_ << "/\n";
      o << "progress " << progress_ << " (" << progress.encoding << "): " << progress.rows << " rows, " << progress.accepted
        << " accepted, " << progress.excluded << " excluded";
      if (progress.blank_rows) o << ", " << progress.blank_rows << " blank rows skipped";
      o << "\ncounty quotas:";
      for (auto s : quota::kAllStatuses) o << " " << quota::to_string(s) << " " << tally[s];
      o << "\n\n";
      report::TextTable t({"indicator", ">target", ">actual", ">share", ">expected", "status", "deadline", ">reporting"});
      for (const auto& r : result.city_rows)
        t.add({r.indicator, num(r.target), r.actual ? num(*r.actual) : "-", r.share ? fixed(*r.share * 100, 1) + "%" : "-",
               fixed(r.expected_share * 100, 1) + "%", quota::to_string(r.status), r.deadline.iso(),
               r.actual_from == "sum_of_counties" || !r.actual
                   ? std::to_string(r.counties_reporting) + "/" + std::to_string(r.counties_total)
                   : "city figure"});
      o << "City roll-up:\n" << t.render();
      if (!all.empty()) {
        o << "\nFindings (" << errors << " errors, " << warnings << " warnings):\n";
        for (const auto& i : all) o << "  " << i.where << ": " << model::to_string(i.severity) << " " << i.kind << ": " << i.message << "\n";
      }
    }
    return errors > 0 ? static_cast<int>(ExitCode::findings) : 0;
  }

 private:
  std::string plan_, progress_, as_of_text_, out_, encoding_, progress_layer_, dataset_, derived_;
  bool overwrite_ = false, json_ = false;
  Date as_of_;
};

}  // namespace

std::unique_ptr<Command> make_quota_command() { return std::make_unique<QuotaCommand>(); }

}  // namespace ruralnet::cli
