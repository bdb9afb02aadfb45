// The read queries return what the writer committed, shaped as the API's views.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <thread>

#include "domain/time.hpp"
#include "storage/reader.hpp"
#include "storage/schema.hpp"
#include "storage/seed.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop;
using namespace actorshop::storage;

namespace {
constexpr domain::timestamp now = 1'795'000'000'000; // 2026-11-19T...Z

struct seeded_db {
  actorshop::test::temp_dir dir;
  std::string path = dir.file("shop.db");
  connection db{path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE};
  seeded_db() {
    migrate(db);
    seed(db, now);
  }
  void sales(domain::id_t product, domain::timestamp day, int qty) {
    auto s = db.prepare("INSERT INTO product_sales_daily VALUES (?, ?, ?)");
    s.bind(1, product).bind(2, domain::format_day(day)).bind(3, qty).run();
  }
};

std::string iso(domain::timestamp t) { return domain::format_iso8601(t); }
} // namespace

TEST_CASE("popular ranks products by units sold in the last N days, today included", "[storage]") {
  seeded_db s;
  const auto day = domain::ms_per_day;
  s.sales(5001, now, 5);
  s.sales(5001, now - 2 * day, 5);  // inside a 3-day window
  s.sales(5002, now - 3 * day, 99); // outside it
  s.sales(5003, now, 10);
  s.sales(5004, now - day, 3);
  s.sales(5005, now, 3); // ties with 5004: lower id first
  s.sales(5006, now, 1);
  s.sales(5007, now, 2);
  reader r(s.path);
  auto top = r.popular(3, now);
  REQUIRE(top.size() == 5);
  CHECK(top[0].id == 5001);
  CHECK(top[0].total_sales == 10);
  CHECK(top[1].id == 5003);
  CHECK(top[2].id == 5004);
  CHECK(top[3].id == 5005);
  CHECK(top[4].id == 5007);
  CHECK(top[0].name == "티셔츠");
  CHECK(top[0].base_price == 10000);
  CHECK(r.popular(4, now)[0].id == 5002);
  CHECK(r.popular(1, now, 2).size() == 2);
}

