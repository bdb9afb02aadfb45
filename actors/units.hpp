// The SQL of every writer unit the actors submit: one business transaction each, run on the
// writer thread. Updates are relative (x = x - ?), so units that commit in any order, or fail
// alone, keep the rows consistent with the actors' memory. Every unit is pure SQL (a unit may run
// twice, see storage::unit_fn); charge's `*total` is overwritten by each run.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "actors/atoms.hpp"
#include "domain/model.hpp"
#include "storage/writer.hpp"

namespace actorshop::actors::units {

// Labels, for metrics and writer::inject_failure.
inline constexpr const char* issue_label = "issue_coupon";
inline constexpr const char* order_label = "create_order";
inline constexpr const char* payment_label = "payment";
inline constexpr const char* charge_label = "charge";
inline constexpr const char* expire_label = "expire_order";
inline constexpr const char* coupon_label = "create_coupon";
inline constexpr const char* delivered_label = "outbox_delivered";

/// Issues one copy of a coupon: current_quantity - 1, a customer_coupon row AVAILABLE.
storage::unit_fn issue(domain::id_t coupon_id, domain::id_t customer_id, domain::timestamp now);

/// Persists a new order with its lines and moves the lines' units from available to reserved.
storage::unit_fn create_order(std::shared_ptr<const domain::order> o);

/// Expires a CREATED order and gives its reserved units back (a no-op if it is not CREATED).
storage::unit_fn expire_order(const domain::order& o);

/// Charges a balance and writes its CHARGE history row; stores the new total in `*total`.
storage::unit_fn charge(domain::id_t customer_id, domain::money amount, domain::timestamp now,
                        std::shared_ptr<domain::money> total);

/// Everything a payment changes, in one unit (see payment_job).
storage::unit_fn payment(payment_job job);

/// Inserts a coupon created by an admin.
storage::unit_fn create_coupon(const domain::coupon& c);

/// Marks outbox rows delivered.
storage::unit_fn mark_delivered(std::vector<domain::id_t> ids, domain::timestamp now);


} // namespace actorshop::actors::units
