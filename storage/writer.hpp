// The single writer with group commit. Producers on any thread submit units of work (one business
// transaction each); one writer thread commits whatever is queued when the previous commit
// finishes as ONE SQLite transaction. Units run without savepoints; if one fails, the transaction
// is rolled back and the batch re-run with each unit inside its own SAVEPOINT, so a failing unit
// fails alone. A producer learns its unit's outcome only after the COMMIT returned: a success is
// durable.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "domain/result.hpp"
#include "storage/telemetry.hpp"

struct sqlite3;

namespace actorshop::storage {

class statement; // storage/sqlite.hpp

/// full: synchronous=FULL, the COMMIT itself fsyncs; a success survives power loss.
/// normal: synchronous=NORMAL; a success survives a process crash, not a power loss.
/// full_pipelined: as durable as full (the WAL is fdatasynced before any unit of the batch is
/// answered), but the fsync runs on a second thread while the writer executes the next batch;
/// done callbacks then run on that thread ("storage-syncer") instead of the writer thread.
enum class sync_mode : std::uint8_t { full, normal, full_pipelined };

/// What a unit sees on the writer thread: the write connection and a prepared-statement cache.
class write_context {
public:
  virtual ~write_context() = default;
  /// Returns the cached prepared statement for `sql`, reset and with bindings cleared.
  virtual statement& prepare(std::string_view sql) = 0;
  virtual sqlite3* handle() = 0;

  /// An additive update run once per batch instead of once per unit: the `deltas` of every unit of
  /// the batch with the same `sql`, `key` and `text_key` are summed, and just before COMMIT `sql`
  /// runs once per distinct key with ?1 = key, ?2 = text_key, ?3, ?4, ?5 = the sums (parameters the
  /// SQL does not use are skipped). It must change exactly one row, else the batch fails (and, on
  /// the re-run with a SAVEPOINT per unit, the unit that added it). Why: a hot row (one stock line,
  /// one product's sales of the day) is then written once per batch, not once per order. `sql` must
  /// be a string literal (it is kept until the commit). Nothing in the batch may read the row: it
  /// holds the sum only after the batch.
  virtual void add_later(std::string_view sql, std::int64_t key, std::string_view text_key,
                         std::array<std::int64_t, 3> deltas) = 0;
};

/// A unit of work: runs on the writer thread. Return an error (or throw storage::error) to roll
/// back just this unit; its producer then gets that error. Contract: a unit may run TWICE. It first
/// runs in a batch without savepoints; when any unit of that batch fails, the whole transaction is
/// rolled back and every unit of the batch runs again, each in its own SAVEPOINT. So a unit must be
/// pure SQL on write_context: no effect outside the database except overwriting outputs it owns
/// (e.g. `*total = ...`), which the last run decides. Only the final run's status reaches `done`,
/// and `done` runs once.
using unit_fn = std::function<domain::status(write_context&)>;

/// Completion: called exactly once, on the writer thread (the syncer thread with
/// sync_mode::full_pipelined), after COMMIT (or the rollback). Must not
/// block; post the answer elsewhere. Errors: the unit's own error, STORAGE_FAILURE if the commit
/// failed, SERVICE_UNAVAILABLE if the queue was full or the writer is stopping.
using done_fn = std::function<void(domain::status)>;

struct writer_options {
  std::string path;                 ///< database file (created and migrated if missing)
  sync_mode sync = sync_mode::full; ///< FULL: a success survives power loss
  std::size_t max_queue = 65'536;   ///< units waiting beyond this are refused (backpressure)
  std::size_t max_batch = 8'192;    ///< at most this many units in one transaction
  int busy_timeout_ms = 5'000;      ///< a database locked longer than this fails to open
  std::int64_t max_bytes = 0;       ///< database size cap (SQLITE_FULL beyond it); 0: none
  /// Keep a batch's transaction open up to this long for as many units as the previous batch
  /// answered (its producers usually come straight back), running each as it arrives: fewer,
  /// fuller commits, and the SQL overlaps the producers' return trip. 0 = take what is queued.
  /// Pointless with full_pipelined, where producers come back only after the next fsync.
  int linger_us = 0;
  /// Called on the checkpointer thread after each WAL checkpoint pass (metrics, and tests that
  /// wait for a pass instead of sleeping). Must not block.
  std::function<void()> on_checkpoint = nullptr;
};

struct writer_stats {
  std::uint64_t units_committed = 0;
  std::uint64_t units_failed = 0;
  std::uint64_t batches = 0;
  std::uint64_t queue_depth = 0;
  std::uint64_t checkpoints = 0; ///< WAL checkpoint passes run by the checkpointer thread
};

/// Where the actors hand their units. storage::writer is the one that runs in production; the
/// deterministic simulation (tests/actors/sim) puts its own in its place, to decide when a batch
/// commits, fails or is answered late. One virtual call per unit, beside the writer's mutex and
/// std::function moves: nothing measurable.
class write_queue {
public:
  virtual ~write_queue() = default;
  /// Queues `unit`; `done` gets its outcome exactly once, after the commit (see writer::submit).
  virtual void submit(std::string_view label, unit_fn unit, done_fn done) = 0;
};

/// The writer's distributions, updated on its threads and read by /metrics at any time.
struct writer_telemetry {
  /// Units per committed transaction.
  telemetry::histogram batch_size{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192};
  telemetry::histogram commit_duration;     ///< BEGIN..COMMIT returned (with FULL: the fsync too)
  telemetry::histogram fsync_duration;      ///< the syncer's fdatasync of the WAL (FULL_PIPELINED)
  telemetry::histogram checkpoint_duration; ///< one checkpointer pass (PASSIVE)
};

class writer final : public write_queue {
public:
  explicit writer(writer_options options); ///< opens, migrates, starts the thread; throws on error
  ~writer() override;                      ///< drains what is queued, commits it, joins
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  /// Queues `unit`; `done` gets its outcome. `label` names the kind of unit (metrics, fault
  /// injection). Never blocks: a full queue or a stopped writer calls `done(unavailable)` at once.
  void submit(std::string_view label, unit_fn unit, done_fn done) override;

  /// Blocks the caller until every unit submitted before the call has completed. Never call it
  /// from a unit or a done callback (it would wait for itself).
  void flush();

  /// Stops accepting units, commits what is queued and joins the thread. Idempotent. Call it (and
  /// destroy the writer) from an ordinary thread, not from a unit or a done callback.
  void stop();

  writer_stats stats() const;
  const writer_telemetry& telemetry() const;
  /// Size of the WAL file now (0 if it does not exist): one stat(2).
  std::uint64_t wal_bytes() const;

  /// Test hook: the next `count` units labelled `label` fail with STORAGE_FAILURE after running
  /// (their SAVEPOINT is rolled back), as if the disk had refused them. While an injection is
  /// pending, batches run with a SAVEPOINT per unit (the slow path) so each injection fires once.
  void inject_failure(std::string_view label, int count);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace actorshop::storage
