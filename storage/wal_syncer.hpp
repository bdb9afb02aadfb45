// The second half of sync_mode::full_pipelined: SQLite commits with synchronous=NORMAL (no fsync in
// COMMIT) and this thread fdatasyncs the WAL before any producer hears "success", so the writer
// executes the next batch while the previous one reaches the disk.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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
  wal_syncer(const std::string& wal_path, answered_fn answered);
  ~wal_syncer(); ///< syncs and answers what is pending, then joins
  wal_syncer(const wal_syncer&) = delete;
  wal_syncer& operator=(const wal_syncer&) = delete;

  /// Takes the completions of committed transactions (leaves `group` empty, capacity kept).
  void hand_off(std::vector<completion>& group);

private:
  void run();

  int fd_ = -1;
  std::string path_;
  answered_fn answered_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<completion> pending_; // guarded by mutex_
  bool stopping_ = false;           // guarded by mutex_
  std::thread thread_;
};

} // namespace actorshop::storage
