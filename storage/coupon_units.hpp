// The write units of coupons: issuing one copy to a customer, creating a coupon, and using an
// issued copy (a step of a payment). Every unit is pure SQL on the writer thread and may run
// twice (see storage::unit_fn); updates are relative, so units commit in any order.
#pragma once

#include <string>

#include "domain/model.hpp"
#include "storage/writer.hpp"

namespace actorshop::storage {

/// Labels, for metrics and writer::inject_failure.
inline constexpr const char* issue_coupon_label = "issue_coupon";
inline constexpr const char* create_coupon_label = "create_coupon";

/// Issues one copy of a coupon: current_quantity - 1, a customer_coupon row AVAILABLE.
unit_fn issue_coupon(domain::id_t coupon_id, domain::id_t customer_id, domain::timestamp now);

/// Inserts a coupon created by an admin.
unit_fn create_coupon(const domain::coupon& c);

/// Marks the customer's AVAILABLE copy of the coupon USED at `at`; coupon_already_used if none.
domain::status use_coupon(write_context& ctx, domain::id_t customer_id, domain::id_t coupon_id,
                          const std::string& at);

} // namespace actorshop::storage
