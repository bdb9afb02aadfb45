// Cluster mode's steps on a real SQLite file and a real actor system: a shop in cluster mode
// (owning every shard) applies each step id at most once and answers a repeated id with the first
// outcome; a compensation of a step that never arrived leaves a tombstone.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "actors/shop.hpp"
#include "storage/sqlite.hpp"
#include "storage/step_units.hpp"
#include "support/seeded_db.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop;
using storage::step;
using storage::step_kind;
using storage::step_outcome;

namespace {

struct cluster_shop {
  test::temp_dir dir;
  std::string path = test::seeded_database(dir);
  actors::shop shop{options()};

  actors::shop_options options() const {
    actors::shop_options o;
    o.db_path = path;
    o.actor_threads = 2;
    o.owns = [](domain::entity_kind, domain::id_t) { return true; };
    return o;
  }
  std::int64_t query(const std::string& sql) const {
    storage::connection db{path, SQLITE_OPEN_READONLY};
    db.busy_timeout(5000);
    return db.query_int64(sql);
  }
  /// Applies `s` and waits (bounded) for its outcome.
  domain::result<step_outcome> apply(const step& s) {
    std::mutex m;
    std::condition_variable cv;
    std::optional<domain::result<step_outcome>> got;
    shop.apply_step(s, [&](domain::result<step_outcome> r) {
      std::lock_guard lock(m);
      got = std::move(r);
      cv.notify_all();
    });
    std::unique_lock lock(m);
    cv.wait_for(lock, std::chrono::seconds(30), [&] { return got.has_value(); });
    REQUIRE(got);
    return *got;
  }
  std::int64_t stock(const char* column, domain::id_t option) const {
    return query(std::string("SELECT ") + column +
                 " FROM stock WHERE product_option_id = " + std::to_string(option));
  }
};

step reserve(std::string id, domain::quantity qty) {
  return step{std::move(id), step_kind::reserve, 6001, 0, qty, {}, domain::now_ms()};
}

std::uint8_t code(domain::errc e) { return static_cast<std::uint8_t>(e); }

} // namespace

TEST_CASE("a repeated step id answers the first outcome and applies once", "[cluster][step]") {
  cluster_shop c;
  const auto before = c.stock("quantity", 6001);
  auto first = c.apply(reserve("9:reserve:0", 5));
  REQUIRE(first);
  CHECK(first->code == 0);
  auto again = c.apply(reserve("9:reserve:0", 5));
  REQUIRE(again);
  CHECK(again->code == 0);
  CHECK(c.stock("quantity", 6001) == before - 5);
  CHECK(c.stock("reserved", 6001) == 5);
  CHECK(c.query("SELECT COUNT(*) FROM applied_step WHERE step_id = '9:reserve:0'") == 1);

  // A refusal is an outcome too: the same id stays refused even once the stock would allow it.
  auto refused = c.apply(reserve("9:reserve:1", before));
  REQUIRE(refused);
  CHECK(refused->code == code(domain::errc::stock_insufficient));
  REQUIRE(c.apply(step{"9:release:0", step_kind::release, 6001, 0, 5, "9:reserve:0", 0})->code ==
          0);
  CHECK(c.apply(reserve("9:reserve:1", before))->code == code(domain::errc::stock_insufficient));
  CHECK(c.stock("quantity", 6001) == before);
  CHECK(c.stock("reserved", 6001) == 0);
  // The release repeated gives nothing back twice.
  CHECK(c.apply(step{"9:release:0", step_kind::release, 6001, 0, 5, "9:reserve:0", 0})->code == 0);
  CHECK(c.stock("quantity", 6001) == before);
}

TEST_CASE("concurrent copies of one step apply it once", "[cluster][step]") {
  cluster_shop c;
  const auto before = c.stock("quantity", 6001);
  std::vector<std::thread> copies;
  std::atomic<int> applied{0};
  for (int i = 0; i < 8; ++i)
    copies.emplace_back([&] {
      if (auto r = c.apply(reserve("7:reserve:0", 3)); r && r->code == 0)
        ++applied;
    });
  for (auto& t : copies)
    t.join();
  CHECK(applied == 8); // every copy gets the first outcome
  CHECK(c.stock("quantity", 6001) == before - 3);
  CHECK(c.stock("reserved", 6001) == 3);
}

TEST_CASE("a compensation of a step that never arrived leaves a tombstone", "[cluster][step]") {
  cluster_shop c;
  const auto before = c.stock("quantity", 6001);
  // The saga gave up on its reserve (no answer) and released it: nothing to give back.
  auto released = c.apply(step{"8:release:0", step_kind::release, 6001, 0, 4, "8:reserve:0", 0});
  REQUIRE(released);
  CHECK(released->code == 0);
  // The reserve arrives late: refused, nothing reserved.
  auto late = c.apply(reserve("8:reserve:0", 4));
  REQUIRE(late);
  CHECK(late->code != 0);
  CHECK(c.stock("quantity", 6001) == before);
  CHECK(c.stock("reserved", 6001) == 0);
}

TEST_CASE("a coupon use step repeated uses the copy once, and its compensation gives it back",
          "[cluster][step]") {
  cluster_shop c;
  {
    std::mutex m;
    std::condition_variable cv;
    bool issued = false;
    c.shop.issue_coupon(4001, 1001, [&](domain::result<domain::issued_coupon> r) {
      REQUIRE(r);
      std::lock_guard lock(m);
      issued = true;
      cv.notify_all();
    });
    std::unique_lock lock(m);
    cv.wait_for(lock, std::chrono::seconds(30), [&] { return issued; });
    REQUIRE(issued);
  }
  const step use{"5.1:use", step_kind::use_coupon, 4001, 1001, 0, {}, domain::now_ms()};
  auto first = c.apply(use);
  REQUIRE(first);
  CHECK(first->code == 0);
  CHECK(first->discount_amount == 1000);
  auto again = c.apply(use);
  REQUIRE(again);
  CHECK(again->code == 0);
  CHECK(again->discount_amount == 1000); // the first answer's terms
  const std::string held =
      "SELECT COUNT(*) FROM customer_coupon WHERE coupon_id = 4001 AND customer_id = 1001 AND ";
  CHECK(c.query(held + "status = 'USED'") == 1);
  // Another attempt's use of the same copy is refused: it is used.
  auto other = c.apply(step{"5.2:use", step_kind::use_coupon, 4001, 1001, 0, {}, domain::now_ms()});
  CHECK(other->code == code(domain::errc::coupon_already_used));
  REQUIRE(c.apply(step{"5.1:unuse", step_kind::unuse_coupon, 4001, 1001, 0, "5.1:use", 0})->code ==
          0);
  CHECK(c.query(held + "status = 'AVAILABLE'") == 1);
}
