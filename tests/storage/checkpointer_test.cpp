// The checkpointer: the writer's WAL is copied into the database off the writer thread, and the
// WAL restarts from its beginning once a pass has copied it. Waits are for events, not for time.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/writer.hpp"
#include "support/temp_dir.hpp"
#include "writer_support.hpp"

using namespace actorshop;
using namespace actorshop::storage;
using namespace actorshop::storage::testing;

namespace {

/// Counts the checkpointer's passes; wait_for() blocks until there were that many.
class pass_counter {
public:
  std::function<void()> hook() {
    return [this] {
      {
        std::lock_guard lock(mutex_);
        ++passes_;
      }
      cv_.notify_all();
    };
  }
  void wait_for(int passes) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return passes_ >= passes; });
  }

private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int passes_ = 0;
};

/// Returns the checkpoint sequence number in the WAL header: SQLite adds one each time the WAL
/// restarts from its beginning (https://sqlite.org/fileformat.html#wal_file_format).
std::uint32_t wal_restarts(const std::string& wal_path) {
  std::ifstream in(wal_path, std::ios::binary);
  unsigned char header[16] = {};
  in.read(reinterpret_cast<char*>(header), sizeof header);
  return std::uint32_t{header[12]} << 24 | std::uint32_t{header[13]} << 16 |
         std::uint32_t{header[14]} << 8 | std::uint32_t{header[15]};
}

} // namespace

TEST_CASE("the WAL is checkpointed off the writer thread and restarts after a checkpoint",
          "[storage]") {
  actorshop::test::temp_dir dir;
  const std::string path = dir.file("shop.db");
  pass_counter passes;
  writer w({.path = path, .on_checkpoint = passes.hook()});
  const std::string payload(2000, 'x'); // ~10 MB in all: past the 1,000-page checkpoint mark
  std::int64_t id = 0;
  auto submit_rows = [&](int n) {
    for (int i = 0; i < n; ++i) {
      ++id;
      w.submit(
          "row",
          [id, &payload](write_context& ctx) {
            ctx.prepare("INSERT INTO outbox (id, event_type, aggregate_id, payload, created_at) "
                        "VALUES (?, 'test', ?, ?, 'now')")
                .bind(1, id)
                .bind(2, id)
                .bind(3, payload)
                .run();
            return domain::status::ok();
          },
          [](domain::status) {});
    }
    w.flush();
  };
  submit_rows(1);
  const std::uint32_t restarts_before = wal_restarts(path + "-wal");
  submit_rows(5'000);
  passes.wait_for(1);
  // After a pass, the next commit copies what the pass left and the one after restarts the WAL.
  submit_rows(1);
  submit_rows(1);
  CHECK(w.stats().checkpoints >= 1);
  CHECK(wal_restarts(path + "-wal") > restarts_before);
  CHECK(count_rows(path) == id);
}
