// write_context::add_later: the deltas of a batch are summed per row and written once before the
// COMMIT; a failing unit's deltas are dropped with it.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/sqlite.hpp"
#include "storage/writer.hpp"
#include "support/temp_dir.hpp"
#include "writer_support.hpp"

using namespace actorshop;
using namespace actorshop::storage;
using namespace actorshop::storage::testing;

namespace {

constexpr std::string_view add_to_balance =
    "UPDATE balance SET amount = amount + ?3 WHERE customer_id = ?1";

/// A unit adding `delta` to customer `id`'s balance with add_later, then returning `outcome`.
unit_fn add_balance(std::int64_t id, std::int64_t delta, domain::status outcome = {}) {
  return [=](write_context& ctx) {
    ctx.add_later(add_to_balance, id, {}, {delta, 0, 0});
    return outcome;
  };
}

std::int64_t balance_of(const std::string& path, int id) {
  connection db(path, SQLITE_OPEN_READONLY);
  return db.query_int64("SELECT amount FROM balance WHERE customer_id = " + std::to_string(id));
}

/// Creates the schema (a writer opened and closed) with customers 1 and 2 holding 100 each.
void seed_balances(const std::string& path) {
  { writer w({.path = path}); }
  connection db(path, SQLITE_OPEN_READWRITE);
  db.exec("INSERT INTO balance (customer_id, amount) VALUES (1, 100), (2, 100)");
}

} // namespace

TEST_CASE("add_later sums a batch's deltas per row and writes each row once", "[storage]") {
  actorshop::test::temp_dir dir;
  seed_balances(dir.file("shop.db"));
  writer w({.path = dir.file("shop.db")});
  outcomes out(6);
  gate g;
  g.submit_to(w);
  for (std::size_t i = 0; i < 6; ++i)
    w.submit("add", add_balance(1 + static_cast<int>(i % 2), 10), out.slot(i));
  // A unit that reads the row between the adds sees the value before the batch.
  std::int64_t seen = -1;
  w.submit(
      "read",
      [&seen](write_context& ctx) {
        auto& s = ctx.prepare("SELECT amount FROM balance WHERE customer_id = 1");
        seen = s.step() ? s.column_int64(0) : -2;
        return domain::status::ok();
      },
      [](domain::status) {});
  g.release();
  w.flush();
  for (std::size_t i = 0; i < 6; ++i)
    CHECK(out.errors[i].load() == 0);
  CHECK(balance_of(dir.file("shop.db"), 1) == 130);
  CHECK(balance_of(dir.file("shop.db"), 2) == 130);
  CHECK(seen == 100);
}

TEST_CASE("a failing unit's add_later deltas are dropped, its neighbours' kept", "[storage]") {
  actorshop::test::temp_dir dir;
  seed_balances(dir.file("shop.db"));
  writer w({.path = dir.file("shop.db")});
  outcomes out(5);
  gate g;
  g.submit_to(w);
  w.submit("add", add_balance(1, 10), out.slot(0));
  w.submit("refused", add_balance(1, 1000, domain::errc::coupon_insufficient), out.slot(1));
  w.submit("add", add_balance(1, 5), out.slot(2));
  w.submit("no-row", add_balance(99, 7), out.slot(3));     // the sum finds no row at the commit
  w.submit("negative", add_balance(2, -500), out.slot(4)); // the sum breaks amount >= 0
  g.release();
  w.flush();
  CHECK(out.errors[0].load() == 0);
  CHECK(out.errors[1].load() == err(domain::errc::coupon_insufficient));
  CHECK(out.errors[2].load() == 0);
  CHECK(out.errors[3].load() == err(domain::errc::storage_failure));
  CHECK(out.errors[4].load() == err(domain::errc::storage_failure));
  CHECK(balance_of(dir.file("shop.db"), 1) == 115);
  CHECK(balance_of(dir.file("shop.db"), 2) == 100);
}
