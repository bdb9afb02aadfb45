// The outbox dispatcher: a plain thread that polls undelivered outbox rows and delivers them at
// least once to the configured sink ("file:PATH" JSON lines, or "http://HOST:PORT/PATH" POSTs
// with an Idempotency-Key), retrying with exponential backoff (cap 5 s). Delivered rows are
// marked through a writer unit. A down sink delays events, never payments.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "storage/writer.hpp"

namespace actorshop::actors {

class outbox_dispatcher {
public:
  /// Starts the thread (none if `sink` is empty: events then stay in the outbox).
  outbox_dispatcher(std::string db_path, std::string sink, storage::writer& w);
  ~outbox_dispatcher(); ///< stops and joins
  outbox_dispatcher(const outbox_dispatcher&) = delete;
  outbox_dispatcher& operator=(const outbox_dispatcher&) = delete;

  /// Returns the undelivered events (counted in the database when there is no sink thread).
  std::uint64_t pending() const;
  std::uint64_t delivered() const { return delivered_.load(); }

private:
  void run();
  bool deliver_round();                       ///< returns false if the sink failed
  bool wait_for(std::chrono::milliseconds d); ///< returns false if stopping

  std::string db_path_;
  std::string sink_;
  storage::writer& writer_;
  std::atomic<std::uint64_t> pending_{0};
  std::atomic<std::uint64_t> delivered_{0};
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace actorshop::actors
