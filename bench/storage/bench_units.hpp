// The units writer_bench commits: the SQL of a coupon issue and of an order paid in one go, shaped
// like the service's (same tables, same statements), on a database prepared for endless runs.
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "domain/time.hpp"
#include "storage/schema.hpp"
#include "storage/sqlite.hpp"
#include "storage/writer.hpp"

namespace actorshop::storage {

enum class unit_kind { coupon_issue, order_payment };

inline std::string_view kind_name(unit_kind k) {
  return k == unit_kind::coupon_issue ? "coupon-issue" : "order+payment";
}

constexpr int bench_customers = 2000;
constexpr int bench_options = 60;

/// Creates the schema with one inexhaustible coupon, 2,000 rich customers and 60 deep stocks.
inline void prepare_database(const std::string& path) {
  connection db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  migrate(db);
  db.exec("BEGIN");
  db.exec("INSERT INTO coupon VALUES (1, 'bench', 'FIXED', 1000, 1000000000000, 1000000000000, "
          "'2026-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z')");
  for (int c = 1; c <= bench_customers; ++c)
    db.exec("INSERT INTO balance (customer_id, amount) VALUES (" + std::to_string(c) +
            ", 1000000000000000)");
  for (int o = 1; o <= bench_options; ++o)
    db.exec("INSERT INTO stock VALUES (" + std::to_string(o) + ", " + std::to_string(o) +
            ", 1000000000, 0, 0)");
  db.exec("COMMIT");
}

/// Makes the next unit of one kind; ids come from a shared counter, so units never collide.
class unit_factory {
public:
  explicit unit_factory(unit_kind kind)
      : kind_(kind), now_(domain::format_iso8601(domain::now_ms())),
        today_(domain::format_day(domain::now_ms())) {}

  std::string_view label() const { return kind_name(kind_); }

  unit_fn next() {
    std::int64_t id = next_id_.fetch_add(1, std::memory_order_relaxed);
    if (kind_ == unit_kind::coupon_issue)
      return [this, id](write_context& ctx) { return issue_coupon(ctx, id); };
    return [this, id](write_context& ctx) { return pay_order(ctx, id); };
  }

private:
  domain::status issue_coupon(write_context& ctx, std::int64_t customer) const {
    auto& take = ctx.prepare("UPDATE coupon SET current_quantity = current_quantity - 1 "
                             "WHERE id = ? AND current_quantity > 0");
    take.bind(1, std::int64_t{1}).run();
    if (sqlite3_changes(ctx.handle()) != 1)
      return domain::errc::coupon_insufficient;
    ctx.prepare("INSERT INTO customer_coupon (customer_id, coupon_id, status, issued_at) "
                "VALUES (?, ?, 'AVAILABLE', ?)")
        .bind(1, customer)
        .bind(2, std::int64_t{1})
        .bind(3, now_)
        .run();
    return domain::status::ok();
  }

  domain::status pay_order(write_context& ctx, std::int64_t order) const {
    std::int64_t customer = 1 + order % bench_customers;
    std::int64_t option1 = 1 + order % bench_options;
    std::int64_t option2 = 1 + (order * 7 + 3) % bench_options;
    if (option2 == option1)
      option2 = 1 + option1 % bench_options;
    ctx.prepare("INSERT INTO orders (id, customer_id, status, total_price, created_at, "
                "expires_at, paid_at) VALUES (?, ?, 'PAID', 21000, ?, ?, ?)")
        .bind(1, order)
        .bind(2, customer)
        .bind(3, now_)
        .bind(4, now_)
        .bind(5, now_)
        .run();
    for (std::int64_t option : {option1, option2}) {
      ctx.prepare("INSERT INTO order_item VALUES (?, ?, ?, '티셔츠', 'S', 1, 10500, 10500)")
          .bind(1, order)
          .bind(2, 5000 + option)
          .bind(3, option)
          .run();
      // As the service does: stock and daily sales are summed per batch (write_context::add_later).
      ctx.add_later("UPDATE stock SET quantity = quantity + ?3, sold = sold + ?5 "
                    "WHERE product_option_id = ?1",
                    option, {}, {-1, 0, 1});
      ctx.add_later("INSERT INTO product_sales_daily VALUES (?1, ?2, ?3) ON CONFLICT (product_id, "
                    "sales_date) DO UPDATE SET quantity = quantity + excluded.quantity",
                    5000 + option, today_, {1, 0, 0});
    }
    ctx.prepare("INSERT INTO payment VALUES (?, ?, ?, NULL, 21000, 0, 21000, ?)")
        .bind(1, order)
        .bind(2, order)
        .bind(3, customer)
        .bind(4, now_)
        .run();
    // As the service writes them: the history row linked from the balance row (schema migration
    // 3), and an outbox row without a payload (migration 4).
    ctx.prepare("INSERT INTO balance_history (customer_id, change_type, change_amount, "
                "total_amount, created_at, prev_id) SELECT customer_id, 'USE', 21000, "
                "amount - 21000, ?2, last_history_id FROM balance WHERE customer_id = ?1")
        .bind(1, customer)
        .bind(2, now_)
        .run();
    ctx.prepare("UPDATE balance SET amount = amount - 21000, last_history_id = ?2 "
                "WHERE customer_id = ?1")
        .bind(1, customer)
        .bind(2, static_cast<std::int64_t>(sqlite3_last_insert_rowid(ctx.handle())))
        .run();
    ctx.prepare("INSERT INTO outbox (id, event_type, aggregate_id, created_at) "
                "VALUES (?, 'PaymentCompleted', ?, ?)")
        .bind(1, order)
        .bind(2, order)
        .bind(3, now_)
        .run();
    return domain::status::ok();
  }

  unit_kind kind_;
  std::string now_;
  std::string today_;
  std::atomic<std::int64_t> next_id_{1};
};

} // namespace actorshop::storage
