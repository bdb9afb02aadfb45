// The outbox dispatcher: a worker thread that polls undelivered outbox rows and delivers them at
// least once to the configured sink (storage/event_sink.hpp), retrying with exponential backoff
// (cap 5 s). Delivered rows are marked through a writer unit, and deleted once older than the
// retention, a few hundred per writer unit, so a purge never holds the writer for long. A backlog
// above max_backlog is logged once a minute. A down sink delays events, never payments.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "domain/clock.hpp"
#include "storage/logging.hpp"
#include "storage/worker_thread.hpp"
#include "storage/writer.hpp"

namespace actorshop::storage {

struct outbox_options {
  /// Delivered events are deleted once delivered this long ago (events.retention_s).
  std::chrono::milliseconds retention = std::chrono::hours(1);
  /// Undelivered events beyond this are logged, once a minute (events.max_backlog).
  std::uint64_t max_backlog = 100'000;
  /// Rows deleted per writer unit: small, so a purge unit costs a batch well under a millisecond.
  int purge_batch = 500;
  /// delivered_at, the retention and the backlog log's minute are read from it.
  std::shared_ptr<const domain::clock> clock = std::make_shared<domain::system_clock>();
};

class outbox_dispatcher {
public:
  /// Called on the dispatcher thread after each round: whether the sink took the round's events
  /// (true also when there were none), and the events delivered so far. Lets tests wait for a
  /// round instead of sleeping. Must not block.
  using round_fn = std::function<void(bool ok, std::uint64_t delivered)>;

  /// Starts the thread (none if `sink` is empty: the shop then writes no events at all).
  outbox_dispatcher(std::string db_path, std::string sink, writer& w, round_fn on_round = nullptr,
                    outbox_options options = {});
  ~outbox_dispatcher() = default; ///< the worker thread stops and joins first (declared last)
  outbox_dispatcher(const outbox_dispatcher&) = delete;
  outbox_dispatcher& operator=(const outbox_dispatcher&) = delete;

  /// Returns the undelivered events (counted in the database when there is no sink thread).
  std::uint64_t pending() const;
  std::uint64_t delivered() const { return delivered_.load(); }
  /// Returns the delivered events deleted after the retention so far.
  std::uint64_t purged() const { return purged_.load(); }
  /// Rounds whose delivery failed (sink refused or unreachable, or the outbox unreadable).
  std::uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }
  /// Rounds that retried after a failed one (each backoff wait ends in one).
  std::uint64_t retries() const { return retries_.load(std::memory_order_relaxed); }

private:
  void run(worker_thread& self);
  bool deliver_round(); ///< returns false if the sink failed
  void purge_round();   ///< deletes one batch of expired delivered events, if any
  void report_backlog();
  bool wait_for(worker_thread& self, std::chrono::milliseconds d); ///< false if stopping

  std::string db_path_;
  std::string sink_;
  writer& writer_;
  round_fn on_round_;
  outbox_options options_;
  log_limiter backlog_log_;
  std::atomic<std::uint64_t> pending_{0};
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> purged_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<std::uint64_t> retries_{0};
  worker_thread thread_; // last: stopped before the members its loop uses go away
};

} // namespace actorshop::storage
