// backup: a consistent copy of a database that another process is serving, with SQLite's online
// backup API, a bounded number of pages per step.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace actorshop::storage {

struct backup_options {
  std::string from;         ///< the served database
  std::string to;           ///< the copy; must not exist
  int pages_per_step = 256; ///< pages copied per sqlite3_backup_step
  /// Called after every step with the pages still to copy and the total.
  std::function<void(int remaining, int total)> progress;
};

struct backup_result {
  int pages = 0;                 ///< pages in the copy
  std::int64_t bytes = 0;        ///< the copy's size
  int steps = 0;                 ///< sqlite3_backup_step calls
  std::int64_t user_version = 0; ///< the copy's schema version
};

/// Copies `from` to `to` as of one snapshot taken at the start, then makes the copy a standalone
/// file (journal_mode DELETE: no -wal or -shm beside it) and runs integrity_check on it. The copy
/// is written under `to` + ".partial" and renamed when complete, so `to` never names a half copy.
/// Throws error (source unreadable, `to` exists, disk full, integrity_check not ok).
backup_result backup(const backup_options& options);

} // namespace actorshop::storage
