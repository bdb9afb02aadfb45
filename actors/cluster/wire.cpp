// Wire conversions and type registration.
#include "actors/cluster/wire.hpp"

namespace actorshop::actors::cluster {
namespace {

std::uint8_t wire_code(domain::errc e) { return static_cast<std::uint8_t>(e); }
domain::errc errc_of(std::uint8_t c) { return static_cast<domain::errc>(c); }

/// A list of (id, quantity) as two columns of a reply (`ids` and `values`), or its error code.
template <class Wire, class Item, class Get>
Wire to_columns(const domain::result<std::vector<Item>>& r,
                std::vector<domain::quantity> Wire::*values, Get quantity_of) {
  Wire w;
  if (!r) {
    w.code = wire_code(r.error());
    return w;
  }
  for (const auto& x : *r) {
    w.ids.push_back(x.id);
    (w.*values).push_back(quantity_of(x));
  }
  return w;
}

/// The list back from a reply's two columns: `make(id, quantity)` per row.
template <class Item, class Wire, class Make>
domain::result<std::vector<Item>>
from_columns(const Wire& w, const std::vector<domain::quantity>& values, Make make) {
  if (w.code != 0)
    return errc_of(w.code);
  std::vector<Item> out;
  for (std::size_t i = 0; i < w.ids.size() && i < values.size(); ++i)
    out.push_back(make(w.ids[i], values[i]));
  return out;
}

} // namespace

void register_wire_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<wire_hello>("actorshop.wire_hello.v3");
  // A call or reply with nothing else in flight to its peer crosses alone, as its own type.
  cfg.add_message_type<wire_issue>("actorshop.wire_issue");
  cfg.add_message_type<wire_charge>("actorshop.wire_charge");
  cfg.add_message_type<wire_balance_query>("actorshop.wire_balance_query");
  cfg.add_message_type<wire_history_query>("actorshop.wire_history_query");
  cfg.add_message_type<wire_step>("actorshop.wire_step");
  cfg.add_message_type<wire_create_order>("actorshop.wire_create_order");
  cfg.add_message_type<wire_pay>("actorshop.wire_pay");
  cfg.add_message_type<wire_order_query>("actorshop.wire_order_query");
  cfg.add_message_type<wire_wallet_query>("actorshop.wire_wallet_query");
  cfg.add_message_type<wire_stock_query>("actorshop.wire_stock_query");
  cfg.add_message_type<wire_issued>("actorshop.wire_issued");
  cfg.add_message_type<wire_balance>("actorshop.wire_balance");
  cfg.add_message_type<wire_history>("actorshop.wire_history");
  cfg.add_message_type<wire_step_outcome>("actorshop.wire_step_outcome");
  cfg.add_message_type<wire_order>("actorshop.wire_order");
  cfg.add_message_type<wire_payment>("actorshop.wire_payment");
  cfg.add_message_type<wire_wallet>("actorshop.wire_wallet");
  cfg.add_message_type<wire_stock>("actorshop.wire_stock");
  cfg.add_message_type<wire_product_query>("actorshop.wire_product_query");
  cfg.add_message_type<wire_option_stock>("actorshop.wire_option_stock");
  cfg.add_message_type<wire_sales_query>("actorshop.wire_sales_query");
  cfg.add_message_type<wire_sales>("actorshop.wire_sales");
  // Several at once cross together: one BASP message, a one-byte variant tag per element.
  cfg.add_message_type<wire_batch>("actorshop.wire_batch");
  cfg.add_message_type<wire_reply_batch>("actorshop.wire_reply_batch");
}

wire_issued to_wire(const domain::result<domain::issued_coupon>& r) {
  if (!r)
    return {wire_code(r.error()), 0, 0, 0};
  return {0, r->coupon_id, r->customer_id, static_cast<std::uint8_t>(r->status)};
}

wire_balance to_wire(const domain::result<domain::balance_view>& r) {
  if (!r)
    return {wire_code(r.error()), 0, 0};
  return {0, r->customer_id, r->amount};
}

wire_history to_wire(const domain::result<domain::balance_history_page>& r) {
  wire_history w;
  if (!r) {
    w.code = wire_code(r.error());
    return w;
  }
  w.next_before = r->next_before;
  w.entries.reserve(r->entries.size());
  for (const auto& e : r->entries)
    w.entries.push_back(
        {static_cast<std::uint8_t>(e.type), e.change_amount, e.total_amount, e.created_at});
  return w;
}

domain::result<domain::issued_coupon> from_wire(const wire_issued& w) {
  if (w.code != 0)
    return errc_of(w.code);
  return domain::issued_coupon{w.coupon_id, w.customer_id,
                               static_cast<domain::coupon_status>(w.status)};
}

domain::result<domain::balance_view> from_wire(const wire_balance& w) {
  if (w.code != 0)
    return errc_of(w.code);
  return domain::balance_view{w.customer_id, w.amount};
}

domain::result<domain::balance_history_page> from_wire(const wire_history& w) {
  if (w.code != 0)
    return errc_of(w.code);
  domain::balance_history_page page;
  page.next_before = w.next_before;
  page.entries.reserve(w.entries.size());
  for (const auto& e : w.entries)
    page.entries.push_back(
        {static_cast<domain::change_type>(e.type), e.change_amount, e.total_amount, e.created_at});
  return page;
}

wire_step to_wire(const storage::step& s) {
  return {s.id, static_cast<std::uint8_t>(s.kind), s.entity, s.customer, s.qty, s.undoes, s.at};
}

storage::step from_wire(const wire_step& w) {
  return {w.id, static_cast<storage::step_kind>(w.kind), w.entity, w.customer, w.qty, w.undoes,
          w.at};
}

