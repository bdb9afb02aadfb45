// Why this is as durable as synchronous=FULL: a WAL transaction survives power loss once its frames
// and its commit frame are on disk; SQLite with synchronous=NORMAL already syncs the WAL header
// when it restarts the WAL and syncs around checkpoints. fdatasync on our own descriptor of the WAL
// flushes the inode's dirty pages (and the size), i.e. every frame written before the call, so
// every transaction committed before it is durable when it returns. Only then do we answer.
#include "storage/wal_syncer.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage/logging.hpp"
#include "storage/sqlite.hpp"

namespace actorshop::storage {

wal_syncer::wal_syncer(const std::string& wal_path, answered_fn answered,
                       telemetry::histogram* fsyncs)
    : path_(wal_path), answered_(std::move(answered)), fsyncs_(fsyncs) {
  fd_ = ::open(wal_path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd_ < 0)
    throw error(SQLITE_CANTOPEN, "open " + wal_path + ": " + std::strerror(errno));
  pending_.reserve(8'192);
  thread_.start("storage-syncer", [this](worker_thread& self) { run(self); });
}

wal_syncer::~wal_syncer() {
  thread_.stop(); // the loop syncs and answers what is pending first
  ::close(fd_);
}

void wal_syncer::hand_off(std::vector<completion>& group) {
  bool wake;
  {
    std::lock_guard lock(thread_.mutex());
    wake = pending_.empty();
    if (wake)
      pending_.swap(group);
    else
      for (auto& c : group)
        pending_.push_back(std::move(c));
  }
  group.clear();
  if (wake)
    thread_.notify();
}

void wal_syncer::run(worker_thread& self) {
  std::vector<completion> group;
  group.reserve(8'192);
  for (;;) {
    {
      std::unique_lock lock(self.mutex());
      self.wait(lock, [&] { return !pending_.empty(); });
      if (pending_.empty())
        return; // stopping, and everything handed off has been answered
      group.swap(pending_);
    }
    sync_and_answer(group);
    group.clear();
  }
}

void wal_syncer::sync_and_answer(std::vector<completion>& group) {
  const auto started = std::chrono::steady_clock::now();
  bool durable = ::fdatasync(fd_) == 0;
  if (fsyncs_ && telemetry::enabled())
    fsyncs_->observe(telemetry::seconds_since(started));
  if (!durable) // committed, but not known to be on disk: the producer must not count on it
    log_limited(log_level::error, "fsync failed",
                fmt::format("storage syncer: fdatasync {}: {}", path_, std::strerror(errno)));
  std::uint64_t ok = 0;
  for (auto& c : group) {
    domain::status status = durable ? c.status : domain::status(domain::errc::storage_failure);
    ok += status ? 1 : 0;
    try {
      c.done(status);
    } catch (const std::exception& e) {
      spdlog::error("storage syncer: a done callback threw: {}", e.what());
    } catch (...) {
      spdlog::error("storage syncer: a done callback threw");
    }
  }
  answered_(ok, group.size() - ok);
}

} // namespace actorshop::storage
