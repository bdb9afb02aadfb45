// The group-commit writer: producers append to a bounded queue under a mutex; the writer thread
// swaps the whole queue out and commits it as one transaction (one fsync for the lot). With a
// linger, it keeps the transaction open a little longer and runs the units that arrive meanwhile. Units run
// without savepoints; only when one fails is the batch rolled back and re-run, each unit in its own
// SAVEPOINT. The hot loop reuses prepared statements and the swapped vectors' capacity, so
// a unit costs its std::functions and its SQL, nothing more.
#include "storage/writer.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iterator>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "storage/checkpointer.hpp"
#include "storage/schema.hpp"
#include "storage/sqlite.hpp"
#include "storage/wal_syncer.hpp"

namespace actorshop::storage {
namespace {

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

template <class V>
using string_map = std::unordered_map<std::string, V, string_hash, std::equal_to<>>;

/// The row an add_later() sum goes to: its SQL (a literal) and its key.
struct later_key {
  std::string_view sql;
  std::int64_t id;
  std::string text;
  bool operator==(const later_key&) const = default;
};

struct later_hash {
  std::size_t operator()(const later_key& k) const noexcept {
    std::size_t h = std::hash<std::string_view>{}(k.sql);
    h ^= std::hash<std::int64_t>{}(k.id) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h ^ (std::hash<std::string>{}(k.text) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  }
};

/// The write_context units see: a statement cache keyed by SQL text. Statements a unit used are
/// reset when it ends, so none stays mid-step across a SAVEPOINT release or the COMMIT.
class context final : public write_context {
public:
  explicit context(connection& db) : db_(db) { used_.reserve(64); }

  statement& prepare(std::string_view sql) override {
    auto it = cache_.find(sql);
    if (it == cache_.end())
      it = cache_.emplace(std::string(sql), std::make_unique<statement>(db_.handle(), sql)).first;
    statement& s = *it->second;
    s.reset();
    s.clear_bindings();
    used_.push_back(&s);
    return s;
  }

  sqlite3* handle() override { return db_.handle(); }

  void add_later(std::string_view sql, std::int64_t key, std::string_view text_key,
                 std::array<std::int64_t, 3> deltas) override {
    auto& sum = later_[later_key{sql, key, std::string(text_key)}];
    for (std::size_t i = 0; i < deltas.size(); ++i)
      sum[i] += deltas[i];
  }

  /// Runs the summed add_later() updates; throws error if one fails or misses its row.
  void apply_later() {
    for (const auto& [k, sums] : later_) {
      statement& s = prepare(k.sql);
      const int params = sqlite3_bind_parameter_count(s.handle());
      s.bind(1, k.id);
      if (params >= 2)
        s.bind(2, k.text);
      for (int i = 3; i <= std::min(params, 5); ++i)
        s.bind(i, sums[static_cast<std::size_t>(i - 3)]);
      s.run();
      if (sqlite3_changes(db_.handle()) != 1)
        throw error(SQLITE_ERROR, "add_later: no row for key " + std::to_string(k.id) + " of: " +
                                         std::string(k.sql));
    }
    later_.clear();
    end_unit();
  }

  void drop_later() { later_.clear(); }

  void end_unit() {
    for (statement* s : used_)
      s->reset();
    used_.clear();
  }

private:
  connection& db_;
  string_map<std::unique_ptr<statement>> cache_;
  std::vector<statement*> used_;
  std::unordered_map<later_key, std::array<std::int64_t, 3>, later_hash> later_;
};

struct item {
  std::string label; // short labels stay in the small-string buffer: no allocation
  unit_fn unit;
  done_fn done;
};

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
  // Take the write lock once now, so a database locked by someone else fails here (after the busy
  // timeout) with a clear error instead of failing every batch later.
  db.exec("BEGIN IMMEDIATE");
  db.exec("COMMIT");
  return db;
}

} // namespace

struct writer::impl {
  writer_options options;
  connection db;
  context ctx{db};
  statement begin{db.handle(), "BEGIN IMMEDIATE"};
  statement commit{db.handle(), "COMMIT"};
  statement rollback{db.handle(), "ROLLBACK"};
  statement savepoint{db.handle(), "SAVEPOINT unit"};
  statement release{db.handle(), "RELEASE unit"};
  statement rollback_to{db.handle(), "ROLLBACK TO unit"};

