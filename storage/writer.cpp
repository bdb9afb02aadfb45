// The writer's setup and public API: opening and tuning the write connection, the impl (its
// checkpointer, its syncer with full_pipelined, its thread), and what producers call: submit,
// flush, stop, stats. The writer thread's loop is in writer_batch.cpp.
#include "storage/writer.hpp"

#include <sys/stat.h>

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>

#include "storage/schema.hpp"
#include "storage/writer_impl.hpp"

namespace actorshop::storage {
namespace {

connection open_database(const writer_options& options) {
  bool configured = configure_process(); // works if this is the process's first SQLite use
  connection db(options.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // SQLite silently falls back to read-only when the file is not writable: refuse it here, or
  // every commit would fail later with a less helpful message.
  if (db.read_only())
    throw error(SQLITE_READONLY, "open " + options.path + ": database file is read-only");
  db.busy_timeout(options.busy_timeout_ms);
  migrate(db);
  // full_pipelined runs SQLite at NORMAL: the wal_syncer does the fsync FULL would do in COMMIT.
  db.exec(options.sync == sync_mode::full ? "PRAGMA synchronous = FULL"
                                          : "PRAGMA synchronous = NORMAL");
  // Savepoint journals stay in memory: in one 256 KiB chunk when configure_process() came first
  // (temp_store must then stay FILE, or SQLite uses its ~1 KiB pieces), else in those pieces.
  db.exec(configured ? "PRAGMA temp_store = DEFAULT" : "PRAGMA temp_store = MEMORY");
  // A 64 MiB page cache keeps the hot rows resident.
  db.exec("PRAGMA cache_size = -65536; PRAGMA foreign_keys = OFF");
  // A size cap: writes that need pages beyond it fail with SQLITE_FULL (STORAGE_FULL, 503) as on
  // a full disk. SQLite raises a cap below the current size to the current size.
  if (options.max_bytes > 0) {
    const auto page = db.query_int64("PRAGMA page_size");
    db.query_int64("PRAGMA max_page_count = " +
                   std::to_string(std::max<std::int64_t>(1, options.max_bytes / page)));
  }
  // Take the write lock once now, so a database locked by someone else fails here (after the busy
  // timeout) with a clear error instead of failing every batch later.
  db.exec("BEGIN IMMEDIATE");
  db.exec("COMMIT");
  return db;
}

} // namespace

writer::impl::impl(writer_options o) : options(std::move(o)), db(open_database(options)) {
  options.max_batch = std::max<std::size_t>(options.max_batch, 1);
  queue.reserve(std::min<std::size_t>(options.max_queue, 65'536));
  batch.reserve(queue.capacity());
  results.reserve(options.max_batch);
  ckpt = std::make_unique<checkpointer>(
      checkpointer_options{.path = options.path,
                           .full_sync = options.sync != sync_mode::normal,
                           .on_pass = options.on_checkpoint,
                           .durations = &tel.checkpoint_duration},
      db.handle());
  if (options.sync == sync_mode::full_pipelined) {
    outgoing.reserve(options.max_batch);
    syncer = std::make_unique<wal_syncer>(
        options.path + "-wal", [this](auto ok, auto bad) { count_answers(ok, bad); },
        &tel.fsync_duration);
  }
}

void writer::impl::count_answers(std::uint64_t ok, std::uint64_t bad) {
  committed.fetch_add(ok, std::memory_order_relaxed);
  failed.fetch_add(bad, std::memory_order_relaxed);
  {
    std::lock_guard lock(thread.mutex());
    completed += ok + bad;
  }
  drained.notify_all();
}

bool writer::impl::take_injection(const std::string& label) {
  std::lock_guard lock(inject_mutex);
  auto it = injections.find(label);
  if (it == injections.end())
    return false;
  if (--it->second <= 0)
    injections.erase(it);
  injecting.store(!injections.empty(), std::memory_order_relaxed);
  return true;
}

void writer::impl::fail_all(std::size_t count, domain::status why) {
  results.assign(count, why); // a batch can fail before finish() sized the results
}

writer::writer(writer_options options) : impl_(std::make_unique<impl>(std::move(options))) {
  // The name is visible in top -H and perf.
  impl_->thread.start("storage-writer", [this](worker_thread& self) { impl_->run(self); });
}

writer::~writer() { stop(); }

void writer::submit(std::string_view label, unit_fn unit, done_fn done) {
  item next{std::string(label), std::move(unit), std::move(done)};
  bool accepted = false;
  bool wake = false;
  {
    std::lock_guard lock(impl_->thread.mutex());
    if (!impl_->thread.stopping() && impl_->queue.size() < impl_->options.max_queue) {
      impl_->queue.push_back(std::move(next));
      // The writer sleeps on an empty queue, or lingers until the queue reaches `awaited`.
      wake = impl_->queue.size() == (impl_->awaited ? impl_->awaited : 1);
      ++impl_->submitted;
      accepted = true;
    }
  }
  if (!accepted) {
    next.done(domain::errc::unavailable);
    return;
  }
  if (wake)
    impl_->thread.notify();
}

void writer::flush() {
  std::unique_lock lock(impl_->thread.mutex());
  std::uint64_t target = impl_->submitted;
  impl_->drained.wait(lock, [&] { return impl_->completed >= target; });
}

void writer::stop() {
  if (impl_->thread.is_current()) {
    impl_->thread.stop(); // from a unit or a done callback: only requests it (no self-join)
    return;
  }
  std::lock_guard lock(impl_->join_mutex);
  impl_->thread.stop();  // the loop commits what is queued first
  impl_->syncer.reset(); // answers what the last batches committed, then joins
  impl_->ckpt.reset();
}

writer_stats writer::stats() const {
  writer_stats s;
  s.units_committed = impl_->committed.load(std::memory_order_relaxed);
  s.units_failed = impl_->failed.load(std::memory_order_relaxed);
  s.batches = impl_->batches.load(std::memory_order_relaxed);
  s.checkpoints = impl_->ckpt ? impl_->ckpt->checkpoints() : 0;
  std::lock_guard lock(impl_->thread.mutex());
  s.queue_depth = impl_->queue.size();
  return s;
}

const writer_telemetry& writer::telemetry() const { return impl_->tel; }

std::uint64_t writer::wal_bytes() const {
  struct ::stat st {};
  if (::stat((impl_->options.path + "-wal").c_str(), &st) != 0)
    return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

void writer::inject_failure(std::string_view label, int count) {
  if (count <= 0)
    return;
  std::lock_guard lock(impl_->inject_mutex);
  impl_->injections[std::string(label)] += count;
  impl_->injecting.store(true, std::memory_order_relaxed);
}

} // namespace actorshop::storage
