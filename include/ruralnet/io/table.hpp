// Reading attribute tables (CSV, or any table GDAL opens: XLSX, ODS, DBF,
// GeoPackage, Shapefile ...) into rows of UTF-8 text, each with the number a
// person finds it by: the 1-based line of a CSV file, the 1-based position of a
// feature in a GDAL layer. Typing and checking the values is the caller's job,
// so that it can say "line 7, field value" about anything it rejects.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ruralnet::io {

struct TableRow {
  std::size_t number = 0;           // CSV: line where the record starts; GDAL: 1-based feature position
  std::vector<std::string> values;  // as many as the row has (a CSV row may have more or fewer than the header)
};

struct Table {
  std::string source;                // the file as named
  std::string layer;                 // GDAL layer read; empty for CSV
  std::string encoding;              // encoding the text was decoded from ("UTF-8", "GB18030", "GBK" ...)
  std::string number_kind = "line";  // "line" (CSV) or "feature" (GDAL)
  std::vector<std::string> columns;  // header names, trimmed
  std::vector<TableRow> rows;        // data rows; blank rows are left out and counted
  std::size_t blank_rows = 0;        // rows with no text in any field (trailing blank lines, ",,,,")

  // Index of a column by name, ignoring ASCII case and surrounding blanks.
  std::optional<std::size_t> column(std::string_view name) const;
  // "line 7" / "feature 7".
  std::string where(const TableRow& row) const;
};

struct TableOptions {
  // Text encoding ("GBK", "GB18030", "UTF-8"); empty = detect, refusing when unsure.
  std::string encoding;
  // Layer of a multi-layer GDAL source; empty = the only (or first) layer.
  std::string layer;
};

// Reads a .csv/.txt/.tsv file with ruralnet's own parser (RFC 4180 quoting,
// quoted fields may span lines, a UTF-8 byte order mark is dropped, comma or
// — when the header has tabs but no commas — tab separated) and anything else
// through GDAL. Throws InputError for a missing or unreadable file, text that
// is not valid in the encoding (naming the line), an encoding that cannot be
// told, an unterminated quote, or a table without a header.
Table read_table(const std::string& path, const TableOptions& options = {});

// The CSV parser on text already in memory (raw bytes, any encoding); `source`
// names it in messages.
Table parse_csv(std::string_view raw, const std::string& source, const TableOptions& options = {});

}  // namespace ruralnet::io
