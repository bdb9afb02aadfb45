#include "storage/balance_units.hpp"

#include "storage/sqlite.hpp"
#include "storage/unit_support.hpp"

namespace actorshop::storage {

// The history row reads the total and the list link from the balance row, then the balance row
// moves to it: two statements, no read back into C++.
domain::status change_balance(write_context& ctx, domain::id_t customer_id, const char* type,
                              domain::money amount, domain::money delta, const std::string& at) {
  ctx.prepare("INSERT INTO balance_history (customer_id, change_type, change_amount, "
              "total_amount, created_at, prev_id) "
              "SELECT customer_id, ?2, ?3, amount + ?4, ?5, last_history_id FROM balance "
              "WHERE customer_id = ?1")
      .bind(1, customer_id)
      .bind(2, type)
      .bind(3, amount)
      .bind(4, delta)
      .bind(5, at)
      .run();
  if (!unit_support::changed_one(ctx))
    return domain::errc::customer_not_found;
  ctx.prepare(
         "UPDATE balance SET amount = amount + ?2, last_history_id = ?3 WHERE customer_id = ?1")
      .bind(1, customer_id)
      .bind(2, delta)
      .bind(3, static_cast<std::int64_t>(sqlite3_last_insert_rowid(ctx.handle())))
      .run();
  return {};
}

unit_fn charge_balance(domain::id_t customer_id, domain::money amount, domain::timestamp now,
                       std::shared_ptr<domain::money> total) {
  return [=](write_context& ctx) -> domain::status {
    if (auto s =
            change_balance(ctx, customer_id, "CHARGE", amount, amount, domain::format_iso8601(now));
        !s)
      return s;
    auto& q = ctx.prepare("SELECT amount FROM balance WHERE customer_id = ?");
    q.bind(1, customer_id);
    if (!q.step())
      return domain::errc::customer_not_found;
    *total = q.column_int64(0);
    return {};
  };
}

} // namespace actorshop::storage
