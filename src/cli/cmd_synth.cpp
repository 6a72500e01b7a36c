// `ruralnet synth --out PATH`: the synthetic Lu'an demo dataset (docs/synth.md).
#include <limits>

#include "cli/commands.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/synth/synth.hpp"

namespace ruralnet::cli {

namespace {

class SynthCommand final : public Command {
 public:
  std::string name() const override { return "synth"; }
  std::string summary() const override {
    return "generate the synthetic Lu'an demo dataset (or a province/nation-sized one for benchmarks)";
  }

  void declare(CLI::App& app) override {
    app.add_option("--out", out_, "dataset to write: a .gpkg file, or a folder with --format")->required();
    app.add_option("--seed", seed_text_, "random seed, a whole number (default 1); the same seed gives the same data");
    app.add_option("--scale", scale_text_, "luan (default), province (~1 M road segments) or nation (~10 M)");
    app.add_option("--format", format_, "output format when the extension does not say (GPKG, FlatGeobuf, GeoJSON, ...)");
    app.add_flag("--overwrite", overwrite_, "replace existing outputs");
    app.add_flag("-q,--quiet", quiet_, "no progress on stderr");
  }

  void validate() override {
    const auto seed = parse_integer(seed_text_);
    if (!seed || *seed < 0)
      throw UsageError("--seed must be a whole number of 0 or more, got '" + seed_text_ + "'");
    options_.seed = static_cast<std::uint64_t>(*seed);
    const auto scale = synth::parse_scale(to_lower_ascii(trim(scale_text_)));
    if (!scale) throw UsageError("--scale: unknown scale '" + scale_text_ + "'", "use luan, province or nation");
    options_.scale = *scale;
    options_.write.format = format_;
    options_.overwrite = overwrite_;
    // Format problems are usage errors: found here, before anything is generated.
    const io::OutputFormat fmt = io::resolve_output_format(out_, format_);
    if (!fmt.multi_layer && std::filesystem::path(out_).has_extension())
      throw UsageError("a " + fmt.driver + " file holds one layer; the dataset has five",
                       "write a GeoPackage (.gpkg), or name a folder without an extension and --format " + fmt.driver);
  }

  int run(RunContext& ctx) override {
    ProgressSettings progress = ctx.progress;
    progress.quiet = progress.quiet || quiet_;
    const synth::SynthSummary s = synth::write_synthetic(out_, options_, progress);
    nlohmann::json j = {{"dataset", s.paths.dataset.string()},
                        {"defects_manifest", s.paths.defects.string()},
                        {"progress_csv", s.paths.progress_csv.string()},
                        {"seed", options_.seed},
                        {"scale", synth::to_string(options_.scale)},
                        {"tiles", s.tiles},
                        {"counties", s.counties},
                        {"townships", s.townships},
                        {"villages", s.villages},
                        {"roads", s.roads},
                        {"facilities", s.facilities},
                        {"progress_records", s.progress},
                        {"defects", s.defects},
                        {"seconds", s.seconds}};
    if (options_.scale == synth::Scale::luan) {
      j["road_km"] = s.road_km;
      j["programme_km"] = s.programme_km;
    }
    ctx.record["synth"] = j;
    ctx.out << "wrote " << s.paths.dataset.string() << ": " << s.counties << " counties, " << s.townships
            << " townships, " << s.villages << " villages and communities, " << s.roads << " road segments, "
            << s.facilities << " facilities\n";
    if (options_.scale == synth::Scale::luan)
      ctx.out << "roads " << fixed(s.road_km, 1) << " km, of which programme roads " << fixed(s.programme_km, 1)
              << " km\n";
    ctx.out << "wrote " << s.paths.progress_csv.string() << ": " << s.progress << " progress records\n";
    ctx.out << "wrote " << s.paths.defects.string() << ": " << s.defects << " planted defects\n";
    ctx.out << "took " << fixed(s.seconds, 1) << " s\n";
    return 0;
  }

 private:
  std::string out_;
  std::string seed_text_ = "1";
  std::string scale_text_ = "luan";
  std::string format_;
  bool overwrite_ = false;
  bool quiet_ = false;
  synth::SynthOptions options_;
};

}  // namespace

std::unique_ptr<Command> make_synth_command() { return std::make_unique<SynthCommand>(); }

}  // namespace ruralnet::cli
