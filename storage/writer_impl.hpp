// The writer's internals, shared by writer.cpp (opening, the public API) and writer_batch.cpp (the
// writer thread's loop: batching, the fast path, the SAVEPOINT re-run, answering).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/batch_context.hpp"
#include "storage/checkpointer.hpp"
#include "storage/sqlite.hpp"
#include "storage/statement_cache.hpp"
#include "storage/wal_syncer.hpp"
#include "storage/worker_thread.hpp"
#include "storage/writer.hpp"

namespace actorshop::storage {

/// A submitted unit.
struct item {
  std::string label; // short labels stay in the small-string buffer: no allocation
  unit_fn unit;
  done_fn done;
};

struct writer::impl {
  writer_options options;
  connection db;
  batch_context ctx{db};
  statement begin{db.handle(), "BEGIN IMMEDIATE"};
  statement commit{db.handle(), "COMMIT"};
  statement rollback{db.handle(), "ROLLBACK"};
  statement savepoint{db.handle(), "SAVEPOINT unit"};
  statement release{db.handle(), "RELEASE unit"};
  statement rollback_to{db.handle(), "ROLLBACK TO unit"};

  // Guarded by thread.mutex(): what producers and the writer thread share.
  std::vector<item> queue;
  std::size_t awaited = 0; // while lingering, the queue size that ends the wait
  std::uint64_t submitted = 0;
  std::uint64_t completed = 0;
  std::condition_variable drained; // flush() waits for completions

  std::atomic<std::uint64_t> committed{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> batches{0};
  writer_telemetry tel;

  std::atomic<bool> injecting{false};
  std::mutex inject_mutex;
  string_map<int> injections;

  std::vector<item> batch;             // owned by the writer thread
  std::vector<domain::status> results; // owned by the writer thread
  std::vector<completion> outgoing;    // owned by the writer thread; full_pipelined only
  std::unique_ptr<wal_syncer> syncer;  // full_pipelined only
  std::unique_ptr<checkpointer> ckpt;  // copies the WAL into the database off this thread
  std::mutex join_mutex;
  worker_thread thread; // last: stopped before the members its loop uses go away

  explicit impl(writer_options o);

  void count_answers(std::uint64_t ok, std::uint64_t bad);
  void run(worker_thread& self);
  bool take_more(std::size_t expected, std::chrono::steady_clock::time_point deadline);
  void commit_range(std::size_t first, std::size_t last, std::size_t expected);
  bool run_fast_unit(item& unit);
  void finish(std::size_t first, std::size_t count, bool fast);
  void fail_batch(std::size_t count, const error& e);
  void run_commit();
  void answer(std::size_t first, std::size_t count);
  domain::status apply_later(bool loud);
  void run_isolated(std::size_t first, std::size_t count);
  domain::status call_unit(item& unit, bool loud);
  domain::status run_unit(item& unit);
  bool take_injection(const std::string& label);
  void fail_all(std::size_t count, domain::status why);
};

} // namespace actorshop::storage
