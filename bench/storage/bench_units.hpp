// The units writer_bench commits: the service's coupon issue and an order created and paid in one
// unit (the service's own storage functions), on a database prepared for endless runs.
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "domain/model.hpp"
#include "domain/time.hpp"
#include "storage/coupon_units.hpp"
#include "storage/order_units.hpp"
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

/// Makes the next unit of one kind; ids come from a shared counter, so units never collide. The
/// units are the service's own (storage/coupon_units.hpp, storage/order_units.hpp): order+payment
/// is create_order's and pay_order's SQL in one unit, as if the payment followed at once.
class unit_factory {
public:
  explicit unit_factory(unit_kind kind) : kind_(kind), now_(domain::now_ms()) {}

  std::string_view label() const { return kind_name(kind_); }

  unit_fn next() {
    std::int64_t id = next_id_.fetch_add(1, std::memory_order_relaxed);
    if (kind_ == unit_kind::coupon_issue)
      return issue_coupon(1, id, now_);
    return [this, id](write_context& ctx) { return pay_order(ctx, id); };
  }

private:
  domain::status pay_order(write_context& ctx, std::int64_t order_id) const {
    const domain::order o = order_of(order_id);
    if (auto s = insert_order(ctx, o); !s)
      return s;
    domain::payment_job job;
    job.payment = {.id = o.id,
                   .order_id = o.id,
                   .customer_id = o.customer_id,
                   .coupon_id = std::nullopt,
                   .original_price = o.total_price,
                   .discount_amount = 0,
                   .discounted_price = o.total_price,
                   .paid_at = now_};
    job.lines = o.lines;
    return settle_payment(ctx, job);
  }

  // Two lines of one unit each on distinct stock rows, the customer spread over the seed's.
  domain::order order_of(std::int64_t id) const {
    std::int64_t option1 = 1 + id % bench_options;
    std::int64_t option2 = 1 + (id * 7 + 3) % bench_options;
    if (option2 == option1)
      option2 = 1 + option1 % bench_options;
    domain::order o{.id = id,
                    .customer_id = 1 + id % bench_customers,
                    .status = domain::order_status::created,
                    .total_price = 21000,
                    .created_at = now_,
                    .expires_at = now_,
                    .lines = {}};
    for (std::int64_t option : {option1, option2})
      o.lines.push_back({5000 + option, option, "티셔츠", "S", 1, 10500, 10500});
    return o;
  }

  unit_kind kind_;
  domain::timestamp now_;
  std::atomic<std::int64_t> next_id_{1};
};

} // namespace actorshop::storage
