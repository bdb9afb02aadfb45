// A PASSIVE checkpoint never blocks the writer: it copies what the WAL holds when it starts while
// the writer keeps appending. SQLite restarts the WAL from its beginning (overwriting, which is
// cheaper to fsync than growing the file) only if it was fully copied when the writer's next
// transaction begins, and the writer appends all the time. So each WAL cycle has two steps: this
// thread copies the bulk (start_pages) in the background, then the writer, in the hook after its
// next COMMIT, copies the few pages appended meanwhile (one small PASSIVE checkpoint on its own
// connection), and its next transaction restarts the WAL. One background pass per cycle, not one
// per commit: a pass fsyncs the database file, which would compete with the WAL's own fsyncs.
// If the WAL still reaches inline_pages, the writer checkpoints all of it, as SQLite would.
#include "storage/checkpointer.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "storage/logging.hpp"

namespace actorshop::storage {

checkpointer::checkpointer(checkpointer_options options, sqlite3* writer_db)
    : options_(std::move(options)), writer_db_(writer_db),
      db_(options_.path, SQLITE_OPEN_READWRITE) {
  db_.exec(options_.full_sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  next_pass_at_ = options_.start_pages;
  sqlite3_wal_hook(writer_db, &checkpointer::on_commit, this);
  thread_.start("storage-ckpt", [this](worker_thread& self) { run(self); });
}

checkpointer::~checkpointer() {
  thread_.stop(); // a pass in progress finishes first
  sqlite3_wal_hook(writer_db_, nullptr, nullptr);
}

std::uint64_t checkpointer::checkpoints() const { return passes_.load(); }

// Runs on the writer thread after every COMMIT, so it only compares and, rarely, notifies.
int checkpointer::on_commit(void* self, sqlite3* db, const char* schema, int wal_pages) {
  auto* me = static_cast<checkpointer*>(self);
  if (wal_pages < me->last_pages_) // the WAL restarted: a new cycle
    me->next_pass_at_ = me->options_.start_pages;
  me->last_pages_ = wal_pages;
  if (me->bulk_done_.exchange(false, std::memory_order_acq_rel) ||
      wal_pages >= me->options_.inline_pages) {
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }
  if (wal_pages < me->next_pass_at_)
    return SQLITE_OK;
  me->next_pass_at_ = wal_pages + me->options_.start_pages; // if this cycle's catch-up fails
  {
    std::lock_guard lock(me->thread_.mutex());
    me->requested_ = true;
  }
  me->thread_.notify();
  return SQLITE_OK;
}

void checkpointer::run(worker_thread& self) {
  for (;;) {
    {
      std::unique_lock lock(self.mutex());
      self.wait(lock, [&] { return requested_; });
      if (self.stop_requested())
        return;
      requested_ = false;
    }
    pass();
  }
}

// One background pass: copies what the WAL holds now; the writer's hook copies the rest.
void checkpointer::pass() {
  const auto started = std::chrono::steady_clock::now();
  int log = 0;
  int copied = 0;
  int rc =
      sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY)
    log_limited(
        log_level::warn, "checkpoint failed",
        fmt::format("storage checkpointer: checkpoint failed: {}", sqlite3_errmsg(db_.handle())));
  else
    bulk_done_.store(true, std::memory_order_release);
  if (options_.durations && telemetry::enabled())
    options_.durations->observe(telemetry::seconds_since(started));
  passes_.fetch_add(1);
  if (options_.on_pass)
    options_.on_pass();
}

} // namespace actorshop::storage
