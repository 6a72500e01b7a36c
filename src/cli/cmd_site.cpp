// `ruralnet site DATASET --out DIR`: sites provincial and municipal model
// village e-commerce outlets to per-county quotas (docs/siting.md).
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

#include "cli/commands.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/io/atomic_file.hpp"
#include "ruralnet/io/read.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/quota/plan.hpp"
#include "ruralnet/report/siting.hpp"
#include "ruralnet/siting/plan.hpp"

namespace ruralnet::cli {

namespace {

// --quota [LEVEL:]COUNTY=N, parsed without I/O; the county is resolved
// against the dataset and plan in run().
struct QuotaArg {
  std::optional<siting::Level> level;  // none = every level
  std::string county;
  int count = 0;
};

QuotaArg parse_quota(const std::string& spec) {
  QuotaArg q;
  const auto eq = spec.rfind('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    throw UsageError("--quota takes [LEVEL:]COUNTY=N, got '" + spec + "'", "e.g. --quota provincial:341522=8");
  std::string left = spec.substr(0, eq);
  if (const auto colon = left.find(':'); colon != std::string::npos) {
    q.level = siting::parse_level(left.substr(0, colon));
    if (!q.level)
      throw UsageError("--quota: unknown level '" + left.substr(0, colon) + "' in '" + spec + "'",
                       "levels are provincial and municipal");
    left = left.substr(colon + 1);
  }
  q.county = std::string(trim(left));
  const auto n = parse_integer(spec.substr(eq + 1));
  if (!n || *n < 0 || *n > 100000)
    throw UsageError("--quota: '" + spec.substr(eq + 1) + "' is not a count of sites (in '" + spec + "')");
  q.count = static_cast<int>(*n);
  return q;
}

class SiteCommand final : public Command {
 public:
  std::string name() const override { return "site"; }
  std::string summary() const override {
    return "site provincial and municipal model village e-commerce outlets to per-county quotas (MCLP, p-median, set cover)";
  }

  void declare(CLI::App& app) override {
    dataset_.declare(app);
    app.add_option("-o,--out", out_, "output folder (siting.json, sites.csv, siting.gpkg, siting.md)")->required();
    app.add_flag("--overwrite", overwrite_, "replace the output folder if it exists");
    app.add_option("--model", model_, "mclp (default), p-median or set-cover");
    app.add_option("--time", o_.time_min, "T, minutes by road within which a site covers a village (default 30)");
    app.add_option("--cutoff", o_.cutoff_min, "p-median: minutes beyond which a village counts as unreached, costing twice this (default 60)");
    app.add_option("--levels", levels_, "levels to site, in order (default provincial,municipal)")->delimiter(',');
    app.add_option("--plan", plan_, "plan file (ruralnet.plan/1) whose provincial_model_outlets and municipal_model_outlets give the quotas");
    app.add_option("--quota", quotas_, "[LEVEL:]COUNTY=N: at least N sites in the county (code or name); overrides the plan")
        ->type_name("[L:]C=N");
    app.add_flag("--quota-exact", quota_exact_, "quotas are exact: exactly N sites per county");
    app.add_option("--sites", sites_, "[LEVEL=]N: sites of a level (default: the plan's city figure or the quotas' sum)")
        ->type_name("[L=]N");
    app.add_option("--candidates", candidates_, "outlets (default), villages, or PATH[|LAYER]: a point layer with the facilities fields");
    app.add_option("--colocated", o_.colocated, "keep candidates co-located with one of: shop, poverty_post, bus_stop, finance_room, culture_station, beautiful_village")
        ->delimiter(',');
    app.add_option("--min-carriers", o_.min_carriers, "keep candidates served by at least N carriers");
    app.add_flag("--on-network", o_.main_component_only, "keep candidates on the main (largest) road component");
    app.add_option("--exclude", o_.exclude, "candidate ids never to choose")->delimiter(',');
    app.add_flag("--no-fixed", no_fixed_, "ignore existing designations (model_level) instead of keeping them");
    app.add_option("--spacing", o_.spacing_m, "metres: minimum geodesic distance between chosen sites (default 0 = none)");
    capacity_opt_ = app.add_option("--capacity", capacity_, "most demand (weighted population) one site serves (mclp, p-median)");
    app.add_option("--poor-weight", o_.poor_weight, "demand multiplier of a poor village (default 2)");
    app.add_option("--flood-weight", o_.flood_weight, "demand multiplier of a flood-zone village (default 1.5)");
    app.add_flag("--exact", o_.exact, "solve with CBC (exact MILP; small instances) instead of the heuristic");
    app.add_option("--exact-time-limit", o_.exact_time_limit_s, "seconds CBC may take per level (default 60)");
    app.add_option("--max-snap", o_.max_snap_m, "metres beyond which a point is off the network (default 2000)");
    app.add_option("--access-speed", o_.access_kmh, "km/h of the leg between a point and its road (default 15)");
    graph_.declare(app);
  }

  void validate() override {
    dataset_.resolve();
    dataset_.read.roads_graph_only = true;  // nothing here reads the roads but the road graph
    graph_.check();
    const auto obj = siting::parse_objective(model_);
    if (!obj) throw UsageError("--model: unknown model '" + model_ + "'", "use mclp, p-median or set-cover");
    o_.objective = *obj;
    if (levels_.empty()) levels_ = {"provincial", "municipal"};
    level_list_.clear();
    for (const auto& l : levels_) {
      const auto lv = siting::parse_level(l);
      if (!lv) throw UsageError("--levels: unknown level '" + l + "'", "use provincial, municipal or both");
      level_list_.push_back(*lv);
    }
    quota_args_.clear();
    for (const auto& q : quotas_) quota_args_.push_back(parse_quota(q));
    site_counts_.clear();
    for (const auto& s : sites_) {
      std::string lv, n = s;
      if (const auto eq = s.find('='); eq != std::string::npos) {
        lv = s.substr(0, eq);
        n = s.substr(eq + 1);
      }
      const auto v = parse_integer(n);
      if (!v || *v < 1) throw UsageError("--sites: '" + s + "' is not a positive count", "e.g. --sites provincial=45");
      if (lv.empty()) {
        for (const auto l : level_list_) site_counts_[l] = static_cast<int>(*v);
      } else {
        const auto l = siting::parse_level(lv);
        if (!l) throw UsageError("--sites: unknown level '" + lv + "'", "levels are provincial and municipal");
        site_counts_[*l] = static_cast<int>(*v);
      }
    }
    if (plan_.empty() && quota_args_.empty() && site_counts_.empty())
      throw UsageError("no quotas: give --plan, or --quota / --sites",
                       "e.g. --plan data/plans/luan-2018.json (indicators provincial_model_outlets, municipal_model_outlets)");
    if (capacity_opt_ && capacity_opt_->count() > 0) o_.capacity = capacity_;
    o_.use_designated = !no_fixed_;
    o_.node_crossings = graph_.node_crossings;
    if (candidates_.empty() || candidates_ == "outlets") o_.candidates = siting::CandidateKind::outlets;
    else if (candidates_ == "villages") o_.candidates = siting::CandidateKind::villages;
    else o_.candidates = siting::CandidateKind::layer;
    // Everything the library can check without the data, now.
    siting::SitingOptions probe = o_;
    for (const auto l : level_list_) probe.levels.push_back({l, {}, quota_exact_, 0, std::nullopt});
    siting::check_options(probe);
    dir_ = output_folder(out_);
  }

  int run(RunContext& ctx) override {
    const auto t0 = std::chrono::steady_clock::now();
    io::check_output_path(dir_, overwrite_);
    std::optional<quota::Plan> plan;
    if (!plan_.empty()) plan = quota::load_plan(plan_);
    const model::Dataset ds = io::read_dataset(dataset_.read, ctx.progress);
    record_dataset(ctx.record, ds);

    siting::SitingOptions o = o_;
    o.progress = ctx.progress;
    if (plan)
      for (const auto& c : plan->counties) o.county_names[c.code] = c.name;
    for (const auto l : level_list_) {
      siting::LevelSpec spec;
      spec.level = l;
      if (plan) spec = siting::level_from_plan(*plan, l);
      for (const auto& q : quota_args_)
        if (!q.level || *q.level == l) spec.quotas[siting::resolve_county(q.county, ds, plan ? &*plan : nullptr)] = q.count;
      spec.exact = quota_exact_;
      if (const auto it = site_counts_.find(l); it != site_counts_.end()) spec.sites = it->second;
      o.levels.push_back(spec);
    }
    if (o.candidates == siting::CandidateKind::layer) {
      io::ReadOptions ro;
      ro.layer_sources["facilities"] = candidates_;
      ro.required_layers = {"facilities"};
      ro.encoding = dataset_.read.encoding;
      ro.assume_crs = dataset_.read.assume_crs;
      const model::Dataset cds = io::read_dataset(ro, ctx.progress);
      o.layer_candidates = cds.facilities;
      o.layer_source = candidates_;
    }

    const network::DatasetGraph dg = network::build_dataset_graph(ds, graph_.build_options(), ctx.progress);
    const siting::SitingResult r = siting::site(ds, dg.table, dg.built, o);
    report::write_siting(dir_, ds, r, overwrite_, plan_);

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    nlohmann::json levels = nlohmann::json::array();
    for (const auto& l : r.levels)
      levels.push_back({{"level", siting::to_string(l.level)}, {"sites", l.sites}, {"designated", l.designated},
                        {"objective", l.solution.objective}, {"bound", l.solution.bound}, {"gap", l.solution.gap},
                        {"method", l.solution.method}, {"seconds", l.solution.seconds}});
    if (plan) ctx.record["plan"] = {{"file", plan_}, {"id", plan->id}};
    ctx.record["siting"] = {{"out", dir_.string()},
                            {"levels", levels},
                            {"input", {{"candidates", r.input.candidates.size()},
                                       {"villages", r.input.demand.size()},
                                       {"left_out", r.input.left_out.size()}}},
                            {"seconds", seconds}};
    auto& out = ctx.out;
    out << "model " << siting::to_string(o.objective) << ", T = " << fixed(o.time_min, 1) << " min, "
        << r.input.candidates.size() << " candidates, " << r.input.demand.size() << " villages";
    if (!r.input.left_out.empty()) out << " (" << r.input.left_out.size() << " points left out, see siting.json)";
    out << "\n";
    if (r.input.villages_without_population)
      out << r.input.villages_without_population << " villages have no population and weigh 0\n";
    for (const auto& l : r.levels) {
      const auto& s = l.solution;
      out << siting::to_string(l.level) << ": " << l.sites << " sites (" << l.designated << " designated), objective "
          << fixed(s.objective, 1) << ", bound " << fixed(s.bound, 1) << ", gap " << fixed(s.gap * 100.0, 3) << "% ("
          << s.method << (s.proven_optimal ? ", optimal" : "") << "), demand covered "
          << (l.total_demand > 0 ? fixed(100.0 * l.covered_demand / l.total_demand, 1) : std::string("-")) << "%, "
          << l.poor_villages_covered << " poor villages covered\n";
    }
    int met = 0;
    for (const auto& c : r.counties) met += c.met ? 1 : 0;
    out << "county quotas met: " << met << " of " << r.counties.size() << "\n";
    if (!r.waived_conflicts.empty())
      out << r.waived_conflicts.size() << " pairs of designated sites are closer than --spacing; both kept\n";
    out << "written to " << dir_.string() << "/ (" << report::kSitingJson << ", " << report::kSitingCsv << ", "
        << report::kSitingGpkg << ", " << report::kSitingMarkdown << ") in " << fixed(seconds, 2) << " s\n";
    return 0;
  }

 private:
  DatasetArgs dataset_;
  GraphArgs graph_;
  siting::SitingOptions o_;
  std::string out_;
  std::filesystem::path dir_;
  bool overwrite_ = false;
  std::string model_ = "mclp";
  std::vector<std::string> levels_;
  std::vector<siting::Level> level_list_;
  std::string plan_;
  std::vector<std::string> quotas_;
  std::vector<QuotaArg> quota_args_;
  bool quota_exact_ = false;
  std::vector<std::string> sites_;
  std::map<siting::Level, int> site_counts_;
  std::string candidates_;
  bool no_fixed_ = false;
  double capacity_ = 0.0;
  CLI::Option* capacity_opt_ = nullptr;
};

}  // namespace

std::unique_ptr<Command> make_site_command() { return std::make_unique<SiteCommand>(); }

}  // namespace ruralnet::cli
