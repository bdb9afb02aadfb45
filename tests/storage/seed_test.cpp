// The seed dataset is exactly the one of spec §2, and seeding twice changes nothing.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "domain/time.hpp"
#include "storage/reader.hpp"
#include "storage/schema.hpp"
#include "storage/seed.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop;
using namespace actorshop::storage;

namespace {
constexpr domain::timestamp now = 1'795'000'000'000; // 2026-11-19

connection seeded(const std::string& path) {
  connection db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  migrate(db);
  seed(db, now);
  return db;
}
} // namespace

TEST_CASE("the seed holds 2,000 customers with 50,000,000 each", "[storage]") {
  actorshop::test::temp_dir dir;
  auto db = seeded(dir.file("shop.db"));
  CHECK(db.query_int64("SELECT count(*) FROM customer") == 2000);
  CHECK(db.query_int64("SELECT min(id) FROM customer") == 1001);
  CHECK(db.query_int64("SELECT max(id) FROM customer") == 3000);
  CHECK(db.query_int64("SELECT count(*) FROM balance WHERE amount = 50000000") == 2000);
  CHECK(db.query_text("SELECT username FROM customer WHERE id = 1234") == "user_1234");
}

TEST_CASE("the seed coupon 4001 is FIXED 1000 with 1000 of 1000 left for 10 days", "[storage]") {
  actorshop::test::temp_dir dir;
  seeded(dir.file("shop.db"));
  reader r(dir.file("shop.db"));
  auto c = r.coupon(4001);
  REQUIRE(c);
  CHECK(c->name == "이벤트 한정 1000원 할인");
  CHECK(c->type == domain::discount_type::fixed);
  CHECK(c->discount_amount == 1000);
  CHECK(c->current_quantity == 1000);
  CHECK(c->total_quantity == 1000);
  CHECK(c->started_at == now);
  CHECK(c->expired_at == now + 10 * domain::ms_per_day);
  CHECK(r.coupon_ids() == std::vector<domain::id_t>{4001});
}

TEST_CASE("the seed catalog has the seed document's 20 products, 60 options and 60 stocks",
          "[storage]") {
  actorshop::test::temp_dir dir;
  seeded(dir.file("shop.db"));
  reader r(dir.file("shop.db"));
  auto products = r.products();
  REQUIRE(products.size() == 20);
  CHECK(products[0].id == 5001);
  CHECK(products[0].name == "티셔츠");
  CHECK(products[0].base_price == 10000);
  CHECK(products[0].stock == 300'000);
  CHECK(products[7].name == "모자");
  CHECK(products[7].base_price == 8000);
  CHECK(products[9].name == "가방");
  CHECK(products[9].base_price == 40000);
  CHECK(products[19].id == 5020);
  CHECK(products[19].name == "모자_10");
  CHECK(products[19].base_price == 22000);

  auto catalog = r.load_catalog();
  REQUIRE(catalog.options().size() == 60);
  for (int p = 0; p < 20; ++p)
    for (int k = 0; k < 3; ++k) {
      const auto* o = catalog.find_option(6001 + 3 * p + k);
      REQUIRE(o != nullptr);
      CHECK(o->product_id == 5001 + p);
      CHECK(o->name == std::string(1, "SML"[k]));
      CHECK(o->extra_price == 1000 * k);
    }
  auto stocks = r.stocks();
  REQUIRE(stocks.size() == 60);
  for (std::size_t i = 0; i < stocks.size(); ++i) {
    CHECK(stocks[i].id == 7001 + static_cast<domain::id_t>(i));
    CHECK(stocks[i].option_id == 6001 + static_cast<domain::id_t>(i));
    CHECK(stocks[i].available == 100'000);
    CHECK(stocks[i].reserved == 0);
    CHECK(stocks[i].sold == 0);
  }
}

TEST_CASE("seeding twice never resets live data", "[storage]") {
  actorshop::test::temp_dir dir;
  auto db = seeded(dir.file("shop.db"));
  db.exec("UPDATE balance SET amount = 7 WHERE customer_id = 1001;"
          "UPDATE coupon SET current_quantity = 3 WHERE id = 4001;"
          "UPDATE stock SET quantity = 5 WHERE id = 7001");
  seed(db, now + 1000);
  CHECK(db.query_int64("SELECT count(*) FROM customer") == 2000);
  CHECK(db.query_int64("SELECT amount FROM balance WHERE customer_id = 1001") == 7);
  CHECK(db.query_int64("SELECT current_quantity FROM coupon WHERE id = 4001") == 3);
  CHECK(db.query_text("SELECT started_at FROM coupon") == domain::format_iso8601(now));
  CHECK(db.query_int64("SELECT quantity FROM stock WHERE id = 7001") == 5);
  CHECK(db.query_int64("SELECT count(*) FROM product") == 20);
  CHECK(db.query_int64("SELECT count(*) FROM product_option") == 60);
  CHECK(db.query_int64("SELECT count(*) FROM stock") == 60);
}

TEST_CASE("seed_customers loads a large synthetic set in one transaction", "[storage]") {
  actorshop::test::temp_dir dir;
  auto db = seeded(dir.file("shop.db"));
  seed_customers(db, 100'000, 50'000);
  seed_customers(db, 100'000, 10); // idempotent
  CHECK(db.query_int64("SELECT count(*) FROM customer") == 52'000);
  CHECK(db.query_int64("SELECT count(*) FROM balance WHERE amount = 50000000") == 52'000);
}
