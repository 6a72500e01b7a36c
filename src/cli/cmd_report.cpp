// `ruralnet report DATASET --out DIR`: one self-contained HTML map report and
// a static SVG map per analysis, drawn from the analyses' output folders
// (docs/report.md).
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "cli/commands.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/progress.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/coverage/coverage.hpp"
#include "ruralnet/io/atomic_file.hpp"
#include "ruralnet/io/read.hpp"
#include "ruralnet/maps/outputs.hpp"
#include "ruralnet/maps/report.hpp"
#include "ruralnet/network/build.hpp"
#include "ruralnet/report/coverage.hpp"
#include "ruralnet/report/roads.hpp"
#include "ruralnet/roads/audit.hpp"

namespace ruralnet::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kHtmlFile = "report.html";

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw RunError("cannot write " + p.string(), "check the disk space and the folder's permissions");
}

class ReportCommand final : public Command {
 public:
  std::string name() const override { return "report"; }
  std::string summary() const override {
    return "an HTML map report that opens from disk (no network) and static SVG maps, from the analyses' outputs";
  }

  void declare(CLI::App& app) override {
    dataset_.declare(app);
    app.add_option("-o,--out", out_, "output folder (report.html, map-<analysis>.svg, analyses run here)")->required();
    app.add_flag("--overwrite", overwrite_, "replace the output folder if it exists");
    app.add_option("--analyses", analyses_text_,
                   "comma-separated: coverage,roads,quota,site,frequency (default: coverage, roads and every one given a folder)")
        ->delimiter(',');
    app.add_option("--coverage", dirs_[0], "reuse the output folder of `ruralnet coverage`");
    app.add_option("--roads", dirs_[1], "reuse the output folder of `ruralnet roads`");
    app.add_option("--quota", dirs_[2], "reuse the output folder of `ruralnet quota`");
    app.add_option("--site", dirs_[3], "reuse the output folder of `ruralnet site`");
    app.add_option("--frequency", dirs_[4], "reuse the output folder of `ruralnet frequency`");
    app.add_option("--as-of", as_of_text_, "date of the road audit run here when --roads is not given (default: today)");
    app.add_option("--lang", lang_text_, "zh (default) or en: the language of labels, tables and legends");
    app.add_option("--width", svg_.width, "pixels, width of the static maps (default 1200)");
    app.add_option("--height", svg_.height, "pixels, height of the static maps (default 900)");
    app.add_flag("--static-only", static_only_, "write the SVG maps only, no HTML (needs no Leaflet)");
    app.add_option("--max-embed-mb", max_embed_mb_, "MB of map data above which the HTML report is refused (default 40)");
    app.add_option("--web-dir", web_dir_, "folder holding node_modules/leaflet (default: the source tree's web/)");
  }

