// Seed data copied from /work/shared/seed/load-test-design.ko.md. INSERT OR IGNORE everywhere:
// seeding a live database must never reset a balance, a coupon's remaining quantity or a stock.
#include "storage/seed.hpp"

#include <array>
#include <string>
#include <string_view>

namespace actorshop::storage {
namespace {

struct seed_product {
  std::string_view name;
  domain::money base_price;
};

// Products 5001..5020, in id order, exactly as the seed document lists them.
constexpr std::array<seed_product, seed_product_count> products = {{
    {"티셔츠", 10000},   {"후드티", 15000},   {"청바지", 20000},   {"운동화", 30000},
    {"점퍼", 25000},     {"셔츠", 12000},     {"슬랙스", 18000},   {"모자", 8000},
    {"스니커즈", 22000}, {"가방", 40000},     {"슬랙스_1", 30000}, {"모자_2", 18000},
    {"운동화_3", 25000}, {"청바지_4", 15000}, {"모자_5", 8000},    {"점퍼_6", 20000},
    {"셔츠_7", 18000},   {"가방_8", 18000},   {"후드티_9", 20000}, {"모자_10", 22000},
}};

struct seed_option {
  std::string_view name;
  domain::money extra_price;
};

constexpr std::array<seed_option, 3> options = {{{"S", 0}, {"M", 1000}, {"L", 2000}}};

/// Runs `body` inside one IMMEDIATE transaction, rolling back if it throws.
template <class F> void in_transaction(connection& db, F&& body) {
  db.exec("BEGIN IMMEDIATE");
  try {
    body();
    db.exec("COMMIT");
  } catch (...) {
    try {
      db.exec("ROLLBACK");
    } catch (const error&) { // nothing left to roll back
    }
    throw;
  }
}

void insert_customers(connection& db, domain::id_t first_id, std::int64_t count,
                      const ownership& owns = {}) {
  statement customer = db.prepare("INSERT OR IGNORE INTO customer (id, username) VALUES (?, ?)");
  statement balance =
      db.prepare("INSERT OR IGNORE INTO balance (customer_id, amount) VALUES (?, ?)");
  std::string username;
  for (domain::id_t id = first_id; id < first_id + count; ++id) {
    username = "user_" + std::to_string(id);
    customer.bind(1, id).bind(2, username).run();
    customer.reset();
    if (owns && !owns(domain::entity_kind::customer, id))
      continue; // the directory row everywhere, the balance (the state) on its owner only
    balance.bind(1, id).bind(2, seed_balance).run();
    balance.reset();
  }
}

void insert_coupon(connection& db, domain::timestamp now) {
  statement s = db.prepare(
      "INSERT OR IGNORE INTO coupon (id, name, discount_type, discount_amount, current_quantity, "
      "total_quantity, started_at, expired_at) VALUES (?, ?, 'FIXED', 1000, 1000, 1000, ?, ?)");
  s.bind(1, seed_coupon_id)
      .bind(2, "이벤트 한정 1000원 할인")
      .bind(3, domain::format_iso8601(now))
      .bind(4, domain::format_iso8601(now + 10 * domain::ms_per_day))
      .run();
}

void insert_catalog(connection& db, const ownership& owns) {
  statement product =
      db.prepare("INSERT OR IGNORE INTO product (id, name, base_price) VALUES (?, ?, ?)");
  statement option = db.prepare("INSERT OR IGNORE INTO product_option (id, product_id, "
                                "option_name, extra_price) VALUES (?, ?, ?, ?)");
  statement stock = db.prepare("INSERT OR IGNORE INTO stock (id, product_option_id, quantity, "
                               "reserved, sold) VALUES (?, ?, ?, 0, 0)");
  for (int p = 0; p < seed_product_count; ++p) {
    domain::id_t product_id = seed_first_product + p;
    product.bind(1, product_id).bind(2, products[p].name).bind(3, products[p].base_price).run();
    product.reset();
    for (int k = 0; k < 3; ++k) {
      domain::id_t option_id = seed_first_option + 3 * p + k;
      option.bind(1, option_id).bind(2, product_id).bind(3, options[k].name);
      option.bind(4, options[k].extra_price).run();
      option.reset();
      if (owns && !owns(domain::entity_kind::stock, option_id))
        continue; // the catalog everywhere, the stock row (the state) on its owner only
      stock.bind(1, seed_first_stock + 3 * p + k).bind(2, option_id);
      stock.bind(3, seed_stock_quantity).run();
      stock.reset();
    }
  }
}

} // namespace

void seed(connection& db, domain::timestamp now, const ownership& owns) {
  in_transaction(db, [&] {
    insert_customers(db, seed_first_customer, seed_customer_count, owns);
    if (!owns || owns(domain::entity_kind::coupon, seed_coupon_id))
      insert_coupon(db, now);
    insert_catalog(db, owns);
  });
}

void seed_customers(connection& db, domain::id_t first_id, std::int64_t count) {
  in_transaction(db, [&] { insert_customers(db, first_id, count); });
}

} // namespace actorshop::storage
