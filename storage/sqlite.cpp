// RAII wrappers over the SQLite C API; every failure becomes a storage::error with SQLite's
// message.
#include "storage/sqlite.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <utility>

namespace actorshop::storage {

error::error(int code, const std::string& message, int system_errno)
    : std::runtime_error(message), code_(code), system_errno_(system_errno) {}

bool error::is_constraint() const noexcept { return (code_ & 0xff) == SQLITE_CONSTRAINT; }

bool error::is_full() const noexcept {
  return (code_ & 0xff) == SQLITE_FULL ||
         ((code_ & 0xff) == SQLITE_IOERR && system_errno_ == ENOSPC);
}

bool configure_process() {
  static const bool configured =
      sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 256 * 1024) == SQLITE_OK;
  return configured;
}

void throw_error(sqlite3* db, int rc, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  int code = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  if ((code & 0xff) != (rc & 0xff))
    code = rc; // the connection's last error belongs to another call
  throw error(code, message, db != nullptr ? sqlite3_system_errno(db) : 0);
}

// --- statement ---

statement::statement(sqlite3* db, std::string_view sql) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    throw_error(db, rc, "prepare '" + std::string(sql.substr(0, 80)) + "'");
  }
}

statement::~statement() { sqlite3_finalize(stmt_); }

statement::statement(statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}

statement& statement::operator=(statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

namespace {
void check_bind(sqlite3_stmt* stmt, int rc) {
  if (rc != SQLITE_OK)
    throw_error(sqlite3_db_handle(stmt), rc, "bind");
}
} // namespace

statement& statement::bind(int index, std::int64_t value) {
  check_bind(stmt_, sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

statement& statement::bind(int index, double value) {
  check_bind(stmt_, sqlite3_bind_double(stmt_, index, value));
  return *this;
}

statement& statement::bind(int index, std::string_view text) {
  check_bind(stmt_, sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                                      SQLITE_TRANSIENT));
  return *this;
}

statement& statement::bind_null(int index) {
  check_bind(stmt_, sqlite3_bind_null(stmt_, index));
  return *this;
}

bool statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  sqlite3* db = sqlite3_db_handle(stmt_);
  std::string sql = sqlite3_sql(stmt_) != nullptr ? sqlite3_sql(stmt_) : "";
  if (sql.size() > 80)
    sql.resize(80);
  sqlite3_reset(stmt_); // leaves the statement reusable; the error stays on the connection
  throw_error(db, rc, "step '" + sql + "'");
}

void statement::run() {
  while (step()) {
  }
}

std::int64_t statement::column_int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double statement::column_double(int column) const { return sqlite3_column_double(stmt_, column); }

std::string statement::column_text(int column) const { return std::string(column_view(column)); }

std::string_view statement::column_view(int column) const {
  auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr)
    return {};
  return {text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

bool statement::column_is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

void statement::reset() { sqlite3_reset(stmt_); }

void statement::clear_bindings() { sqlite3_clear_bindings(stmt_); }

// --- connection ---

connection::connection(const std::string& path, int flags) : path_(path) {
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message =
        "open " + path + ": " + (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw error(rc, message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

connection::~connection() { sqlite3_close_v2(db_); }

connection::connection(connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

connection& connection::operator=(connection&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

void connection::exec(std::string_view sql) {
  std::string owned(sql); // sqlite3_exec needs a NUL-terminated string
  char* message = nullptr;
  int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    if (owned.size() > 80)
      owned.resize(80);
    throw error(sqlite3_extended_errcode(db_), path_ + ": '" + owned + "': " + text,
                sqlite3_system_errno(db_));
  }
}

void connection::busy_timeout(int ms) { sqlite3_busy_timeout(db_, ms); }

std::int64_t connection::query_int64(std::string_view sql) {
  statement s(db_, sql);
  return s.step() ? s.column_int64(0) : 0;
}

std::string connection::query_text(std::string_view sql) {
  statement s(db_, sql);
  return s.step() ? s.column_text(0) : std::string();
}

bool connection::read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }

} // namespace actorshop::storage
