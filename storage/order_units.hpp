// The write units of orders: creating one (its lines' units move from available to reserved),
// expiring one (they move back), and paying one (payment row, order PAID, reserved to sold, daily
// sales, the balance debit, the coupon used and, with an event sink, the PaymentCompleted outbox
// row, all in one unit).
#pragma once

#include <memory>

#include "domain/model.hpp"
#include "storage/writer.hpp"

namespace actorshop::storage {

/// Labels, for metrics and writer::inject_failure.
inline constexpr const char* create_order_label = "create_order";
inline constexpr const char* expire_order_label = "expire_order";
inline constexpr const char* pay_order_label = "payment";

/// Persists a new order with its lines and moves the lines' units from available to reserved.
unit_fn create_order(std::shared_ptr<const domain::order> o);

/// Expires a CREATED order and gives its reserved units back (a no-op if it is not CREATED).
unit_fn expire_order(const domain::order& o);

/// Everything a payment changes, in one unit (see domain::payment_job). `record_event`: append
/// its PaymentCompleted outbox row; without an event sink nobody would read it, so the shop
/// passes false then (a sink configured later sees the events from then on).
unit_fn pay_order(domain::payment_job job, bool record_event = true);

/// The SQL of create_order, for callers that compose it into a larger unit (writer_bench).
/// `with_stock` false (cluster mode): the lines' stock is reserved by saga steps on its owners.
domain::status insert_order(write_context& ctx, const domain::order& o, bool with_stock = true);

/// The SQL of pay_order, for callers that compose it into a larger unit (writer_bench).
domain::status settle_payment(write_context& ctx, const domain::payment_job& job,
                              bool record_event = true);

/// Cluster mode's payment on the order node: payment row, order PAID, daily sales, the balance
/// debit and the end of the saga's "paying" log row. The stock moves and the coupon use were
/// saga steps on their owners, acknowledged before this unit (the saga's pivot) runs.
unit_fn pay_order_clustered(domain::payment_job job, bool record_event);

} // namespace actorshop::storage
