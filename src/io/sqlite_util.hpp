// What the two writers that go straight to a GeoPackage's SQLite tables (the
// rows in gpkg_rows.cpp, the R-trees in write.cpp) share: quoting, and
// opening a file GDAL has created.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "ruralnet/core/error.hpp"

namespace ruralnet::io::detail {

// s as an SQL identifier ("name") and as an SQL string literal ('text').
inline std::string sql_name(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}
inline std::string sql_text(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// The file opened for writing; `purpose` completes the error message
// ("cannot open 'f.gpkg' to <purpose>"). Writes are not synced: the file is
// a temporary, renamed into place only when complete.
inline sqlite3* open_for_writing(const std::filesystem::path& path, const std::string& purpose) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.string().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    const std::string m = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw RunError("cannot open '" + path.string() + "' to " + purpose + ": " + m);
  }
  if (sqlite3_exec(db, "PRAGMA synchronous = OFF", nullptr, nullptr, nullptr) != SQLITE_OK) {
    const std::string m = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw RunError("cannot write '" + path.string() + "': " + m);
  }
  return db;
}

}  // namespace ruralnet::io::detail