  void validate() override {
    dataset_.resolve();
    const auto lang = maps::parse_lang(lang_text_);
    if (!lang) throw UsageError("--lang must be zh or en, got '" + lang_text_ + "'");
    lang_ = *lang;
    if (svg_.width < 300 || svg_.width > 20000 || svg_.height < 240 || svg_.height > 20000)
      throw UsageError("--width must be 300..20000 and --height 240..20000 pixels");
    if (!(max_embed_mb_ > 0) || !std::isfinite(max_embed_mb_)) throw UsageError("--max-embed-mb must be a positive number");
    if (!as_of_text_.empty()) {
      const auto d = parse_date(as_of_text_);
      if (!d) throw UsageError("--as-of: '" + as_of_text_ + "' is not a date", "write it as 2018-12-31");
      as_of_ = *d;
    } else {
      as_of_ = today_utc();
    }
    dir_ = output_folder(out_);

    chosen_.clear();
    const auto& all = maps::all_analyses();
    if (analyses_text_.empty()) {
      for (std::size_t i = 0; i < all.size(); ++i)
        if (i < 2 || !dirs_[i].empty()) chosen_.push_back(all[i]);
    } else {
      for (const auto& t : analyses_text_) {
        const auto a = maps::parse_analysis(std::string(trim(t)));
        if (!a) throw UsageError("--analyses: unknown analysis '" + t + "'", "choose from coverage,roads,quota,site,frequency");
        for (std::size_t i = 0; i < all.size(); ++i)
          if (all[i] == *a && std::find(chosen_.begin(), chosen_.end(), *a) == chosen_.end()) chosen_.push_back(*a);
      }
      std::sort(chosen_.begin(), chosen_.end());
      for (std::size_t i = 0; i < all.size(); ++i)
        if (!dirs_[i].empty() && std::find(chosen_.begin(), chosen_.end(), all[i]) == chosen_.end())
          throw UsageError(std::string("--") + maps::to_string(all[i]) + " is given but --analyses leaves it out");
    }
    for (maps::Analysis a : chosen_) {
      const auto i = static_cast<std::size_t>(a);
      if (dirs_[i].empty() && a != maps::Analysis::coverage && a != maps::Analysis::roads)
        throw UsageError(std::string("--analyses ") + maps::to_string(a) + " needs --" + maps::to_string(a) + " DIR",
                         std::string("run `ruralnet ") + maps::to_string(a) +
                             " ... --out DIR` first; the report runs only coverage and roads itself");
    }
  }

  int run(RunContext& ctx) override {
    const auto t0 = std::chrono::steady_clock::now();
    io::check_output_path(dir_, overwrite_);
    maps::Leaflet leaflet;
    if (!static_only_) leaflet = maps::load_leaflet(web_dir_.empty() ? maps::default_web_dir() : fs::path(web_dir_));

    const model::Dataset ds = io::read_dataset(dataset_.read, ctx.progress);
    record_dataset(ctx.record, ds);
    const std::string fp = model::fingerprint(ds);
    std::vector<std::string> county_codes;
    for (const auto& c : ds.counties) county_codes.push_back(c.code);

    // Folders given are checked before any work, so a wrong one costs nothing.
    std::vector<maps::AnalysisOutput> outputs;
    for (maps::Analysis a : chosen_) {
      const auto& d = dirs_[static_cast<std::size_t>(a)];
      if (!d.empty()) outputs.push_back(maps::read_output(a, d, fp, county_codes));
    }

    nlohmann::json files = nlohmann::json::array();
    nlohmann::json counts = nlohmann::json::object();
    std::size_t html_bytes = 0, data_bytes = 0;
    io::write_atomic(dir_, overwrite_, [&](const fs::path& tmp) {
      fs::create_directories(tmp);
      for (maps::Analysis a : chosen_) {
        if (!dirs_[static_cast<std::size_t>(a)].empty()) continue;
        const fs::path sub = tmp / maps::to_string(a);
        if (a == maps::Analysis::coverage) run_coverage(ds, sub, ctx);
        else run_roads(ds, sub, ctx);
        maps::AnalysisOutput o = maps::read_output(a, sub, fp, county_codes);
        o.dir = dir_ / maps::to_string(a);
        files.push_back((dir_ / maps::to_string(a)).string() + "/");
        outputs.push_back(std::move(o));
      }
      std::sort(outputs.begin(), outputs.end(), [](const auto& x, const auto& y) { return x.kind < y.kind; });

      Progress prog(ctx.progress, "drawing the report", 2 + chosen_.size());
      const maps::ReportData data = maps::build_report_data(ds, outputs, lang_);
      prog.advance();
      for (const auto& l : data.layers) counts[l["id"].get<std::string>()] = l["features"]["features"].size();
      data_bytes = maps::embedded_size(data);
      const double limit = max_embed_mb_ * 1024 * 1024;
      if (!static_only_ && static_cast<double>(data_bytes) > limit) {
        std::string gpkgs;
        for (const auto& o : outputs)
          if (!maps::contract(o.kind).gpkg.empty()) gpkgs += " " + (o.dir / maps::contract(o.kind).gpkg).string();
        throw InputError({ds.path, {}, {}, {}},
                         "the map data would take " + fixed(static_cast<double>(data_bytes) / 1048576.0, 1) +
                             " MB in the HTML report, over the limit of " + fixed(max_embed_mb_, 0) +
                             " MB (--max-embed-mb): a browser would open it slowly or not at all",
                         "write the static maps with --static-only, and open the dataset and the GeoPackages (" +
                             (gpkgs.empty() ? std::string("the analyses' .gpkg files") : gpkgs.substr(1)) +
                             ") in a GIS such as QGIS");
      }
      for (maps::Analysis a : chosen_) {
        const std::string f = std::string("map-") + maps::to_string(a) + ".svg";
        write_file(tmp / f, maps::render_svg(data, a, svg_));
        files.push_back((dir_ / f).string());
        prog.advance();
      }
      if (!static_only_) {
        const std::string html = maps::render_html(data, leaflet);
        html_bytes = html.size();
        write_file(tmp / kHtmlFile, html);
        files.insert(files.begin(), (dir_ / kHtmlFile).string());
      }
      prog.finish();
    });

    const double seconds = seconds_since(t0);
    nlohmann::json analyses = nlohmann::json::array();
    for (const auto& o : outputs)
      analyses.push_back({{"analysis", maps::to_string(o.kind)}, {"folder", o.dir.string()}});
    ctx.record["report"] = {{"out", dir_.string()},     {"files", files},         {"analyses", analyses},
                            {"features", counts},       {"html_bytes", html_bytes}, {"map_data_bytes", data_bytes},
                            {"seconds", seconds},       {"fingerprint", fp}};
    if (!static_only_)
      ctx.out << "report: " << (dir_ / kHtmlFile).string() << " (" << fixed(static_cast<double>(html_bytes) / 1048576.0, 1)
              << " MB, opens from disk without network)\n";
    for (const auto& o : outputs) ctx.out << maps::to_string(o.kind) << ": " << o.dir.string() << "\n";
    for (maps::Analysis a : chosen_)
      ctx.out << "static map: " << (dir_ / (std::string("map-") + maps::to_string(a) + ".svg")).string() << "\n";
    ctx.out << "written in " << fixed(seconds, 2) << " s\n";
    return 0;
  }

