// Shared helpers of the actor tests: a seeded SQLite file in a temp dir, a shop on it, a way to
// wait for callbacks, and direct SQL checks against the committed state.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "actors/shop.hpp"
#include "domain/clock.hpp"
#include "domain/time.hpp"
#include "storage/schema.hpp"
#include "storage/seed.hpp"
#include "storage/sqlite.hpp"
#include "support/seeded_db.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

namespace actorshop::test {

/// A temp dir with a migrated, seeded database; removed on destruction.
struct seeded_db {
  temp_dir dir;
  std::string path = seeded_database(dir);

  /// Runs SQL on a fresh connection (before a shop starts, or for checks).
  void exec(const std::string& sql) const {
    storage::connection db{path, SQLITE_OPEN_READWRITE};
    db.busy_timeout(5000);
    db.exec(sql);
  }
  std::int64_t query(const std::string& sql) const {
    storage::connection db{path, SQLITE_OPEN_READONLY};
    db.busy_timeout(5000);
    return db.query_int64(sql);
  }

  actors::shop_options options() const {
    actors::shop_options o;
    o.db_path = path;
    o.actor_threads = 2;
    return o;
  }
};

/// Collects the answers of many concurrent commands.
template <class T> class collector {
public:
  actors::callback<T> callback() {
    return [this](domain::result<T> r) {
      std::lock_guard<std::mutex> lock(mutex_);
      results_.push_back(std::move(r));
      cv_.notify_all();
    };
  }
  /// Waits (bounded) until `n` answers arrived; returns them.
  std::vector<domain::result<T>> wait(std::size_t n,
                                      std::chrono::seconds limit = std::chrono::seconds(30)) {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait_for(lock, limit, [&] { return results_.size() >= n; });
    return results_;
  }

private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<domain::result<T>> results_;
};

/// Runs one command and waits (bounded) for its answer.
template <class T, class F> domain::result<T> call(F&& start) {
  collector<T> c;
  start(c.callback());
  auto r = c.wait(1);
  if (r.empty())
    return domain::errc::timeout;
  return r.front();
}

/// The two-line order of the order-payment profile: option S of p1 and option M of p2.
inline std::vector<domain::order_line_request> two_lines(domain::id_t p1, domain::id_t p2) {
  auto opt = [](domain::id_t p, int k) { return 6001 + 3 * (p - 5001) + k; };
  return {{p1, opt(p1, 0), 1}, {p2, opt(p2, 1), 1}};
}

} // namespace actorshop::test
