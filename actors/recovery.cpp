#include "actors/recovery.hpp"

#include <caf/actor_system.hpp>

#include <algorithm>

#include "actors/coupon.hpp"
#include "actors/order_saga.hpp"
#include "actors/stock.hpp"

namespace actorshop::actors {

void load_reference(context& ctx, storage::reader& rd) {
  ctx.catalog = rd.load_catalog();
  ctx.customer_ids = rd.customer_ids();
  std::sort(ctx.customer_ids.begin(), ctx.customer_ids.end());
  ctx.next_order_id = rd.max_order_id(); // cluster mode: also above every logged saga (shop)
  ctx.next_payment_id = rd.max_payment_id();
  ctx.next_coupon_id = rd.max_coupon_id();
}

spawned_entities spawn_entities(context& ctx, storage::reader& rd) {
  spawned_entities spawned;
  // Cluster mode: stock rows are decided by saga steps in SQL, and open orders wait for the step
  // transport (shop::set_step_transport) before their sagas start.
  for (const auto& row : ctx.clustered() ? std::vector<storage::stock_row>{} : rd.stocks()) {
    ctx.stocks.emplace(row.option_id, ctx.system->spawn(stock_behavior, row));
    ++spawned.stock_rows;
  }
  for (auto id : rd.coupon_ids()) {
    auto c = rd.coupon(id);
    if (!c)
      continue;
    std::unordered_map<domain::id_t, domain::coupon_status> holders;
    for (const auto& [customer, status] : rd.coupon_holders(id))
      holders.emplace(customer, status);
    spawn_coupon(ctx, std::move(*c), std::move(holders));
    ++spawned.coupons;
  }
  if (ctx.clustered())
    return spawned;
  for (auto& o : rd.open_orders()) {
    spawn_recovered_saga(ctx, std::move(o));
    ++spawned.open_orders;
  }
  return spawned;
}

} // namespace actorshop::actors
