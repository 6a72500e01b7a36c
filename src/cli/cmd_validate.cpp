// `ruralnet validate`: reads a dataset and lists every problem a planner can
// fix, as a table or JSON (docs/validate.md).
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>

#include "cli/command.hpp"
#include "cli/commands.hpp"
#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/validation/validate.hpp"

namespace ruralnet::cli {

namespace {

// Terminal columns of UTF-8 text: CJK and full-width characters take two.
std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    std::uint32_t cp = len == 1 ? c : c & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
    for (std::size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
    w += wide ? 2 : 1;
    i += len;
  }
  return w;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

class ValidateCommand : public Command {
 public:
  std::string name() const override { return "validate"; }
  std::string summary() const override { return "check a dataset and list every problem found (exit 1 on errors)"; }

  void declare(CLI::App& app) override {
    // DATASET may be left out when --layer names every layer to read.
    data_.declare(app, /*dataset_required=*/false);
    app.add_flag("--json", json_, "print the findings as JSON (schema ruralnet.validate/1) instead of a table");
    app.add_option("--max-rows", max_rows_, "table rows to print at most; 0 = all (default 50)")->check(CLI::NonNegativeNumber);
    app.add_option("--require", require_,
                   "comma-separated layers that must be present, or 'none' (default: all five)")
        ->type_name("LAYERS");
  }

  void validate() override {
    data_.resolve();
    auto& req = data_.read.required_layers;
    req.clear();
    const std::string r = to_lower_ascii(trim(require_));
    if (r == "none") return;
    if (r.empty() || r == "all") {
      req = io::kLayerNames;
      return;
    }
    for (const auto& part : split(r, ',')) {
      const std::string l{trim(part)};
      if (l.empty()) continue;
      if (std::find(io::kLayerNames.begin(), io::kLayerNames.end(), l) == io::kLayerNames.end())
        throw UsageError("--require: unknown layer '" + l + "'", "layers are " + join(io::kLayerNames, ", ") + ", or 'none'");
      req.push_back(l);
    }
  }

  int run(RunContext& ctx) override {
    const model::Dataset ds = io::read_dataset(data_.read, ctx.progress);
    validation::ValidateOptions vo;
    vo.progress = ctx.progress;
    const model::Findings findings = validation::validate(ds, vo);

    const std::size_t errors = model::count(findings, model::Severity::error);
    const std::size_t warnings = model::count(findings, model::Severity::warning);
    const std::size_t infos = model::count(findings, model::Severity::info);
    std::map<std::string, std::size_t> by_kind;
    for (const auto& f : findings) ++by_kind[f.kind];
    const nlohmann::json counts = {{"error", errors}, {"warning", warnings}, {"info", infos},
                                   {"total", findings.size()}, {"by_kind", by_kind}};

    if (json_) {
      nlohmann::json j;
      j["schema"] = "ruralnet.validate/1";
      j["dataset"] = ds.path;
      j["findings"] = nlohmann::json::array();
      for (const auto& f : findings) {
        nlohmann::json x = {{"severity", model::to_string(f.severity)},
                            {"kind", f.kind},
                            {"layer", f.layer},
                            {"feature_id", f.feature_id},
                            {"field", f.field},
                            {"message", f.message}};
        if (f.location) {
          x["lon"] = f.location->lon;
          x["lat"] = f.location->lat;
        } else {
          x["lon"] = nullptr;
          x["lat"] = nullptr;
        }
        j["findings"].push_back(std::move(x));
      }
      j["counts"] = counts;
      ctx.out << j.dump(2) << '\n';
    } else {
      print_table(ctx.out, findings);
      ctx.out << plural(findings.size(), "finding", "findings") << ": " << plural(errors, "error", "errors") << ", "
              << plural(warnings, "warning", "warnings") << ", " << infos << " info\n";
    }

    record_dataset(ctx.record, ds);
    ctx.record["validate"] = counts;
    return errors > 0 ? static_cast<int>(ExitCode::findings) : 0;
  }

 private:
  void print_table(std::ostream& out, const model::Findings& findings) const {
    if (findings.empty()) {
      out << "no findings\n";
      return;
    }
    const std::size_t shown = max_rows_ == 0 ? findings.size() : std::min<std::size_t>(findings.size(), max_rows_);
    const char* heads[] = {"severity", "kind", "layer", "feature", "field", "reason"};
    std::vector<std::array<std::string, 6>> rows;
    rows.push_back({heads[0], heads[1], heads[2], heads[3], heads[4], heads[5]});
    for (std::size_t i = 0; i < shown; ++i) {
      const auto& f = findings[i];
      rows.push_back({model::to_string(f.severity), f.kind, f.layer, f.feature_id, f.field, f.message});
    }
    std::array<std::size_t, 6> width{};
    for (const auto& r : rows)
      for (std::size_t c = 0; c < 5; ++c) width[c] = std::max(width[c], display_width(r[c]));
    for (const auto& r : rows) {
      std::string line;
      for (std::size_t c = 0; c < 5; ++c) {
        line += r[c];
        line.append(width[c] - display_width(r[c]) + 2, ' ');
      }
      line += r[5];
      out << line << '\n';
    }
    if (shown < findings.size())
      out << "... " << (findings.size() - shown) << " more not shown (--max-rows 0 shows all, --json lists all)\n";
  }

  DatasetArgs data_;
  bool json_ = false;
  std::size_t max_rows_ = 50;
  std::string require_;
};

}  // namespace

std::unique_ptr<Command> make_validate_command() { return std::make_unique<ValidateCommand>(); }

}  // namespace ruralnet::cli
