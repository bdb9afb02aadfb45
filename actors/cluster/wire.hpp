// The messages that cross between nodes (CAF BASP): requests to a node's gateway and its
// replies. Every one has an inspect() and is registered under the same name on every node
// (register_wire_types), as CAF 0.17 requires of a remote type. Domain values are flattened
// into integers so that the wire format does not depend on how CAF serializes enums, and a
// reply carries an errc code (0: success) instead of a CAF error, so the caller can tell a
// domain refusal from a lost node.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/meta/type_name.hpp>

#include "domain/history_page.hpp"
#include "domain/model.hpp"
#include "domain/result.hpp"

namespace actorshop::actors::cluster {

// --- the link handshake: sent by the node that made the link, answered with the gateway's own ---

/// Who a node is and which cluster map it routes by. Two nodes link only if both fields match
/// (and the answering node is the one the cluster file names at that address).
struct wire_hello {
  std::int64_t version = 0;   ///< the cluster file's version
  std::uint64_t map_hash = 0; ///< domain::shard_map::fingerprint()
  std::string node;           ///< the sender's name in the cluster file
};

// --- requests ---

struct wire_issue {
  domain::id_t coupon_id = 0;
  domain::id_t customer_id = 0;
};

struct wire_charge {
  domain::id_t customer_id = 0;
  domain::money amount = 0;
};

struct wire_balance_query {
  domain::id_t customer_id = 0;
};

struct wire_history_query {
  domain::id_t customer_id = 0;
  std::int32_t limit = 0;
  domain::id_t before = 0;
};

// --- replies: code 0 is success, else a domain::errc ---

struct wire_issued {
  std::uint8_t code = 0;
  domain::id_t coupon_id = 0;
  domain::id_t customer_id = 0;
  std::uint8_t status = 0;
};

struct wire_balance {
  std::uint8_t code = 0;
  domain::id_t customer_id = 0;
  domain::money amount = 0;
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
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_hello& x) {
  return f(caf::meta::type_name("actorshop.wire_hello"), x.version, x.map_hash, x.node);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_issue& x) {
  return f(caf::meta::type_name("actorshop.wire_issue"), x.coupon_id, x.customer_id);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_charge& x) {
  return f(caf::meta::type_name("actorshop.wire_charge"), x.customer_id, x.amount);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_balance_query& x) {
  return f(caf::meta::type_name("actorshop.wire_balance_query"), x.customer_id);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wire_history_query& x) {
  return f(caf::meta::type_name("actorshop.wire_history_query"), x.customer_id, x.limit, x.before);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_issued& x) {
  return f(caf::meta::type_name("actorshop.wire_issued"), x.code, x.coupon_id, x.customer_id,
           x.status);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_balance& x) {
  return f(caf::meta::type_name("actorshop.wire_balance"), x.code, x.customer_id, x.amount);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_change& x) {
  return f(caf::meta::type_name("actorshop.wire_change"), x.type, x.change_amount, x.total_amount,
           x.created_at);
}
template <class Inspector> typename Inspector::result_type inspect(Inspector& f, wire_history& x) {
  return f(caf::meta::type_name("actorshop.wire_history"), x.code, x.entries, x.next_before);
}

/// Registers every wire type under its name; call on every node's config before the system
/// starts (a node missing one cannot deserialize that message and drops it).
void register_wire_types(caf::actor_system_config& cfg);

// --- conversions (defined in wire.cpp) ---

wire_issued to_wire(const domain::result<domain::issued_coupon>& r);
wire_balance to_wire(const domain::result<domain::balance_view>& r);
wire_history to_wire(const domain::result<domain::balance_history_page>& r);
domain::result<domain::issued_coupon> from_wire(const wire_issued& w);
domain::result<domain::balance_view> from_wire(const wire_balance& w);
domain::result<domain::balance_history_page> from_wire(const wire_history& w);

} // namespace actorshop::actors::cluster