TEST_CASE("an order is read back with its lines, and open orders are the CREATED ones",
          "[storage]") {
  seeded_db s;
  s.db.exec("INSERT INTO orders VALUES (1, 1001, 'CREATED', 21000, '" + iso(now) + "', '" +
            iso(now + 600'000) +
            "', NULL);"
            "INSERT INTO orders VALUES (2, 1002, 'PAID', 10000, '" +
            iso(now) + "', '" + iso(now) + "', '" + iso(now) +
            "');"
            "INSERT INTO order_item VALUES (1, 5001, 6001, '티셔츠', 'S', 1, 10000, 10000);"
            "INSERT INTO order_item VALUES (1, 5001, 6002, '티셔츠', 'M', 1, 11000, 11000);"
            "INSERT INTO order_item VALUES (2, 5001, 6001, '티셔츠', 'S', 1, 10000, 10000);"
            "INSERT INTO payment VALUES (7, 2, 1002, 4001, 10000, 1000, 9000, '" +
            iso(now) + "')");
  reader r(s.path);
  auto o = r.order(1);
  REQUIRE(o);
  CHECK(o->customer_id == 1001);
  CHECK(o->status == domain::order_status::created);
  CHECK(o->expires_at == now + 600'000);
  REQUIRE(o->lines.size() == 2);
  CHECK(o->lines[1].option_name == "M");
  CHECK(o->lines[1].unit_price == 11000);
  CHECK_FALSE(r.order(3));
  auto open = r.open_orders();
  REQUIRE(open.size() == 1);
  CHECK(open[0].id == 1);
  CHECK(open[0].lines.size() == 2);
  auto p = r.payment_of_order(2);
  REQUIRE(p);
  CHECK(p->id == 7);
  CHECK(p->coupon_id == 4001);
  CHECK(p->discounted_price == 9000);
  CHECK_FALSE(r.payment_of_order(1));
  CHECK(r.max_order_id() == 2);
  CHECK(r.max_payment_id() == 7);
  CHECK(r.max_coupon_id() == 4001);
}

TEST_CASE("balances, their history and wallets are read per customer", "[storage]") {
  seeded_db s;
  // Linked as the units write them: balance.last_history_id -> prev_id -> ... (migration 3).
  s.db.exec("INSERT INTO balance_history (id, customer_id, change_type, change_amount, "
            "total_amount, created_at, prev_id) VALUES (1, 1001, 'CHARGE', 500, 50000500, '" +
            iso(now) +
            "', NULL);"
            "INSERT INTO balance_history (id, customer_id, change_type, change_amount, "
            "total_amount, created_at, prev_id) VALUES (2, 1002, 'CHARGE', 9, 50000009, '" +
            iso(now) +
            "', NULL);"
            "INSERT INTO balance_history (id, customer_id, change_type, change_amount, "
            "total_amount, created_at, prev_id) VALUES (3, 1001, 'USE', 500, 50000000, '" +
            iso(now + 1) +
            "', 1);"
            "UPDATE balance SET last_history_id = 3 WHERE customer_id = 1001;"
            "UPDATE balance SET last_history_id = 2 WHERE customer_id = 1002;"
            "INSERT INTO customer_coupon VALUES (1001, 4001, 'AVAILABLE', '" +
            iso(now) + "', NULL)");
  reader r(s.path);
  CHECK(r.balance(1001)->amount == 50'000'000);
  CHECK_FALSE(r.balance(42));
  CHECK(r.customer_exists(3000));
  CHECK_FALSE(r.customer_exists(3001));
  auto history = r.balance_history(1001);
  REQUIRE(history.size() == 2);
  CHECK(history[0].type == domain::change_type::charge);
  CHECK(history[1].type == domain::change_type::use);
  CHECK(history[1].created_at == now + 1);
  CHECK(r.balance_history(1002).size() == 1);
  CHECK(r.balance_history(1003).empty());
  auto wallet = r.customer_coupons(1001);
  REQUIRE(wallet.size() == 1);
  CHECK(wallet[0].name == "이벤트 한정 1000원 할인");
  CHECK(wallet[0].expired_at == now + 10 * domain::ms_per_day);
  auto holders = r.coupon_holders(4001);
  REQUIRE(holders.size() == 1);
  CHECK(holders[0].first == 1001);
  CHECK(r.customer_ids().size() == 2000);
}

TEST_CASE("a product shows each option's available stock and the list shows their sum",
          "[storage]") {
  seeded_db s;
  s.db.exec("UPDATE stock SET quantity = 99990, reserved = 10 WHERE product_option_id = 6002");
  reader r(s.path);
  auto p = r.product(5001);
  REQUIRE(p);
  REQUIRE(p->options.size() == 3);
  CHECK(p->options[1].stock == 99'990);
  CHECK(p->options[2].extra_price == 2000);
  CHECK(r.products()[0].stock == 299'990);
  CHECK(r.stock_by_option(6002)->reserved == 10);
  CHECK_FALSE(r.product(4242));
}

TEST_CASE("a reader sees later commits, and thread_reader keeps one reader per thread",
          "[storage]") {
  seeded_db s;
  auto& mine = thread_reader(s.path);
  CHECK(&mine == &thread_reader(s.path));
  CHECK(mine.balance(1001)->amount == 50'000'000);
  s.db.exec("UPDATE balance SET amount = 1 WHERE customer_id = 1001");
  CHECK(mine.balance(1001)->amount == 1);
  reader* other = nullptr;
  std::thread([&] { other = &thread_reader(s.path); }).join();
  CHECK(other != &mine);
}

TEST_CASE("a balance history is paged newest first, each page's cursor leading to the next",
          "[storage]") {
  seeded_db s;
  // 1001 has entries 1..7 (change amount = id) and 1002 has entry 8, linked
  // as the units write them, each customer's list from balance.last_history_id through prev_id.
  std::string sql;
  domain::id_t prev = 0;
  for (domain::id_t id = 1; id <= 7; ++id) {
    sql += "INSERT INTO balance_history (id, customer_id, change_type, change_amount, "
           "total_amount, created_at, prev_id) VALUES (" +
           std::to_string(id) + ", 1001, 'CHARGE', " + std::to_string(id) + ", " +
           std::to_string(50'000'000 + id) + ", '" + iso(now + id) + "', " +
           (prev ? std::to_string(prev) : "NULL") + ");";
    prev = id;
  }
  sql += "INSERT INTO balance_history (id, customer_id, change_type, change_amount, total_amount, "
         "created_at, prev_id) VALUES (8, 1002, 'CHARGE', 8, 50000008, '" +
         iso(now) + "', NULL);";
  sql += "UPDATE balance SET last_history_id = 7 WHERE customer_id = 1001;"
         "UPDATE balance SET last_history_id = 8 WHERE customer_id = 1002;";
  s.db.exec(sql);
  reader r(s.path);
  auto amounts = [](const domain::balance_history_page& p) {
    std::vector<domain::money> v;
    for (const auto& e : p.entries)
      v.push_back(e.change_amount);
    return v;
  };

  auto first = r.balance_history_page(1001, 3);
  REQUIRE(first);
  CHECK(amounts(*first) == std::vector<domain::money>{7, 6, 5});
  CHECK(first->entries[0].created_at == now + 7);
  CHECK(first->next_before == 5);
  auto second = r.balance_history_page(1001, 3, first->next_before);
  REQUIRE(second);
  CHECK(amounts(*second) == std::vector<domain::money>{4, 3, 2});
  auto last = r.balance_history_page(1001, 3, second->next_before);
  REQUIRE(last);
  CHECK(amounts(*last) == std::vector<domain::money>{1});
  CHECK(last->next_before == 0); // nothing older

  SECTION("a page that ends exactly at the oldest entry has no cursor") {
    CHECK(amounts(*r.balance_history_page(1001, 7)) ==
          std::vector<domain::money>{7, 6, 5, 4, 3, 2, 1});
    CHECK(r.balance_history_page(1001, 7)->next_before == 0);
    CHECK(r.balance_history_page(1001, 3, 4)->next_before == 0);
  }
  SECTION("another customer's entry, or no entry, is not a cursor") {
    CHECK_FALSE(r.balance_history_page(1001, 3, 8));
    CHECK_FALSE(r.balance_history_page(1002, 3, 7));
    CHECK_FALSE(r.balance_history_page(1001, 3, 999));
  }
  SECTION("a customer without history has one empty page") {
    auto none = r.balance_history_page(1003, 50);
    REQUIRE(none);
    CHECK(none->entries.empty());
    CHECK(none->next_before == 0);
  }
}