 private:
  void run_coverage(const model::Dataset& ds, const fs::path& sub, RunContext& ctx) const {
    const network::DatasetGraph dg = network::build_dataset_graph(ds, network::BuildOptions{}, ctx.progress);
    coverage::CoverageOptions o;
    o.progress = ctx.progress;
    const coverage::CoverageResult r = coverage::analyse(ds, dg.table, dg.built, o);
    report::write_coverage(sub, ds, r, false);
  }

  void run_roads(const model::Dataset& ds, const fs::path& sub, RunContext& ctx) const {
    const auto bad = roads::blocking_problems(ds);
    if (!bad.empty())
      throw InputError({ds.path, bad.front().layer, bad.front().feature_id, bad.front().field},
                       std::to_string(bad.size()) + " road row(s) cannot be used for the programme audit (first: " +
                           bad.front().message + ")",
                       "run `ruralnet roads` for the list, or leave roads out with --analyses");
    roads::AuditOptions o;
    o.as_of = as_of_;
    o.progress = ctx.progress;
    const roads::AuditResult r = roads::audit(ds, o);
    report::write_roads(sub, r, ds, false);
  }

  DatasetArgs dataset_;
  std::string out_, lang_text_ = "zh", as_of_text_, web_dir_;
  std::vector<std::string> analyses_text_;
  std::array<std::string, 5> dirs_;
  fs::path dir_;
  bool overwrite_ = false, static_only_ = false;
  double max_embed_mb_ = 40;
  maps::Lang lang_ = maps::Lang::zh;
  maps::SvgOptions svg_;
  Date as_of_;
  std::vector<maps::Analysis> chosen_;
};

}  // namespace

std::unique_ptr<Command> make_report_command() { return std::make_unique<ReportCommand>(); }

}  // namespace ruralnet::cli
