// Thin RAII wrappers over the SQLite C API: a connection, a prepared statement and the error type
// every storage failure is reported with. Nothing here knows the schema.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace actorshop::storage {

/// A SQLite failure: the primary or extended result code and SQLite's own message.
class error : public std::runtime_error {
public:
  /// `system_errno` is the OS error behind an I/O failure (sqlite3_system_errno), 0 if none.
  error(int code, const std::string& message, int system_errno = 0);
  /// Returns the SQLite result code (extended when SQLite gave one).
  int code() const noexcept { return code_; }
  /// Returns whether this is a constraint violation (CHECK, UNIQUE, PRIMARY KEY, NOT NULL).
  bool is_constraint() const noexcept;
  /// Returns whether the database or its disk is full: SQLITE_FULL, or an I/O error for ENOSPC.
  bool is_full() const noexcept;

private:
  int code_;
  int system_errno_;
};

/// Applies process-wide SQLite settings: a 256 KiB statement-journal spill threshold, so each
/// SAVEPOINT's page copies go into one in-memory chunk instead of ~1 KiB pieces (about a fifth of
/// the writer's CPU per unit). SQLite accepts this only before its first use in the process: call
/// it first thing in main. Idempotent; returns whether the setting is in effect.
bool configure_process();

/// Throws `error` for `rc` with the connection's message, prefixed by `what`.
[[noreturn]] void throw_error(sqlite3* db, int rc, std::string_view what);

/// A prepared statement. Indexes are 1-based for bind, 0-based for columns, as in SQLite.
class statement {
public:
  statement(sqlite3* db, std::string_view sql); ///< prepares (persistent); throws error
  ~statement();
  statement(statement&& other) noexcept;
  statement& operator=(statement&& other) noexcept;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  statement& bind(int index, std::int64_t value);
  statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  statement& bind(int index, double value);
  statement& bind(int index, std::string_view text); ///< copied by SQLite (SQLITE_TRANSIENT)
  statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  statement& bind_null(int index);

  /// Runs one step: true if a row is available, false when done; throws error otherwise.
  bool step();
  /// Runs to completion, for statements that return no rows.
  void run();

  std::int64_t column_int64(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;
  /// Returns the text without copying; valid until the next step, reset or finalize.
  std::string_view column_view(int column) const;
  bool column_is_null(int column) const;

  void reset();
  void clear_bindings();
  sqlite3_stmt* handle() const noexcept { return stmt_; }

private:
  sqlite3_stmt* stmt_ = nullptr;
};

/// An open database connection.
class connection {
public:
  /// Opens `path` with SQLITE_OPEN_* `flags` (NOMUTEX is added: one thread uses a connection at a
  /// time). Throws error naming the path.
  connection(const std::string& path, int flags);
  ~connection();
  connection(connection&& other) noexcept;
  connection& operator=(connection&& other) noexcept;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Runs one or more SQL statements that return nothing useful; throws error.
  void exec(std::string_view sql);
  /// Makes a locked database wait up to `ms` before failing with SQLITE_BUSY.
  void busy_timeout(int ms);
  statement prepare(std::string_view sql) { return statement(db_, sql); }
  /// Returns the single integer the query yields (e.g. PRAGMA user_version, COUNT(*)).
  std::int64_t query_int64(std::string_view sql);
  std::string query_text(std::string_view sql);
  /// Returns whether the main database was opened read-only (by flag or by file permissions).
  bool read_only() const;
  const std::string& path() const noexcept { return path_; }
  sqlite3* handle() const noexcept { return db_; }

private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

} // namespace actorshop::storage
