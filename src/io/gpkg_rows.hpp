// GeoPackage rows written straight into SQLite (WriteOptions::gpkg_direct):
// geometry blobs encoded as GDAL encodes them, rows inserted through one
// prepared statement per table on a thread of their own, and the metadata
// GDAL keeps for a layer written at the end as GDAL writes it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ruralnet/io/write.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace ruralnet::io::detail {

// An R-tree entry: feature ID and its envelope as 32-bit floats.
struct Cell {
  std::int64_t id;  // feature ID in a leaf, child node number above
  float minx, maxx, miny, maxy;
};

// SQLite's R-tree stores 32-bit floats rounded outwards (rtreeValueDown/Up in
// SQLite and in GDAL), so a box always covers its geometry.
float round_down(double d);
float round_up(double d);

struct Envelope {
  double minx, maxx, miny, maxy;
};

// Appends the blob gpkg_geometry_blob() describes to `out`; false (nothing
// appended) for a null geometry. `env` gets the envelope GDAL computes for the
// geometry (OGRGeometry::getEnvelope), `has_env` is false when it is empty.
bool append_gpkg_blob(std::string& out, const GeometryRef& g, GeometryType target, std::int32_t srs_id, Envelope& env,
                      bool& has_env);

// Rows into the tables of one GeoPackage. GDAL creates each table (and
// closes the file) before add_table; from then on this writer owns the file
// until finish() returns, except between sync() and the next write.
class GpkgRowWriter {
 public:
  GpkgRowWriter(const std::filesystem::path& path, std::size_t batch_size);
  ~GpkgRowWriter();
  GpkgRowWriter(const GpkgRowWriter&) = delete;
  GpkgRowWriter& operator=(const GpkgRowWriter&) = delete;

  // A table GDAL has created: `columns` are the field columns in schema order
  // (as GDAL named them), `geom_column` empty for a table without geometry.
  // GDAL's feature-count triggers are held back until finish().
  std::size_t add_table(const LayerSchema& schema, const std::string& table, const std::string& geom_column,
                        const std::vector<std::string>& columns);
  // Encodes the row on the calling thread and queues it. Throws RunError when
  // the inserting thread has failed.
  void write(std::size_t table, const GeometryRef& geometry, const std::vector<FieldValue>& values);
  // Returns once every queued row is inserted and committed (GDAL may then
  // open the file).
  void sync();
  // Inserts the rest, writes each table's feature count, extent and last
  // change (tables with rows) and restores the triggers, commits and closes.
  void finish();
  // The envelopes of a table's rows (non-empty geometries), by feature ID.
  std::vector<Cell>& cells(std::size_t table);

 private:
  struct Table;
  struct Chunk;
  void run();
  void insert(const Chunk& c);
  void begin();
  void commit();
  void push(bool commit_after);
  void fail(const std::string& what);
  std::string error_message() const;
  void exec(const std::string& sql);

  std::filesystem::path path_;
  std::size_t batch_size_;
  sqlite3* db_ = nullptr;
  std::vector<std::unique_ptr<Table>> tables_;
  bool in_transaction_ = false;
  std::size_t in_batch_ = 0;

  // The hand-over between the encoding (calling) thread and the inserting one.
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Chunk>> full_, free_;
  std::unique_ptr<Chunk> filling_;
  std::size_t busy_ = 0;  // chunks taken by the inserting thread, not yet done
  bool stop_ = false;
  std::string error_;  // the inserting thread's failure
  std::thread worker_;
};

}  // namespace ruralnet::io::detail
