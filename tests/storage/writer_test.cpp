// The group-commit writer: every unit is committed exactly once, batches group many units, a
// failing unit fails alone, and refusals (full queue, stopped writer, unusable file) are immediate.
#include <catch2/catch.hpp>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/sqlite.hpp"
#include "storage/writer.hpp"
#include "support/temp_dir.hpp"
#include "writer_support.hpp"

using namespace actorshop;
using namespace actorshop::storage;
using namespace actorshop::storage::testing;

namespace {

// Runs before main, like the daemon's first line: the writers below use the tuned journal.
const bool sqlite_configured = configure_process();

} // namespace

TEST_CASE("with many concurrent producers every unit is committed exactly once, in batches",
          "[storage]") {
  actorshop::test::temp_dir dir;
  constexpr int threads = 32;
  constexpr int per_thread = 500;
  auto sync = GENERATE(sync_mode::full, sync_mode::normal, sync_mode::full_pipelined);
  outcomes out(threads * per_thread);
  writer w({.path = dir.file("shop.db"), .sync = sync});
  std::vector<std::thread> producers;
  for (int t = 0; t < threads; ++t)
    producers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        std::size_t id = static_cast<std::size_t>(t * per_thread + i);
        w.submit("row", insert_row(static_cast<std::int64_t>(id) + 1), out.slot(id));
      }
    });
  for (auto& p : producers)
    p.join();
  w.flush();
  for (std::size_t i = 0; i < out.calls.size(); ++i) {
    REQUIRE(out.calls[i].load() == 1);
    REQUIRE(out.errors[i].load() == 0);
  }
  auto stats = w.stats();
  CHECK(stats.units_committed == threads * per_thread);
  CHECK(stats.units_failed == 0);
  CHECK(count_rows(dir.file("shop.db")) == threads * per_thread);
}

TEST_CASE("a unit that breaks a constraint fails alone and its batch neighbours commit",
          "[storage]") {
  actorshop::test::temp_dir dir;
  auto sync = GENERATE(sync_mode::full, sync_mode::full_pipelined);
  writer w({.path = dir.file("shop.db"), .sync = sync});
  outcomes out(4);
  gate g;
  g.submit_to(w);
  w.submit("row", insert_row(1), out.slot(0));
  w.submit(
      "bad",
      [](write_context& ctx) {
        insert_row(2)(ctx); // written, then rolled back with the unit
        ctx.prepare("INSERT INTO balance (customer_id, amount) VALUES (1, -1)").run();
        return domain::status::ok();
      },
      out.slot(1));
  w.submit(
      "refused",
      [](write_context& ctx) {
        insert_row(3)(ctx);
        return domain::status(domain::errc::coupon_insufficient);
      },
      out.slot(2));
  w.submit("row", insert_row(4), out.slot(3));
  auto batches_before = w.stats().batches;
  g.release();
  w.flush();
  CHECK(out.errors[0].load() == 0);
  CHECK(out.errors[1].load() == err(domain::errc::storage_failure));
  CHECK(out.errors[2].load() == err(domain::errc::coupon_insufficient));
  CHECK(out.errors[3].load() == 0);
  CHECK(w.stats().batches - batches_before <= 2); // the gate's batch, then the four together
  CHECK(count_rows(dir.file("shop.db"), "id IN (1, 4)") == 2);
  CHECK(count_rows(dir.file("shop.db"), "id IN (2, 3)") == 0);
}

TEST_CASE("inject_failure fails the next units of that label and rolls them back", "[storage]") {
  actorshop::test::temp_dir dir;
  writer w({.path = dir.file("shop.db")});
  w.inject_failure("victim", 2);
  outcomes out(4);
  w.submit("victim", insert_row(1), out.slot(0));
  w.submit("other", insert_row(2), out.slot(1));
  w.submit("victim", insert_row(3), out.slot(2));
  w.submit("victim", insert_row(4), out.slot(3));
  w.flush();
  CHECK(out.errors[0].load() == err(domain::errc::storage_failure));
  CHECK(out.errors[1].load() == 0);
  CHECK(out.errors[2].load() == err(domain::errc::storage_failure));
  CHECK(out.errors[3].load() == 0);
  CHECK(count_rows(dir.file("shop.db")) == 2);
  CHECK(w.stats().units_failed == 2);
}

TEST_CASE("a full queue refuses a unit at once, on the caller's thread", "[storage]") {
  actorshop::test::temp_dir dir;
  writer w({.path = dir.file("shop.db"), .max_queue = 4});
  gate g;
  g.submit_to(w);
  outcomes out(5);
  for (std::size_t i = 0; i < 4; ++i)
    w.submit("row", insert_row(static_cast<std::int64_t>(i) + 1), out.slot(i));
  std::thread::id called_on;
  bool called = false;
  w.submit("row", insert_row(5), [&](domain::status s) {
    called = true;
    called_on = std::this_thread::get_id();
    CHECK(s.error() == domain::errc::unavailable);
  });
  CHECK(called); // before submit returned
  CHECK(called_on == std::this_thread::get_id());
  g.release();
  w.flush();
  for (std::size_t i = 0; i < 4; ++i)
    CHECK(out.errors[i].load() == 0);
  CHECK(count_rows(dir.file("shop.db")) == 4);
}