wire_step_outcome to_wire(const domain::result<storage::step_outcome>& r) {
  if (!r)
    return {wire_code(r.error()), 0, 0, 0};
  return {0, r->code, static_cast<std::uint8_t>(r->type), r->discount_amount};
}

domain::result<storage::step_outcome> from_wire(const wire_step_outcome& w) {
  if (w.code != 0)
    return errc_of(w.code);
  return storage::step_outcome{w.outcome, static_cast<domain::discount_type>(w.type), w.amount};
}

wire_create_order to_wire(domain::id_t customer_id,
                          const std::vector<domain::order_line_request>& lines) {
  wire_create_order w{customer_id, {}};
  for (const auto& l : lines)
    w.lines.push_back({l.product_id, l.option_id, l.qty});
  return w;
}

std::vector<domain::order_line_request> lines_of(const wire_create_order& w) {
  std::vector<domain::order_line_request> out;
  for (const auto& l : w.lines)
    out.push_back({l.product_id, l.option_id, l.qty});
  return out;
}

wire_order to_wire(const domain::result<domain::order>& r) {
  wire_order w;
  if (!r) {
    w.code = wire_code(r.error());
    return w;
  }
  w.id = r->id;
  w.customer_id = r->customer_id;
  w.status = static_cast<std::uint8_t>(r->status);
  w.total_price = r->total_price;
  w.created_at = r->created_at;
  w.expires_at = r->expires_at;
  for (const auto& l : r->lines)
    w.lines.push_back({l.product_id, l.option_id, l.product_name, l.option_name, l.qty,
                       l.unit_price, l.subtotal});
  return w;
}

domain::result<domain::order> from_wire(const wire_order& w) {
  if (w.code != 0)
    return errc_of(w.code);
  domain::order o;
  o.id = w.id;
  o.customer_id = w.customer_id;
  o.status = static_cast<domain::order_status>(w.status);
  o.total_price = w.total_price;
  o.created_at = w.created_at;
  o.expires_at = w.expires_at;
  for (const auto& l : w.lines)
    o.lines.push_back({l.product_id, l.option_id, l.product_name, l.option_name, l.qty,
                       l.unit_price, l.subtotal});
  return o;
}

wire_payment to_wire(const domain::result<domain::payment>& r) {
  if (!r)
    return {wire_code(r.error()), 0, 0, 0, 0, 0, 0, 0, 0};
  return {0,
          r->id,
          r->order_id,
          r->customer_id,
          r->coupon_id.value_or(0),
          r->original_price,
          r->discount_amount,
          r->discounted_price,
          r->paid_at};
}

domain::result<domain::payment> from_wire(const wire_payment& w) {
  if (w.code != 0)
    return errc_of(w.code);
  domain::payment p{w.id,
                    w.order_id,
                    w.customer_id,
                    std::nullopt,
                    w.original_price,
                    w.discount_amount,
                    w.discounted_price,
                    w.paid_at};
  if (w.coupon_id != 0)
    p.coupon_id = w.coupon_id;
  return p;
}

wire_wallet to_wire(const domain::result<std::vector<domain::wallet_coupon>>& r) {
  wire_wallet w;
  if (!r) {
    w.code = wire_code(r.error());
    return w;
  }
  for (const auto& c : *r)
    w.coupons.push_back({c.coupon_id, c.name, static_cast<std::uint8_t>(c.type), c.discount_amount,
                         static_cast<std::uint8_t>(c.status), c.issued_at, c.expired_at});
  return w;
}

domain::result<std::vector<domain::wallet_coupon>> from_wire(const wire_wallet& w) {
  if (w.code != 0)
    return errc_of(w.code);
  std::vector<domain::wallet_coupon> out;
  for (const auto& c : w.coupons)
    out.push_back({c.coupon_id, c.name, static_cast<domain::discount_type>(c.type),
                   c.discount_amount, static_cast<domain::coupon_status>(c.status), c.issued_at,
                   c.expired_at});
  return out;
}

wire_stock to_wire(const domain::result<std::vector<domain::product_summary>>& r) {
  return to_columns(r, &wire_stock::stock, [](const auto& p) { return p.stock; });
}

domain::result<std::vector<domain::product_summary>> from_wire(const wire_stock& w) {
  return from_columns<domain::product_summary>(w, w.stock, [](domain::id_t id, domain::quantity n) {
    return domain::product_summary{id, {}, 0, n};
  });
}

wire_option_stock to_wire(const domain::result<domain::product_detail>& r) {
  if (!r)
    return {wire_code(r.error()), {}, {}};
  return to_columns(domain::result<std::vector<domain::option_detail>>(r->options),
                    &wire_option_stock::stock, [](const auto& o) { return o.stock; });
}

domain::result<domain::product_detail> from_wire(const wire_option_stock& w) {
  auto options =
      from_columns<domain::option_detail>(w, w.stock, [](domain::id_t id, domain::quantity n) {
        return domain::option_detail{id, {}, 0, n};
      });
  if (!options)
    return options.error();
  domain::product_detail out;
  out.options = std::move(*options);
  return out;
}

wire_sales to_wire(const domain::result<std::vector<domain::popular_product>>& r) {
  return to_columns(r, &wire_sales::units, [](const auto& p) { return p.total_sales; });
}

domain::result<std::vector<domain::popular_product>> from_wire(const wire_sales& w) {
  return from_columns<domain::popular_product>(w, w.units, [](domain::id_t id, domain::quantity n) {
    return domain::popular_product{id, {}, 0, n};
  });
}

} // namespace actorshop::actors::cluster
