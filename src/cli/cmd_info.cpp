// `ruralnet info DATASET`: what a dataset holds, measured (docs/info.md).
#include "cli/commands.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/inventory/summary.hpp"
#include "ruralnet/io/read.hpp"
#include "ruralnet/report/info.hpp"

namespace ruralnet::cli {

namespace {

class InfoCommand final : public Command {
 public:
  std::string name() const override { return "info"; }
  std::string summary() const override {
    return "layers, counts, CRS, extent, road km by class/programme/status, the road graph";
  }

  void declare(CLI::App& app) override {
    dataset_.declare(app);
    app.add_flag("--json", json_, "print the summary as JSON (schema ruralnet.info/1) instead of tables");
    app.add_flag("--no-graph", no_graph_, "skip building the road graph");
    graph_.declare(app);
  }

  void validate() override {
    dataset_.resolve();
    graph_.check();
  }

  int run(RunContext& ctx) override {
    const model::Dataset ds = io::read_dataset(dataset_.read, ctx.progress);
    record_dataset(ctx.record, ds);
    inventory::SummaryOptions opt;
    opt.build_graph = !no_graph_;
    opt.progress = ctx.progress;
    opt.graph = graph_.build_options();
    const inventory::Summary s = inventory::summarize(ds, opt);
    const nlohmann::json j = report::info_json(s);
    ctx.record["info"] = j;
    ctx.out << (json_ ? j.dump(2) + "\n" : report::info_text(s));
    return 0;
  }

 private:
  DatasetArgs dataset_;
  bool json_ = false;
  bool no_graph_ = false;
  GraphArgs graph_;
};

}  // namespace

std::unique_ptr<Command> make_info_command() { return std::make_unique<InfoCommand>(); }

}  // namespace ruralnet::cli
