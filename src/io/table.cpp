#include "ruralnet/io/table.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ruralnet/core/error.hpp"
#include "ruralnet/core/text.hpp"
#include "ruralnet/io/encoding.hpp"

namespace ruralnet::io {

// Defined in table_gdal.cpp.
Table read_gdal_table(const std::string& path, const TableOptions& options);

std::optional<std::size_t> Table::column(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (iequals(trim(columns[i]), trim(name))) return i;
  return std::nullopt;
}

std::string Table::where(const TableRow& row) const { return number_kind + " " + std::to_string(row.number); }

namespace {

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

std::vector<std::string_view> physical_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\n') {
      lines.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return lines;
}

// Decodes the file to UTF-8 line by line so that a bad byte is reported with
// its line; a line break byte never occurs inside a GBK/GB18030 character, so
// splitting before decoding is safe.
std::string decode(std::string_view raw, const std::string& source, const TableOptions& options, std::string& encoding) {
  const auto lines = physical_lines(raw);
  if (!options.encoding.empty()) {
    auto canon = canonical_encoding(options.encoding);
    if (!canon)
      throw InputError({source, "", "", ""}, "unknown text encoding '" + options.encoding + "'",
                       "use GBK, GB18030 or UTF-8");
    encoding = *canon;
  } else {
    std::vector<std::string> samples;
    for (auto l : lines)
      if (!is_ascii(l)) samples.emplace_back(l);
    auto detected = detect_encoding(samples);
    if (!detected)
      throw InputError({source, "", "", ""}, "cannot tell the text encoding (neither valid UTF-8 nor clearly GBK/GB18030)",
                       "give it with --encoding GBK (or GB18030, UTF-8)");
    encoding = *detected;
  }
  std::string out;
  out.reserve(raw.size() + raw.size() / 2);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    if (is_ascii(lines[i])) {
      out += lines[i];
      continue;
    }
    auto u = to_utf8(lines[i], encoding);
    if (!u)
      throw InputError({source, "", "line " + std::to_string(i + 1), ""},
                       "text is not valid " + encoding,
                       options.encoding.empty() ? "give the encoding with --encoding GBK (or GB18030, UTF-8)"
                                                : "check --encoding; the file may be in another encoding");
    out += *u;
  }
  return out;
}

bool blank_record(const std::vector<std::string>& fields) {
  for (const auto& f : fields)
    if (!trim(f).empty()) return false;
  return true;
}

}  // namespace

Table parse_csv(std::string_view raw, const std::string& source, const TableOptions& options) {
  Table t;
  t.source = source;
  t.number_kind = "line";
  if (raw.size() >= 2 && ((raw[0] == '\xFF' && raw[1] == '\xFE') || (raw[0] == '\xFE' && raw[1] == '\xFF')))
    throw InputError({source, "", "", ""}, "the file is UTF-16 text", "save it as UTF-8 (CSV UTF-8) or GBK");
  bool bom = false;
  if (raw.size() >= 3 && raw.substr(0, 3) == "\xEF\xBB\xBF") {
    raw.remove_prefix(3);
    bom = true;
  }
  TableOptions o = options;
  if (bom && o.encoding.empty()) o.encoding = "UTF-8";  // the mark says so
  const std::string text = decode(raw, source, o, t.encoding);

  // The header decides the separator: a tab-separated export has no commas there.
  const std::string_view first = text.substr(0, text.find('\n'));
  const char sep = (first.find('\t') != std::string_view::npos && first.find(',') == std::string_view::npos) ? '\t' : ',';

  std::size_t line = 1;
  std::size_t i = 0;
  bool header_done = false;
  while (i < text.size()) {
    const std::size_t start_line = line;
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;      // inside quotes
    bool end_record = false;
    while (i < text.size() && !end_record) {
      const char c = text[i];
      if (quoted) {
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          quoted = false;
          ++i;
          continue;
        }
        if (c == '\n') ++line;
        field += c;
        ++i;
        continue;
      }
      if (c == '"') {
        quoted = true;
        ++i;
      } else if (c == sep) {
        fields.push_back(std::move(field));
        field.clear();
        ++i;
      } else if (c == '\n') {
        ++line;
        ++i;
        end_record = true;
      } else if (c == '\r') {
        ++i;  // CRLF line ends
      } else {
        field += c;
        ++i;
      }
    }
    if (quoted)
      throw InputError({source, "", "line " + std::to_string(start_line), ""},
                       "a quoted field is never closed (a '\"' is missing)", "close the quote or remove it");
    fields.push_back(std::move(field));
    if (blank_record(fields)) {
      if (header_done) ++t.blank_rows;
      continue;
    }
    if (!header_done) {
      for (auto& f : fields) t.columns.emplace_back(trim(f));
      header_done = true;
      continue;
    }
    for (auto& f : fields) f = std::string(trim(f));
    t.rows.push_back({start_line, std::move(fields)});
  }
  if (!header_done)
    throw InputError({source, "", "", ""}, "the table is empty (no header line)", "the first line names the columns");
  return t;
}

Table read_table(const std::string& path, const TableOptions& options) {
  namespace fs = std::filesystem;
  const std::string ext = to_lower_ascii(fs::path(path).extension().string());
  if (ext == ".csv" || ext == ".txt" || ext == ".tsv") {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
      throw InputError({path, "", "", ""}, "file not found", "check the path");
    std::ifstream f(path, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    if (!f && !f.eof()) throw InputError({path, "", "", ""}, "cannot read the file");
    return parse_csv(ss.str(), path, options);
  }
  return read_gdal_table(path, options);
}

}  // namespace ruralnet::io