  mutable std::mutex mutex;
  std::condition_variable wake;    // the writer waits for work
  std::condition_variable drained; // flush() waits for completions
  std::vector<item> queue;
  bool stopping = false;
  std::size_t awaited = 0; // guarded by mutex: while lingering, the queue size that ends the wait
  std::uint64_t submitted = 0; // guarded by mutex
  std::uint64_t completed = 0; // guarded by mutex

  std::atomic<std::uint64_t> committed{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> batches{0};

  std::atomic<bool> injecting{false};
  std::mutex inject_mutex;
  string_map<int> injections;

  std::vector<item> batch;             // owned by the writer thread
  std::vector<domain::status> results; // owned by the writer thread
  std::vector<completion> outgoing;    // owned by the writer thread; full_pipelined only
  std::unique_ptr<wal_syncer> syncer;  // full_pipelined only
  std::unique_ptr<checkpointer> ckpt;  // copies the WAL into the database off this thread
  std::mutex join_mutex;
  std::thread thread;

  explicit impl(writer_options o) : options(std::move(o)), db(open_database(options)) {
    options.max_batch = std::max<std::size_t>(options.max_batch, 1);
    queue.reserve(std::min<std::size_t>(options.max_queue, 65'536));
    batch.reserve(queue.capacity());
    results.reserve(options.max_batch);
    ckpt = std::make_unique<checkpointer>(
        checkpointer_options{.path = options.path, .full_sync = options.sync != sync_mode::normal},
        db.handle());
    if (options.sync == sync_mode::full_pipelined) {
      outgoing.reserve(options.max_batch);
      syncer = std::make_unique<wal_syncer>(options.path + "-wal",
                                            [this](auto ok, auto bad) { count_answers(ok, bad); });
    }
  }

  void count_answers(std::uint64_t ok, std::uint64_t bad) {
    committed.fetch_add(ok, std::memory_order_relaxed);
    failed.fetch_add(bad, std::memory_order_relaxed);
    {
      std::lock_guard lock(mutex);
      completed += ok + bad;
    }
    drained.notify_all();
  }

  void run();
  bool take_more(std::size_t expected, std::chrono::steady_clock::time_point deadline);
  void commit_range(std::size_t first, std::size_t last, std::size_t expected);
  bool run_fast_unit(item& unit);
  void finish(std::size_t first, std::size_t count, bool fast);
  void fail_batch(std::size_t count, const error& e);
  void answer(std::size_t first, std::size_t count);
  bool apply_later(bool loud);
  void run_isolated(std::size_t first, std::size_t count);
  domain::status call_unit(item& unit, bool loud);
  domain::status run_unit(item& unit);
  bool take_injection(const std::string& label);
  void fail_all(std::size_t count, domain::status why);
};

void writer::impl::run() {
  std::size_t answered = 0; // units of the previous round, whose producers may come back
  for (;;) {
    {
      std::unique_lock lock(mutex);
      wake.wait(lock, [&] { return !queue.empty() || stopping; });
      if (queue.empty())
        return; // stopping, and everything queued has been committed
      batch.swap(queue);
    }
    // Linger only when the whole batch is smaller than the previous one (then it is one range).
    std::size_t expected = options.linger_us > 0 ? std::min(answered, options.max_batch) : 0;
    if (batch.size() >= expected)
      expected = 0;
    for (std::size_t first = 0; first < batch.size(); first += options.max_batch)
      commit_range(first, std::min(batch.size(), first + options.max_batch), expected);
    answered = batch.size();
    batch.clear();
  }
}

// Commits batch[first, last) as one transaction. If fewer than `expected` units are in it (the
// writer lingers for the producers the previous batch answered: they come back through the actors
// one by one), the transaction stays open up to linger_us and each unit runs as soon as it
// arrives, so the batch's SQL overlaps the producers' return trip instead of following it.
void writer::impl::commit_range(std::size_t first, std::size_t last, std::size_t expected) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::microseconds(options.linger_us);
  try {
    // With a failure injection pending the fast path is skipped, so the injected unit fails
    // exactly once, in run_isolated.
    bool fast = !injecting.load(std::memory_order_relaxed);
    begin.run();
    for (std::size_t ran = first;;) {
      while (fast && ran < last)
        fast = run_fast_unit(batch[ran++]);
      if (!fast || last - first >= expected || !take_more(expected, deadline))
        break;
      last = batch.size();
    }
    finish(first, last - first, fast);
  } catch (const error& e) {
    fail_batch(last - first, e);
  }
  answer(first, last - first);
}

// Waits until more units are queued (a few at a time, so producers rarely wake the writer) or
// `deadline` passes, and moves them into the batch. Returns false if none came.
bool writer::impl::take_more(std::size_t expected, std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex);
  const std::size_t missing = expected - std::min(expected, batch.size());
  awaited = std::clamp<std::size_t>(expected / 8, 1, std::max<std::size_t>(missing, 1));
  wake.wait_until(lock, deadline, [&] { return queue.size() >= awaited || stopping; });
  awaited = 0;
  if (queue.empty())
    return false;
  const std::size_t room = options.max_batch - std::min(options.max_batch, batch.size());
  const auto n = static_cast<std::ptrdiff_t>(std::min(room, queue.size()));
  std::move(queue.begin(), queue.begin() + n, std::back_inserter(batch));
  queue.erase(queue.begin(), queue.begin() + n);
  return n > 0;
}

// The fast path: a unit without a SAVEPOINT (a savepoint journals each page a unit touches).
// Returns false if it failed: the caller then rolls back and re-runs the batch with run_isolated.
bool writer::impl::run_fast_unit(item& unit) {
  const bool ok = static_cast<bool>(call_unit(unit, false));
  // A unit that ended the transaction yet "succeeded" would let the next units autocommit:
  // fail the batch, as RELEASE failing does on the slow path.
  if (ok && sqlite3_get_autocommit(db.handle()) != 0)
    throw error(SQLITE_MISUSE, "a unit ended the batch's transaction");
  return ok;
}

// Ends the open transaction over batch[first, first + count): commits it if every unit ran on the
// fast path and the add_later() sums apply; otherwise rolls it back and re-runs each unit in its
// own SAVEPOINT, so that only the failing ones fail. Throws error if the COMMIT fails.
void writer::impl::finish(std::size_t first, std::size_t count, bool fast) {
  results.assign(count, domain::status::ok());
  if (fast && apply_later(false)) {
    commit.run();
    return;
  }
  if (sqlite3_get_autocommit(db.handle()) == 0)
    rollback.run();
  ctx.drop_later();
  run_isolated(first, count);
}

// COMMIT (or the transaction's own machinery) failed: nothing of this batch is durable.
void writer::impl::fail_batch(std::size_t count, const error& e) {
  spdlog::error("storage writer: batch of {} units failed: {}", count, e.what());
  if (sqlite3_get_autocommit(db.handle()) == 0) {
    try {
      rollback.run();
    } catch (const error& again) {
      spdlog::error("storage writer: rollback failed: {}", again.what());
    }
  }
  ctx.end_unit();
  ctx.drop_later();
  fail_all(count, domain::errc::storage_failure);
}

// Hands each unit of batch[first, first + count) its result: at once, or after the syncer's fsync.
void writer::impl::answer(std::size_t first, std::size_t count) {
  batches.fetch_add(1, std::memory_order_relaxed);
  if (syncer) {
    for (std::size_t i = 0; i < count; ++i)
      outgoing.push_back({std::move(batch[first + i].done), results[i]});
    syncer->hand_off(outgoing);
    return;
  }
  std::uint64_t ok = 0;
  for (std::size_t i = 0; i < count; ++i) {
    ok += results[i] ? 1 : 0;
    try {
      batch[first + i].done(results[i]);
    } catch (const std::exception& e) {
      spdlog::error("storage writer: done callback of '{}' threw: {}", batch[first + i].label,
                    e.what());
    } catch (...) {
      spdlog::error("storage writer: done callback of '{}' threw", batch[first + i].label);
    }
  }
  count_answers(ok, count - ok);
}

// Applies the add_later() sums; on failure drops them and returns false (`loud` logs why).
bool writer::impl::apply_later(bool loud) {
  try {
    ctx.apply_later();
    return true;
  } catch (const error& e) {
    if (loud)
      spdlog::warn("storage writer: batched update failed (sqlite code {}): {}", e.code(),
                   e.what());
    ctx.end_unit();
    ctx.drop_later();
    return false;
  }
}

// The slow path: each unit in its own SAVEPOINT, so a failing unit is rolled back alone.
void writer::impl::run_isolated(std::size_t first, std::size_t count) {
  begin.run();
  for (std::size_t i = 0; i < count; ++i)
    results[i] = run_unit(batch[first + i]);
  commit.run();
}

// Runs one unit, turning what it throws into STORAGE_FAILURE; `loud` logs the failure (the fast
// path stays quiet: the unit runs again in run_isolated, which reports it).
domain::status writer::impl::call_unit(item& unit, bool loud) {
  domain::status status;
  try {
    status = unit.unit(ctx);
  } catch (const error& e) {
    if (loud)
      spdlog::warn("storage writer: unit '{}' failed (sqlite code {}): {}", unit.label, e.code(),
                   e.what());
    status = domain::errc::storage_failure;
  } catch (const std::exception& e) {
    if (loud)
      spdlog::warn("storage writer: unit '{}' threw: {}", unit.label, e.what());
    status = domain::errc::storage_failure;
  }
  ctx.end_unit();
  return status;
}

// On this path every unit applies its own add_later() sums inside its SAVEPOINT.
domain::status writer::impl::run_unit(item& unit) {
  savepoint.run();
  domain::status status = call_unit(unit, true);
  if (!status)
    ctx.drop_later();
  else if (!apply_later(true))
    status = domain::errc::storage_failure;
  if (injecting.load(std::memory_order_relaxed) && take_injection(unit.label))
    status = domain::errc::storage_failure;
  if (!status)
    rollback_to.run();
  release.run();
  return status;
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
  for (std::size_t i = 0; i < count; ++i)
    results[i] = why;
}

writer::writer(writer_options options) : impl_(std::make_unique<impl>(std::move(options))) {
  impl_->thread = std::thread([this] {
    pthread_setname_np(pthread_self(), "storage-writer"); // visible in top -H and perf
    impl_->run();
  });
}

writer::~writer() { stop(); }

void writer::submit(std::string_view label, unit_fn unit, done_fn done) {
  item next{std::string(label), std::move(unit), std::move(done)};
  bool accepted = false;
  bool wake = false;
  {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->stopping && impl_->queue.size() < impl_->options.max_queue) {
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
    impl_->wake.notify_one();
}

void writer::flush() {
  std::unique_lock lock(impl_->mutex);
  std::uint64_t target = impl_->submitted;
  impl_->drained.wait(lock, [&] { return impl_->completed >= target; });
}

void writer::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  std::lock_guard lock(impl_->join_mutex);
  if (impl_->thread.joinable() && impl_->thread.get_id() != std::this_thread::get_id()) {
    impl_->thread.join();
    impl_->syncer.reset(); // answers what the last batches committed, then joins
    impl_->ckpt.reset();
  }
}

writer_stats writer::stats() const {
  writer_stats s;
  s.units_committed = impl_->committed.load(std::memory_order_relaxed);
  s.units_failed = impl_->failed.load(std::memory_order_relaxed);
  s.batches = impl_->batches.load(std::memory_order_relaxed);
  s.checkpoints = impl_->ckpt ? impl_->ckpt->checkpoints() : 0;
  std::lock_guard lock(impl_->mutex);
  s.queue_depth = impl_->queue.size();
  return s;
}

void writer::inject_failure(std::string_view label, int count) {
  if (count <= 0)
    return;
  std::lock_guard lock(impl_->inject_mutex);
  impl_->injections[std::string(label)] += count;
  impl_->injecting.store(true, std::memory_order_relaxed);
}

} // namespace actorshop::storage
