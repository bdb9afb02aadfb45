// The shop's queries (committed state, read from a thread-local connection), its statistics and
// the test hooks that peek into one actor.
#include <caf/scoped_actor.hpp>

#include <algorithm>
#include <limits>

#include "actors/shop_impl.hpp"
#include "actors/stock.hpp"

namespace actorshop::actors {

using domain::errc;
using domain::id_t;

domain::result<domain::balance_view> shop::balance(id_t customer_id) {
  auto b = storage::thread_reader(impl_->ctx.options.db_path).balance(customer_id);
  if (!b)
    return errc::customer_not_found;
  return *b;
}

domain::result<domain::balance_history_page> shop::balance_history_page(id_t customer_id, int limit,
                                                                        id_t before) {
  if (!impl_->ctx.customer_exists(customer_id))
    return errc::customer_not_found;
  auto page = storage::thread_reader(impl_->ctx.options.db_path)
                  .balance_history_page(customer_id, limit, before);
  if (!page)
    return errc::invalid_request;
  return std::move(*page);
}

std::vector<domain::product_summary> shop::products() {
  return storage::thread_reader(impl_->ctx.options.db_path).products();
}

domain::result<domain::product_detail> shop::product(id_t product_id) {
  auto p = storage::thread_reader(impl_->ctx.options.db_path).product(product_id);
  if (!p)
    return errc::product_not_found;
  return *p;
}

domain::result<std::vector<domain::popular_product>> shop::popular(int days) {
  if (days < 1 || days > 30)
    return errc::invalid_period;
  return storage::thread_reader(impl_->ctx.options.db_path)
      .popular(days, impl_->ctx.now(), popular_limit);
}

domain::result<std::vector<domain::popular_product>> shop::product_sales(int days,
                                                                         domain::timestamp now) {
  if (days < 1 || days > 30)
    return errc::invalid_period;
  return storage::thread_reader(impl_->ctx.options.db_path)
      .popular(days, now, std::numeric_limits<int>::max());
}

std::vector<domain::popular_product>
shop::top_sellers(const std::vector<std::pair<id_t, domain::quantity>>& units) const {
  std::vector<domain::popular_product> out;
  for (const auto& [id, n] : units)
    if (const auto* p = impl_->ctx.catalog.find_product(id))
      out.push_back({id, p->name, p->base_price, n});
  // The order of reader::popular's ORDER BY total DESC, p.id ASC.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.total_sales != b.total_sales ? a.total_sales > b.total_sales : a.id < b.id;
  });
  if (out.size() > static_cast<std::size_t>(popular_limit))
    out.resize(popular_limit);
  return out;
}

domain::timestamp shop::now() const { return impl_->ctx.now(); }

domain::result<std::vector<domain::wallet_coupon>> shop::customer_coupons(id_t customer_id) {
  if (!impl_->ctx.customer_exists(customer_id))
    return errc::customer_not_found;
  return storage::thread_reader(impl_->ctx.options.db_path).customer_coupons(customer_id);
}

domain::result<domain::order> shop::order(id_t order_id) {
  auto o = storage::thread_reader(impl_->ctx.options.db_path).order(order_id);
  if (!o)
    return errc::order_not_found;
  return *o;
}

shop_stats shop::stats() const {
  const auto& d = *impl_;
  auto w = d.writer->stats();
  shop_stats s;
  s.live_customer_actors = d.ctx.customers.size();
  s.live_order_sagas = d.ctx.sagas.size();
  s.live_coupon_actors = d.ctx.coupons.size();
  s.live_stock_actors = d.ctx.stocks.size();
  s.running_actors = d.system ? d.system->registry().running() : 0;
  s.wal_bytes = d.writer->wal_bytes();
  s.coupon_remaining = d.ctx.coupon_remaining.snapshot();
  s.writes_committed = w.units_committed;
  s.writes_failed = w.units_failed;
  s.write_batches = w.batches;
  s.write_queue_depth = w.queue_depth;
  s.saga_recovery_skipped = d.saga_recovery_skipped.load();
  if (d.events) {
    s.events_pending = d.events->pending();
    s.events_delivered = d.events->delivered();
    s.event_delivery_failures = d.events->failures();
    s.event_retries = d.events->retries();
  }
  return s;
}

const storage::writer_telemetry& shop::writer_telemetry() const {
  return impl_->writer->telemetry();
}

const shop_options& shop::options() const { return impl_->ctx.options; }

const recovery_summary& shop::recovery() const { return impl_->recovered; }

storage::writer& shop::writer_for_tests() { return *impl_->writer; }

std::optional<stock_snapshot> shop::stock_in_memory(id_t option_id) {
  auto* a = impl_->ctx.stock_of(option_id);
  if (!a || !impl_->system)
    return std::nullopt;
  caf::scoped_actor self{*impl_->system};
  std::optional<stock_snapshot> out;
  self->request(*a, std::chrono::seconds(10), peek_atom::value)
      .receive(
          [&](const stock_levels& lv) {
            out = stock_snapshot{lv.available, lv.reserved, lv.sold};
          },
          [](caf::error&) {});
  return out;
}

std::optional<coupon_snapshot> shop::coupon_in_memory(id_t coupon_id) {
  auto a = impl_->ctx.coupons.find(coupon_id);
  if (!a || !impl_->system)
    return std::nullopt;
  caf::scoped_actor self{*impl_->system};
  std::optional<coupon_snapshot> out;
  self->request(*a, std::chrono::seconds(10), peek_atom::value)
      .receive(
          [&](const domain::coupon& c, std::int64_t holders) {
            out = coupon_snapshot{c, holders};
          },
          [](caf::error&) {});
  return out;
}

} // namespace actorshop::actors
