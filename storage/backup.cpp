// Why the source snapshot is held for the whole copy: sqlite3_backup_step restarts from page 1
// whenever another process has written the source since the previous step. Under a steady load
// the daemon commits every few milliseconds, so a large copy made of bounded steps would restart
// forever. An open read transaction on the source pins one WAL snapshot instead: in WAL mode a
// reader never blocks the writer, and the daemon's checkpoints are PASSIVE, so they only stop
// short of the frames the snapshot still needs (the WAL grows during the copy and is
// checkpointed after it).
#include "storage/backup.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <utility>

#include "storage/audit.hpp"
#include "storage/sqlite.hpp"

namespace actorshop::storage {
namespace {

namespace fs = std::filesystem;

/// Owns a sqlite3_backup handle; finish() reports the first error of the copy.
class backup_handle {
public:
  backup_handle(connection& to, connection& from)
      : to_(to), b_(sqlite3_backup_init(to.handle(), "main", from.handle(), "main")) {
    if (b_ == nullptr)
      throw_error(to.handle(), sqlite3_errcode(to.handle()), "backup init");
  }
  ~backup_handle() {
    if (b_ != nullptr)
      sqlite3_backup_finish(b_);
  }
  backup_handle(const backup_handle&) = delete;
  backup_handle& operator=(const backup_handle&) = delete;

  /// Copies up to `pages`; returns false once every page is copied.
  bool step(int pages) {
    int rc = sqlite3_backup_step(b_, pages);
    if (rc == SQLITE_DONE)
      return false;
    // BUSY/LOCKED cannot come from the source (its snapshot is held) and the copy is ours alone.
    if (rc != SQLITE_OK)
      throw error(rc, std::string("backup step: ") + sqlite3_errstr(rc));
    return true;
  }
  void finish() {
    int rc = sqlite3_backup_finish(std::exchange(b_, nullptr));
    if (rc != SQLITE_OK)
      throw_error(to_.handle(), rc, "backup finish");
  }
  int remaining() const { return sqlite3_backup_remaining(b_); }
  int total() const { return sqlite3_backup_pagecount(b_); }

private:
  connection& to_;
  sqlite3_backup* b_;
};

/// Flushes what the copy has written so far to disk.
void sync_file(connection& db) {
  sqlite3_file* f = nullptr;
  if (sqlite3_file_control(db.handle(), "main", SQLITE_FCNTL_FILE_POINTER, &f) == SQLITE_OK &&
      f != nullptr && f->pMethods != nullptr)
    f->pMethods->xSync(f, SQLITE_SYNC_NORMAL);
}

// The copy is written a step at a time and flushed after each step (a small cache makes SQLite
// write its pages out as it goes; synchronous OFF because a crash leaves only the .partial file,
// which is discarded): left to SQLite, the whole copy reaches the disk in one flood at the final
// commit, and the daemon's own fsyncs queue behind it (measured: stalls of ~0.5 s at FULL).
void copy_pages(connection& to, connection& from, const backup_options& o, backup_result& r) {
  to.exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -2048");
  from.exec("BEGIN");
  from.query_int64("SELECT COUNT(*) FROM sqlite_schema"); // starts the read: pins the snapshot
  backup_handle b(to, from);
  while (b.step(o.pages_per_step)) {
    sync_file(to);
    ++r.steps;
    if (o.progress)
      o.progress(b.remaining(), b.total());
  }
  ++r.steps;
  r.pages = b.total();
  b.finish();
  from.exec("COMMIT");
}

/// Makes the copy a single self-contained file and checks it.
void seal(connection& to, backup_result& r) {
  if (to.query_text("PRAGMA journal_mode = DELETE") != "delete")
    throw error(1, to.path() + ": cannot leave WAL mode");
  sync_file(to);
  auto problems = integrity_problems(to);
  if (!problems.empty())
    throw error(SQLITE_CORRUPT, to.path() + ": integrity_check: " + problems.front());
  r.user_version = to.query_int64("PRAGMA user_version");
}

} // namespace

backup_result backup(const backup_options& o) {
  if (fs::exists(o.to))
    throw error(SQLITE_CANTOPEN, o.to + " exists: a backup never overwrites a file");
  const std::string partial = o.to + ".partial";
  fs::remove(partial);
  backup_result r;
  try {
    connection from(o.from, SQLITE_OPEN_READONLY);
    from.busy_timeout(5000);
    connection to(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    copy_pages(to, from, o, r);
    seal(to, r);
  } catch (...) {
    fs::remove(partial);
    throw;
  }
  fs::rename(partial, o.to);
  r.bytes = static_cast<std::int64_t>(fs::file_size(o.to));
  return r;
}

} // namespace actorshop::storage
