// `ruralnet plan check PLAN [--json]` (docs/plan.md).
#include <cmath>
#include <map>

#include "cli/command.hpp"
#include "cli/commands.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/quota/plan.hpp"
#include "ruralnet/report/table.hpp"

namespace ruralnet::cli {

namespace {

std::string num(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  return fixed(v, 3);
}

class PlanCommand : public Command {
 public:
  std::string name() const override { return "plan"; }
  std::string summary() const override { return "work with a plan file (plan check: is the plan consistent?)"; }

  void declare(CLI::App& app) override {
    app.require_subcommand(1);
    check_ = app.add_subcommand("check", "check a plan file: quotas add up, deadlines within the phases, references exist");
    check_->add_option("PLAN", file_, "plan file (JSON, schema ruralnet.plan/1)")->required();
    check_->add_flag("--json", json_, "print the result as JSON instead of text");
  }

  void validate() override {
    if (!check_->parsed()) throw UsageError("plan: no action given", "use 'ruralnet plan check PLAN'");
  }

  int run(RunContext& ctx) override {
    const quota::Plan plan = quota::load_plan(file_);
    const quota::PlanCheck check = quota::check_plan(plan);
    const std::size_t errors = quota::count(check.issues, model::Severity::error);
    const std::size_t warnings = quota::count(check.issues, model::Severity::warning);
    std::size_t with_quotas = 0, adding_up = 0;
    for (const auto& s : check.sums)
      if (!s.city_only) {
        ++with_quotas;
        if (s.adds_up) ++adding_up;
      }
    const bool all_add_up = with_quotas == adding_up;

    nlohmann::json j;
    j["schema"] = "ruralnet.plan-check/1";
    j["plan"] = {{"file", file_}, {"id", plan.id}, {"title", plan.title}, {"start", plan.start.iso()},
                 {"counties", plan.counties.size()}, {"units", plan.units.size()}, {"phases", plan.phases.size()},
                 {"tasks", plan.tasks.size()}, {"indicators", plan.indicators.size()}};
    j["quota_sums"] = nlohmann::json::array();
    for (const auto& s : check.sums)
      j["quota_sums"].push_back({{"indicator", s.indicator}, {"city_only", s.city_only}, {"counties", s.counties},
                                 {"quota_sum", s.city_only ? nlohmann::json(nullptr) : nlohmann::json(s.quota_sum)},
                                 {"city_target", s.city_target}, {"adds_up", s.city_only ? nlohmann::json(nullptr) : nlohmann::json(s.adds_up)}});
    j["all_quotas_add_up"] = all_add_up;
    j["deadlines"] = nlohmann::json::array();
    std::map<Date, std::pair<std::vector<std::string>, std::vector<std::string>>> due;
    for (const auto& t : plan.tasks) due[t.deadline].first.push_back(t.id);
    for (const auto& ind : plan.indicators) due[plan.deadline(ind)].second.push_back(ind.id);
    for (const auto& [d, ti] : due) {
      const quota::Phase* ph = plan.phase_at(d);
      j["deadlines"].push_back({{"date", d.iso()}, {"phase", ph ? nlohmann::json(ph->id) : nlohmann::json(nullptr)},
                                {"tasks", ti.first}, {"indicators", ti.second}});
    }
    j["findings"] = nlohmann::json::array();
    for (const auto& i : check.issues)
      j["findings"].push_back({{"severity", model::to_string(i.severity)}, {"kind", i.kind}, {"where", i.where}, {"message", i.message}});
    j["errors"] = errors;
    j["warnings"] = warnings;

    ctx.record["plan"] = {{"file", file_}, {"id", plan.id}};
    ctx.record["findings"] = {{"errors", errors}, {"warnings", warnings}, {"total", check.issues.size()}};
    ctx.record["all_quotas_add_up"] = all_add_up;

    if (json_) {
      ctx.out << j.dump(2) << "\n";
    } else {
      auto& o = ctx.out;
      o << "plan " << plan.id << ": " << plan.title << " (" << file_ << ")\n";
      o << "  " << plan.counties.size() << " counties, " << plan.units.size() << " units, " << plan.phases.size() << " phases, "
        << plan.tasks.size() << " tasks, " << plan.indicators.size() << " indicators; starts " << plan.start.iso() << "\n\n";
      o << "Quotas against city targets:\n";
      report::TextTable t({"indicator", ">counties", ">quota sum", ">city target", "check"});
      for (const auto& s : check.sums) {
        if (s.city_only)
          t.add({s.indicator, "-", "-", num(s.city_target), "city-level target, no county quotas"});
        else
          t.add({s.indicator, std::to_string(s.counties), num(s.quota_sum), num(s.city_target),
                 s.adds_up ? "adds up" : (s.quota_sum < s.city_target ? "SHORT of the target" : "above the target")});
      }
      o << t.render();
      if (with_quotas == 0)
        o << "No indicator has county quotas.\n";
      else if (all_add_up)
        o << "All " << with_quotas << " indicators with county quotas add up exactly to their city targets.\n";
      else
        o << (with_quotas - adding_up) << " of " << with_quotas << " indicators with county quotas do not add up to their city targets.\n";
      o << "\nDeadlines:\n";
      for (const auto& [d, ti] : due) {
        const quota::Phase* ph = plan.phase_at(d);
        o << "  " << d.iso() << " (" << (ph ? "phase " + ph->id : std::string("no phase")) << "): ";
        if (!ti.first.empty()) o << "tasks " << join(ti.first, ", ");
        if (!ti.first.empty() && !ti.second.empty()) o << "; ";
        if (!ti.second.empty()) o << "indicators " << join(ti.second, ", ");
        o << "\n";
      }
      o << "\n";
      if (check.issues.empty()) {
        o << "No findings: the plan is consistent.\n";
      } else {
        o << "Findings (" << errors << " errors, " << warnings << " warnings):\n";
        for (const auto& i : check.issues)
          o << "  " << model::to_string(i.severity) << " " << i.kind << " at " << i.where << ": " << i.message << "\n";
      }
    }
    return errors > 0 ? static_cast<int>(ExitCode::findings) : 0;
  }

 private:
  CLI::App* check_ = nullptr;
  std::string file_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_plan_command() { return std::make_unique<PlanCommand>(); }

}  // namespace ruralnet::cli
