// The invariants. In memory after every step; in the database after every step that changed it;
// memory against the database whenever nothing is pending (and right after a recovery); and every
// acknowledged command against the database after each crash and at the end.
#include <caf/actor_cast.hpp>

#include "actors/coupon.hpp"
#include "actors/customer.hpp"
#include "actors/order_saga.hpp"
#include "actors/stock.hpp"
#include "world.hpp"

namespace actorshop::sim {
namespace {

using domain::id_t;

template <class T> T* state_of(const caf::actor& a) {
  return dynamic_cast<T*>(caf::actor_cast<caf::abstract_actor*>(a));
}

std::string str(std::int64_t v) { return std::to_string(v); }

// Every database invariant as a query counting what breaks it (0 = holds).
struct db_check {
  const char* what;
  std::string sql;
};

std::vector<db_check> database_checks() {
  const auto stock0 = str(data::initial_stock), balance0 = str(data::initial_balance);
  auto lines_of = [](const char* status) {
    return std::string("coalesce((SELECT sum(i.quantity) FROM order_item i JOIN orders o ON "
                       "o.id = i.order_id WHERE i.product_option_id = s.product_option_id AND "
                       "o.status = '") +
           status + "'), 0)";
  };
  auto history = [](const char* type) {
    return std::string("coalesce((SELECT sum(change_amount) FROM balance_history h WHERE "
                       "h.customer_id = b.customer_id AND h.change_type = '") +
           type + "'), 0)";
  };
  return {
      {"stock = available + reserved + sold",
       "SELECT count(*) FROM stock s WHERE quantity + reserved + sold != " + stock0 +
           " OR quantity < 0 OR reserved < 0 OR sold < 0"},
      {"reserved stock = the lines of CREATED orders",
       "SELECT count(*) FROM stock s WHERE reserved != " + lines_of("CREATED")},
      {"sold stock = the lines of PAID orders",
       "SELECT count(*) FROM stock s WHERE sold != " + lines_of("PAID")},
      {"balance = initial + charges - payments + refunds",
       "SELECT count(*) FROM balance b WHERE amount != " + balance0 + " + " + history("CHARGE") +
           " - coalesce((SELECT sum(discounted_price) FROM payment p WHERE p.customer_id = "
           "b.customer_id), 0) + " +
           history("REFUND") + " OR amount < 0"},
      {"balance history USE = payments",
       "SELECT count(*) FROM balance b WHERE " + history("USE") +
           " != coalesce((SELECT sum(discounted_price) FROM payment p WHERE p.customer_id = "
           "b.customer_id), 0)"},
      {"coupon holders = total - remaining <= total",
       "SELECT count(*) FROM coupon c WHERE total_quantity - current_quantity != (SELECT count(*) "
       "FROM customer_coupon cc WHERE cc.coupon_id = c.id) OR current_quantity < 0 OR "
       "current_quantity > total_quantity"},
      {"no duplicate coupon holder",
       "SELECT count(*) - count(DISTINCT coupon_id || '/' || customer_id) FROM customer_coupon"},
      {"a used coupon copy has its payment",
       "SELECT count(*) FROM customer_coupon cc WHERE status = 'USED' AND NOT EXISTS (SELECT 1 "
       "FROM payment p WHERE p.customer_id = cc.customer_id AND p.coupon_id = cc.coupon_id)"},
      {"a payment with a coupon used that copy",
       "SELECT count(*) FROM payment p WHERE coupon_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
       "customer_coupon cc WHERE cc.customer_id = p.customer_id AND cc.coupon_id = p.coupon_id "
       "AND cc.status = 'USED')"},
      {"a payment exists iff its order is PAID",
       "SELECT (SELECT count(*) FROM orders o WHERE (o.status = 'PAID') != EXISTS (SELECT 1 FROM "
       "payment p WHERE p.order_id = o.id)) + (SELECT count(*) FROM payment p WHERE NOT EXISTS "
       "(SELECT 1 FROM orders o WHERE o.id = p.order_id))"},
      {"a payment charges its order's price less its discount",
       "SELECT count(*) FROM payment p JOIN orders o ON o.id = p.order_id WHERE p.original_price "
       "!= o.total_price OR p.discounted_price != p.original_price - p.discount_amount OR "
       "p.customer_id != o.customer_id"},
      {"one PaymentCompleted event per payment",
       "SELECT (SELECT count(*) FROM payment) - (SELECT count(*) FROM outbox)"},
  };
}

} // namespace

void world::check_memory() {
  if (!violation_.empty())
    fail(violation_);
  for (const auto& [option, a] : ctx_->stocks) {
    const auto& lv = state_of<actors::stock_actor>(a)->state.levels;
    const auto sum = lv.available + lv.reserved + lv.sold;
    if (sum == 0)
      continue; // not started yet (CAF initializes an actor when it first runs)
    if (sum != data::initial_stock || lv.available < 0 || lv.reserved < 0 || lv.sold < 0)
      fail("stock actor " + str(option) + ": available " + str(lv.available) + " + reserved " +
           str(lv.reserved) + " + sold " + str(lv.sold) + " != " + str(data::initial_stock));
  }
  ctx_->coupons.for_each([&](const caf::actor& a) {
    const auto& st = state_of<actors::coupon_actor>(a)->state;
    if (!st.ctx)
      return;
    const auto& c = st.coupon;
    const auto holders = static_cast<std::int64_t>(st.holders.size());
    if (holders != c.total_quantity - c.current_quantity || c.current_quantity < 0 ||
        holders > c.total_quantity)
      fail("coupon actor " + str(c.id) + ": holders " + str(holders) + ", total " +
           str(c.total_quantity) + ", remaining " + str(c.current_quantity));
    for (auto customer : st.pending_use) {
      auto it = st.holders.find(customer);
      if (it == st.holders.end() || it->second != domain::coupon_status::used)
        fail("coupon actor " + str(c.id) + ": a pending use by " + str(customer) +
             " is not marked used");
    }
  });
  ctx_->customers.for_each([&](const caf::actor& a) {
    const auto& st = state_of<actors::customer_actor>(a)->state;
    if (st.ctx && st.balance < 0)
      fail("customer actor " + str(st.id) + ": balance " + str(st.balance));
  });
}

void world::check_database() {
  static const std::vector<db_check> checks = database_checks();
  db_changed_ = false;
  for (const auto& c : checks)
    if (auto broken = query(c.sql); broken != 0)
      fail(std::string("database: ") + c.what + " (" + str(broken) + " rows break it)");
}

// Nothing pending: memory equals storage, every saga committed or fully compensated, every
// command answered.
void world::check_quiescent() {
  if (!violation_.empty())
    fail(violation_);
  if (outstanding_ != 0)
    fail(str(outstanding_) + " commands unanswered with nothing pending");
  for (const auto& [option, a] : ctx_->stocks) {
    const auto& lv = state_of<actors::stock_actor>(a)->state.levels;
    const auto where = " FROM stock WHERE product_option_id = " + str(option);
    if (lv.available != query("SELECT quantity" + where) ||
        lv.reserved != query("SELECT reserved" + where) || lv.sold != query("SELECT sold" + where))
      fail("stock actor " + str(option) + " differs from its row: available " + str(lv.available) +
           " reserved " + str(lv.reserved) + " sold " + str(lv.sold));
  }
  ctx_->coupons.for_each([&](const caf::actor& a) {
    const auto& st = state_of<actors::coupon_actor>(a)->state;
    const auto id = str(st.coupon.id);
    if (!st.pending_use.empty())
      fail("coupon actor " + id + ": a pending use outlived its payment");
    if (st.coupon.current_quantity != query("SELECT current_quantity FROM coupon WHERE id = " + id))
      fail("coupon actor " + id + ": remaining differs from its row");
    if (static_cast<std::int64_t>(st.holders.size()) !=
        query("SELECT count(*) FROM customer_coupon WHERE coupon_id = " + id))
      fail("coupon actor " + id + ": holders differ from its rows");
    for (const auto& [customer, status] : st.holders)
      if (query("SELECT count(*) FROM customer_coupon WHERE coupon_id = " + id +
                " AND customer_id = " + str(customer) + " AND status = '" +
                std::string(domain::to_string(status)) + "'") != 1)
        fail("coupon actor " + id + ": holder " + str(customer) + " is " +
             std::string(domain::to_string(status)) + " in memory only");
  });
  ctx_->customers.for_each([&](const caf::actor& a) {
    const auto& st = state_of<actors::customer_actor>(a)->state;
    if (st.ctx &&
        st.balance != query("SELECT amount FROM balance WHERE customer_id = " + str(st.id)))
      fail("customer actor " + str(st.id) + ": balance " + str(st.balance) +
           " differs from its row");
  });
  std::int64_t open = 0;
  ctx_->sagas.for_each([&](const caf::actor& a) {
    const auto& st = state_of<actors::saga_actor>(a)->state;
    ++open;
    const auto id = str(st.order.id);
    if (st.phase != actors::saga_phase::created)
      fail("saga of order " + id + " is stuck in phase " + str(static_cast<int>(st.phase)));
    if (query("SELECT count(*) FROM orders WHERE status = 'CREATED' AND id = " + id) != 1)
      fail("saga of order " + id + " lives but the order is not CREATED");
  });
  if (open != query("SELECT count(*) FROM orders WHERE status = 'CREATED'"))
    fail("open orders without a saga: " + str(open) + " sagas for " +
         str(query("SELECT count(*) FROM orders WHERE status = 'CREATED'")) + " CREATED orders");
}

// Nothing acknowledged is lost, by a crash or otherwise.
void world::check_acknowledged() {
  for (auto id : acked_orders_)
    if (query("SELECT count(*) FROM orders WHERE id = " + str(id)) != 1)
      fail("acknowledged order " + str(id) + " is not in the database");
  for (auto id : acked_payments_)
    if (query("SELECT count(*) FROM orders o JOIN payment p ON p.order_id = o.id WHERE o.id = " +
              str(id) + " AND o.status = 'PAID'") != 1)
      fail("acknowledged payment of order " + str(id) + " is not in the database");
  for (const auto& [customer, acked] : acked_charges_) {
    const auto where =
        " FROM balance_history WHERE change_type = 'CHARGE' AND customer_id = " + str(customer);
    if (query("SELECT count(*)" + where) < acked.first ||
        query("SELECT coalesce(sum(change_amount), 0)" + where) < acked.second)
      fail("acknowledged charges of customer " + str(customer) + " are not all in the database");
  }
  for (const auto& [coupon, customer] : acked_issues_)
    if (query("SELECT count(*) FROM customer_coupon WHERE coupon_id = " + str(coupon) +
              " AND customer_id = " + str(customer)) != 1)
      fail("acknowledged issue of coupon " + str(coupon) + " to " + str(customer) + " is lost");
}

} // namespace actorshop::sim
