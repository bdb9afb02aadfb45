// The messages that cross between nodes (CAF BASP): the hello of the link handshake, requests to
// a node's gateway and its replies. A request (or reply) with nothing else in flight to its peer
// crosses alone, as its own type; several at once cross as one batch, whose elements are a
// caf::variant (a one-byte tag each, no type name: CAF serializes and looks up a type name per
// message element, not per nested value). Every message type has an inspect() and is registered
// under the same name on every node (register_wire_types), as CAF 0.17 requires of a remote type.
// A request carries the caller's call id and its reply echoes it. Domain values are
// flattened into integers so that the wire format does not depend on how CAF serializes enums, and
// a reply carries an errc code (0: success) instead of a CAF error, so the caller can tell a domain
// refusal from a lost node.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/variant.hpp>

#include "domain/history_page.hpp"
#include "domain/model.hpp"
#include "domain/result.hpp"
#include "storage/step_units.hpp"

namespace actorshop::actors::cluster {

// --- the link handshake: sent by the node that made the link, answered with the gateway's own ---

/// Who a node is, which cluster map it routes by and its saga step deadline. Two nodes link only
/// if version, map_hash and step_deadline_ms match (and the answering node is the one the
/// cluster file names at that address). Its registered name carries the wire protocol's revision
/// (v2: requests and replies carry a call id; v3: they travel in batches): a node of another
/// revision cannot read the hello, so the two never link.
struct wire_hello {
  std::int64_t version = 0;          ///< the cluster file's version
  std::uint64_t map_hash = 0;        ///< domain::shard_map::fingerprint()
  std::string node;                  ///< the sender's name in the cluster file
  std::int64_t step_deadline_ms = 0; ///< the cluster file's saga step deadline
};

// --- requests ---

struct wire_issue {
  domain::id_t coupon_id = 0;
  domain::id_t customer_id = 0;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

struct wire_charge {
  domain::id_t customer_id = 0;
  domain::money amount = 0;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

struct wire_balance_query {
  domain::id_t customer_id = 0;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

struct wire_history_query {
  domain::id_t customer_id = 0;
  std::int32_t limit = 0;
  domain::id_t before = 0;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

// Cluster mode's saga and order routes.

struct wire_step {
  std::string id;
  std::uint8_t kind = 0; ///< storage::step_kind
  domain::id_t entity = 0;
  domain::id_t customer = 0;
  domain::quantity qty = 0;
  std::string undoes;
  domain::timestamp at = 0;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

struct wire_line {
  domain::id_t product_id = 0;
  domain::id_t option_id = 0;
  domain::quantity qty = 0;
};

struct wire_create_order {
  domain::id_t customer_id = 0;
  std::vector<wire_line> lines;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

struct wire_pay {
  domain::id_t order_id = 0;
  domain::id_t coupon_id = 0; ///< 0: none
  domain::id_t payer = 0;     ///< 0: anyone (open mode)
  std::uint64_t call = 0;     ///< the caller's call id, echoed by the reply
};

struct wire_order_query {
  domain::id_t order_id = 0;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

struct wire_wallet_query {
  domain::id_t customer_id = 0;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

/// The catalogue's stock as the receiving node holds it (its own stock rows only).
struct wire_stock_query {
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

/// One product's option stock as the receiving node holds it (the options whose stock row it owns
/// are the ones the caller reads from its answer).
struct wire_product_query {
  domain::id_t product_id = 0;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

/// Units paid per product on the receiving node's orders in the `days` days up to the caller's
/// `now` (the caller's clock picks the window, so every node counts the same days).
struct wire_sales_query {
  std::int32_t days = 0;
  domain::timestamp now = 0;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

// --- replies: code 0 is success, else a domain::errc ---

struct wire_step_outcome {
  std::uint8_t code = 0;    ///< the step could not be applied this time (send it again)
  std::uint8_t outcome = 0; ///< the step's first outcome: 0 applied, else the refusal
  std::uint8_t type = 0;
  domain::money amount = 0;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

struct wire_order_line {
  domain::id_t product_id = 0;
  domain::id_t option_id = 0;
  std::string product_name;
  std::string option_name;
  domain::quantity qty = 0;
  domain::money unit_price = 0;
  domain::money subtotal = 0;
};

struct wire_order {
  std::uint8_t code = 0;
  domain::id_t id = 0;
  domain::id_t customer_id = 0;
  std::uint8_t status = 0;
  domain::money total_price = 0;
  domain::timestamp created_at = 0;
  domain::timestamp expires_at = 0;
  std::vector<wire_order_line> lines;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

struct wire_payment {
  std::uint8_t code = 0;
  domain::id_t id = 0;
  domain::id_t order_id = 0;
  domain::id_t customer_id = 0;
  domain::id_t coupon_id = 0; ///< 0: none
  domain::money original_price = 0;
  domain::money discount_amount = 0;
  domain::money discounted_price = 0;
  domain::timestamp paid_at = 0;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

struct wire_wallet_coupon {
  domain::id_t coupon_id = 0;
  std::string name;
  std::uint8_t type = 0;
  domain::money discount_amount = 0;
  std::uint8_t status = 0;
  domain::timestamp issued_at = 0;
  domain::timestamp expired_at = 0;
};

struct wire_wallet {
  std::uint8_t code = 0;
  std::vector<wire_wallet_coupon> coupons;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

/// Available units by product over the answering node's stock rows: ids[i] has stock[i].
struct wire_stock {
  std::uint8_t code = 0;
  std::vector<domain::id_t> ids;
  std::vector<domain::quantity> stock;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

/// Available units by option of one product over the answering node's stock rows: ids[i] has
/// stock[i].
struct wire_option_stock {
  std::uint8_t code = 0;
  std::vector<domain::id_t> ids;
  std::vector<domain::quantity> stock;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

/// Units paid by product on the answering node: ids[i] sold units[i] (counts, not a top list:
/// the caller ranks the sums).
struct wire_sales {
  std::uint8_t code = 0;
  std::vector<domain::id_t> ids;
  std::vector<domain::quantity> units;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

// --- replies: code 0 is success, else a domain::errc ---

struct wire_issued {
  std::uint8_t code = 0;
  domain::id_t coupon_id = 0;
  domain::id_t customer_id = 0;
  std::uint8_t status = 0;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

struct wire_balance {
  std::uint8_t code = 0;
  domain::id_t customer_id = 0;
  domain::money amount = 0;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

struct wire_change {
  std::uint8_t type = 0;
  domain::money change_amount = 0;
  domain::money total_amount = 0;
  domain::timestamp created_at = 0;
};

struct wire_history {
  std::uint8_t code = 0;
  std::vector<wire_change> entries;
  domain::id_t next_before = 0;
  std::uint64_t call = 0; ///< the caller's call id, echoed by the reply
};

// --- batches: what a BASP message carries ---

/// A request to a gateway (the one-byte variant tag says which).
using wire_request =
    caf::variant<wire_issue, wire_charge, wire_balance_query, wire_history_query, wire_step,
                 wire_create_order, wire_pay, wire_order_query, wire_wallet_query, wire_stock_query,
                 wire_product_query, wire_sales_query>;
/// A gateway's reply to one request.
using wire_reply =
    caf::variant<wire_issued, wire_balance, wire_history, wire_step_outcome, wire_order,
                 wire_payment, wire_wallet, wire_stock, wire_option_stock, wire_sales>;

/// The requests one node has for another's gateway at one moment: one BASP message. Lost as a
/// whole if the link drops (the caller fails each of its calls then).
struct wire_batch {
  std::vector<wire_request> calls;
};

/// The replies one gateway has for one caller node at one moment: one BASP message.
struct wire_reply_batch {
  std::vector<wire_reply> replies;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_hello& x) {
  return f(caf::meta::type_name("actorshop.wire_hello.v3"), x.version, x.map_hash, x.node,
           x.step_deadline_ms);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_issue& x) {
  return f(caf::meta::type_name("actorshop.wire_issue"), x.coupon_id, x.customer_id, x.call);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_charge& x) {
  return f(caf::meta::type_name("actorshop.wire_charge"), x.customer_id, x.amount, x.call);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_balance_query& x) {
  return f(caf::meta::type_name("actorshop.wire_balance_query"), x.customer_id, x.call);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_history_query& x) {
  return f(caf::meta::type_name("actorshop.wire_history_query"), x.customer_id, x.limit, x.before,
           x.call);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_issued& x) {
  return f(caf::meta::type_name("actorshop.wire_issued"), x.code, x.coupon_id, x.customer_id,
           x.status, x.call);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_balance& x) {
  return f(caf::meta::type_name("actorshop.wire_balance"), x.code, x.customer_id, x.amount, x.call);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_change& x) {
  return f(caf::meta::type_name("actorshop.wire_change"), x.type, x.change_amount, x.total_amount,
           x.created_at);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_history& x) {
  return f(caf::meta::type_name("actorshop.wire_history"), x.code, x.entries, x.next_before,
           x.call);
}

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_step& x) {
  return f(caf::meta::type_name("actorshop.wire_step"), x.id, x.kind, x.entity, x.customer, x.qty,
           x.undoes, x.at, x.call);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_line& x) {
  return f(caf::meta::type_name("actorshop.wire_line"), x.product_id, x.option_id, x.qty);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_create_order& x) {
  return f(caf::meta::type_name("actorshop.wire_create_order"), x.customer_id, x.lines, x.call);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_pay& x) {
  return f(caf::meta::type_name("actorshop.wire_pay"), x.order_id, x.coupon_id, x.payer, x.call);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_order_query& x) {
  return f(caf::meta::type_name("actorshop.wire_order_query"), x.order_id, x.call);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_wallet_query& x) {
  return f(caf::meta::type_name("actorshop.wire_wallet_query"), x.customer_id, x.call);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_step_outcome& x) {
  return f(caf::meta::type_name("actorshop.wire_step_outcome"), x.code, x.outcome, x.type, x.amount,
           x.call);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_order_line& x) {
  return f(caf::meta::type_name("actorshop.wire_order_line"), x.product_id, x.option_id,
           x.product_name, x.option_name, x.qty, x.unit_price, x.subtotal);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_order& x) {
  return f(caf::meta::type_name("actorshop.wire_order"), x.code, x.id, x.customer_id, x.status,
           x.total_price, x.created_at, x.expires_at, x.lines, x.call);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_payment& x) {
  return f(caf::meta::type_name("actorshop.wire_payment"), x.code, x.id, x.order_id, x.customer_id,
           x.coupon_id, x.original_price, x.discount_amount, x.discounted_price, x.paid_at, x.call);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_wallet_coupon& x) {
  return f(caf::meta::type_name("actorshop.wire_wallet_coupon"), x.coupon_id, x.name, x.type,
           x.discount_amount, x.status, x.issued_at, x.expired_at);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_wallet& x) {
  return f(caf::meta::type_name("actorshop.wire_wallet"), x.code, x.coupons, x.call);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_stock_query& x) {
  return f(caf::meta::type_name("actorshop.wire_stock_query"), x.call);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_stock& x) {
  return f(caf::meta::type_name("actorshop.wire_stock"), x.code, x.ids, x.stock, x.call);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_product_query& x) {
  return f(caf::meta::type_name("actorshop.wire_product_query"), x.product_id, x.call);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_option_stock& x) {
  return f(caf::meta::type_name("actorshop.wire_option_stock"), x.code, x.ids, x.stock, x.call);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_sales_query& x) {
  return f(caf::meta::type_name("actorshop.wire_sales_query"), x.days, x.now, x.call);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_sales& x) {
  return f(caf::meta::type_name("actorshop.wire_sales"), x.code, x.ids, x.units, x.call);
}

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_batch& x) {
  return f(caf::meta::type_name("actorshop.wire_batch"), x.calls);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_reply_batch& x) {
  return f(caf::meta::type_name("actorshop.wire_reply_batch"), x.replies);
}

/// Registers every wire message type under its name; call on every node's config before the system
/// starts (a node missing one cannot deserialize that message and drops it).
void register_wire_types(caf::actor_system_config& cfg);

// --- conversions (defined in wire.cpp) ---

wire_issued to_wire(const domain::result<domain::issued_coupon>& r);
wire_balance to_wire(const domain::result<domain::balance_view>& r);
wire_history to_wire(const domain::result<domain::balance_history_page>& r);
domain::result<domain::issued_coupon> from_wire(const wire_issued& w);
domain::result<domain::balance_view> from_wire(const wire_balance& w);
domain::result<domain::balance_history_page> from_wire(const wire_history& w);

wire_step to_wire(const storage::step& s);
storage::step from_wire(const wire_step& w);
wire_step_outcome to_wire(const domain::result<storage::step_outcome>& r);
domain::result<storage::step_outcome> from_wire(const wire_step_outcome& w);
wire_create_order to_wire(domain::id_t customer_id,
                          const std::vector<domain::order_line_request>& lines);
std::vector<domain::order_line_request> lines_of(const wire_create_order& w);
wire_order to_wire(const domain::result<domain::order>& r);
domain::result<domain::order> from_wire(const wire_order& w);
wire_payment to_wire(const domain::result<domain::payment>& r);
domain::result<domain::payment> from_wire(const wire_payment& w);
wire_wallet to_wire(const domain::result<std::vector<domain::wallet_coupon>>& r);
domain::result<std::vector<domain::wallet_coupon>> from_wire(const wire_wallet& w);
/// Only the product ids and their stock cross: names and prices are on every node.
wire_stock to_wire(const domain::result<std::vector<domain::product_summary>>& r);
domain::result<std::vector<domain::product_summary>> from_wire(const wire_stock& w);
/// Only the option ids and their stock cross: the product's names and prices are on every node.
wire_option_stock to_wire(const domain::result<domain::product_detail>& r);
domain::result<domain::product_detail> from_wire(const wire_option_stock& w);
/// Only the product ids and their units cross.
wire_sales to_wire(const domain::result<std::vector<domain::popular_product>>& r);
domain::result<std::vector<domain::popular_product>> from_wire(const wire_sales& w);

} // namespace actorshop::actors::cluster