TEST_CASE("stopping commits what was queued and a stopped writer refuses units", "[storage]") {
  actorshop::test::temp_dir dir;
  auto sync = GENERATE(sync_mode::full, sync_mode::full_pipelined);
  writer w({.path = dir.file("shop.db"), .sync = sync});
  outcomes out(2);
  w.submit("row", insert_row(1), out.slot(0));
  w.stop();
  w.stop(); // idempotent
  CHECK(out.errors[0].load() == 0);
  w.submit("row", insert_row(2), out.slot(1));
  CHECK(out.errors[1].load() == err(domain::errc::unavailable));
  CHECK(count_rows(dir.file("shop.db")) == 1);
}

TEST_CASE("process-wide SQLite settings apply when configured before SQLite's first use",
          "[storage]") {
  CHECK(sqlite_configured);
  CHECK(configure_process()); // idempotent
}

TEST_CASE("the write_context caches one prepared statement per SQL text", "[storage]") {
  actorshop::test::temp_dir dir;
  writer w({.path = dir.file("shop.db")});
  std::promise<bool> same;
  w.submit(
      "probe",
      [&](write_context& ctx) {
        auto* a = &ctx.prepare("SELECT 1");
        auto* b = &ctx.prepare("SELECT 1");
        same.set_value(a == b);
        return domain::status::ok();
      },
      [](domain::status) {});
  CHECK(same.get_future().get());
}

TEST_CASE("a database locked by another connection fails to open with a clear error", "[storage]") {
  actorshop::test::temp_dir dir;
  { writer w({.path = dir.file("shop.db")}); }
  connection other(dir.file("shop.db"), SQLITE_OPEN_READWRITE);
  other.exec("BEGIN IMMEDIATE");
  try {
    writer w({.path = dir.file("shop.db"), .busy_timeout_ms = 200});
    FAIL("the writer opened a locked database");
  } catch (const error& e) {
    std::string what = e.what();
    CHECK(what.find(dir.file("shop.db")) != std::string::npos);
    CHECK(what.find("locked") != std::string::npos);
  }
  other.exec("ROLLBACK");
}

TEST_CASE("a read-only database file fails to open with a clear error", "[storage]") {
  actorshop::test::temp_dir dir;
  std::string path = dir.file("shop.db");
  { writer w({.path = path}); }
  // Root ignores file permissions, so the attempt runs in a child that drops to 'nobody'.
  std::filesystem::permissions(
      dir.path, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                    std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                    std::filesystem::perms::others_exec);
  for (const auto& f : std::filesystem::directory_iterator(dir.path))
    std::filesystem::permissions(f.path(), std::filesystem::perms::owner_read |
                                               std::filesystem::perms::group_read |
                                               std::filesystem::perms::others_read);
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(fds[0]);
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
      _exit(3);
    std::string message = "opened";
    try {
      writer w({.path = path, .busy_timeout_ms = 200});
    } catch (const std::exception& e) {
      message = e.what();
    }
    (void)!write(fds[1], message.data(), message.size());
    _exit(0);
  }
  close(fds[1]);
  std::string message;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;)
    message.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  INFO(message);
  CHECK(message != "opened");
  CHECK(message.find(path) != std::string::npos);
  CHECK(message.find("read-only") != std::string::npos);
}

TEST_CASE("when a batch's transaction fails, every unit of it fails and the writer carries on",
          "[storage]") {
  actorshop::test::temp_dir dir;
  writer w({.path = dir.file("shop.db")});
  outcomes out(4);
  gate g;
  g.submit_to(w);
  w.submit("row", insert_row(1), out.slot(0));
  w.submit(
      "saboteur", // ends the batch's transaction under the writer's feet
      [](write_context& ctx) {
        ctx.prepare("ROLLBACK").run();
        return domain::status::ok();
      },
      out.slot(1));
  w.submit("row", insert_row(3), out.slot(2));
  g.release();
  w.flush();
  for (std::size_t i = 0; i < 3; ++i)
    CHECK(out.errors[i].load() == err(domain::errc::storage_failure));
  w.submit("row", insert_row(4), out.slot(3));
  w.flush();
  CHECK(out.errors[3].load() == 0);
  CHECK(count_rows(dir.file("shop.db")) == 1);
}

TEST_CASE("a unit too large for the in-memory savepoint journal still rolls back alone",
          "[storage]") {
  actorshop::test::temp_dir dir;
  writer w({.path = dir.file("shop.db")});
  outcomes out(3);
  for (std::int64_t id = 1; id <= 2000; ++id) // pages the big unit must journal when it updates
    w.submit("row", insert_row(id), [](domain::status) {});
  w.flush();
  gate g;
  g.submit_to(w);
  w.submit("row", insert_row(5001), out.slot(0));
  w.submit(
      "big", // rewrites ~1 MB of existing pages, then fails
      [](write_context& ctx) {
        ctx.prepare("UPDATE outbox SET payload = printf('%.500c', 'x')").run();
        return domain::status(domain::errc::order_not_payable);
      },
      out.slot(1));
  w.submit("row", insert_row(5002), out.slot(2));
  g.release();
  w.flush();
  CHECK(out.errors[0].load() == 0);
  CHECK(out.errors[1].load() == err(domain::errc::order_not_payable));
  CHECK(out.errors[2].load() == 0);
  CHECK(count_rows(dir.file("shop.db")) == 2002);
  CHECK(count_rows(dir.file("shop.db"), "payload <> '{}'") == 0);
}
