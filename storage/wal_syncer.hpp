// The second half of sync_mode::full_pipelined: SQLite commits with synchronous=NORMAL (no fsync in
// COMMIT) and this thread fdatasyncs the WAL before any producer hears "success", so the writer
// executes the next batch while the previous one reaches the disk.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "storage/telemetry.hpp"
#include "storage/worker_thread.hpp"
#include "storage/writer.hpp"

namespace actorshop::storage {

/// A unit's answer, held until the WAL frames of its transaction are on disk.
struct completion {
  done_fn done;
  domain::status status;
};

class wal_syncer {
public:
  /// Called on the syncer thread after a group was answered, with its success and failure counts.
  using answered_fn = std::function<void(std::uint64_t ok, std::uint64_t failed)>;

  /// Opens `wal_path` (it must exist) and starts the thread; throws error if it cannot.
  /// `fsyncs`, if given, observes each fdatasync's duration.
  wal_syncer(const std::string& wal_path, answered_fn answered,
             telemetry::histogram* fsyncs = nullptr);
  ~wal_syncer(); ///< syncs and answers what is pending, then joins
  wal_syncer(const wal_syncer&) = delete;
  wal_syncer& operator=(const wal_syncer&) = delete;

  /// Takes the completions of committed transactions (leaves `group` empty, capacity kept).
  void hand_off(std::vector<completion>& group);

private:
  void run(worker_thread& self);
  void sync_and_answer(std::vector<completion>& group);

  int fd_ = -1;
  std::string path_;
  answered_fn answered_;
  telemetry::histogram* fsyncs_ = nullptr;
  std::vector<completion> pending_; // guarded by thread_.mutex()
  worker_thread thread_;            // last: stopped before the members its loop uses go away
};

} // namespace actorshop::storage
