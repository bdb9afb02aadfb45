// A full database (SQLITE_FULL, provoked for real with PRAGMA max_page_count on the writer's
// connection) fails the unit with STORAGE_FULL, a retryable overload, not STORAGE_FAILURE; what
// was acknowledged before stays, and writes succeed again once there is room.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <cerrno>
#include <string>

#include "storage/sqlite.hpp"
#include "storage/writer.hpp"
#include "support/temp_dir.hpp"
#include "writer_support.hpp"

using namespace actorshop;
using namespace actorshop::storage;
using namespace actorshop::test;
using namespace actorshop::storage::testing;

namespace {

/// A unit that caps (or uncaps, with a large `pages`) the database size on the write connection;
/// SQLite clamps a cap below the current size to the current size.
unit_fn cap_pages(std::int64_t pages) {
  return [pages](write_context& ctx) {
    ctx.prepare("PRAGMA max_page_count = " + std::to_string(pages)).step();
    return domain::status::ok();
  };
}

/// A unit that inserts outbox row `id` with a payload of 64 KiB, which needs new pages.
unit_fn insert_large_row(std::int64_t id) {
  return [id](write_context& ctx) {
    ctx.prepare("INSERT INTO outbox (id, event_type, aggregate_id, payload, created_at) "
                "VALUES (?, 'test', ?, hex(randomblob(32768)), 'now')")
        .bind(1, id)
        .bind(2, id)
        .run();
    return domain::status::ok();
  };
}

} // namespace

TEST_CASE("a full database fails a write with STORAGE_FULL and loses nothing acknowledged",
          "[storage][full]") {
  temp_dir dir;
  const auto path = dir.file("shop.db");
  auto sync = GENERATE(sync_mode::full, sync_mode::full_pipelined);
  writer w({.path = path, .sync = sync});
  outcomes before(10);
  for (int i = 0; i < 10; ++i)
    w.submit("row", insert_row(i + 1), before.slot(static_cast<std::size_t>(i)));
  w.flush();
  for (int i = 0; i < 10; ++i)
    REQUIRE(before.errors[static_cast<std::size_t>(i)].load() == 0);

  outcomes full(4);
  w.submit("cap", cap_pages(1), full.slot(0));
  w.flush();
  w.submit("large", insert_large_row(100), full.slot(1));
  w.submit("large", insert_large_row(101), full.slot(2));
  w.flush();
  CHECK(full.errors[0].load() == 0);
  CHECK(full.errors[1].load() == err(domain::errc::storage_full));
  CHECK(full.errors[2].load() == err(domain::errc::storage_full));
  CHECK(count_rows(path) == 10);

  w.submit("cap", cap_pages(1'000'000), full.slot(3));
  outcomes after(1);
  w.submit("large", insert_large_row(102), after.slot(0));
  w.flush();
  CHECK(after.errors[0].load() == 0);
  CHECK(count_rows(path) == 11);
  CHECK(count_rows(path, "id <= 10") == 10);
}

TEST_CASE("an I/O error for ENOSPC counts as a full disk, other errors do not", "[storage][full]") {
  CHECK(error(SQLITE_FULL, "full").is_full());
  CHECK(error(SQLITE_IOERR_WRITE, "write", ENOSPC).is_full());
  CHECK_FALSE(error(SQLITE_IOERR_WRITE, "write", EIO).is_full());
  CHECK_FALSE(error(SQLITE_CORRUPT, "corrupt").is_full());
}
