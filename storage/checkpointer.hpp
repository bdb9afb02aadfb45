// Copies the WAL back into the database file on a thread of its own. SQLite's default is to
// checkpoint inside the COMMIT that pushed the WAL past 1,000 pages, on the writer thread: a
// stall of several milliseconds (copy ~4 MB, fsync the database) every few hundred batches,
// during which no unit commits and every producer waits. Here the writer only copies the last
// few pages of each cycle (see checkpointer.cpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "storage/sqlite.hpp"
#include "storage/telemetry.hpp"
#include "storage/worker_thread.hpp"

namespace actorshop::storage {

struct checkpointer_options {
  std::string path;          ///< the database (already migrated, in WAL mode)
  bool full_sync = true;     ///< synchronous=FULL for the checkpoint's own fsyncs
  int start_pages = 1'000;   ///< a WAL this long wakes the checkpointer (SQLite's default)
  int inline_pages = 64'000; ///< a WAL this long (~256 MB) is checkpointed by the writer
  std::function<void()> on_pass = nullptr;   ///< called on the checkpointer thread after each pass
  telemetry::histogram* durations = nullptr; ///< observes each pass's duration, if given
};

class checkpointer {
public:
  /// Opens its own connection and starts the thread; `writer_db` gets a WAL hook (replacing
  /// SQLite's auto-checkpoint) that wakes the thread. Throws error if the database cannot open.
  checkpointer(checkpointer_options options, sqlite3* writer_db);
  /// Stops the thread (a checkpoint in progress finishes first) and removes the hook: call it when
  /// the writer connection is idle (its thread joined).
  ~checkpointer();
  checkpointer(const checkpointer&) = delete;
  checkpointer& operator=(const checkpointer&) = delete;

  std::uint64_t checkpoints() const; ///< passes run so far (for tests and metrics)

private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void run(worker_thread& self);
  void pass();

  checkpointer_options options_;
  sqlite3* writer_db_;
  connection db_;
  bool requested_ = false;             // guarded by thread_.mutex()
  std::atomic<bool> bulk_done_{false}; // a pass finished: the writer's hook copies the rest
  int last_pages_ = 0;                 // writer thread only: WAL length after the previous commit
  int next_pass_at_ = 0;               // writer thread only: WAL length that requests the next pass
  std::atomic<std::uint64_t> passes_{0};
  worker_thread thread_; // last: stopped before the members its loop uses go away
};

} // namespace actorshop::storage
