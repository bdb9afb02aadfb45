// Wire conversions and type registration.
#include "actors/cluster/wire.hpp"

namespace actorshop::actors::cluster {
namespace {

std::uint8_t wire_code(domain::errc e) { return static_cast<std::uint8_t>(e); }
domain::errc errc_of(std::uint8_t c) { return static_cast<domain::errc>(c); }

} // namespace

void register_wire_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<wire_hello>("actorshop.wire_hello");
  cfg.add_message_type<wire_issue>("actorshop.wire_issue");
  cfg.add_message_type<wire_charge>("actorshop.wire_charge");
  cfg.add_message_type<wire_balance_query>("actorshop.wire_balance_query");
  cfg.add_message_type<wire_history_query>("actorshop.wire_history_query");
  cfg.add_message_type<wire_issued>("actorshop.wire_issued");
  cfg.add_message_type<wire_balance>("actorshop.wire_balance");
  cfg.add_message_type<wire_change>("actorshop.wire_change");
  cfg.add_message_type<wire_history>("actorshop.wire_history");
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

} // namespace actorshop::actors::cluster
