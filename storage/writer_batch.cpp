// The writer thread's loop: it swaps the whole queue out and commits it as one transaction (one
// fsync for the lot). With a linger, it keeps the transaction open a little longer and runs the
// units that arrive meanwhile. Units run without savepoints; only when one fails is the batch
// rolled back and re-run, each unit in its own SAVEPOINT. The hot loop reuses prepared statements
// and the swapped vectors' capacity, so a unit costs its std::functions and its SQL, nothing more.
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <iterator>

#include "storage/logging.hpp"
#include "storage/writer_impl.hpp"

namespace actorshop::storage {
namespace {

/// Returns what a producer is told about a unit or batch that failed with `e`: a full disk is
/// STORAGE_FULL (rolled back, retry later), anything else STORAGE_FAILURE.
domain::errc failure_of(const error& e) noexcept {
  return e.is_full() ? domain::errc::storage_full : domain::errc::storage_failure;
}

/// The error code under which log_limited() aggregates a failure like `e`: a full disk fails every
/// write until there is room, and must not write a line for each.
const char* failure_code(const error& e) noexcept {
  return e.is_full() ? "storage full" : "storage failure";
}

} // namespace

void writer::impl::run(worker_thread& self) {
  std::size_t answered = 0; // units of the previous round, whose producers may come back
  for (;;) {
    {
      std::unique_lock lock(self.mutex());
      self.wait(lock, [&] { return !queue.empty(); });
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
  std::unique_lock lock(thread.mutex());
  const std::size_t missing = expected - std::min(expected, batch.size());
  awaited = std::clamp<std::size_t>(expected / 8, 1, std::max<std::size_t>(missing, 1));
  thread.wait_until(lock, deadline, [&] { return queue.size() >= awaited; }); // or a stop
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
    run_commit();
    return;
  }
  if (sqlite3_get_autocommit(db.handle()) == 0)
    rollback.run();
  ctx.drop_later();
  run_isolated(first, count);
}

// COMMIT (or the transaction's own machinery) failed: nothing of this batch is durable.
void writer::impl::fail_batch(std::size_t count, const error& e) {
  log_limited(log_level::error, failure_code(e),
              fmt::format("storage writer: batch of {} units failed: {}", count, e.what()));
  if (sqlite3_get_autocommit(db.handle()) == 0) {
    try {
      rollback.run();
    } catch (const error& again) {
      log_limited(log_level::error, "storage rollback failed",
                  fmt::format("storage writer: rollback failed: {}", again.what()));
    }
  }
  ctx.end_unit();
  ctx.drop_later();
  fail_all(count, failure_of(e));
}

// Runs COMMIT, timing it (with synchronous=FULL that includes SQLite's fsync of the WAL).
void writer::impl::run_commit() {
  if (!telemetry::enabled())
    return commit.run();
  const auto started = std::chrono::steady_clock::now();
  commit.run();
  tel.commit_duration.observe(telemetry::seconds_since(started));
}

// Hands each unit of batch[first, first + count) its result: at once, or after the syncer's fsync.
void writer::impl::answer(std::size_t first, std::size_t count) {
  batches.fetch_add(1, std::memory_order_relaxed);
  if (telemetry::enabled())
    tel.batch_size.observe(static_cast<double>(count));
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

// Applies the add_later() sums; on failure drops them and returns why (`loud` logs it).
domain::status writer::impl::apply_later(bool loud) {
  try {
    ctx.apply_later();
    return domain::status::ok();
  } catch (const error& e) {
    if (loud)
      log_limited(log_level::warn, failure_code(e),
                  fmt::format("storage writer: batched update failed (sqlite code {}): {}",
                              e.code(), e.what()));
    ctx.end_unit();
    ctx.drop_later();
    return failure_of(e);
  }
}

// The slow path: each unit in its own SAVEPOINT, so a failing unit is rolled back alone.
void writer::impl::run_isolated(std::size_t first, std::size_t count) {
  begin.run();
  for (std::size_t i = 0; i < count; ++i)
    results[i] = run_unit(batch[first + i]);
  run_commit();
}

// Runs one unit, turning what it throws into STORAGE_FAILURE; `loud` logs the failure (the fast
// path stays quiet: the unit runs again in run_isolated, which reports it).
domain::status writer::impl::call_unit(item& unit, bool loud) {
  domain::status status;
  try {
    status = unit.unit(ctx);
  } catch (const error& e) {
    if (loud)
      log_limited(log_level::warn, failure_code(e),
                  fmt::format("storage writer: unit '{}' failed (sqlite code {}): {}", unit.label,
                              e.code(), e.what()));
    status = failure_of(e);
  } catch (const std::exception& e) {
    if (loud)
      log_limited(log_level::warn, "storage unit threw",
                  fmt::format("storage writer: unit '{}' threw: {}", unit.label, e.what()));
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
  else
    status = apply_later(true);
  if (injecting.load(std::memory_order_relaxed) && take_injection(unit.label))
    status = domain::errc::storage_failure;
  // SQLite rolls back the whole transaction itself on some errors (SQLITE_FULL, SQLITE_IOERR,
  // SQLITE_NOMEM): the units before this one are gone too, so the batch fails as a whole.
  if (!status && sqlite3_get_autocommit(db.handle()) != 0)
    throw error(status.error() == domain::errc::storage_full ? SQLITE_FULL : SQLITE_ABORT,
                "unit '" + unit.label + "' failed and SQLite rolled back the batch");
  if (!status)
    rollback_to.run();
  release.run();
  return status;
}

} // namespace actorshop::storage
